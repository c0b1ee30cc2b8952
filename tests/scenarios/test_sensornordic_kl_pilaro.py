"""SensorNordic, KL Miljøvarme and Pilaro on the register: SN4, KL4, PI6."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from personvern.register import Register

Open = Callable[[str], Register]


@pytest.mark.promise("SN4")
def test_sensornordic_support_emails_are_kept_three_years(open_register: Open) -> None:
    sn = open_register("sensornordic")
    ref = sn.add_subject("customer", {"email": "kunde@example.no"})
    sn.write(ref, "support_email", [sn.policy.purpose("support_email").categories[0]], {},  # type: ignore[union-attr]
             collected=date(2026, 1, 5), source="email")
    assert sn.sweep(date(2029, 1, 5)).total == 0  # the last day of the 3 years (1182/71 art. 3(2)(c))
    assert sn.sweep(date(2029, 1, 6)).deleted == {"support_email": 1}


@pytest.mark.promise("KL4")
def test_kl_keeps_customer_data_while_a_customer_and_applications_three_months(open_register: Open) -> None:
    kl = open_register("kl-miljovarme")
    ref = kl.add_subject("customer", {"phone": "+47 975 27 747"})
    kl.write(ref, "delivery", [kl.policy.purpose("delivery").categories[0]], {}, collected=date(2026, 1, 5))  # type: ignore[union-attr]
    kl.write(ref, "customer_applications", [kl.policy.purpose("customer_applications").categories[0]], {},  # type: ignore[union-attr]
             collected=date(2026, 1, 5))
    assert kl.sweep(date(2026, 4, 5)).total == 0
    assert kl.sweep(date(2026, 4, 6)).deleted == {"customer_applications": 1}
    assert kl.sweep(date(2040, 1, 1)).total == 0  # still a customer
    kl.record_event("customer.relationship_ended", date(2041, 1, 1), subject=ref)
    assert kl.sweep(date(2041, 1, 1)).total == 0  # kept through the day the relationship ends
    assert kl.sweep(date(2041, 1, 2)).deleted == {"delivery": 1}


@pytest.mark.promise("PI6")
def test_pilaro_keeps_invoices_for_bookkeeping_after_the_relationship(open_register: Open) -> None:
    pi = open_register("pilaro")
    ref = pi.add_subject("customer", {"email": "innkjop@bedrift.no"})
    admin = pi.policy.purpose("customer_administration")
    books = pi.policy.purpose("bookkeeping")
    assert admin and books
    pi.write(ref, admin.key, [admin.categories[0]], {}, collected=date(2026, 1, 5))
    pi.write(ref, books.key, [books.categories[0]], {}, collected=date(2026, 1, 5),
             events={"invoice.issued": date(2026, 1, 10)})
    pi.record_event("customer.relationship_ended", date(2026, 6, 1), subject=ref)
    report = pi.sweep(date(2026, 6, 2))
    assert report.deleted == {"customer_administration": 1}
    assert [r.purpose for r in pi.read(ref)] == ["bookkeeping"]
    assert pi.read(ref)[0].retention_until == date(2032, 1, 1)
