"""Who is on the line: look a caller up by what they give, and the agent's summary of their profile.

``lookup`` takes what a caller or an e-mail gives — a phone number in any common format ("+47 975 27 747",
"97527747", "0047 975-27-747", "+47 6790 4848"), an e-mail address, a customer number or an order number —
and finds the subjects through the register's keyed hashes (TZ10). A sealed bookkeeping record is found by
its order number and by nothing else (TZ4). Every lookup is written to the audit trail with the actor and the
purpose, never with the text searched (Art. 5(2), 30; issue 8).

``profile`` is what the agent sees (TZ8, TZ10): masked identifiers, the name if a record holds one, records
per purpose with their legal basis and time left, open cases, the last contacts, consents per channel,
restrictions and open requests. Restricted data is not shown for ordinary use (Art. 18(2), TP13d). It reads
each table once, whatever the number of records (STYLE.md habit 4).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, select

from personvern.audit.events import SubjectLookedUp, SubjectViewed
from personvern.errors import InvalidIdentifier, NotFound
from personvern.notice.wording import describe_basis
from personvern.register import schema as t
from personvern.register.crypto import decrypt
from personvern.register.identifiers import KINDS
from personvern.service._checks import require_purpose

if TYPE_CHECKING:
    from personvern.register.store import Register

__all__ = [
    "CaseLine",
    "ConsentLine",
    "ContactLine",
    "Profile",
    "ProfileSummary",
    "PurposeGroup",
    "RequestLine",
    "RestrictionLine",
    "detect_kinds",
    "display_name",
    "lookup",
    "profile",
]

NAMED_HITS = 10  # a lookup shows the name of at most this many hits (a phone number rarely has more)
LAST_CONTACTS = 10  # how many of the newest contacts the agent sees on the profile
OPEN_REQUEST = ("received", "verified", "in_progress")
_PHONE_CHARS = re.compile(r"^[\d\s().+-]+$")


@dataclass(frozen=True)
class ProfileSummary:
    """One hit of a lookup. ``subject`` is None for a sealed record, which belongs to no subject (TZ4)."""

    subject: str | None
    kind: str  # the subject's kind, or "sealed"
    matched_by: str  # the identifier kind that matched: phone, email, customer_number, order_number
    identifiers: dict[str, list[str]] = field(default_factory=dict)  # masked
    sealed_records: tuple[int, ...] = ()
    name: str | None = None  # so the agent knows whom the number belongs to; None if no record holds one


@dataclass(frozen=True)
class PurposeGroup:
    purpose: str
    name: str
    legal_basis: str
    records: int
    restricted: int  # records here that ordinary use may not see (Art. 18(2))
    retention_until: date | None  # the latest end among the visible records; None: awaits an event
    awaiting_event: bool  # some record has no end date yet (an event such as case.closed is missing)


@dataclass(frozen=True)
class CaseLine:
    ref: str
    kind: str
    purpose: str
    opened_at: datetime


@dataclass(frozen=True)
class ContactLine:
    channel: str
    direction: str
    purpose: str
    at: datetime
    actor: str
    has_text: bool


@dataclass(frozen=True)
class ConsentLine:
    purpose: str
    channel: str | None
    given: bool
    since: datetime


@dataclass(frozen=True)
class RestrictionLine:
    ground: str
    purpose: str | None  # restricted except for this purpose (TP13c)
    record: int | None
    placed_at: datetime


@dataclass(frozen=True)
class RequestLine:
    ref: str
    kind: str
    status: str
    due_on: date


@dataclass(frozen=True)
class Profile:
    subject: str
    kind: str
    name: str | None
    identifiers: dict[str, list[str]]
    purposes: list[PurposeGroup]
    open_cases: list[CaseLine]
    last_contacts: list[ContactLine]
    consents: list[ConsentLine]
    restrictions: list[RestrictionLine]
    open_requests: list[RequestLine]
    linked_to: str | None = None  # an alarm contact's customer (SN2d)


# -- lookup ---------------------------------------------------------------------------------------------


def detect_kinds(query: str) -> list[str]:
    """The identifier kinds a query may be, most likely first.

    "@" makes it an e-mail; a leading "+" or "00" a phone number; other digits (with spaces, dashes, dots or
    parentheses) may be a national phone number as well as a customer or order number, so all are tried."""
    text = query.strip()
    if not text:
        raise InvalidIdentifier("empty query", field="query")
    if "@" in text:
        return ["email"]
    compact = re.sub(r"[\s().-]", "", text)
    if _PHONE_CHARS.match(text) and re.match(r"^(\+|00)\d+$", compact):
        return ["phone"]
    kinds = ["phone"] if _PHONE_CHARS.match(text) and compact.isdigit() and len(compact) >= 8 else []
    return [*kinds, "customer_number", "order_number"]


def lookup(reg: Register, query: str, *, kind: str | None = None, purpose: str,
           by: str | None = None) -> list[ProfileSummary]:
    """Subjects (and sealed records, by order number only) matching ``query``; audited per lookup (TZ10)."""
    require_purpose(reg, purpose)
    if kind is not None and kind not in KINDS:
        raise InvalidIdentifier(f"unknown identifier kind; known: {', '.join(KINDS)}", field="kind")
    kinds = [kind] if kind else detect_kinds(query)
    actor = reg.acting(by, reg.role) if by else reg
    hits: dict[str, str] = {}  # subject ref -> the kind that matched
    sealed: list[int] = []
    errors: list[InvalidIdentifier] = []
    for k in kinds:
        try:
            refs = actor.find(k, query, purpose=purpose)  # audits the search: kind, purpose, actor; no value
        except InvalidIdentifier as exc:
            errors.append(exc)
            continue
        for ref in refs:
            hits.setdefault(ref, k)
        if k == "order_number":
            sealed += _sealed(reg, query)
    if len(errors) == len(kinds):
        raise errors[0]  # the query is not any kind of identifier: say why
    if sealed:  # a sealed record belongs to no subject: its finding is audited by record id (TZ4)
        with reg.transaction() as c:
            actor.audit(c, SubjectLookedUp(purpose=purpose, by="order_number", found=len(sealed),
                                           record_ids=tuple(sealed)))
    return _summaries(reg, hits, sealed, purpose)


def _sealed(reg: Register, query: str) -> list[int]:
    try:
        return [r.id for r in reg.find_sealed(query)]
    except NotFound:
        return []


def _summaries(reg: Register, hits: dict[str, str], sealed: list[int], purpose: str) -> list[ProfileSummary]:
    out: list[ProfileSummary] = []
    names: dict[str, str | None] = {}
    if hits:
        s, i = t.subjects, t.identifiers
        with reg.engine.connect() as c:
            rows = c.execute(select(s.c.ref, s.c.kind, i.c.kind.label("ikind"), i.c.masked)
                             .select_from(s.outerjoin(i, i.c.subject_id == s.c.id))
                             .where(s.c.ref.in_(list(hits))).order_by(s.c.id, i.c.id)).all()
            kinds: dict[str, str] = {}
            masked: dict[str, dict[str, list[str]]] = defaultdict(dict)
            for r in rows:
                kinds[r.ref] = r.kind
                if r.ikind is not None:
                    masked[r.ref].setdefault(r.ikind, []).append(r.masked)
            for ref in list(kinds)[:NAMED_HITS]:
                names[ref] = _hit_name(reg, c, ref, purpose)
        out += [ProfileSummary(ref, kinds[ref], hits[ref], masked.get(ref, {}), name=names.get(ref))
                for ref in hits if ref in kinds]
    if sealed:
        out.append(ProfileSummary(None, "sealed", "order_number", {}, tuple(sealed)))
    return out


def _hit_name(reg: Register, c: Connection, ref: str, purpose: str) -> str | None:
    """The name on a hit, read as the profile reads it (not from records restricted for ``purpose``)."""
    sid = reg.subject_id(c, ref)
    hidden = _hidden(_restrictions(c, sid), purpose)
    records = c.execute(select(t.records).where(t.records.c.subject_id == sid, t.records.c.state == "active")
                        .order_by(t.records.c.id.desc())).all()
    return _name(reg, c, sid, [r for r in records if not hidden(r)])[0]


def display_name(reg: Register, subject: str) -> str | None:
    """The subject's name for a greeting ("Hei, Kari!"): the newest active record holding ``user.name``."""
    with reg.engine.connect() as c:
        sid = reg.subject_id(c, subject)
        records = c.execute(select(t.records).where(t.records.c.subject_id == sid, t.records.c.state == "active")
                            .order_by(t.records.c.id.desc())).all()
        return _name(reg, c, sid, list(records))[0]


