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
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Integer, String, and_, bindparam, exists, literal, or_, select, union_all

from personvern.audit.events import SubjectLookedUp, SubjectViewed
from personvern.errors import InvalidIdentifier, NotFound
from personvern.notice.wording import describe_basis
from personvern.register import schema as t
from personvern.register.crypto import decrypt
from personvern.register.identifiers import KINDS, normalise
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
    description: str | None = None  # what the case is about, decrypted from its record; None if restricted


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
    """Subjects (and sealed records, by order number only) matching ``query``; audited per lookup (TZ10).

    Every kind the query may be is tried in ONE statement (subjects with their masked identifiers, and sealed
    records by order number, as one UNION ALL over the keyed-hash indexes), and the lookup is ONE journal
    insert: an entry per subject found (``by`` the kind that matched), one for sealed records (by record id,
    TZ4), or one with ``found=0`` naming the kinds tried (issue 13, cause 4)."""
    require_purpose(reg, purpose)
    if kind is not None and kind not in KINDS:
        raise InvalidIdentifier(f"unknown identifier kind; known: {', '.join(KINDS)}", field="kind")
    kinds = [kind] if kind else detect_kinds(query)
    actor = reg.acting(by, reg.role) if by else reg
    hashes: dict[str, bytes] = {}  # kind -> keyed hash of the normalised value
    errors: list[InvalidIdentifier] = []
    for k in kinds:
        try:
            hashes[k] = reg.keys.lookup(k, normalise(k, query).value)
        except InvalidIdentifier as exc:
            errors.append(exc)
    if not hashes:
        raise errors[0]  # the query is not any kind of identifier: say why
    with reg.reading() as c:
        rows = c.execute(_find_statement(tuple(hashes)), {f"h_{k}": h for k, h in hashes.items()}).all()
        hits, sealed, summaries, sids = _collect(rows)
        found = [SubjectLookedUp(subject_ref=ref, purpose=purpose, by=k, found=len(hits)) for ref, k in hits.items()]
        if sealed:  # a sealed record belongs to no subject: its finding is audited by record id (TZ4)
            found.append(SubjectLookedUp(purpose=purpose, by="order_number", found=len(sealed),
                                         record_ids=tuple(sealed)))
        actor.audit_read(c, *(found or [SubjectLookedUp(purpose=purpose, by="/".join(hashes), found=0)]))
        if hits:  # the name on each of the first hits, read as the profile reads it (not restricted records)
            names = _hit_names(reg, c, {sids[ref]: ref for ref in list(hits)[:NAMED_HITS]}, purpose)
            summaries = [replace(x, name=names.get(x.subject or "")) for x in summaries]
    if sealed:
        summaries.append(ProfileSummary(None, "sealed", "order_number", {}, tuple(sealed)))
    return summaries


@lru_cache(maxsize=32)
def _find_statement(kinds: tuple[str, ...]) -> Any:
    """Subjects matching any (kind, hash), each with every masked identifier, then sealed records by order number.

    Built once per combination of kinds, with the hashes as bound parameters ``h_<kind>`` (building the
    statement cost more than running it; issue 13). Columns: subject id (or record id), subject ref (NULL
    for a sealed record), subject kind, the kind that matched, and one masked identifier per row."""
    s, i, r = t.subjects, t.identifiers, t.records
    matched = i.alias("matched")
    cond = or_(*(and_(matched.c.kind == k, matched.c.lookup == bindparam(f"h_{k}")) for k in kinds))
    subjects = (select(s.c.id, s.c.ref, s.c.kind, matched.c.kind.label("by"), i.c.id.label("iid"),
                       i.c.kind.label("ikind"), i.c.masked)
                .select_from(matched.join(s, s.c.id == matched.c.subject_id)
                             .outerjoin(i, i.c.subject_id == s.c.id))
                .where(cond))
    if "order_number" not in kinds:
        return subjects.order_by(s.c.id, i.c.id)
    sealed = (select(r.c.id, literal(None, String).label("ref"), literal("sealed", String).label("kind"),
                     literal("order_number", String).label("by"), literal(None, Integer).label("iid"),
                     literal(None, String).label("ikind"), literal(None, String).label("masked"))
              .where(r.c.state == "sealed", r.c.seal_ref == bindparam("h_order_number")))
    both = union_all(subjects, sealed).subquery()
    return select(both).order_by(both.c.ref.is_(None), both.c.id, both.c.iid)


def _collect(rows: Sequence[Any]) -> tuple[dict[str, str], list[int], list[ProfileSummary], dict[str, int]]:
    hits: dict[str, str] = {}  # subject ref -> the kind that matched (the most likely kind first)
    order: list[str] = []
    kinds: dict[str, str] = {}
    masked: dict[str, dict[str, list[str]]] = defaultdict(dict)
    seen: set[tuple[str, int]] = set()
    sealed: list[int] = []
    sids: dict[str, int] = {}
    for row in rows:
        if row.ref is None:
            sealed.append(int(row.id))
            continue
        if row.ref not in kinds:
            order.append(row.ref)
            kinds[row.ref] = row.kind
            sids[row.ref] = int(row.id)
        hits.setdefault(row.ref, row.by)
        if row.iid is not None and (row.ref, row.iid) not in seen:  # one row per matched kind: count once
            seen.add((row.ref, row.iid))
            masked[row.ref].setdefault(row.ikind, []).append(row.masked)
    summaries = [ProfileSummary(ref, kinds[ref], hits[ref], masked.get(ref, {})) for ref in order]
    return hits, sorted(set(sealed)), summaries, sids


