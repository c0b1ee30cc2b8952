"""Policy as code: the declaration, its validation and its retention rules."""

from personvern.policy.loader import LoadedPolicy, load_policy
from personvern.policy.model import LegalBasis, Policy, Purpose, Recipient
from personvern.policy.retention import Facts, Period, Retention, retention_end
from personvern.policy.statutes import STATUTES

__all__ = [
    "STATUTES",
    "Facts",
    "LegalBasis",
    "LoadedPolicy",
    "Period",
    "Policy",
    "Purpose",
    "Recipient",
    "Retention",
    "load_policy",
    "retention_end",
]
