"""The contact rules as one ordered ladder, shared by :func:`may_contact` and the batch :func:`campaign`.

A *plan* holds what depends only on the question (purpose, channel, time, context, last wash); *facts* are
what depends on the subject. :func:`ladder` yields ``(condition, code)`` steps; the first step whose
condition holds decides. A condition is a Python ``bool`` (static, or a fact of one subject) or an SQL
expression (a fact computed set-based for every subject) — so the single-subject decision and the
million-subject campaign apply the same rules in the same order. The meaning of each code, with its legal
source, is in :data:`CODES`.

Sources (../shared/LEGAL.md, checked 2026-11-25):
- markedsføringsloven § 12: consumers may reserve against telemarketing and addressed post in
  Reservasjonsregisteret or directly with the trader (the internal reservation list, sperreliste).
- § 13: a reservation is binding; exceptions: the consumer expressly asked this trader to make contact, or an
  existing customer relationship — only for the trader's own products similar to those it rests on, and never
  when the customer reserved directly with this trader (third paragraph as narrowed by Prop. 43 L (2016–2017),
  in force 1 January 2018). Lists are washed against the register no more than one month before use
  (forskrift 2009-06-05-598 om Reservasjonsregisteret; ``settings.reservation_wash_max_age_days``).
- § 14: no telemarketing to consumers on Saturdays, Sundays and public holidays (1 May and 17 May included),
  nor before 09:00 or after 21:00 on other days (Europe/Oslo).
- § 15: e-mail/SMS marketing to natural persons needs prior consent (first paragraph) or the existing-customer
  exception (second paragraph): the address was received in connection with a sale — a completed purchase, so
  not a member who never bought, a job applicant, a web-login user or someone who only got order messages —
  the marketing is for own similar products, and a free opt-out is offered at collection and in every message.
- Who is an existing customer (§§ 13, 15): someone with a completed purchase (``marketing.sale_events``); the
  relationship ends with a declared end event (``marketing.ends_with``) and ``marketing.customer_for`` after
  the last purchase, the period the business's own policy promises (../shared/LEGAL.md: the business must
  declare it). The § 13 exception for calls and addressed post to reserved customers is its own setting,
  ``marketing.reserved_existing_customers``, not a side effect of the e-mail soft opt-in.
- A wash is valid for one calendar month counted as any month period (Regulation 1182/71 art. 3(2)(c): a wash
  on 31 January covers use until 28/29 February), ``settings.reservation_wash_valid_for``.
- GDPR Art. 6(1) (the basis of each allowed code), Art. 7 (consent), Art. 18 (restriction), Art. 21(2)-(3)
  (objection to direct marketing is absolute).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol

from dateutil.relativedelta import relativedelta
from sqlalchemy import and_, not_

from personvern.oslo import OSLO, is_public_holiday  # the controller's calendar: one home
from personvern.policy.model import Policy, Purpose

CALLS_FROM, CALLS_UNTIL = time(9, 0), time(21, 0)  # markedsføringsloven § 14
NOT_CONSUMERS = frozenset({"business_contact", "partner"})  # businesses cannot reserve (mfl. § 12)
TRAINED = "alarm_contact.trained"  # the event that records an alarm contact's one-time training (SN2d)

# code: (allowed, basis, reason in English, reason in Norwegian bokmål)
CODES: dict[str, tuple[bool, str | None, str, str]] = {
    "consent": (True, "Art. 6(1)(a); markedsføringsloven § 15 first paragraph",
                "the subject consented to this purpose on this channel",
                "personen har samtykket til dette formålet på denne kanalen"),
    "soft_opt_in": (True, "Art. 6(1)(f); markedsføringsloven § 15 second paragraph",
                    "existing customer whose address was received in a sale, marketing of own similar "
                    "products; every message must offer a free opt-out",
                    "eksisterende kunde med adresse fra et kjøp, markedsføring av egne lignende produkter; "
                    "hver melding må ha en gratis avmeldingsmulighet"),
    "not_a_customer": (False, None, "no completed purchase: the existing-customer exception needs an address "
                       "received in connection with a sale (markedsføringsloven §§ 13 and 15); a member who "
                       "never bought, a job applicant, a web-login user or a recipient of order messages only "
                       "is not an existing customer",
                       "ingen gjennomført kjøp: unntaket for eksisterende kunder krever at adressen er mottatt i "
                       "forbindelse med et salg (markedsføringsloven §§ 13 og 15); medlemmer som ikke har kjøpt, "
                       "jobbsøkere, brukere med innlogging og mottakere av ordremeldinger er ikke kunder"),
    "customer_relationship_ended": (False, None, "the customer relationship has ended (a declared end event "
                                    "after the last purchase): the existing-customer exception ended with it",
                                    "kundeforholdet er avsluttet (en oppgitt sluttbegivenhet etter siste kjøp): "
                                    "unntaket for eksisterende kunder falt bort med det"),
    "customer_period_expired": (False, None, "the last purchase is older than the period the policy gives the "
                                "customer relationship for marketing (marketing.customer_for)",
                                "siste kjøp er eldre enn perioden virksomhetens retningslinjer gir kundeforholdet "
                                "for markedsføring"),
    "existing_customer": (True, "Art. 6(1)(f); markedsføringsloven § 13 third paragraph",
                          "reserved in Reservasjonsregisteret, but an existing customer and the marketing is "
                          "for own similar products",
                          "reservert i Reservasjonsregisteret, men eksisterende kunde og markedsføringen gjelder "
                          "egne lignende produkter"),
    "legitimate_interest": (True, "Art. 6(1)(f); markedsføringsloven §§ 12–14",
                            "not reserved, list washed, within permitted hours",
                            "ikke reservert, listen er vasket og tidspunktet er tillatt"),
    "transactional": (True, None, "a service message (order, delivery, installation notice), not marketing",
                      "en tjenestemelding (ordre, levering, installasjonsvarsel), ikke markedsføring"),
    "alarm": (True, "Art. 6(1)(d)", "the alarm went off and the customer cannot be reached (SN2d)",
              "alarmen gikk og kunden kan ikke nås (SN2d)"),
    "alarm_training": (True, "Art. 6(1)(d)", "the one-time training of an alarm contact (SN2d)",
                       "engangsopplæring av en alarmkontakt (SN2d)"),
    "subject_not_covered": (False, None, "the purpose does not cover this kind of subject",
                            "formålet gjelder ikke denne typen person"),
    "alarm_not_triggered": (False, None, "alarm contacts are only contacted when the alarm goes off and the "
                            "customer cannot be reached (SN2d)",
                            "alarmkontakter kontaktes bare når alarmen går og kunden ikke kan nås (SN2d)"),
    "alarm_contact_not_trained": (False, None, "the alarm contact has not been trained yet (SN2d)",
                                  "alarmkontakten har ikke fått opplæring ennå (SN2d)"),
    "alarm_contact_already_trained": (False, None, "the alarm contact was already trained; only alarms may "
                                      "reach them now (SN2d)",
                                      "alarmkontakten har allerede fått opplæring; nå kontaktes de bare ved "
                                      "alarm (SN2d)"),
    "restricted": (False, None, "processing of the subject's data is restricted (Art. 18)",
                   "behandlingen av personens opplysninger er begrenset (art. 18)"),
    "not_a_contact_purpose": (False, None, "the purpose is neither marketing nor a service message; mark it "
                              "'transactional' or give it 'marketing' in the policy",
                              "formålet er verken markedsføring eller tjenestemelding"),
    "channel_not_declared": (False, None, "the purpose does not declare this channel (TP13f)",
                             "formålet oppgir ikke denne kanalen (TP13f)"),
    "sperreliste": (False, None, "on the business's own reservation list (markedsføringsloven § 12)",
                    "står på virksomhetens egen reservasjonsliste (markedsføringsloven § 12)"),
    "objected": (False, None, "the subject objected to or opted out of this marketing (Art. 21(3), KL7)",
                 "personen har protestert mot eller meldt seg av denne markedsføringen (art. 21(3), KL7)"),
    "outside_calling_hours": (False, None, "no telemarketing to consumers on Saturdays, Sundays or public "
                              "holidays, nor before 09:00 or after 21:00 (markedsføringsloven § 14)",
                              "ikke telefonsalg til forbrukere på lørdager, søndager eller helligdager, eller "
                              "før kl. 09.00 og etter kl. 21.00 (markedsføringsloven § 14)"),
    "no_consent": (False, None, "no consent for this purpose and channel, and no exception applies "
                   "(markedsføringsloven § 15)",
                   "ingen samtykke for dette formålet og denne kanalen, og intet unntak gjelder "
                   "(markedsføringsloven § 15)"),
    "reservation_wash_stale": (False, None, "the list was not washed against Reservasjonsregisteret recently "
                               "enough (at most one month before use)",
                               "listen er ikke vasket mot Reservasjonsregisteret nylig nok (høyst en måned før "
                               "bruk)"),
    "reservasjonsregisteret": (False, None, "reserved in Reservasjonsregisteret against this channel "
                               "(markedsføringsloven §§ 12–13)",
                               "reservert i Reservasjonsregisteret mot denne kanalen (markedsføringsloven §§ "
                               "12–13)"),
}
ALLOWED = frozenset(code for code, (ok, *_rest) in CODES.items() if ok)


def permitted_calling_time(at: datetime) -> bool:
    """May telemarketing reach a consumer at ``at`` (markedsføringsloven § 14)? A naive datetime is taken as
    Europe/Oslo wall time."""
    local = at.replace(tzinfo=OSLO) if at.tzinfo is None else at.astimezone(OSLO)
    day = local.date()
    if day.weekday() >= 5 or is_public_holiday(day):
        return False
    return CALLS_FROM <= local.time().replace(tzinfo=None) <= CALLS_UNTIL


@dataclass(frozen=True)
class Plan:
    """What a contact decision depends on that is the same for every subject."""

    purpose: Purpose
    channel: str
    at: datetime
    vital: bool  # Art. 6(1)(d) purpose: alarm contacts (SN2d)
    training: bool
    alarm: bool  # alarm_triggered and customer_unreachable
    consent_only: bool
    soft_opt_in: bool
    reserved_customers: bool  # the § 13 third paragraph exception is used on this channel (phone/post)
    outside_hours: bool
    last_wash: date | None
    wash_stale: bool
    sale_events: tuple[str, ...] = ()
    end_events: tuple[str, ...] = ()
    customer_since: date | None = None  # a last purchase before this day is too old (marketing.customer_for)


class Facts(Protocol):
    """Per-subject facts: ``bool`` for one subject, SQL boolean expressions for a campaign."""

    covered: Any
    consumer: Any
    restricted: Any
    sperreliste: Any
    objected: Any
    consent: Any
    bought: Any  # a completed purchase (a sale event) on or before the day of the question
    ended: Any  # an end event of the relationship on or after the last purchase
    lapsed: Any  # the last purchase is before plan.customer_since
    reserved: Any
    trained: Any


def sale_events(policy: Policy, purpose: Purpose | None = None) -> list[str]:
    """The events that record a completed purchase: the purpose's ``marketing.sale_events``, else every
    declared event named ``purchase.*``."""
    if purpose is not None and purpose.marketing is not None and purpose.marketing.sale_events:
        return list(purpose.marketing.sale_events)
    return [e for e in policy.events if e.startswith("purchase.")]


def customer_since(today: date, period: relativedelta) -> date:
    """The earliest last-purchase day whose relationship still lasts on ``today``: the least ``d`` with
    ``today <= d + period`` (the period ends at the end of its last day, Regulation 1182/71 art. 3(2)(c))."""
    d: date = today - period
    while d + period < today:
        d += timedelta(days=1)
    while d - timedelta(days=1) + period >= today:
        d -= timedelta(days=1)
    return d


def both(*conds: Any) -> Any:
    """AND over bools and SQL expressions: a False drops the rest, Trues vanish."""
    rest = [c for c in conds if c is not True]
    if any(c is False for c in rest):
        return False
    if not rest:
        return True
    return rest[0] if len(rest) == 1 else and_(*rest)


def ladder(plan: Plan, f: Facts) -> Iterator[tuple[Any, str]]:
    """The rules in order; the first step whose condition holds gives the code."""
    p, ch = plan.purpose, plan.channel
    yield _not(f.covered), "subject_not_covered"
    if plan.vital:
        yield from _alarm(plan, f)
        return
    yield f.restricted, "restricted"
    if p.transactional:
        yield True, "transactional"
        return
    if p.marketing is None:
        yield True, "not_a_contact_purpose"
        return
    if ch not in p.marketing.channels:
        yield True, "channel_not_declared"
        return
    yield f.sperreliste, "sperreliste"
    yield f.objected, "objected"
    if ch == "phone" and plan.outside_hours:
        yield f.consumer, "outside_calling_hours"
    yield f.consent, "consent"
    if ch in ("email", "sms") or plan.consent_only:
        if ch in ("email", "sms") and plan.soft_opt_in:
            yield from _customer(f, "soft_opt_in")
        yield True, "no_consent"
        return
    if plan.wash_stale:
        yield f.consumer, "reservation_wash_stale"
    reserved = both(f.consumer, f.reserved)
    if plan.reserved_customers:
        yield both(reserved, _not(f.bought)), "reservasjonsregisteret"
        for cond, code in _customer(f, "existing_customer"):
            yield both(reserved, cond), code
    yield reserved, "reservasjonsregisteret"
    yield True, "legitimate_interest"


def _customer(f: Facts, allowed: str) -> Iterator[tuple[Any, str]]:
    """The existing-customer exception: a completed purchase, the relationship not ended, not lapsed."""
    yield _not(f.bought), "not_a_customer"
    yield f.ended, "customer_relationship_ended"
    yield f.lapsed, "customer_period_expired"
    yield True, allowed


def _alarm(plan: Plan, f: Facts) -> Iterator[tuple[Any, str]]:
    if plan.training:
        yield f.trained, "alarm_contact_already_trained"
        yield True, "alarm_training"
    elif not plan.alarm:
        yield True, "alarm_not_triggered"
    else:
        yield _not(f.trained), "alarm_contact_not_trained"
        yield True, "alarm"


def _not(cond: Any) -> Any:
    if isinstance(cond, bool):
        return not cond
    return not_(cond)
