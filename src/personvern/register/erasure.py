"""Erasure of a subject, with what a statute or a hold keeps explained record by record (Art. 17, TZ4, TP13c).

Per record, by its purpose's ``on_erasure``:
- ``delete``: gone;
- ``seal`` (bookkeeping, TZ4): detached from the subject and re-encrypted under a key derived from its order
  number, with only a keyed hash of that number as index: found by the order number and by nothing else,
  until the statutory period ends and the sweep deletes it;
- ``keep`` (another legal obligation): kept, restricted to that purpose (TP13c);
- covered by an active hold: kept with the hold's reason (Art. 17(3)(e)).
When nothing is left, the subject goes: its key is shredded and the erasure ledger records it.
"""

from __future__ import annotations

import json
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, and_, bindparam, delete, insert, or_, select, update

from personvern.audit import ErasureCompleted, RecordDeleted, RecordWritten
from personvern.errors import NotFound
from personvern.register import schema as t
from personvern.register.crypto import decrypt, encrypt
from personvern.register.identifiers import normalise
from personvern.register.records import RecordView
from personvern.register.sweep import remove_empty_subjects

if TYPE_CHECKING:
    from personvern.register.store import Register


@dataclass(frozen=True)
class Kept:
    """A record that survives erasure, and why: what, on which legal ground, until when."""

    record: int
    purpose: str
    outcome: str  # sealed, kept, held
    ground: str
    until: date | None


@dataclass
class ErasureResult:
    subject: str
    erased: dict[str, int] = field(default_factory=dict)
    kept: list[Kept] = field(default_factory=list)
    subject_removed: bool = False


def erase(reg: Register, subject: str, *, by: str, reason: str = "erasure_request",
          conn: Connection | None = None) -> ErasureResult:
    """Erase a subject; inside ``conn`` when given (a request handler notifies recipients and writes its
    explanation in the same transaction, Art. 19), else in a transaction of its own."""
    result = ErasureResult(subject)
    r, h = t.records, t.holds
    with nullcontext(conn) if conn is not None else reg.transaction() as c:
        sid = reg.subject_id(c, subject)
        rows = c.execute(select(r).where(r.c.subject_id == sid).order_by(r.c.id)).all()
        held_rows = c.execute(select(h).where(h.c.lifted_at.is_(None), or_(
            h.c.subject_id == sid, h.c.record_id.in_([x.id for x in rows])))).all()
        subject_hold = next((x for x in held_rows if x.record_id is None), None)
        record_holds = {x.record_id: x for x in held_rows if x.record_id is not None}
        key = reg.keys.subject_key(c, sid)
        to_delete, to_seal = [], []
        for x in rows:
            purpose = reg.policy.purpose(x.purpose)
            hold = record_holds.get(x.id) or subject_hold
            if hold is not None:
                result.kept.append(Kept(x.id, x.purpose, "held", f"{hold.kind}: {hold.reason}", None))
            elif purpose is not None and purpose.on_erasure == "seal" and x.ref:
                to_seal.append(x)
                result.kept.append(Kept(x.id, x.purpose, "sealed", _ground(purpose), x.retention_until))
            elif purpose is not None and purpose.on_erasure == "keep":
                result.kept.append(Kept(x.id, x.purpose, "kept", _ground(purpose), x.retention_until))
            else:
                to_delete.append(x.id)
                result.erased[x.purpose] = result.erased.get(x.purpose, 0) + 1
        if to_delete:
            c.execute(delete(r).where(r.c.id.in_(to_delete)))
        if to_seal:
            _seal(reg, c, to_seal, key)
        kept = [k for k in result.kept if k.outcome == "kept"]
        if kept:
            c.execute(insert(t.restrictions), [
                {"subject_id": sid, "record_id": None, "purpose": purpose, "ground": "erasure_blocked",
                 "reason": f"erasure requested; kept under {ground}", "placed_by": by, "placed_at": reg.clock()}
                for purpose, ground in sorted({(k.purpose, k.ground) for k in kept})])
        reg.audit(c, *_erasure_events(subject, reason, to_delete, [x.id for x in to_seal]))
        result.subject_removed = remove_empty_subjects(reg, c, {sid}, reason) > 0
    return result


def _erasure_events(subject: str, reason: str, deleted: list[int], sealed: list[int]) -> list[Any]:
    """What the erasure did, for the audit trail (Art. 5(2), Art. 17): ids only, in the same transaction."""
    events: list[Any] = []
    if deleted:
        events.append(RecordDeleted(subject_ref=subject, record_ids=tuple(deleted), rule="art17"))
    if sealed:
        events.append(RecordWritten(subject_ref=subject, record_ids=tuple(sealed), change="sealed"))
    return [*events, ErasureCompleted(subject_ref=subject, reason=reason)]


def _ground(purpose: Any) -> str:
    basis = purpose.legal_basis
    return basis.law or f"GDPR art. 6(1)({basis.article})"


def _seal(reg: Register, c: Any, rows: list[Any], key: bytes) -> None:
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
