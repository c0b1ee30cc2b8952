"""Replaying the erasure ledger after a backup is restored (Art. 17, Art. 5(1)(f); issue 8, issue 12).

    replay_erasures(reg, since=date(2026, 3, 1), entries=read_ledger("erasures.jsonl"))

Each ledger entry is redone exactly: the subject found by its ref gets the same records deleted, sealed and
kept (the ids the entry names: nothing else of it, and no other subject), its suppression entries written
again when the erasure had made them, the subject removed when the erasure had removed it, and the original
ledger row written back — the restored database ends as it was before the restore. Holds win here too: a
record a hold covers in the restored database stays. Recipients are not told again (they were, the first
time). A subject imported again under a new ref is matched only when its identifiers are exactly the erased
subject's (``register.ledger.find``), and erased whole. The replay is audited (``erasure.replayed``, and each
erasure as ``erasure.completed`` with the reason ``erasure_replay``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import Connection, insert, select

from personvern.audit.register_events import ErasureReplayed
from personvern.consent import suppress_subject, withdraw_as_before
from personvern.register import schema as t
from personvern.register.erasure import erase_records
from personvern.register.ledger import REPLAY_REASON, LedgerEntry, ReplayReport, choose, find

if TYPE_CHECKING:
    from personvern.register.store import Register

__all__ = ["replay_erasures"]


def replay_erasures(reg: Register, *, since: date | None = None, entries: Iterable[LedgerEntry] | None = None,
                    dry_run: bool = False) -> ReplayReport:
    """Redo every erasure of the ledger made on or after ``since``; ``entries`` default to this database's own
    ``erasures`` table. Idempotent: a subject already gone is counted, not an error."""
    chosen = choose(reg, since, entries)
    report = ReplayReport(entries=len(chosen))
    by_ref, by_lookup = find(reg, chosen)
    for entry in chosen:
        if entry.subject_ref not in by_ref and not (by_lookup.get(entry.subject_ref) or set()):
            report.already_gone += 1
    others = {ref: entry for entry in chosen for ref in sorted(by_lookup.get(entry.subject_ref, set()) - by_ref)}
    targets = [e for e in chosen if e.subject_ref in by_ref]
    report.by_ref = len({e.subject_ref for e in targets})
    report.by_identifier = len(others)
    if dry_run:
        report.erased = sorted({e.subject_ref for e in targets}) + sorted(others)
        return report
    with reg.transaction() as c, reg.audit_batch(c):
        for entry in targets:
            _redo(reg, c, entry)
            if entry.subject_ref not in report.erased:
                report.erased.append(entry.subject_ref)
        for ref in sorted(others):
            _redo_for(reg, c, others[ref], ref)
            report.erased.append(ref)
        reg.audit(c, ErasureReplayed(counts={k: v for k, v in report.as_dict().items() if isinstance(v, int)}))
    return report


def _around(reg: Register, c: Connection, entry: LedgerEntry, ref: str, sid: int, same: bool) -> bool:
    """What the erasure did around its records, again: the suppression entries (with the objection's purpose)
    and the consents it withdrew. Returns whether the entry erased anything at all."""
    records = entry.records or {}
    reason = records.get("suppression")
    if entry.records is None or reason or not same:
        suppress_subject(reg, c, ref, reason=str(reason or "opt_out"), purpose=records.get("suppression_purpose"),
                         subject_id=sid)
    if records.get("consents"):
        withdraw_as_before(reg, c, sid, ref, records["consents"], same_rows=same)
    return entry.records is None or bool(entry.record_ids) or bool(records.get("subject_removed"))


def _redo(reg: Register, c: Connection, entry: LedgerEntry) -> None:
    sid = c.execute(select(t.subjects.c.id).where(t.subjects.c.ref == entry.subject_ref)).scalar()
    if sid is None:  # an earlier entry of the same replay removed it
        return
    erased = _around(reg, c, entry, entry.subject_ref, int(sid), True)
    have = c.execute(select(t.erasures.c.id).where(t.erasures.c.subject_ref == entry.subject_ref,
                                                   t.erasures.c.erased_at == entry.erased_at)).first()
    if not erased:  # an objection that found no record to erase: its ledger row only
        if have is None:
            c.execute(insert(t.erasures).values(**entry.as_row()))
        return
    erase_records(reg, c, entry.subject_ref, subject_id=int(sid), by=reg.actor, reason=REPLAY_REASON,
                  only=entry.record_ids, ledger_row=None if have is not None else entry.as_row())


def _redo_for(reg: Register, c: Connection, entry: LedgerEntry, ref: str) -> None:
    """The person of ``entry`` registered again under ``ref`` (every identifier the same): the record ids mean
    nothing here, so the same purposes (all, for an erasure of the subject) are erased as the policy says."""
    sid = reg.subject_id(c, ref)
    if _around(reg, c, entry, ref, sid, False):
        purposes = (entry.records or {}).get("purposes")
        erase_records(reg, c, ref, subject_id=sid, by=reg.actor, reason=REPLAY_REASON, purposes=purposes,
                      suppression="opt_out")
