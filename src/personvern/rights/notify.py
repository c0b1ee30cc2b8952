"""Recipients: every disclosure recorded, every recipient told of a change (GDPR Art. 19) or to delete (TZ6).

- :func:`record_disclosure` records that a subject's data went to a recipient the policy declares, for one of
  the recipient's purposes and only categories it is given (Art. 13(1)(e), Art. 30(1)(d)); the access
  report (Art. 15(1)(c)) and the notices below read this table.
- :func:`notify_recipients` (Art. 19): after a rectification (Art. 16), erasure (Art. 17(1)) or restriction
  (Art. 18), each recipient that received the subject's data gets one message through the outbox, in the
  caller's transaction: a signed webhook when the policy gives the recipient a ``webhook``, else an e-mail
  to its ``contact``. Call it *before* erasing in the same transaction: the disclosures go with the subject.
- :func:`on_event` (TZ6 "instructed to delete when their part is done"): when the event named in a
  recipient's ``deletes_on`` is recorded (``installation.completed``), the recipients that got the subject's
  data get a deletion instruction. It runs as a register event hook (``register/hooks.py``).

A recipient with neither ``webhook`` nor ``contact.email`` (the seeds name categories of partners, not
firms) is written to at the controller's own address, marked "forward to <recipient>": the business
passes the notice on, and the outbox still holds the proof that it was issued.
The messages carry ids, categories and the reference the recipient knows (the order number), no more
personal data than that (Art. 5(1)(c)).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from sqlalchemy import Connection, insert, or_, select, update

from personvern.audit.events import AuditEvent, DisclosureRecorded, register_event
from personvern.errors import CategoryNotAllowed, NotFound, RegisterError
from personvern.policy import taxonomy
from personvern.policy.model import Recipient
from personvern.register import holds
from personvern.register import schema as t
from personvern.register.hooks import Occurred, event_hook
from personvern.register.identifiers import normalise
from personvern.register.outbox import Email, enqueue

if TYPE_CHECKING:
    from personvern.register.store import Register

Change = Literal["rectification", "erasure", "restriction"]
CHANGES: tuple[Change, ...] = ("rectification", "erasure", "restriction")

__all__ = [
    "CHANGES",
    "Change",
    "DeletionInstructed",
    "RecipientNotified",
    "notify_recipients",
    "on_event",
    "recipients_of",
    "record_disclosure",
]


@register_event
@dataclass(frozen=True, kw_only=True)
class RecipientNotified(AuditEvent):
    """A recipient was sent a notice of a rectification, erasure or restriction (GDPR Art. 19)."""

    name: ClassVar[str] = "recipient.notified"
    recipient: str
    change: str
    outbox_id: int | None = None
    request_id: int | None = None


@register_event
@dataclass(frozen=True, kw_only=True)
class DeletionInstructed(AuditEvent):
    """A recipient was instructed to delete the subject's data because its part is done (TZ6)."""

    name: ClassVar[str] = "recipient.deletion_instructed"
    recipient: str
    trigger: str  # the event named in the recipient's deletes_on
    outbox_id: int | None = None


def record_disclosure(reg: Register, subject: str, recipient: str, purpose: str, categories: list[str], *,
                      record: int | None = None, conn: Connection | None = None) -> int:
    """Record that ``categories`` of the subject's data went to ``recipient`` for ``purpose``; returns its id.

    Refused when the policy does not declare the recipient for the purpose or does not give it a category
    (Art. 13(1)(e)), and while the data is restricted (Art. 18(2))."""
    rec = _recipient(reg, recipient)
    if purpose not in rec.purposes:
        raise RegisterError(f"recipient '{recipient}' is not declared for purpose '{purpose}' (it receives data "
                            f"of: {', '.join(rec.purposes)})", field="purpose")
    if not categories:
        raise RegisterError("a disclosure names at least one category", field="categories")
    extra = [c for c in categories if not taxonomy.covers(c, rec.categories)]
    if extra:
        raise CategoryNotAllowed(f"recipient '{recipient}' is not given {', '.join(extra)} under purpose "
                                 f"'{purpose}' (it is given: {', '.join(rec.categories)})", field="categories")
    if conn is not None:
        return _insert_disclosure(reg, conn, subject, rec.key, purpose, categories, record)
    with reg.transaction() as c:
        return _insert_disclosure(reg, c, subject, rec.key, purpose, categories, record)


