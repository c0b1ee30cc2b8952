"""Erasure's row-level primitive: what a statute or a hold keeps, record by record (Art. 17, TZ4, TP13c).

Internal to the register: every interface erases through ``personvern.rights`` (``rights.erase_subject``,
``rights.handle.erase``), which adds the request record, suppression, the Art. 19 notices, the explanation and
the subject's messages around :func:`erase_records`. Nothing here is a public entry point.

Per record, by its purpose's ``on_erasure``:
- covered by an active hold (on the record or the subject): kept with the hold's reason (Art. 17(3)(e)) —
  a hold wins over every deleting path;
- ``delete``: gone;
- ``seal`` (bookkeeping, TZ4): detached from the subject and re-encrypted under a key derived from its order
  number, with only a keyed hash of that number as index: found by the order number and by nothing else,
  until the statutory period ends and the sweep deletes it;
- ``keep`` (another legal obligation): kept, restricted to that purpose (TP13c).
When nothing is left the subject goes (its key is shredded). Every erasure, full or partial, writes one
erasure-ledger row naming the subject's ref first and the records deleted, sealed and kept, so that
``erasures replay`` after a restore redoes exactly the same removal (``register/ledger.py``).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import Connection, Row, and_, bindparam, delete, insert, or_, select, update

from personvern.audit import AuditEvent, ErasureCompleted, RecordDeleted, RecordWritten
from personvern.errors import NotFound
from personvern.register import schema as t
from personvern.register.crypto import decrypt, encrypt
from personvern.register.identifiers import normalise
from personvern.register.records import RecordView
from personvern.register.sweep import remove_empty_subjects

if TYPE_CHECKING:
    from personvern.register.store import Register

Outcome = Literal["sealed", "kept", "held"]


@dataclass(frozen=True)
class Kept:
    """A record that survives erasure, and why: what, on which legal ground, until when."""

    record: int
    purpose: str
    outcome: str  # sealed, kept, held
    ground: str
    until: date | None
    hold_kind: str | None = None  # for held records: legal_claim or access_request
    categories: tuple[str, ...] = ()  # what the record holds, for the subject's explanation in words


@dataclass
class ErasureResult:
    """What an erasure did (or, from :func:`preview`, would do): records erased per purpose, the records kept
    with their ground, whether the subject itself went, and the request it was done under."""

    subject: str
    erased: dict[str, int] = field(default_factory=dict)
    kept: list[Kept] = field(default_factory=list)
    subject_removed: bool = False
    deleted_ids: list[int] = field(default_factory=list)
    request: str | None = None  # the ref of the request the erasure was carried out under

    @property
    def sealed_ids(self) -> list[int]:
        return [k.record for k in self.kept if k.outcome == "sealed"]

    @property
    def kept_ids(self) -> list[int]:
        return [k.record for k in self.kept if k.outcome != "sealed"]

    @property
    def partial(self) -> bool:
        return not self.subject_removed


@dataclass
class _Plan:
    sid: int
    result: ErasureResult
    delete: list[int] = field(default_factory=list)
    seal: list[Row[Any]] = field(default_factory=list)
    subject_held: bool = False
    rows_left: int = 0  # records of the subject the erasure does not touch (outside ``purposes``)


def _plan(reg: Register, c: Connection, sid: int, subject: str, *, purposes: Collection[str] | None,
          only: Collection[int] | None) -> _Plan:
    """Each record's fate, from two queries (the records, the active holds that cover them)."""
    r, h = t.records, t.holds
    rows = c.execute(select(r).where(r.c.subject_id == sid).order_by(r.c.id)).all()
    in_scope = [x for x in rows if (purposes is None or x.purpose in purposes) and (only is None or x.id in only)]
    held_rows = c.execute(select(h).where(h.c.lifted_at.is_(None), or_(
        h.c.subject_id == sid, h.c.record_id.in_([x.id for x in rows])))).all() if rows else c.execute(
        select(h).where(h.c.lifted_at.is_(None), h.c.subject_id == sid)).all()
    subject_hold = next((x for x in held_rows if x.record_id is None), None)
    record_holds = {x.record_id: x for x in held_rows if x.record_id is not None}
    plan = _Plan(sid, ErasureResult(subject), subject_held=subject_hold is not None,
                 rows_left=len(rows) - len(in_scope))
    for x in in_scope:
        purpose = reg.policy.purpose(x.purpose)
        hold = record_holds.get(x.id) or subject_hold
        if hold is not None:
            plan.result.kept.append(Kept(x.id, x.purpose, "held", f"{hold.kind}: {hold.reason}", None, hold.kind,
                                             tuple(x.categories)))
        elif purpose is not None and purpose.on_erasure == "seal" and x.ref:
            plan.seal.append(x)
            plan.result.kept.append(Kept(x.id, x.purpose, "sealed", ground_of(purpose), x.retention_until,
                                             categories=tuple(x.categories)))
        elif purpose is not None and purpose.on_erasure == "keep":
            plan.result.kept.append(Kept(x.id, x.purpose, "kept", ground_of(purpose), x.retention_until,
                                             categories=tuple(x.categories)))
        else:
            plan.delete.append(x.id)
            plan.result.erased[x.purpose] = plan.result.erased.get(x.purpose, 0) + 1
    plan.result.deleted_ids = list(plan.delete)
    # the subject goes when nothing of it is left: no record outside the scope, none held or kept, no hold
    plan.result.subject_removed = (not plan.subject_held and plan.rows_left == 0
                                   and all(k.outcome == "sealed" for k in plan.result.kept))
    return plan