# -- profile --------------------------------------------------------------------------------------------


def profile(reg: Register, subject: str, *, purpose: str, by: str | None = None, lang: str = "en") -> Profile:
    """The agent's view of one subject: one query per table, audited as a view under ``purpose``."""
    require_purpose(reg, purpose)
    with reg.engine.connect() as c:
        row = c.execute(select(t.subjects.c.id, t.subjects.c.kind, t.subjects.c.linked_to)
                        .where(t.subjects.c.ref == subject)).first()
        if row is None:
            raise NotFound(f"no subject {subject}", field="subject")
        sid = int(row.id)
        restr = _restrictions(c, sid)
        hidden = _hidden(restr, purpose)
        records = c.execute(select(t.records).where(t.records.c.subject_id == sid)
                            .order_by(t.records.c.id.desc())).all()
        visible = [r for r in records if not hidden(r)]
        name, read_ids = _name(reg, c, sid, visible)
        view = Profile(
            subject=subject, kind=row.kind, name=name, identifiers=_identifiers(c, sid),
            purposes=_groups(reg, records, visible, lang), open_cases=_cases(c, sid),
            last_contacts=_contacts(c, sid), consents=_consents(c, sid),
            restrictions=[RestrictionLine(x.ground, x.purpose, x.record_id, x.placed_at) for x in restr],
            open_requests=_requests(c, sid), linked_to=_ref(c, row.linked_to))
    actor = reg.acting(by, reg.role) if by else reg
    with reg.transaction() as c:
        actor.audit(c, SubjectViewed(subject_ref=subject, purpose=purpose, record_ids=tuple(read_ids)))
    return view


