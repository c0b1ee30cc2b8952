"""Records and lifecycle events: every write names a purpose the policy allows; retention is per record.

A record belongs to one subject and one purpose. Its categories must be among the purpose's categories,
its subject's kind among the purpose's subjects, and a consent-based purpose needs a valid consent
(Art. 6(1)(a), Art. 7). ``retention_until`` is computed from the purpose's rule when the record is
written and again whenever an event it depends on arrives.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, and_, bindparam, func, insert, or_, select, update

from personvern.audit import EventRecorded, RecordRead, RecordWritten
from personvern.errors import CategoryNotAllowed, ConsentRequired, NotFound, RegisterError, UnknownPurpose
from personvern.policy import taxonomy
from personvern.policy.model import Purpose
from personvern.policy.retention import ByCategory, Facts, retention_end, rules_of
from personvern.register import schema as t
from personvern.register.crypto import decrypt, encrypt
from personvern.register.holds import (
    ALLOWED_WHILE_RESTRICTED,
    check_marketing_objection,
    check_objection,
    check_use,
    not_restricted,
)
from personvern.register.hooks import run_event_hooks

if TYPE_CHECKING:
    from personvern.register.store import Register


@dataclass(frozen=True)
class RecordView:
    id: int
    purpose: str
    categories: list[str]
    source: str
    payload: dict[str, Any] | None
    collected_at: date
    retention_until: date | None
    state: str
    ref: str | None


def purpose_for_write(reg: Register, purpose: str, categories: Iterable[str], kind: str) -> Purpose:
    """The purpose, if the policy allows this write; else an error naming purpose and category."""
    p = reg.policy.purpose(purpose)
    if p is None:
        known = ", ".join(x.key for x in reg.policy.purposes)
        raise UnknownPurpose(f"'{purpose}' is not a purpose of this policy; known: {known}", field="purpose")
    for cat in categories:
        if not taxonomy.covers(cat, p.categories):
            raise CategoryNotAllowed(
                f"purpose '{purpose}' does not collect '{cat}' (it collects {', '.join(p.categories)})",
                field="categories")
    if kind not in p.subjects:
        raise RegisterError(f"purpose '{purpose}' does not process data about '{kind}' subjects "
                            f"(it covers {', '.join(p.subjects)})", field="purpose")
    return p


def payload_blob(key: bytes, payload: Mapping[str, Any] | None) -> bytes | None:
    if payload is None:
        return None
    return encrypt(key, json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str).encode(), b"record")


def write(reg: Register, subject: str, purpose: str, categories: list[str], payload: Mapping[str, Any] | None,
          *, source: str = "subject", collected: date | None = None, ref: str | None = None,
          events: Mapping[str, date] | None = None, use: str = "processing", conn: Connection | None = None) -> int:
    """Write a record; returns its id. Refused while the subject's processing is restricted (Art. 18(2)) or an
    objection to ``purpose`` is weighed (Art. 21(1), TP13d), unless ``use`` is one Art. 18(2) allows.

    With ``conn`` it runs in the caller's transaction, so a service writes the record and its own row
    (contact log, case) atomically; otherwise in its own."""
    if not categories:
        raise RegisterError("a record names at least one category", field="categories")
    with nullcontext(conn) if conn is not None else reg.transaction() as c:
        sid, kind = subject_row(c, subject)
        check_use(reg, sid, purpose, use, conn=c)
        check_objection(c, sid, purpose, use)
        p = purpose_for_write(reg, purpose, categories, kind)
        check_marketing_objection(c, sid, p, use)
        check_source(reg, p, source)
        check_case(p, categories)
        if consent_only(p) and not has_consent(c, sid, purpose):
            raise ConsentRequired(f"purpose '{purpose}' is based on consent (Art. 6(1)(a)) and the subject "
                                  "has not given it, or has withdrawn it", field="purpose")
        if p.on_erasure == "seal" and not ref:
            raise RegisterError(f"records of '{purpose}' are sealed on erasure and need 'ref': the order or "
                                "voucher number they are found by (TZ4)", field="ref")
        key = reg.keys.subject_key(c, sid)
        on = collected or reg.today()
        rid = c.execute(insert(t.records).values(
            subject_id=sid, purpose=purpose, categories=sorted(categories), source=source,
            payload=payload_blob(key, payload), state="active", collected_at=on, ref=ref,
            updated_at=reg.clock()).returning(t.records.c.id)).scalar_one()
        for name, when in (events or {}).items():
            _insert_event(reg, c, name, when, subject_id=sid, record_id=rid)
        reg.audit(c, RecordWritten(subject_ref=subject, purpose=purpose, record_ids=(rid,)))
        touch(c, [sid], on)
        if reg.activity_anchored:
            recompute(reg, c, subject_ids=[sid])
        else:
            recompute(reg, c, record_ids=[rid])
    return int(rid)


def check_case(p: Purpose, categories: list[str]) -> None:
    """A purpose whose period is chosen by the record's category (``by_category``) refuses a record that holds
    none of the categories the rule chooses by: it would have no period (issue 14 item 5)."""
    for rule in rules_of(p.retention, ByCategory):
        if not any(c == key or c.startswith(key + ".") for c in categories for key in rule.by_category):
            raise RegisterError(f"purpose '{p.key}' keeps a record for the period of its case: name one of "
                                f"{' or '.join(rule.by_category)} among the categories", field="categories")


def consent_changed(reg: Register, c: Connection, subject_id: int, purposes: Iterable[str]) -> None:
    """A consent was given or withdrawn: records whose retention it extends (``with_consent``) are recomputed,
    so withdrawing brings the date back at once (issue 14 item 5)."""
    if reg.retention_consents & set(purposes):
        recompute(reg, c, subject_ids=[subject_id])


def consent_only(p: Purpose) -> bool:
    """Consent is the only basis: without it nothing may be written. With a second basis (PI1: consent plus
    legitimate interest) processing may go on after a withdrawal, on that other basis."""
    return p.articles == {"a"}


def check_source(reg: Register, p: Purpose, source: str) -> None:
    if source not in taxonomy.sources(reg.policy):
        raise RegisterError(f"unknown source '{source}'", field="source")
    if source not in p.sources:
        raise RegisterError(f"purpose '{p.key}' does not declare the source '{source}' "
                            f"(it declares {', '.join(p.sources)}; TP9)", field="source")


def read(reg: Register, subject: str, purpose: str | None = None, *, use: str = "processing") -> list[RecordView]:
    """A subject's records, decrypted; audited as one ``record.read`` entry naming every record id (Art. 5(2)).

    Records restricted one by one (an objection to their purpose, a contested record: Art. 18(1), TP13d) are
    left out for ordinary use and read only for a use Art. 18(2) allows (storage, legal claims, others'
    rights, consent). Left out rather than refused: the subject's other records stay usable, and the audit
    entry names only what was read. The filter is a NOT EXISTS in the same query."""
    with reg.reading() as c:
        sid, _kind = subject_row(c, subject)
        q = select(t.records).where(t.records.c.subject_id == sid)
        if purpose:
            q = q.where(t.records.c.purpose == purpose)
        if use not in ALLOWED_WHILE_RESTRICTED:
            q = q.where(not_restricted(t.records))
        rows = c.execute(q.order_by(t.records.c.id)).all()
        key = reg.keys.subject_key(c, sid) if rows else b""
        reg.audit_read(c, RecordRead(subject_ref=subject, purpose=purpose or None,
                                record_ids=tuple(int(r.id) for r in rows)))
    return [view(r, key) for r in rows]


def view(r: Any, key: bytes | None) -> RecordView:
    payload = json.loads(decrypt(key, r.payload, b"record")) if (key and r.payload is not None) else r.reduced
    return RecordView(r.id, r.purpose, list(r.categories), r.source, payload, r.collected_at,
                      r.retention_until, r.state, r.ref)


def record_event(reg: Register, name: str, on: date, *, subject: str | None = None,
                 record: int | None = None) -> None:
    """Record a lifecycle event for a subject or one record and recompute what it affects.

    Allowed on restricted data: an event is a fact about the record's lifecycle that moves its retention end
    and may instruct recipients to delete (TZ6), which is storage and erasure, not use (Art. 18(2))."""
    if (subject is None) == (record is None):
        raise RegisterError("an event is recorded for a subject or for a record", field="subject")
    with reg.transaction() as c:
        if record is not None:
            row = c.execute(select(t.records.c.subject_id, t.subjects.c.ref)
                            .outerjoin(t.subjects, t.subjects.c.id == t.records.c.subject_id)
                            .where(t.records.c.id == record)).first()
            if row is None:
                raise NotFound(f"no record {record}", field="record")
            sid = row.subject_id
            _insert_event(reg, c, name, on, subject_id=sid, record_id=record)
            reg.audit(c, EventRecorded(subject_ref=row.ref, record_ids=(record,), event=name))
            recompute(reg, c, record_ids=[record])
        else:
            assert subject is not None
            sid, _ = subject_row(c, subject)
            _insert_event(reg, c, name, on, subject_id=sid, record_id=None)
            reg.audit(c, EventRecorded(subject_ref=subject, event=name))
            recompute(reg, c, subject_ids=[sid])
        run_event_hooks(reg, c, event=name, subject_id=sid, record_id=record)  # TZ6 deletion instructions
        if sid is not None and on <= reg.today():
            touch(c, [sid], on)
            if reg.activity_anchored:
                recompute(reg, c, subject_ids=[sid])


def _insert_event(reg: Register, c: Connection, name: str, on: date, *, subject_id: int | None,
                  record_id: int | None) -> None:
    if name not in reg.policy.events:
        known = ", ".join(reg.policy.events) or "none declared"
        raise RegisterError(f"unknown event '{name}'; the policy declares: {known}", field="event")
    c.execute(insert(t.events).values(subject_id=subject_id, record_id=record_id, event=name,
                                      occurred_on=on, recorded_at=reg.clock()))


def touch(c: Connection, subject_ids: list[int], on: date) -> None:
    """Move subjects' last activity forward (the anchor of 'N months after last_activity')."""
    c.execute(update(t.subjects).where(t.subjects.c.id.in_(subject_ids), or_(
        t.subjects.c.last_activity.is_(None), t.subjects.c.last_activity < on)).values(last_activity=on))


