"""May I contact this person, for this purpose, on this channel, now? (issue 6)

``may_contact`` answers with a :class:`Decision`: allowed or refused, a stable ``code``, the reason in
English and Norwegian, and the legal basis when allowed. The rules, in the order they apply, live in
:mod:`personvern.consent.rules` (shared with the batch :func:`personvern.consent.campaign.campaign`):

- consent for the purpose and channel (GDPR Art. 6(1)(a), Art. 7; markedsføringsloven § 15 first paragraph);
- soft opt-in where the purpose enables ``soft_opt_in``: an existing customer whose address came from a sale,
  own similar products, opt-out in every message (§ 15 second paragraph) — never after an opt-out;
- an objection or opt-out (Art. 21(2)-(3), TP13e, KL7) or the internal reservation list (sperreliste, §§ 12–13)
  refuses marketing on every channel, also to a new subject created with a suppressed address;
- restriction (Art. 18) refuses contact;
- service messages (``transactional`` purposes: order, delivery, installation notice TZ7) are allowed and are
  not marketing (TP13f);
- alarm contacts (subjects of an Art. 6(1)(d) purpose, SN2d) are reached once for training and afterwards only
  with ``context={"alarm_triggered": True, "customer_unreachable": True}``;
- telemarketing and addressed post to consumers reserved in Reservasjonsregisteret are refused unless they
  asked for it (consent) or the purpose uses the existing-customer exception on that channel
  (``marketing.reserved_existing_customers``, § 13 third paragraph); phone and post marketing is refused
  when the last wash is older than one calendar month (``settings.reservation_wash_valid_for``, forskrift
  2009-06-05-598); calls only on weekdays that are not public holidays, 09:00–21:00 Europe/Oslo (§ 14);
- an existing customer is a subject with a completed purchase; the exceptions end with a declared end event or
  ``marketing.customer_for`` after the last purchase, and the refusal says which.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, exists, func, select

from personvern.consent import rules
from personvern.consent.ledger import CHANNELS
from personvern.consent.suppression import matching
from personvern.errors import NotFound, RegisterError, UnknownPurpose
from personvern.register import records
from personvern.register import schema as t

if TYPE_CHECKING:
    from personvern.register.store import Register

CONTEXT_KEYS = frozenset({"alarm_triggered", "customer_unreachable", "training"})


@dataclass(frozen=True)
class Decision:
    """The answer to "may I contact?": ``code`` is stable (see ``rules.CODES``); ``basis`` is set when allowed."""

    allowed: bool
    code: str
    reason: str
    reason_nb: str
    basis: str | None
    marketing: bool = True  # False for service messages and alarms: they are not direct marketing (TP13f)


def plan_for(reg: Register, purpose: str, channel: str, at: datetime | None = None,
             context: Mapping[str, Any] | None = None, *, conn: Connection | None = None) -> rules.Plan:
    """Check the question and compute what is the same for every subject (including the last wash)."""
    p = reg.policy.purpose(purpose)
    if p is None:
        raise UnknownPurpose(f"'{purpose}' is not a purpose of this policy", field="purpose")
    if channel not in CHANNELS:
        raise RegisterError(f"unknown channel '{channel}'; known: {', '.join(CHANNELS)}", field="channel")
    ctx = dict(context or {})
    unknown = sorted(set(ctx) - CONTEXT_KEYS)
    if unknown:
        raise RegisterError(f"unknown context {', '.join(unknown)}; known: {', '.join(sorted(CONTEXT_KEYS))}",
                            field="context")
    when = at or reg.clock()
    with reg._conn(conn) as c:
        washed = c.execute(select(func.max(t.reservation_washes.c.washed_at))).scalar()
    last_wash = washed.date() if washed is not None else None
    valid_for = reg.policy.settings.reservation_wash_valid_for.delta
    m = p.marketing
    customer_for = m.customer_for if m is not None else None
    return rules.Plan(
        purpose=p, channel=channel, at=when, vital=p.legal_basis.article == "d",
        training=ctx.get("training") is True,
        alarm=ctx.get("alarm_triggered") is True and ctx.get("customer_unreachable") is True,
        consent_only=records.consent_only(p),
        soft_opt_in=bool(m and m.soft_opt_in),
        reserved_customers=bool(m and channel in m.reserved_existing_customers),
        outside_hours=not rules.permitted_calling_time(when),
        # valid through the end of the day one calendar month on (31 Jan covers 28/29 Feb): 1182/71 art. 3(2)(c)
        last_wash=last_wash, wash_stale=last_wash is None or when.date() > last_wash + valid_for,
        sale_events=tuple(rules.sale_events(reg.policy, p)),
        end_events=tuple(m.ends_with) if m is not None else (),
        customer_since=None if customer_for is None else rules.customer_since(when.date(), customer_for.delta))


def decision(plan: rules.Plan, code: str, reg: Register) -> Decision:
    allowed, basis, reason, reason_nb = rules.CODES[code]
    if code == "transactional":
        basis = f"Art. 6(1)({plan.purpose.legal_basis.article})"
    if code == "reservation_wash_stale":
        valid_for = reg.policy.settings.reservation_wash_valid_for
        if plan.last_wash is None:
            reason += "; it has never been washed: run `personvern reservations import FILE`"
            reason_nb += "; den er aldri vasket"
        else:
            until = (plan.last_wash + valid_for.delta).isoformat()
            reason += f"; last washed on {plan.last_wash.isoformat()}, valid for {valid_for.text} (until {until})"
            reason_nb += f"; sist vasket {plan.last_wash.isoformat()}, gyldig til og med {until}"
    if code == "customer_period_expired" and plan.purpose.marketing and plan.purpose.marketing.customer_for:
        reason += f" ({plan.purpose.marketing.customer_for.text})"
        reason_nb += f" ({plan.purpose.marketing.customer_for.text})"
    return Decision(allowed, code, reason, reason_nb, basis,
                    marketing=code not in ("transactional", "alarm", "alarm_training"))


def decide(plan: rules.Plan, facts: rules.Facts) -> str:
    """The code of the first rule that holds."""
    for cond, code in rules.ladder(plan, facts):
        if cond:
            return code
    raise AssertionError("the ladder ends with an unconditional step")  # pragma: no cover


def may_contact(reg: Register, subject: str, purpose: str, channel: str, at: datetime | None = None,
                context: Mapping[str, Any] | None = None) -> Decision:
    """May ``subject`` be contacted for ``purpose`` on ``channel`` at ``at`` (default: now)?

    ``context``: ``alarm_triggered`` and ``customer_unreachable`` (both True to call an alarm contact, SN2d),
    or ``training`` for an alarm contact's one-time training. Bad input raises a RegisterError naming the
    field; every answer, allowed or not, says why."""
    with reg.engine.connect() as c:
        plan = plan_for(reg, purpose, channel, at, context, conn=c)
        facts = _facts(reg, c, subject, plan)
    return decision(plan, decide(plan, facts), reg)


@dataclass
class _SubjectFacts:
    covered: bool
    consumer: bool
    restricted: bool
    sperreliste: bool
    objected: bool
    consent: bool
    bought: bool
    ended: bool
    lapsed: bool
    reserved: bool
    trained: bool


def _facts(reg: Register, c: Connection, subject: str, plan: rules.Plan) -> _SubjectFacts:
    """One subject's facts, each read with its own small query (the campaign computes them set-based)."""
    row = c.execute(select(t.subjects.c.id, t.subjects.c.kind).where(t.subjects.c.ref == subject)).first()
    if row is None:
        raise NotFound(f"no subject {subject}", field="subject")
    sid, kind, p, ch = int(row.id), str(row.kind), plan.purpose.key, plan.channel
    k = t.consents.c
    consent_at = c.execute(select(func.max(k.given_at)).where(
        k.subject_id == sid, k.purpose == p, k.channel == ch, k.withdrawn_at.is_(None))).scalar()
    x = t.suppressions.c
    sups = c.execute(select(x.reason, x.created_at).where(matching(sid, p, ch))).all()
    return _SubjectFacts(
        covered=kind in plan.purpose.subjects,
        consumer=kind not in rules.NOT_CONSUMERS,
        restricted=_restricted(c, sid, p),
        sperreliste=any(s.reason == "sperreliste" for s in sups),
        objected=any(s.reason != "sperreliste" and (consent_at is None or consent_at <= s.created_at)
                     for s in sups),
        consent=consent_at is not None,
        **_customer(c, sid, plan),
        reserved=_reserved(c, sid, ch),
        trained=c.execute(select(exists().where(t.events.c.subject_id == sid,
                                                t.events.c.event == rules.TRAINED))).scalar() is True)