def preview(reg: Register, c: Connection, subject: str, *, purposes: Collection[str] | None = None,
            subject_id: int | None = None) -> ErasureResult:
    """What :func:`erase_records` would do now, changing nothing (the console's confirmation step)."""
    sid = subject_id if subject_id is not None else reg.subject_id(c, subject)
    return _plan(reg, c, sid, subject, purposes=purposes, only=None).result


def erase_records(reg: Register, c: Connection, subject: str, *, by: str, reason: str,
                  purposes: Collection[str] | None = None, only: Collection[int] | None = None,
                  subject_id: int | None = None, events: list[AuditEvent] | None = None,
                  ledger_row: dict[str, Any] | None = None, suppression: str | None = None,
                  key: bytes | None = None, ledger_extra: Mapping[str, Any] | None = None,
                  lookups: Sequence[str] | None = None) -> ErasureResult:
    """Erase a subject's records (all, those of ``purposes``, or the record ids ``only``) in the caller's
    transaction ``c``; the subject goes too when nothing of it is left. Writes the erasure-ledger row.

    Internal: call ``personvern.rights`` (``erase_subject``, ``handle.erase``) instead. Audit entries go to
    ``events`` when given (the caller appends them once), else they are appended here. ``suppression`` is the
    reason the caller put the subject on the suppression list with (recorded so a replay does it again);
    ``ledger_row`` replaces the ledger row written (a replay writes back the original entry); ``ledger_extra``
    adds what the caller did around the erasure that a replay must redo (consents withdrawn by an objection);
    ``lookups``: the subject's identifier hashes (hex) when the caller read them already."""
    sid = subject_id if subject_id is not None else reg.subject_id(c, subject)
    plan = _plan(reg, c, sid, subject, purposes=purposes, only=only)
    result = plan.result
    r = t.records
    if plan.delete:
        c.execute(delete(r).where(r.c.id.in_(plan.delete)))
    if plan.seal:
        _seal(reg, c, plan.seal, key if key is not None else reg.keys.subject_key(c, sid))
    kept = [k for k in result.kept if k.outcome == "kept"]
    if kept and only is not None:  # a replay: the restriction may stand already (an erasure redone twice)
        x = t.restrictions
        have = set(c.execute(select(x.c.purpose).where(x.c.subject_id == sid, x.c.ground == "erasure_blocked",
                                                       x.c.lifted_at.is_(None))).scalars())
        kept = [k for k in kept if k.purpose not in have]
    if kept:
        c.execute(insert(t.restrictions), [
            {"subject_id": sid, "record_id": None, "purpose": purpose, "ground": "erasure_blocked",
             "reason": f"erasure requested; kept under {ground}", "placed_by": by, "placed_at": reg.clock()}
            for purpose, ground in sorted({(k.purpose, k.ground) for k in kept})])
    ledger = ledger_row is None and bool(plan.delete or plan.seal or result.subject_removed or ledger_extra)
    if ledger and lookups is None:  # read before the subject goes: a replay may need them
        lookups = _lookups(c, sid)
    out = _erasure_events(subject, reason, plan.delete, [x.id for x in plan.seal])
    if result.subject_removed:
        result.subject_removed = remove_empty_subjects(reg, c, {sid}, reason, ledger=False, events=out) > 0
    if ledger_row is not None:
        c.execute(insert(t.erasures).values(**ledger_row))
    elif ledger:
        write_ledger(reg, c, subject, reason, lookups,
                     {**ledger_records(result, purposes), "suppression": suppression, **(ledger_extra or {})})
    if events is not None:
        events.extend(out)
    else:
        reg.audit(c, *out)
    return result


