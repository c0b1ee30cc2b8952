"""Walk the audit chain in seq order and name the first tampering found.

What a hash chain with a stored ``seq`` can tell, and how the kinds are told apart. Each entry is checked
for three things against its predecessor in seq order (the pruning anchor or genesis for the first):
*own* — its hash matches its content and ``prev_hash``; *linked* — its ``prev_hash`` is the predecessor's
hash; *next* — its seq is the predecessor's + 1 (appends never leave gaps, see ``chain``).

- **edited**: linked and in sequence, but the content no longer matches the hash. Also reported at the
  predecessor when an entry is self-consistent but links to a hash no entry has (the predecessor was
  altered and its hash recomputed), and at an entry whose seq was changed (it matches at the old seq).
- **deleted**: a gap in seq (reported at the first missing seq); an entry that matches its hash only at a
  higher seq (entries before it were deleted and the rest renumbered); or a head checkpoint
  (``audit.head``) beyond the last entry (the tail was cut off).
- **inserted**: an entry the chain skips (the next entry links to its predecessor); an entry linking to
  an earlier entry than its predecessor, so that two entries claim the same place (reported at the first
  entry of the branch that is not linked in); a self-consistent entry with a jump in seq; an entry past
  the head checkpoint or at or before the pruning anchor.
- **reordered**: an entry whose ``prev_hash`` is the hash of an entry that comes *after* it in seq order.

Every alteration breaks at least one of the checks, so each is *detected*, at the first seq where the
chain stops being consistent. The *kind* is the simplest explanation and can be wrong for combined
edits, and the chain cannot tell which of two consistent branches is the original. The limit: there is
no secret in the hash, so whoever can rewrite the table, every later hash and the head checkpoint is not
caught from inside the database. Compare :func:`personvern.audit.chain.head` with a copy kept elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any, Literal

from sqlalchemy import Connection, func, select

from personvern.audit._canonical import (
    ANCHOR_KEY,
    GENESIS_POINT,
    HEAD_KEY,
    ChainPoint,
    parse_point,
    read_point,
    row_digest,
)
from personvern.audit.tables import audit_log, audit_reads
from personvern.errors import AuditChainBroken
from personvern.register.schema import meta

BreakKind = Literal["edited", "deleted", "inserted", "reordered"]
_RENUMBER_WINDOW = 16  # how far a renumbered entry's original seq is searched for when diagnosing


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of :func:`verify`: entries checked and, when broken, the first seq and its kind."""

    entries: int
    broken_seq: int | None = None
    kind: BreakKind | None = None
    detail: str = ""
    head: ChainPoint | None = None
    anchor: ChainPoint | None = None
    unsealed: int = 0  # audited reads in the journal, not chained yet (see ``personvern.audit.sealer``)

    @property
    def ok(self) -> bool:
        return self.broken_seq is None

    def __str__(self) -> str:
        tail = f"; {self.unsealed} reads not sealed yet" if self.unsealed else ""
        if self.ok:
            return f"audit trail intact: {self.entries} entries{tail}"
        return f"audit trail broken at seq {self.broken_seq} ({self.kind}): {self.detail}"

    def raise_if_broken(self) -> None:
        """Raise :class:`~personvern.errors.AuditChainBroken` unless the chain verified."""
        if not self.ok:
            raise AuditChainBroken(str(self))


@dataclass(frozen=True)
class _Break:
    seq: int
    kind: BreakKind
    detail: str


def verify(conn: Connection, *, batch_size: int = 5000) -> VerifyResult:
    """Check the whole chain, streaming ``batch_size`` entries at a time; see the module docstring.

    Entries appended after the walk starts are left for the next run. If pruning moved the anchor
    while walking, the walk is repeated once from the new anchor. Audited reads still in the journal are
    not part of the chain yet: they are counted in ``unsealed`` (seal them first to cover them).
    """
    result = _verify_once(conn, batch_size)
    if not result.ok and read_point(conn, ANCHOR_KEY) != result.anchor:
        result = _verify_once(conn, batch_size)
    waiting = int(conn.execute(select(func.count()).select_from(audit_reads)).scalar_one())
    return replace(result, unsealed=waiting) if waiting else result


def _snapshot(conn: Connection) -> tuple[ChainPoint | None, ChainPoint | None, int | None]:
    """Head, anchor and last seq read in one statement, so they belong to the same committed state."""
    def point(key: str) -> Any:
        return select(meta.c.value).where(meta.c.key == key).scalar_subquery()

    row = conn.execute(
        select(point(HEAD_KEY), point(ANCHOR_KEY), select(func.max(audit_log.c.seq)).scalar_subquery())
    ).one()
    head = None if row[0] is None else parse_point(row[0])
    anchor = None if row[1] is None else parse_point(row[1])
    return head, anchor, None if row[2] is None else int(row[2])


def _rows(conn: Connection, upto: int, batch_size: int) -> Iterator[Any]:
    after: int | None = None
    while True:
        query = select(audit_log).where(audit_log.c.seq <= upto).order_by(audit_log.c.seq).limit(batch_size)
        if after is not None:
            query = query.where(audit_log.c.seq > after)
        page = conn.execute(query).all()
        yield from page
        if len(page) < batch_size:
            return
        after = page[-1].seq