def _insert_disclosure(reg: Register, c: Connection, subject: str, recipient: str, purpose: str,
                       categories: list[str], record: int | None) -> int:
    sid = reg.subject_id(c, subject)
    if record is not None:
        owner = c.execute(select(t.records.c.subject_id).where(t.records.c.id == record)).first()
        if owner is None:
            raise NotFound(f"no record {record}", field="record")
        if owner.subject_id != sid:
            raise RegisterError(f"record {record} does not belong to subject {subject}", field="record")
    holds.check_use(reg, sid, purpose, "processing", record)
    did = int(c.execute(insert(t.disclosures).values(
        subject_id=sid, record_id=record, recipient=recipient, purpose=purpose, categories=sorted(categories),
        disclosed_at=reg.clock()).returning(t.disclosures.c.id)).scalar_one())
    reg.audit(c, DisclosureRecorded(subject_ref=subject, purpose=purpose, record_ids=(record,) if record else (),
                                    recipient=recipient, disclosure_id=did))
    return did


def notify_recipients(reg: Register, conn: Connection, *, subject_ref: str, change: Change,
                      request_id: int | None = None, record_ids: Sequence[int] | None = None,
                      subject_id: int | None = None) -> int:
    """GDPR Art. 19: queue one notice per recipient that received this subject's data; returns how many.

    ``record_ids`` narrows it to recipients of those records (and of disclosures not tied to a record).
    Runs in the caller's transaction; a repeat with the same ``request_id`` queues nothing new.
    ``subject_id`` saves a lookup when the caller has it."""
    if change not in CHANGES:
        raise RegisterError(f"change must be one of {', '.join(CHANGES)}, not '{change}'", field="change")
    sid = subject_id if subject_id is not None else conn.execute(
        select(t.subjects.c.id).where(t.subjects.c.ref == subject_ref)).scalar()
    if sid is None:
        raise NotFound(f"no subject {subject_ref} (notify recipients before the erasure removes it)",
                       field="subject")
    d = t.disclosures
    scope = None if record_ids is None else or_(d.c.record_id.in_(list(record_ids)), d.c.record_id.is_(None))
    occasion = str(request_id) if request_id is not None else _digest(
        subject_ref, *map(str, sorted(record_ids or [])), reg.clock().isoformat())
    sent = 0
    for got in _received(reg, conn, int(sid), None, scope):
        message = got.message(reg, subject_ref, kind=f"art19.{change}", change=change, request_id=request_id)
        oid = _send(reg, conn, got.recipient, message, topic=f"art19.{change}",
                    key=_key("art19", change, occasion, got.recipient.key), subject_ref=subject_ref,
                    request_id=request_id)
        reg.audit(conn, RecipientNotified(subject_ref=subject_ref, record_ids=tuple(got.record_ids),
                                          recipient=got.recipient.key, change=change, outbox_id=oid,
                                          request_id=request_id))
        sent += oid is not None
    return sent


def recipients_of(reg: Register, conn: Connection, subject_id: int, record_ids: Sequence[int] | None) -> list[str]:
    """The recipients :func:`notify_recipients` would write to for these records (all: ``None``), by key."""
    d = t.disclosures
    scope = None if record_ids is None else or_(d.c.record_id.in_(list(record_ids)), d.c.record_id.is_(None))
    return [got.recipient.key for got in _received(reg, conn, subject_id, None, scope)]


