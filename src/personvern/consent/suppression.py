"""The suppression list: who must not get marketing, as keyed hashes that survive erasure.

An objection to direct marketing is absolute and immediate (GDPR Art. 21(2)-(3), TP13e, KL7): every
marketing consent is withdrawn on every channel and the subject's e-mail addresses and phone numbers go on
the list as HMACs of their normalised form (``reg.keys.lookup``, the register's own lookup key). Because the
list is not tied to a subject row, it outlives an erasure and blocks a new subject created later with the
same address: the subject is created, but :func:`personvern.consent.decision.may_contact` refuses
marketing to it.

Reasons: ``objection`` (Art. 21), ``opt_out`` (a withdrawn marketing consent or an opt-out from
soft opt-in, markedsføringsloven § 15 second paragraph) and ``sperreliste`` (the business's own internal
reservation list, markedsføringsloven §§ 12–13: honoured on every channel). A consent given after an
objection or opt-out is a new, explicit choice and lifts it for that purpose and channel; the sperreliste
is lifted only by removing the entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from sqlalchemy import Connection, and_, exists, insert, literal, or_, select, union_all

from personvern.consent._audit import MarketingObjected, SuppressionAdded
from personvern.consent._rows import withdraw_rows
from personvern.errors import RegisterError, UnknownPurpose
from personvern.register import schema as t
from personvern.register.identifiers import normalise

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement

    from personvern.register.store import Register

Reason = Literal["objection", "opt_out", "sperreliste"]
REASONS = ("objection", "opt_out", "sperreliste")
KINDS = ("email", "phone", "address")


@dataclass(frozen=True)
class ObjectionResult:
    """What an objection to marketing stopped."""

    purposes: list[str]  # the marketing purposes that no longer reach the subject
    consents_withdrawn: list[int] = field(default_factory=list)
    suppressed: int = 0  # suppression entries added (addresses and the subject itself)
    at: datetime | None = None  # when the consents were withdrawn (a replay of the erasure ledger stamps the same)


def normalised(kind: str, value: str) -> str:
    """The normalised form that is hashed: e-mail and phone as the register normalises them (any common
    format of a phone number is one number); a postal address case-folded with spaces and commas collapsed."""
    if kind == "address":
        text = " ".join(value.replace(",", " ").split()).casefold()
        if not text:
            raise RegisterError("empty address", field="address")
        return text
    if kind not in KINDS:
        raise RegisterError(f"unknown kind '{kind}'; known: {', '.join(KINDS)}", field="kind")
    return normalise(kind, value).value


def _check(reg: Register, reason: str, purpose: str | None, channel: str | None) -> None:
    if reason not in REASONS:
        raise RegisterError(f"unknown reason '{reason}'; known: {', '.join(REASONS)}", field="reason")
    if purpose is not None and reg.policy.purpose(purpose) is None:
        raise UnknownPurpose(f"'{purpose}' is not a purpose of this policy", field="purpose")
    if channel is not None and channel not in ("email", "sms", "post", "phone"):
        raise RegisterError(f"unknown channel '{channel}'", field="channel")


def suppress(reg: Register, conn: Connection | None, *, kind: str, value: str, reason: str,
             purpose: str | None = None, channel: str | None = None) -> int:
    """Put one address on the list (e.g. a sperreliste entry taken on the phone); returns 1, or 0 when the
    same entry is already there. Only the keyed hash is stored."""
    _check(reg, reason, purpose, channel)
    lookup = reg.keys.lookup(kind, normalised(kind, value))
    x = t.suppressions.c
    with reg._conn(conn) as c:
        same = [x.kind == kind, x.lookup == lookup, x.reason == reason, _is(x.purpose, purpose),
                _is(x.channel, channel), x.subject_id.is_(None)]
        if c.execute(select(x.id).where(*same)).first() is not None:
            return 0
        c.execute(insert(t.suppressions).values(kind=kind, lookup=lookup, purpose=purpose, channel=channel,
                                                reason=reason, created_at=reg.clock()))
        reg.audit(c, SuppressionAdded(purpose=purpose, reason=reason, kinds=(kind,), channel=channel, entries=1))
    return 1


def suppress_subject(reg: Register, conn: Connection | None, subject: str, *, reason: str = "objection",
                     purpose: str | None = None, channel: str | None = None, subject_id: int | None = None) -> int:
    """Put all of the subject's e-mail addresses and phone numbers on the list (set-based: one INSERT …
    SELECT from ``identifiers``), plus an entry for the subject itself so one without any address is covered
    too. Returns how many entries were added. The rights workflow calls this before an erasure, so the
    objection outlives the subject. ``subject_id`` saves a lookup when the caller has it."""
    _check(reg, reason, purpose, channel)
    x, i = t.suppressions, t.identifiers
    with reg._conn(conn) as c:
        sid = subject_id if subject_id is not None else reg.subject_id(c, subject)
        now = reg.clock()
        same = [x.c.reason == reason, _is(x.c.purpose, purpose), _is(x.c.channel, channel)]
        src = (select(i.c.kind, i.c.lookup, literal(purpose, x.c.purpose.type), literal(channel, x.c.channel.type),
                      literal(reason, x.c.reason.type), literal(now, x.c.created_at.type), i.c.subject_id)
               .where(i.c.subject_id == sid, i.c.kind.in_(("email", "phone")),
                      ~exists().where(x.c.kind == i.c.kind, x.c.lookup == i.c.lookup, *same)))
        cols = ["kind", "lookup", "purpose", "channel", "reason", "created_at", "subject_id"]
        own = select(literal("subject", x.c.kind.type), literal(reg.keys.lookup("subject", subject), x.c.lookup.type),
                     literal(purpose, x.c.purpose.type), literal(channel, x.c.channel.type),
                     literal(reason, x.c.reason.type), literal(now, x.c.created_at.type),
                     literal(sid, x.c.subject_id.type)).where(
            ~exists().where(x.c.subject_id == sid, x.c.kind == "subject", *same))
        # the addresses and the subject's own entry, in one INSERT … SELECT … UNION ALL SELECT
        added = len(c.execute(insert(x).from_select(cols, union_all(src, own)).returning(x.c.id)).all())
        if added:
            reg.audit(c, SuppressionAdded(subject_ref=subject, purpose=purpose, reason=reason,
                                          kinds=("email", "phone", "subject"), channel=channel, entries=added))
    return int(added)


def object_to_marketing(reg: Register, subject: str, *, by: str, purpose: str | None = None,
                        conn: Connection | None = None) -> ObjectionResult:
    """The subject objects to direct marketing (Art. 21(2)-(3), TP13e, KL7): absolute and immediate.

    Withdraws every consent to a marketing purpose (or to ``purpose``) on every channel, suppresses the
    subject's addresses, and writes an audit entry — all in one transaction (``conn``'s when given). The
    objection as a data-subject request, with the marketing records erased or restricted (Art. 21(3)), is
    ``personvern.rights.object_for_subject`` / ``rights.handle.object_to``: interfaces call those."""
    marketing = [p.key for p in reg.policy.purposes if p.marketing is not None]
    if purpose is not None:
        if purpose not in marketing:
            raise RegisterError(f"'{purpose}' is not a marketing purpose of this policy", field="purpose")
        marketing = [purpose]
    with reg._conn(conn) as c:
        sid = reg.subject_id(c, subject)
        now = reg.clock()
        withdrawn = withdraw_rows(reg, c, sid, subject, purposes=marketing, channel=None, by=by, at=now) \
            if marketing else []
        added = suppress_subject(reg, c, subject, reason="objection", purpose=purpose, subject_id=sid)
        reg.audit(c, MarketingObjected(subject_ref=subject, purpose=purpose, consents=len(withdrawn),
                                       suppressed=added))
    return ObjectionResult(marketing, withdrawn, added, now)


def matching(subject_id: ColumnElement[int] | int, purpose: str, channel: str) -> ColumnElement[bool]:
    """Suppression rows that apply to this subject, purpose and channel: the subject's own entries or those
    whose keyed hash equals one of its identifiers."""
    x, i = t.suppressions.c, t.identifiers.c
    mine = exists().where(i.subject_id == subject_id, i.kind == x.kind, i.lookup == x.lookup)
    return and_(or_(x.purpose.is_(None), x.purpose == purpose), or_(x.channel.is_(None), x.channel == channel),
                or_(x.subject_id == subject_id, mine))


def is_suppressed(reg: Register, subject: str | None = None, *, kind: str | None = None, value: str | None = None,
                  purpose: str | None = None, channel: str | None = None) -> bool:
    """Is the subject (or the address ``kind``/``value``) on the list for this purpose and channel?
    None for purpose or channel means any."""
    x = t.suppressions.c
    cond: list[ColumnElement[bool]] = []
    if purpose is not None:
        cond.append(or_(x.purpose.is_(None), x.purpose == purpose))
    if channel is not None:
        cond.append(or_(x.channel.is_(None), x.channel == channel))
    with reg.engine.connect() as c:
        if subject is not None:
            sid = reg.subject_id(c, subject)
            i = t.identifiers.c
            cond.append(or_(x.subject_id == sid, exists().where(i.subject_id == sid, i.kind == x.kind,
                                                                 i.lookup == x.lookup)))
        elif kind is not None and value is not None:
            cond += [x.kind == kind, x.lookup == reg.keys.lookup(kind, normalised(kind, value))]
        else:
            raise RegisterError("name a subject, or an address kind and value", field="subject")
        return c.execute(select(x.id).where(*cond).limit(1)).first() is not None


def _is(col: ColumnElement[str | None], value: str | None) -> ColumnElement[bool]:
    return col.is_(None) if value is None else col == value
