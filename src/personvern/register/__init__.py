"""The enforcing register: subjects, records, events, retention sweep, holds, restriction, erasure."""

from personvern.register.crypto import MasterKey
from personvern.register.erasure import ErasureResult, Kept
from personvern.register.identifiers import Identifier, normalise
from personvern.register.records import RecordView
from personvern.register.store import Register
from personvern.register.sweep import SweepReport

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
