"""Subjects, identifiers and records: what the register accepts and what it refuses, and why."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from personvern.consent.ledger import give as _give
from personvern.consent.ledger import withdraw as _withdraw
from personvern.errors import (
    CategoryNotAllowed,
    ConsentRequired,
    InvalidIdentifier,
    NationalIdNotAllowed,
    NotFound,
    RegisterError,
    UnknownPurpose,
)
from personvern.register import Register
from personvern.register import schema as t

FNR = "01010012356"  # a valid fødselsnummer (check digits pass python-stdnum)


@pytest.mark.promise("TZ10")
@pytest.mark.parametrize("typed", ["+47 975 27 747", "97527747", "0047 97527747", "+4797527747"])
def test_phone_in_any_common_format_finds_the_same_subject(reg: Register, typed: str) -> None:
    ref = reg.add_subject("customer", {"phone": "975 27 747"})
    assert reg.find("phone", typed) == [ref]


def test_email_is_case_folded(reg: Register) -> None:
    ref = reg.add_subject("customer", {"email": "Kari.Nordmann@Example.NO"})
    assert reg.find("email", "kari.nordmann@example.no") == [ref]


def test_identifiers_are_shown_masked_and_stored_encrypted(reg: Register) -> None:
    ref = reg.add_subject("customer", {"email": "kari@example.no", "phone": "+47 975 27 747"})
    assert reg.identifiers(ref) == {"email": ["k***@example.no"], "phone": ["+47 *** ** 747"]}
    assert reg.identifiers(ref, masked=False)["phone"] == ["+4797527747"]
    with reg.engine.connect() as c:
        stored = b"".join(r.value + r.lookup for r in c.execute(select(t.identifiers)))
    assert b"kari" not in stored and b"97527747" not in stored


@pytest.mark.parametrize(("kind", "value", "message"), [
    ("email", "kari@", "email: not a valid e-mail address"),
    ("phone", "123", "phone: not a valid phone number"),
    ("national_id", "01010012357", "national_id: not a valid fødselsnummer or D-nummer"),
    ("shoe_size", "42", "shoe_size: unknown identifier kind"),
])
def test_bad_identifier_is_refused_with_field_and_reason_and_nothing_is_written(
        reg: Register, kind: str, value: str, message: str) -> None:
    with pytest.raises(InvalidIdentifier) as exc:
        reg.add_subject("customer", {"email": "ok@example.no", kind: value})
    assert str(exc.value).startswith(message)
    with reg.engine.connect() as c:
        assert c.execute(select(t.subjects)).first() is None  # no half-written subject


@pytest.mark.promise("TP14")
def test_national_id_needs_a_purpose_that_declares_it(open_register) -> None:  # type: ignore[no-untyped-def]
    reg = open_register("tek-zence")
    with pytest.raises(NationalIdNotAllowed, match="TP14"):
        reg.add_subject("customer", {"national_id": FNR})
    with pytest.raises(NationalIdNotAllowed, match="purpose 'customer_profile' does"):
        reg.add_subject("customer", {"national_id": FNR}, purpose="customer_profile")


@pytest.mark.promise("TP14")
def test_national_id_under_a_declaring_purpose_is_stored_encrypted_and_found_by_keyed_hash(open_register) -> None:  # type: ignore[no-untyped-def]
    reg = open_register("tp-ecommerce")
    purpose = next(p.key for p in reg.policy.purposes if "national_id" in p.identifiers)
    ref = reg.add_subject("customer", {"national_id": FNR}, purpose=purpose)
    assert reg.find("national_id", "010100 12356") == [ref]
    assert reg.identifiers(ref)["national_id"] == ["010100 *****"]


@pytest.mark.promise("PI4")
def test_pilaro_never_stores_a_national_id(open_register) -> None:  # type: ignore[no-untyped-def]
    reg = open_register("pilaro")
    for purpose in reg.policy.purposes:
        with pytest.raises(NationalIdNotAllowed):
            reg.add_subject("customer", {"national_id": FNR}, purpose=purpose.key)


def test_record_outside_the_purposes_categories_is_refused_naming_both(reg: Register) -> None:
    ref = reg.add_subject("customer", {"email": "kari@example.no"})
    with pytest.raises(CategoryNotAllowed) as exc:
        reg.write(ref, "installation_notice", ["user.contact.phone_number"], {})
    assert "purpose 'installation_notice' does not collect 'user.contact.phone_number'" in str(exc.value)


def test_unknown_purpose_is_refused_listing_the_known(reg: Register) -> None:
    ref = reg.add_subject("customer")
    with pytest.raises(UnknownPurpose, match="'newsletter' is not a purpose of this policy; known: customer_profile"):
        reg.write(ref, "newsletter", ["user.name"], {})


def test_child_category_is_covered_by_its_declared_parent(reg: Register) -> None:
    ref = reg.add_subject("customer")
    rid = reg.write(ref, "customer_profile", ["user.contact.address.city"], {"user.contact.address.city": "Oslo"})
    assert reg.read(ref)[0].id == rid


@pytest.mark.promise("TP9")
def test_a_source_the_purpose_does_not_declare_is_refused(reg: Register) -> None:
    ref = reg.add_subject("customer")
    with pytest.raises(RegisterError, match="does not declare the source 'credit_bureau'"):
        reg.write(ref, "customer_profile", ["user.name"], {}, source="credit_bureau")


@pytest.mark.promise("TP7")
def test_consent_based_purpose_refuses_writes_without_consent_and_after_withdrawal(open_register) -> None:  # type: ignore[no-untyped-def]
    reg = open_register("tp-ecommerce")
    purpose = next(p for p in reg.policy.purposes if p.legal_basis.article == "a")
    ref = reg.add_subject(purpose.subjects[0])
    with pytest.raises(ConsentRequired, match=r"Art. 6\(1\)\(a\)"):
        reg.write(ref, purpose.key, [purpose.categories[0]], {})
    _give(reg, ref, purpose.key, channel=None, text=None, method="web form")
    reg.write(ref, purpose.key, [purpose.categories[0]], {})
    _withdraw(reg, ref, purpose.key, by="subject")
    with pytest.raises(ConsentRequired):
        reg.write(ref, purpose.key, [purpose.categories[0]], {})


def test_unknown_event_is_refused_listing_the_declared(reg: Register) -> None:
    ref = reg.add_subject("customer")
    with pytest.raises(RegisterError, match=r"unknown event 'purchase\.done'; the policy declares: purchase\.made"):
        reg.record_event("purchase.done", date(2026, 1, 1), subject=ref)


def test_unknown_subject_is_not_found(reg: Register) -> None:
    with pytest.raises(NotFound):
        reg.write("no-such-subject", "customer_profile", ["user.name"], {})


@pytest.mark.promise("TZ4")
def test_bookkeeping_records_need_the_order_number_they_are_sealed_under(reg: Register) -> None:
    ref = reg.add_subject("customer")
    with pytest.raises(RegisterError, match="need 'ref': the order or voucher number"):
        reg.write(ref, "bookkeeping", ["custom.order"], {"custom.order": "x"})


def test_payload_round_trips_and_is_not_stored_in_clear(reg: Register) -> None:
    ref = reg.add_subject("customer")
    text = "Hei, vaskemaskinen lekker"
    reg.write(ref, "customer_service", ["custom.correspondence"], {"custom.correspondence": text})
    assert reg.read(ref)[0].payload == {"custom.correspondence": "Hei, vaskemaskinen lekker"}
    with reg.engine.connect() as c:
        assert b"vaskemaskinen" not in c.execute(select(t.records.c.payload)).scalar_one()


def test_reading_a_subjects_records_takes_a_fixed_number_of_queries(reg: Register) -> None:
    ref = reg.add_subject("customer")
    for i in range(20):
        reg.write(ref, "customer_service", ["custom.call_log"], {"custom.call_log": f"call {i}"})
    with reg.trace() as queries:
        assert len(reg.read(ref)) == 20
    # subject, restrictions, records, key: no N+1; plus the one record.read audit entry (issue 8): lock, head,
    # insert, head update
    assert len(queries) <= 9
