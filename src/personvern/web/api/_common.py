"""What every API router shares: the role-checked register dependency and small conversions.

``acting(*roles)`` is the one way a route gets the register: it checks the caller's role (through
:func:`personvern.web.auth.require`) and returns ``reg.acting(actor, role)``, so every audit entry names the
person behind the request (Art. 5(2)). The dependency keeps ``.roles``; the route × role matrix test reads it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from typing import Any

from fastapi import Depends, Request

from personvern.register import Register
from personvern.web.auth import Principal, acting_register, require

STAFF = ("agent", "privacy_officer")  # admin passes every staff check (auth._allowed)
OFFICER = ("privacy_officer",)
ADMIN = ("admin",)


def acting(*roles: str) -> Callable[..., Awaitable[Register]]:
    """Dependency: the register acting as the caller, who must hold one of ``roles`` (admin always may)."""
    check = require(*roles)

    async def dependency(request: Request, who: Principal = Depends(check)) -> Register:
        return acting_register(request, who)

    dependency.roles = roles  # type: ignore[attr-defined]
    return dependency


def plain(value: Any) -> Any:
    """Dataclasses, counters, tuples, dates → JSON-ready values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return None  # never ship ciphertext or keys
    return value
