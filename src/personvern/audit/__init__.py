"""The audit trail: who did what to whose data, append-only and hash-chained (issue 8).

Write with :func:`append` / :func:`append_many` inside the transaction of the change being recorded, and
reads with :func:`log_reads` (a lock-free journal that :func:`seal` chains within seconds; see ``sealer``);
check with :func:`verify`; read with :func:`entries`, :func:`accesses` and :func:`export`; keep it no
longer than needed with :func:`prune`. Entries carry ids, codes and counts — never personal values.
"""

from personvern.audit._canonical import ChainPoint
from personvern.audit._verify import BreakKind
from personvern.audit.chain import VerifyResult, append, append_many, check_no_personal_data, head, verify
from personvern.audit.events import (
    EVENTS,
    Access,
    AuditEvent,
    AuditPruned,
    ConsentGiven,
    ConsentWithdrawn,
    DisclosureRecorded,
    ErasureCompleted,
    EventRecorded,
    ExportCreated,
    HoldLifted,
    HoldPlaced,
    RecordDeleted,
    RecordRead,
    RecordWritten,
    RequestStep,
    RestrictionLifted,
    RestrictionPlaced,
    SubjectCreated,
    SubjectLookedUp,
    SubjectViewed,
    SweepCompleted,
    read_actions,
    register_event,
)
from personvern.audit.query import AuditEntry, ExportFormat, accesses, entries, export, iter_entries
from personvern.audit.retention import prune
from personvern.audit.sealer import Unsealed, log_reads, seal, seal_all, unsealed

__all__ = [
    "EVENTS",
    "Access",
    "AuditEntry",
    "AuditEvent",
    "AuditPruned",
    "BreakKind",
    "ChainPoint",
    "ConsentGiven",
    "ConsentWithdrawn",
    "DisclosureRecorded",
    "ErasureCompleted",
    "EventRecorded",
    "ExportCreated",
    "ExportFormat",
    "HoldLifted",
    "HoldPlaced",
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
    "Unsealed",
    "VerifyResult",
    "accesses",
    "append",
    "append_many",
    "check_no_personal_data",
    "entries",
    "export",
    "head",
    "iter_entries",
    "log_reads",
    "prune",
    "read_actions",
    "register_event",
    "seal",
    "seal_all",
    "unsealed",
    "verify",
]