def write_ledger(reg: Register, c: Connection, subject: str, reason: str, lookups: Sequence[str] | None,
                 records: Mapping[str, Any], *, subject_id: int | None = None) -> None:
    """One erasure-ledger row: the subject's ref first, the keyed hashes of its identifiers (read now from
    ``subject_id`` when ``lookups`` is None) — for partial erasures too, so a replay finds the person when the
    ref is gone — and what was done (``records``)."""
    if lookups is None:
        lookups = _lookups(c, subject_id) if subject_id is not None else []
    c.execute(insert(t.erasures).values(subject_ref=subject, lookups=list(lookups), erased_at=reg.clock(),
                                        reason=reason[:64], records=dict(records)))


def ledger_records(result: ErasureResult, purposes: Collection[str] | None) -> dict[str, Any]:
    """The ledger's account of one erasure: enough to redo exactly the same removal after a restore."""
    return {"deleted": sorted(result.deleted_ids), "sealed": sorted(result.sealed_ids),
            "kept": sorted(result.kept_ids), "subject_removed": result.subject_removed,
            "purposes": sorted(purposes) if purposes is not None else None}


def _lookups(c: Connection, sid: int) -> list[str]:
    i = t.identifiers
    return sorted(bytes(x).hex() for x in c.execute(select(i.c.lookup).where(i.c.subject_id == sid)).scalars())


def _erasure_events(subject: str, reason: str, deleted: Sequence[int], sealed: Sequence[int]) -> list[AuditEvent]:
    """What the erasure did, for the audit trail (Art. 5(2), Art. 17): ids only, in the same transaction."""
    events: list[AuditEvent] = []
    if deleted:
        events.append(RecordDeleted(subject_ref=subject, record_ids=tuple(deleted), rule="art17"))
    if sealed:
        events.append(RecordWritten(subject_ref=subject, record_ids=tuple(sealed), change="sealed"))
    return [*events, ErasureCompleted(subject_ref=subject, reason=reason)]


def ground_of(purpose: Any) -> str:
    """The legal ground a purpose keeps data on: the law it names, else its Art. 6(1) point."""
    basis = purpose.legal_basis
    return str(basis.law or f"GDPR art. 6(1)({basis.article})")


def _seal(reg: Register, c: Connection, rows: list[Row[Any]], key: bytes) -> None:
    changes = []
    for x in rows:
        order = normalise("order_number", x.ref).value
        plain = decrypt(key, x.payload, b"record") if x.payload is not None else b"null"
        changes.append({"rid": x.id, "payload": encrypt(reg.keys.seal_key(order), plain, b"sealed"),
                        "seal_ref": reg.keys.lookup("order_number", order)})
    r = t.records
    c.execute(update(r).where(r.c.id == bindparam("rid")).values(
        payload=bindparam("payload"), seal_ref=bindparam("seal_ref"), subject_id=None, ref=None,
        state="sealed", updated_at=reg.clock()), changes)
    c.execute(delete(t.events).where(t.events.c.record_id.in_([x.id for x in rows])))


def find_sealed(reg: Register, order_number: str) -> list[RecordView]:
    """Sealed bookkeeping records, found by their order or voucher number and by nothing else (TZ4)."""
    order = normalise("order_number", order_number).value
    r = t.records
    with reg.engine.connect() as c:
        rows = c.execute(select(r).where(and_(r.c.state == "sealed",
                                              r.c.seal_ref == reg.keys.lookup("order_number", order)))).all()
    if not rows:
        raise NotFound("no sealed record with that order number", field="order_number")
    key = reg.keys.seal_key(order)
    return [RecordView(x.id, x.purpose, list(x.categories), x.source,
                       json.loads(decrypt(key, x.payload, b"sealed")), x.collected_at, x.retention_until,
                       x.state, order) for x in rows]
