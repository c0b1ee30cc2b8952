"""Auditable actions: one small frozen dataclass per action, each with a stable ``name`` and a docstring.

An event says *what* happened to *which* ids — never the personal values themselves. The fields every
event shares are ``subject_ref`` (the subject's public uuid), ``purpose`` (a purpose key of the policy)
and ``record_ids``; everything else an event declares becomes the entry's ``details`` and must be an id,
a count, a code or a date. ``personvern.audit.chain`` checks every value before it is written.

The built-in events register themselves with :func:`register_event`, the same way an add-on would::

    @register_event
    @dataclass(frozen=True, kw_only=True)
    class InvoiceSent(AuditEvent):
        \"\"\"An invoice was sent to the subject.\"\"\"

        name: ClassVar[str] = "acme.invoice_sent"
        access: ClassVar[Access] = "read"
        invoice_id: int

A name, once released, is never changed or reused: the names are stored in the audit trail.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import ClassVar

from personvern.audit._registry import EVENTS, Access, AuditEvent, JSONValue, read_actions, register_event

__all__ = [
    "EVENTS",
    "Access",
    "AuditEvent",
    "AuditPruned",
    "ConsentGiven",
    "ConsentWithdrawn",
    "DisclosureRecorded",
    "ErasureCompleted",
    "EventRecorded",
    "ExportCreated",
    "HoldLifted",
    "HoldPlaced",
    "JSONValue",
    "RecordDeleted",
    "RecordRead",
    "RecordWritten",
    "RequestStep",
    "RestrictionLifted",
    "RestrictionPlaced",
    "SubjectCreated",
    "SubjectLookedUp",
    "SubjectViewed",
    "SweepCompleted",
    "read_actions",
    "register_event",
]


@register_event
@dataclass(frozen=True, kw_only=True)
class SubjectCreated(AuditEvent):
    """A data subject was added to the register."""

    name: ClassVar[str] = "subject.created"
    kind: str


@register_event
@dataclass(frozen=True, kw_only=True)
class SubjectLookedUp(AuditEvent):
    """Someone searched the register by an identifier; ``by`` is its kind, never the value searched."""

    name: ClassVar[str] = "subject.looked_up"
    access: ClassVar[Access] = "read"
    by: str
    found: int = 1


@register_event
@dataclass(frozen=True, kw_only=True)
class SubjectViewed(AuditEvent):
    """Someone opened a subject's page (its masked identifiers and record list)."""

    name: ClassVar[str] = "subject.viewed"
    access: ClassVar[Access] = "read"


@register_event
@dataclass(frozen=True, kw_only=True)
class RecordWritten(AuditEvent):
    """Records were created or changed; ``change`` is created, updated, sealed or reduced."""

    name: ClassVar[str] = "record.written"
    change: str = "created"


@register_event
@dataclass(frozen=True, kw_only=True)
class RecordRead(AuditEvent):
    """Record payloads were decrypted and shown or handed to a caller."""

    name: ClassVar[str] = "record.read"
    access: ClassVar[Access] = "read"


@register_event
@dataclass(frozen=True, kw_only=True)
class RecordDeleted(AuditEvent):
    """Records were deleted; ``rule`` names the retention rule or right that required it."""

    name: ClassVar[str] = "record.deleted"
    rule: str | None = None


@register_event
@dataclass(frozen=True, kw_only=True)
class EventRecorded(AuditEvent):
    """A retention-relevant event (contract ended, warranty expired ...) was recorded."""

    name: ClassVar[str] = "event.recorded"
    event: str
    event_id: int | None = None


@register_event
@dataclass(frozen=True, kw_only=True)
class SweepCompleted(AuditEvent):
    """A retention sweep finished; ``counts`` is records per outcome (deleted, sealed, reduced, held)."""

    name: ClassVar[str] = "sweep.completed"
    access: ClassVar[Access] = "system"
    run_id: int
    as_of: date
    counts: Mapping[str, int] = field(default_factory=dict)


@register_event
@dataclass(frozen=True, kw_only=True)
class ErasureCompleted(AuditEvent):
    """A subject was erased (key shredded, records deleted); ``reason`` is a code such as art17."""

    name: ClassVar[str] = "erasure.completed"
    reason: str
    erasure_id: int | None = None


@register_event
@dataclass(frozen=True, kw_only=True)
class HoldPlaced(AuditEvent):
    """A hold (legal claim, pending access request) now stops the sweep for a subject or records."""

    name: ClassVar[str] = "hold.placed"
    hold_id: int
    kind: str


@register_event
@dataclass(frozen=True, kw_only=True)
class HoldLifted(AuditEvent):
    """A hold was lifted; the sweep may act on the records again."""

    name: ClassVar[str] = "hold.lifted"
    hold_id: int


@register_event
@dataclass(frozen=True, kw_only=True)
class RestrictionPlaced(AuditEvent):
    """Processing was restricted (Art. 18); ``ground`` is accuracy, unlawful, legal_claims ... ."""

    name: ClassVar[str] = "restriction.placed"
    restriction_id: int
    ground: str


@register_event
@dataclass(frozen=True, kw_only=True)
class RestrictionLifted(AuditEvent):
    """A restriction of processing was lifted."""

    name: ClassVar[str] = "restriction.lifted"
    restriction_id: int
    subject_told: int | None = None  # the outbox id of the Art. 18(3) notice sent before the lift


@register_event
@dataclass(frozen=True, kw_only=True)
class ConsentGiven(AuditEvent):
    """A subject gave consent to a purpose; ``channel`` and ``method`` are codes."""

    name: ClassVar[str] = "consent.given"
    consent_id: int
    channel: str | None = None
    method: str | None = None


@register_event
@dataclass(frozen=True, kw_only=True)
class ConsentWithdrawn(AuditEvent):
    """A subject withdrew a consent."""

    name: ClassVar[str] = "consent.withdrawn"
    consent_id: int


@register_event
@dataclass(frozen=True, kw_only=True)
class ExportCreated(AuditEvent):
    """A copy of a subject's data was produced (access copy, portability file)."""

    name: ClassVar[str] = "export.created"
    access: ClassVar[Access] = "read"
    kind: str = "access"
    fmt: str = "json"


@register_event
@dataclass(frozen=True, kw_only=True)
class DisclosureRecorded(AuditEvent):
    """Records were disclosed to a recipient declared in the policy (``recipient`` is its key)."""

    name: ClassVar[str] = "disclosure.recorded"
    access: ClassVar[Access] = "read"
    recipient: str
    disclosure_id: int | None = None


@register_event
@dataclass(frozen=True, kw_only=True)
class RequestStep(AuditEvent):
    """A data subject request moved a step (received, verified, extended, answered, refused)."""

    name: ClassVar[str] = "request.step"
    request_id: int
    right: str
    step: str


@register_event
@dataclass(frozen=True, kw_only=True)
class AuditPruned(AuditEvent):
    """Audit entries older than ``before`` were deleted under the audit trail's own retention."""

    name: ClassVar[str] = "audit.pruned"
    access: ClassVar[Access] = "system"
    before: date
    pruned: int
    anchor_seq: int
