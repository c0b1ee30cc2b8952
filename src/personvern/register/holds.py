"""Legal holds (Art. 17(3)(e)) and restriction of processing (Art. 18, TP13d).

A hold keeps what it covers from the sweep and from erasure, with a reason and who placed it; lifted, the
record's own rule applies again at once (a targeted sweep runs for what it covered).

A restriction limits use: while it stands, any use other than storage, legal claims, protecting another
person's rights, or with consent is refused (Art. 18(2)). An erasure blocked by a legal obligation leaves
the record restricted to the purpose that blocks it (TP13c).
"""

from __future__ import annotations

from collections.abc import Collection
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Literal

from sqlalchemy import ColumnElement, Connection, Table, and_, exists, insert, or_, select, update

from personvern.audit import HoldLifted, HoldPlaced, RestrictionLifted, RestrictionPlaced
from personvern.errors import NotFound, RegisterError, RestrictedProcessing, StateConflict
from personvern.policy.model import Purpose
from personvern.register import schema as t
from personvern.register.sweep import sweep

if TYPE_CHECKING:
    from personvern.register.store import Register

HoldKind = Literal["legal_claim", "access_request"]
Ground = Literal["accuracy", "unlawful", "legal_claims", "objection", "erasure_blocked"]
Use = Literal["processing", "storage", "legal_claims", "others_rights", "consent", "public_interest"]
ALLOWED_WHILE_RESTRICTED = frozenset({"storage", "legal_claims", "others_rights", "consent", "public_interest"})


@dataclass(frozen=True)
class Hold:
    id: int
    kind: str
    reason: str
    placed_by: str
    placed_at: datetime
    subject: str | None
    record: int | None


@dataclass(frozen=True)
class Restriction:
    id: int
    ground: str
    reason: str
    purpose: str | None
    record: int | None
    placed_at: datetime


def place_hold(reg: Register, *, subject: str | None = None, record: int | None = None, reason: str,
               kind: HoldKind = "legal_claim", by: str) -> int:
    if (subject is None) == (record is None):
        raise RegisterError("a hold covers a subject or one record", field="subject")
    if not reason.strip():
        raise RegisterError("a hold needs a reason", field="reason")
    with reg.transaction() as c:
        sid = reg.subject_id(c, subject) if subject is not None else None
        if record is not None:
            found = c.execute(select(t.records.c.id).where(t.records.c.id == record)).first()
            if found is None:
                raise NotFound(f"no record {record}", field="record")
            subject = _record_subject(c, record)
        hold_id = int(c.execute(insert(t.holds).values(
            subject_id=sid, record_id=record, kind=kind, reason=reason.strip(), placed_by=by,
            placed_at=reg.clock()).returning(t.holds.c.id)).scalar_one())
        reg.audit(c, HoldPlaced(subject_ref=subject, record_ids=() if record is None else (record,),
                                hold_id=hold_id, kind=kind))
        return hold_id


def lift_hold(reg: Register, hold_id: int, *, by: str, as_of: date | None = None) -> int:
    """Lift a hold; what it covered and is overdue goes at once. Returns how many records went."""
    with reg.transaction() as c:
        overdue = release(reg, c, hold_id, by=by, as_of=as_of)
    return sweep_overdue(reg, overdue, as_of)


def sweep_overdue(reg: Register, overdue: ColumnElement[bool] | None, as_of: date | None = None) -> int:
    """After the transaction that :func:`release` ran in: delete what the hold kept back and is overdue (its own
    transactions and audit entries, as every sweep). Returns how many records went; None: nothing to do."""
    return sweep(reg, as_of, scope=overdue).total if overdue is not None else 0


def release(reg: Register, c: Connection, hold_id: int, *, by: str, as_of: date | None = None,
            lifted_ok: bool = False) -> ColumnElement[bool] | None:
    """Lift a hold inside the caller's transaction (audited). Returns the scope to sweep when something it held
    back is already overdue — the caller runs ``sweep(reg, as_of, scope=...)`` after its commit, as a sweep is
    its own transactions — else None. ``lifted_ok``: a hold lifted already is no error (nothing to do)."""
    row = c.execute(select(t.holds, t.subjects.c.ref).outerjoin(t.subjects, t.subjects.c.id == t.holds.c.subject_id)
                    .where(t.holds.c.id == hold_id)).first()
    if row is None:
        raise NotFound(f"no hold {hold_id}", field="hold")
    if row.lifted_at is not None:
        if lifted_ok:
            return None
        raise StateConflict(f"hold {hold_id} was already lifted", field="hold")
    c.execute(update(t.holds).where(t.holds.c.id == hold_id).values(lifted_at=reg.clock(), lifted_by=by))
    ref = row.ref if row.record_id is None else _record_subject(c, row.record_id)
    reg.audit(c, HoldLifted(subject_ref=ref, record_ids=() if row.record_id is None else (row.record_id,),
                            hold_id=hold_id))
    r = t.records
    scope = r.c.id == row.record_id if row.record_id is not None else r.c.subject_id == row.subject_id
    due = c.execute(select(r.c.id).where(scope, r.c.retention_until <= (as_of or reg.today()),
                                         r.c.state.in_(("active", "sealed"))).limit(1)).first()
    # a sweep run (its own transactions and audit entries) only when something held back is overdue (issue 13)
    return scope if due is not None else None


