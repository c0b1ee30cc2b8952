"""One path per data-subject action (issue 12): staff-initiated actions run the whole rights workflow, holds
win over every deleting path, an objection to direct marketing ends the processing (Art. 21(3)), and the
register's row-level primitives are not reachable as public ``Register`` methods."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from personvern import rights
from personvern.consent import may_contact
from personvern.errors import RegisterError, RestrictedProcessing
from personvern.register import Register
from personvern.register import schema as t
from personvern.rights import handle
from personvern.rights import requests as rq
from personvern.rights.notify import record_disclosure


def _kari(reg: Register) -> str:
    return reg.add_subject("customer", {"email": "kari@example.no", "phone": "+47 975 27 747"})


def _verified(reg: Register, kind: str, subject: str, channel: str = "email") -> str:
    v = rq.open_request(reg, kind, subject=subject, channel=channel)
    return rq.verify(reg, v.ref, method="id_document", by="ola").ref


def _rows(reg: Register, table: Any, *where: Any) -> list[Any]:
    with reg.engine.connect() as c:
        return list(c.execute(select(table).where(*where)).all())


def _exists(reg: Register, record: int) -> bool:
    return bool(_rows(reg, t.records, t.records.c.id == record))


def test_the_register_has_no_public_erase_restrict_or_consent_methods(reg: Register) -> None:
    """Interfaces cannot bypass the rights workflow through ``Register`` (issue 12)."""
    for name in ("erase", "restrict", "give_consent", "withdraw_consent"):
        assert not hasattr(reg, name), name


@pytest.mark.promise("TZ4")
@pytest.mark.promise("TZ6")
def test_a_staff_initiated_erasure_is_a_request_with_the_officers_ground_and_runs_every_step(
        reg: Register) -> None:
    ref = _kari(reg)
    job = reg.write(ref, "delivery_installation", ["user.contact.address"], {"user.contact.address": "Vei 1"})
    reg.write(ref, "bookkeeping", ["custom.order"], {"custom.order": "ordre 5521"}, ref="5521")
    record_disclosure(reg, ref, "delivery_partners", "delivery_installation", ["user.contact.address"], record=job)
    with pytest.raises(RegisterError, match="no default") as err:
        rights.erase_subject(reg, ref, ground="", by="po")
    assert err.value.field == "ground" and reg.find("email", "kari@example.no") == [ref]
    result = rights.erase_subject(reg, ref, ground="d", by="po")
    [req] = _rows(reg, t.requests)
    assert (req.ref, req.kind, req.channel, req.status, req.verification_method) == (
        result.request, "erasure", "staff", "completed", "staff_initiated")
    assert req.details["ground"] == "d" and req.details["subject_removed"] is True
    assert [k.outcome for k in result.kept] == ["sealed"] and result.subject_removed
    assert _rows(reg, t.suppressions, t.suppressions.c.reason == "opt_out")  # marketing never resumes
    [notice] = _rows(reg, t.outbox, t.outbox.c.topic == "art19.erasure")  # TZ6: the installer is told
    assert notice.recipient == "delivery_partners" and notice.request_id == req.id
    [ledger] = _rows(reg, t.erasures)
    assert ledger.subject_ref == ref and ledger.records["sealed"] and ledger.records["subject_removed"]
    assert {a.name for a in rq.artifacts(reg, req.ref)} >= {"erasure-explanation.json"}
    assert not _rows(reg, t.outbox, t.outbox.c.topic.like("request_%"))  # the subject did not ask: no message


def test_a_staff_initiated_restriction_is_a_request_and_tells_the_recipients(reg: Register) -> None:
    ref = _kari(reg)
    job = reg.write(ref, "delivery_installation", ["user.contact.address"], {"user.contact.address": "Vei 1"})
    record_disclosure(reg, ref, "delivery_partners", "delivery_installation", ["user.contact.address"], record=job)
    view = rights.restrict_subject(reg, ref, ground="accuracy", reason="address disputed", by="po")
    assert (view.channel, view.status, view.details["recipients_notified"]) == ("staff", "completed", 1)
    with pytest.raises(RestrictedProcessing):
        reg.read(ref)


# -- holds win over every deleting path ---------------------------------------------------------------------

@pytest.mark.promise("TP13c")
def test_every_deleting_path_leaves_a_record_under_an_active_hold(reg: Register) -> None:
    """Sweep, erasure (request and staff), an upheld objection, and a replay of the ledger: each finds the held
    record still there (Art. 17(3)(e)). The shop's database — its retention sweep and the erasure reaching it —
    is walked the same way on three engines in ``tests/datastores/test_datastore_requests.py``
    (``test_every_deleting_path_keeps_a_held_customers_shop_rows``)."""
    paths: list[tuple[str, Callable[[str, int], None]]] = []

    def sweep(ref: str, rid: int) -> None:
        reg.sweep(as_of=date(2040, 1, 1))

    def erase_request(ref: str, rid: int) -> None:
        handle.erase(reg, _verified(reg, "erasure", ref), ground="b", by="po")

    def erase_staff(ref: str, rid: int) -> None:
        rights.erase_subject(reg, ref, ground="b", by="po")

    def objection(ref: str, rid: int) -> None:
        req = _verified(reg, "objection", ref)
        handle.object_to(reg, req, purpose="customer_profile", by="po")
        handle.decide_objection(reg, req, True, "no overriding interest", by="po")

    def replay(ref: str, rid: int) -> None:
        from personvern.register.ledger import LedgerEntry

        entry = LedgerEntry(ref, (), reg.clock(), "art17_1_b", {"deleted": [rid], "sealed": [], "kept": [],
                                                                "subject_removed": True, "purposes": None})
        rights.replay_erasures(reg, entries=[entry])

    paths = [("sweep", sweep), ("erasure request", erase_request), ("staff erasure", erase_staff),
             ("objection upheld", objection), ("replay", replay)]
    for name, run in paths:
        ref = _kari(reg)
        rid = reg.write(ref, "customer_profile", ["user.name"], {"user.name": "Kari"}, collected=date(2020, 1, 1))
        reg.place_hold(record=rid, reason="tvist 26-1234", by="po")
        run(ref, rid)
        assert _exists(reg, rid), name


def test_an_upheld_objection_keeps_a_held_record_and_keeps_it_out_of_use(reg: Register) -> None:
    ref = _kari(reg)
    held = reg.write(ref, "customer_profile", ["user.name"], {"user.name": "Kari"})
    gone = reg.write(ref, "customer_profile", ["user.name"], {"user.name": "K. Nordmann"})
    reg.place_hold(record=held, reason="legal claim 26-77", by="po")
    req = _verified(reg, "objection", ref)
    handle.object_to(reg, req, purpose="customer_profile", by="po")
    done = handle.decide_objection(reg, req, True, "no overriding interest", by="po")
    assert done.details["deleted_records"] == [gone] and done.details["kept_records"] == [held]
    assert _exists(reg, held) and not _exists(reg, gone)
    assert [r.id for r in reg.read(ref, use="legal_claims")] == [held]
    assert reg.read(ref) == []  # still restricted: the objection was upheld


# -- Art. 21(3): an objection to direct marketing ends the processing for it ---------------------------------

@pytest.mark.promise("TP13e")
@pytest.mark.promise("KL7")
def test_an_objection_to_direct_marketing_erases_the_marketing_records_and_refuses_new_ones(
        open_register: Callable[[str], Register]) -> None:
    reg = open_register("tp-ecommerce")
    ref = reg.add_subject("customer", {"email": "kari@example.no"})
    service = reg.write(ref, "customer_service", ["user.name"], {"user.name": "Kari"})  # not marketing: stays
    profile = reg.write(ref, "marketing", ["user.behavior.purchase_history"], {"user.behavior.purchase_history": "x"})
    done = handle.object_to(reg, _verified(reg, "objection", ref), by="ola")
    assert done.status == "completed" and done.details["deleted_records"] == [profile]
    assert not _exists(reg, profile) and _exists(reg, service)  # "no longer processed for such purposes"
    with pytest.raises(RestrictedProcessing, match=r"Art\. 21\(3\)") as err:
        reg.write(ref, "marketing", ["user.behavior.purchase_history"], {"user.behavior.purchase_history": "y"})
    assert err.value.field == "purpose"
    decision = may_contact(reg, ref, "marketing", "email")
    assert not decision.allowed
    [answer] = _rows(reg, t.outbox, t.outbox.c.topic == "request_completed")
    assert answer.kind == "email"


def test_the_portal_objection_is_an_objection_request(open_register: Callable[[str], Register]) -> None:
    reg = open_register("tp-ecommerce")
    ref = reg.add_subject("customer", {"email": "kari@example.no"})
    view = rights.object_for_subject(reg, ref, by=f"subject:{ref}", channel="portal", lang="en")
    assert (view.kind, view.channel, view.status, view.verification_method) == (
        "objection", "portal", "completed", "portal_session")
    topics = sorted(x.topic for x in _rows(reg, t.outbox, t.outbox.c.request_id == view.id))
    assert topics == ["request_completed", "request_received"]


# -- the register's trace counts on an acting() copy too ----------------------------------------------------

def test_trace_counts_statements_on_an_acting_copy(reg: Register) -> None:
    officer = reg.acting("po", "privacy_officer")
    ref = _kari(reg)
    with officer.trace() as queries:
        officer.subject_kind(ref)
    assert len(queries) == 1
    with reg.trace() as queries:
        officer.subject_kind(ref)
    assert len(queries) == 1


def test_the_officers_erase_and_complete_runs_at_most_twenty_statements(reg: Register) -> None:
    """Issue 12: the request and the subject are loaded once and passed down; audit entries go in one batch."""
    ref = _kari(reg)
    reg.write(ref, "customer_profile", ["user.name"], {"user.name": "Kari"})
    reg.write(ref, "complaints", ["custom.correspondence"], {"custom.correspondence": "x"})
    reg.write(ref, "bookkeeping", ["custom.order"], {"custom.order": "ordre 5521"}, ref="5521")
    req = _verified(reg, "erasure", ref)
    officer = reg.acting("po", "privacy_officer")
    with officer.trace() as queries:
        done = handle.erase(officer, req, ground="b", by="po")
    assert done.status == "completed"
    assert len(queries) <= 20, "\n".join(queries)
    with reg.engine.connect() as c:
        assert c.execute(select(func.count()).select_from(t.erasures)).scalar_one() == 1
