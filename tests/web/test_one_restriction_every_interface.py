"""The same restriction (Art. 18(1)(a): accuracy contested) through every interface — console subject page, REST
API, CLI, portal with the officer's desk — leaves the same restriction, audit entries and Art. 19 outbox rows
(issue 12: one path per action)."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner
from web_ui_support import Site, form_token, make_site, portal_login, staff_login

from personvern.cli import app as cli
from personvern.register import Register
from personvern.register import schema as t
from personvern.rights.notify import record_disclosure
from personvern.web import auth

POLICY = Path(__file__).resolve().parents[2] / "examples" / "policies" / "tek-zence.yaml"
ACTIONS = ("restriction.placed", "recipient.notified")
REASON = "the address is disputed"


def _console(site: Site, ref: str) -> None:
    officer = site.client()
    staff_login(officer, "privacy_officer")
    token = form_token(officer.get(f"/console/subjects/{ref}").text)
    done = officer.post(f"/console/subjects/{ref}/restrict",
                        data={"csrf": token, "ground": "accuracy", "reason": REASON, "confirm": "yes"})
    assert done.status_code == 200, done.text


def _api(site: Site, ref: str) -> None:
    token = auth.create_token(site.reg, "test-po", "privacy_officer", by="test")
    res = site.client().post(f"/api/subjects/{ref}/restrictions", json={"ground": "accuracy", "reason": REASON},
                             headers={"Authorization": f"Bearer {token}"})
    assert res.status_code == 201, res.text


def _cli(site: Site, ref: str) -> None:
    url = str(site.reg.engine.url.render_as_string(hide_password=False))
    env = {"PERSONVERN_MASTER_KEY": base64.b64encode(bytes(range(32))).decode()}  # the suite's test key
    res = CliRunner().invoke(cli, ["restrict", ref, "--policy", str(POLICY), "--db", url, "--ground", "accuracy",
                                   "--reason", REASON, "--by", "personvernombud"], env=env)
    assert res.exit_code == 0, res.output


def _portal(site: Site, ref: str) -> None:
    subject = site.client()
    home = portal_login(subject, site.reg)
    asked = subject.post("/mine-sider/foresporsler", data={"csrf": form_token(home.text), "kind": "restriction"})
    request_ref = asked.url.path.rsplit("/", 1)[1]
    officer = site.client()
    staff_login(officer, "privacy_officer")
    token = form_token(officer.get(f"/console/requests/{request_ref}").text)
    done = officer.post(f"/console/requests/{request_ref}/complete",
                        data={"csrf": token, "ground": "accuracy", "reason": REASON, "confirm": "yes"})
    assert done.status_code == 200, done.text


def _outcome(reg: Register, ref: str, mark: int) -> dict[str, Any]:
    a, x, o = t.audit_log, t.restrictions, t.outbox
    with reg.engine.connect() as c:
        sid = reg.subject_id(c, ref)
        trail = [x.action for x in c.execute(select(a).where(a.c.seq > mark, a.c.subject_ref == ref)
                                             .order_by(a.c.seq)) if x.action in ACTIONS]
        restrictions = [(r.record_id, r.purpose, r.ground, r.reason) for r in c.execute(
            select(x).where(x.c.subject_id == sid, x.c.lifted_at.is_(None)))]
        notices = sorted((r.topic, r.recipient, r.kind) for r in c.execute(select(o).where(o.c.topic.like("art19.%"))))
        [request] = c.execute(select(t.requests.c.kind, t.requests.c.status).where(
            t.requests.c.subject_ref == ref, t.requests.c.kind == "restriction")).all()
    return {"audit": trail, "restrictions": restrictions, "art19": notices, "request": tuple(request)}


@pytest.mark.promise("TP13d")
@pytest.mark.parametrize("interface", ["console", "api", "cli", "portal"])
def test_the_same_restriction_leaves_the_same_trace_whatever_the_interface(
        interface: str, reg: Register, monkeypatch: pytest.MonkeyPatch) -> None:
    site = make_site(reg, monkeypatch, customers=2)
    ref = site.demo.demo_subject
    record_disclosure(reg, ref, "delivery_partners", "delivery_installation", ["user.contact.address"])
    with reg.engine.connect() as c:
        mark = int(c.execute(select(t.audit_log.c.seq).order_by(t.audit_log.c.seq.desc()).limit(1)).scalar() or 0)
    {"console": _console, "api": _api, "cli": _cli, "portal": _portal}[interface](site, ref)
    assert _outcome(reg, ref, mark) == {
        "audit": ["restriction.placed", "recipient.notified"],
        "restrictions": [(None, None, "accuracy", REASON)],
        "art19": [("art19.restriction", "delivery_partners", "email")],
        "request": ("restriction", "completed"),
    }
