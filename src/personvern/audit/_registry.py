"""The registry of audit events and their base class. Import them from ``personvern.audit.events``."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields, is_dataclass
from datetime import date
from typing import ClassVar, Literal, TypeVar

Access = Literal["read", "write", "system"]
JSONValue = int | str | bool | None | list[int] | dict[str, int]

E = TypeVar("E", bound="type[AuditEvent]")

EVENTS: dict[str, type[AuditEvent]] = {}
"""Every registered event class by its stable name."""

_NAME = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
_COMMON = frozenset({"subject_ref", "purpose", "record_ids"})
# Field names that would invite a personal value into the trail; an event carries ids instead.
_FORBIDDEN = frozenset(
    {"name", "email", "e_mail", "phone", "mobile", "national_id", "fodselsnummer", "address",
     "birth_date", "text", "comment", "note", "message", "reason_text", "value", "payload"}
)


@dataclass(frozen=True, kw_only=True)
class AuditEvent:
    """Base of every auditable action. Subclasses set ``name`` and ``access`` and add id/count fields."""

    name: ClassVar[str] = ""
    access: ClassVar[Access] = "write"  # "read" events answer "who looked at my data"

    subject_ref: str | None = None
    purpose: str | None = None
    record_ids: tuple[int, ...] = ()

    def details(self) -> dict[str, JSONValue]:
        """The event's own fields (all but the common three) as JSON values; dates become ISO strings."""
        out: dict[str, JSONValue] = {}
        for f in fields(self):
            if f.name in _COMMON:
                continue
            value = getattr(self, f.name)
            if isinstance(value, date):
                value = value.isoformat()
            elif isinstance(value, tuple):
                value = list(value)
            elif isinstance(value, Mapping):
                value = dict(value)
            out[f.name] = value
        return out


def register_event(cls: E) -> E:
    """Register an event class under its ``name``; refuses duplicates, bad names and personal fields."""
    name = cls.__dict__.get("name", "")
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError(f"{cls.__qualname__}: name must be dotted lowercase as 'record.read', not {name!r}")
    if name in EVENTS and EVENTS[name] is not cls:
        raise ValueError(f"{cls.__qualname__}: event name {name!r} is taken by {EVENTS[name].__qualname__}")
    if not is_dataclass(cls) or not cls.__dataclass_params__.frozen:  # type: ignore[attr-defined]
        raise ValueError(f"{cls.__qualname__}: an audit event must be a frozen dataclass")
    doc = cls.__dict__.get("__doc__") or ""
    if not doc or doc.startswith(f"{cls.__name__}("):  # @dataclass writes the signature when there is none
        raise ValueError(f"{cls.__qualname__}: an audit event needs a docstring")
    bad = sorted(f.name for f in fields(cls) if f.name in _FORBIDDEN)
    if bad:
        raise ValueError(f"{cls.__qualname__}: fields {bad} would carry personal data; record ids instead")
    EVENTS[name] = cls
    return cls


def read_actions() -> list[str]:
    """Names of the registered events that disclose personal data to someone (``access == "read"``)."""
    return sorted(n for n, cls in EVENTS.items() if cls.access == "read")
