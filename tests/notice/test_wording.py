"""Retention rules and legal bases in words: the exact sentences a customer reads."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from personvern.notice import describe_basis, describe_retention
from personvern.notice.wording import describe_period
from personvern.policy import Retention, load_policy
from personvern.policy.model import Policy

POLICIES = Path(__file__).resolve().parents[2] / "examples" / "policies"


@cache
def policy(name: str) -> Policy:
    return load_policy(POLICIES / f"{name}.yaml").policy


def retention_of(name: str, purpose: str) -> Retention:
    found = policy(name).purpose(purpose)
    assert found is not None and found.retention is not None
    return found.retention


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("nb", "36 måneder etter at kjøpet er fullført (levert og betalt)"),
        ("en", "36 months after the purchase is complete (delivered and paid)"),
    ],
)
def test_tp1_order_kept_36_months_after_purchase_is_complete(lang: str, expected: str) -> None:
    assert describe_retention(retention_of("tp-ecommerce", "order"), policy("tp-ecommerce"), lang) == expected


@pytest.mark.parametrize(
    ("purpose", "lang", "expected"),
    [
        ("customer_service", "nb", "til kundeservicesaken er avsluttet, men minst 30 dager"),
        ("customer_service", "en", "until the customer service case is closed, but at least 30 days"),
        ("contact_form", "nb", "til saken er avsluttet, men minst 30 dager"),
        ("contact_form", "en", "until the matter is closed, but at least 30 days"),
        ("job_applications", "nb", "til rekrutteringsprosessen er avsluttet, men minst 6 måneder"),
    ],
)
def test_tp3_until_case_closed_at_least_30_days(purpose: str, lang: str, expected: str) -> None:
    assert describe_retention(retention_of("tp-ecommerce", purpose), policy("tp-ecommerce"), lang) == expected


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("nb", "5 år fra utgangen av regnskapsåret (bokføringsloven § 13 første ledd nr. 1)"),
        ("en", "5 years from the end of the accounting year (bokføringsloven § 13 første ledd nr. 1)"),
    ],
)
def test_bookkeeping_statute_counted_from_end_of_accounting_year(lang: str, expected: str) -> None:
    assert describe_retention(retention_of("tek-zence", "bookkeeping"), policy("tek-zence"), lang) == expected


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "nb",
            "det som varer lengst av: 5 år etter kjøpsdatoen (forbrukerkjøpsloven § 27 første ledd annet "
            "punktum) (bare hvis kjøpsdatoen er registrert) eller til kundeforholdet er avsluttet",
        ),
        (
            "en",
            "whichever lasts longer: 5 years after the date of purchase (forbrukerkjøpsloven § 27 første "
            "ledd annet punktum) (only if the date of purchase is recorded) or until the customer relationship "
            "has ended",
        ),
    ],
)
def test_tz3_profile_kept_whichever_lasts_longer(lang: str, expected: str) -> None:
    assert (
        describe_retention(retention_of("tek-zence", "customer_profile"), policy("tek-zence"), lang)
        == expected
    )


def test_earlier_of_says_whichever_comes_first() -> None:
    rule = Retention.model_validate(
        {"earlier_of": ["12 months after collection", "until customer.relationship_ended"]}
    )
    tz = policy("tek-zence")
    assert describe_retention(rule, tz, "nb") == (
        "det som kommer først av: 12 måneder etter at opplysningene ble samlet inn "
        "eller til kundeforholdet er avsluttet"
    )
    assert describe_retention(rule, tz, "en") == (
        "whichever comes first: 12 months after the data was collected "
        "or until the customer relationship has ended"
    )


def test_reduce_says_what_is_kept_after_anonymisation() -> None:
    rule = Retention.model_validate(
        {
            "rule": "24 months after last_activity",
            "then": "reduce",
            "keep": ["user.demographic.age_range", "user.contact.address.city"],
        }
    )
    tz = policy("tek-zence")
    assert describe_retention(rule, tz, "nb") == (
        "24 måneder etter siste aktivitet (kjøp, innlogging eller betaling); "
        "deretter anonymiseres opplysningene, bare aldersgruppe og poststed beholdes"
    )
    assert describe_retention(rule, tz, "en").endswith(
        "then the data is anonymised and only age range and city is kept"
    )


def test_review_and_hand_over_are_described() -> None:
    tz = policy("tek-zence")
    review = Retention.model_validate({"rule": "until case.closed", "then": "review"})
    assert describe_retention(review, tz, "nb") == (
        "til saken er avsluttet; "
        "deretter vurderer vi om opplysningene fortsatt trengs, og sletter dem hvis ikke"
    )
    hand_over = Retention.model_validate(
        {"rule": "5 years after collection", "then": "hand_over", "archive": "Arkivverket"}
    )
    assert describe_retention(hand_over, tz, "en").endswith(
        "handed over to Arkivverket and deleted from our systems"
    )


def test_pilaro_review_rules_say_they_are_reviewed() -> None:
    pilaro = policy("pilaro")
    reviewed = [p for p in pilaro.purposes if p.retention and p.retention.then == "review"]
    assert reviewed
    for p in reviewed:
        assert "deretter vurderer vi om opplysningene fortsatt trengs" in describe_retention(
            p.retention, pilaro, "nb"
        )


@pytest.mark.parametrize(
    ("text", "nb", "en"),
    [
        ("36 months", "36 måneder", "36 months"),
        ("1 month", "1 måned", "1 month"),
        ("30 days", "30 dager", "30 days"),
        ("3 years 6 months", "3 år og 6 måneder", "3 years and 6 months"),
        ("1 year", "1 år", "1 year"),
    ],
)
def test_periods_in_words(text: str, nb: str, en: str) -> None:
    assert describe_period(text, "nb") == nb
    assert describe_period(text, "en") == en


def test_legitimate_interest_states_the_interest() -> None:
    purpose = policy("tek-zence").purpose("customer_profile")
    assert purpose is not None
    assert describe_basis(purpose.legal_basis, "nb") == (
        "berettiget interesse, GDPR art. 6 nr. 1 bokstav f: "
        "å gi god oppfølging av kunder etter kjøp, uten ulempe for kunden"
    )
    assert describe_basis(purpose.legal_basis, "en").startswith(
        "legitimate interest, GDPR Art. 6(1)(f): giving customers"
    )


def test_legal_obligation_names_the_law() -> None:
    purpose = policy("tek-zence").purpose("bookkeeping")
    assert purpose is not None
    assert (
        describe_basis(purpose.legal_basis, "nb")
        == "rettslig forpliktelse, GDPR art. 6 nr. 1 bokstav c: bokføringsloven § 13"
    )


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="language"):
        describe_retention(retention_of("tek-zence", "bookkeeping"), policy("tek-zence"), "sv")
