"""The five example policies load cleanly and declare what their seed privacy policies promise.

One test per promise that a policy file can express (../shared/PROMISES.md); promises that only the engine
can keep (workflows, deadlines) are tested where the engine is. Retention is checked with concrete dates.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import pytest

from personvern.policy import Facts, Period, Policy, Purpose, load_policy, retention_end
from personvern.policy.retention import After, EarlierOf, LaterOf, Statute, Until

POLICIES = Path(__file__).resolve().parent.parent / "examples" / "policies"
NATIONAL_ID = "user.government_id.national_identification_number"

# Every promise id of each company's row that the policy file expresses, and so must cite in a comment.
CITED = {
    "tek-zence.yaml": [f"TZ{n}" for n in range(1, 12)],
    "sensornordic.yaml": ["SN1", "SN2a", "SN2b", "SN2c", "SN2d", "SN2e", "SN3", "SN4", "SN5", "SN6"],
    "tp-ecommerce.yaml": [f"TP{n}" for n in range(1, 13)]
    + ["TP13c", "TP13e", "TP13f", "TP14", "TP15", "TP16"],
    "kl-miljovarme.yaml": [f"KL{n}" for n in range(1, 8)],
    "pilaro.yaml": [f"PI{n}" for n in range(1, 9)],
}


@cache
def policy(name: str) -> Policy:
    return load_policy(POLICIES / name).policy


def purpose(name: str, key: str) -> Purpose:
    found = policy(name).purpose(key)
    assert found is not None, f"{name} declares no purpose '{key}'"
    return found


def end(p: Purpose, collected: date, **events: date) -> date | None:
    """The retention end of a record of ``p``; event keys are written with '__' for '.'."""
    assert p.retention is not None
    found: date | None = retention_end(
        p.retention, Facts(collected, {k.replace("__", "."): v for k, v in events.items()}))
    return found


def kept_at_least_until(p: Purpose, day: date, collected: date, **events: date) -> bool:
    """The record may not go before ``day`` (a statutory minimum; the exact first day is the statute's)."""
    found = end(p, collected, **events)
    return found is not None and found >= day


# --- all five ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(CITED))
def test_policy_loads_without_errors_or_warnings(name: str) -> None:
    loaded = load_policy(POLICIES / name)
    assert loaded.warnings == []


@pytest.mark.parametrize("name", sorted(CITED))
def test_policy_file_cites_every_promise_of_its_row(name: str) -> None:
    text = (POLICIES / name).read_text(encoding="utf-8")
    cited = set(re.findall(r"\b(?:TZ|SN|TP|KL|PI)\d+[a-z]?\b", text))
    assert set(CITED[name]) <= cited


@pytest.mark.parametrize("name", sorted(CITED))
def test_every_purpose_has_basis_categories_source_and_retention(name: str) -> None:
    for p in policy(name).purposes:
        assert p.legal_basis.article in "abcdef"
        assert p.categories and p.subjects and p.sources
        assert p.retention is not None, p.key


@pytest.mark.parametrize("name", sorted(CITED))
def test_no_purpose_keeps_anti_money_laundering_records(name: str) -> None:
    # None of the five is a reporting entity under hvitvaskingsloven § 4 (../shared/LEGAL.md).
    for p in policy(name).purposes:
        assert p.legal_basis.statute != "hvitvaskingsloven"
        assert "hvitvaskingsloven" not in repr(p.retention)


# --- TZ: TEK-Zence -------------------------------------------------------------------------------------

TZ = "tek-zence.yaml"


@pytest.mark.promise("TZ1")
def test_tz1_customer_profile_links_purchase_history_on_legitimate_interest() -> None:
    p = purpose(TZ, "customer_profile")
    assert p.legal_basis.article == "f"
    assert "user.behavior.purchase_history" in p.categories


@pytest.mark.promise("TZ2")
def test_tz2_product_recalls_are_a_legal_obligation_under_produktkontrolloven() -> None:
    p = purpose(TZ, "product_recall")
    assert p.legal_basis.article == "c"
    assert "produktkontrolloven" in (p.legal_basis.law or "")


@pytest.mark.promise("TZ3")
def test_tz3_profile_kept_five_years_from_purchase_or_while_customer_whichever_is_later() -> None:
    p = purpose(TZ, "customer_profile")
    assert p.retention is not None and isinstance(p.retention.rule, LaterOf)
    bought = date(2024, 6, 1)
    left_early, left_late = date(2025, 1, 10), date(2030, 2, 1)
    assert end(p, bought, purchase__made=bought, customer__relationship_ended=left_early) == date(2029, 6, 2)
    assert end(p, bought, purchase__made=bought, customer__relationship_ended=left_late) == (
        left_late + timedelta(days=1))  # kept through the day it ends
    assert end(p, bought, purchase__made=bought) is None  # still a customer


@pytest.mark.promise("TZ4")
def test_tz4_erasure_seals_bookkeeping_records_and_deletes_the_rest() -> None:
    book = purpose(TZ, "bookkeeping")
    assert book.on_erasure == "seal"
    assert book.legal_basis.statute == "bokforingsloven.primary"
    survivors = {p.key for p in policy(TZ).purposes if p.on_erasure != "delete"}
    assert survivors == {"bookkeeping", "complaints"}
    bought = date(2024, 6, 1)
    # five years from the end of 2024
    assert kept_at_least_until(book, date(2029, 12, 31), bought, purchase__made=bought)


@pytest.mark.promise("TZ5")
def test_tz5_delivery_registers_conditions_at_the_address() -> None:
    p = purpose(TZ, "delivery_installation")
    assert p.legal_basis.article == "b"
    assert "custom.delivery_conditions" in p.categories


@pytest.mark.promise("TZ6")
def test_tz6_delivery_partners_have_deletes_on() -> None:
    (partner,) = policy(TZ).recipients_of("delivery_installation")
    assert partner.deletes_on == "installation.completed"
    assert partner.agreement is not None


@pytest.mark.promise("TZ7")
def test_tz7_installation_notice_is_a_service_message_not_marketing() -> None:
    p = purpose(TZ, "installation_notice")
    assert p.transactional and p.marketing is None


@pytest.mark.promise("TZ8")
@pytest.mark.promise("TZ10")
@pytest.mark.promise("TZ11")
def test_tz8_tz10_tz11_customer_service_logs_calls_and_stores_emails_on_the_profile() -> None:
    p = purpose(TZ, "customer_service")
    assert {"phone", "email"} <= set(p.sources)
    assert {"custom.call_log", "custom.correspondence"} <= set(p.categories)
    assert "phone" in p.identifiers  # an incoming call is looked up by number


@pytest.mark.promise("TZ9")
def test_tz9_correspondence_on_legitimate_interest_and_complaints_kept_by_law() -> None:
    assert purpose(TZ, "customer_service").legal_basis.article == "f"
    complaints = purpose(TZ, "complaints")
    # forbrukerkjøpsloven § 27 is a deadline to complain, not a duty to store (../shared/LEGAL.md, issue 14
    # item 11): legitimate interest, § 27 as the reason for the period, kept on erasure for legal claims.
    assert complaints.legal_basis.article == "f" and complaints.legal_basis.law == "forbrukerkjøpsloven § 27"
    assert complaints.on_erasure == "keep"


# --- SN: SensorNordic ----------------------------------------------------------------------------------

SN = "sensornordic.yaml"


@pytest.mark.promise("SN1")
def test_sn1_customer_data_is_name_phone_email_and_company_details() -> None:
    p = purpose(SN, "alarm_service")
    sn1 = {"user.name", "user.contact.phone_number", "user.contact.email", "user.contact.organization"}
    assert sn1 <= set(p.categories)
    assert {"customer", "business_contact"} <= set(p.subjects)


@pytest.mark.promise("SN2a")
def test_sn2a_contract_installation_monitoring_and_invoicing_on_contract() -> None:
    assert purpose(SN, "alarm_service").legal_basis.article == "b"
    assert purpose(SN, "offers").legal_basis.article == "b"
    book = purpose(SN, "bookkeeping")
    assert book.legal_basis.statute == "bokforingsloven.primary"
    assert kept_at_least_until(book, date(2029, 12, 31), date(2024, 3, 1), invoice__issued=date(2024, 3, 1))


@pytest.mark.promise("SN2b")
def test_sn2b_administration_and_price_adjustment_profiling_on_legitimate_interest() -> None:
    admin = purpose(SN, "administration")
    assert admin.legal_basis.article == "f"
    assert "credit_bureau" in admin.sources
    price = purpose(SN, "price_adjustment")
    assert price.legal_basis.article == "f"
    assert price.profiling


@pytest.mark.promise("SN2c")
def test_sn2c_satisfaction_surveys_on_legitimate_interest() -> None:
    assert purpose(SN, "satisfaction_survey").legal_basis.article == "f"


@pytest.mark.promise("SN2d")
def test_sn2d_alarm_contacts_named_by_customer_on_vital_interests() -> None:
    p = purpose(SN, "alarm_contacts")
    assert p.legal_basis.article == "d"
    assert p.legal_basis.vital_interests_of is not None
    assert p.subjects == ["alarm_contact"]
    assert p.sources == ["customer"]
    assert "personvernerklæring" in p.description.nb
    assert p.retention is not None and isinstance(p.retention.rule, EarlierOf)
    named = date(2024, 1, 1)
    assert end(p, named, alarm_contact__removed=date(2024, 5, 1)) == date(2024, 5, 2)
    assert end(p, named) is None


@pytest.mark.promise("SN2e")
def test_sn2e_offers_by_email_and_sms_on_legitimate_interest_or_consent() -> None:
    p = purpose(SN, "marketing")
    assert p.marketing is not None and set(p.marketing.channels) == {"email", "sms"}
    assert p.legal_basis.article == "f"
    assert [b.article for b in p.also_based_on] == ["a"]


@pytest.mark.promise("SN3")
def test_sn3_no_automated_decisions() -> None:
    assert not any(p.automated_decision for p in policy(SN).purposes)


@pytest.mark.promise("SN4")
def test_sn4_support_emails_kept_three_years_and_calls_not_recorded() -> None:
    p = purpose(SN, "support_email")
    assert p.retention is not None and p.retention.rule == After(after="collection", period=Period("3 years"))
    assert end(p, date(2024, 5, 15)) == date(2027, 5, 16)
    assert end(p, date(2024, 2, 29)) == date(2027, 3, 1)
    assert "Telefonsamtaler" in p.description.nb and "not recorded" in p.description.en
    assert not any("user.biometric.voice" in q.categories for q in policy(SN).purposes)


@pytest.mark.promise("SN5")
def test_sn5_never_sold_only_authorities_with_legal_basis_and_emergency_services() -> None:
    recipients = {r.key: r for r in policy(SN).recipients}
    assert set(recipients) == {"public_authorities", "emergency_services"}
    assert all(r.role == "public_authority" and r.condition is not None for r in recipients.values())
    assert "rettslig grunnlag" in str(recipients["public_authorities"].condition)
    assert "vital interests" in str(recipients["emergency_services"].condition)


@pytest.mark.promise("SN6")
def test_sn6_controller_contact_details_are_published() -> None:
    c = policy(SN).controller
    assert (c.address.street, c.address.postcode, c.address.city) == ("Kjeller Vest 1", "2007", "Kjeller")
    assert c.phone == "+47 6790 4848"
    assert c.email == "support@sensornordic.no"


# --- TP: TP E-commerce / Teknikproffset ----------------------------------------------------------------

TP = "tp-ecommerce.yaml"


@pytest.mark.promise("TP1")
def test_tp1_orders_on_contract_kept_36_months_after_purchase_completed() -> None:
    p = purpose(TP, "order")
    assert p.legal_basis.article == "b"
    assert p.required is not None and "refuse the purchase" in p.required.consequence.en
    assert p.retention is not None
    assert p.retention.rule == After(after="purchase.completed", period=Period("36 months"))
    ordered = date(2024, 3, 1)
    assert end(p, ordered, purchase__completed=date(2024, 3, 10)) == date(2027, 3, 11)
    assert end(p, ordered) is None  # not yet delivered and paid


@pytest.mark.promise("TP2")
def test_tp2_legal_obligations_kept_as_orders_and_bookkeeping_longer() -> None:
    legal = purpose(TP, "legal_obligations")
    assert legal.legal_basis.article == "c"
    assert legal.retention == purpose(TP, "order").retention
    book = purpose(TP, "bookkeeping")
    assert book.legal_basis.statute == "bokforingsloven.primary"
    assert book.retention is not None and isinstance(book.retention.rule, Statute)
    completed = date(2024, 3, 10)
    assert kept_at_least_until(book, date(2029, 12, 31), completed, purchase__completed=completed)


@pytest.mark.promise("TP3")
def test_tp3_customer_service_kept_until_case_closed_at_least_30_days() -> None:
    p = purpose(TP, "customer_service")
    assert p.legal_basis.article == "f"
    opened = date(2024, 1, 1)
    assert end(p, opened, case__closed=date(2024, 1, 5)) == date(2024, 2, 1)
    assert end(p, opened, case__closed=date(2024, 3, 1)) == date(2024, 3, 2)
    assert end(p, opened) is None


@pytest.mark.promise("TP4")
def test_tp4_competitions_kept_while_running_at_least_30_days() -> None:
    p = purpose(TP, "competitions")
    assert p.legal_basis.article == "f"
    assert p.retention is not None
    assert p.retention.rule == Until(until="competition.ended", at_least=Period("30 days"))
    assert end(p, date(2024, 4, 1), competition__ended=date(2024, 4, 2)) == date(2024, 5, 2)


@pytest.mark.promise("TP5")
def test_tp5_fraud_prevention_kept_36_months_from_collection() -> None:
    p = purpose(TP, "fraud_prevention")
    assert {NATIONAL_ID, "user.behavior.browsing_history", "custom.it_environment"} <= set(p.categories)
    assert end(p, date(2024, 5, 15)) == date(2027, 5, 16)
    assert end(p, date(2024, 2, 29)) == date(2027, 3, 1)


@pytest.mark.promise("TP6")
def test_tp6_mine_sider_on_contract_until_membership_ends() -> None:
    p = purpose(TP, "membership")
    assert p.legal_basis.article == "b"
    assert {"user.account.username", "user.authorization.password", "custom.favourites"} <= set(p.categories)
    assert end(p, date(2024, 1, 1), membership__ended=date(2026, 8, 1)) == date(2026, 8, 2)
    assert end(p, date(2024, 1, 1)) is None


@pytest.mark.promise("TP7")
def test_tp7_job_applications_are_consent_based_and_kept_until_recruitment_ended_at_least_6_months() -> None:
    p = purpose(TP, "job_applications")
    assert p.legal_basis.article == "a" and p.legal_basis.consent is not None
    assert p.retention is not None and isinstance(p.retention.rule, Until)
    assert p.retention.rule.until == "recruitment.ended"
    assert p.retention.rule.at_least == Period("6 months")
    assert end(p, date(2024, 1, 15), recruitment__ended=date(2024, 2, 1)) == date(2024, 7, 16)


@pytest.mark.promise("TP8")
def test_tp8_emails_and_contact_form_on_consent_until_matter_closed_at_least_30_days() -> None:
    p = purpose(TP, "contact_form")
    assert p.legal_basis.article == "a"
    assert p.retention is not None
    assert p.retention.rule == Until(until="matter.closed", at_least=Period("30 days"))


@pytest.mark.promise("TP9")
def test_tp9_sources_include_address_register_credit_bureaus_and_banks() -> None:
    sources = {s for p in policy(TP).purposes for s in p.sources}
    assert {"public_register", "credit_bureau", "bank"} <= sources
    assert {"public_register", "credit_bureau", "bank"} <= set(purpose(TP, "order").sources)


@pytest.mark.promise("TP10")
def test_tp10_processors_under_agreements_and_independent_controllers() -> None:
    recipients = {r.key: r for r in policy(TP).recipients}
    processors = {k for k, r in recipients.items() if r.role == "processor"}
    assert processors == {"payment_processors", "transport_processors", "marketing_processors", "it_services"}
    assert all(recipients[k].agreement is not None for k in processors)
    assert {k for k, r in recipients.items() if r.role == "independent_controller"} == {
        "logistics_companies", "payment_providers"}
    authorities = recipients["authorities"]
    assert authorities.role == "public_authority"
    assert authorities.condition is not None and "crime" in authorities.condition.en


@pytest.mark.promise("TP11")
def test_tp11_all_recipients_in_the_eea() -> None:
    assert all(r.in_eea for r in policy(TP).recipients)


@pytest.mark.promise("TP12")
def test_tp12_every_purpose_states_need_to_know_access() -> None:
    assert all(p.security is not None for p in policy(TP).purposes)


@pytest.mark.promise("TP13c")
def test_tp13c_child_age_13_and_legal_obligations_restrict_instead_of_erase() -> None:
    tp = policy(TP)
    assert tp.settings.child_age_online_consent == 13
    assert purpose(TP, "legal_obligations").on_erasure == "keep"
    assert purpose(TP, "bookkeeping").on_erasure == "seal"


@pytest.mark.promise("TP13e")
def test_tp13e_marketing_with_its_profiling_rests_on_legitimate_interest_and_can_be_objected_to() -> None:
    p = purpose(TP, "marketing")
    assert p.marketing is not None
    assert p.profiling
    assert p.legal_basis.article == "f"


@pytest.mark.promise("TP13f")
def test_tp13f_marketing_channels_chosen_per_channel_and_order_messages_are_not_marketing() -> None:
    p = purpose(TP, "marketing")
    assert p.marketing is not None and set(p.marketing.channels) == {"email", "sms"}
    messages = purpose(TP, "order_messages")
    assert messages.transactional and messages.marketing is None


@pytest.mark.promise("TP13g")
def test_tp13g_portability_applies_to_consent_and_contract_purposes() -> None:
    portable = {p.key for p in policy(TP).purposes if p.legal_basis.article in ("a", "b")}
    assert portable == {"order", "order_messages", "membership", "job_applications", "contact_form",
                        "product_reviews"}


@pytest.mark.promise("TP14")
def test_tp14_national_id_only_in_purposes_that_need_it() -> None:
    with_id = {p.key for p in policy(TP).purposes if NATIONAL_ID in p.categories}
    assert with_id == {"order", "fraud_prevention", "membership"}
    for p in policy(TP).purposes:
        assert ("national_id" in p.identifiers) == (p.key in with_id), p.key


@pytest.mark.promise("TP15")
def test_tp15_complaints_go_to_datatilsynet() -> None:
    assert policy(TP).controller.supervisory_authority.name == "Datatilsynet"


@pytest.mark.promise("TP16")
def test_tp16_policy_carries_its_date() -> None:
    assert policy(TP).policy.effective == date(2021, 5, 7)
    assert policy(TP).policy.version == "2021-05-07"


# --- KL: KL Miljøvarme ---------------------------------------------------------------------------------

KL = "kl-miljovarme.yaml"


@pytest.mark.promise("KL1")
def test_kl1_data_is_address_phone_email_and_contact_person() -> None:
    used = {c for p in policy(KL).purposes for c in p.categories}
    assert {"custom.contact_person", "user.contact.address", "user.contact.phone_number",
            "user.contact.email"} <= used
    assert all("custom.contact_person" in p.categories for p in policy(KL).purposes)


@pytest.mark.promise("KL2")
@pytest.mark.promise("KL3")
def test_kl2_kl3_purposes_and_their_legal_bases() -> None:
    bases = {p.key: p.legal_basis.article for p in policy(KL).purposes}
    assert bases == {
        # analyses on (f), not the contract the seed names: EDPB Guidelines 2/2019 (issue 14 item 11)
        "orders": "b", "delivery": "b", "invoicing": "c", "marketing": "f", "customer_follow_up": "f",
        "customer_surveys": "f", "web_login": "b", "customer_support": "b", "customer_applications": "b",
        "rights_requests": "c",  # data-subject requests and the ID copies of KL6 (issue 5)
    }
    assert purpose(KL, "invoicing").legal_basis.statute == "bokforingsloven.primary"


@pytest.mark.promise("KL4")
def test_kl4_kept_while_customer_invoices_by_law_applications_three_months() -> None:
    orders = purpose(KL, "orders")
    assert end(orders, date(2024, 1, 1), customer__relationship_ended=date(2025, 6, 1)) == date(2025, 6, 2)
    assert end(orders, date(2024, 1, 1)) is None  # still a customer
    assert end(purpose(KL, "customer_applications"), date(2024, 11, 30)) == date(2025, 3, 1)
    invoicing = purpose(KL, "invoicing")
    issued = date(2024, 3, 15)
    assert kept_at_least_until(invoicing, date(2029, 12, 31), issued, invoice__issued=issued)


@pytest.mark.promise("KL5")
def test_kl5_shared_with_it_distribution_and_communication_providers_and_authorities() -> None:
    recipients = {r.key: r for r in policy(KL).recipients}
    assert {k for k, r in recipients.items() if r.role == "processor"} == {
        "it_providers", "distribution_providers", "communication_providers"}
    assert {k for k, r in recipients.items() if r.role == "public_authority"} == {
        "authorities", "rescue_services", "courts"}
    assert all(r.agreement is not None for r in recipients.values() if r.role == "processor")
    assert all(r.condition is not None for r in recipients.values() if r.role == "public_authority")


@pytest.mark.promise("KL6")
def test_kl6_erasure_blocked_only_where_the_law_requires_keeping() -> None:
    kept = {p.key for p in policy(KL).purposes if p.on_erasure != "delete"}
    assert kept == {"invoicing"}


@pytest.mark.promise("KL7")
def test_kl7_marketing_by_post_email_and_sms_on_legitimate_interest() -> None:
    p = purpose(KL, "marketing")
    assert p.legal_basis.article == "f"
    assert p.marketing is not None and set(p.marketing.channels) == {"post", "email", "sms"}
    assert p.marketing.soft_opt_in


def test_kl_controller_is_the_sole_trader_with_corrected_email() -> None:
    c = policy(KL).controller
    assert c.email == "biokjell@miljovarme.no"
    assert (c.address.street, c.address.postcode, c.address.city) == ("Langstranda 571", "1970", "Hemnes")
    assert c.phone == "+47 63 85 88 70"


# --- PI: Pilaro ----------------------------------------------------------------------------------------

PI = "pilaro.yaml"


@pytest.mark.promise("PI1")
def test_pi1_inquiries_on_consent_and_legitimate_interest_that_survives_withdrawal() -> None:
    p = purpose(PI, "inquiries")
    assert p.legal_basis.article == "a" and p.legal_basis.consent is not None
    assert [b.article for b in p.also_based_on] == ["f"]
    assert "trukket samtykket" in p.description.nb


@pytest.mark.promise("PI2")
def test_pi2_six_purposes_with_their_bases() -> None:
    bases = {p.key: p.legal_basis.article for p in policy(PI).purposes}
    assert {k: bases[k] for k in (
        "customer_administration", "customer_support", "marketing_new_customers",
        "marketing_existing_customers", "bookkeeping", "legal_claims")} == {
        "customer_administration": "f", "customer_support": "f", "marketing_new_customers": "a",
        "marketing_existing_customers": "f", "bookkeeping": "c", "legal_claims": "f"}


@pytest.mark.promise("PI3")
def test_pi3_sources_are_the_person_email_phone_and_web_form() -> None:
    sources = {s for p in policy(PI).purposes for s in p.sources}
    assert sources == {"subject", "email", "phone", "web_form"}


@pytest.mark.promise("PI4")
def test_pi4_no_purpose_stores_national_id_or_card_data() -> None:
    for p in policy(PI).purposes:
        assert "national_id" not in p.identifiers
        assert not any(c.startswith(("user.government_id", "user.financial.credit_card", "user.payment"))
                       for c in p.categories)


@pytest.mark.promise("PI5")
def test_pi5_only_partners_as_needed_and_authorities_when_law_requires() -> None:
    recipients = {r.key: r for r in policy(PI).recipients}
    assert set(recipients) == {"partners", "authorities"}
    assert all(r.condition is not None for r in recipients.values())
    assert not any(r.role == "processor" for r in recipients.values())


@pytest.mark.promise("PI6")
def test_pi6_kept_while_customer_and_reviewed_when_only_as_long_as_needed() -> None:
    admin = purpose(PI, "customer_administration")
    assert end(admin, date(2024, 1, 1), customer__relationship_ended=date(2025, 1, 1)) == date(2025, 1, 2)
    assert purpose(PI, "bookkeeping").legal_basis.statute == "bokforingsloven.primary"
    reviewed = {p.key for p in policy(PI).purposes if p.retention and p.retention.then == "review"}
    assert reviewed == {"inquiries", "leads", "legal_claims"}
    claims = purpose(PI, "legal_claims")
    assert end(claims, date(2024, 1, 1), customer__relationship_ended=date(2025, 1, 1)) == date(2028, 1, 2)


@pytest.mark.promise("PI7")
def test_pi7_complaints_go_to_datatilsynet() -> None:
    assert policy(PI).controller.supervisory_authority.name == "Datatilsynet"


@pytest.mark.promise("PI8")
def test_pi8_leads_leave_email_and_phone_to_be_called_back() -> None:
    p = purpose(PI, "leads")
    assert p.subjects == ["prospect"]
    assert set(p.categories) == {"user.contact.email", "user.contact.phone_number"}
    assert p.sources == ["web_form"]
