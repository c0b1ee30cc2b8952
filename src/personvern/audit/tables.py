"""The audit trail's tables, owned by the audit package (one owner per table; issue 12).

They live on the register's ``MetaData`` so that one Alembic history creates every table, but only this
package reads or writes them:

- ``audit_log``: the hash-chained trail (see :mod:`personvern.audit.chain`).
- ``audit_reads``: the journal of audited reads that are not chained yet. A read (a lookup, a profile
  view, decrypted records) inserts one row here without any lock, so reads never queue behind each other
  or behind a sweep; :func:`personvern.audit.sealer.seal` moves the rows into the chain in ``id`` order,
  within seconds (issue 13). Ids, codes and counts only, as in the chain.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, Index, String, Table

from personvern.register.schema import Id, _ts, metadata

__all__ = ["audit_log", "audit_reads"]

# Append-only, hash-chained audit trail (issue 8). Ids and actions only; no personal data.
audit_log = Table(
    "audit_log", metadata,
    Column("seq", Id, primary_key=True, autoincrement=True),
    _ts("at", nullable=False),
    Column("actor", String(64), nullable=False),
    Column("role", String(32), nullable=False),
    Column("action", String(64), nullable=False),
    Column("subject_ref", String(36)),
    Column("purpose", String(64)),
    Column("record_ids", JSON),
    Column("details", JSON),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Index("ix_audit_subject", "subject_ref"),
)

# Audited reads waiting to be sealed into the chain: insert-only, unchained, no lock (issue 13).
audit_reads = Table(
    "audit_reads", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    _ts("at", nullable=False),
    Column("actor", String(64), nullable=False),
    Column("role", String(32), nullable=False),
    Column("action", String(64), nullable=False),
    Column("subject_ref", String(36)),
    Column("purpose", String(64)),
    Column("record_ids", JSON),
    Column("details", JSON),
)
