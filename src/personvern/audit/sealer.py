"""Audited reads that do not queue: an unchained journal of read events and the sealer that chains them.

Appending to the chain needs its tail, so every append is serialised (see :func:`personvern.audit._canonical.lock`).
A register that is mostly read — lookups, profile views, decrypted records — then queues every read behind that
one lock and behind every sweep batch (issue 13, cause 1). Reads therefore take a second path:

1. :func:`log_reads` inserts the read's entries into ``audit_reads`` inside the reader's own transaction: no
   lock, no tail, one insert. The entry commits with the read or not at all, exactly like a chained append.
2. :func:`seal` takes the append lock, moves the journal's rows into ``audit_log`` in ``id`` order — each with
   its own ``at``, the moment of the read — hashes them into the chain and deletes them from the journal, all in
   one transaction. The worker runs it every round (a few seconds); :func:`entries`, ``audit verify`` and
   pruning run it on demand first, so whoever reads the trail sees every committed read.

What stays true: every read is recorded before its data is returned; entries carry ids and codes only (the
same checks as the chain); once sealed, an entry is tamper-evident like any other. What is weaker, and said
in :func:`personvern.audit.verify`'s result: the unsealed tail — seconds of reads — is not chained yet, so
deleting a row of it before the sealer runs leaves no trace. ``unsealed`` reports its size and age, so a
journal that stops being sealed is visible.

Order: the chain's order of sealed reads is the journal's ``id`` order among the rows committed when the
sealer runs; a read that commits after a later one is sealed in the next round. ``at`` is therefore the time
of the event and is not monotone along the chain for sealed reads (queries filter on ``at``; pruning cuts a
prefix of the chain, so it stays a chain).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, delete, func, insert, select

from personvern.audit._canonical import HEAD_KEY, ChainPoint, as_utc, canonical, digest, lock, tail, write_point
from personvern.audit.chain import prepare
from personvern.audit.events import AuditEvent
from personvern.audit.tables import audit_log, audit_reads

__all__ = ["Unsealed", "log_reads", "seal", "seal_all", "unsealed"]

BATCH = 1000  # journal rows sealed per statement pair
_JOURNAL = insert(audit_reads)  # built once: building it cost a tenth of a lookup (issue 13)


@dataclass(frozen=True)
class Unsealed:
    """The journal's tail not yet chained: how many reads, and when the oldest happened (None: empty)."""

    entries: int
    oldest: datetime | None = None


def log_reads(conn: Connection, events: Iterable[AuditEvent], *, actor: str, role: str,
              at: datetime | None = None) -> int:
    """Journal read events inside the caller's transaction, without the append lock; returns how many.

    Every event must be a read (``access == "read"``): changes are chained at once with
    :func:`personvern.audit.append`. ``ValueError`` when a value looks personal; then nothing is written."""
    rows = []
    for event in events:
        if type(event).access != "read":
            raise ValueError(f"{event.name} is not a read event: append it to the chain")
        rows.append(prepare(event, actor, role))
    if at is not None and at.tzinfo is None:
        raise ValueError("at: must be timezone-aware")
    if not rows:
        return 0
    when = as_utc(at) if at is not None else datetime.now(UTC)
    for row in rows:
        row["at"] = when
    conn.execute(_JOURNAL, rows)
    return len(rows)


def seal(conn: Connection, *, limit: int | None = None) -> int:
    """Chain the journal's committed rows (at most ``limit``) in the caller's transaction; returns how many.

    Reads the journal once without the lock first, so an empty journal costs one indexed statement."""
    if conn.execute(select(audit_reads.c.id).limit(1)).first() is None:
        return 0
    lock(conn)
    prev = tail(conn)
    point, done = prev, 0
    while limit is None or done < limit:
        size = BATCH if limit is None else min(BATCH, limit - done)
        rows = conn.execute(select(audit_reads).order_by(audit_reads.c.id).limit(size)).all()
        if not rows:
            break
        point = _chain(conn, rows, point)
        conn.execute(delete(audit_reads).where(audit_reads.c.id.in_([r.id for r in rows])))
        done += len(rows)
        if len(rows) < size:
            break
    if done:
        write_point(conn, HEAD_KEY, point)
    return done


def _chain(conn: Connection, rows: Iterable[Any], prev: ChainPoint) -> ChainPoint:
    seq, prev_hash = prev.seq, prev.hash
    out: list[dict[str, Any]] = []
    for r in rows:
        seq += 1
        at = as_utc(r.at)
        record_ids = list(r.record_ids or [])
        details = dict(r.details or {})
        form = canonical(seq, at, r.actor, r.role, r.action, r.subject_ref, r.purpose, record_ids, details)
        prev_hash = digest(prev_hash, form)
        out.append({"seq": seq, "at": at, "actor": r.actor, "role": r.role, "action": r.action,
                    "subject_ref": r.subject_ref, "purpose": r.purpose, "record_ids": record_ids,
                    "details": details, "prev_hash": prev.hash if not out else out[-1]["hash"],
                    "hash": prev_hash})
    conn.execute(insert(audit_log), out)
    return ChainPoint(seq, prev_hash)


def seal_all(engine: Engine, *, batch: int = 10 * BATCH) -> int:
    """Seal the whole journal, ``batch`` rows per transaction (the worker's round; ``audit seal``)."""
    total = 0
    while True:
        with engine.begin() as conn:
            done = seal(conn, limit=batch)
        total += done
        if done < batch:
            return total


def unsealed(conn: Connection) -> Unsealed:
    """How many reads wait in the journal, and the oldest one's time."""
    n, oldest = conn.execute(select(func.count(), func.min(audit_reads.c.at))).one()
    return Unsealed(int(n), None if oldest is None else as_utc(oldest))