def has_consent(c: Connection, subject_id: int, purpose: str) -> bool:
    return c.execute(select(func.count()).select_from(t.consents).where(
        t.consents.c.subject_id == subject_id, t.consents.c.purpose == purpose,
        t.consents.c.withdrawn_at.is_(None))).scalar_one() > 0


def recompute(reg: Register, c: Connection, *, record_ids: list[int] | None = None,
              subject_ids: list[int] | None = None) -> int:
    """Recompute ``retention_until`` for records (or all records of subjects): one query per table read,
    one executemany write. Sealed records keep their statutory date."""
    cond = t.records.c.id.in_(record_ids) if record_ids is not None else t.records.c.subject_id.in_(subject_ids or [])
    rows = c.execute(select(t.records.c.id, t.records.c.subject_id, t.records.c.purpose,
                            t.records.c.collected_at, t.records.c.retention_until, t.records.c.categories)
                     .where(cond, t.records.c.state == "active")).all()
    if not rows:
        return 0
    sids = {r.subject_id for r in rows if r.subject_id is not None}
    ids = [r.id for r in rows]
    ev_rows = c.execute(select(t.events.c.subject_id, t.events.c.record_id, t.events.c.event,
                               func.max(t.events.c.occurred_on).label("on"))
                        .where(or_(t.events.c.record_id.in_(ids),
                                   and_(t.events.c.subject_id.in_(sids), t.events.c.record_id.is_(None))))
                        .group_by(t.events.c.subject_id, t.events.c.record_id, t.events.c.event)).all()
    by_record: dict[int, dict[str, date]] = defaultdict(dict)
    by_subject: dict[int, dict[str, date]] = defaultdict(dict)
    for e in ev_rows:
        (by_record[e.record_id] if e.record_id is not None else by_subject[e.subject_id])[e.event] = e.on
    activity = dict(c.execute(select(t.subjects.c.id, t.subjects.c.last_activity)
                              .where(t.subjects.c.id.in_(sids))).all())
    changes = []
    year_end = reg.policy.settings.year_end  # bokføringsloven § 13 counts from the end of the accounting year
    consents = _consents(reg, c, sids)
    for r in rows:
        facts = Facts(r.collected_at, {**by_subject.get(r.subject_id, {}), **by_record.get(r.id, {})},
                      activity.get(r.subject_id), year_end, frozenset(r.categories),
                      consents.get(r.subject_id, frozenset()))
        purpose = reg.policy.purpose(r.purpose)
        end = retention_end(purpose.retention, facts) if purpose and purpose.retention else None
        if end != r.retention_until:
            changes.append({"rid": r.id, "until": end})
    if changes:
        c.execute(update(t.records).where(t.records.c.id == bindparam("rid"))
                  .values(retention_until=bindparam("until")), changes)
    return len(changes)


def _consents(reg: Register, c: Connection, sids: set[int]) -> dict[int, frozenset[str]]:
    """Per subject, the purposes among ``reg.retention_consents`` its standing consents are to; no query when the
    policy extends no retention by consent."""
    if not reg.retention_consents or not sids:
        return {}
    k = t.consents.c
    found: dict[int, set[str]] = defaultdict(set)
    for sid, purpose in c.execute(select(k.subject_id, k.purpose).where(
            k.subject_id.in_(sids), k.purpose.in_(sorted(reg.retention_consents)), k.withdrawn_at.is_(None))):
        found[sid].add(purpose)
    return {sid: frozenset(ps) for sid, ps in found.items()}


def subject_row(c: Connection, subject: str) -> tuple[int, str]:
    row = c.execute(select(t.subjects.c.id, t.subjects.c.kind).where(t.subjects.c.ref == subject)).first()
    if row is None:
        raise NotFound(f"no subject {subject}", field="subject")
    return int(row.id), str(row.kind)

