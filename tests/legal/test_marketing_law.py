"""May we market to this person? Rows written from markedsføringsloven §§ 12-15 and GDPR Art. 21 (issue 14
items 7-10, 14). Each row: who the person is and what happened, the question, the expected decision code and
the source. Every row is asked twice: one subject (``may_contact``) and set-based (the campaign's SQL), which
must agree. Nothing here imports the code's table of codes.

Sources (../shared/LEGAL.md, lovdata):
- § 15 første ledd: e-mail/SMS marketing to natural persons needs prior consent.
- § 15 annet ledd: no consent is needed where the trader "i forbindelse med salg" received the customer's
  e-mail address, for own similar products, with a free opt-out — the address must come from a sale.
- § 12: telemarketing and addressed post are refused to consumers reserved in Reservasjonsregisteret or
  directly with the trader; only consumers can reserve.
- § 13 tredje ledd: an existing customer relationship allows calls and post to a reserved customer for own
  similar products, never when the customer reserved directly with this trader.
- § 14: no telemarketing to consumers on Saturdays, Sundays and public holidays, nor before 09:00 or after
  21:00 on other days.
- forskrift 2009-06-05-598 (Reservasjonsregisteret) § 4: the list is checked no more than one month before use;
  a month counted per Regulation 1182/71 art. 3(2)(c) (a wash on 31 January covers 28/29 February).
- GDPR Art. 21(3): after an objection to direct marketing the data "shall no longer be processed for such
  purposes".
- The exception ends with the customer relationship; the business's own stated period binds it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from personvern.consent import give, import_reservations, may_contact, object_to_marketing, suppress
from personvern.consent.campaign import decisions
from personvern.consent.decision import plan_for
from personvern.register import Register

OSLO = ZoneInfo("Europe/Oslo")
TEXT = "Ja takk, ring meg eller send tilbud."

BODY = """\
subjects:
  member: {nb: "medlemmer", en: "members"}
  web_user: {nb: "brukere med innlogging", en: "web-login users"}
  business_contact: {nb: "kontaktpersoner hos bedrifter", en: "contact persons at businesses"}
events:
  purchase.completed: {nb: "kjøpet er fullført", en: "the purchase is completed"}
  customer.relationship_ended: {nb: "kundeforholdet er avsluttet", en: "the customer relationship ended"}
purposes:
  - key: orders
    name: {nb: "Ordre", en: "Orders"}
    description: {nb: "Vi behandler bestillinger.", en: "We process orders."}
    legal_basis: {article: b, contract: {nb: "kjøpsavtalen", en: "the purchase contract"}}
    categories: [user.name, user.contact.email, user.contact.phone_number]
    subjects: [customer, business_contact]
    retention: 3 years after collection
  - key: order_messages
    name: {nb: "Ordremeldinger", en: "Order messages"}
    description: {nb: "Vi bekrefter ordre.", en: "We confirm orders."}
    legal_basis: {article: b, contract: {nb: "kjøpsavtalen", en: "the purchase contract"}}
    categories: [user.contact.email]
    subjects: [customer]
    transactional: true
    retention: 3 years after collection
  - key: membership
    name: {nb: "Medlemskap", en: "Membership"}
    description: {nb: "Vi administrerer medlemskap.", en: "We administer memberships."}
    legal_basis: {article: b, contract: {nb: "medlemsavtalen", en: "the membership agreement"}}
    categories: [user.name, user.contact.email]
    subjects: [member]
    retention: 3 years after collection
  - key: recruitment
    name: {nb: "Rekruttering", en: "Recruitment"}
    description: {nb: "Vi behandler søknader.", en: "We process applications."}
    legal_basis: {article: b, contract: {nb: "ansettelsesavtalen", en: "the employment contract"}}
    categories: [user.name, user.contact.email]
    subjects: [job_applicant]
    retention: 6 months after collection
  - key: web_login
    name: {nb: "Innlogging", en: "Web login"}
    description: {nb: "Vi gir deg en konto.", en: "We give you an account."}
    legal_basis: {article: b, contract: {nb: "brukervilkårene", en: "the terms of use"}}
    categories: [user.contact.email]
    subjects: [web_user]
    retention: 3 years after collection
  - key: marketing
    name: {nb: "Markedsføring", en: "Marketing"}
    description: {nb: "Vi sender tilbud.", en: "We send offers."}
    legal_basis: {article: f, interest: {nb: "å markedsføre egne produkter", en: "marketing own products"}}
    categories: [user.name, user.contact.email, user.contact.phone_number]
    subjects: [customer, member, job_applicant, web_user, business_contact, prospect]
    marketing:
      channels: [email, sms, phone, post]
      soft_opt_in: true
      reserved_existing_customers: [phone]
      sale_events: [purchase.completed]
      customer_for: 24 months
      ends_with: [customer.relationship_ended]
    retention: 24 months after last_activity
  - key: new_customers
    name: {nb: "Markedsføring mot nye kunder", en: "Marketing to new customers"}
    description: {nb: "Med samtykke ringer vi deg.", en: "With your consent we call you."}
    legal_basis:
      article: a
      consent:
        given: {nb: "Du samtykker på nettsiden.", en: "You consent on the web site."}
        withdrawn: {nb: "Du trekker samtykket på nettsiden.", en: "You withdraw it on the web site."}
    categories: [user.name, user.contact.email, user.contact.phone_number]
    subjects: [prospect, customer]
    marketing:
      channels: [email, phone]
    retention: until customer.relationship_ended
