"""Deadlines of data-subject requests: Art. 12(3) GDPR counted as Regulation (EEC, Euratom) No 1182/71 counts.

- Art. 12(3) GDPR: the controller answers "without undue delay and in any event within one month of receipt";
  the period "may be extended by two further months where necessary", the subject being told of the
  extension, with reasons, within the first month. Three months from receipt in all.
- Regulation 1182/71 art. 3(1) second subparagraph: the day of the event (receipt) is not counted.
  Art. 3(2)(c): a period in months ends on the day of the last month with the same date as the day the
  period runs from, or on that month's last day when the date does not exist (31 Jan -> 28/29 Feb).
  Art. 3(4): a period ending on a Saturday, Sunday or public holiday ends on the next working day.
- Norwegian public holidays come from the ``holidays`` package, pinned to 0.109 (``holidays.Norway``); its
  ``include_sundays`` default changed between releases, so weekends are tested here with ``weekday() >= 5``
  (../shared/LEGAL.md, "Public holidays").
- Waiting for identity information (Art. 12(6)): whether the clock stops is unsettled (EDPB Guidelines
  01/2022); ``policy.settings.identity_wait_stops_clock`` decides, off by default (LEGAL.md).

LEGAL.md also asks to "show the unshifted date as the target and the shifted date as the legal limit":
:func:`target_date` is the first, :func:`due_date` the second.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta

from personvern.oslo import OSLO, is_public_holiday  # the controller's calendar: one home

__all__ = [
    "ANSWER_MONTHS",
    "EXTENDED_MONTHS",
    "OSLO",
    "due_date",
    "extended_due",
    "is_working_day",
    "next_working_day",
    "paused_days",
    "received_on",
    "target_date",
]

ANSWER_MONTHS = 1  # Art. 12(3) GDPR: "within one month of receipt of the request"
EXTENDED_MONTHS = 3  # Art. 12(3): "extended by two further months" -> three months from receipt


def is_working_day(day: date) -> bool:
    """Not a Saturday, Sunday or Norwegian public holiday (Regulation 1182/71 art. 3(4))."""
    return day.weekday() < 5 and not is_public_holiday(day)


def next_working_day(day: date) -> date:
    """``day`` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def target_date(received: date, months: int = ANSWER_MONTHS) -> date:
    """The period's end before the working-day shift: the same date ``months`` later, or that month's last day
    (Regulation 1182/71 art. 3(2)(c)); ``relativedelta`` clamps to the month's end exactly so."""
    if months < 1:
        raise ValueError("a request period is at least one month")
    end: date = received + relativedelta(months=months)
    return end


def due_date(received: date, *, paused: int = 0) -> date:
    """The legal limit of an answer (Art. 12(3)): one month from receipt, moved to the next working day.

    ``paused`` days (waiting for identity information, when the policy stops the clock) move the end
    forward before the working-day shift."""
    return next_working_day(target_date(received) + timedelta(days=max(paused, 0)))


def extended_due(received: date, *, paused: int = 0) -> date:
    """The legal limit after an extension (Art. 12(3)): three months from receipt, same counting."""
    return next_working_day(target_date(received, EXTENDED_MONTHS) + timedelta(days=max(paused, 0)))


def received_on(at: datetime) -> date:
    """The day of receipt on the controller's (Norwegian) calendar."""
    return at.astimezone(OSLO).date() if at.tzinfo is not None else at.date()


def paused_days(requested: datetime | None, received: datetime | None, *, stops_clock: bool,
                today: date | None = None) -> int:
    """Days the clock stood still while identity information was awaited (0 unless the policy says so).

    Counted from the day it was asked for to the day it arrived; while it is still awaited, to ``today``."""
    if not stops_clock or requested is None:
        return 0
    end = received_on(received) if received is not None else today
    if end is None:
        return 0
    return max((end - received_on(requested)).days, 0)
