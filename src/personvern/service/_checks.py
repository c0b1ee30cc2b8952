"""Input checks the service modules share: a clear RegisterError with its field, never a traceback."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from personvern.errors import RegisterError, UnknownPurpose
from personvern.policy import taxonomy
from personvern.policy.model import Policy, Purpose

if TYPE_CHECKING:
    from personvern.register.store import Register


def require_purpose(reg: Register, purpose: str) -> Purpose:
    """The policy's purpose, or UnknownPurpose listing the known ones."""
    p = reg.policy.purpose(purpose)
    if p is None:
        known = ", ".join(x.key for x in reg.policy.purposes)
        raise UnknownPurpose(f"'{purpose}' is not a purpose of this policy; known: {known}", field="purpose")
    return p


def check_choice(value: str, allowed: Sequence[str], field_name: str) -> str:
    if value not in allowed:
        raise RegisterError(f"must be one of {', '.join(allowed)}", field=field_name)
    return value


def text_category(policy: Policy, p: Purpose) -> str:
    """The purpose's category for written correspondence (custom.correspondence, custom.support_case ...):
    the first it collects under ``user.content``, following custom categories' declared parents. A purpose
    without one may not store a message's text."""
    known = taxonomy.categories(policy)
    for cat in p.categories:
        key: str | None = cat
        for _ in range(16):  # a parent chain is short; the bound guards against a cycle
            if key is None:
                break
            if taxonomy.covers(key, ["user.content"]):
                return cat
            label = known.get(key)
            key = label.parent if label is not None else None
    raise RegisterError(f"purpose '{p.key}' collects no correspondence (no category under user.content), "
                        "so a message's text cannot be stored under it", field="purpose")
