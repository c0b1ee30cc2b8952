"""The same restriction (Art. 18(1)(a): accuracy contested) through every interface — console subject page, REST
API, CLI, portal with the officer's desk — leaves the same restriction, audit entries and Art. 19 outbox rows
(issue 12: one path per action)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from web_ui_support import (
    Site,
    asked_and_done_at_the_desk,
    disclosed_demo,
    form_token,
    run_cli,
    staff_login,
)

from personvern.register import Register
from personvern.register import schema as t
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
    run_cli(site, POLICY, "restrict", ref, "--ground", "accuracy", "--reason", REASON, "--by", "personvernombud")


def _portal(site: Site, ref: str) -> None:
    asked_and_done_at_the_desk(site, "restriction", ground="accuracy", reason=REASON)


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
    site, ref, mark = disclosed_demo(reg, monkeypatch)
    {"console": _console, "api": _api, "cli": _cli, "portal": _portal}[interface](site, ref)
    assert _outcome(reg, ref, mark) == {
        "audit": ["restriction.placed", "recipient.notified"],
        "restrictions": [(None, None, "accuracy", REASON)],
        "art19": [("art19.restriction", "delivery_partners", "email")],
        "request": ("restriction", "completed"),
    }
