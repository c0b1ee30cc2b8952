"""The append-only, hash-chained audit trail: append entries and verify the chain.

Each entry of ``audit_log`` stores ``hash = sha256(prev_hash + canonical JSON of (seq, at, actor, role,
action, subject_ref, purpose, record_ids, details))`` with ``prev_hash`` the previous entry's hash (64
zeros before the first). ``seq`` is assigned here as the previous seq + 1 — never by a database sequence,
so a rolled-back append leaves no gap and every gap means a deleted entry.

Appends run inside the caller's transaction, so an entry commits or rolls back with the change it
records. They are serialised (``pg_advisory_xact_lock`` on PostgreSQL, the write lock on SQLite) and the
primary key on ``seq`` makes a fork impossible even without the lock: a second entry for the same seq
fails. After each append the head (last seq and hash) is kept in ``personvern_meta`` under ``audit.head``
so that deleting entries from the end is caught too.

The caller's connection must be in a transaction (SQLAlchemy's default; not an AUTOCOMMIT engine), or
the lock ends with the statement that took it. On PostgreSQL use READ COMMITTED (the default): under
REPEATABLE READ a transaction that read before appending may see an old tail, and its append then
fails on the primary key — safe, but an error.

Nothing personal goes in: :func:`check_no_personal_data` refuses free text, e-mail addresses, phone
numbers and national identity numbers in every value, and ``subject_ref`` must be the subject's uuid.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, insert
from stdnum.no import fodselsnummer

from personvern.audit._canonical import (
    HEAD_KEY,
    ChainPoint,
    as_utc,
    canonical,
    digest,
    lock,
    read_point,
    tail,
    write_point,
)
from personvern.audit._verify import VerifyResult, verify
from personvern.audit.events import AuditEvent
from personvern.audit.tables import audit_log

__all__ = ["VerifyResult", "append", "append_many", "check_no_personal_data", "head", "verify"]

_TOKEN = re.compile(r"^[\w.:/-]{1,64}$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_UUID_INSIDE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_DIGIT_RUN = re.compile(r"\d{8,}")


def _check_text(value: str, where: str) -> None:
    if _EMAIL.search(value):
        raise ValueError(f"{where}: looks like an e-mail address; audit entries carry ids only")
    if _ISO_DATE.match(value) or _UUID.match(value):
        return
    # a uuid inside a code ('subject:<uuid>', the portal's actor) is an id, not a phone number
    compact = re.sub(r"[\s().+-]", "", _UUID_INSIDE.sub("uuid", value))
    if _DIGIT_RUN.search(compact):
        what = "a fødselsnummer" if fodselsnummer.is_valid(compact) else "a phone or national id number"
        raise ValueError(f"{where}: looks like {what}; audit entries carry ids only")
    if not _TOKEN.match(value):
        raise ValueError(f"{where}: {value[:20]!r}… is free text; audit entries carry ids and codes only")


def check_no_personal_data(value: object, where: str = "value") -> None:
    """Raise ``ValueError`` unless ``value`` is ids, counts, codes or dates only.

    Allowed: ``None``, booleans, integers, short code-like strings without spaces (``[\\w.:/-]{1,64}``),
    ISO dates, and lists/tuples/mappings of those with string keys. Refused: anything that looks like an
    e-mail address, a phone number or national identity number (a run of 8+ digits, or an 11-digit
    integer that is a valid fødselsnummer), free text, and floats (their JSON form is not canonical).
    This is a guard against mistakes, not a classifier: a bare first name such as ``Kari`` passes.
    """
    if value is None or isinstance(value, bool):
        return
    if isinstance(value, int):
        # below 10^9 the number's first two digits are 00, no day of any fødselsnummer/D-nummer: a record id
        # is checked in nanoseconds, not the 100 µs python-stdnum takes (issue 13: 3 ids per imported customer)
        if value >= 10**9 and fodselsnummer.is_valid(f"{value:011d}"):
            raise ValueError(f"{where}: {value} is a valid fødselsnummer; audit entries carry ids only")
        return
    if isinstance(value, str):
        _check_text(value, where)
    elif isinstance(value, date):
        return
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            check_no_personal_data(item, f"{where}[{i}]")
    elif isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise ValueError(f"{where}: keys must be strings, not {type(key).__name__}")
            _check_text(key, f"{where}.{key}")
            check_no_personal_data(item, f"{where}.{key}")
    else:
        raise ValueError(f"{where}: {type(value).__name__} is not allowed in an audit entry")


def _subject_ref(ref: str | None) -> str | None:
    if ref is None:
        return None
    try:
        ok = str(uuid.UUID(ref)) == ref
    except (ValueError, AttributeError, TypeError):
        ok = False
    if not ok:
        raise ValueError(f"subject_ref: {ref!r} is not a subject's public uuid (lowercase, hyphenated)")
    return ref


def prepare(event: AuditEvent, actor: str, role: str) -> dict[str, Any]:
    """The content columns of one entry, checked; seq, at and the hashes are added under the lock."""
    if not event.name:
        raise ValueError(f"{type(event).__qualname__} has no event name; register it with register_event")
    check_no_personal_data(actor, "actor")
    check_no_personal_data(role, "role")
    check_no_personal_data(event.purpose, "purpose")
    record_ids = list(event.record_ids)
    if any(isinstance(r, bool) or not isinstance(r, int) for r in record_ids):
        raise ValueError("record_ids: must be integers (the register's record ids)")
    check_no_personal_data(record_ids, "record_ids")
    details = event.details()
    check_no_personal_data(details, "details")
    return {
        "actor": actor, "role": role, "action": event.name,
        "subject_ref": _subject_ref(event.subject_ref), "purpose": event.purpose,
        "record_ids": record_ids, "details": details,
    }


def append_many(
    conn: Connection, events: Iterable[AuditEvent], *, actor: str, role: str, at: datetime | None = None
) -> range:
    """Append events in order inside the caller's transaction and return their seqs.

    One lock, one read of the tail and one executemany insert, whatever the number of events: for bulk
    imports and sweeps. All events share ``actor``, ``role`` and ``at`` (default: now, read under the
    lock so that ``at`` never decreases along the chain). ``ValueError`` when a value looks personal;
    then nothing is written.
    """
    rows = [prepare(e, actor, role) for e in events]
    if at is not None and at.tzinfo is None:
        raise ValueError("at: must be timezone-aware")
    if not rows:
        return range(0)
    lock(conn)
    when = as_utc(at) if at is not None else datetime.now(UTC)
    prev = tail(conn)
    seq, prev_hash = prev.seq, prev.hash
    for row in rows:
        seq += 1
        form = canonical(seq, when, row["actor"], row["role"], row["action"], row["subject_ref"],
                         row["purpose"], row["record_ids"], row["details"])
        row.update(seq=seq, at=when, prev_hash=prev_hash, hash=digest(prev_hash, form))
        prev_hash = row["hash"]
    conn.execute(insert(audit_log), rows)
    write_point(conn, HEAD_KEY, ChainPoint(seq, prev_hash))
    return range(prev.seq + 1, seq + 1)


def append(
    conn: Connection, event: AuditEvent, *, actor: str, role: str, at: datetime | None = None
) -> int:
    """Append one event inside the caller's transaction and return its seq (see :func:`append_many`)."""
    return append_many(conn, [event], actor=actor, role=role, at=at)[0]


def head(conn: Connection) -> ChainPoint | None:
    """The last entry's seq and hash, for a witness outside the database (a report, a notary, e-mail).

    The chain only proves that entries are consistent with each other: someone who can rewrite the
    table and recompute every later hash is caught only by comparing with a head kept elsewhere.
    """
    return read_point(conn, HEAD_KEY)
