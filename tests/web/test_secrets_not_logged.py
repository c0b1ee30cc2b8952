"""Secrets never reach the logs: a portal login link and API tokens are redacted in the access log, and the
login link is single-use and short-lived (issue 18).

A real uvicorn server with ``personvern serve``'s logging (``run_uvicorn``) serves the app; the test logs in
through the portal with the e-mail link, calls the API with a token and a wrong token, and greps the log.
"""

from __future__ import annotations

import io
import logging
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import uvicorn
from web_ui_support import fast_hashing, form_token, last_login_link

from personvern.logs import redact
from personvern.register import Register
from personvern.web import auth, portal
from personvern.web.app import WebConfig, create_app

EMAIL = "kari.nordmann@example.no"


@pytest.fixture
def clean_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_portal_login_and_api_tokens_leave_no_secret_in_the_log(reg: Register, monkeypatch: pytest.MonkeyPatch,
                                                                 clean_logging: None) -> None:
    from personvern.commands.web import run_uvicorn

    fast_hashing(monkeypatch)
    reg.add_subject("customer", {"email": EMAIL})
    token = auth.create_token(reg, "ops", "agent", by="test")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    app = create_app(reg, WebConfig(secure_cookies=False, base_url=base))
    secrets: dict[str, str] = {"api": token}

    def drive(app: Any, **kw: Any) -> None:
        server = uvicorn.Server(uvicorn.Config(app, **kw))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        try:
            for _ in range(500):
                if server.started:
                    break
                time.sleep(0.02)
            with httpx.Client(base_url=base, timeout=60) as client:  # a busy CI machine is slow
                csrf = form_token(client.get("/mine-sider/login").text)
                assert client.post("/mine-sider/login", data={"email": EMAIL, "csrf": csrf}).status_code == 303
                for _ in range(500):  # the link is sent after the answer (a background task)
                    link = last_login_link(reg)
                    if link:
                        break
                    time.sleep(0.02)
                assert link
                secrets["link"] = link
                assert client.get(f"/mine-sider/innlogging?token={link}").status_code == 200
                assert client.post("/mine-sider/innlogging", data={"token": link}).status_code == 303
                assert client.get("/api/policy", headers={"Authorization": f"Bearer {token}"}).status_code == 200
                client.get(f"/api/policy?access_token={token}")
                assert client.get("/api/policy", headers={"Authorization": "Bearer pv_wrong"}).status_code == 401
        finally:
            server.should_exit = True
            thread.join(timeout=10)

    stream = io.StringIO()
    monkeypatch.setattr(uvicorn, "run", drive)
    run_uvicorn(app, host="127.0.0.1", port=port, log_level="info", stream=stream)
    logged = stream.getvalue()
    assert "/mine-sider/innlogging?token=[token]" in logged, logged
    assert secrets["link"] not in logged and secrets["api"] not in logged
    assert secrets["api"][3:20] not in logged


@pytest.mark.parametrize(("line", "shown"), [
    ('"GET /mine-sider/innlogging?token=abcDEF123_-xyz HTTP/1.1" 200', "?token=[token]"),
    ('"GET /x?lang=nb&token=abc&next=/ HTTP/1.1"', "&token=[token]&next=/"),
    ('"GET /x?access_token=pv_abcdefghijklmnopqrstuvwxyz123456"', "?access_token=[token]"),
    ("Authorization: Bearer pv_abcdefghijklmnopqrstuvwxyz123456", "Bearer [token]"),
    ("token pv_abcdefghijklmnopqrstuvwxyz123456 used", "[api-token]"),
])
def test_redact_hides_tokens(line: str, shown: str) -> None:
    out = redact(line)
    assert shown in out and "abcdefghijklmnop" not in out and "abcDEF123" not in out


def test_a_login_link_lives_ten_minutes_and_works_once(reg: Register) -> None:
    from datetime import timedelta

    from personvern.errors import RegisterError
    from personvern.rights.verification import issue_token, redeem_token

    assert timedelta(minutes=5) <= portal.LINK_TTL <= timedelta(minutes=10)
    sid = auth.subject_id_of(reg, reg.add_subject("customer", {"email": EMAIL}))
    link = issue_token(reg, purpose="portal_login", subject_id=sid, address=EMAIL, ttl=portal.LINK_TTL)
    redeem_token(reg, link, purpose="portal_login")
    with pytest.raises(RegisterError):
        redeem_token(reg, link, purpose="portal_login")
