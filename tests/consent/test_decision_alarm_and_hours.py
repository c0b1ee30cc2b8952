"""Alarm contacts (SN2d) and the telemarketing calling hours (markedsføringsloven § 14)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given
from hypothesis import strategies as st

from personvern.consent import may_contact, permitted_calling_time
from personvern.register import Register

OSLO = ZoneInfo("Europe/Oslo")
ALARM = {"alarm_triggered": True, "customer_unreachable": True}


@pytest.fixture
def sn(open_register: Callable[[str], Register]) -> Register:
    return open_register("sensornordic")


@pytest.mark.promise("SN2d")
def test_alarm_contact_is_trained_once_then_called_only_for_an_alarm(sn: Register) -> None:
    customer = sn.add_subject("customer", {"phone": "+47 975 27 747"})
    contact = sn.add_subject("alarm_contact", {"phone": "+47 975 27 748"}, linked_to=customer)
    assert may_contact(sn, contact, "alarm_contacts", "phone", context=ALARM).code == "alarm_contact_not_trained"
    d = may_contact(sn, contact, "alarm_contacts", "phone", context={"training": True})
    assert (d.allowed, d.code, d.marketing, d.basis) == (True, "alarm_training", False, "Art. 6(1)(d)")
    sn.record_event("alarm_contact.trained", date(2026, 1, 5), subject=contact)
    assert may_contact(sn, contact, "alarm_contacts", "phone", context={"training": True}).code == (
        "alarm_contact_already_trained")
    for ctx in (None, {"alarm_triggered": True}, {"customer_unreachable": True},
                {"alarm_triggered": True, "customer_unreachable": False}):
        d = may_contact(sn, contact, "alarm_contacts", "phone", context=ctx)
        assert (d.allowed, d.code) == (False, "alarm_not_triggered"), ctx
    d = may_contact(sn, contact, "alarm_contacts", "phone", context=ALARM)
    assert (d.allowed, d.code, d.marketing) == (True, "alarm", False)


@pytest.mark.promise("SN2d")
def test_alarm_contact_gets_no_marketing(sn: Register) -> None:
    customer = sn.add_subject("customer", {"phone": "+47 975 27 747"})
    contact = sn.add_subject("alarm_contact", {"email": "nabo@example.no"}, linked_to=customer)
    for ch in ("email", "sms"):
        assert may_contact(sn, contact, "marketing", ch, context=ALARM).code == "subject_not_covered"


@pytest.mark.promise("SN2e")
def test_offers_by_email_and_sms_to_customers_who_can_opt_out(sn: Register) -> None:
    from personvern.consent import give, withdraw

    customer = sn.add_subject("customer", {"email": "k@example.no", "phone": "+47 975 27 747"})
    give(sn, customer, "marketing", channel="email", method="web_form", text="Ja til nyheter på e-post.")
    assert may_contact(sn, customer, "marketing", "email").allowed
    withdraw(sn, customer, "marketing", by="subject")
    assert may_contact(sn, customer, "marketing", "email").code == "objected"
    assert may_contact(sn, customer, "marketing", "sms").code == "objected"
    assert may_contact(sn, customer, "alarm_service", "sms").code == "not_a_contact_purpose"


def _expected(local: datetime) -> bool:
    """§ 14, written out independently: weekdays that are not Norwegian public holidays, 09:00–21:00."""
    day = local.date()
    if day.weekday() >= 5 or day in holidays.Norway(years=day.year, include_sundays=False):
        return False
    return time(9) <= local.time() <= time(21)


@given(st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2032, 12, 31), timezones=st.just(UTC)))
def test_permitted_hours_agree_with_the_rule_in_oslo_time(at: datetime) -> None:
    assert permitted_calling_time(at) is _expected(at.astimezone(OSLO))


@given(st.dates(min_value=date(2024, 1, 1), max_value=date(2032, 12, 31)),
       st.integers(min_value=0, max_value=24 * 60 - 1))
def test_weekends_and_holidays_are_never_permitted(day: date, minute: int) -> None:
    local = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=OSLO)
    if day.weekday() >= 5 or day.strftime("%m-%d") in ("01-01", "05-01", "05-17", "12-25", "12-26"):
        assert not permitted_calling_time(local)


@pytest.mark.parametrize(("local", "ok"), [
    (datetime(2026, 1, 5, 8, 59), False), (datetime(2026, 1, 5, 9, 0), True), (datetime(2026, 1, 5, 21, 0), True),
    (datetime(2026, 1, 5, 21, 1), False), (datetime(2026, 12, 24, 12), True),  # Christmas Eve: ordinary day
    (datetime(2026, 4, 4, 12), False),  # Easter Saturday 2026 is a Saturday
    (datetime(2027, 3, 27, 12), False),  # Easter Saturday 2027: a Saturday too
    (datetime(2026, 4, 2, 12), False), (datetime(2026, 5, 14, 12), False),  # Maundy Thursday, Ascension Day
])
def test_calling_hours_edges(local: datetime, ok: bool) -> None:
    assert permitted_calling_time(local.replace(tzinfo=OSLO)) is ok
    assert permitted_calling_time(local) is ok  # naive: Oslo wall time


def test_summer_time_is_oslo_time() -> None:
    assert permitted_calling_time(datetime(2026, 6, 15, 7, 0, tzinfo=UTC))  # 09:00 CEST
    assert not permitted_calling_time(datetime(2026, 6, 15, 6, 59, tzinfo=UTC) + timedelta(seconds=59))


def test_the_calling_hours_count_the_controllers_one_holiday_calendar(monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 12 item 8: the Oslo calendar has one home (``personvern.oslo``); markedsføringsloven § 14 counts the
    same holidays as the request deadlines, so a day the calendar lists is a day without telemarketing."""
    import personvern.oslo

    workday = date(2026, 12, 2)  # a Wednesday, no public holiday
    at = datetime(2026, 12, 2, 12, 0, tzinfo=ZoneInfo("Europe/Oslo"))
    assert permitted_calling_time(at)
    monkeypatch.setattr(personvern.oslo, "public_holidays", lambda year: frozenset({workday}))
    assert not permitted_calling_time(at)
