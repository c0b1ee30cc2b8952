"""The outbox seen by the privacy officer: the delivery log, dead letters, retries and acknowledgements.

``list_outbox`` never returns a body, and ``destination`` is already safe to show (a URL, a masked address,
an archive name). ``acknowledge`` is what ``POST /api/outbox/ack`` and ``personvern outbox ack`` call when a
recipient confirms a notice (GDPR Art. 19, TZ6); ``retry`` puts a dead row back in the queue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from sqlalchemy import or_, select, update

from personvern.audit.events import AuditEvent, register_event
from personvern.errors import NotFound, RegisterError
from personvern.register import schema as t

if TYPE_CHECKING:
    from personvern.register.store import Register

o = t.outbox
STATUSES = ("pending", "delivered", "dead", "manual")  # manual: no channel; acknowledged by the officer


@register_event
@dataclass(frozen=True, kw_only=True)
class OutboxAcknowledged(AuditEvent):
    """A recipient confirmed an outbox message (an Art. 19 notice or a TZ6 deletion instruction)."""

    name: ClassVar[str] = "outbox.acknowledged"
    outbox_id: int
    recipient: str | None = None


@register_event
@dataclass(frozen=True, kw_only=True)
class OutboxRetried(AuditEvent):
    """A dead outbox message was put back in the queue by the privacy officer."""

    name: ClassVar[str] = "outbox.retried"
    outbox_id: int


@dataclass(frozen=True)
class OutboxView:
    """One outbox row without its body: what the dead-letter view and ``personvern outbox list`` show."""

    id: int
    kind: str
    topic: str | None
    destination: str
    recipient: str | None
    subject_ref: str | None
    request_id: int | None
    idempotency_key: str
    status: str
    attempts: int
    next_attempt_at: datetime
    created_at: datetime
    delivered_at: datetime | None
    acknowledged_at: datetime | None
    last_error: str | None


def list_outbox(reg: Register, status: str | None = None, *, limit: int = 500) -> list[OutboxView]:
    """The newest ``limit`` rows, optionally of one status (``dead``: the dead letters)."""
    if status is not None and status not in STATUSES:
        raise RegisterError(f"status must be one of {', '.join(STATUSES)}, not '{status}'", field="status")
    cols = [c for c in o.c if c.name != "body"]
    q = select(*cols).order_by(o.c.id.desc()).limit(limit)
    if status is not None:
        q = q.where(o.c.status == status)
    with reg.engine.connect() as c:
        rows = c.execute(q).all()
    return [OutboxView(r.id, r.kind, r.topic, r.destination, r.recipient, r.subject_ref, r.request_id,
                       r.idempotency_key, r.status, r.attempts, r.next_attempt_at, r.created_at, r.delivered_at,
                       r.acknowledged_at, r.last_error) for r in rows]


def acknowledge(reg: Register, idempotency_key_or_id: str | int, *, by: str) -> bool:
    """Record that the recipient confirmed the message; True if it exists (a repeated ack changes nothing).

    ``by`` names who reports the acknowledgement (a recipient key, an API token's name, a staff user)."""
    key = str(idempotency_key_or_id).strip()
    match = o.c.idempotency_key == key
    if key.isdigit():
        match = or_(match, o.c.id == int(key))
    with reg.transaction() as c:
        row = c.execute(select(o.c.id, o.c.subject_ref, o.c.recipient, o.c.acknowledged_at).where(match)
                        .order_by(o.c.id).limit(1)).first()
        if row is None:
            return False
        if row.acknowledged_at is None:
            c.execute(update(o).where(o.c.id == row.id).values(acknowledged_at=reg.clock()))
            reg.acting(by, reg.role).audit(c, OutboxAcknowledged(subject_ref=row.subject_ref, outbox_id=row.id,
                                                                 recipient=row.recipient))
    return True


def retry(reg: Register, outbox_id: int) -> bool:
    """Put a dead message back in the queue with a fresh count of attempts; False if it is not dead."""
    with reg.transaction() as c:
        row = c.execute(select(o.c.status, o.c.subject_ref).where(o.c.id == outbox_id)).first()
        if row is None:
            raise NotFound(f"no outbox message {outbox_id}", field="id")
        if row.status != "dead":
            return False
        c.execute(update(o).where(o.c.id == outbox_id, o.c.status == "dead").values(
            status="pending", attempts=0, next_attempt_at=reg.clock()))
        reg.audit(c, OutboxRetried(subject_ref=row.subject_ref, outbox_id=outbox_id))
    return True
