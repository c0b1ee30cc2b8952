"""Customer-service cases: open on a profile (creating one if there is none, TZ8), close, and list.

A case is a row in ``cases`` and a record under its purpose, so the case's retention is the purpose's rule:
TP3 "until the case is closed, but at least 30 days" (``until case.closed, at least 30 days``), TZ9/TZ11
"the limitation period after the case is closed" (foreldelsesloven § 2, 3 years), SN4 "3 years" from the
e-mail. While a case is open an ``until case.closed`` rule has no end date, so the sweep leaves it. Closing
records the policy's ``case.closed`` event on the case's record and on the e-mails logged on the case
(record events, so another open case of the same customer keeps its own clock) and recomputes their
``retention_until`` in the same transaction. Basis: the purpose's, usually Art. 6(1)(f).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, insert, select, update

from personvern.errors import NotFound, RegisterError
from personvern.register import records
from personvern.register import schema as t
from personvern.service._checks import check_choice, require_purpose, text_category
from personvern.service.events import CaseClosed, CaseOpened

if TYPE_CHECKING:
    from personvern.register.store import Register

__all__ = ["CASE_CLOSED", "CASE_KINDS", "CaseView", "cases", "close_case", "open_case"]

CASE_KINDS = ("service", "complaint", "warranty")
CASE_CLOSED = "case.closed"  # the event name in tek-zence.yaml and tp-ecommerce.yaml


@dataclass(frozen=True)
class CaseView:
    ref: str
    subject: str
    kind: str
    purpose: str
    opened_at: datetime
    closed_at: datetime | None
    opened_by: str
    record: int | None
    retention_until: date | None  # the case record's end; None while it awaits the closing
    profile_created: bool = False


def open_case(reg: Register, *, subject: str | None = None, identifiers: Mapping[str, Any] | None = None,
              kind: str, purpose: str, by: str, description: str | None = None) -> CaseView:
    """Open a case on ``subject``, or on the profile the ``identifiers`` find — creating one if none does
    (TZ8: "a service or complaint case that needs follow-up creates a profile if there is none").
    ``description`` (what the case is about) is stored encrypted in the case's record, under its purpose."""
    check_choice(kind, CASE_KINDS, "kind")
    p = require_purpose(reg, purpose)
    created, subject_kind = False, ""
    if subject is None:
        if not identifiers:
            raise RegisterError("a case is opened on a subject, or on identifiers that find or create one",
                                field="subject")
        subject = _existing(reg, identifiers)
        created = subject is None
        if created:
            subject_kind = "customer" if "customer" in p.subjects else p.subjects[0]
    category = _case_category(reg, p)
    actor = reg.acting(by, reg.role)
    with reg.transaction() as c:  # the profile, the case's record, its row and the audit entries: all or none
        if created:
            subject = actor.add_subject(subject_kind, identifiers, conn=c)  # audited as subject.created by `by`
        assert subject is not None
        rid = actor.write(subject, purpose, [category], {category: description} if description else None, conn=c)
        sid = reg.subject_id(c, subject)
        ref = str(uuid.uuid4())
        case_id = int(c.execute(insert(t.cases).values(
            ref=ref, subject_id=sid, record_id=rid, purpose=purpose, kind=kind, opened_at=reg.clock(),
            opened_by=by).returning(t.cases.c.id)).scalar_one())
        actor.audit(c, CaseOpened(subject_ref=subject, purpose=purpose, record_ids=(rid,),
                                           case_id=case_id, kind=kind, profile_created=created))
        return _view(c, ref, created)


def close_case(reg: Register, case_ref: str, *, by: str, on: date | None = None) -> CaseView:
    """Close a case on ``on`` (default today): ``case.closed`` is recorded on its records and their
    retention recomputed (TP3: closed and at least 30 days)."""
    day = on or reg.today()
    with reg.transaction() as c:
        row = c.execute(select(t.cases, t.subjects.c.ref.label("subject_ref"))
                        .join(t.subjects, t.subjects.c.id == t.cases.c.subject_id)
                        .where(t.cases.c.ref == case_ref)).first()
        if row is None:
            raise NotFound(f"no case {case_ref}", field="case")
        if row.closed_at is not None:
            raise RegisterError(f"case {case_ref} is already closed", field="case")
        if day < row.opened_at.date():
            raise RegisterError("a case cannot be closed before it was opened", field="on")
        c.execute(update(t.cases).where(t.cases.c.id == row.id).values(closed_at=reg.clock()))
        ids = _case_records(c, row)
        if ids and CASE_CLOSED in reg.policy.events:
            c.execute(insert(t.events), [
                {"subject_id": row.subject_id, "record_id": rid, "event": CASE_CLOSED, "occurred_on": day,
                 "recorded_at": reg.clock()} for rid in ids])
            records.recompute(reg, c, record_ids=ids)
        reg.acting(by, reg.role).audit(c, CaseClosed(subject_ref=row.subject_ref, purpose=row.purpose,
                                                     record_ids=tuple(ids), case_id=row.id,
                                                     closed_on=day.isoformat()))
        return _view(c, case_ref)


def cases(reg: Register, subject: str) -> list[CaseView]:
    """A subject's cases, oldest first, with each case record's retention."""
    with reg.engine.connect() as c:
        sid = reg.subject_id(c, subject)
        rows = c.execute(_select().where(t.cases.c.subject_id == sid).order_by(t.cases.c.id)).all()
    return [_from_row(r) for r in rows]


def _existing(reg: Register, identifiers: Mapping[str, Any]) -> str | None:
    found: list[str] = []
    for kind, values in identifiers.items():
        for value in [values] if isinstance(values, str) else values:
            found += [ref for ref in reg.find(kind, value) if ref not in found]
    if len(found) > 1:
        raise RegisterError(f"the identifiers match {len(found)} profiles; open the case on one of them",
                            field="identifiers")
    return found[0] if found else None


def _case_category(reg: Register, p: Any) -> str:
    try:
        return text_category(reg.policy, p)
    except RegisterError:
        return str(p.categories[0])


def _case_records(c: Connection, row: Any) -> list[int]:
    """The case's own record and the e-mails logged on it."""
    logged = c.execute(select(t.contact_log.c.record_id).where(
        t.contact_log.c.case_id == row.id, t.contact_log.c.record_id.is_not(None))).scalars().all()
    ids = [row.record_id] if row.record_id is not None else []
    return ids + sorted({int(x) for x in logged} - set(ids))


def _select() -> Any:
    k, s, r = t.cases, t.subjects, t.records
    return (select(k, s.c.ref.label("subject_ref"), r.c.retention_until)
            .select_from(k.join(s, s.c.id == k.c.subject_id).outerjoin(r, r.c.id == k.c.record_id)))


def _view(c: Connection, ref: str, created: bool = False) -> CaseView:
    return _from_row(c.execute(_select().where(t.cases.c.ref == ref)).one(), created)


def _from_row(r: Any, created: bool = False) -> CaseView:
    return CaseView(r.ref, r.subject_ref, r.kind, r.purpose, r.opened_at, r.closed_at, r.opened_by, r.record_id,
                    r.retention_until, created)
