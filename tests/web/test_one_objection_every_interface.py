"""The same objection to direct marketing through every interface — console (request desk), REST API, CLI,
portal — leaves the same records erased, ledger row, suppression entries, withdrawn consents and audit entries
(issue 12: one path per action; Art. 21(3): the data 'shall no longer be processed for such purposes')."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from web_ui_support import Site, form_token, make_site, portal_login, run_cli, staff_login

from personvern.consent import give
from personvern.register import Register
from personvern.register import schema as t
from personvern.rights import requests as rq
from personvern.web import auth

POLICY = Path(__file__).resolve().parents[2] / "examples" / "policies" / "tp-ecommerce.yaml"
ACTIONS = ("consent.withdrawn", "suppression.added", "marketing.objected", "record.deleted", "erasure.completed")


def _console(site: Site, ref: str) -> None:
    v = rq.open_request(site.reg, "objection", subject=ref, channel="email")
    rq.verify(site.reg, v.ref, method="id_document", by="ola")
    officer = site.client()
    staff_login(officer, "privacy_officer")
    token = form_token(officer.get(f"/console/requests/{v.ref}").text)
    done = officer.post(f"/console/requests/{v.ref}/complete", data={"csrf": token, "confirm": "yes"})
    assert done.status_code == 200, done.text


def _api(site: Site, ref: str) -> None:
    token = auth.create_token(site.reg, "test-po", "privacy_officer", by="test")
    res = site.client().post(f"/api/subjects/{ref}/object-to-marketing",
                             headers={"Authorization": f"Bearer {token}"})
    assert res.status_code == 200, res.text
    assert res.json()["purposes"] == ["marketing"] and len(res.json()["consents_withdrawn"]) == 2


def _cli(site: Site, ref: str) -> None:
    run_cli(site, POLICY, "consent", "object", ref, "--by", "po")


def _portal(site: Site, ref: str) -> None:
    subject = site.client()
    home = portal_login(subject, site.reg)
    done = subject.post("/mine-sider/innsigelse", data={"csrf": form_token(home.text)})
    assert done.status_code == 200, done.text


def _outcome(reg: Register, ref: str, mark: int) -> dict[str, Any]:
    a, e, s, k, r = t.audit_log, t.erasures, t.suppressions, t.consents, t.records
    with reg.engine.connect() as c:
        trail = sorted({x.action for x in c.execute(select(a).where(a.c.seq > mark, a.c.subject_ref == ref))
                        if x.action in ACTIONS})
        ledger = []
        for x in c.execute(select(e)):
            records = dict(x.records)
            records.get("consents", {}).pop("by", None)  # who did it differs by interface, and when
            records.get("consents", {}).pop("at", None)
            ledger.append((x.subject_ref == ref, x.reason, json.dumps(records, sort_keys=True)))
        suppressed = sorted((x.kind, x.reason, x.purpose) for x in c.execute(select(s)))
        consents = sorted((x.purpose, x.channel, x.withdrawn_at is not None) for x in c.execute(select(k)))
        marketing = c.execute(select(r.c.id).where(r.c.purpose == "marketing")).all()
        [request] = c.execute(select(t.requests.c.kind, t.requests.c.status)).all()
    return {"audit": trail, "ledger": ledger, "suppression": suppressed, "consents": consents,
            "marketing_records": len(marketing), "request": tuple(request)}


@pytest.mark.promise("TP13e")
@pytest.mark.promise("KL7")
@pytest.mark.parametrize("interface", ["console", "api", "cli", "portal"])
def test_the_same_objection_to_marketing_leaves_the_same_trace_whatever_the_interface(
        interface: str, open_register: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    reg: Register = open_register("tp-ecommerce")
    site = make_site(reg, monkeypatch, customers=2)
    ref = site.demo.demo_subject
    with reg.engine.connect() as c:
        c.execute(t.consents.delete())  # only the consents this test gives
        c.execute(t.requests.delete())
        c.commit()
    reg.write(ref, "marketing", ["user.behavior.purchase_history"], {"user.behavior.purchase_history": "x"})
    for channel in ("email", "sms"):
        give(reg, ref, "marketing", channel=channel, method="checkbox", text=None)
    with reg.engine.connect() as c:
        mark = int(c.execute(select(t.audit_log.c.seq).order_by(t.audit_log.c.seq.desc()).limit(1)).scalar() or 0)
        sid = reg.subject_id(c, ref)
        profiles = sorted(c.execute(select(t.records.c.id).where(t.records.c.subject_id == sid,
                                                                 t.records.c.purpose == "marketing")).scalars())
        kinds = sorted({k for k in c.execute(select(t.identifiers.c.kind).where(
            t.identifiers.c.subject_id == sid)).scalars() if k in ("email", "phone")} | {"subject"})
    {"console": _console, "api": _api, "cli": _cli, "portal": _portal}[interface](site, ref)
    got = _outcome(reg, ref, mark)
    withdrawn = json.loads(got["ledger"][0][2]).get("consents", {}).get("withdrawn") if got["ledger"] else None
    assert withdrawn and len(withdrawn) == 2
    assert got == {
        "audit": sorted(ACTIONS),
        "ledger": [(True, "art21_3", json.dumps({
            "consents": {"purposes": ["marketing"], "withdrawn": withdrawn},
            "deleted": profiles, "kept": [], "purposes": ["marketing"], "sealed": [], "subject_removed": False,
            "suppression": "objection"}, sort_keys=True))],
        "suppression": [(k, "objection", None) for k in kinds],
        "consents": [("marketing", "email", True), ("marketing", "sms", True)],
        "marketing_records": 0,
        "request": ("objection", "completed"),
    }