def _record_subject(c: Connection, record: int) -> str | None:
    """The public ref of a record's subject (None once sealed or reduced), for its audit entries."""
    return c.execute(select(t.subjects.c.ref).join(t.records, t.records.c.subject_id == t.subjects.c.id)
                     .where(t.records.c.id == record)).scalar()


def holds(reg: Register, *, subject: str | None = None, active: bool = True) -> list[Hold]:
    h, s = t.holds, t.subjects
    q = select(h, s.c.ref).select_from(h.outerjoin(s, s.c.id == h.c.subject_id))
    if active:
        q = q.where(h.c.lifted_at.is_(None))
    with reg.engine.connect() as c:
        if subject:
            sid = reg.subject_id(c, subject)
            rec_ids = select(t.records.c.id).where(t.records.c.subject_id == sid)
            q = q.where(or_(h.c.subject_id == sid, h.c.record_id.in_(rec_ids)))
        rows = c.execute(q.order_by(h.c.id)).all()
    return [Hold(x.id, x.kind, x.reason, x.placed_by, x.placed_at, x.ref, x.record_id) for x in rows]


def restrict(reg: Register, subject: str, *, ground: Ground, reason: str, by: str, record: int | None = None,
             except_purpose: str | None = None) -> int:
    if not reason.strip():
        raise RegisterError("a restriction needs a reason", field="reason")
    with reg.transaction() as c:
        sid = reg.subject_id(c, subject)
        rid = int(c.execute(insert(t.restrictions).values(
            subject_id=sid, record_id=record, purpose=except_purpose, ground=ground, reason=reason.strip(),
            placed_by=by, placed_at=reg.clock()).returning(t.restrictions.c.id)).scalar_one())
        reg.audit(c, RestrictionPlaced(subject_ref=subject, purpose=except_purpose,
                                       record_ids=() if record is None else (record,), restriction_id=rid,
                                       ground=ground))
        return rid


def lift_restriction(reg: Register, restriction_id: int, *, conn: Connection | None = None,
                     subject_told: int | None = None) -> None:
    """Lift an active restriction (in ``conn``'s transaction when given). Internal: interfaces call
    ``personvern.rights.lift_restriction``, which first tells the subject (Art. 18(3)); ``subject_told`` is
    the outbox id of that notice, named in the audit entry."""
    x = t.restrictions
    with nullcontext(conn) if conn is not None else reg.transaction() as c:
        done = c.execute(update(x).where(x.c.id == restriction_id, x.c.lifted_at.is_(None))
                         .values(lifted_at=reg.clock()))
        if done.rowcount == 0:
            raise NotFound(f"no active restriction {restriction_id}", field="restriction")
        ref = c.execute(select(t.subjects.c.ref).join(x, x.c.subject_id == t.subjects.c.id)
                        .where(x.c.id == restriction_id)).scalar()
        reg.audit(c, RestrictionLifted(subject_ref=ref, restriction_id=restriction_id, subject_told=subject_told))


def restrictions(reg: Register, subject: str) -> list[Restriction]:
    x = t.restrictions
    with reg.engine.connect() as c:
        sid = reg.subject_id(c, subject)
        rows = c.execute(select(x).where(x.c.subject_id == sid, x.c.lifted_at.is_(None)).order_by(x.c.id)).all()
    return [Restriction(r.id, r.ground, r.reason, r.purpose, r.record_id, r.placed_at) for r in rows]


def check_use(reg: Register, subject_id: int, purpose: str, use: str, record: int | None = None, *,
              conn: Connection | None = None) -> None:
    """Refuse a use of restricted data that Art. 18(2) does not allow, naming the restriction (TP13d).

    Without ``record`` only restrictions of the whole subject count; with it, that record's own too."""
    if use in ALLOWED_WHILE_RESTRICTED:
        return
    x = t.restrictions
    cond = [x.c.subject_id == subject_id, x.c.lifted_at.is_(None)]
    cond.append(x.c.record_id.is_(None) if record is None else or_(x.c.record_id.is_(None), x.c.record_id == record))
    with nullcontext(conn) if conn is not None else reg.engine.connect() as c:
        rows = c.execute(select(x).where(and_(*cond))).all()
    general = [row for row in rows if row.purpose is None]
    kept_for = sorted({row.purpose for row in rows if row.purpose is not None})
    if not general and (not kept_for or purpose in kept_for):
        return  # restricted to the purposes that blocked erasure, and this is one of them (TP13c)
    row = general[0] if general else rows[0]
    raise RestrictedProcessing(
        f"processing is restricted ({row.ground}: {row.reason}); only storage, legal claims, protecting "
        f"others' rights or use with consent are allowed (Art. 18(2))"
        + (f"; this data may only be used for {', '.join(repr(k) for k in kept_for)}" if kept_for else ""),
        field="purpose")


