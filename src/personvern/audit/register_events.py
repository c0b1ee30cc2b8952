"""Audit events the register's own paths write, beside the built-ins of :mod:`personvern.audit.events` (issue 8).

Every read and write of personal data in the register appends an entry in the same transaction
(Art. 5(2), Art. 30; TP12: who reached which data, and why). These are the actions the built-in events do
not name. As every event, they carry ids, codes and counts only: the identifier *kinds* that were added or
shown, never their values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar

from personvern.audit._registry import Access, AuditEvent, register_event

__all__ = ["BreachAssessed", "ErasureReplayed", "IdentifiersAdded", "IdentifiersShown", "RecordsImported",
           "SubjectRemoved"]


@register_event
@dataclass(frozen=True, kw_only=True)
class IdentifiersAdded(AuditEvent):
    """Identifiers were added to an existing subject; ``kinds`` counts them per kind (email: 1)."""

    name: ClassVar[str] = "identifiers.added"
    kinds: Mapping[str, int] = field(default_factory=dict)


@register_event
@dataclass(frozen=True, kw_only=True)
class IdentifiersShown(AuditEvent):
    """A subject's identifiers were decrypted and shown unmasked (e.g. the national id, TP14)."""

    name: ClassVar[str] = "identifiers.shown"
    access: ClassVar[Access] = "read"
    kinds: Mapping[str, int] = field(default_factory=dict)


@register_event
@dataclass(frozen=True, kw_only=True)
class SubjectRemoved(AuditEvent):
    """A subject with nothing left was removed: its key shredded, the erasure ledger written."""

    name: ClassVar[str] = "subject.removed"
    reason: str
    ledger_id: int | None = None


@register_event
@dataclass(frozen=True, kw_only=True)
class RecordsImported(AuditEvent):
    """One batch of an import was written: subjects, records, events and consents counted."""

    name: ClassVar[str] = "import.batch"
    counts: Mapping[str, int] = field(default_factory=dict)


@register_event
@dataclass(frozen=True, kw_only=True)
class ErasureReplayed(AuditEvent):
    """Erasures from the ledger were applied again after a backup was restored (``erasures replay``)."""

    name: ClassVar[str] = "erasure.replayed"
    access: ClassVar[Access] = "system"
    counts: Mapping[str, int] = field(default_factory=dict)


@register_event
@dataclass(frozen=True, kw_only=True)
class BreachAssessed(AuditEvent):
    """A breach report was produced for a window (Art. 33-34): how many subjects and records it found."""

    name: ClassVar[str] = "breach.assessed"
    access: ClassVar[Access] = "system"
    subjects: int
    records: int