"""

MON = datetime(2026, 3, 2, 12, tzinfo=OSLO)  # an ordinary Monday, 12:00 in Oslo
BOUGHT = ("event", "purchase.completed", date(2026, 1, 2))

S15_1 = "markedsføringsloven § 15 første ledd (prior consent)"
S15_2 = "markedsføringsloven § 15 annet ledd ('i forbindelse med salg')"
S15_END = "§ 15 annet ledd: the exception lasts while the customer relationship does (LEGAL.md)"
S15_OWN = "§ 15 annet ledd with the policy's own period (customer_for: 24 months), Regulation 1182/71 art. 3(2)(c)"
S12 = "markedsføringsloven § 12 (Reservasjonsregisteret)"
S13_3 = "markedsføringsloven § 13 tredje ledd (existing customer, reserved)"
S13_3_OWN = "§ 13 tredje ledd: never when reserved directly with the trader"
S14 = "markedsføringsloven § 14 (calling hours)"
WASH = "forskrift 2009-06-05-598 § 4, one month per Regulation 1182/71 art. 3(2)(c)"
A21 = "GDPR Art. 21(3)"

# kind, what happened, purpose, channel, when, expected code, source
ROWS: list[tuple[str, list[tuple[Any, ...]], str, str, datetime, str, str]] = [
    # § 15: who is an existing customer (item 7)
    ("member", [("record", "membership")], "marketing", "email", MON, "not_a_customer", S15_2),
    ("job_applicant", [("record", "recruitment")], "marketing", "email", MON, "not_a_customer", S15_2),
    ("web_user", [("record", "web_login")], "marketing", "sms", MON, "not_a_customer", S15_2),
    ("customer", [("record", "order_messages")], "marketing", "email", MON, "not_a_customer", S15_2),
    ("customer", [("record", "orders")], "marketing", "email", MON, "not_a_customer",
     S15_2 + ": an order record is not a completed purchase"),
    ("customer", [BOUGHT], "marketing", "email", MON, "soft_opt_in", S15_2),
    ("member", [("record", "membership"), BOUGHT], "marketing", "sms", MON, "soft_opt_in",
     S15_2 + ": a member who bought is a customer"),
    ("member", [("record", "membership"), ("consent", "marketing", "email")], "marketing", "email", MON,
     "consent", S15_1),
    # § 15: the exception ends (item 8)
    ("customer", [BOUGHT, ("event", "customer.relationship_ended", date(2026, 2, 1))], "marketing", "email",
     MON, "customer_relationship_ended", S15_END),
    ("customer", [BOUGHT, ("event", "customer.relationship_ended", date(2026, 2, 1)),
                  ("event", "purchase.completed", date(2026, 2, 20))], "marketing", "email", MON,
     "soft_opt_in", S15_2 + ": a new sale after the end is a new relationship"),
    ("customer", [("event", "purchase.completed", date(2024, 1, 31))], "marketing", "email",
     datetime(2026, 1, 31, 12, tzinfo=OSLO), "soft_opt_in", S15_OWN + ": the period's last day"),
    ("customer", [("event", "purchase.completed", date(2024, 1, 31))], "marketing", "email",
     datetime(2026, 2, 1, 12, tzinfo=OSLO), "customer_period_expired", S15_OWN),
    ("customer", [("event", "purchase.completed", date(2024, 2, 29))], "marketing", "sms",
     datetime(2026, 2, 28, 12, tzinfo=OSLO), "soft_opt_in", S15_OWN + ": no 29 February 2026"),
    ("customer", [("event", "purchase.completed", date(2024, 2, 29))], "marketing", "sms",
     datetime(2026, 3, 1, 12, tzinfo=OSLO), "customer_period_expired", S15_OWN),
    ("customer", [("event", "purchase.completed", date(2026, 2, 28))], "marketing", "email",
     datetime(2028, 2, 28, 12, tzinfo=OSLO), "soft_opt_in", S15_OWN + ": 24 months from 28 Feb end on 28 Feb"),
    ("customer", [("event", "purchase.completed", date(2026, 2, 28))], "marketing", "email",
     datetime(2028, 2, 29, 12, tzinfo=OSLO), "customer_period_expired", S15_OWN + ": not through 29 Feb 2028"),
    # Art. 21(3): an objection ends it all
    ("customer", [BOUGHT, ("object",)], "marketing", "email", MON, "objected", A21),
    ("customer", [BOUGHT, ("object",)], "marketing", "phone", MON, "objected", A21),
    # §§ 12-13: phone and post, with a fresh wash (items 9, 10)
    ("customer", [("wash", date(2026, 3, 1)), BOUGHT], "marketing", "phone", MON, "legitimate_interest", S12),
    ("customer", [("reserve", "phone;post"), ("wash", date(2026, 3, 1)), BOUGHT], "marketing", "phone", MON,
     "existing_customer", S13_3),
    ("customer", [("reserve", "phone;post"), ("wash", date(2026, 3, 1)), BOUGHT], "marketing", "post", MON,
     "reservasjonsregisteret", S12 + ": the policy claims § 13 tredje ledd for phone only"),
    ("member", [("reserve", "phone"), ("wash", date(2026, 3, 1)), ("record", "membership")], "marketing",
     "phone", MON, "reservasjonsregisteret", S12 + "; " + S13_3 + " needs a sale"),
    ("customer", [("reserve", "phone"), ("wash", date(2026, 3, 1)), BOUGHT,
                  ("event", "customer.relationship_ended", date(2026, 2, 1))], "marketing", "phone", MON,
     "customer_relationship_ended", S13_3 + "; " + S15_END),
    ("customer", [("reserve", "phone"), ("wash", date(2026, 3, 1)), BOUGHT, ("sperre",)], "marketing", "phone",
     MON, "sperreliste", S13_3_OWN),
    ("business_contact", [("reserve", "phone"), ("wash", date(2026, 3, 1))], "marketing", "phone", MON,
     "legitimate_interest", S12 + ": only consumers can reserve"),
    ("customer", [("reserve", "phone"), ("wash", date(2026, 3, 1)), ("consent", "marketing", "phone")],
     "marketing", "phone", MON, "consent", S13_3 + ": the consumer asked to be called"),
    # § 14: calling hours (Europe/Oslo)
    ("customer", [("wash", date(2026, 3, 1)), BOUGHT], "marketing", "phone",
     datetime(2026, 3, 7, 12, tzinfo=OSLO), "outside_calling_hours", S14 + ": Saturday"),
    ("customer", [("wash", date(2026, 5, 1)), BOUGHT], "marketing", "phone",
     datetime(2026, 5, 1, 12, tzinfo=OSLO), "outside_calling_hours", S14 + ": 1 May, a Friday"),
    ("customer", [("wash", date(2026, 5, 1)), BOUGHT], "marketing", "phone",
     datetime(2026, 5, 14, 12, tzinfo=OSLO), "outside_calling_hours", S14 + ": Ascension Day 2026"),
    ("customer", [("wash", date(2026, 3, 1)), BOUGHT], "marketing", "phone",
     datetime(2026, 3, 2, 8, 59, tzinfo=OSLO), "outside_calling_hours", S14 + ": before 09:00"),
    ("customer", [("wash", date(2026, 3, 1)), BOUGHT], "marketing", "phone",
     datetime(2026, 3, 2, 21, 1, tzinfo=OSLO), "outside_calling_hours", S14 + ": after 21:00"),
    ("customer", [("wash", date(2026, 3, 1)), BOUGHT], "marketing", "phone",
     datetime(2026, 3, 2, 9, 0, tzinfo=OSLO), "legitimate_interest", S14 + ": 09:00 is allowed"),
    ("customer", [("wash", date(2026, 12, 1)), BOUGHT], "marketing", "phone",
     datetime(2026, 12, 24, 12, tzinfo=OSLO), "legitimate_interest", S14 + ": Christmas Eve, a Thursday"),
    # the wash: one calendar month (item 9)
    ("customer", [("wash", date(2028, 1, 31)), BOUGHT], "marketing", "phone",
     datetime(2028, 2, 29, 12, tzinfo=OSLO), "legitimate_interest", WASH + ": 31 Jan covers 29 Feb 2028"),
    ("customer", [("wash", date(2028, 1, 31)), BOUGHT], "marketing", "phone",
     datetime(2028, 3, 1, 12, tzinfo=OSLO), "reservation_wash_stale", WASH),
    ("customer", [("wash", date(2026, 1, 31)), BOUGHT], "marketing", "post",
     datetime(2026, 2, 28, 12, tzinfo=OSLO), "legitimate_interest", WASH + ": 31 Jan covers 28 Feb 2026"),
    ("customer", [("wash", date(2026, 1, 31)), BOUGHT], "marketing", "post",
     datetime(2026, 3, 1, 12, tzinfo=OSLO), "reservation_wash_stale", WASH),
    ("customer", [("wash", date(2026, 4, 15)), BOUGHT], "marketing", "phone",
     datetime(2026, 5, 15, 12, tzinfo=OSLO), "legitimate_interest", WASH + ": the same date a month on"),
    ("customer", [("wash", date(2026, 4, 15)), BOUGHT], "marketing", "phone",
     datetime(2026, 5, 18, 12, tzinfo=OSLO), "reservation_wash_stale", WASH),
    ("customer", [BOUGHT], "marketing", "phone", MON, "reservation_wash_stale", WASH + ": never washed"),
    # PI2: marketing to new customers needs consent, on the phone too (item 10)
    ("prospect", [("wash", date(2026, 3, 1))], "new_customers", "phone", MON, "no_consent", S15_1 + "; PI2"),
    ("prospect", [("wash", date(2026, 3, 1)), ("consent", "new_customers", "phone")], "new_customers", "phone",
     MON, "consent", "Art. 6(1)(a); PI2"),
    ("customer", [("wash", date(2026, 3, 1)), BOUGHT], "new_customers", "phone", MON, "no_consent",
     "Art. 6(1)(a): the consent purpose has no existing-customer exception"),
    ("prospect", [], "marketing", "email", MON, "not_a_customer", S15_2),
]


def _setup(reg: Register, tmp_path: Path, clock: Any, kind: str, steps: list[tuple[Any, ...]]) -> str:
    phone = "+47 975 27 747"
    clock.set(date(2026, 1, 2))
    ref = reg.add_subject(kind, {"email": "kari@example.no", "phone": phone})
    reserved = ""
    for step in steps:
        match step:
            case ("record", purpose):
                reg.write(ref, purpose, ["user.contact.email"], {"user.contact.email": "kari@example.no"})
            case ("event", name, on):
                reg.record_event(name, on, subject=ref)
            case ("consent", purpose, channel):
                give(reg, ref, purpose, channel=channel, method="web_form", text=TEXT)
            case ("object",):
                object_to_marketing(reg, ref, by="subject")
            case ("sperre",):
                suppress(reg, None, kind="phone", value=phone, reason="sperreliste")
            case ("reserve", channels):
                reserved = f"phone,{phone},{channels}\n"
            case ("wash", on):
                clock.set(on)
                f = tmp_path / "reservasjoner.csv"
                f.write_text("kind,value,channels\n" + reserved)
                import_reservations(reg, f, by="privacy-officer")
            case _:
                raise AssertionError(step)
    return ref


@pytest.mark.parametrize(("kind", "steps", "purpose", "channel", "at", "expected", "source"), ROWS,
                         ids=[f"{r[0]}-{r[2]}-{r[3]}-{r[5]}-{i}" for i, r in enumerate(ROWS)])
def test_contact_decision_follows_the_law(shop_policy: Callable[[str], Register], tmp_path: Path, clock: Any,
                                          kind: str, steps: list[tuple[Any, ...]], purpose: str, channel: str,
                                          at: datetime, expected: str, source: str) -> None:
    reg = shop_policy(BODY)
    ref = _setup(reg, tmp_path, clock, kind, steps)
    d = may_contact(reg, ref, purpose, channel, at=at)
    assert d.code == expected, f"{source}: {d.reason}"
    assert d.reason and d.reason_nb
    with reg.engine.connect() as c:
        plan = plan_for(reg, purpose, channel, at, conn=c)
        sub = decisions(reg, plan).subquery()
        batch = c.execute(select(sub.c.code).where(sub.c.ref == ref)).scalar()
    assert batch == expected, f"campaign disagrees: {source}"


def test_every_refusal_of_the_exception_says_which_rule_ended_it(shop_policy: Callable[[str], Register],
                                                                  tmp_path: Path, clock: Any) -> None:
    reg = shop_policy(BODY)
    ended = _setup(reg, tmp_path, clock, "customer",
                   [BOUGHT, ("event", "customer.relationship_ended", date(2026, 2, 1))])
    d = may_contact(reg, ended, "marketing", "email", at=MON)
    assert (d.allowed, d.code) == (False, "customer_relationship_ended") and "ended" in d.reason
    old = reg.add_subject("customer", {"email": "gammel@example.no"})
    reg.record_event("purchase.completed", date(2023, 1, 2), subject=old)
    d = may_contact(reg, old, "marketing", "email", at=MON)
    assert (d.allowed, d.code) == (False, "customer_period_expired") and "24 months" in d.reason
