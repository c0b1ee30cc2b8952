"""The controller's calendar: the Europe/Oslo time zone and the Norwegian public holidays, in one place.

Used by the request deadlines (Regulation 1182/71 art. 3(4): a period ending on a public holiday, Saturday or
Sunday runs to the next working day) and the dates printed in the register copy; the telemarketing hours of
markedsføringsloven § 14 (``consent/rules.py``) count the same holidays.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

__all__ = ["OSLO", "is_public_holiday", "public_holidays"]

OSLO = ZoneInfo("Europe/Oslo")


@lru_cache(maxsize=64)
def public_holidays(year: int) -> frozenset[date]:
    """Norway's public holidays of ``year`` (Sundays are not counted here: test ``weekday()`` for those)."""
    return frozenset(holidays.country_holidays("NO", years=year, include_sundays=False))


def is_public_holiday(day: date) -> bool:
    return day in public_holidays(day.year)
