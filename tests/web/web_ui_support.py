"""Shared by the console and portal page tests (imported as a module): a demo register served by a TestClient,
and the two ways in — a staff login through the form, a portal login through the e-mail link."""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI

from personvern.demo import DEMO_EMAIL, STAFF, DemoResult, fill_demo
from personvern.register import Register
from personvern.register import schema as t
from personvern.register.outbox import body_of
from personvern.web import auth
from personvern.web.app import WebConfig, create_app

with warnings.catch_warnings():  # starlette asks for the httpx2 package; httpx works the same for tests
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

PASSWORDS = {role: (user, password) for user, password, role, _ in STAFF}
LINK = re.compile(r"/mine-sider/innlogging\?token=([A-Za-z0-9_-]+)")


@dataclass
class Site:
    reg: Register
    app: FastAPI
    demo: DemoResult

    def client(self) -> TestClient:
        return TestClient(self.app, raise_server_exceptions=False)


def fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2id with the library's cost takes ~0.1-0.5 s a hash on a busy CI machine; the tests check the login
    flow, not the cost, so they hash cheaply (the parameters travel in the hash, so verify works the same)."""
    monkeypatch.setattr(auth, "_hasher", auth._hasher)  # restored after the test
    auth.use_password_hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def make_site(reg: Register, monkeypatch: pytest.MonkeyPatch, *, customers: int = 12,
              demo_mode: bool = True) -> Site:
    fast_hashing(monkeypatch)
    result = fill_demo(reg, company="test", customers=customers)
    app = create_app(reg, WebConfig(demo=demo_mode, secure_cookies=False, base_url="http://testserver"))
    return Site(reg, app, result)


def form_token(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]*)"', html)
    assert found, "the page has no CSRF field"
    return found.group(1)


def staff_login(client: TestClient, role: str) -> Any:
    """Log in through the form as the demo user of ``role``; returns the response after the redirect."""
    username, password = PASSWORDS[role]
    token = form_token(client.get("/console/login").text)
    return client.post("/console/login", data={"username": username, "password": password, "csrf": token,
                                               "next": "/console"})


def last_login_link(reg: Register) -> str | None:
    """The token of the newest portal login e-mail in the outbox (what the subject receives)."""
    with reg.engine.connect() as c:
        rows = c.execute(t.outbox.select().where(t.outbox.c.topic == "portal_login")
                         .order_by(t.outbox.c.id.desc()).limit(1)).all()
    if not rows:
        return None
    found = LINK.search(body_of(reg, rows[0])["text"])
    return found.group(1) if found else None


def portal_login(client: TestClient, reg: Register, email: str = DEMO_EMAIL) -> Any:
    token = form_token(client.get("/mine-sider/login").text)
    client.post("/mine-sider/login", data={"email": email, "csrf": token})
    link = last_login_link(reg)
    assert link, "no login link was sent"
    return client.post("/mine-sider/innlogging", data={"token": link})


def outbox_count(reg: Register) -> int:
    with reg.engine.connect() as c:
        return len(c.execute(t.outbox.select()).all())
