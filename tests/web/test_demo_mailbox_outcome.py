"""Issue 12, done when: 'the mailbox of `personvern demo` shows the receipt and the outcome e-mails of a request
carried through the console' (Art. 12(3): the subject is told the action taken)."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner
from web_ui_support import fast_hashing, form_token, staff_login

from personvern.cli import app as cli
from personvern.demo import policy_path
from personvern.register import MasterKey, Register
from personvern.register import schema as t
from personvern.rights import requests as rq
from personvern.web.app import WebConfig, create_app

with warnings.catch_warnings():  # starlette asks for the httpx2 package; httpx works the same for tests
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


def test_the_demo_mailbox_shows_the_receipt_and_the_outcome_of_a_request_done_in_the_console(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PERSONVERN_MASTER_KEY", raising=False)
    monkeypatch.delenv("PERSONVERN_MASTER_KEY_FILE", raising=False)
    fast_hashing(monkeypatch)
    db = tmp_path / "demo.db"
    built = CliRunner().invoke(cli, ["demo", "--no-serve", "--db", str(db), "--customers", "20"])
    assert built.exit_code == 0, built.output
    key = MasterKey.parse((tmp_path / "demo.db.key").read_text(), origin="demo.db.key")
    with Register.open(policy_path("tek-zence"), f"sqlite:///{db}", master_key=key) as reg:
        with reg.engine.connect() as c:
            ref, status = c.execute(select(t.requests.c.ref, t.requests.c.status).where(
                t.requests.c.kind == "access", t.requests.c.channel.in_(("email", "portal")))
                .order_by(t.requests.c.id)).first() or ("", "")
        assert ref, "the demo has an access request that came by e-mail or the portal"
        site = create_app(reg, WebConfig(demo=True, secure_cookies=False, base_url="http://testserver"))
        officer = TestClient(site, raise_server_exceptions=False)
        staff_login(officer, "privacy_officer")
        if status == "received":  # the officer checked the ID first (Art. 12(6))
            page = officer.get(f"/console/requests/{ref}").text
            assert officer.post(f"/console/requests/{ref}/verify", data={"csrf": form_token(page)}).status_code == 200
        page = officer.get(f"/console/requests/{ref}").text
        done = officer.post(f"/console/requests/{ref}/complete", data={"csrf": form_token(page)})
        assert done.status_code == 200, done.text
        assert rq.get_request(reg, ref).status == "completed"
        mailbox = officer.get("/mailbox").text
    mails = [m for m in re.split(r"<article|<li|<tr", mailbox) if ref in m]
    assert any("mottatt henvendelsen din" in m or "received your request" in m for m in mails), mailbox[:2000]
    assert any("Henvendelsen din er behandlet" in m or "Your request has been handled" in m for m in mails)
    assert any("Mine sider" in m or "My pages" in m for m in mails)  # the access answer points to the copy