def on_event(reg: Register, conn: Connection, *, event: str, subject_id: int | None = None,
             record_id: int | None = None) -> int:
    """TZ6: the recipients whose ``deletes_on`` is ``event`` and that got this subject's data are instructed
    to delete it; returns how many instructions were queued. An event dated in the future (a booked
    installation) queues the instruction for that day."""
    recipients = [r for r in reg.policy.recipients if r.deletes_on == event]
    if not recipients:
        return 0
    if subject_id is None and record_id is not None:
        subject_id = conn.execute(select(t.records.c.subject_id).where(t.records.c.id == record_id)).scalar()
    if subject_id is None:
        return 0
    subject_ref = conn.execute(select(t.subjects.c.ref).where(t.subjects.c.id == subject_id)).scalar_one()
    d = t.disclosures
    scope = None if record_id is None else or_(d.c.record_id == record_id, d.c.record_id.is_(None))
    on = conn.execute(select(t.events.c.occurred_on).where(t.events.c.subject_id == subject_id,
                                                           t.events.c.event == event)
                      .order_by(t.events.c.id.desc()).limit(1)).scalar()
    not_before = datetime.combine(on, time(), UTC) if isinstance(on, date) and on > reg.today() else None
    sent = 0
    for got in _received(reg, conn, int(subject_id), [r.key for r in recipients], scope):
        message = got.message(reg, subject_ref, kind="tz6.delete", event=event)
        oid = _send(reg, conn, got.recipient, message, topic="deletion_instruction",
                    key=_key("tz6", got.recipient.key, _digest(subject_ref, event, str(record_id or ""))),
                    subject_ref=subject_ref, not_before=not_before)
        reg.audit(conn, DeletionInstructed(subject_ref=subject_ref, record_ids=tuple(got.record_ids),
                                           recipient=got.recipient.key, trigger=event, outbox_id=oid))
        sent += oid is not None
    return sent


def on_events(reg: Register, conn: Connection, occurred: Sequence[Occurred]) -> int:
    """``on_event`` for a batch of events (an import, issue 13): one query finds the subjects that were
    disclosed to a recipient deleting on one of the events; only their events go through ``on_event``."""
    recipients = [r for r in reg.policy.recipients if r.deletes_on]
    todo = [o for o in occurred if o.event in {r.deletes_on for r in recipients}]
    subject_ids = {o.subject_id for o in todo if o.subject_id is not None}
    d = t.disclosures
    disclosed = set(conn.execute(select(d.c.subject_id).distinct().where(
        d.c.subject_id.in_(subject_ids), d.c.recipient.in_([r.key for r in recipients]))).scalars()
    ) if subject_ids else set()
    return sum(on_event(reg, conn, event=o.event, subject_id=o.subject_id, record_id=o.record_id)
               for o in todo if o.subject_id is None or o.subject_id in disclosed)


on_event.many = on_events  # type: ignore[attr-defined]  # run_event_hooks_many calls it once per batch
event_hook(on_event)


# -- what a recipient got, and the message it is sent -------------------------------------------------------

_WORDS = {
    "art19.rectification": ("Retting av personopplysninger / Rectification of personal data",
                            "Opplysninger vi har gitt dere om denne personen er rettet. Oppdater deres kopi.",
                            "Data we disclosed to you about this person has been rectified. Update your copy."),
    "art19.erasure": ("Sletting av personopplysninger / Erasure of personal data",
                      "Personen har fått opplysningene sine slettet hos oss. Slett opplysningene dere har fått.",
                      "This person's data has been erased by us. Erase the data you received."),
    "art19.restriction": ("Begrensning av behandling / Restriction of processing",
                          "Behandlingen av opplysningene er begrenset. Bare lagre dem til dere hører fra oss.",
                          "Processing of this data is restricted. Only store it until you hear from us."),
    "tz6.delete": ("Instruks om sletting / Instruction to delete",
                   "Oppdraget deres er utført. Slett opplysningene dere fikk om denne kunden.",
                   "Your part is done. Delete the data you received about this customer."),
}


@dataclass
class _Received:
    recipient: Recipient
    record_ids: list[int] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    categories: set[str] = field(default_factory=set)
    purposes: set[str] = field(default_factory=set)
    first: datetime | None = None

    def message(self, reg: Register, subject_ref: str, *, kind: str, **extra: Any) -> dict[str, Any]:
        title, nb, en = _WORDS[kind]
        controller = reg.policy.controller
        return {"type": f"personvern.{kind}", "title": title, "instruction": {"nb": nb, "en": en},
                "controller": {"name": controller.name, "orgnr": controller.orgnr}, "recipient": self.recipient.key,
                "subject_ref": subject_ref, "references": self.references, "record_ids": self.record_ids,
                "categories": sorted(self.categories), "purposes": sorted(self.purposes),
                "disclosed_since": self.first.isoformat() if self.first else None,
                "sent_at": reg.clock().isoformat(), **extra}


