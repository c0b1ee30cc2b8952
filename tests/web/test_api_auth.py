"""Authentication: API tokens, staff passwords (argon2id), sessions with idle and absolute expiry, CSRF,
the login redirect of HTML pages, security headers, and audit entries that name the person (issue 7, 8)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from fastapi import Depends, Request, Response
from sqlalchemy import select
from web_api_support import PASSWORD, Api, make_api

from personvern import audit
from personvern.errors import RegisterError
from personvern.register import Register
from personvern.register import schema as t
from personvern.web import auth


@pytest.fixture
def api(reg: Register) -> Api:
    api = make_api(reg)
    app = api.app

    @app.post("/test/login")
    def login(request: Request, response: Response, username: str, password: str) -> dict[str, str]:
        user = auth.authenticate_staff(reg, username, password)
        if user is None:
            return {"csrf": ""}
        return {"csrf": auth.start_session(request, response, kind="staff", user_id=user.id)}

    @app.post("/test/logout")
    def logout(request: Request, response: Response) -> None:
        auth.end_session(request, response)

    @app.get("/console/test-page")
    def page(who: auth.Principal = Depends(auth.require_page("agent"))) -> dict[str, str]:
        return {"actor": who.actor}

    @app.post("/console/test-page")
    def post_page(who: auth.Principal = Depends(auth.require_page("agent"))) -> dict[str, str]:
        return {"actor": who.actor}

    @app.get("/mine-sider/test-page")
    def portal_page(who: auth.Principal = Depends(auth.require_page("subject"))) -> dict[str, str | None]:
        return {"subject": who.subject_ref}

    auth.create_staff_user(reg, "kari", PASSWORD, "privacy_officer", "Kari Nordmann")
    return api


def login(api: Api, username: str = "kari", password: str = PASSWORD) -> str:
    api.client.cookies.clear()
    res = api.client.post("/test/login", params={"username": username, "password": password})
    assert res.status_code == 200
    return str(res.json()["csrf"])


def test_a_token_is_shown_once_and_only_its_hash_is_stored(reg: Register) -> None:
    token = auth.create_token(reg, "shop", "agent", by="admin")
    with reg.engine.connect() as c:
        stored = c.execute(select(t.api_tokens.c.token_hash).where(t.api_tokens.c.name == "shop")).scalar_one()
    assert token.startswith("pv_") and len(token) > 40
    assert token not in stored and len(stored) == 64
    assert auth.token_principal(reg, token) == auth.Principal("token:shop", "agent", None, "token")


def test_tokens_and_users_refuse_unknown_roles(reg: Register) -> None:
    with pytest.raises(RegisterError, match="unknown role") as caught:
        auth.create_token(reg, "x", "root", by="admin")
    assert caught.value.field == "role"
    with pytest.raises(RegisterError, match="unknown role"):
        auth.create_staff_user(reg, "ola", PASSWORD, "subject")
    with pytest.raises(RegisterError, match="at least 10") as short:
        auth.create_staff_user(reg, "ola", "kort", "agent")
    assert short.value.field == "password"


def test_passwords_are_argon2id_and_checked(api: Api) -> None:
    with api.reg.engine.connect() as c:
        stored = c.execute(select(t.staff_users.c.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    user = auth.authenticate_staff(api.reg, "kari", PASSWORD)
    assert user is not None and (user.username, user.role) == ("kari", "privacy_officer")
    assert auth.authenticate_staff(api.reg, "kari", PASSWORD + "x") is None
    assert auth.authenticate_staff(api.reg, "nobody", PASSWORD) is None
    with pytest.raises(RegisterError, match="taken"):
        auth.create_staff_user(api.reg, "kari", PASSWORD, "agent")


def test_an_unknown_user_costs_an_argon2_verification_too(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    """No shortcut for unknown usernames: timing does not tell which exist."""
    calls: list[str] = []
    dummy = auth._dummy_hash()
    real = auth._hasher

    class Spy(PasswordHasher):
        def verify(self, hash: str | bytes, password: str | bytes) -> bool:
            calls.append(str(hash))
            return real.verify(hash, password)

    monkeypatch.setattr(auth, "_dummy_hash", lambda: dummy)
    previous = auth.use_password_hasher(Spy())
    try:
        assert auth.authenticate_staff(api.reg, "nobody", PASSWORD) is None
    finally:
        auth.use_password_hasher(previous)
    assert calls == [dummy]


def test_a_disabled_user_cannot_log_in_and_loses_their_sessions(api: Api) -> None:
    login(api)
    assert api.client.get("/api/audit/verify").status_code == 200
    uid = auth.authenticate_staff(api.reg, "kari", PASSWORD).id  # type: ignore[union-attr]
    auth.update_staff_user(api.reg, uid, disabled=True)
    assert api.client.get("/api/audit/verify").status_code == 401
    assert auth.authenticate_staff(api.reg, "kari", PASSWORD) is None


def test_the_session_cookie_is_httponly_samesite_lax(api: Api) -> None:
    api.client.cookies.clear()
    res = api.client.post("/test/login", params={"username": "kari", "password": PASSWORD})
    cookie = res.headers["set-cookie"].lower()
    assert cookie.startswith(f"{auth.COOKIE}=") and "httponly" in cookie and "samesite=lax" in cookie
    assert "secure" not in cookie  # the test app runs on plain http (WebConfig.secure_cookies=False)


def test_secure_cookies_and_hsts_when_configured(reg: Register) -> None:
    from web_api_support import TestClient

    from personvern.web.app import WebConfig, create_app

    app = create_app(reg, WebConfig(secure_cookies=True))

    @app.post("/test/login")
    def login(request: Request, response: Response) -> None:
        uid = auth.create_staff_user(reg, "ola", PASSWORD, "agent")
        auth.start_session(request, response, kind="staff", user_id=uid)

    res = TestClient(app, base_url="https://testserver").post("/test/login")
    assert "secure" in res.headers["set-cookie"].lower()
    assert res.headers["strict-transport-security"].startswith("max-age=")


def test_a_staff_session_acts_with_the_users_role_and_name(api: Api) -> None:
    csrf = login(api)
    res = api.client.post("/api/subjects", json={"kind": "customer"}, headers={auth.CSRF_HEADER: csrf})
    assert res.status_code == 201
    with api.reg.engine.connect() as c:
        [entry] = audit.entries(c, res.json()["ref"])
    assert (entry.actor, entry.role, entry.action) == ("kari", "privacy_officer", "subject.created")


def test_a_token_request_is_audited_under_the_tokens_name(api: Api) -> None:
    res = api.call("POST", "/api/subjects", "agent", json={"kind": "customer"})
    with api.reg.engine.connect() as c:
        [entry] = audit.entries(c, res.json()["ref"])
    assert (entry.actor, entry.role) == ("token:test-agent", "agent")


def test_csrf_is_required_for_unsafe_requests_with_the_cookie(api: Api) -> None:
    csrf = login(api)
    res = api.client.post("/api/subjects", json={"kind": "customer"})
    assert res.status_code == 403 and "CSRF" in res.json()["error"]
    ok = api.client.post("/api/subjects", json={"kind": "customer"}, headers={auth.CSRF_HEADER: csrf})
    assert ok.status_code == 201
    res = api.client.post("/api/subjects", json={"kind": "customer"}, headers={auth.CSRF_HEADER: "wrong"})
    assert res.status_code == 403
    assert api.client.get("/api/audit/verify").status_code == 200  # safe methods need none


def test_csrf_from_a_form_field(api: Api) -> None:
    api.reg.add_subject("customer")
    uid = auth.create_staff_user(api.reg, "per", PASSWORD, "agent")
    token, csrf = auth.open_session(api.reg, "staff", user_id=uid)
    api.client.cookies.clear()
    api.client.cookies.set(auth.COOKIE, token)
    assert api.client.post("/console/test-page", data={"csrf": "nope"}).status_code == 403
    res = api.client.post("/console/test-page", data={"csrf": csrf})
    assert res.status_code == 200 and res.json() == {"actor": "per"}


def test_tokens_need_no_csrf(api: Api) -> None:
    assert api.call("POST", "/api/subjects", "agent", json={"kind": "customer"}).status_code == 201


def test_sessions_expire_when_idle_and_absolutely(api: Api, clock: object) -> None:
    login(api)
    assert api.client.get("/api/audit/verify").status_code == 200
    clock.now += auth.IDLE["staff"] - timedelta(minutes=2)  # type: ignore[attr-defined]
    assert api.client.get("/api/audit/verify").status_code == 200  # activity extends the session
    clock.now += auth.IDLE["staff"] - timedelta(minutes=2)  # type: ignore[attr-defined]
    assert api.client.get("/api/audit/verify").status_code == 200
    clock.now += auth.IDLE["staff"] + timedelta(seconds=1)  # type: ignore[attr-defined]
    assert api.client.get("/api/audit/verify").status_code == 401
    login(api)
    started, statuses = clock.now, []  # type: ignore[attr-defined]
    while clock.now - started <= auth.ABSOLUTE["staff"]:  # type: ignore[attr-defined]
        clock.now += auth.IDLE["staff"] - timedelta(minutes=2)  # type: ignore[attr-defined]
        statuses.append(api.client.get("/api/audit/verify").status_code)
    assert set(statuses[:-1]) == {200} and statuses[-1] == 401  # however busy, it ends after ABSOLUTE


def test_logout_ends_the_session_for_good(api: Api) -> None:
    login(api)
    stolen = api.client.cookies.get(auth.COOKIE)
    api.client.post("/test/logout")
    api.client.cookies.set(auth.COOKIE, stolen or "")
    assert api.client.get("/api/audit/verify").status_code == 401


def test_a_new_login_replaces_the_old_session(api: Api) -> None:
    login(api)
    old = api.client.cookies.get(auth.COOKIE)
    login(api)
    api.client.cookies.set(auth.COOKIE, old or "")
    res = api.client.post("/test/login", params={"username": "kari", "password": PASSWORD})
    assert res.status_code == 200
    api.client.cookies.clear()
    api.client.cookies.set(auth.COOKIE, old or "")
    assert api.client.get("/api/audit/verify").status_code == 401


def test_pages_redirect_to_the_right_login(api: Api) -> None:
    api.client.cookies.clear()
    res = api.client.get("/console/test-page?x=1", follow_redirects=False)
    assert res.status_code == 303 and res.headers["location"] == "/console/login?next=%2Fconsole%2Ftest-page%3Fx%3D1"
    res = api.client.get("/mine-sider/test-page", follow_redirects=False)
    assert res.status_code == 303 and res.headers["location"].startswith("/mine-sider/login?next=")
    # a bearer token is not a browser login, and a subject's session is not a staff login
    res = api.client.get("/console/test-page", headers=api.headers("agent"), follow_redirects=False)
    assert res.status_code == 303
    api.client.cookies.set(auth.COOKIE, api.portal_cookie)
    assert api.client.get("/console/test-page", follow_redirects=False).status_code == 303
    res = api.client.get("/mine-sider/test-page")
    assert res.json() == {"subject": api.subject}


def test_a_staff_page_with_the_wrong_role_is_forbidden(api: Api) -> None:
    login(api)  # privacy_officer; the page is for agents (and admins)
    res = api.client.get("/console/test-page", headers={"accept": "text/html"}, follow_redirects=False)
    assert res.status_code == 403
    assert "Traceback" not in res.text


def test_security_headers_on_every_response(api: Api) -> None:
    for res in (api.client.get("/api/openapi.json"), api.client.get("/api/nothing-here"),
                api.call("GET", "/api/policy", "agent"), api.client.get("/console/test-page", follow_redirects=False)):
        h = res.headers
        assert "default-src 'self'" in h["content-security-policy"]
        assert "'unsafe-inline'" not in h["content-security-policy"]
        assert h["x-content-type-options"] == "nosniff"
        assert h["x-frame-options"] == "DENY"
        assert h["referrer-policy"] == "same-origin"
        assert h["cache-control"] == "no-store"
        assert "strict-transport-security" not in h  # plain http in tests


def test_a_portal_session_sees_no_staff_api(api: Api) -> None:
    assert api.call("GET", f"/api/subjects/{api.subject}", "subject").status_code == 403
    assert api.call("POST", "/api/subjects/search", "subject",
                    json={"kind": "email", "value": "kari.nordmann@example.no"}).status_code == 403
