"""The audit trail's own retention: prune old entries and keep the rest verifiable.

The audit trail holds ids, not personal values, but ids still point at people, and the trail must not
be kept longer than it is needed (Art. 5(1)(e)). How long is a policy decision: the policy's
``settings.audit_retention`` (a retention rule counted from each entry's date, ``collection``), applied by
:func:`prune_by_policy` — the worker's nightly job calls it. :func:`prune` takes an explicit ``before``.

Pruning removes a *prefix* of the chain — every entry before the first one dated on or after
``before`` — so what remains is still one unbroken chain. The last pruned entry's seq and hash are kept
in ``personvern_meta`` under ``audit.anchor``; verification starts there instead of at genesis. Pruning
refuses to run on a chain that does not verify, so it never deletes the evidence of tampering, and it
appends an ``audit.pruned`` entry recording what it did.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, delete, func, select

from personvern.audit._canonical import ANCHOR_KEY, ChainPoint, lock, write_point
from personvern.audit.chain import append, verify
from personvern.audit.events import AuditPruned
from personvern.audit.sealer import seal
from personvern.audit.tables import audit_log
from personvern.errors import RegisterError
from personvern.policy.retention import Facts, anchors, retention_end

if TYPE_CHECKING:
    from personvern.register.store import Register

_HORIZON = 200 * 366  # days searched back for the cut: far beyond any retention a policy can justify


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
    seal(conn)
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


def prune_cut(rule: Any, as_of: date) -> date:
    """The first entry date that is still kept on ``as_of`` under ``rule``: entries dated before it are due.

    An entry dated ``d`` is due once ``retention_end(rule, collected=d) <= as_of``. That end never moves back
    when ``d`` moves forward, so the cut is found by bisection over days (calendar arithmetic, month ends and
    ``end_of_year`` counting included, exactly as for records). Only rules counted from ``collection`` apply:
    an audit entry has no events and no last activity."""
    other = anchors(rule) - {"collection"}
    if other:
        raise RegisterError(f"settings.audit_retention counts from {', '.join(sorted(other))}; an audit "
                            "entry only has its own date: write e.g. '3 years after collection'",
                            field="settings.audit_retention")

    def due(day: date) -> bool:
        end = retention_end(rule, Facts(day, {}))
        return end is not None and end <= as_of

    lo, hi = as_of - timedelta(days=_HORIZON), as_of + timedelta(days=1)  # due(lo) is assumed; due(hi) is not
    if not due(lo):
        return lo
    while (hi - lo).days > 1:
        mid = lo + timedelta(days=(hi - lo).days // 2)
        lo, hi = (mid, hi) if due(mid) else (lo, mid)
    return hi


def prune_by_policy(reg: Register, as_of: date | None = None) -> int:
    """Prune the audit trail as the policy's ``settings.audit_retention`` says; 0 when it keeps everything.

    For the worker's nightly job: one transaction, the register's actor and role, ``as_of`` defaulting to the
    register's today. Returns how many entries were deleted (an ``audit.pruned`` entry records it)."""
    retention = reg.policy.settings.audit_retention
    if retention is None:
        return 0
    if retention.then != "delete":
        raise RegisterError("audit entries can only be deleted when their time is up ('then: delete')",
                            field="settings.audit_retention")
    before = prune_cut(retention.rule, as_of or reg.today())
    with reg.transaction() as conn:
        return prune(conn, before, actor=reg.actor, role=reg.role, at=reg.clock())