def _received(reg: Register, conn: Connection, subject_id: int, only: list[str] | None,
              scope: Any) -> list[_Received]:
    """What each recipient got of this subject, in one query (disclosures joined to their records' refs)."""
    d, r = t.disclosures, t.records
    q = (select(d.c.recipient, d.c.record_id, d.c.categories, d.c.purpose, d.c.disclosed_at, r.c.ref)
         .select_from(d.outerjoin(r, r.c.id == d.c.record_id)).where(d.c.subject_id == subject_id))
    if only is not None:
        q = q.where(d.c.recipient.in_(only))
    if scope is not None:
        q = q.where(scope)
    out: dict[str, _Received] = {}
    for row in conn.execute(q.order_by(d.c.id)):
        rec = next((x for x in reg.policy.recipients if x.key == row.recipient), None)
        if rec is None:
            continue  # no longer in the policy: nowhere to write
        got = out.setdefault(row.recipient, _Received(rec))
        if row.record_id is not None and row.record_id not in got.record_ids:
            got.record_ids.append(row.record_id)
        if row.ref and row.ref not in got.references:
            got.references.append(row.ref)
        got.categories.update(row.categories)
        got.purposes.add(row.purpose)
        got.first = got.first or row.disclosed_at
    return list(out.values())


def _send(reg: Register, conn: Connection, rec: Recipient, message: dict[str, Any], *, topic: str, key: str,
          subject_ref: str, request_id: int | None = None, not_before: datetime | None = None) -> int | None:
    """One message to one recipient: its webhook, else its contact e-mail, else the controller to forward."""
    if rec.webhook:
        return enqueue(reg, conn, kind="webhook", topic=topic, destination=rec.webhook[:255], body=message,
                       idempotency_key=key, recipient=rec.key, subject_ref=subject_ref, request_id=request_id,
                       not_before=not_before)
    direct = rec.contact.email if rec.contact and rec.contact.email else None
    to = direct or reg.policy.controller.email
    if not to:
        return _manual(reg, conn, rec, message, topic=topic, key=key, subject_ref=subject_ref,
                       request_id=request_id, not_before=not_before)
    title = message["title"] if direct else f"[{rec.key}] {message['title']} (videresend / forward)"
    lines = [message["instruction"]["nb"], message["instruction"]["en"], "",
             f"Mottaker / recipient: {rec.key}", f"Referanser / references: {', '.join(message['references']) or '-'}",
             f"Kategorier / categories: {', '.join(message['categories'])}",
             f"Register-id / subject ref: {subject_ref}", f"Idempotency-Key: {key}"]
    email = Email(to=str(to), subject=title, text="\n".join(lines))
    return enqueue(reg, conn, kind="email", topic=topic, destination=normalise("email", to).masked, body=email.body(),
                   idempotency_key=key, recipient=rec.key, subject_ref=subject_ref, request_id=request_id,
                   not_before=not_before)


def _manual(reg: Register, conn: Connection, rec: Recipient, message: dict[str, Any], *, topic: str, key: str,
            subject_ref: str, request_id: int | None, not_before: datetime | None) -> int | None:
    """Neither a webhook, nor a contact e-mail, nor a controller e-mail (Pilaro publishes only a contact form):
    the notice is still owed (Art. 19), so it waits in the outbox as ``manual`` — never claimed by the worker,
    listed for the privacy officer (`personvern outbox list --status manual`), closed with `outbox ack` once
    the recipient has been told by other means."""
    oid = enqueue(reg, conn, kind="manual", topic=topic, destination=f"manual: {rec.key}"[:255], body=message,
                  idempotency_key=key, recipient=rec.key, subject_ref=subject_ref, request_id=request_id,
                  not_before=not_before)
    if oid is not None:
        conn.execute(update(t.outbox).where(t.outbox.c.id == oid).values(status="manual"))
    return oid


def _recipient(reg: Register, key: str) -> Recipient:
    for rec in reg.policy.recipients:
        if rec.key == key:
            return rec
    known = ", ".join(r.key for r in reg.policy.recipients) or "none declared"
    raise RegisterError(f"'{key}' is not a recipient of this policy; known: {known}", field="recipient")


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]


def _key(*parts: str) -> str:
    """An idempotency key; the outbox column holds 64 characters, so a long one keeps its prefix and a hash."""
    raw = ":".join(parts)
    return raw if len(raw) <= 64 else f"{parts[0]}:{_digest(raw)}{_digest(raw, 'x')}"
