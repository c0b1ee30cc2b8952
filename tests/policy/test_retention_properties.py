"""Properties of retention rules over random dates, event timelines and rules (hypothesis).

A rule is built from the models, so every form of the grammar is covered: After (from the event or from the
end of its year), Until (with or without ``at least``), Statute, and LaterOf / EarlierOf nested in each other.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from personvern.policy.retention import (
    After,
    EarlierOf,
    Facts,
    LaterOf,
    Period,
    Retention,
    Statute,
    Until,
    retention_end,
)
from personvern.policy.statutes import STATUTES

EVENTS = ("purchase.made", "case.closed", "customer.relationship_ended")
FROM_COLLECTION = ("collection", "last_activity")
DATES = st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31))


@st.composite
def periods(draw: st.DrawFn) -> Period:
    counts = draw(st.fixed_dictionaries({}, optional={
        "years": st.integers(0, 12), "months": st.integers(0, 30),
        "weeks": st.integers(0, 10), "days": st.integers(0, 400),
    }).filter(bool))
    return Period(" ".join(f"{n} {unit}" for unit, n in counts.items()))


def afters(anchors: tuple[str, ...]) -> st.SearchStrategy[After]:
    return st.builds(After, after=st.sampled_from(anchors), period=periods(),
                     counted=st.sampled_from(["from_event", "end_of_year"]))


def statutes(anchors: tuple[str, ...]) -> st.SearchStrategy[Statute]:
    return st.builds(Statute, statute=st.sampled_from(sorted(STATUTES)), after=st.sampled_from(anchors))


def untils(at_least: st.SearchStrategy[Period | None]) -> st.SearchStrategy[Until]:
    return st.builds(Until, until=st.sampled_from(EVENTS), at_least=at_least)


def nested(leaves: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    def combine(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        parts = st.lists(children, min_size=2, max_size=3)
        return st.builds(LaterOf, later_of=parts) | st.builds(EarlierOf, earlier_of=parts)

    return st.recursive(leaves, combine, max_leaves=6)


ANY_ANCHOR = (*EVENTS, *FROM_COLLECTION)
RULES = nested(afters(ANY_ANCHOR) | statutes(ANY_ANCHOR) | untils(st.none() | periods()))
# Rules whose every end is counted from collection: a period after collection or last activity, or an
# Until whose "at least" (counted from collection) sets a floor.
COLLECTION_RULES = nested(afters(FROM_COLLECTION) | statutes(FROM_COLLECTION) | untils(periods()))


@st.composite
def timelines(draw: st.DrawFn, every_event: bool = False) -> Facts:
    collected = draw(DATES)
    keys = list(EVENTS) if every_event else draw(st.lists(st.sampled_from(EVENTS), unique=True))
    events = {k: collected + timedelta(days=draw(st.integers(-400, 4000))) for k in keys}
    activity = draw(st.none() | st.integers(0, 3000).map(lambda d: collected + timedelta(days=d)))
    return Facts(collected=collected, events=events, last_activity=activity)


def _parts(rule: Any) -> list[Any]:
    return list(rule.later_of if isinstance(rule, LaterOf) else rule.earlier_of)


@given(COLLECTION_RULES, timelines())
def test_an_end_counted_from_collection_is_never_before_collection(rule: Any, facts: Facts) -> None:
    end = retention_end(rule, facts)
    assert end is None or end >= facts.collected


@given(st.builds(LaterOf, later_of=st.lists(RULES, min_size=2, max_size=3)), timelines())
def test_later_of_is_at_least_each_part_when_all_are_known(rule: LaterOf, facts: Facts) -> None:
    ends = [retention_end(r, facts) for r in rule.later_of]
    end = retention_end(rule, facts)
    if any(e is None for e in ends):
        assert end is None
    else:
        assert end is not None and all(end >= e for e in ends if e is not None)
        assert end in ends


@given(st.builds(EarlierOf, earlier_of=st.lists(RULES, min_size=2, max_size=3)), timelines())
def test_earlier_of_is_at_most_each_known_part(rule: EarlierOf, facts: Facts) -> None:
    known = [e for e in (retention_end(r, facts) for r in rule.earlier_of) if e is not None]
    end = retention_end(rule, facts)
    if not known:
        assert end is None
    else:
        assert end is not None and all(end <= e for e in known)
        assert end in known


@given(untils(st.none() | periods()), timelines(), DATES)
def test_until_has_no_end_until_its_event_is_known(rule: Until, facts: Facts, happened: date) -> None:
    waiting = Facts(facts.collected, {k: v for k, v in facts.events.items() if k != rule.until})
    assert retention_end(rule, waiting) is None
    end = retention_end(rule, Facts(facts.collected, {**waiting.events, rule.until: happened}))
    assert end is not None and end >= happened


@given(afters(ANY_ANCHOR).filter(lambda r: r.counted == "end_of_year"), timelines(every_event=True))
def test_end_of_year_counts_from_december_31(rule: After, facts: Facts) -> None:
    anchor = facts.anchor(rule.after)
    assert anchor is not None
    end = retention_end(rule, facts)
    # the period runs to the close of 31 December + period; the record may go the day after
    assert end == date(anchor.year, 12, 31) + rule.period.delta + timedelta(days=1)
    if not (rule.period.delta.months or rule.period.delta.days or rule.period.delta.weeks):
        assert end == date(anchor.year + rule.period.delta.years + 1, 1, 1)


@given(statutes(ANY_ANCHOR), timelines(every_event=True))
def test_a_statute_counts_as_the_catalogue_says(rule: Statute, facts: Facts) -> None:
    statute = STATUTES[rule.statute]
    anchor = facts.anchor(rule.after)
    assert anchor is not None
    if statute.counted == "end_of_year":
        assert retention_end(rule, facts) == date(anchor.year, 12, 31) + statute.period + timedelta(days=1)
    else:  # Regulation 1182/71 art. 3(2)(c): the period's last day is kept; due the next day
        assert retention_end(rule, facts) == anchor + statute.period + timedelta(days=1)


@given(untils(periods()), RULES, timelines(), DATES, st.booleans())
def test_an_event_never_ends_retention_before_the_at_least_floor(
    until: Until, other: Any, facts: Facts, happened: date, wrap: bool,
) -> None:
    rule: Any = LaterOf(later_of=[until, other]) if wrap else until
    assert until.at_least is not None
    floor = facts.collected + until.at_least.delta
    later = Facts(facts.collected, {**facts.events, until.until: happened}, facts.last_activity)
    end = retention_end(rule, later)
    assert end is None or end >= floor


@given(RULES, timelines(every_event=True), st.sampled_from(EVENTS), st.integers(1, 2000))
def test_a_later_event_never_gives_an_earlier_end(rule: Any, facts: Facts, event: str, days: int) -> None:
    moved = Facts(facts.collected, {**facts.events, event: facts.events[event] + timedelta(days=days)},
                  facts.last_activity)
    before, after = retention_end(rule, facts), retention_end(rule, moved)
    assert before is not None and after is not None
    assert after >= before


def sentence(rule: Any) -> Any:
    """The rule as a policy writes it: a sentence for one rule, a mapping of sentences for a combination."""
    if isinstance(rule, After):
        counted = "end of year of " if rule.counted == "end_of_year" else ""
        return f"{rule.period.text} after {counted}{rule.after}"
    if isinstance(rule, Until):
        return f"until {rule.until}" + (f", at least {rule.at_least.text}" if rule.at_least else "")
    if isinstance(rule, Statute):
        return f"{rule.statute} after {rule.after}"
    key = "later_of" if isinstance(rule, LaterOf) else "earlier_of"
    return {key: [sentence(r) for r in _parts(rule)]}


def mapping(rule: Any) -> Any:
    if isinstance(rule, LaterOf | EarlierOf):
        key = "later_of" if isinstance(rule, LaterOf) else "earlier_of"
        return {key: [mapping(r) for r in _parts(rule)]}
    return rule.model_dump(mode="json", exclude_defaults=True)


@given(RULES)
def test_sentence_and_mapping_parse_to_the_same_rule(rule: Any) -> None:
    written = sentence(rule)
    assert Retention.model_validate(written).rule == rule
    assert Retention.model_validate(mapping(rule)).rule == rule
    assert Retention.model_validate({"rule": written, "then": "review"}).rule == rule


# The first day the record may go: the day after the period's last day (Regulation 1182/71 art. 3(1), 3(2)(c));
# until issue 14 these rows expected the last day itself, deleting a day early.
@pytest.mark.parametrize(("collected", "rule", "end"), [
    (date(2023, 1, 31), "1 month after collection", date(2023, 3, 1)),
    (date(2024, 1, 31), "1 month after collection", date(2024, 3, 1)),
    (date(2024, 3, 31), "1 month after collection", date(2024, 5, 1)),
    (date(2023, 8, 31), "6 months after collection", date(2024, 3, 1)),
    (date(2024, 2, 29), "1 year after collection", date(2025, 3, 1)),
    (date(2024, 2, 29), "4 years after collection", date(2028, 3, 1)),
    (date(2024, 1, 31), "1 month 1 day after collection", date(2024, 3, 2)),
    (date(2024, 1, 31), "2 weeks after collection", date(2024, 2, 15)),
    (date(2024, 3, 5), "5 years after end of year of collection", date(2030, 1, 1)),
    (date(2024, 3, 5), "2 months after end of year of collection", date(2025, 3, 1)),
    (date(2024, 3, 5), "3 years 6 months after end of year of collection", date(2028, 7, 1)),
    (date(2024, 12, 31), "bokforingsloven.primary after collection", date(2030, 1, 1)),
    (date(2024, 1, 1), "bokforingsloven.secondary after collection", date(2028, 7, 1)),
    (date(2024, 1, 31), "forbrukerkjopsloven.complaint after collection", date(2026, 2, 1)),
])
def test_month_end_arithmetic(collected: date, rule: str, end: date) -> None:
    assert retention_end(Retention.model_validate(rule), Facts(collected, {})) == end


def test_until_with_at_least_keeps_the_floor() -> None:
    rule = Retention.model_validate("until case.closed, at least 30 days")
    collected = date(2024, 1, 31)
    assert retention_end(rule, Facts(collected, {})) is None
    # 30 days from 31 January end with 1 March; the closing day is kept: due the day after either
    assert retention_end(rule, Facts(collected, {"case.closed": date(2024, 2, 1)})) == date(2024, 3, 2)
    assert retention_end(rule, Facts(collected, {"case.closed": date(2024, 6, 1)})) == date(2024, 6, 2)


def test_relativedelta_normalises_months_into_years() -> None:
    """Period equality rests on this: '42 months' and '3 years 6 months' are the same period."""
    assert Period("42 months") == Period("3 years 6 months")
    assert relativedelta(months=42).normalized() == relativedelta(years=3, months=6)
