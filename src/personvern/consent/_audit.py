"""Audit events of the consent area (issue 6). Ids, codes and counts only — never an address or a phone."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from personvern.audit.events import AuditEvent, register_event


@register_event
@dataclass(frozen=True, kw_only=True)
class MarketingObjected(AuditEvent):
    """The subject objected to direct marketing (Art. 21(2)-(3), TP13e, KL7): every marketing consent was
    withdrawn and the subject's addresses were suppressed. ``consents`` and ``suppressed`` are counts."""

    name: ClassVar[str] = "marketing.objected"
    consents: int = 0
    suppressed: int = 0


@register_event
@dataclass(frozen=True, kw_only=True)
class SuppressionAdded(AuditEvent):
    """Keyed hashes were added to the suppression list; ``reason`` is objection, opt_out or sperreliste."""

    name: ClassVar[str] = "suppression.added"
    reason: str
    kinds: tuple[str, ...] = ()
    channel: str | None = None
    entries: int = 0


@register_event
@dataclass(frozen=True, kw_only=True)
class ReservationsWashed(AuditEvent):
    """A Reservasjonsregisteret file was loaded, replacing the previous wash (forskrift 2009-06-05-598); the
    file's SHA-256 is on the wash row (a hex digest would trip the audit trail's digit-run guard)."""

    name: ClassVar[str] = "reservations.washed"
    wash_id: int
    entries: int


@register_event
@dataclass(frozen=True, kw_only=True)
class CampaignFiltered(AuditEvent):
    """A campaign list was filtered; ``counts`` holds how many subjects got each decision code."""

    name: ClassVar[str] = "campaign.filtered"
    channel: str
    allowed: int = 0
    counts: dict[str, int] = field(default_factory=dict)
