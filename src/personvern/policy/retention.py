"""Retention rules: the grammar a policy writes and the date each rule yields for a record.

A rule is written as a short sentence or as a mapping (both parse to the same models)::

    36 months after purchase.completed            After   (TP1)
    5 years after end of year of order.placed     After, counted from the end of that (accounting) year
    until case.closed, at least 30 days           Until   (TP3, TP4, TP7, TP8; "at least" counts from collection)
    3 years after collection                      After   (TP5, SN4)
    24 months after last_activity                 After   (last purchase, login or payment)
    bokforingsloven.primary after order.placed    Statute (a key of the statutory catalogue, TZ4, TP2, PI6)
    {later_of: [rule, rule]}                      the later of several ends (TZ3)
    {earlier_of: [rule, rule]}                    the earlier of several ends ("12 months, or until withdrawn")
    {by_category: {category: rule, ...}}          a period chosen by the record's category (complaint, warranty)
    {ordinarily: rule, with_consent: rule, consent: purpose}   extended while a consent stands
    until the subject asks                        UntilAsked: no period; ends with erasure or withdrawal

``retention_end`` gives the first day on which the record may be deleted, or ``None`` while the rule cannot
end yet (an awaited event has not happened). Events may be dated in the future and moved (a booking).

Counting (one convention, the one used for the Art. 12(3) deadlines; Regulation (EEC, Euratom) No 1182/71
art. 3(1) and 3(2)(c), ../shared/LEGAL.md): a period counted from an event leaves out the event's day and ends
at the end of the day with the same date in its last month, or of that month's last day when the date does not
exist (31 January + 1 month ends with 28/29 February); the record is due on the following day. "Until an
event" keeps the record through the event's day: due the day after. A period counted from the end of an
accounting year (bokføringsloven § 13: "etter regnskapsårets slutt") starts on the first day of the next
accounting year, so it ends on the last day before the same date that many years/months on (a receipt of the
accounting year ending 30 June 2026 is kept until the end of 30 June 2031 and due on 1 July 2031); for a
calendar year this is "31 December plus the period, due the day after".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Annotated, Any, Literal, TypeAlias, TypeVar, Union

from dateutil.relativedelta import relativedelta
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    GetCoreSchemaHandler,
    Tag,
    model_validator,
)
from pydantic_core import core_schema

from personvern.policy.statutes import STATUTES, Counted
from personvern.policy.text import Text

BUILTIN_ANCHORS = ("collection", "last_activity")
UNTIL_ASKED = "until the subject asks"  # the sentence of UntilAsked
_UNITS = {"year": "years", "month": "months", "week": "weeks", "day": "days"}
_PERIOD = re.compile(r"^\s*(?:(\d+)\s*(years?|months?|weeks?|days?)\s*)+$")
_PART = re.compile(r"(\d+)\s*(years?|months?|weeks?|days?)")


class Period:
    """A calendar period such as ``36 months`` or ``3 years 6 months``, added with calendar arithmetic."""

    __slots__ = ("delta", "text")

    def __init__(self, text: str) -> None:
        if not _PERIOD.match(text):
            raise ValueError(f"'{text}' is not a period; write e.g. '36 months', '30 days', '3 years 6 months'")
        counts: dict[str, int] = {}
        for n, unit in _PART.findall(text):
            name = _UNITS[unit.rstrip("s")]
            counts[name] = counts.get(name, 0) + int(n)
        self.delta = relativedelta(
            years=counts.get("years", 0), months=counts.get("months", 0),
            weeks=counts.get("weeks", 0), days=counts.get("days", 0),
        )
        self.text = " ".join(text.split())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Period) and self.delta.normalized() == other.delta.normalized()

    def __hash__(self) -> int:
        return hash(self.text)

    def __repr__(self) -> str:
        return f"Period({self.text!r})"

    def approx_days(self) -> float:
        d = self.delta
        return float(d.years * 365.25 + d.months * 30.44 + d.weeks * 7 + d.days)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_before_validator_function(
            lambda v: v if isinstance(v, Period) else Period(str(v)),
            core_schema.any_schema(),
            serialization=core_schema.plain_serializer_function_ser_schema(lambda p: p.text),
            json_schema_input_schema=core_schema.str_schema(pattern=_PERIOD.pattern),
        )


class _Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


_R = TypeVar("_R", bound=_Rule)


class _Waits(_Rule):
    """A rule that waits for one anchor, and what it does while that event is not recorded (issue 14 item 4):
    ``default`` counts from another anchor instead; ``optional`` (a part of ``later_of`` only) leaves the part
    out, so an event that never happens (no outstanding amount, so no last payment) cannot block the rest."""

    optional: bool = Field(default=False, description="a part of later_of only: left out while its event is "
                           "not recorded, so an event that never happens cannot keep the rule from ending")
    default: str | None = Field(default=None, description="the anchor to count from while the event is not "
                                "recorded: a declared event, collection or last_activity")


class After(_Waits):
    """A period after an anchor: an event, ``collection`` or ``last_activity``."""

    after: str
    period: Period
    counted: Counted = "from_event"


class Until(_Waits):
    """Until an event happens, and in any case at least ``at_least`` after collection."""

    until: str
    at_least: Period | None = None


class Statute(_Waits):
    """A statutory period from the catalogue (``policy/statutes.py``), counted as that statute counts."""

    statute: str
    after: str


class LaterOf(_Rule):
    later_of: list[Rule] = Field(min_length=2)


class EarlierOf(_Rule):
    earlier_of: list[Rule] = Field(min_length=2)


class ByCategory(_Rule):
    """A period chosen by the record's category (issue 14 item 5): a complaint case and a warranty case of one
    purpose, each with its own rule. A record holding several of the categories goes at the latest of their
    ends; the register refuses a record holding none."""

    by_category: dict[str, Rule]

    @model_validator(mode="after")
    def _two(self) -> ByCategory:
        if len(self.by_category) < 2:
            raise ValueError("'by_category' names two or more categories, each with its rule; for one category, "
                             "write its rule alone")
        return self


class WithConsent(_Rule):
    """Retention extended by a consent (issue 14 item 5): ``ordinarily`` applies, and while the subject's consent
    to the purpose ``consent`` stands, the later of it and ``with_consent``; withdrawing brings the date back."""

    ordinarily: Rule
    with_consent: Rule
    consent: str = Field(description="the consent-based purpose whose consent extends the period")


class UntilAsked(_Rule):
    """Kept until the subject asks for erasure or withdraws consent, with no period of its own (issue 14 item
    5): the notice says there is no fixed period, and the sweep lists these records as waiting for the subject."""

    until_asked: Literal[True]


def parse_rule(value: Any) -> Any:
    """Turn the sentence form into the mapping form; mappings pass through to pydantic."""
    if not isinstance(value, str):
        return value
    text = " ".join(value.split())
    if text == UNTIL_ASKED:
        return {"until_asked": True}
    if _PERIOD.match(text):
        raise ValueError(f"'{text}' counts from what? write '{text} after collection' (from when the data was "
                         f"collected) or '{text} after <event>' with an event declared under 'events:'")
    if m := re.fullmatch(r"until ([\w.]+)(?:, at least (.+))?", text):
        return {"until": m[1], **({"at_least": m[2]} if m[2] else {})}
    if m := re.fullmatch(r"(.+?) after end of year of ([\w.]+)", text):
        return {"after": m[2], "period": m[1], "counted": "end_of_year"}
    if m := re.fullmatch(r"(\d.*?) after ([\w.]+)", text):
        return {"after": m[2], "period": m[1]}
    if m := re.fullmatch(r"([a-z_]+\.[\w.]+|[a-z_]+) after ([\w.]+)", text):
        return {"statute": m[1], "after": m[2]}
    raise ValueError(
        f"'{value}' is not a retention rule; write e.g. '36 months after purchase.completed', "
        "'until case.closed, at least 30 days' or 'bokforingsloven.primary after order.placed'"
    )


def _rule_discriminator(value: Any) -> str | None:
    if isinstance(value, _Rule):
        return type(value).__name__
    value = parse_rule(value)
    if not isinstance(value, dict):
        return None
    for key, tag in (("later_of", "LaterOf"), ("earlier_of", "EarlierOf"), ("by_category", "ByCategory"),
                     ("with_consent", "WithConsent"), ("until_asked", "UntilAsked"), ("until", "Until"),
                     ("statute", "Statute"), ("after", "After")):
        if key in value:
            return tag
    return None


# One alias (nested ``Annotated`` flattens to this very form at runtime): the tagged union of the five
# rule mappings, each sentence turned into its mapping first.
Rule: TypeAlias = Annotated[
    Union[  # noqa: UP007
        Annotated[After, Tag("After")],
        Annotated[Until, Tag("Until")],
        Annotated[Statute, Tag("Statute")],
        Annotated[LaterOf, Tag("LaterOf")],
        Annotated[EarlierOf, Tag("EarlierOf")],
        Annotated[ByCategory, Tag("ByCategory")],
        Annotated[WithConsent, Tag("WithConsent")],
        Annotated[UntilAsked, Tag("UntilAsked")],
    ],
    Discriminator(_rule_discriminator),
    BeforeValidator(parse_rule),
]
LaterOf.model_rebuild()
EarlierOf.model_rebuild()
ByCategory.model_rebuild()
WithConsent.model_rebuild()

EndAction = Literal["delete", "reduce", "review", "hand_over"]


class Retention(BaseModel):
    """A purpose's retention: the rule that ends it and what happens then.

    ``then``: delete (default); reduce (keep only ``keep`` categories, detached from the subject);
    review (put on the privacy officer's review list; for a minimum with no maximum); hand_over
    (export to the archive a law names in ``archive``, then delete).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    rule: Rule
    then: EndAction = "delete"
    keep: list[str] = Field(default_factory=list)
    archive: str | None = None
    reason: Text | None = Field(default=None, description="why the data is kept this long: needed when the "
                                "rule keeps longer than the statute the purpose claims, or counts from collection "
                                "where the purpose's data has events; shown in the notice")

    @model_validator(mode="before")
    @classmethod
    def _sentence(cls, value: Any) -> Any:
        if isinstance(value, str):
            return {"rule": value}
        if isinstance(value, dict) and "rule" not in value and not (
                {"then", "keep", "archive", "reason"} & value.keys()):
            return {"rule": value}
        return value

    @model_validator(mode="after")
    def _action_fields(self) -> Retention:
        if self.then == "reduce" and not self.keep:
            raise ValueError("'then: reduce' needs 'keep': the categories that stay")
        if self.then == "hand_over" and not self.archive:
            raise ValueError("'then: hand_over' needs 'archive': the archive the law names")
        return self


@dataclass(frozen=True)
class Facts:
    """What a record's retention depends on. ``events`` maps event key to its (latest) date."""

    collected: date
    events: Mapping[str, date]
    last_activity: date | None = None
    year_end: tuple[int, int] = (12, 31)  # (month, day) the accounting year ends: settings.accounting_year_end
    categories: frozenset[str] = frozenset()  # the record's categories (ByCategory)
    consents: frozenset[str] = frozenset()  # purposes the subject's consent to stands (WithConsent)

    def anchor(self, name: str) -> date | None:
        if name == "collection":
            return self.collected
        if name == "last_activity":
            return self.last_activity or self.collected
        return self.events.get(name)


def parse_year_end(text: str) -> tuple[int, int]:
    """``settings.accounting_year_end`` (``MM-DD``) as (month, day); a ValueError names what is wrong."""
    m = re.fullmatch(r"(\d\d)-(\d\d)", text)
    if not m:
        raise ValueError(f"'{text}' is not a day of the year; write MM-DD, e.g. '12-31' or '06-30'")
    month, day = int(m[1]), int(m[2])
    if not 1 <= month <= 12 or not 1 <= day <= _month_days(2024, month):
        raise ValueError(f"'{text}' is not a day of the year; write MM-DD, e.g. '12-31' or '06-30'")
    return month, day


def _month_days(year: int, month: int) -> int:
    nxt = date(year + month // 12, month % 12 + 1, 1)
    return (nxt - timedelta(days=1)).day


def accounting_year_end(on: date, year_end: tuple[int, int] = (12, 31)) -> date:
    """The last day of the accounting year ``on`` belongs to. A year end on the last day of a month means the
    month's last day every year (28 February in a common year, 29 in a leap year)."""
    month, day = year_end
    if month == 2 and day >= 28:
        day = 31  # "end of February": clamped below to 28 or 29
    candidate = date(on.year, month, min(day, _month_days(on.year, month)))
    if candidate >= on:
        return candidate
    return date(on.year + 1, month, min(day, _month_days(on.year + 1, month)))


def _add(start: date, period: relativedelta, counted: Counted, year_end: tuple[int, int] = (12, 31)) -> date:
    """The first day the record may go: the day after the period's last day (see the module docstring)."""
    if counted == "end_of_year":
        next_year_starts = accounting_year_end(start, year_end) + timedelta(days=1)
        due: date = next_year_starts + period
        return due
    last_day: date = start + period  # relativedelta clamps to the month's last day: art. 3(2)(c)
    return last_day + timedelta(days=1)


def retention_end(rule: Any, facts: Facts) -> date | None:
    """First day the record may go, or ``None`` while an awaited event has not happened."""
    if isinstance(rule, Retention):
        rule = rule.rule
    if isinstance(rule, After):
        anchor = _anchor(rule, rule.after, facts)
        return None if anchor is None else _add(anchor, rule.period.delta, rule.counted, facts.year_end)
    if isinstance(rule, Until):
        happened = _anchor(rule, rule.until, facts)
        if happened is None:
            return None
        after_event = happened + timedelta(days=1)  # the event's day is still inside "until"
        floor = _add(facts.collected, rule.at_least.delta, "from_event") if rule.at_least else after_event
        return max(after_event, floor)
    if isinstance(rule, Statute):
        statute = STATUTES[rule.statute]
        anchor = _anchor(rule, rule.after, facts)
        return None if anchor is None else _add(anchor, statute.period, statute.counted, facts.year_end)
    if isinstance(rule, LaterOf):
        ends = [e for r in rule.later_of
                if (e := retention_end(r, facts)) is not None or not getattr(r, "optional", False)]
        return None if not ends or any(e is None for e in ends) else max(e for e in ends if e is not None)
    if isinstance(rule, EarlierOf):
        known = [e for e in (retention_end(r, facts) for r in rule.earlier_of) if e is not None]
        return min(known) if known else None
    return _shaped_end(rule, facts)


def _shaped_end(rule: Any, facts: Facts) -> date | None:
    """The end of the rule shapes of issue 14 item 5."""
    if isinstance(rule, ByCategory):
        ends = [retention_end(r, facts) for key, r in rule.by_category.items()
                if any(c == key or c.startswith(key + ".") for c in facts.categories)]
        return None if not ends or None in ends else max(e for e in ends if e is not None)
    if isinstance(rule, WithConsent):
        ordinary = retention_end(rule.ordinarily, facts)
        if rule.consent not in facts.consents:
            return ordinary
        extended = retention_end(rule.with_consent, facts)
        return None if ordinary is None or extended is None else max(ordinary, extended)
    if isinstance(rule, UntilAsked):
        return None  # no period: erasure on request (Art. 17) or a withdrawn consent ends it
    raise TypeError(f"not a retention rule: {rule!r}")


def rules_of(rule: Any, kind: type[_R]) -> list[_R]:
    """Every rule of one form inside a retention rule, e.g. each ``with_consent`` (none for ``None``)."""
    if rule is None:
        return []
    if isinstance(rule, Retention):
        rule = rule.rule
    found = [rule] if isinstance(rule, kind) else []
    return found + [r for part in parts(rule) for r in rules_of(part, kind)]


def parts(rule: Any) -> list[Any]:
    """The rules a rule is made of (``later_of``, ``earlier_of``, the cases of ``by_category``, the two periods
    of ``with_consent``); none for a rule of one anchor."""
    if isinstance(rule, Retention):
        rule = rule.rule
    if isinstance(rule, LaterOf):
        return list(rule.later_of)
    if isinstance(rule, EarlierOf):
        return list(rule.earlier_of)
    if isinstance(rule, ByCategory):
        return list(rule.by_category.values())
    if isinstance(rule, WithConsent):
        return [rule.ordinarily, rule.with_consent]
    return []


def _anchor(rule: _Waits, name: str, facts: Facts) -> date | None:
    """The anchor's date, or the ``default`` anchor's while the event is not recorded."""
    found = facts.anchor(name)
    return facts.anchor(rule.default) if found is None and rule.default is not None else found


def anchors(rule: Any) -> set[str]:
    """Every anchor (event key or built-in) a rule depends on."""
    if isinstance(rule, Retention):
        rule = rule.rule
    if isinstance(rule, After | Statute):
        return {rule.after, *([rule.default] if rule.default else [])}
    if isinstance(rule, Until):
        return {rule.until, *([rule.default] if rule.default else [])}
    if isinstance(rule, LaterOf):
        return set().union(*(anchors(r) for r in rule.later_of))
    if isinstance(rule, EarlierOf | ByCategory | WithConsent):
        return set().union(*(anchors(r) for r in parts(rule)))
    if isinstance(rule, UntilAsked):
        return set()
    raise TypeError(f"not a retention rule: {rule!r}")


def longest_period(rule: Any) -> float | None:
    """The longest fixed period in a rule, in days; for comparing against a statute's minimum."""
    if isinstance(rule, Retention):
        rule = rule.rule
    if isinstance(rule, After):
        return rule.period.approx_days() + (365 if rule.counted == "end_of_year" else 0)
    if isinstance(rule, Statute):
        st = STATUTES.get(rule.statute)
        return None if st is None else Period(st.period_text).approx_days() + (
            365 if st.counted == "end_of_year" else 0)
    if isinstance(rule, Until | UntilAsked):
        return float("inf")  # open until the event: never shorter than a fixed period
    found = [p for p in (longest_period(r) for r in parts(rule)) if p is not None]
    if not found:
        return None
    return min(found) if isinstance(rule, EarlierOf) else max(found)
