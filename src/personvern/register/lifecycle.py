"""Changing what a record's retention depends on: moving or cancelling a recorded event (issue 14 item 3).

``record_event`` adds an occurrence (a second purchase is a second row; the latest counts). A booking that is
moved, or a delivery date entered wrongly, is *moved* here: the occurrence changes date, earlier as well as
later, and the retention of everything that depends on it is recomputed in the same transaction. A cancelled
event (an installation that will not happen) is *cancelled*: its occurrences go, and a rule waiting for it
waits again. Both are audited with ids only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, ClassVar

from sqlalchemy import Connection, delete, select, update

from personvern.audit._registry import AuditEvent, register_event
from personvern.errors import NotFound, RegisterError
from personvern.register import records
from personvern.register import schema as t

if TYPE_CHECKING:
    from personvern.register.store import Register

__all__ = ["EventCancelled", "EventMoved", "cancel_event", "move_event"]


@register_event
@dataclass(frozen=True, kw_only=True)
class EventMoved(AuditEvent):
    """A recorded lifecycle event got another date; retention was recomputed."""

    name: ClassVar[str] = "event.moved"
    event: str
    moved_from: date
    moved_to: date


@register_event
@dataclass(frozen=True, kw_only=True)
class EventCancelled(AuditEvent):
    """Recorded occurrences of a lifecycle event were removed (it will not happen); retention was recomputed."""

    name: ClassVar[str] = "event.cancelled"
    event: str
    occurrences: int


def _target(reg: Register, c: Connection, name: str, subject: str | None,
            record: int | None) -> tuple[int, str | None, list[int] | None, object]:
    """(subject id, subject ref, record ids to recompute or None for the subject, the row filter)."""
    if (subject is None) == (record is None):
        raise RegisterError("an event belongs to a subject or to a record", field="subject")
    if name not in reg.policy.events:
        raise RegisterError(f"unknown event '{name}'", field="event")
    e = t.events.c
    if record is not None:
        row = c.execute(select(t.records.c.subject_id, t.subjects.c.ref)
                        .outerjoin(t.subjects, t.subjects.c.id == t.records.c.subject_id)
                        .where(t.records.c.id == record)).first()
        if row is None:
            raise NotFound(f"no record {record}", field="record")
        return int(row.subject_id), row.ref, [record], (e.record_id == record) & (e.event == name)
    assert subject is not None
    sid = reg.subject_id(c, subject)
    return sid, subject, None, (e.subject_id == sid) & e.record_id.is_(None) & (e.event == name)


def _recompute(reg: Register, c: Connection, sid: int, record_ids: list[int] | None) -> None:
    if record_ids is not None:
        records.recompute(reg, c, record_ids=record_ids)
    else:
        records.recompute(reg, c, subject_ids=[sid])


def move_event(reg: Register, name: str, to: date, *, subject: str | None = None, record: int | None = None,
               moved_from: date | None = None) -> None:
    """Give a recorded event another date — the latest occurrence, or the one dated ``moved_from`` — and
    recompute retention: moving it earlier brings the deletion date earlier, as moving it later delays it."""
    e = t.events.c
    with reg.transaction() as c:
        sid, ref, rids, where = _target(reg, c, name, subject, record)
        q = select(e.id, e.occurred_on).where(where)  # type: ignore[arg-type]
        if moved_from is not None:
            q = q.where(e.occurred_on == moved_from)
        row = c.execute(q.order_by(e.occurred_on.desc(), e.id.desc()).limit(1)).first()
        if row is None:
            raise NotFound(f"no recorded '{name}'" + (f" on {moved_from}" if moved_from else "") + " to move",
                           field="event")
        c.execute(update(t.events).where(e.id == row.id).values(occurred_on=to, recorded_at=reg.clock()))
        reg.audit(c, EventMoved(subject_ref=ref, record_ids=tuple(rids or ()), event=name,
                                moved_from=row.occurred_on, moved_to=to))
        _recompute(reg, c, sid, rids)


def cancel_event(reg: Register, name: str, *, subject: str | None = None, record: int | None = None,
                 on: date | None = None) -> int:
    """Remove a recorded event (every occurrence, or the one dated ``on``) and recompute retention: a rule that
    waited for it waits again. Returns how many occurrences went."""
    e = t.events.c
    with reg.transaction() as c:
        sid, ref, rids, where = _target(reg, c, name, subject, record)
        cond = where if on is None else where & (e.occurred_on == on)  # type: ignore[operator]
        n = c.execute(delete(t.events).where(cond)).rowcount  # type: ignore[arg-type]
        if not n:
            raise NotFound(f"no recorded '{name}'" + (f" on {on}" if on else "") + " to cancel", field="event")
        reg.audit(c, EventCancelled(subject_ref=ref, record_ids=tuple(rids or ()), event=name, occurrences=n))
        _recompute(reg, c, sid, rids)
    return int(n)