def _pairs(rows: Iterator[Any]) -> Iterator[tuple[Any, Any | None]]:
    """Each row with the one after it (``None`` for the last): some diagnoses look one entry ahead."""
    current = next(rows, None)
    while current is not None:
        following = next(rows, None)
        yield current, following
        current = following


def _verify_once(conn: Connection, batch_size: int) -> VerifyResult:
    head, anchor, upto = _snapshot(conn)
    start = anchor or GENESIS_POINT
    prev, count, found = start, 0, None
    if upto is not None:
        for row, following in _pairs(_rows(conn, upto, batch_size)):
            found = _check(conn, row, following, prev, head, start)
            if found is not None:
                break
            count += 1
            prev = ChainPoint(int(row.seq), str(row.hash))
    if found is None:
        found = _check_tail(prev, head, start)
    if found is None:
        return VerifyResult(count, head=head, anchor=anchor)
    return VerifyResult(count, found.seq, found.kind, found.detail, head, anchor)


def _check(
    conn: Connection, row: Any, following: Any | None, prev: ChainPoint, head: ChainPoint | None,
    start: ChainPoint,
) -> _Break | None:
    seq = int(row.seq)
    if seq <= prev.seq:
        return _Break(seq, "inserted", f"entry {seq} lies at or before the pruning anchor (seq {start.seq})")
    own = row_digest(row) == row.hash
    linked = row.prev_hash == prev.hash
    if seq != prev.seq + 1:
        return _check_gap(row, prev, own=own, linked=linked)
    if head is not None and seq > head.seq:
        return _Break(seq, "inserted", f"entry {seq} lies beyond the recorded head (seq {head.seq})")
    if linked and own:
        return None
    target = None if linked else _seq_of_hash(conn, row.prev_hash, start)
    if target is not None and target > seq:
        return _Break(seq, "reordered", f"entry {seq} links to entry {target}, which comes after it")
    if following is not None and following.prev_hash == prev.hash:
        return _Break(seq, "inserted",
                      f"entry {following.seq} links to entry {prev.seq}, skipping entry {seq}")
    if linked:
        return _Break(seq, "edited", f"entry {seq} no longer matches its hash")
    return _diagnose_link(row, prev, target, own=own)


def _check_gap(row: Any, prev: ChainPoint, *, own: bool, linked: bool) -> _Break:
    seq, missing = int(row.seq), prev.seq + 1
    if linked and own:
        return _Break(seq, "inserted",
                      f"entry {seq} links to entry {prev.seq} but was written with a forged seq")
    if linked and row_digest(row, missing) == row.hash:
        return _Break(missing, "edited", f"entry {missing} was renumbered to {seq}")
    last = f"..{seq - 1}" if seq - 1 > missing else ""
    return _Break(missing, "deleted",
                  f"entry {missing}{last} is missing (entry {seq} follows entry {prev.seq})")


def _seq_of_hash(conn: Connection, wanted: str, start: ChainPoint) -> int | None:
    if wanted == start.hash:
        return start.seq
    found = conn.execute(
        select(func.min(audit_log.c.seq)).where(audit_log.c.hash == wanted)
    ).scalar_one_or_none()
    return None if found is None else int(found)


def _diagnose_link(row: Any, prev: ChainPoint, target: int | None, *, own: bool) -> _Break:
    """An entry in sequence whose ``prev_hash`` is the hash of entry ``target`` (if any), not its
    predecessor's, and that no later entry points past."""
    seq = int(row.seq)
    if target is not None and target < prev.seq:
        first = target + 1
        if own or row_digest(row, first) == row.hash:
            return _Break(first, "inserted", f"entries {first}..{prev.seq} are not linked into the chain: "
                                              f"entry {seq} links to entry {target}")
    if target is None and own:
        return _Break(prev.seq, "edited", f"entry {prev.seq} was altered and its hash recomputed "
                                          f"(entry {seq} links to a hash no entry has)")
    if target is None:
        for shift in range(1, _RENUMBER_WINDOW + 1):
            if row_digest(row, seq + shift) == row.hash:
                return _Break(seq, "deleted", f"entry {seq} was written as {seq + shift}: entries before it "
                                              f"were deleted and the rest renumbered")
    return _Break(seq, "edited", f"entry {seq} no longer matches its hash nor links to entry {prev.seq}")


def _check_tail(last: ChainPoint, head: ChainPoint | None, start: ChainPoint) -> _Break | None:
    if head is None:
        if last.seq > start.seq:
            return _Break(last.seq, "deleted", f"the head checkpoint '{HEAD_KEY}' is missing: entries after "
                                               f"{last.seq} may have been deleted")
        return None
    if head.seq > last.seq:
        end = f"..{head.seq}" if head.seq > last.seq + 1 else ""
        return _Break(last.seq + 1, "deleted", f"entry {last.seq + 1}{end} was cut off the end")
    if head.hash != last.hash:
        return _Break(last.seq, "edited", f"entry {last.seq} was altered and its hash recomputed "
                                          f"(it differs from the head checkpoint)")
    return None
