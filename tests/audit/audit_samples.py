"""Sample ids and the tampering an attacker with database access could do, for the audit tests.

Imported by name (``tests/audit`` is on ``sys.path`` under pytest's default import mode).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select, text, update

from personvern.audit._canonical import canonical, digest
from personvern.register.schema import audit_log

SUBJECT = "3f0c9a52-7d7e-4c55-9a57-2b1f3e0d4a11"
OTHER = "9b2e4f10-1c3d-4e5f-8a7b-6c5d4e3f2a1b"
T0 = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
CONTENT = ("at", "actor", "role", "action", "subject_ref", "purpose", "record_ids", "details",
           "prev_hash", "hash")


def row(conn: Connection, seq: int) -> dict[str, Any]:
    return dict(conn.execute(select(audit_log).where(audit_log.c.seq == seq)).one()._mapping)


def forge(prev_hash: str, seq: int, **changes: Any) -> dict[str, Any]:
    """A well-formed entry at ``seq`` linking to ``prev_hash``, its hash computed as ``append`` would."""
    entry: dict[str, Any] = {
        "seq": seq, "at": T0, "actor": "mallory", "role": "support", "action": "record.read",
        "subject_ref": SUBJECT, "purpose": "customer_service", "record_ids": [1], "details": {},
        "prev_hash": prev_hash, **changes,
    }
    form = canonical(seq, entry["at"], entry["actor"], entry["role"], entry["action"],
                     entry["subject_ref"], entry["purpose"], entry["record_ids"], entry["details"])
    entry.setdefault("hash", digest(prev_hash, form))
    return entry


def renumber(conn: Connection, first: int, by: int) -> None:
    """Move every entry from ``first`` on by ``by`` places, one row at a time so no key collides."""
    seqs = conn.execute(select(audit_log.c.seq).where(audit_log.c.seq >= first)).scalars().all()
    for seq in sorted(seqs, reverse=by > 0):
        conn.execute(update(audit_log).where(audit_log.c.seq == seq).values(seq=seq + by))


def rehash(conn: Connection, seq: int) -> None:
    """Recompute one entry's own hash after editing it (a careful attacker; later entries untouched)."""
    r = row(conn, seq)
    form = canonical(seq, r["at"], r["actor"], r["role"], r["action"], r["subject_ref"], r["purpose"],
                     r["record_ids"], r["details"])
    conn.execute(update(audit_log).where(audit_log.c.seq == seq).values(hash=digest(r["prev_hash"], form)))


def swap(conn: Connection, a: int, b: int) -> None:
    """Exchange the content (everything but seq) of two entries."""
    ra, rb = row(conn, a), row(conn, b)
    conn.execute(update(audit_log).where(audit_log.c.seq == a).values({k: rb[k] for k in CONTENT}))
    conn.execute(update(audit_log).where(audit_log.c.seq == b).values({k: ra[k] for k in CONTENT}))


def sql(engine: Engine, statement: str, **params: Any) -> None:
    with engine.begin() as conn:
        conn.execute(text(statement), params)


def remove(engine: Engine, seq: int) -> None:
    with engine.begin() as conn:
        conn.execute(delete(audit_log).where(audit_log.c.seq == seq))


def add(engine: Engine, entry: dict[str, Any]) -> None:
    with engine.begin() as conn:
        conn.execute(insert(audit_log).values(entry))
