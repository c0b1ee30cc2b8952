"""GDPR Art. 19: disclosures are recorded; a rectification, erasure or restriction is notified to each
recipient that received the subject's data, and to no other (webhook or e-mail, through the outbox)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from personvern.errors import CategoryNotAllowed, NotFound, RegisterError
from personvern.register import Register, holds
from personvern.register import schema as t
from personvern.register.outbox import body_of
from personvern.rights.notify import notify_recipients, record_disclosure
from personvern.worker import CaptureMailer, Worker, list_outbox, verify_signature, webhook_secret

pytestmark = pytest.mark.promise("TP10")


@pytest.fixture
def shop(open_custom: Callable[..., Register], receiver: Any) -> Register:
    """TP-ecommerce with a webhook for its payment processors and an e-mail contact for its transporters."""
    return open_custom("tp-ecommerce", {"payment_processors": [f"webhook: {receiver.url}"],
                                        "transport_processors": ["contact: {email: frakt@example.no}"]})


def _customer(reg: Register, email: str = "kari@example.no", order: str = "5521") -> tuple[str, int]:
    ref = reg.add_subject("customer", {"email": email})
    rid = reg.write(ref, "order", ["user.name", "user.contact.address"], {"user.name": "Kari Nordmann"}, ref=order)
    return ref, rid


def _outbox(reg: Register) -> list[Any]:
    with reg.engine.connect() as c:
        return list(c.execute(select(t.outbox).order_by(t.outbox.c.id)).all())


def test_disclosure_outside_the_policy_is_refused(shop: Register) -> None:
    ref, rid = _customer(shop)
    with pytest.raises(RegisterError) as exc:
        record_disclosure(shop, ref, "transport_processors", "marketing", ["user.name"])
    assert exc.value.field == "purpose" and "transport_processors" in str(exc.value) and "marketing" in str(exc.value)
    with pytest.raises(CategoryNotAllowed) as exc2:
        record_disclosure(shop, ref, "transport_processors", "order", ["user.name", "user.payment"])
    assert "transport_processors" in str(exc2.value) and "user.payment" in str(exc2.value)
    with pytest.raises(RegisterError) as exc3:
        record_disclosure(shop, ref, "the_neighbour", "order", ["user.name"])
    assert exc3.value.field == "recipient"
    with pytest.raises(NotFound):
        record_disclosure(shop, ref, "transport_processors", "order", ["user.name"], record=rid + 99)
    _other, other_rid = _customer(shop, "ola@example.no", "5522")
    with pytest.raises(RegisterError) as exc4:
        record_disclosure(shop, ref, "transport_processors", "order", ["user.name"], record=other_rid)
    assert exc4.value.field == "record"


def test_disclosure_is_recorded_and_audited(shop: Register) -> None:
    ref, rid = _customer(shop)
    did = record_disclosure(shop, ref, "transport_processors", "order", ["user.name", "user.contact.address"],
                            record=rid)
    with shop.engine.connect() as c:
        row = c.execute(select(t.disclosures).where(t.disclosures.c.id == did)).one()
        audit = c.execute(select(t.audit_log).where(t.audit_log.c.action == "disclosure.recorded")).one()
    assert (row.recipient, row.purpose, row.record_id) == ("transport_processors", "order", rid)
    assert audit.subject_ref == ref and audit.details["recipient"] == "transport_processors"
    assert audit.details["disclosure_id"] == did and audit.record_ids == [rid]


def test_restricted_data_is_not_disclosed(shop: Register) -> None:
    ref, _ = _customer(shop)
    holds.restrict(shop, ref, ground="accuracy", reason="contested address", by="privacy-officer")
    with pytest.raises(RegisterError):
        record_disclosure(shop, ref, "transport_processors", "order", ["user.name"])


@pytest.mark.parametrize("change", ["rectification", "erasure", "restriction"])
def test_notice_only_to_recipients_that_got_data(shop: Register, receiver: Any, smtp: Any, change: str) -> None:
    ref, rid = _customer(shop)
    untouched, _ = _customer(shop, "ola@example.no", "5522")
    record_disclosure(shop, ref, "payment_processors", "order", ["user.name"], record=rid)
    record_disclosure(shop, ref, "transport_processors", "order", ["user.contact.address"], record=rid)
    record_disclosure(shop, untouched, "transport_processors", "order", ["user.name"])
    with shop.transaction() as c:
        sent = notify_recipients(shop, c, subject_ref=ref, change=change, request_id=17)  # type: ignore[arg-type]
    assert sent == 2  # not marketing_processors, it_services, … which got nothing
    rows = _outbox(shop)
    assert [(r.kind, r.recipient, r.idempotency_key) for r in rows] == [
        ("webhook", "payment_processors", f"art19:{change}:17:payment_processors"),
        ("email", "transport_processors", f"art19:{change}:17:transport_processors")]
    assert rows[1].destination == "f***@example.no"  # masked; the address lives only encrypted
    mail = body_of(shop, rows[1])
    assert mail["to"] == "frakt@example.no" and "5521" in mail["text"] and "kari" not in json.dumps(mail)

    from personvern.worker import SmtpMailer

    report = Worker(shop, SmtpMailer(smtp.host, smtp.port, "personvern@example.no")).run_once()
    assert report.delivered == 2
    [hook] = receiver.requests
    h = hook["headers"]
    assert verify_signature(webhook_secret(shop, "payment_processors"), h["x-personvern-timestamp"], hook["body"],
                            h["x-personvern-signature"])
    message = json.loads(hook["body"])
    assert message["type"] == f"personvern.art19.{change}" and message["change"] == change
    assert message["references"] == ["5521"] and message["record_ids"] == [rid]
    assert message["categories"] == ["user.name"] and message["subject_ref"] == ref
    assert "Kari" not in hook["body"].decode() and "kari@" not in hook["body"].decode()
    assert [m["to"] for m in smtp.messages] == [["frakt@example.no"]]


def test_notice_is_idempotent_per_request_and_audited(shop: Register) -> None:
    ref, rid = _customer(shop)
    record_disclosure(shop, ref, "transport_processors", "order", ["user.name"], record=rid)
    for _ in range(2):
        with shop.transaction() as c:
            notify_recipients(shop, c, subject_ref=ref, change="erasure", request_id=3)
    assert len(_outbox(shop)) == 1
    with shop.engine.connect() as c:
        entries = c.execute(select(t.audit_log).where(t.audit_log.c.action == "recipient.notified")).all()
    assert entries[0].details["recipient"] == "transport_processors" and entries[0].details["change"] == "erasure"


def test_notice_is_rolled_back_with_the_change(shop: Register) -> None:
    ref, rid = _customer(shop)
    record_disclosure(shop, ref, "transport_processors", "order", ["user.name"], record=rid)
    with pytest.raises(RuntimeError), shop.transaction() as c:
        notify_recipients(shop, c, subject_ref=ref, change="rectification")
        raise RuntimeError("the rectification failed")
    assert _outbox(shop) == []


def test_record_ids_narrow_the_notice(shop: Register) -> None:
    ref, first = _customer(shop)
    second = shop.write(ref, "order", ["user.name"], {"user.name": "Kari"}, ref="5599")
    record_disclosure(shop, ref, "payment_processors", "order", ["user.name"], record=first)
    record_disclosure(shop, ref, "transport_processors", "order", ["user.name"], record=second)
    with shop.transaction() as c:
        assert notify_recipients(shop, c, subject_ref=ref, change="rectification", record_ids=[second]) == 1
    [row] = _outbox(shop)
    assert row.recipient == "transport_processors" and body_of(shop, row)["to"] == "frakt@example.no"


def test_bad_change_and_unknown_subject_are_clear_errors(shop: Register) -> None:
    with shop.transaction() as c:
        with pytest.raises(RegisterError) as exc:
            notify_recipients(shop, c, subject_ref="x", change="deletion")  # type: ignore[arg-type]
        assert exc.value.field == "change"
        with pytest.raises(NotFound):
            notify_recipients(shop, c, subject_ref="00000000-0000-0000-0000-000000000000", change="erasure")


def test_capture_mailer_marks_delivered_for_the_demo_mailbox(shop: Register) -> None:
    ref, rid = _customer(shop)
    record_disclosure(shop, ref, "transport_processors", "order", ["user.name"], record=rid)
    with shop.transaction() as c:
        notify_recipients(shop, c, subject_ref=ref, change="erasure", request_id=1)
    mailer = CaptureMailer()
    Worker(shop, mailer).run_once()
    [view] = list_outbox(shop, "delivered")
    assert view.topic == "art19.erasure" and mailer.sent[0]["to"] == "frakt@example.no"