def _restrictions(c: Connection, sid: int) -> Sequence[Any]:
    x = t.restrictions
    return c.execute(select(x).where(x.c.subject_id == sid, x.c.lifted_at.is_(None)).order_by(x.c.id)).all()


def _hidden(restr: Sequence[Any], purpose: str) -> Any:
    """Which records ordinary use may not see, by the same rule as ``holds.check_use`` (Art. 18(2), TP13c)."""
    general = any(x.record_id is None and x.purpose is None for x in restr)
    kept_for = {x.purpose for x in restr if x.record_id is None and x.purpose is not None}
    by_record = {x.record_id for x in restr if x.record_id is not None}

    def hidden(r: Any) -> bool:
        if general or r.id in by_record:
            return True
        return bool(kept_for) and (purpose not in kept_for or r.purpose not in kept_for)

    return hidden


def _identifiers(c: Connection, sid: int) -> dict[str, list[str]]:
    i = t.identifiers
    out: dict[str, list[str]] = {}
    for r in c.execute(select(i.c.kind, i.c.masked).where(i.c.subject_id == sid).order_by(i.c.id)):
        out.setdefault(r.kind, []).append(r.masked)
    return out


def _name(reg: Register, c: Connection, sid: int, visible: list[Any]) -> tuple[str | None, list[int]]:
    """The newest visible record that holds ``user.name``: one key read, one decryption."""
    for r in visible:
        if "user.name" in r.categories and r.payload is not None and r.state == "active":
            payload = json.loads(decrypt(reg.keys.subject_key(c, sid), r.payload, b"record"))
            if isinstance(payload, dict) and isinstance(payload.get("user.name"), str):
                return payload["user.name"], [r.id]
    return None, []


def _groups(reg: Register, records: Sequence[Any], visible: list[Any], lang: str) -> list[PurposeGroup]:
    seen = {r.id for r in visible}
    by_purpose: dict[str, list[Any]] = defaultdict(list)
    for r in records:
        by_purpose[r.purpose].append(r)
    out = []
    for key in sorted(by_purpose):
        rows = by_purpose[key]
        shown = [r for r in rows if r.id in seen]
        ends = [r.retention_until for r in shown if r.retention_until is not None]
        p = reg.policy.purpose(key)
        out.append(PurposeGroup(
            purpose=key, name=p.name(lang) if p else key,
            legal_basis=describe_basis(p.legal_basis, lang) if p else "",
            records=len(rows), restricted=len(rows) - len(shown), retention_until=max(ends, default=None),
            awaiting_event=any(r.retention_until is None for r in shown)))
    return out


def _cases(c: Connection, sid: int) -> list[CaseLine]:
    x = t.cases
    rows = c.execute(select(x).where(x.c.subject_id == sid, x.c.closed_at.is_(None)).order_by(x.c.id)).all()
    return [CaseLine(r.ref, r.kind, r.purpose, r.opened_at) for r in rows]


def _contacts(c: Connection, sid: int) -> list[ContactLine]:
    x = t.contact_log
    rows = c.execute(select(x).where(x.c.subject_id == sid).order_by(x.c.at.desc(), x.c.id.desc())
                     .limit(LAST_CONTACTS)).all()
    return [ContactLine(r.channel, r.direction, r.purpose, r.at, r.actor, r.record_id is not None) for r in rows]


def _consents(c: Connection, sid: int) -> list[ConsentLine]:
    """The current state per purpose and channel, derived from the ledger's history (Art. 7(1))."""
    x = t.consents
    rows = c.execute(select(x).where(x.c.subject_id == sid)).all()
    given: dict[tuple[str, str | None], datetime] = {}
    withdrawn: dict[tuple[str, str | None], datetime] = {}
    for r in rows:
        k = (r.purpose, r.channel)
        if r.withdrawn_at is None:
            given[k] = max(given.get(k, r.given_at), r.given_at)
        else:
            withdrawn[k] = max(withdrawn.get(k, r.withdrawn_at), r.withdrawn_at)
    keys = sorted(set(given) | set(withdrawn), key=lambda k: (k[0], k[1] or ""))
    return [ConsentLine(k[0], k[1], k in given, given[k] if k in given else withdrawn[k]) for k in keys]


def _requests(c: Connection, sid: int) -> list[RequestLine]:
    x = t.requests
    rows = c.execute(select(x.c.ref, x.c.kind, x.c.status, x.c.due_on, x.c.extended_to)
                     .where(x.c.subject_id == sid, x.c.status.in_(OPEN_REQUEST)).order_by(x.c.due_on)).all()
    return [RequestLine(r.ref, r.kind, r.status, r.extended_to or r.due_on) for r in rows]


def _ref(c: Connection, sid: int | None) -> str | None:
    if sid is None:
        return None
    return c.execute(select(t.subjects.c.ref).where(t.subjects.c.id == sid)).scalar()
