"""Every /api route enforces its roles: the full route × role matrix, walked from ``app.routes``.

A route must declare who may call it (``acting``/``require`` from ``personvern.web.auth``, or ``public``);
a route without a declaration fails here, so a new route cannot ship without a role check (issue 7).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import fastapi.routing
import pytest
from fastapi.routing import APIRoute
from web_api_support import STAFF_ROLES, Api, make_api

from personvern.register import Register

ROLES = (*STAFF_ROLES, "subject")
DUMMY = {"int": "999999", "str": "00000000-0000-4000-8000-000000000000"}

# The policy in one table, for the routes where a mistake would hurt most (issue 7's role list); the
# matrix test below checks every route against its own declaration, this one checks the declarations.
MUST = {
    ("POST", "/api/subjects/search"): {"agent", "privacy_officer", "admin"},
    ("POST", "/api/subjects/{ref}/erase"): {"privacy_officer", "admin"},
    ("GET", "/api/sweep/preview"): {"privacy_officer", "admin"},
    ("POST", "/api/sweep/run"): {"admin"},
    ("GET", "/api/audit/verify"): {"privacy_officer", "admin"},
    ("GET", "/api/subjects/{ref}/identifiers/clear"): {"privacy_officer", "admin"},
    ("POST", "/api/admin/tokens"): {"admin"},
    ("POST", "/api/admin/users"): {"admin"},
    ("GET", "/api/policy/ropa"): {"privacy_officer", "admin"},
    ("POST", "/api/policy/activate"): {"admin"},
    ("POST", "/api/requests/{ref}/erase"): {"privacy_officer", "admin"},
    ("POST", "/api/service/lookup"): {"agent", "privacy_officer", "admin"},
    ("POST", "/api/subjects/{ref}/contacts"): {"agent", "privacy_officer", "admin"},
    ("POST", "/api/cases"): {"agent", "privacy_officer", "admin"},
    ("GET", "/api/outbox/dead"): {"privacy_officer", "admin"},
}


def declaration(route: Route) -> tuple[str, ...] | str | None:
    """The roles a route declares (a tuple), 'public: why' for a deliberately open one, or None."""
    found: list[Any] = []

    def walk(dependant: Any) -> None:
        for dep in dependant.dependencies:
            for attr in ("roles", "public"):
                if hasattr(dep.call, attr):
                    found.append(getattr(dep.call, attr) if attr == "roles" else f"public: {dep.call.public}")
            walk(dep)

    walk(route.dependant)
    return found[0] if found else None


def allowed(declared: tuple[str, ...], role: str) -> bool:
    return role in declared or (role == "admin" and any(r in STAFF_ROLES for r in declared))


@dataclass(frozen=True)
class Route:
    path: str  # the full path, /api/...
    route: APIRoute

    @property
    def dependant(self) -> Any:
        return self.route.dependant


def all_routes(app: Any) -> Iterator[tuple[str | None, Any]]:
    """(full path, route) of every route; FastAPI ≥ 0.16x keeps included routers nested."""
    contexts = getattr(fastapi.routing, "iter_route_contexts", None)
    if contexts is None:  # older FastAPI flattens app.routes
        yield from ((getattr(r, "path", None), r) for r in app.routes)
        return
    for ctx in contexts(app.routes):
        yield ctx.path, ctx.original_route


def api_routes(api: Api) -> Iterator[tuple[str, Route]]:
    for path, route in all_routes(api.app):
        if isinstance(route, APIRoute) and path and path.startswith("/api/"):
            for method in sorted(route.methods):
                yield method, Route(path, route)


def concrete(route: Route) -> str:
    types = {p.name: ("int" if p.field_info.annotation is int else "str") for p in route.dependant.path_params}
    return re.sub(r"\{(\w+)(:\w+)?\}", lambda m: DUMMY[types.get(m.group(1), "str")], route.path)


@pytest.fixture
def api(reg: Register) -> Api:
    return make_api(reg)


def test_every_api_route_declares_its_roles(api: Api) -> None:
    missing = [f"{m} {r.path}" for m, r in api_routes(api) if declaration(r) is None]
    assert not missing, f"routes without require(...)/acting(...)/public(...): {missing}"
    assert len(list(api_routes(api))) > 30


def test_the_declarations_match_the_issue(api: Api) -> None:
    declared = {(m, r.path): declaration(r) for m, r in api_routes(api)}
    for key, roles in MUST.items():
        assert key in declared, f"{key} is gone"
        got = declared[key]
        assert isinstance(got, tuple)
        assert {role for role in ROLES if allowed(got, role)} == roles, key


def test_route_role_matrix(api: Api) -> None:
    """No credentials → 401; each role → 403 unless declared; allowed roles get past the check."""
    wrong: list[str] = []
    for method, route in api_routes(api):
        declared = declaration(route)
        url = concrete(route)
        body = {"json": {}} if method in ("POST", "PUT", "PATCH") else {}
        if isinstance(declared, str):  # public: signed or open; must still not crash
            status = api.call(method, url, None, **body).status_code
            if status >= 500:
                wrong.append(f"{method} {url} public → {status}")
            continue
        assert declared is not None
        status = api.call(method, url, None, **body).status_code
        if status != 401:
            wrong.append(f"{method} {url} anonymous → {status}")
        for role in ROLES:
            res = api.call(method, url, role, **body)
            ok = allowed(declared, role)
            if (ok and res.status_code in (401, 403)) or (not ok and res.status_code != 403) or res.status_code >= 500:
                wrong.append(f"{method} {url} as {role} → {res.status_code} {res.text[:120]}")
    assert not wrong, "\n".join(wrong)


def test_forbidden_answers_say_why_in_json(api: Api) -> None:
    res = api.call("POST", "/api/admin/tokens", "agent", json={"name": "x", "role": "agent"})
    assert res.status_code == 403
    assert "admin" in res.json()["error"]
    res = api.call("GET", "/api/audit/verify", None)
    assert res.status_code == 401 and res.headers["www-authenticate"] == "Bearer"
    assert "Bearer" in res.json()["error"]


def test_a_revoked_token_is_refused_at_once(api: Api) -> None:
    tokens = api.call("GET", "/api/admin/tokens", "admin").json()
    agent = next(t for t in tokens if t["name"] == "test-agent")
    assert api.call("DELETE", f"/api/admin/tokens/{agent['id']}", "admin").status_code == 204
    assert api.call("GET", "/api/policy", "agent").status_code == 401
    assert api.call("GET", "/api/policy", "privacy_officer").status_code == 200


def test_a_made_up_token_is_refused(api: Api) -> None:
    res = api.client.get("/api/policy", headers={"Authorization": "Bearer pv_not-a-token"})
    assert res.status_code == 401
