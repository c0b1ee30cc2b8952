"""Stamping withdrawals on consent rows: shared by the ledger and by an objection to marketing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, select, update

from personvern.audit.events import ConsentWithdrawn
from personvern.register import schema as t
from personvern.register.records import consent_changed

if TYPE_CHECKING:
    from personvern.register.store import Register


def withdraw_rows(reg: Register, c: Connection, sid: int, subject: str, *, purposes: list[str],
                  channel: str | None, by: str, at: datetime | None = None) -> list[int]:
    """Stamp the withdrawal (at ``at``, default now) on every active consent of these purposes (and channel);
    audit each."""
    k = t.consents.c
    cond = [k.subject_id == sid, k.purpose.in_(purposes), k.withdrawn_at.is_(None)]
    if channel is not None:
        cond.append(k.channel == channel)
    return _stamp(reg, c, sid, subject, c.execute(select(k.id, k.purpose).where(*cond).order_by(k.id)).all(),
                  at, by)


def _stamp(reg: Register, c: Connection, sid: int, subject: str, rows: Sequence[Any], at: datetime | None,
           by: str) -> list[int]:
    """The withdrawal on ``rows`` (id, purpose): stamped, audited, and the records' retention recomputed."""
    k = t.consents.c
    if rows:
        c.execute(update(t.consents).where(k.id.in_([r.id for r in rows]))
                  .values(withdrawn_at=at or reg.clock(), withdrawn_by=by[:64]))
        reg.audit(c, *(ConsentWithdrawn(subject_ref=subject, purpose=r.purpose, consent_id=r.id) for r in rows))
        consent_changed(reg, c, sid, {r.purpose for r in rows})  # a with_consent extension ends: date comes back
    return [int(r.id) for r in rows]


def withdraw_as_before(reg: Register, c: Connection, sid: int, subject: str, done: Mapping[str, Any], *,
                       same_rows: bool = True) -> list[int]:
    """Redo withdrawals a restore undid (``rights.replay_erasures``): ``done`` is what the erasure ledger kept of
    them — ``{"withdrawn": [consent ids], "purposes": [...], "at": ISO time, "by": who}``. ``same_rows``: the
    restored subject's own rows, stamped with the same time and actor while still active; else (the person
    registered again under a new ref) every active consent of those purposes is withdrawn now."""
    at = datetime.fromisoformat(str(done["at"])) if done.get("at") else None
    by = str(done.get("by") or reg.actor)
    if not same_rows:
        return withdraw_rows(reg, c, sid, subject, purposes=[str(p) for p in done.get("purposes") or []],
                             channel=None, by=by)
    k = t.consents.c
    ids = [int(x) for x in done.get("withdrawn") or []]
    rows = c.execute(select(k.id, k.purpose).where(k.id.in_(ids), k.subject_id == sid, k.withdrawn_at.is_(None))
                     .order_by(k.id)).all() if ids else []
    return _stamp(reg, c, sid, subject, rows, at, by)