def not_restricted(records: Table) -> ColumnElement[bool]:
    """SQL: the record has no restriction of its own that forbids ordinary use (Art. 18(2), TP13d).

    A restriction placed on one record (an objection to its purpose, a contested record) forbids every use but
    those of Art. 18(2); one kept for a purpose (``purpose`` set, TP13c) forbids every other purpose. A
    correlated NOT EXISTS over ``ix_restrictions_record``, so a read stays one query however many there are."""
    x = t.restrictions
    return ~exists().where(x.c.record_id == records.c.id, x.c.lifted_at.is_(None),
                           or_(x.c.purpose.is_(None), x.c.purpose != records.c.purpose))


def check_objection(c: Connection, subject_id: int, purpose: str, use: str) -> None:
    """Refuse new processing under a purpose the subject has objected to while the objection is weighed.

    ``rights.handle.object_to`` restricts each record of the purpose (Art. 21(1), Art. 18(1)(d), TP13d); until
    the controller decides, the purpose may not go on collecting about the subject either. One query."""
    if use in ALLOWED_WHILE_RESTRICTED:
        return
    x, r = t.restrictions, t.records
    row = c.execute(select(x.c.id, x.c.reason).select_from(x.join(r, r.c.id == x.c.record_id)).where(
        x.c.subject_id == subject_id, x.c.lifted_at.is_(None), x.c.ground == "objection", x.c.purpose.is_(None),
        r.c.purpose == purpose).limit(1)).first()
    if row is not None:
        raise RestrictedProcessing(
            f"the subject has objected to '{purpose}' (Art. 21(1)) and processing is restricted while the "
            f"objection is weighed (restriction {row.id}: {row.reason}; Art. 18(1)(d))", field="purpose")


# The rule of Art. 21(3) in one place: which objections bar a marketing purpose, and what the refusal says.
# A person is the subject's own entry or an e-mail address of it; a phone number alone is not the person (a
# household shares one), so it stops calls and texts (``consent.decision``) but does not refuse writes.
OBJECTED_KINDS = ("email",)


def marketing_refusal(purpose: str) -> str:
    """The reason every write path gives for refusing data under a marketing purpose after an objection."""
    return (f"the subject has objected to direct marketing (Art. 21(3)): data may no longer be processed for "
            f"'{purpose}'")


def _objection_to(purpose: str) -> ColumnElement[bool]:
    x = t.suppressions.c
    return and_(x.reason == "objection", or_(x.purpose.is_(None), x.purpose == purpose))


def check_marketing_objection(c: Connection, subject_id: int, purpose: Purpose, use: str) -> None:
    """Refuse new processing under a direct-marketing purpose once the subject has objected to direct marketing
    (Art. 21(3): the data 'shall no longer be processed for such purposes'; TP13e, KL7). The objection is the
    subject's own entry on the suppression list (``personvern.consent.object_to_marketing``) or one on one of
    its e-mail addresses (the same person, registered again after an erasure). One query, and only for
    marketing purposes."""
    if purpose.marketing is None or use in ALLOWED_WHILE_RESTRICTED:
        return
    x, i = t.suppressions.c, t.identifiers.c
    mine = exists().where(i.subject_id == subject_id, i.kind == x.kind, i.lookup == x.lookup,
                          i.kind.in_(OBJECTED_KINDS))
    row = c.execute(select(x.id).where(_objection_to(purpose.key), or_(
        and_(x.subject_id == subject_id, x.kind == "subject"), mine)).limit(1)).first()
    if row is not None:
        raise RestrictedProcessing(marketing_refusal(purpose.key), field="purpose")


def marketing_objections(c: Connection, lookups: Collection[bytes]) -> dict[bytes, set[str | None]]:
    """For a batch of e-mail lookups (keyed hashes), the marketing purposes each has objected to (None: all):
    the rule of :func:`check_marketing_objection` for subjects not yet in the register (the import), one query
    per chunk of lookups."""
    x = t.suppressions.c
    out: dict[bytes, set[str | None]] = {}
    wanted = list(lookups)
    for n in range(0, len(wanted), 500):
        for lookup, purpose in c.execute(select(x.lookup, x.purpose).where(
                x.reason == "objection", x.kind.in_(OBJECTED_KINDS), x.lookup.in_(wanted[n:n + 500]))):
            out.setdefault(bytes(lookup), set()).add(purpose)
    return out


def objected(purposes: set[str | None], purpose: str) -> bool:
    """Do the objected ``purposes`` (from :func:`marketing_objections`) bar ``purpose``?"""
    return None in purposes or purpose in purposes
