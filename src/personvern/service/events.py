"""Audit events of customer service (issue 6): ids and codes only, never the values looked up or written."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from personvern.audit.events import Access, AuditEvent, register_event

__all__ = ["AlarmContactAdded", "CaseClosed", "CaseOpened", "ContactLogged", "NoticeSent", "PolicyActivated"]


@register_event
@dataclass(frozen=True, kw_only=True)
class ContactLogged(AuditEvent):
    """A call, e-mail or message was logged on a subject's profile (TZ9-TZ11, SN4); ``channel`` is a code."""

    name: ClassVar[str] = "contact.logged"
    contact_id: int
    channel: str
    direction: str


@register_event
@dataclass(frozen=True, kw_only=True)
class CaseOpened(AuditEvent):
    """A customer-service case was opened (TZ8, TP3); ``kind`` is service, complaint or warranty."""

    name: ClassVar[str] = "case.opened"
    case_id: int
    kind: str
    profile_created: bool = False


@register_event
@dataclass(frozen=True, kw_only=True)
class CaseClosed(AuditEvent):
    """A customer-service case was closed; its records' retention now counts from ``closed_on`` (TP3)."""

    name: ClassVar[str] = "case.closed"
    case_id: int
    closed_on: str


@register_event
@dataclass(frozen=True, kw_only=True)
class AlarmContactAdded(AuditEvent):
    """A customer named an alarm contact and confirmed the contact was informed (SN2d); ids only."""

    name: ClassVar[str] = "alarm_contact.added"
    customer_ref: str


@register_event
@dataclass(frozen=True, kw_only=True)
class NoticeSent(AuditEvent):
    """A privacy notice (Art. 13/14) or a policy-change notice (TP16) was queued in the outbox for a subject."""

    name: ClassVar[str] = "notice.sent"
    access: ClassVar[Access] = "system"
    topic: str
    outbox_id: int | None = None


@register_event
@dataclass(frozen=True, kw_only=True)
class PolicyActivated(AuditEvent):
    """A policy version became the active one (TP16); ``material`` counts its material changes."""

    name: ClassVar[str] = "policy.activated"
    policy_version_id: int
    version: str
    material: int
    notified: int
