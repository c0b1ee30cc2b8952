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
  exception (second paragraph): the address was received in a sale, the marketing is for own similar products,
  and a free opt-out is offered at collection and in every message.
- GDPR Art. 6(1) (the basis of each allowed code), Art. 7 (consent), Art. 18 (restriction), Art. 21(2)-(3)
  (objection to direct marketing is absolute).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import lru_cache
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import holidays
from sqlalchemy import and_, not_

from personvern.policy.model import Policy, Purpose

OSLO = ZoneInfo("Europe/Oslo")
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


@lru_cache(maxsize=64)
def _norway(year: int) -> holidays.HolidayBase:
    # pinned holidays==0.109; Sundays are tested separately with weekday() (its include_sundays default moved)
    return holidays.country_holidays("NO", years=year, include_sundays=False)


def permitted_calling_time(at: datetime) -> bool:
    """May telemarketing reach a consumer at ``at`` (markedsføringsloven § 14)? A naive datetime is taken as
    Europe/Oslo wall time."""
    local = at.replace(tzinfo=OSLO) if at.tzinfo is None else at.astimezone(OSLO)
    day = local.date()
    if day.weekday() >= 5 or day in _norway(day.year):
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
    outside_hours: bool
    last_wash: date | None
    wash_stale: bool


class Facts(Protocol):
    """Per-subject facts: ``bool`` for one subject, SQL boolean expressions for a campaign."""

    covered: Any
    consumer: Any
    restricted: Any
    sperreliste: Any
    objected: Any
    consent: Any
    existing_customer: Any
    reserved: Any
    trained: Any


def sale_purposes(policy: Policy) -> list[str]:
    """Purposes whose records show a customer relationship from a sale: contract-based and not marketing, plus
    those a marketing purpose names in ``customers_from`` (Pilaro administers its customers on Art. 6(1)(f))."""
    named = {k for p in policy.purposes if p.marketing for k in p.marketing.customers_from}
    return [p.key for p in policy.purposes
            if (p.legal_basis.article == "b" and p.marketing is None) or p.key in named]


def sale_events(policy: Policy) -> list[str]:
    return [e for e in policy.events if e.startswith("purchase.")]


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
    existing = both(plan.soft_opt_in, f.existing_customer)
    if ch in ("email", "sms") or plan.consent_only:
        if ch in ("email", "sms"):
            yield existing, "soft_opt_in"
        yield True, "no_consent"
        return
    if plan.wash_stale:
        yield f.consumer, "reservation_wash_stale"
    yield both(f.consumer, f.reserved, existing), "existing_customer"
    yield both(f.consumer, f.reserved), "reservasjonsregisteret"
    yield True, "legitimate_interest"


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
