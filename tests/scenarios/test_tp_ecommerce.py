"""TP E-commerce (Teknikproffset) on the register, time-travelling with as_of: TP1–TP8."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from personvern.consent.ledger import give as _give
from personvern.errors import ConsentRequired
from personvern.register import Register

Open = Callable[[str], Register]
START = date(2026, 1, 5)


@pytest.fixture
def tp(open_register: Open) -> Register:
    return open_register("tp-ecommerce")


def _one(tp: Register, purpose: str, kind: str = "customer", *, consent: bool = False,
         events: dict[str, date] | None = None, category: str | None = None) -> str:
    p = tp.policy.purpose(purpose)
    assert p is not None
    ref = tp.add_subject(kind, {"email": f"{purpose}@example.no"})
    if consent:
        _give(tp, ref, purpose, channel=None, text=None, method="skjema på nettsiden")
    tp.write(ref, purpose, [category or p.categories[0]], {}, collected=START, events=events,
             ref="TP-1" if p.on_erasure == "seal" else None)
    return ref


def _gone_on(tp: Register, keep_until: date, gone: date) -> None:
    """Kept through ``keep_until`` (a period's last day, or the day its event happens: Regulation 1182/71
    art. 3), gone on ``gone``."""
    assert tp.sweep(keep_until, dry_run=True).total == 0
    assert tp.sweep(gone).total == 1


@pytest.mark.promise("TP1")
def test_order_is_kept_36_months_after_the_purchase_is_complete(tp: Register) -> None:
    _one(tp, "order", events={"purchase.completed": date(2026, 2, 1)})
    _gone_on(tp, date(2029, 2, 1), date(2029, 2, 2))


@pytest.mark.promise("TP1")
def test_an_order_not_yet_delivered_and_paid_is_kept(tp: Register) -> None:
    _one(tp, "order")
    assert tp.sweep(date(2040, 1, 1)).total == 0


@pytest.mark.promise("TP2")
def test_bookkeeping_outlives_the_order_under_bokforingsloven(tp: Register) -> None:
    _one(tp, "bookkeeping", events={"purchase.completed": date(2026, 2, 1)})
    # 5 years from the end of the accounting year 2026 (bokføringsloven § 13), longer than TP1's 36 months
    _gone_on(tp, date(2031, 12, 31), date(2032, 1, 1))


@pytest.mark.promise("TP3")
def test_service_case_kept_until_closed_but_at_least_30_days(tp: Register) -> None:
    _one(tp, "customer_service", events={"case.closed": date(2026, 1, 10)})
    _gone_on(tp, date(2026, 2, 4), date(2026, 2, 5))  # 30 days from 5 January end with 4 February


@pytest.mark.promise("TP3")
def test_service_case_closed_late_goes_when_closed(tp: Register) -> None:
    ref = _one(tp, "customer_service")
    assert tp.sweep(date(2027, 1, 1)).total == 0  # still open
    tp.record_event("case.closed", date(2027, 3, 1), subject=ref)
    _gone_on(tp, date(2027, 3, 1), date(2027, 3, 2))


@pytest.mark.promise("TP4")
def test_competition_entry_kept_while_it_runs_and_at_least_30_days(tp: Register) -> None:
    ref = _one(tp, "competitions", "participant")
    assert tp.sweep(date(2026, 6, 1)).total == 0
    tp.record_event("competition.ended", date(2026, 1, 15), subject=ref)
    _gone_on(tp, date(2026, 2, 4), date(2026, 2, 5))  # 30 days from 5 January end with 4 February


@pytest.mark.promise("TP5")
def test_fraud_data_kept_36_months_from_collection(tp: Register) -> None:
    _one(tp, "fraud_prevention")
    _gone_on(tp, date(2029, 1, 5), date(2029, 1, 6))


@pytest.mark.promise("TP6")
def test_membership_kept_until_it_ends(tp: Register) -> None:
    ref = _one(tp, "membership")
    assert tp.sweep(date(2035, 1, 1)).total == 0
    tp.record_event("membership.ended", date(2035, 6, 1), subject=ref)
    _gone_on(tp, date(2035, 6, 1), date(2035, 6, 2))


@pytest.mark.promise("TP7")
def test_job_application_needs_consent_and_is_kept_until_recruitment_ends_at_least_6_months(tp: Register) -> None:
    with pytest.raises(ConsentRequired):
        _one(tp, "job_applications", "job_applicant")
    ref = _one(tp, "job_applications", "job_applicant", consent=True)
    tp.record_event("recruitment.ended", date(2026, 2, 1), subject=ref)
    _gone_on(tp, date(2026, 7, 5), date(2026, 7, 6))


@pytest.mark.promise("TP8")
def test_contact_form_message_kept_until_the_matter_is_closed_at_least_30_days(tp: Register) -> None:
    ref = _one(tp, "contact_form", consent=True)
    tp.record_event("matter.closed", date(2026, 3, 1), subject=ref)
    _gone_on(tp, date(2026, 3, 1), date(2026, 3, 2))
