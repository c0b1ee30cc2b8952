"""The enforcing register: subjects, records, events, retention sweep, holds, restriction, erasure.

The names are loaded lazily so that ``personvern.audit`` (which the register writes to) can import
``personvern.register.schema`` without pulling in the whole register first.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from personvern.register.crypto import MasterKey
    from personvern.register.erasure import ErasureResult, Kept
    from personvern.register.identifiers import Identifier, normalise
    from personvern.register.records import RecordView
    from personvern.register.store import Register
    from personvern.register.sweep import SweepReport

_HOMES = {
    "ErasureResult": "erasure", "Kept": "erasure", "Identifier": "identifiers", "normalise": "identifiers",
    "MasterKey": "crypto", "RecordView": "records", "Register": "store", "SweepReport": "sweep",
}

__all__ = [
    "ErasureResult",
    "Identifier",
    "Kept",
    "MasterKey",
    "RecordView",
    "Register",
    "SweepReport",
    "normalise",
]


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(importlib.import_module(f"personvern.register.{_HOMES[name]}"), name)
    raise AttributeError(f"module 'personvern.register' has no attribute {name!r}")