def _restricted(c: Connection, sid: int, purpose: str) -> bool:
    """Refused as ``holds.check_use`` refuses: a subject-wide restriction, or one that keeps the data only
    for other purposes (an erasure blocked by a legal obligation, TP13c)."""
    r = t.restrictions.c
    rows = c.execute(select(r.purpose).where(r.subject_id == sid, r.lifted_at.is_(None),
                                             r.record_id.is_(None))).scalars().all()
    kept_for = {x for x in rows if x is not None}
    return any(x is None for x in rows) or (bool(kept_for) and purpose not in kept_for)


def _customer(c: Connection, sid: int, plan: rules.Plan) -> dict[str, bool]:
    """bought / ended / lapsed for one subject, as the campaign computes them in SQL."""
    e, today = t.events.c, plan.at.date()
    last = c.execute(select(func.max(e.occurred_on)).where(
        e.subject_id == sid, e.event.in_(plan.sale_events), e.occurred_on <= today)).scalar() \
        if plan.sale_events else None
    ended = last is not None and bool(plan.end_events) and c.execute(select(exists().where(
        e.subject_id == sid, e.event.in_(plan.end_events), e.occurred_on >= last,
        e.occurred_on <= today))).scalar() is True
    lapsed = last is not None and plan.customer_since is not None and last < plan.customer_since
    return {"bought": last is not None, "ended": ended, "lapsed": lapsed}


def _reserved(c: Connection, sid: int, channel: str) -> bool:
    i, v = t.identifiers.c, t.reservations.c
    q = select(exists().where(i.subject_id == sid, v.kind == i.kind, v.lookup == i.lookup,
                              v.channels.contains(channel)))
    return c.execute(q).scalar() is True
