"""Shared by the console and portal page tests (imported as a module): a demo register served by a TestClient,
and the two ways in — a staff login through the form, a portal login through the e-mail link."""

from __future__ import annotations

import base64
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
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


def run_cli(site: Site, policy: Path, *args: str) -> str:
    """Run a ``personvern`` command on the site's database with the suite's test key; returns its output."""
    from typer.testing import CliRunner

    from personvern.cli import app as cli

    url = str(site.reg.engine.url.render_as_string(hide_password=False))
    env = {"PERSONVERN_MASTER_KEY": base64.b64encode(bytes(range(32))).decode()}
    res = CliRunner().invoke(cli, [*args, "--policy", str(policy), "--db", url], env=env)
    assert res.exit_code == 0, res.output
    return str(res.output)


def asked_and_done_at_the_desk(site: Site, kind: str, **form: str) -> str:
    """The demo subject asks for ``kind`` in the portal; the privacy officer carries it out at the request desk,
    confirming the preview. Returns the request's ref."""
    subject = site.client()
    home = portal_login(subject, site.reg)
    asked = subject.post("/mine-sider/foresporsler", data={"csrf": form_token(home.text), "kind": kind})
    request_ref = str(asked.url.path.rsplit("/", 1)[1])
    officer = site.client()
    staff_login(officer, "privacy_officer")
    token = form_token(officer.get(f"/console/requests/{request_ref}").text)
    done = officer.post(f"/console/requests/{request_ref}/complete", data={"csrf": token, **form, "confirm": "yes"})
    assert done.status_code == 200, done.text
    return request_ref


def disclosed_demo(reg: Register, monkeypatch: pytest.MonkeyPatch) -> tuple[Site, str, int]:
    """A small demo site whose demo subject's address went to the delivery partners (so an Art. 19 notice is
    due), with the audit sequence number to compare from: ``(site, subject ref, last audit seq)``."""
    from personvern.rights.notify import record_disclosure

    site = make_site(reg, monkeypatch, customers=2)
    ref = site.demo.demo_subject
    record_disclosure(reg, ref, "delivery_partners", "delivery_installation", ["user.contact.address"])
    with reg.engine.connect() as c:
        mark = int(c.execute(t.audit_log.select().with_only_columns(t.audit_log.c.seq)
                             .order_by(t.audit_log.c.seq.desc()).limit(1)).scalar() or 0)
    return site, ref, mark
