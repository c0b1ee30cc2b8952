"""Stamping withdrawals on consent rows: shared by the ledger and by an objection to marketing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Connection, select, update

from personvern.audit.events import ConsentWithdrawn
from personvern.register import schema as t
from personvern.register.records import consent_changed

if TYPE_CHECKING:
    from personvern.register.store import Register


def withdraw_rows(reg: Register, c: Connection, sid: int, subject: str, *, purposes: list[str],
                  channel: str | None, by: str) -> list[int]:
    """Stamp the withdrawal on every active consent of these purposes (and channel); audit each."""
    k = t.consents.c
    cond = [k.subject_id == sid, k.purpose.in_(purposes), k.withdrawn_at.is_(None)]
    if channel is not None:
        cond.append(k.channel == channel)
    rows = c.execute(select(k.id, k.purpose).where(*cond).order_by(k.id)).all()
    if rows:
        c.execute(update(t.consents).where(k.id.in_([r.id for r in rows]))
                  .values(withdrawn_at=reg.clock(), withdrawn_by=by[:64]))
        reg.audit(c, *(ConsentWithdrawn(subject_ref=subject, purpose=r.purpose, consent_id=r.id) for r in rows))
        consent_changed(reg, c, sid, {r.purpose for r in rows})  # a with_consent extension ends: date comes back
    return [int(r.id) for r in rows]
