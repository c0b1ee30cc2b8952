"""The chain's primitives: canonical form, digest, the head and anchor checkpoints and the append lock.

Private: ``chain``, ``_verify`` and ``retention`` share these so that writing and checking an entry can
never drift apart.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, insert, select, text, update

from personvern.audit.tables import audit_log
from personvern.register.schema import meta

GENESIS = "0" * 64
"""``prev_hash`` of the first entry ever written."""
HEAD_KEY = "audit.head"
"""``personvern_meta`` key of the last appended entry's seq and hash (catches a truncated tail)."""
ANCHOR_KEY = "audit.anchor"
"""``personvern_meta`` key of the last pruned entry's seq and hash: where verification starts."""
LOCK_KEY = 0x70765F61  # "pv_a": with the schema's hash, the pg_advisory_xact_lock that serialises appends


@dataclass(frozen=True)
class ChainPoint:
    """A position in the chain: an entry's seq and hash (seq 0 and 64 zeros before the first entry)."""

    seq: int
    hash: str


GENESIS_POINT = ChainPoint(0, GENESIS)
_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)  # reused: dumps() with
# options builds a new encoder per call, which dominated verification time


def as_utc(at: datetime) -> datetime:
    """An aware UTC datetime; naive values (SQLite returns them) are taken to be UTC already."""
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def at_text(at: datetime) -> str:
    """The fixed-width ISO form of a timestamp that goes into the hash (microseconds, ``Z``)."""
    naive = at if at.tzinfo is None else at.astimezone(UTC).replace(tzinfo=None)
    return naive.isoformat(timespec="microseconds") + "Z"


def canonical(
    seq: int, at: datetime, actor: str, role: str, action: str, subject_ref: str | None,
    purpose: str | None, record_ids: Sequence[int] | None, details: Mapping[str, Any] | None,
) -> str:
    """Canonical JSON of an entry's content: a fixed-order array, sorted keys, no spaces, UTF-8."""
    body = [seq, at_text(at), actor, role, action, subject_ref, purpose,
            None if record_ids is None else list(record_ids), details]
    return _ENCODER.encode(body)


def digest(prev_hash: str, canonical_form: str) -> str:
    """``sha256(prev_hash + canonical form)`` as 64 hex digits."""
    return hashlib.sha256((prev_hash + canonical_form).encode("utf-8")).hexdigest()


def row_digest(row: Any, seq: int | None = None) -> str:
    """The hash a stored ``audit_log`` row should carry; ``seq`` overrides the stored one (diagnosis)."""
    form = canonical(
        row.seq if seq is None else seq, row.at, row.actor, row.role, row.action,
        row.subject_ref, row.purpose, row.record_ids, row.details,
    )
    return digest(row.prev_hash, form)


def read_point(conn: Connection, key: str) -> ChainPoint | None:
    raw = conn.execute(select(meta.c.value).where(meta.c.key == key)).scalar_one_or_none()
    return None if raw is None else parse_point(raw)


def parse_point(raw: str) -> ChainPoint:
    data = json.loads(raw)
    return ChainPoint(int(data["seq"]), str(data["hash"]))


def write_point(conn: Connection, key: str, point: ChainPoint, **extra: str) -> None:
    """Upsert a checkpoint; callers hold the append lock, so update-then-insert cannot race."""
    value = json.dumps({"seq": point.seq, "hash": point.hash, **extra}, sort_keys=True)
    if conn.execute(update(meta).where(meta.c.key == key).values(value=value)).rowcount == 0:
        conn.execute(insert(meta).values(key=key, value=value))
    if key == HEAD_KEY:
        _remember(conn, point)


# The head this transaction wrote, kept on the connection with the transaction it belongs to: a second append in
# the same transaction (a request completed and its hold lifted, a report and its completion) already holds the
# lock and knows the tail, so it skips both statements (issue 13). Another transaction never sees it: the entry
# names its transaction object, and a new transaction is a new object.
_HEAD = "personvern.audit.head"


def _remember(conn: Connection, point: ChainPoint) -> None:
    txn = conn.get_transaction()
    if txn is not None:
        conn.info[_HEAD] = (txn, point)


def _known_head(conn: Connection) -> ChainPoint | None:
    known = conn.info.get(_HEAD)
    if known is not None and known[0] is conn.get_transaction() and known[0] is not None and known[0].is_active:
        return known[1]  # type: ignore[no-any-return]
    return None


def lock(conn: Connection) -> None:
    """Serialise appends and pruning until the caller's transaction ends.

    PostgreSQL: a transaction-scoped advisory lock (one per schema), so two writers cannot read the same tail.
    SQLite: a no-op write takes the database write lock now (pysqlite opens a transaction before the
    first write), which also gives the following reads the newest snapshot in WAL mode. Other dialects
    rely on the primary key on ``seq``: a concurrent append then fails instead of forking the chain.
    """
    if _known_head(conn) is not None:
        return  # this transaction appended already: it holds the lock
    dialect = conn.dialect.name
    if dialect == "postgresql":
        # per schema: advisory locks are database-wide, and registers in different schemas of one database
        # (tenants, test runs) have separate chains that must not wait for each other
        conn.execute(text("SELECT pg_advisory_xact_lock(:key, hashtext(current_schema()))"), {"key": LOCK_KEY})
    elif dialect == "sqlite":
        conn.execute(update(meta).where(meta.c.key == HEAD_KEY).values(value=meta.c.value))


def tail(conn: Connection) -> ChainPoint:
    """Where the next entry links to: the head checkpoint, else the table's last row, anchor or genesis.

    The head wins over the table so that an entry appended after a truncated tail leaves a visible gap.
    """
    head = _known_head(conn) or read_point(conn, HEAD_KEY)
    if head is not None:
        return head
    last = conn.execute(
        select(audit_log.c.seq, audit_log.c.hash).order_by(audit_log.c.seq.desc()).limit(1)
    ).first()
    if last is not None:
        return ChainPoint(int(last.seq), str(last.hash))
    return read_point(conn, ANCHOR_KEY) or GENESIS_POINT
