"""Cases: a case creates a profile if there is none (TZ8); "until closed, at least 30 days" (TP3)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from personvern.errors import NotFound, RegisterError
from personvern.register import Register
from personvern.service import cases, close_case, log_contact, lookup, open_case


@pytest.fixture
def tp(open_register: Callable[[str], Register]) -> Register:
    return open_register("tp-ecommerce")


@pytest.mark.promise("TZ8")
def test_a_complaint_from_an_unknown_caller_creates_a_profile(reg: Register) -> None:
    case = open_case(reg, identifiers={"phone": "+47 975 27 747"}, kind="complaint", purpose="customer_service",
                     by="agent7")
    assert case.profile_created and case.closed_at is None and case.retention_until is None
    assert [h.subject for h in lookup(reg, "97527747", kind="phone", purpose="customer_service")] == [case.subject]
    again = open_case(reg, identifiers={"phone": "0047 975 27 747"}, kind="service", purpose="customer_service",
                      by="agent7")
    assert again.subject == case.subject and not again.profile_created  # TZ8: the existing profile is used
    assert [c.ref for c in cases(reg, case.subject)] == [case.ref, again.ref]


def test_identifiers_that_match_two_profiles_are_refused(reg: Register) -> None:
    reg.add_subject("customer", {"email": "kari@example.no"})
    reg.add_subject("customer", {"phone": "+47 975 27 747"})
    with pytest.raises(RegisterError) as err:
        open_case(reg, identifiers={"email": "kari@example.no", "phone": "+47 975 27 747"}, kind="service",
                  purpose="customer_service", by="agent7")
    assert err.value.field == "identifiers"


@pytest.mark.promise("TP3")
def test_an_open_case_is_kept_and_a_closed_one_at_least_30_days(tp: Register, clock) -> None:  # type: ignore[no-untyped-def]
    ref = tp.add_subject("customer", {"email": "kari@example.no"})
    case = open_case(tp, subject=ref, kind="service", purpose="customer_service", by="agent7")
    assert tp.sweep(date(2030, 1, 1), dry_run=True).total == 0  # open: no end yet
    closed = close_case(tp, case.ref, by="agent7", on=date(2026, 1, 10))
    assert closed.closed_at is not None
    assert closed.retention_until == date(2026, 2, 5)  # opened 2026-01-05: 30 days end with 4 February
    assert tp.sweep(date(2026, 2, 4)).total == 0
    assert tp.sweep(date(2026, 2, 5)).deleted == {"customer_service": 1}


@pytest.mark.promise("TP3")
@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(opened=st.dates(date(2024, 1, 1), date(2030, 12, 31)), open_days=st.integers(0, 400))
def test_retention_is_the_later_of_closing_and_30_days_after_opening(tp: Register, clock, opened: date,  # type: ignore[no-untyped-def]
                                                                     open_days: int) -> None:
    clock.set(opened)
    ref = tp.add_subject("customer")
    case = open_case(tp, subject=ref, kind="service", purpose="customer_service", by="agent7")
    closed_on = opened + timedelta(days=open_days)
    done = close_case(tp, case.ref, by="agent7", on=closed_on)
    # kept through the closing day and through the 30 days' last day (1182/71 art. 3(1)); due the day after
    assert done.retention_until == max(closed_on, opened + timedelta(days=30)) + timedelta(days=1)


@pytest.mark.promise("TZ9")
def test_closing_starts_the_limitation_period_for_the_case_and_its_emails_only(reg: Register) -> None:
    ref = reg.add_subject("customer")
    first = open_case(reg, subject=ref, kind="complaint", purpose="customer_service", by="agent7")
    other = open_case(reg, subject=ref, kind="service", purpose="customer_service", by="agent7")
    log_contact(reg, ref, channel="email", direction="in", purpose="customer_service", by="agent7", text="hei",
                case=first.ref)
    done = close_case(reg, first.ref, by="agent7", on=date(2026, 3, 1))
    assert done.retention_until == date(2029, 3, 2)  # foreldelsesloven § 2: 3 years end with 1 March 2029
    ends = {r.id: r.retention_until for r in reg.read(ref, "customer_service")}
    assert ends[other.record] is None  # the other case is still open
    assert sorted(v for k, v in ends.items() if k != other.record) == [date(2029, 3, 2)] * 2


@pytest.mark.promise("SN4")
def test_a_support_case_at_sensornordic_is_kept_three_years_from_opening(open_register) -> None:  # type: ignore[no-untyped-def]
    sn = open_register("sensornordic")
    ref = sn.add_subject("customer")
    case = open_case(sn, subject=ref, kind="service", purpose="support_email", by="agent7")
    assert case.retention_until == date(2029, 1, 6)  # 3 years end with 5 January 2029
    assert close_case(sn, case.ref, by="agent7").retention_until == date(2029, 1, 6)  # no case.closed event


def test_closing_twice_before_opening_or_an_unknown_case_is_refused(reg: Register) -> None:
    case = open_case(reg, subject=reg.add_subject("customer"), kind="service", purpose="customer_service",
                     by="agent7")
    with pytest.raises(RegisterError) as early:
        close_case(reg, case.ref, by="agent7", on=date(2025, 12, 31))
    assert early.value.field == "on"
    close_case(reg, case.ref, by="agent7")
    with pytest.raises(RegisterError) as twice:
        close_case(reg, case.ref, by="agent7")
    assert twice.value.field == "case"
    with pytest.raises(NotFound):
        close_case(reg, "00000000-0000-4000-8000-000000000000", by="agent7")


def test_bad_case_input_is_refused_with_its_field(reg: Register) -> None:
    for kw, field in [({"kind": "gossip"}, "kind"), ({"purpose": "nope"}, "purpose"), ({"subject": None}, "subject")]:
        args: dict[str, object] = {"subject": reg.add_subject("customer"), "kind": "service",
                                   "purpose": "customer_service", "by": "agent7", **kw}
        with pytest.raises(RegisterError) as err:
            open_case(reg, **args)  # type: ignore[arg-type]
        assert err.value.field == field, kw
