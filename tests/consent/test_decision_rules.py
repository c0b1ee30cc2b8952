"""may_contact: every rule with the reason code it must give (markedsføringsloven §§ 12–15, GDPR Art. 6/7/18/21)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from personvern.consent import give, import_reservations, may_contact, object_to_marketing, suppress, withdraw
from personvern.errors import RegisterError
from personvern.register import Register, holds

TEXT = "Ja takk til tilbud."
MONDAY = datetime(2026, 1, 5, 12, tzinfo=UTC)  # 13:00 in Oslo, an ordinary weekday


def wash(reg: Register, tmp_path: Path, lines: str = "") -> None:
    f = tmp_path / "reservasjoner.csv"
    f.write_text("kind,value,channels\n" + lines)
    import_reservations(reg, f, by="privacy-officer")


def test_consent_for_purpose_and_channel_allows_with_basis(shop: Register, person) -> None:  # type: ignore[no-untyped-def]
    ref = person()
    give(shop, ref, "marketing", channel="email", method="web_form", text=TEXT)
    d = may_contact(shop, ref, "marketing", "email")
    assert (d.allowed, d.code, d.marketing) == (True, "consent", True)
    assert "6(1)(a)" in (d.basis or "") and d.reason and d.reason_nb


@pytest.mark.promise("TP13f")
def test_the_customer_chooses_the_channel(shop: Register, person) -> None:  # type: ignore[no-untyped-def]
    ref = person()  # not an existing customer: no soft opt-in
    give(shop, ref, "marketing", channel="email", method="web_form", text=TEXT)
    assert may_contact(shop, ref, "marketing", "email").allowed
    d = may_contact(shop, ref, "marketing", "sms")
    assert (d.allowed, d.code) == (False, "not_a_customer")  # issue 14: the refusal names the missing sale


@pytest.mark.promise("TP13f")
def test_order_and_delivery_messages_are_allowed_and_not_marketing(shop: Register, person) -> None:  # type: ignore[no-untyped-def]
    ref = person()
    object_to_marketing(shop, ref, by="subject")
    d = may_contact(shop, ref, "order_messages", "email")
    assert (d.allowed, d.code, d.marketing) == (True, "transactional", False)
    assert d.basis == "Art. 6(1)(b)"


def test_installation_notice_is_a_service_message(reg: Register) -> None:  # TZ7
    ref = reg.add_subject("customer", {"email": "kari@example.no"})
    d = may_contact(reg, ref, "installation_notice", "email")
    assert (d.allowed, d.code, d.marketing) == (True, "transactional", False)


def test_soft_opt_in_for_an_existing_customer_only(shop: Register, person) -> None:  # type: ignore[no-untyped-def]
    buyer, stranger = person(bought=True), person()
    d = may_contact(shop, buyer, "marketing", "sms")
    assert (d.allowed, d.code) == (True, "soft_opt_in")
    assert "§ 15 second paragraph" in (d.basis or "") and "opt-out" in d.reason
    assert may_contact(shop, stranger, "marketing", "sms").code == "not_a_customer"


@pytest.mark.promise("KL7")
def test_soft_opt_in_never_after_the_customer_opted_out(shop: Register, person, clock) -> None:  # type: ignore[no-untyped-def]
    buyer = person(bought=True)
    assert withdraw(shop, buyer, "marketing", channel="sms", by="subject") == 0  # nothing given, opt-out recorded
    assert may_contact(shop, buyer, "marketing", "sms").code == "objected"
    assert may_contact(shop, buyer, "marketing", "email").code == "soft_opt_in"
    clock.now += timedelta(days=1)  # a new, explicit consent later is the customer's own choice again
    give(shop, buyer, "marketing", channel="sms", method="web_form", text=TEXT)
    assert may_contact(shop, buyer, "marketing", "sms").code == "consent"


def test_soft_opt_in_needs_the_policy_to_enable_it(open_register: Callable[[str], Register]) -> None:
    pilaro = open_register("pilaro")  # marketing_new_customers: consent only, no soft opt-in
    ref = pilaro.add_subject("prospect", {"email": "p@example.no", "phone": "+47 975 27 747"})
    assert may_contact(pilaro, ref, "marketing_new_customers", "email").code == "no_consent"
    assert may_contact(pilaro, ref, "marketing_new_customers", "phone").code == "no_consent"


@pytest.mark.promise("TP13e")
def test_restriction_refuses_contact(shop: Register, person) -> None:  # type: ignore[no-untyped-def]
    ref = person()
    give(shop, ref, "marketing", channel="email", method="web_form", text=TEXT)
    holds.restrict(shop, ref, ground="accuracy", reason="contested address", by="agent")
    assert may_contact(shop, ref, "marketing", "email").code == "restricted"


def test_sperreliste_refuses_every_channel_even_with_consent(shop: Register, person, tmp_path) -> None:  # type: ignore[no-untyped-def]
    wash(shop, tmp_path)
    ref = person(phone="+47 975 27 747", bought=True)
    give(shop, ref, "marketing", channel="email", method="web_form", text=TEXT)
    suppress(shop, None, kind="phone", value="97527747", reason="sperreliste")
    for ch in ("email", "sms", "post", "phone"):
        assert may_contact(shop, ref, "marketing", ch).code == "sperreliste", ch


def test_reservasjonsregisteret_refuses_phone_and_post(shop: Register, person, tmp_path) -> None:  # type: ignore[no-untyped-def]
    wash(shop, tmp_path, "phone,+47 975 27 747,phone;post\n")
    reserved, free = person(phone="97527747"), person(phone="+47 975 27 748")
    for ch in ("phone", "post"):
        d = may_contact(shop, reserved, "marketing", ch, at=MONDAY)
        assert (d.allowed, d.code) == (False, "reservasjonsregisteret"), ch
        d = may_contact(shop, free, "marketing", ch, at=MONDAY)
        assert (d.allowed, d.code) == (True, "legitimate_interest"), ch


def test_reserved_but_asked_to_be_called_or_existing_customer(shop: Register, person, tmp_path) -> None:  # type: ignore[no-untyped-def]
    wash(shop, tmp_path, "phone,97527747,phone\nphone,97527748,phone\n")
    asked, customer = person(phone="97527747"), person(phone="97527748", bought=True)
    give(shop, asked, "marketing", channel="phone", method="phone_request", text="Ring meg gjerne.")
    assert may_contact(shop, asked, "marketing", "phone", at=MONDAY).code == "consent"
    d = may_contact(shop, customer, "marketing", "phone", at=MONDAY)
    assert (d.allowed, d.code) == (True, "existing_customer")
    assert "§ 13 third paragraph" in (d.basis or "")


def test_existing_customer_exception_never_after_opting_out_with_the_trader(shop: Register, person,
                                                                            tmp_path) -> None:  # type: ignore[no-untyped-def]
    wash(shop, tmp_path, "phone,97527748,phone\n")
    customer = person(phone="97527748", bought=True)
    object_to_marketing(shop, customer, by="subject")
    assert may_contact(shop, customer, "marketing", "phone", at=MONDAY).code == "objected"


def test_a_stale_wash_refuses_phone_and_post_with_a_message_that_says_so(shop: Register, person, tmp_path,
                                                                          clock) -> None:  # type: ignore[no-untyped-def]
    ref = person()
    d = may_contact(shop, ref, "marketing", "post")
    assert (d.code, "never been washed" in d.reason) == ("reservation_wash_stale", True)
    wash(shop, tmp_path)
    assert may_contact(shop, ref, "marketing", "post").allowed
    later = clock.now + timedelta(days=32)
    d = may_contact(shop, ref, "marketing", "phone", at=later.replace(day=6, hour=10))
    assert d.code == "reservation_wash_stale"
    assert "last washed on 2026-01-05, valid for 1 month (until 2026-02-05)" in d.reason
    assert "sist vasket 2026-01-05" in d.reason_nb
    assert may_contact(shop, ref, "marketing", "email", at=later).code == "not_a_customer"  # § 15 has no wash


def test_telemarketing_outside_permitted_hours_is_refused_even_with_consent(shop: Register, person,
                                                                             tmp_path) -> None:  # type: ignore[no-untyped-def]
    wash(shop, tmp_path)
    ref = person()
    give(shop, ref, "marketing", channel="phone", method="phone_request", text="Ring meg.")
    saturday = datetime(2026, 1, 10, 12, tzinfo=UTC)
    late = datetime(2026, 1, 5, 20, 30, tzinfo=UTC)  # 21:30 in Oslo
    whit_monday = datetime(2026, 5, 25, 10, tzinfo=UTC)  # 2. pinsedag 2026, a public holiday
    for at in (saturday, late, whit_monday):
        assert may_contact(shop, ref, "marketing", "phone", at=at).code == "outside_calling_hours", at
    assert may_contact(shop, ref, "marketing", "phone", at=MONDAY).code == "consent"
    assert may_contact(shop, ref, "marketing", "post", at=saturday).code == "legitimate_interest"  # post: any day


def test_a_channel_the_purpose_does_not_declare_is_refused(open_register: Callable[[str], Register]) -> None:
    kl = open_register("kl-miljovarme")
    ref = kl.add_subject("customer", {"phone": "+47 975 27 747"})
    assert may_contact(kl, ref, "marketing", "phone").code == "channel_not_declared"


def test_purpose_that_is_neither_marketing_nor_service_message(shop: Register, person) -> None:  # type: ignore[no-untyped-def]
    assert may_contact(shop, person(), "customer_service", "email").code == "not_a_contact_purpose"


def test_subject_kind_the_purpose_does_not_cover(shop: Register) -> None:
    ref = shop.add_subject("participant", {"email": "deltaker@example.no"})
    assert may_contact(shop, ref, "marketing", "email").code == "subject_not_covered"


@pytest.mark.parametrize(("args", "field"), [
    (("nonsense", "email"), "purpose"),
    (("marketing", "fax"), "channel"),
])
def test_bad_questions_are_errors_naming_the_field(shop: Register, person, args, field) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RegisterError) as exc:
        may_contact(shop, person(), *args)
    assert exc.value.field == field


def test_unknown_context_is_refused(shop: Register, person) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RegisterError, match="unknown context") as exc:
        may_contact(shop, person(), "marketing", "email", context={"alarm": True})
    assert exc.value.field == "context"


def test_every_code_has_reasons_in_both_languages() -> None:
    from personvern.consent import CODES

    for code, (allowed, basis, en, nb) in CODES.items():
        assert en and nb, code
        assert (basis is not None) or not allowed or code == "transactional", code
