"""The register's tables (SQLAlchemy Core). Alembic migrations in ``register/migrations`` create them.

Design, shaped by every open issue:
- personal values are never stored in clear: identifiers and payloads are AES-GCM ciphertext under a
  per-subject data key (``subject_keys``); erasing a subject deletes its key (crypto-shredding, issue 8).
- lookups go through keyed hashes (HMAC) in ``identifiers.lookup`` and ``records.seal_ref``, indexed.
- ``records.retention_until`` is computed per record; the sweep walks ``(retention_until, id)`` by keyset.
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
    text,
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
    _ts("informed_at"),  # alarm contact: the customer confirmed the contact was told (SN2d)
    _ts("notice_sent_at"),  # the privacy notice was sent to this subject (SN2d, TP16)
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
    Index("ix_records_retention", "retention_until", "id"),  # the sweep's keyset walk (issue 13)
    # partial: nearly all seal_refs are NULL, and analysed SQLite abandons a full index on them (issue 13)
    Index("ix_records_seal_ref", "seal_ref", sqlite_where=text("seal_ref IS NOT NULL"),
          postgresql_where=text("seal_ref IS NOT NULL")),
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
    Column("withdrawn_by", String(64)),  # who withdrew it: the subject, an agent (issue 6)
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
    # partial: most holds are on a whole subject (record_id NULL); analysed SQLite otherwise judges the full index
    # useless and scans every hold for every due record in the sweep (issue 13)
    Index("ix_holds_record", "record_id", "lifted_at", sqlite_where=text("record_id IS NOT NULL"),
          postgresql_where=text("record_id IS NOT NULL")),
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
    Column("topic", String(64)),  # what the message is about: rectification, erasure, verification_code, ...
    Column("destination", String(255), nullable=False),  # URL, masked e-mail, archive name (never clear PII)
    Column("recipient", String(64)),  # the policy's recipient key (Art. 19 notices)
    Column("subject_ref", String(36)),
    Column("request_id", Id),  # the data-subject request that caused it, if any (no FK: requests may be swept)
    _ts("acknowledged_at"),  # the recipient confirmed (webhook ack endpoint or `personvern outbox ack`)
    Column("body", LargeBinary, nullable=False),  # AES-GCM under the outbox key: may carry personal data
    Column("idempotency_key", String(64), nullable=False, unique=True),
    Column("status", String(16), nullable=False, default="pending"),  # pending, delivered, dead
    Column("attempts", Integer, nullable=False, default=0),
    _ts("next_attempt_at", nullable=False),
    _ts("created_at", nullable=False),
    _ts("delivered_at"),
    Column("last_error", Text),
    Index("ix_outbox_due", "status", "next_attempt_at"),
    Index("ix_outbox_subject", "subject_ref"),
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
    # what the erasure did, to redo exactly that after a restore: record ids deleted, sealed and kept, whether
    # the subject went, the purposes it was limited to (NULL for rows written before issue 12: the whole subject)
    Column("records", JSON),
)

# -- data-subject requests (issue 5) ---------------------------------------------------------------------

requests = Table(
    "requests", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("ref", String(36), nullable=False, unique=True),  # public id shown to the subject
    Column("kind", String(16), nullable=False),  # access, rectification, erasure, restriction, objection, portability
    Column("subject_id", Id, ForeignKey("subjects.id", ondelete="SET NULL")),  # NULL after erasure
    Column("subject_ref", String(36)),  # kept after erasure: the request is proof it was handled
    Column("status", String(16), nullable=False),  # received, verified, in_progress, completed, refused
    Column("channel", String(16), nullable=False),  # portal, email, letter, phone, api
    _ts("received_at", nullable=False),
    Column("due_on", Date, nullable=False),  # Art. 12(3): one month, Regulation 1182/71 counting
    Column("extended_to", Date),  # up to three months from receipt, Art. 12(3)
    Column("extension_reason", Text),
    _ts("extension_notified_at"),
    _ts("identity_requested_at"),
    _ts("identity_received_at"),
    _ts("verified_at"),
    Column("verified_by", String(64)),
    Column("verification_method", String(32)),  # email_code, email_link, id_document, portal_session
    Column("handled_by", String(64)),
    Column("refusal_reason", Text),
    Column("linked_to", Id, ForeignKey("requests.id", ondelete="SET NULL")),  # a repeat of an open request
    _ts("completed_at"),
    Column("details", JSON),  # scope and outcome, ids and keys only (purposes, record ids, grounds)
    Column("retention_until", Date),  # the policy's retention for request handling; the sweep applies it
    Index("ix_requests_status_due", "status", "due_on"),
    Index("ix_requests_subject", "subject_id"),
    Index("ix_requests_retention", "retention_until"),
    Index("ix_requests_linked_to", "linked_to"),
)

request_artifacts = Table(
    "request_artifacts", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("request_id", Id, ForeignKey("requests.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(128), nullable=False),  # registerkopi.pdf, erasure-result.json, id-document
    Column("media_type", String(64), nullable=False),
    Column("body", LargeBinary, nullable=False),  # AES-GCM under the keyring's 'requests' key
    _ts("created_at", nullable=False),
    Index("ix_request_artifacts_request", "request_id"),
)

# One-time codes and magic links: identity verification for requests (issue 5) and portal login (issue 7).
verifications = Table(
    "verifications", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("purpose", String(16), nullable=False),  # request, portal_login
    Column("token_hash", String(64), nullable=False, unique=True),  # SHA-256 of the code or link token
    Column("subject_id", Id, ForeignKey("subjects.id", ondelete="CASCADE")),
    Column("request_id", Id, ForeignKey("requests.id", ondelete="CASCADE")),
    Column("lookup", LargeBinary),  # HMAC of the address it was sent to: rate limiting without clear data
    Column("sent_to", String(64)),  # masked
    _ts("created_at", nullable=False),
    _ts("expires_at", nullable=False),
    _ts("used_at"),
    Column("attempts", Integer, nullable=False, default=0),
    Index("ix_verifications_lookup", "lookup", "created_at"),
    Index("ix_verifications_subject", "subject_id"),
    Index("ix_verifications_request", "request_id"),
)

# Scheduled jobs of the worker: the last completed run, so a restart neither skips nor repeats a day.
job_runs = Table(
    "job_runs", metadata,
    Column("name", String(64), primary_key=True),
    Column("last_run_on", Date),
    _ts("last_run_at"),
    Column("result", JSON),
)

# -- consent and contact (issue 6) ---------------------------------------------------------------------

consent_texts = Table(
    "consent_texts", metadata,
    Column("hash", String(64), primary_key=True),  # SHA-256 of the exact text shown
    Column("text", Text, nullable=False),
    Column("lang", String(8)),
    _ts("created_at", nullable=False),
)

# Marketing opt-outs and the business's own reservation list (sperreliste): keyed hashes only, not tied to a
# subject row, so they survive erasure and block a new subject with the same address.
suppressions = Table(
    "suppressions", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("kind", String(16), nullable=False),  # email, phone, address
    Column("lookup", LargeBinary, nullable=False),  # HMAC of the normalised value (the register's lookup key)
    Column("purpose", String(64)),  # NULL: every marketing purpose
    Column("channel", String(16)),  # NULL: every channel
    Column("reason", String(32), nullable=False),  # objection, opt_out, sperreliste
    _ts("created_at", nullable=False),
    # the subject it came from while that subject exists (also one without any address); NULL after erasure
    Column("subject_id", Id, ForeignKey("subjects.id", ondelete="SET NULL")),
    Index("ix_suppressions_lookup", "kind", "lookup"),
    Index("ix_suppressions_subject", "subject_id"),
)

# Reservasjonsregisteret (Brønnøysund), as washed from a bought file: keyed hashes, never clear text.
reservations = Table(
    "reservations", metadata,
    Column("kind", String(16), primary_key=True),  # phone, address
    Column("lookup", LargeBinary, primary_key=True),
    Column("channels", String(32), nullable=False),  # phone, post, or phone,post
    Column("wash_id", Id, nullable=False),
)

reservation_washes = Table(
    "reservation_washes", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    _ts("washed_at", nullable=False),
    Column("file_sha256", String(64), nullable=False),
    Column("entries", Integer, nullable=False),
    Column("actor", String(64), nullable=False),
)

cases = Table(
    "cases", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("ref", String(36), nullable=False, unique=True),
    Column("subject_id", Id, ForeignKey("subjects.id", ondelete="CASCADE"), nullable=False),
    Column("record_id", Id, ForeignKey("records.id", ondelete="SET NULL")),  # its record: retention follows
    Column("purpose", String(64), nullable=False),
    Column("kind", String(32), nullable=False),  # service, complaint, warranty
    _ts("opened_at", nullable=False),
    _ts("closed_at"),
    Column("opened_by", String(64), nullable=False),
    Index("ix_cases_subject", "subject_id"),
    Index("ix_cases_record", "record_id"),
)

# That a call or e-mail happened (SN4: not a recording); an e-mail's text is a record under its purpose.
contact_log = Table(
    "contact_log", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("subject_id", Id, ForeignKey("subjects.id", ondelete="CASCADE"), nullable=False),
    Column("record_id", Id, ForeignKey("records.id", ondelete="CASCADE")),
    Column("case_id", Id, ForeignKey("cases.id", ondelete="SET NULL")),
    Column("channel", String(16), nullable=False),  # phone, email, sms, post, chat
    Column("direction", String(8), nullable=False),  # in, out
    Column("purpose", String(64), nullable=False),
    _ts("at", nullable=False),
    Column("actor", String(64), nullable=False),
    Index("ix_contact_log_subject", "subject_id", "at"),
    Index("ix_contact_log_record", "record_id"),
    Index("ix_contact_log_case", "case_id"),
)

# The active policy's versions, so a material change can be announced to the subjects it touches (TP16).
policy_versions = Table(
    "policy_versions", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("version", String(32), nullable=False),
    Column("sha256", String(64), nullable=False, unique=True),
    Column("body", Text, nullable=False),
    _ts("activated_at", nullable=False),
    Column("material", JSON),  # the diff's material flags against the previous version
)

policy_notices = Table(
    "policy_notices", metadata,
    Column("subject_id", Id, ForeignKey("subjects.id", ondelete="CASCADE"), primary_key=True),
    Column("policy_version_id", Id, ForeignKey("policy_versions.id", ondelete="CASCADE"), primary_key=True),
    Column("outbox_id", Id),
    _ts("sent_at", nullable=False),
    Index("ix_policy_notices_version", "policy_version_id"),
)

# -- people of the web interfaces (issue 7) ---------------------------------------------------------------

staff_users = Table(
    "staff_users", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("password_hash", String(255), nullable=False),  # argon2id
    Column("role", String(16), nullable=False),  # agent, privacy_officer, admin
    Column("display_name", String(128)),
    _ts("created_at", nullable=False),
    _ts("disabled_at"),
)

api_tokens = Table(
    "api_tokens", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("name", String(64), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),  # SHA-256; the token is shown once
    Column("role", String(16), nullable=False),
    _ts("created_at", nullable=False),
    _ts("last_used_at"),
    _ts("revoked_at"),
    Column("created_by", String(64), nullable=False),
)

web_sessions = Table(
    "web_sessions", metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("kind", String(8), nullable=False),  # staff, portal
    Column("user_id", Id, ForeignKey("staff_users.id", ondelete="CASCADE")),
    Column("subject_id", Id, ForeignKey("subjects.id", ondelete="CASCADE")),
    Column("csrf", String(64), nullable=False),
    _ts("created_at", nullable=False),
    _ts("expires_at", nullable=False),
    Index("ix_web_sessions_user", "user_id"),
    Index("ix_web_sessions_subject", "subject_id"),
)

meta = Table(
    "personvern_meta", metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)


# The audit trail's tables are defined by the audit package (one owner per table). Importing it here makes them
# join this MetaData whichever module is imported first; ``schema.audit_log`` still reads as before.
import personvern.audit.tables as _audit_tables  # noqa: E402


def __getattr__(name: str) -> Table:
    if name in _audit_tables.__all__:
        table: Table = getattr(_audit_tables, name)
        return table
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
