"""The audit trail's own retention: prune old entries and keep the rest verifiable.

The audit trail holds ids, not personal values, but ids still point at people, and the trail must not
be kept longer than it is needed (Art. 5(1)(e)). How long is a policy decision: a policy setting for it
(for example ``audit: {retention: 5 years}``) is still to be added to the policy model; until then the
caller computes ``before`` and calls :func:`prune`.

Pruning removes a *prefix* of the chain — every entry before the first one dated on or after
``before`` — so what remains is still one unbroken chain. The last pruned entry's seq and hash are kept
in ``personvern_meta`` under ``audit.anchor``; verification starts there instead of at genesis. Pruning
refuses to run on a chain that does not verify, so it never deletes the evidence of tampering, and it
appends an ``audit.pruned`` entry recording what it did.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy import Connection, delete, func, select

from personvern.audit._canonical import ANCHOR_KEY, ChainPoint, lock, write_point
from personvern.audit.chain import append, verify
from personvern.audit.events import AuditPruned
from personvern.register.schema import audit_log


def prune(
    conn: Connection, before: date, *, actor: str = "system", role: str = "system",
    at: datetime | None = None,
) -> int:
    """Delete audit entries dated before ``before`` (00:00 UTC) and return how many were deleted.

    Verifies the chain first and raises :class:`~personvern.errors.AuditChainBroken` when it is broken.
    The verification runs before the append lock is taken, so appends are not held up while a long
    trail is walked; only entries it verified are deleted. Then, in the caller's transaction and under
    the append lock, the prefix is deleted, the anchor moved and an ``audit.pruned`` entry appended.
    Nothing is deleted (and nothing appended) when no entry is old enough.
    """
    checked = verify(conn)
    checked.raise_if_broken()
    if checked.head is None:
        return 0
    lock(conn)
    cut = datetime.combine(before, time.min, tzinfo=UTC)
    first_kept = conn.execute(select(func.min(audit_log.c.seq)).where(audit_log.c.at >= cut)).scalar()
    upto = checked.head.seq if first_kept is None else min(checked.head.seq, int(first_kept) - 1)
    last = conn.execute(
        select(audit_log.c.seq, audit_log.c.hash).where(audit_log.c.seq <= upto)
        .order_by(audit_log.c.seq.desc()).limit(1)
    ).first()
    if last is None:
        return 0
    anchor = ChainPoint(int(last.seq), str(last.hash))
    deleted = conn.execute(delete(audit_log).where(audit_log.c.seq <= anchor.seq)).rowcount
    write_point(conn, ANCHOR_KEY, anchor, pruned_before=before.isoformat())
    event = AuditPruned(before=before, pruned=deleted, anchor_seq=anchor.seq)
    append(conn, event, actor=actor, role=role, at=at)
    return deleted
