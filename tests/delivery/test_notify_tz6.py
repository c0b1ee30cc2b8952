"""TZ6: delivery and installation partners are instructed to delete the customer's data when their part is
done — a deletion instruction queued when `installation.completed` is recorded, only for partners that got
the data."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import select

from personvern.register import Register
from personvern.register import schema as t
from personvern.register.outbox import body_of
from personvern.rights.notify import record_disclosure
from personvern.worker import CaptureMailer, Worker, verify_signature, webhook_secret

pytestmark = pytest.mark.promise("TZ6")


def _order(reg: Register, email: str = "kari@example.no") -> tuple[str, int]:
    ref = reg.add_subject("customer", {"email": email, "phone": "+47 975 27 747"})
    rid = reg.write(ref, "delivery_installation", ["user.name", "user.contact.address"],
                    {"user.name": "Kari", "user.contact.address": "Storgata 1"})
    return ref, rid


def _outbox(reg: Register) -> list[Any]:
    with reg.engine.connect() as c:
        return list(c.execute(select(t.outbox).order_by(t.outbox.c.id)).all())


def test_seed_names_the_event_after_which_partners_delete(reg: Register) -> None:
    [partners] = [r for r in reg.policy.recipients if r.key == "delivery_partners"]
    assert partners.deletes_on == "installation.completed"


def test_installation_completed_sends_deletion_instruction(reg: Register) -> None:
    """The seed gives the partners no address of their own: the instruction goes to TEK-Zence's privacy
    address, marked for forwarding."""
    ref, rid = _order(reg)
    record_disclosure(reg, ref, "delivery_partners", "delivery_installation", ["user.name", "user.contact.address"],
                      record=rid)
    reg.record_event("installation.completed", date(2026, 1, 5), record=rid)
    [row] = _outbox(reg)
    assert (row.kind, row.topic, row.recipient, row.subject_ref) == (
        "email", "deletion_instruction", "delivery_partners", ref)
    assert row.destination == "p***@tek-zence.no"
    mail = body_of(reg, row)
    assert mail["to"] == "personvern@tek-zence.no" and "[delivery_partners]" in mail["subject"]
    assert "Slett" in mail["text"] and "Delete" in mail["text"]
    assert "Storgata" not in json.dumps(mail) and "kari" not in json.dumps(mail)
    with reg.engine.connect() as c:
        [entry] = c.execute(select(t.audit_log).where(
            t.audit_log.c.action == "recipient.deletion_instructed")).all()
    assert entry.details["trigger"] == "installation.completed" and entry.details["outbox_id"] == row.id


def test_no_instruction_without_a_disclosure_or_for_other_events(reg: Register) -> None:
    ref, rid = _order(reg)
    reg.record_event("installation.completed", date(2026, 1, 5), record=rid)  # the partners got nothing
    record_disclosure(reg, ref, "delivery_partners", "delivery_installation", ["user.name"], record=rid)
    reg.record_event("purchase.made", date(2026, 1, 5), subject=ref)  # not the partners' deletes_on
    assert _outbox(reg) == []


def test_repeated_event_sends_one_instruction(reg: Register) -> None:
    ref, _rid = _order(reg)
    record_disclosure(reg, ref, "delivery_partners", "delivery_installation", ["user.name"])
    reg.record_event("installation.completed", date(2026, 1, 5), subject=ref)
    reg.record_event("installation.completed", date(2026, 1, 5), subject=ref)
    assert len(_outbox(reg)) == 1


def test_booked_installation_is_instructed_on_its_day(reg: Register, clock: Any) -> None:
    ref, rid = _order(reg)
    record_disclosure(reg, ref, "delivery_partners", "delivery_installation", ["user.name"], record=rid)
    reg.record_event("installation.completed", date(2026, 1, 20), record=rid)
    [row] = _outbox(reg)
    due = row.next_attempt_at if row.next_attempt_at.tzinfo else row.next_attempt_at.replace(tzinfo=UTC)
    assert due == datetime(2026, 1, 20, tzinfo=UTC)
    worker = Worker(reg, CaptureMailer())
    assert worker.run_once().claimed == 0
    assert worker.run_once(datetime(2026, 1, 20, 6, tzinfo=UTC)).delivered == 1


def test_partner_with_webhook_gets_a_signed_instruction(open_custom: Callable[..., Register], receiver: Any) -> None:
    reg = open_custom("tek-zence", {"delivery_partners": [f"webhook: {receiver.url}"]})
    ref, rid = _order(reg)
    record_disclosure(reg, ref, "delivery_partners", "delivery_installation", ["user.name"], record=rid)
    reg.record_event("installation.completed", date(2026, 1, 5), record=rid)
    assert Worker(reg, CaptureMailer()).run_once().delivered == 1
    [hook] = receiver.requests
    h = hook["headers"]
    assert verify_signature(webhook_secret(reg, "delivery_partners"), h["x-personvern-timestamp"], hook["body"],
                            h["x-personvern-signature"])
    message = json.loads(hook["body"])
    assert message["type"] == "personvern.tz6.delete" and message["event"] == "installation.completed"
    assert message["record_ids"] == [rid] and message["instruction"]["en"].startswith("Your part is done")