def _hit_names(reg: Register, c: Connection, refs: dict[int, str], purpose: str) -> dict[str, str]:
    """The name on each hit, read as the profile reads it (not from records restricted for ``purpose``).

    Two statements for all hits together, whatever their number: the records that may hold a name with each
    subject's wrapped key, and — only when a hit has any — the restrictions in force."""
    rows = c.execute(_names_statement(), {"sids": list(refs)}).all()
    restricted = {int(r.subject_id) for r in rows if r.restricted}
    restr = c.execute(_restrictions_statement(), {"sids": sorted(restricted)}).all() if restricted else []
    out: dict[str, str] = {}
    for r in rows:
        ref = refs[int(r.subject_id)]
        if ref in out or "user.name" not in r.categories:
            continue
        if r.subject_id in restricted and _hidden([x for x in restr if x.subject_id == r.subject_id], purpose)(r):
            continue
        payload = json.loads(decrypt(reg.keys.master.unwrap(r.wrapped), r.payload, b"record"))
        if isinstance(payload, dict) and isinstance(payload.get("user.name"), str):
            out[ref] = payload["user.name"]
    return out


@lru_cache(maxsize=1)
def _names_statement() -> Any:  # built once
    r, k, x = t.records, t.subject_keys, t.restrictions
    any_restriction = exists().where(x.c.subject_id == r.c.subject_id, x.c.lifted_at.is_(None))
    return (select(r.c.subject_id, r.c.id, r.c.purpose, r.c.categories, r.c.payload, k.c.wrapped,
                   any_restriction.label("restricted"))
            .join(k, k.c.subject_id == r.c.subject_id)
            .where(r.c.subject_id.in_(bindparam("sids", expanding=True)), r.c.state == "active",
                   r.c.payload.is_not(None))
            .order_by(r.c.subject_id, r.c.id.desc()))


@lru_cache(maxsize=1)
def _restrictions_statement() -> Any:  # built once
    x = t.restrictions
    return select(x).where(x.c.subject_id.in_(bindparam("sids", expanding=True)), x.c.lifted_at.is_(None))


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
        keys: dict[int, bytes] = {}
        name, read_ids = _name(reg, c, sid, visible, keys)
        open_cases, described = _cases(reg, c, sid, visible, keys)
        read_ids += described
        view = Profile(
            subject=subject, kind=row.kind, name=name, identifiers=_identifiers(c, sid),
            purposes=_groups(reg, records, visible, lang), open_cases=open_cases,
            last_contacts=_contacts(c, sid), consents=_consents(c, sid),
            restrictions=[RestrictionLine(x.ground, x.purpose, x.record_id, x.placed_at) for x in restr],
            open_requests=_requests(c, sid), linked_to=_ref(c, row.linked_to))
    actor = reg.acting(by, reg.role) if by else reg
    with reg.reading() as c:
        actor.audit_read(c, SubjectViewed(subject_ref=subject, purpose=purpose, record_ids=tuple(read_ids)))
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


def _payload(reg: Register, c: Connection, sid: int, r: Any, keys: dict[int, bytes]) -> Any:
    """A record's payload, decrypted; the subject's key is read once per profile (``keys`` caches it)."""
    if sid not in keys:
        keys[sid] = reg.keys.subject_key(c, sid)
    return json.loads(decrypt(keys[sid], r.payload, b"record"))


def _name(reg: Register, c: Connection, sid: int, visible: list[Any],
          keys: dict[int, bytes] | None = None) -> tuple[str | None, list[int]]:
    """The newest visible record that holds ``user.name``: one key read, one decryption."""
    for r in visible:
        if "user.name" in r.categories and r.payload is not None and r.state == "active":
            payload = _payload(reg, c, sid, r, {} if keys is None else keys)
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


def _cases(reg: Register, c: Connection, sid: int, visible: list[Any],
           keys: dict[int, bytes]) -> tuple[list[CaseLine], list[int]]:
    """The open cases with their descriptions (from the case records ordinary use may see), and the ids of
    the records read for them (the view's audit entry names them)."""
    x = t.cases
    rows = c.execute(select(x).where(x.c.subject_id == sid, x.c.closed_at.is_(None)).order_by(x.c.id)).all()
    shown = {r.id: r for r in visible if r.state == "active" and r.payload is not None}
    lines, read = [], []
    for r in rows:
        record = shown.get(r.record_id)
        payload = _payload(reg, c, sid, record, keys) if record is not None else None
        texts = [v for v in payload.values() if isinstance(v, str) and v.strip()] if isinstance(payload, dict) else []
        if texts:
            read.append(int(r.record_id))
        lines.append(CaseLine(r.ref, r.kind, r.purpose, r.opened_at, " ".join(texts) or None))
    return lines, read


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
