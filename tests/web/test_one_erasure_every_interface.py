"""The same erasure through every interface — console, REST API, CLI, portal (with the officer's desk) — leaves
the same audit entries, ledger row, suppression and Art. 19 outbox rows (issue 12: one path per action)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from web_ui_support import (
    Site,
    asked_and_done_at_the_desk,
    disclosed_demo,
    form_token,
    make_site,
    run_cli,
    staff_login,
)

from personvern import rights
from personvern.register import Register
from personvern.register import schema as t
from personvern.web import auth

POLICY = Path(__file__).resolve().parents[2] / "examples" / "policies" / "tek-zence.yaml"
ERASURE_ACTIONS = ("record.deleted", "record.written", "erasure.completed", "subject.removed", "suppression.added",
                   "recipient.notified")


def _console(site: Site, ref: str) -> None:
    officer = site.client()
    staff_login(officer, "privacy_officer")
    token = form_token(officer.get(f"/console/subjects/{ref}/erase").text)
    done = officer.post(f"/console/subjects/{ref}/erase", data={"csrf": token, "ground": "b", "confirm": "yes"})
    assert done.status_code == 200, done.text


def _api(site: Site, ref: str) -> None:
    token = auth.create_token(site.reg, "test-po", "privacy_officer", by="test")
    res = site.client().post(f"/api/subjects/{ref}/erase", json={"ground": "b"},
                             headers={"Authorization": f"Bearer {token}"})
    assert res.status_code == 200, res.text


def _cli(site: Site, ref: str) -> None:
    run_cli(site, POLICY, "erase", ref, "--ground", "b", "--by", "personvernombud", "--yes")


def _portal(site: Site, ref: str) -> None:
    asked_and_done_at_the_desk(site, "erasure", ground="b")


def _outcome(reg: Register, ref: str, mark: int) -> dict[str, Any]:
    a, e, s, o = t.audit_log, t.erasures, t.suppressions, t.outbox
    with reg.engine.connect() as c:
        trail = [(x.action, tuple(x.record_ids or ())) for x in c.execute(
            select(a).where(a.c.seq > mark, a.c.subject_ref == ref).order_by(a.c.seq)) if x.action in ERASURE_ACTIONS]
        ledger = [(x.subject_ref == ref, json.dumps(x.records, sort_keys=True)) for x in c.execute(select(e))]
        suppressed = sorted((x.kind, x.reason) for x in c.execute(select(s)))
        notices = sorted((x.topic, x.recipient, x.kind) for x in c.execute(select(o).where(o.c.topic.like("art19.%"))))
    return {"audit": trail, "ledger": ledger, "suppression": suppressed, "art19": notices}


@pytest.mark.promise("TZ4")
@pytest.mark.promise("TZ6")
@pytest.mark.parametrize("interface", ["console", "api", "cli", "portal"])
def test_the_same_erasure_leaves_the_same_trace_whatever_the_interface(
        interface: str, reg: Register, monkeypatch: pytest.MonkeyPatch) -> None:
    site, ref, mark = disclosed_demo(reg, monkeypatch)
    with reg.engine.connect() as c:
        sid = reg.subject_id(c, ref)
        records = sorted(c.execute(select(t.records.c.id).where(t.records.c.subject_id == sid)).scalars())
    preview = rights.preview_erasure(reg, ref)  # what every interface must do, from the core
    sealed = [k.record for k in preview.kept if k.outcome == "sealed"]
    kept = [k.record for k in preview.kept if k.outcome != "sealed"]
    deleted = [r for r in records if r not in sealed and r not in kept]
    {"console": _console, "api": _api, "cli": _cli, "portal": _portal}[interface](site, ref)
    got = _outcome(reg, ref, mark)
    assert got["ledger"] and got["ledger"][0][0] is True  # the subject's stable reference first
    assert got["art19"] == [("art19.erasure", "delivery_partners", "email")]
    assert ("suppression.added", ()) in got["audit"] and any(x[0] == "erasure.completed" for x in got["audit"])
    assert got == {
        "audit": [("suppression.added", ()), ("recipient.notified", ()), ("record.deleted", tuple(deleted)),
                  ("record.written", tuple(sealed)), ("erasure.completed", ())],
        "ledger": [(True, json.dumps({"deleted": deleted, "kept": kept, "purposes": None, "sealed": sealed,
                                      "subject_removed": False, "suppression": "opt_out"}, sort_keys=True))],
        "suppression": [("email", "opt_out"), ("phone", "opt_out"), ("subject", "opt_out")],
        "art19": [("art19.erasure", "delivery_partners", "email")],
    }
    assert deleted and sealed and kept  # the case has all three: a partial erasure, the customer stays


def test_officer_screens_show_the_outcome_in_words_not_internals(reg: Register,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    site = make_site(reg, monkeypatch, customers=2)
    ref = site.demo.demo_subject
    _portal(site, ref)  # an erasure request carried out at the desk, with a kept record and a sealed receipt
    officer = site.client()
    staff_login(officer, "privacy_officer")
    with reg.engine.connect() as c:
        request_ref = c.execute(select(t.requests.c.ref).where(t.requests.c.kind == "erasure")).scalar_one()
    page = officer.get(f"/console/requests/{request_ref}").text
    for internal in ("subject_removed", "kept_records", "hold_id", "recipients_notified", "ground a", "False",
                     "True", "suppression_entries"):
        assert internal not in page, internal
    assert "b) Samtykket er trukket" in page and "Kunden kan fortsatt gjenkjennes" in page
