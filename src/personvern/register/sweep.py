"""The retention sweep: every record whose time is up gets its rule's end action, set-based and in batches.

- due: ``retention_until <= as_of`` and no active hold on the record or its subject, walked by keyset over the
  index ``(retention_until, id)``: every batch starts where the last stopped, so no row is read twice;
- delete: ``DELETE ... WHERE id IN (SELECT id ... LIMIT n) RETURNING subject_id, purpose`` per batch;
- review: ``UPDATE ... SET state='review'`` per batch (a minimum with no maximum: the privacy officer decides);
- reduce: keeps only the rule's ``keep`` categories, detached from the subject (needs decryption, so it is
  batched Python, one executemany per batch);
- hand_over: the record goes to the outbox for the archive the law names, then is deleted, in one transaction.
Each batch is its own transaction: a killed sweep leaves a consistent store and the next run finishes the
job. A subject left with no records and no hold is removed in the same transaction (its key is shredded and
the erasure ledger gets an entry). ``dry_run`` changes nothing and reports what would go, per purpose. Either
way the report lists the records with no due date, per purpose and awaited event (``register/waiting.py``).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Date,
    Select,
    and_,
    bindparam,
    delete,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    tuple_,
    update,
)

from personvern.audit import AuditEvent, RecordDeleted, RecordWritten, SweepCompleted
from personvern.audit.register_events import SubjectRemoved
from personvern.policy import taxonomy
from personvern.register import schema as t
from personvern.register.crypto import decrypt, encrypt
from personvern.register.waiting import Waiting, waiting

if TYPE_CHECKING:
    from personvern.register.store import Register

Progress = Callable[[str, int], None]
r = t.records


@dataclass
class SweepReport:
    as_of: date
    dry_run: bool
    deleted: Counter[str] = field(default_factory=Counter)
    reduced: Counter[str] = field(default_factory=Counter)
    review: Counter[str] = field(default_factory=Counter)
    handed_over: Counter[str] = field(default_factory=Counter)
    held: dict[str, Counter[str]] = field(default_factory=dict)  # purpose -> hold kind -> count
    subjects_removed: int = 0
    waiting: list[Waiting] = field(default_factory=list)  # no due date yet: the events their rules await

    @property
    def total(self) -> int:
        return sum(self.deleted.values()) + sum(self.reduced.values()) + sum(self.review.values()) + sum(
            self.handed_over.values())

    def as_dict(self) -> dict[str, Any]:
        return {"as_of": self.as_of.isoformat(), "dry_run": self.dry_run, "deleted": dict(self.deleted),
                "reduced": dict(self.reduced), "review": dict(self.review),
                "handed_over": dict(self.handed_over), "held": {k: dict(v) for k, v in self.held.items()},
                "subjects_removed": self.subjects_removed,
                "waiting": {w.purpose: w.as_dict() for w in self.waiting}}


def held_clause(as_of: date | None = None) -> ColumnElement[bool]:
    """A hold covers ``as_of`` while it stands and on the day it is lifted: the day the claim closes is still
    inside the hold, as the day of an event is inside a period counted from it (Regulation 1182/71 art. 3(1));
    what it kept is due from the next day. Without ``as_of``: holds that still stand.

    Two EXISTS (on the record, on its whole subject), not one with an OR between them: each is then an indexed
    (anti-)join of its own, where the OR made PostgreSQL compare every record with every hold (issue 13)."""
    h = t.holds
    standing: ColumnElement[bool] = h.c.lifted_at.is_(None)
    if as_of is not None:
        standing = or_(standing, h.c.lifted_at >= datetime.combine(as_of, time.min, tzinfo=UTC))
    on_record = exists().where(h.c.record_id == r.c.id, standing)
    on_subject = exists().where(h.c.subject_id == r.c.subject_id, h.c.record_id.is_(None), standing)
    return or_(on_record, on_subject)


def due_clause(as_of: date, purposes: list[str], scope: ColumnElement[bool] | None = None) -> ColumnElement[bool]:
    cond = and_(r.c.retention_until <= as_of, r.c.state.in_(("active", "sealed")),
                r.c.purpose.in_(purposes), ~held_clause(as_of))
    return cond if scope is None else and_(cond, scope)


def sweep(reg: Register, as_of: date | None = None, *, dry_run: bool = False, batch: int = 1000,
          scope: ColumnElement[bool] | None = None, progress: Progress | None = None) -> SweepReport:
    as_of = as_of or reg.today()
    report = SweepReport(as_of, dry_run)
    by_action: dict[str, list[str]] = {"delete": [], "review": [], "reduce": [], "hand_over": []}
    for p in reg.policy.purposes:
        by_action[p.retention.then if p.retention else "delete"].append(p.key)
    report.held = _held(reg, as_of, scope)
    report.waiting = waiting(reg, scope)
    if dry_run:
        with reg.engine.connect() as c:
            for action, purposes in by_action.items():
                counts = c.execute(select(r.c.purpose, func.count()).where(due_clause(as_of, purposes, scope))
                                   .group_by(r.c.purpose)).all()
                _counter(report, action).update(dict(counts))
        return report
    run = _start(reg, as_of)
    for action, purposes in by_action.items():
        if purposes:
            _run_action(reg, action, purposes, as_of, batch, scope, report, progress)
    _finish(reg, run, report)
    return report


def _counter(report: SweepReport, action: str) -> Counter[str]:
    return {"delete": report.deleted, "review": report.review, "reduce": report.reduced,
            "hand_over": report.handed_over}[action]


def _run_action(reg: Register, action: str, purposes: list[str], as_of: date, batch: int,
                scope: ColumnElement[bool] | None, report: SweepReport, progress: Progress | None) -> None:
    """Walk the due range of ``ix_records_retention`` by keyset ``(retention_until, id)``: each batch starts
    where the last one stopped, so kept, held or other-purpose rows are passed once, never rescanned."""
    counter = _counter(report, action)
    after: tuple[date, int] | None = None
    while True:
        with reg.transaction() as c:
            ids = due_batch(as_of, purposes, scope, after, batch)
            done: Sequence[Any]  # (subject_id, purpose, record id, retention_until) per record acted on
            if action == "delete":
                done = c.execute(delete(r).where(r.c.id.in_(ids))
                                 .returning(r.c.subject_id, r.c.purpose, r.c.id, r.c.retention_until)).all()
            elif action == "review":
                done = c.execute(update(r).where(r.c.id.in_(ids)).values(state="review")
                                 .returning(r.c.subject_id, r.c.purpose, r.c.id, r.c.retention_until)).all()
            else:
                done = _transform(reg, c, action, [int(x) for x in c.execute(ids).scalars()])
            counter.update(row[1] for row in done)
            reg.audit(c, *_batch_events(action, done))
            if action != "review":
                report.subjects_removed += remove_empty_subjects(reg, c, {row[0] for row in done}, "retention")
        if progress and done:
            progress(action, len(done))
        if len(done) < batch:
            return
        after = max((row[3], int(row[2])) for row in done)


def due_batch(as_of: date, purposes: list[str], scope: ColumnElement[bool] | None,
              after: tuple[date, int] | None, batch: int) -> Select[Any]:
    """The ids of the next ``batch`` due records after the keyset position ``after``, in index order."""
    cond = due_clause(as_of, purposes, scope)
    if after is not None:
        cond = and_(cond, tuple_(r.c.retention_until, r.c.id) > tuple_(literal(after[0], Date()),
                                                                        literal(after[1], r.c.id.type)))
    return select(r.c.id).where(cond).order_by(r.c.retention_until, r.c.id).limit(batch)


def _batch_events(action: str, done: Any) -> list[AuditEvent]:
    """One audit entry per purpose of a batch, naming its record ids (Art. 5(2)); written with the batch's
    single ``append_many``, so the sweep stays set-based."""
    by_purpose: dict[str, list[int]] = {}
    for row in done:
        by_purpose.setdefault(row[1], []).append(int(row[2]))
    if action in ("delete", "hand_over"):
        return [RecordDeleted(purpose=p, record_ids=tuple(ids), rule=f"retention.{action}")
                for p, ids in sorted(by_purpose.items())]
    change = "reduced" if action == "reduce" else "review"
    return [RecordWritten(purpose=p, record_ids=tuple(ids), change=change) for p, ids in sorted(by_purpose.items())]


def _transform(reg: Register, c: Connection, action: str, ids: list[int]) -> list[tuple[Any, str, int, date]]:
    """reduce or hand_over one batch: decrypt, keep or export, then detach or delete."""
    if not ids:
        return []
    rows = c.execute(select(r).where(r.c.id.in_(ids))).all()
    keys = reg.keys.subject_keys(c, [x.subject_id for x in rows if x.subject_id is not None])
    payloads = {x.id: (json.loads(decrypt(keys[x.subject_id], x.payload, b"record"))
                       if x.payload is not None and x.subject_id in keys else x.reduced or {}) for x in rows}
    if action == "reduce":
        changes = []
        for x in rows:
            purpose = reg.policy.purpose(x.purpose)
            keep = set(purpose.retention.keep) if purpose and purpose.retention else set()
            kept = {k: v for k, v in payloads[x.id].items() if taxonomy.covers(k, keep)}
            changes.append({"rid": x.id, "reduced": kept,
                            "cats": sorted(c2 for c2 in x.categories if taxonomy.covers(c2, keep))})
        c.execute(update(r).where(r.c.id == bindparam("rid")).values(
            reduced=bindparam("reduced"), categories=bindparam("cats"), payload=None, subject_id=None,
            state="reduced", retention_until=None, ref=None, seal_ref=None), changes)
    else:
        now = reg.clock()
        messages = []
        for x in rows:
            purpose = reg.policy.purpose(x.purpose)
            archive = purpose.retention.archive if purpose and purpose.retention else None
            body = json.dumps({"purpose": x.purpose, "categories": x.categories, "collected_at":
                               x.collected_at.isoformat(), "payload": payloads[x.id]}, default=str).encode()
            messages.append({"kind": "archive", "destination": archive or "archive",
                             "body": encrypt(reg.keys.outbox_key, body, b"outbox"),
                             "idempotency_key": f"archive:{x.id}", "status": "pending", "attempts": 0,
                             "next_attempt_at": now, "created_at": now})
        c.execute(insert(t.outbox), messages)
        c.execute(delete(r).where(r.c.id.in_(ids)))
    return [(x.subject_id, x.purpose, x.id, x.retention_until) for x in rows]


def remove_empty_subjects(reg: Register, c: Connection, subject_ids: set[Any], reason: str, *,
                          ledger: bool = True, events: list[AuditEvent] | None = None) -> int:
    """Remove subjects left with no record and no active hold: shred their key, log the erasure.

    ``ledger=False`` when the caller writes the erasure-ledger row itself (``register/erasure.py`` records
    the records it removed with it); audit entries go to ``events`` when given, else are appended here."""
    sids = [s for s in subject_ids if s is not None]
    if not sids:
        return 0
    s, h = t.subjects, t.holds
    # a correlated probe of the subject's first record, not NOT EXISTS: PostgreSQL planned that as a hash anti-join
    # over the whole records table for every batch (issue 13)
    first_record = select(r.c.id).where(r.c.subject_id == s.c.id).limit(1).scalar_subquery()
    empty = c.execute(select(s.c.id, s.c.ref).where(
        s.c.id.in_(sids), first_record.is_(None),
        ~exists().where(h.c.subject_id == s.c.id, h.c.lifted_at.is_(None)))).all()
    if not empty:
        return 0
    ids = [e.id for e in empty]
    if ledger:
        lookups: dict[int, list[str]] = {}
        for sid, lookup in c.execute(select(t.identifiers.c.subject_id, t.identifiers.c.lookup)
                                     .where(t.identifiers.c.subject_id.in_(ids))):
            lookups.setdefault(sid, []).append(bytes(lookup).hex())
        now = reg.clock()
        c.execute(insert(t.erasures), [{"subject_ref": e.ref, "lookups": sorted(lookups.get(e.id, [])),
                                        "erased_at": now, "reason": reason} for e in empty])
    reg.keys.shred(c, ids)
    c.execute(delete(s).where(s.c.id.in_(ids)))
    removed = [SubjectRemoved(subject_ref=e.ref, reason=reason) for e in empty]
    if events is not None:
        events.extend(removed)
    else:
        reg.audit(c, *removed)
    return len(ids)


def _held(reg: Register, as_of: date, scope: ColumnElement[bool] | None) -> dict[str, Counter[str]]:
    h = t.holds
    cond = and_(r.c.retention_until <= as_of, r.c.state.in_(("active", "sealed")),
                or_(h.c.lifted_at.is_(None), h.c.lifted_at >= datetime.combine(as_of, time.min, tzinfo=UTC)))
    if scope is not None:
        cond = and_(cond, scope)
    join = or_(h.c.record_id == r.c.id, and_(h.c.subject_id == r.c.subject_id, h.c.record_id.is_(None)))
    with reg.engine.connect() as c:
        rows = c.execute(select(r.c.purpose, h.c.kind, func.count(func.distinct(r.c.id)))
                         .select_from(r.join(h, join)).where(cond).group_by(r.c.purpose, h.c.kind)).all()
    out: dict[str, Counter[str]] = {}
    for purpose, kind, n in rows:
        out.setdefault(purpose, Counter())[kind] += n
    return out


def _start(reg: Register, as_of: date) -> int:
    with reg.transaction() as c:
        return int(c.execute(insert(t.sweep_runs).values(as_of=as_of, started_at=reg.clock(), actor=reg.actor)
                             .returning(t.sweep_runs.c.id)).scalar_one())


def _finish(reg: Register, run: int, report: SweepReport) -> None:
    with reg.transaction() as c:
        c.execute(update(t.sweep_runs).where(t.sweep_runs.c.id == run)
                  .values(finished_at=reg.clock(), counts=report.as_dict()))
        counts = {"deleted": sum(report.deleted.values()), "reduced": sum(report.reduced.values()),
                  "review": sum(report.review.values()), "handed_over": sum(report.handed_over.values()),
                  "held": sum(sum(h.values()) for h in report.held.values()),
                  "subjects_removed": report.subjects_removed}
        reg.audit(c, SweepCompleted(run_id=run, as_of=report.as_of, counts=counts))
