"""The register's tables (SQLAlchemy Core). Alembic migrations in ``register/migrations`` create them.

Design, shaped by every open issue:
- personal values are never stored in clear: identifiers and payloads are AES-GCM ciphertext under a
  per-subject data key (``subject_keys``); erasing a subject deletes its key (crypto-shredding, issue 8).
- lookups go through keyed hashes (HMAC) in ``identifiers.lookup`` and ``records.seal_ref``, indexed.
- ``records.retention_until`` is computed per record; the sweep is one indexed range scan.
- holds, restrictions, disclosures, the outbox and the audit chain are tables of their own, so that the
  sweep can exclude held records with one NOT EXISTS and messages commit with the change that caused them.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)
Id = BigInteger().with_variant(Integer, "sqlite")  # SQLite's rowid alias must be INTEGER


def _ts(name: str, **kw: object) -> Column:  # type: ignore[type-arg]
    return Column(name, DateTime(timezone=True), **kw)  # type: ignore[arg-type]


# Keys that are not per subject: the lookup (HMAC) key and the seal key, each wrapped by the master key.
keyring = Table(
    "keyring", metadata,
    Column("name", String(32), primary_key=True),
    Column("wrapped", LargeBinary, nullable=False),
    Column("master_id", String(64), nullable=False),
    _ts("created_at", nullable=False),
)

subjects = Table(
    "subjects", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("ref", String(36), nullable=False, unique=True),  # public id (uuid4); never personal data
    Column("kind", String(64), nullable=False),
    Column("linked_to", Id, ForeignKey("subjects.id", ondelete="SET NULL")),  # alarm contact -> customer
    _ts("created_at", nullable=False),
    Column("last_activity", Date),
    Index("ix_subjects_linked_to", "linked_to"),  # ON DELETE SET NULL: without it each removal scans subjects
)

subject_keys = Table(
    "subject_keys", metadata,
    Column("subject_id", Id, ForeignKey("subjects.id", ondelete="CASCADE"), primary_key=True),
    Column("wrapped", LargeBinary, nullable=False),
    Column("master_id", String(64), nullable=False),
)

identifiers = Table(
    "identifiers", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("subject_id", Id, ForeignKey("subjects.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(32), nullable=False),  # email, phone, national_id, customer_number, order_number
    Column("lookup", LargeBinary, nullable=False),  # HMAC-SHA256 of the normalised value
    Column("value", LargeBinary, nullable=False),  # AES-GCM under the subject key
    Column("masked", String(64), nullable=False),  # safe to show: 010190 *****, +47 ••• •• 747
    Column("purpose", String(64)),  # the purpose that allowed it (national_id: TP14, PI4)
    UniqueConstraint("subject_id", "kind", "lookup"),
    Index("ix_identifiers_lookup", "kind", "lookup"),
)

records = Table(
    "records", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("subject_id", Id, ForeignKey("subjects.id", ondelete="SET NULL")),  # NULL once sealed/reduced
    Column("purpose", String(64), nullable=False),
    Column("categories", JSON, nullable=False),
    Column("source", String(64), nullable=False),
    Column("payload", LargeBinary),  # AES-GCM JSON under the subject key, or under the seal key once sealed
    Column("reduced", JSON),  # what 'then: reduce' keeps, detached and without identifiers
    Column("state", String(16), nullable=False, default="active"),  # active, sealed, review, reduced
    Column("collected_at", Date, nullable=False),
    Column("retention_until", Date),  # first day the sweep may act; NULL while an awaited event is missing
    Column("seal_ref", LargeBinary),  # HMAC of the order/voucher number: the only way to a sealed record
    Column("ref", String(64)),  # the business's own reference (order number) — hashed into seal_ref on sealing
    _ts("updated_at", nullable=False),
    Index("ix_records_subject_purpose", "subject_id", "purpose"),
    Index("ix_records_retention", "retention_until", "state"),
    Index("ix_records_seal_ref", "seal_ref"),
)

events = Table(
    "events", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("subject_id", Id, ForeignKey("subjects.id", ondelete="CASCADE")),
    Column("record_id", Id, ForeignKey("records.id", ondelete="CASCADE")),
    Column("event", String(64), nullable=False),
    Column("occurred_on", Date, nullable=False),
    _ts("recorded_at", nullable=False),
    Index("ix_events_subject", "subject_id", "event"),
    Index("ix_events_record", "record_id", "event"),
)

# Minimal consent ledger: enough to enforce Art. 6(1)(a) on writes; the consent issue extends it.
consents = Table(
    "consents", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("subject_id", Id, ForeignKey("subjects.id", ondelete="CASCADE"), nullable=False),
    Column("purpose", String(64), nullable=False),
    Column("channel", String(16)),
    _ts("given_at", nullable=False),
    _ts("withdrawn_at"),
    Column("method", String(64)),
    Column("text_hash", String(64)),
    Column("policy_version", String(32)),
    Column("actor", String(64)),
    Index("ix_consents_subject_purpose", "subject_id", "purpose"),
)

holds = Table(
    "holds", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("subject_id", Id, ForeignKey("subjects.id", ondelete="CASCADE")),
    Column("record_id", Id, ForeignKey("records.id", ondelete="CASCADE")),
    Column("kind", String(32), nullable=False),  # legal_claim, access_request
    Column("reason", Text, nullable=False),
    Column("placed_by", String(64), nullable=False),
    _ts("placed_at", nullable=False),
    Column("lifted_by", String(64)),
    _ts("lifted_at"),
    Index("ix_holds_subject", "subject_id", "lifted_at"),
    Index("ix_holds_record", "record_id", "lifted_at"),
)

restrictions = Table(
    "restrictions", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("subject_id", Id, ForeignKey("subjects.id", ondelete="CASCADE")),
    Column("record_id", Id, ForeignKey("records.id", ondelete="CASCADE")),
    Column("purpose", String(64)),  # restricted except for this purpose (erasure blocked by a legal obligation)
    Column("ground", String(32), nullable=False),  # accuracy, unlawful, legal_claims, objection, erasure_blocked
    Column("reason", Text, nullable=False),
    Column("placed_by", String(64), nullable=False),
    _ts("placed_at", nullable=False),
    _ts("lifted_at"),
    Index("ix_restrictions_subject", "subject_id", "lifted_at"),
    Index("ix_restrictions_record", "record_id"),
)

disclosures = Table(
    "disclosures", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("subject_id", Id, ForeignKey("subjects.id", ondelete="CASCADE")),
    Column("record_id", Id, ForeignKey("records.id", ondelete="SET NULL")),
    Column("recipient", String(64), nullable=False),
    Column("purpose", String(64), nullable=False),
    Column("categories", JSON, nullable=False),
    _ts("disclosed_at", nullable=False),
    Index("ix_disclosures_subject", "subject_id"),
    Index("ix_disclosures_record", "record_id"),
)

# Durable outbox: written in the same transaction as the change that causes a message (issue 5).
outbox = Table(
    "outbox", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("kind", String(32), nullable=False),  # webhook, email, archive
    Column("destination", String(255), nullable=False),
    Column("body", LargeBinary, nullable=False),  # AES-GCM under the outbox key: may carry personal data
    Column("idempotency_key", String(64), nullable=False, unique=True),
    Column("status", String(16), nullable=False, default="pending"),  # pending, delivered, dead
    Column("attempts", Integer, nullable=False, default=0),
    _ts("next_attempt_at", nullable=False),
    _ts("created_at", nullable=False),
    _ts("delivered_at"),
    Column("last_error", Text),
    Index("ix_outbox_due", "status", "next_attempt_at"),
)

sweep_runs = Table(
    "sweep_runs", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("as_of", Date, nullable=False),
    _ts("started_at", nullable=False),
    _ts("finished_at"),
    Column("counts", JSON),
    Column("actor", String(64), nullable=False),
)

# Erasure ledger: no clear data, only what `erasures replay` needs after a backup is restored (issue 8).
erasures = Table(
    "erasures", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("subject_ref", String(36), nullable=False),
    Column("lookups", JSON, nullable=False),  # hex HMACs of the subject's identifiers
    _ts("erased_at", nullable=False),
    Column("reason", String(64), nullable=False),
)

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

meta = Table(
    "personvern_meta", metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)
