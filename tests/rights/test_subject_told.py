"""The subject hears the outcome (Art. 12(1), (3), (4); issue 12): a receipt when a request opens, a message
when it is completed, extended or refused — in the subject's language, through the request's channel."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from personvern.register import Register
from personvern.register import schema as t
from personvern.register.outbox import body_of
from personvern.rights import handle
from personvern.rights import requests as rq
from personvern.rights.outcome import outcome_text


def _mail(reg: Register, request_id: int, topic: str) -> tuple[Any, dict[str, Any]]:
    with reg.engine.connect() as c:
        [row] = c.execute(select(t.outbox).where(t.outbox.c.request_id == request_id,
                                                 t.outbox.c.topic == topic)).all()
    return row, body_of(reg, row)


def _kari(reg: Register) -> str:
    return reg.add_subject("customer", {"email": "kari@example.no"})


def test_a_receipt_says_what_was_asked_and_the_deadline(reg: Register) -> None:
    v = rq.open_request(reg, "erasure", subject=_kari(reg), channel="email")
    row, body = _mail(reg, v.id, "request_received")
    assert row.kind == "email" and body["to"] == "kari@example.no"
    assert "sletting" in body["text"] and "2026-02-05" in body["text"] and v.ref in body["text"]


def test_the_receipt_is_in_the_subjects_language(reg: Register) -> None:
    v = rq.open_request(reg, "access", subject=_kari(reg), channel="portal", lang="en")
    _, body = _mail(reg, v.id, "request_received")
    assert "We received your request for access" in body["text"] and "2026-02-05" in body["text"]


def test_a_letter_request_puts_a_printable_letter_in_the_officers_queue(reg: Register) -> None:
    v = rq.open_request(reg, "access", subject=_kari(reg), channel="letter")
    row, body = _mail(reg, v.id, "request_received")
    assert (row.kind, row.status) == ("manual", "manual") and "Vi har mottatt" in body["text"]
    assert "kari@example.no" not in str(body)


def test_a_refusal_gives_the_reason_and_the_right_to_complain_to_datatilsynet(reg: Register) -> None:
    v = rq.open_request(reg, "erasure", subject=_kari(reg), channel="email")
    done = rq.refuse(reg, v.ref, reason="the contract still runs", by="po")
    _, body = _mail(reg, v.id, "request_refused")
    assert "the contract still runs" in body["text"] and "Datatilsynet" in body["text"]
    assert "www.datatilsynet.no" in body["text"] and "artikkel 12 nr. 4" in body["text"]
    assert outcome_text(reg, done) is not None and "Datatilsynet" in str(outcome_text(reg, done))


def test_an_extension_gives_the_reason_and_the_new_date(reg: Register, clock: Any) -> None:
    v = rq.open_request(reg, "access", subject=_kari(reg), channel="email")
    clock.set(date(2026, 1, 20))
    rq.extend(reg, v.ref, reason="three archives to search", by="po")
    _, body = _mail(reg, v.id, "request_extended")
    assert "three archives to search" in body["text"] and "2026-04-07" in body["text"]


def test_a_completed_access_request_points_to_the_copy_in_the_portal(reg: Register) -> None:
    ref = _kari(reg)
    v = rq.open_request(reg, "access", subject=ref, channel="email")
    rq.verify(reg, v.ref, method="email_code", by="subject")
    done = handle.answer_access(reg, v.ref, by="po")
    _, body = _mail(reg, v.id, "request_completed")
    assert "Mine sider" in body["text"] and "registerkopi" in body["text"]
    assert outcome_text(reg, done) == body["text"]  # the portal shows the same words


@pytest.mark.promise("TZ4")
def test_a_completed_erasure_explains_what_was_kept_why_and_until_when(reg: Register) -> None:
    ref = _kari(reg)
    reg.write(ref, "customer_profile", ["user.name"], {"user.name": "Kari"})
    reg.write(ref, "bookkeeping", ["custom.order"], {"custom.order": "ordre 5521"}, ref="5521",
              events={"purchase.made": date(2026, 1, 5)})
    v = rq.open_request(reg, "erasure", subject=ref, channel="email")
    rq.verify(reg, v.ref, method="email_code", by="subject")
    done = handle.erase(reg, v.ref, ground="a", by="po")
    assert done.details["subject_removed"] is True  # the address was read before the key was shredded ...
    row, body = _mail(reg, v.id, "request_completed")
    assert body["to"] == "kari@example.no" and row.destination == "k***@example.no"  # ... and the answer went
    assert "bokføringsloven" in body["text"] and "2032-01-01" in body["text"]
    assert "Datatilsynet" in body["text"]  # something was kept: where to complain (Art. 12(4))


def test_the_erasure_explanation_names_what_was_kept_in_words_never_record_numbers(reg: Register) -> None:
    """Issue 12: the subject reads what was kept as purpose, data, why and until when — never '#38'."""
    import re

    ref = _kari(reg)
    reg.write(ref, "customer_profile", ["user.name"], {"user.name": "Kari"})
    kept = reg.write(ref, "complaints", ["custom.correspondence"], {"custom.correspondence": "klage"})
    sealed = reg.write(ref, "bookkeeping", ["custom.order"], {"custom.order": "ordre 5521"}, ref="5521",
                       events={"purchase.made": date(2026, 1, 5)})
    v = rq.open_request(reg, "erasure", subject=ref, channel="email", lang="en")
    rq.verify(reg, v.ref, method="email_code", by="subject")
    done = handle.erase(reg, v.ref, ground="a", by="po")
    _, body = _mail(reg, v.id, "request_completed")
    for text in (body["text"], outcome_text(reg, done) or ""):
        assert not re.search(r"#\s?\d", text), text
        for rid in (kept, sealed):
            assert not re.search(rf"\b{rid}\b", text.replace(v.ref, "")), text
        assert "2032-01-01" in text and "Bookkeeping" in text.title()  # until when, which purpose
        assert "correspondence" in text.lower() or "complaint" in text.lower()


def _restricted(reg: Register, ref: str, channel: str, lang: str | None = None) -> Any:
    v = rq.open_request(reg, "restriction", subject=ref, channel=channel, lang=lang)
    rq.verify(reg, v.ref, method="email_code", by="subject")
    return handle.restrict(reg, v.ref, ground="accuracy", reason="the address is disputed", by="po")


@pytest.mark.promise("TP13d")
def test_the_subject_is_told_before_a_restriction_they_obtained_is_lifted(reg: Register) -> None:
    """Art. 18(3): 'A data subject who has obtained restriction of processing pursuant to paragraph 1 shall be
    informed by the controller before the restriction of processing is lifted.' The notice is written first, in
    the lift's transaction, and the lift's audit entry names it."""
    from personvern import rights

    ref = _kari(reg)
    reg.write(ref, "customer_profile", ["user.name"], {"user.name": "Kari"})
    done = _restricted(reg, ref, "email", lang="en")
    [rid] = done.details["restriction_ids"]
    rights.lift_restriction(reg, rid, by="po")
    row, body = _mail(reg, done.id, "request_lifted")
    assert row.kind == "email" and body["to"] == "kari@example.no"
    assert "lift" in body["text"] and "Article 18(3)" in body["text"] and done.ref in body["text"]
    with reg.engine.connect() as c:
        lifted = c.execute(select(t.restrictions.c.lifted_at).where(t.restrictions.c.id == rid)).scalar_one()
        audit = c.execute(select(t.audit_log).where(t.audit_log.c.action == "restriction.lifted")).one()
    assert lifted is not None and row.created_at <= lifted
    assert audit.details["subject_told"] == row.id
    assert reg.read(ref)  # the restriction is gone


def test_a_letter_request_gets_its_lifting_notice_as_a_letter_and_staff_restrictions_stay_silent(
        reg: Register) -> None:
    from personvern import rights

    ref = _kari(reg)
    done = _restricted(reg, ref, "letter")
    rights.lift_restriction(reg, done.details["restriction_ids"][0], by="po")
    row, body = _mail(reg, done.id, "request_lifted")
    assert (row.kind, row.status) == ("manual", "manual") and "artikkel 18 nr. 3" in body["text"]
    staff = rights.restrict_subject(reg, ref, ground="legal_claims", reason="claim 26-1", by="po")
    rights.lift_restriction(reg, staff.details["restriction_ids"][0], by="po")
    with reg.engine.connect() as c:
        assert not c.execute(select(t.outbox).where(t.outbox.c.request_id == staff.id)).all()
