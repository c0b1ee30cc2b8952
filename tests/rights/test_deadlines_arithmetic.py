"""Art. 12(3) deadlines counted as Regulation 1182/71 counts, with Norwegian public holidays (holidays 0.109)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from personvern.rights.deadlines import (
    due_date,
    extended_due,
    is_working_day,
    paused_days,
    received_on,
    target_date,
)

days = st.dates(min_value=date(2024, 1, 1), max_value=date(2040, 12, 31))


@pytest.mark.parametrize(("received", "target", "due"), [
    (date(2026, 1, 5), date(2026, 2, 5), date(2026, 2, 5)),     # same date next month, a Thursday
    (date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 2)),   # 31 Jan -> 28 Feb (a Saturday) -> Monday
    (date(2028, 1, 31), date(2028, 2, 29), date(2028, 2, 29)),  # leap year: 29 Feb, a Tuesday
    (date(2026, 3, 31), date(2026, 4, 30), date(2026, 4, 30)),  # 31 Mar -> 30 Apr
    (date(2026, 3, 2), date(2026, 4, 2), date(2026, 4, 7)),     # Maundy Thursday .. Easter Monday -> Tuesday
    (date(2026, 4, 17), date(2026, 5, 17), date(2026, 5, 18)),  # 17 May (and a Sunday) -> Monday 18 May
    (date(2026, 11, 24), date(2026, 12, 24), date(2026, 12, 24)),  # Christmas Eve is an ordinary day
    (date(2026, 11, 25), date(2026, 12, 25), date(2026, 12, 28)),  # 25, 26 Dec and the weekend -> Monday
    (date(2026, 12, 1), date(2027, 1, 1), date(2027, 1, 4)),    # New Year's Day (Friday) -> Monday
])
def test_one_month_from_receipt_moved_to_the_next_working_day(received: date, target: date, due: date) -> None:
    assert target_date(received) == target
    assert due_date(received) == due


def test_extension_is_three_months_from_receipt() -> None:
    assert extended_due(date(2026, 1, 5)) == date(2026, 4, 7)  # 5 Apr is Easter Sunday, 6 Apr Easter Monday
    assert extended_due(date(2025, 11, 30)) == date(2026, 3, 2)  # 28 Feb 2026 is a Saturday


def test_day_of_receipt_is_the_oslo_calendar_day() -> None:
    assert received_on(datetime(2026, 1, 31, 23, 30, tzinfo=UTC)) == date(2026, 2, 1)
    assert due_date(received_on(datetime(2026, 1, 31, 23, 30, tzinfo=UTC))) == date(2026, 3, 2)


def test_waiting_for_identity_stops_the_clock_only_when_the_policy_says_so() -> None:
    asked, got = datetime(2026, 1, 10, 9, tzinfo=UTC), datetime(2026, 1, 20, 9, tzinfo=UTC)
    assert paused_days(asked, got, stops_clock=False) == 0
    assert paused_days(asked, got, stops_clock=True) == 10
    assert paused_days(asked, None, stops_clock=True, today=date(2026, 1, 15)) == 5
    assert due_date(date(2026, 1, 5), paused=10) == date(2026, 2, 16)  # 15 Feb is a Sunday


@given(days)
def test_due_is_a_working_day_after_receipt_and_at_most_a_month_and_a_few_days_later(received: date) -> None:
    due = due_date(received)
    assert is_working_day(due)
    assert received < due
    # the longest run of non-working days in Norway is Easter (Thu..Mon): 5 days past a 31-day month
    assert (due - received).days <= 31 + 5
    assert due >= target_date(received)
    assert (due - target_date(received)).days <= 5
    if is_working_day(target_date(received)):
        assert due == target_date(received)


@given(days)
def test_target_is_the_same_date_or_the_last_day_of_the_month(received: date) -> None:
    target = target_date(received)
    assert (target.year * 12 + target.month) - (received.year * 12 + received.month) == 1
    if target.day != received.day:
        assert target.day < received.day and (target + timedelta(days=1)).day == 1


@given(days, days)
def test_due_date_is_monotone_in_the_day_of_receipt(a: date, b: date) -> None:
    first, second = sorted((a, b))
    assert due_date(first) <= due_date(second)
    assert extended_due(first) <= extended_due(second)


@given(days)
def test_extension_ends_after_the_first_month_and_within_three_months_and_a_few_days(received: date) -> None:
    ext = extended_due(received)
    assert is_working_day(ext)
    assert due_date(received) < ext
    assert (ext - target_date(received, 3)).days <= 5


@given(days, st.integers(min_value=0, max_value=60))
def test_a_stopped_clock_never_makes_the_deadline_earlier(received: date, paused: int) -> None:
    assert due_date(received, paused=paused) >= due_date(received)
    assert is_working_day(due_date(received, paused=paused))


def test_weekends_are_never_working_days_whatever_the_holidays_package_does() -> None:
    assert not is_working_day(date(2026, 1, 10))  # Saturday
    assert not is_working_day(date(2026, 1, 11))  # Sunday
    assert not is_working_day(date(2026, 5, 1))   # 1 May
    assert is_working_day(date(2026, 1, 12))
