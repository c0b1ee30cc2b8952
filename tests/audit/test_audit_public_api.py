"""The audit package's public surface changes only on purpose."""

from __future__ import annotations

import subprocess
import sys

import personvern.audit


def test_public_names_are_sorted_and_unchanged() -> None:
    names = personvern.audit.__all__
    assert names == sorted(names, key=lambda n: (not n.isupper(), not n[0].isupper(), n))
    assert set(names) == {
        "EVENTS", "Access", "AuditEntry", "AuditEvent", "AuditPruned", "BreakKind", "ChainPoint",
        "ConsentGiven", "ConsentWithdrawn", "DisclosureRecorded", "ErasureCompleted", "EventRecorded",
        "ExportCreated", "ExportFormat", "HoldLifted", "HoldPlaced", "RecordDeleted", "RecordRead",
        "RecordWritten", "RequestStep", "RestrictionLifted", "RestrictionPlaced", "SubjectCreated",
        "SubjectLookedUp", "SubjectViewed", "SweepCompleted", "VerifyResult", "accesses", "append",
        "append_many", "check_no_personal_data", "entries", "export", "head", "iter_entries", "prune",
        "read_actions", "register_event", "verify", "Unsealed", "log_reads", "seal", "seal_all", "unsealed",
    }


def test_the_audit_package_imports_first_without_a_cycle() -> None:
    """The register will call the audit trail; importing ``personvern.audit`` alone must still work."""
    done = subprocess.run([sys.executable, "-c", "import personvern.audit"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
