"""Dates and times as people read them: Europe/Oslo, labelled, one format per language.

Everything is stored in UTC; everything shown (console, portal, e-mails, PDF and exports for people) goes
through these functions, so that the same moment reads the same everywhere (issue 15: the lookup showed 16:56
on screen and 17:56 in the PDF).

    local_date(date(2026, 1, 5), "nb")   -> "5. jan. 2026"          en: "5 Jan 2026"
    local_time(moment, "nb")             -> "5. jan. 2026 kl. 17:56 (norsk tid)"
    local_time(moment, "en")             -> "5 Jan 2026, 17:56 (Oslo time)"
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

__all__ = ["OSLO", "ZONE_LABEL", "local_date", "local_time", "to_oslo"]

OSLO = ZoneInfo("Europe/Oslo")
ZONE_LABEL = {"nb": "norsk tid", "en": "Oslo time"}
_MONTHS = {
    "nb": ("jan.", "feb.", "mar.", "apr.", "mai", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.", "des."),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}


def _lang(lang: str) -> str:
    return "en" if lang == "en" else "nb"


def to_oslo(value: datetime) -> datetime:
    """The moment in Oslo; a naive datetime is taken as UTC (how the register stores them)."""
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(OSLO)


def local_date(value: date | datetime | None, lang: str) -> str:
    """``5. jan. 2026`` / ``5 Jan 2026``; a moment gives its date in Oslo; None gives an em dash."""
    if value is None:
        return "—"
    day = to_oslo(value).date() if isinstance(value, datetime) else value
    month = _MONTHS[_lang(lang)][day.month - 1]
    return f"{day.day}. {month} {day.year}" if _lang(lang) == "nb" else f"{day.day} {month} {day.year}"


def local_time(value: datetime | None, lang: str, *, label: bool = True) -> str:
    """``5. jan. 2026 kl. 17:56 (norsk tid)`` / ``5 Jan 2026, 17:56 (Oslo time)``."""
    if value is None:
        return "—"
    moment = to_oslo(value)
    clock = f"{moment:%H:%M}"
    text = (f"{local_date(moment, lang)} kl. {clock}" if _lang(lang) == "nb"
            else f"{local_date(moment, lang)}, {clock}")
    return f"{text} ({ZONE_LABEL[_lang(lang)]})" if label else text
