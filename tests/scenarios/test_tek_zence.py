"""TEK-Zence AS end to end on the register: promises TZ3, TZ4, TZ5, TZ6, TZ8, TZ10 (see ../shared/PROMISES.md)."""

from __future__ import annotations

from datetime import date

import pytest

from personvern.register import Register
from personvern.rights import erase_subject


@pytest.mark.promise("TZ3")
def test_profile_lives_five_years_from_purchase_or_while_the_relationship_is_active(reg: Register) -> None:
    ref = reg.add_subject("customer", {"email": "ola@example.no"})
    reg.write(ref, "customer_profile", ["user.name", "user.behavior.purchase_history"], {"user.name": "Ola"},
              collected=date(2026, 1, 5))
    reg.record_event("purchase.made", date(2026, 1, 5), subject=ref)
    # relationship still active: kept even after the 5-year liability (forbrukerkjøpsloven § 27)
    assert reg.sweep(date(2032, 1, 1), dry_run=True).total == 0
    reg.record_event("customer.relationship_ended", date(2027, 3, 1), subject=ref)
    # ended early: the 5-year liability from the purchase is the later end
    assert reg.sweep(date(2031, 1, 5), dry_run=True).total == 0
    assert reg.sweep(date(2031, 1, 6)).deleted == {"customer_profile": 1}


@pytest.mark.promise("TZ3")
def test_a_profile_with_no_purchase_goes_when_the_relationship_ends(reg: Register) -> None:
    """Issue 14 item 4: the liability part waits for a purchase; with none recorded it must not keep the
    profile for ever once the relationship has ended."""
    ref = reg.add_subject("customer")
    reg.write(ref, "customer_profile", ["user.name"], {"user.name": "Ola"}, collected=date(2026, 1, 5))
    assert reg.sweep(date(2040, 1, 1), dry_run=True).total == 0  # active customer: kept (TZ3)
    reg.record_event("customer.relationship_ended", date(2026, 3, 1), subject=ref)
    assert reg.read(ref)[0].retention_until == date(2026, 3, 2)


@pytest.mark.promise("TZ3")
def test_a_new_purchase_extends_the_profile(reg: Register) -> None:
    ref = reg.add_subject("customer")
    reg.write(ref, "customer_profile", ["user.name"], {"user.name": "Ola"}, collected=date(2026, 1, 5))
    reg.record_event("purchase.made", date(2026, 1, 5), subject=ref)
    reg.record_event("customer.relationship_ended", date(2026, 2, 1), subject=ref)
    reg.record_event("purchase.made", date(2028, 6, 1), subject=ref)
    assert reg.read(ref)[0].retention_until == date(2033, 6, 2)


@pytest.mark.promise("TZ4")
def test_erasure_before_five_years_keeps_only_sealed_receipts(reg: Register) -> None:
    ref = reg.add_subject("customer", {"email": "ola@example.no", "phone": "+47 975 27 747"})
    reg.write(ref, "customer_profile", ["user.name"], {"user.name": "Ola"})
    reg.write(ref, "customer_service", ["custom.call_log"], {"custom.call_log": "ringte om levering"})
    reg.write(ref, "bookkeeping", ["custom.order"], {"custom.order": "ordre 5521, 8 990 kr"}, ref="5521")
    reg.record_event("purchase.made", date(2026, 1, 5), subject=ref)
    result = erase_subject(reg, ref, ground="a", by="kundeservice")
    assert result.erased == {"customer_profile": 1, "customer_service": 1}
    assert [k.outcome for k in result.kept] == ["sealed"]
    assert reg.find("phone", "+47 975 27 747") == [] and reg.find("email", "ola@example.no") == []
    assert reg.find_sealed("5521")[0].payload == {"custom.order": "ordre 5521, 8 990 kr"}


@pytest.mark.promise("TZ5")
@pytest.mark.promise("TZ6")
def test_delivery_data_goes_three_months_after_the_installation(reg: Register) -> None:
    ref = reg.add_subject("customer", {"phone": "+47 975 27 747"})
    rid = reg.write(ref, "delivery_installation", ["user.contact.address", "custom.delivery_conditions"],
                    {"custom.delivery_conditions": "3. etasje, ingen heis"}, collected=date(2026, 1, 5))
    reg.record_event("installation.completed", date(2026, 1, 20), record=rid)
    assert reg.sweep(date(2026, 4, 20)).total == 0  # the 3 months end with 20 April (1182/71 art. 3(2)(c))
    assert reg.sweep(date(2026, 4, 21)).deleted == {"delivery_installation": 1}


@pytest.mark.promise("TZ8")
@pytest.mark.promise("TZ10")
def test_a_caller_is_found_by_number_and_the_call_is_logged_under_customer_service(reg: Register) -> None:
    ref = reg.add_subject("customer", {"phone": "+47 975 27 747"})
    [found] = reg.find("phone", "0047 97527747")
    assert found == ref
    reg.write(found, "customer_service", ["custom.call_log"], {"custom.call_log": "2026-01-05 innringing"},
              source="phone")
    assert [r.purpose for r in reg.read(ref)] == ["customer_service"]
