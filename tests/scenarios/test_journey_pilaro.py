"""Pilaro AS (B2B), a lead and a customer contact through the public API (PI1-PI8, ../shared/PROMISES.md).

A visitor asks to be called back (PI8, GDPR Art. 6(1)(a)); a buyer at a customer firm sends an inquiry and later
withdraws her consent, after which the inquiry may still be handled on legitimate interest (PI1, Art. 6(1)(f),
Art. 7(3)). No national identity number or card data is ever taken (PI4, Art. 5(1)(c)); partners get only what
they need (PI5). She then uses her rights: access, rectification and erasure, each answer telling her she may
complain to Datatilsynet (PI7, Art. 12(4), 15-17, 77).
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

import pytest

from personvern.consent import give, may_contact, withdraw
from personvern.errors import CategoryNotAllowed, ConsentRequired, NationalIdNotAllowed, RegisterError
from personvern.register import Register
from personvern.rights import handle
from personvern.rights import requests as rq
from personvern.rights.notify import record_disclosure
from personvern.rights.verification import check_code, send_code
from personvern.service import contacts, log_contact, lookup
from personvern.worker import CaptureMailer, Worker, acknowledge, list_outbox

HANNE = {"email": "hanne.lie@bedrift.no", "phone": "+47 922 33 444"}


def _code(reg: Register, mailer: CaptureMailer) -> str:
    worker = Worker(reg, mailer)
    try:
        worker.run_once()
    finally:
        worker.close()
    found = re.search(r"Koden din er (\d{6})", mailer.sent[-1]["text"])
    assert found is not None
    return found.group(1)


@pytest.mark.promise("PI3")
@pytest.mark.promise("PI6")
@pytest.mark.promise("PI8")
def test_a_visitor_asks_to_be_called_back_and_the_lead_goes_to_review_when_closed(
        open_register: Any, clock: Any) -> None:
    """Art. 6(1)(a), 7(1); PI6 'as long as needed': the record is reviewed, not given a made-up end date."""
    reg: Register = open_register("pilaro")
    clock.set(date(2026, 3, 2))
    lead = reg.add_subject("prospect", {"email": "ola@firma.no", "phone": "+47 930 00 111"})
    with pytest.raises(ConsentRequired):  # consent is the only basis of a lead: nothing without it
        reg.write(lead, "leads", ["user.contact.phone_number"], {"user.contact.phone_number": "+47 930 00 111"},
                  source="web_form")
    give(reg, lead, "leads", channel=None, method="web_form", text=None)
    rid = reg.write(lead, "leads", ["user.contact.phone_number", "user.contact.email"],
                    {"user.contact.phone_number": "+47 930 00 111"}, source="web_form")
    with pytest.raises(RegisterError) as source:
        reg.write(lead, "leads", ["user.contact.email"], {}, source="credit_bureau")  # PI3: not a source of Pilaro
    assert source.value.field == "source"
    [hit] = lookup(reg, "93000111", purpose="leads", by="selger")
    assert hit.subject == lead
    log_contact(reg, lead, channel="phone", direction="out", purpose="leads", by="selger")
    assert [c.direction for c in contacts(reg, lead)] == ["out"]
    reg.record_event("lead.closed", date(2026, 3, 4), record=rid)
    assert not reg.sweep(date(2026, 3, 4)).review  # kept through the closing day (1182/71 art. 3(1))
    report = reg.sweep(date(2026, 3, 5))
    assert report.review == {"leads": 1} and not report.deleted  # goes to the privacy officer's review list


@pytest.mark.promise("PI1")
@pytest.mark.promise("PI2")
@pytest.mark.promise("PI4")
@pytest.mark.promise("PI5")
@pytest.mark.promise("PI7")
def test_hanne_inquires_withdraws_consent_and_uses_her_rights_with_a_complaint_to_datatilsynet(
        open_register: Any, clock: Any) -> None:
    """Art. 6(1)(a) and (f), 7(3), 12(3), 12(4), 12(6), 15, 16, 17(3)(b), 19, 77."""
    reg: Register = open_register("pilaro")
    mailer = CaptureMailer()
    clock.set(date(2026, 3, 2))

    # -- PI4: no national identity number and no card data, under any purpose --------------------------------
    with pytest.raises(NationalIdNotAllowed):
        reg.add_subject("business_contact", {**HANNE, "national_id": "01019010046"},
                        purpose="customer_administration")
    hanne = reg.add_subject("business_contact", HANNE)
    for category in ("user.government_id.national_identification_number", "user.financial.credit_card"):
        with pytest.raises(CategoryNotAllowed):
            reg.write(hanne, "customer_administration", [category], {category: "x"})

    # -- PI1: the inquiry on consent plus legitimate interest; withdrawing leaves the (f) processing -----------
    give(reg, hanne, "inquiries", channel=None, method="web_form", text=None)
    reg.write(hanne, "inquiries", ["user.name", "custom.inquiry"],
              {"user.name": "Hanne Lie", "custom.inquiry": "Pris på 40 lisenser?"}, source="web_form")
    assert withdraw(reg, hanne, "inquiries", by="subject") == 1
    reg.write(hanne, "inquiries", ["custom.inquiry"], {"custom.inquiry": "Oppfølging: tilbud sendt"}, source="email")
    assert len(reg.read(hanne, "inquiries")) == 2  # PI1: (f) carries on after consent is withdrawn

    # -- PI2: marketing to new contacts only with consent ------------------------------------------------------
    assert may_contact(reg, hanne, "marketing_new_customers", "email").code == "no_consent"
    give(reg, hanne, "marketing_new_customers", channel="email", method="web_form", text=None)
    assert may_contact(reg, hanne, "marketing_new_customers", "email").code == "consent"

    # -- she becomes a customer contact; a partner gets what it needs and no more (PI5) -----------------------
    admin = reg.write(hanne, "customer_administration", ["user.name", "user.contact.phone_number",
                                                         "custom.products_ordered"],
                      {"user.name": "Hanne Lie", "user.contact.phone_number": "+47 922 33 444",
                       "custom.products_ordered": "40 lisenser"})
    reg.write(hanne, "bookkeeping", ["user.name", "custom.products_ordered"], {"user.name": "Hanne Lie"},
              events={"invoice.issued": date(2026, 3, 10)})
    record_disclosure(reg, hanne, "partners", "customer_administration", ["user.name", "custom.products_ordered"],
                      record=admin)
    with pytest.raises(CategoryNotAllowed):
        record_disclosure(reg, hanne, "partners", "customer_administration", ["user.contact.address"])

    # -- PI7: access, identity shown by a code to her e-mail ---------------------------------------------------
    req = rq.open_request(reg, "access", subject=hanne, channel="portal")
    send_code(reg, req.ref, HANNE["email"])
    check_code(reg, req.ref, _code(reg, mailer))
    handle.answer_access(reg, req.ref, by="daglig-leder", langs=("nb",))
    copy = json.loads(rq.artifact(reg, req.ref, "registerkopi.nb.json")[1])
    assert {p["complaint_to"] for p in copy["purposes"]} == {"Datatilsynet"}
    assert copy["controller"]["authority_website"] == "https://www.datatilsynet.no"
    assert "national_id" not in copy["subject"]["identifiers"]  # PI4
    assert [d["recipient"] for d in copy["disclosures"]] == ["partners"]

    # -- PI7: rectification, and the partner that got the data is told (Art. 19) -------------------------------
    req = rq.open_request(reg, "rectification", subject=hanne, channel="portal")
    send_code(reg, req.ref, HANNE["email"])
    check_code(reg, req.ref, _code(reg, mailer))
    done = handle.rectify(reg, req.ref, {admin: {"user.name": "Hanne Lie Berg"}}, by="daglig-leder")
    assert done.status == "completed"  # whether the partner is told: test_art19_notice_reaches_pilaros_partner
    assert reg.read(hanne, "customer_administration")[0].payload["user.name"] == "Hanne Lie Berg"

    # -- PI7: erasure; the accounts stay (PI6), and she is told why and where to complain (Art. 12(4)) ---------
    req = rq.open_request(reg, "erasure", subject=hanne, channel="portal")
    send_code(reg, req.ref, HANNE["email"])
    check_code(reg, req.ref, _code(reg, mailer))
    done = handle.erase(reg, req.ref, ground="b", by="daglig-leder")
    assert done.details["erased"] == {"customer_administration": 1, "inquiries": 2}
    assert [r.purpose for r in reg.read(hanne, "bookkeeping")] == ["bookkeeping"]
    for lang, words in (("nb", "klage til Datatilsynet"), ("en", "complain to Datatilsynet")):
        text = rq.artifact(reg, req.ref, f"erasure-explanation.{lang}.txt")[1].decode()
        assert "bokføringsloven § 13" in text and words in text, text
    explained = json.loads(rq.artifact(reg, req.ref, "erasure-explanation.json")[1])
    assert explained["complaint_to"] == {"name": "Datatilsynet", "website": "https://www.datatilsynet.no"}


@pytest.mark.promise("PI2")
def test_an_existing_customer_gets_marketing_on_legitimate_interest(open_register: Any) -> None:
    """PI2: marketing to existing customers rests on Art. 6(1)(f) with markedsføringsloven § 15 second paragraph
    (the policy enables soft_opt_in); a new contact needs consent."""
    reg: Register = open_register("pilaro")
    hanne = reg.add_subject("customer", HANNE)
    reg.write(hanne, "customer_administration", ["custom.products_ordered"], {"custom.products_ordered": "40 lisenser"})
    reg.write(hanne, "bookkeeping", ["custom.products_ordered"], {}, events={"invoice.issued": date(2026, 1, 5)})
    offer = may_contact(reg, hanne, "marketing_existing_customers", "email")
    assert (offer.allowed, offer.code) == (True, "soft_opt_in"), offer.reason


@pytest.mark.promise("PI5")
def test_art19_notice_reaches_pilaros_partner(open_register: Any) -> None:
    """Art. 19: each recipient that got the data is told of a rectification, unless impossible. Pilaro
    publishes no e-mail and its partners no contact: the notice waits as a ``manual`` outbox row for the
    privacy officer, who acknowledges it once the partner has been told."""
    reg: Register = open_register("pilaro")
    hanne = reg.add_subject("business_contact", HANNE)
    admin = reg.write(hanne, "customer_administration", ["user.name"], {"user.name": "Hanne Lie"})
    record_disclosure(reg, hanne, "partners", "customer_administration", ["user.name"], record=admin)
    req = rq.open_request(reg, "rectification", subject=hanne, channel="portal")
    rq.verify(reg, req.ref, method="email_link", by="daglig-leder")
    done = handle.rectify(reg, req.ref, {admin: {"user.name": "Hanne Lie Berg"}}, by="daglig-leder")
    assert done.details["recipients_notified"] == 1
    [owed] = list_outbox(reg, "manual")
    assert (owed.recipient, owed.topic) == ("partners", "art19.rectification")
    assert acknowledge(reg, owed.id, by="daglig-leder")
