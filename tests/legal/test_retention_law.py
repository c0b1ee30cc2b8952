"""Retention due dates, from the statute text (issue 14 item 14). Each row: the rule, the dates, the expected
first day of deletion, and its source. The expected dates are worked out by hand from the text below, not
from the code's tables (nothing here imports the statutory catalogue).

Regulation (EEC, Euratom) No 1182/71 (the counting this project uses, ../shared/LEGAL.md):
- art. 3(1) second subparagraph: "Where a period expressed in days, weeks, months or years is to be calculated
  from the moment at which an event occurs or an action takes place, the day during which that event occurs
  or that action takes place shall not be considered as falling within the period in question."
- art. 3(2)(b): a period in days starts at the beginning of the first hour of its first day and ends with the
  expiry of the last hour of its last day.
- art. 3(2)(c): a period in weeks, months or years "shall end with the expiry of the last hour of whichever day
  in the last week, month or year is the same day of the week, or falls on the same date, as the day from which
  the period runs. If, in a period expressed in months or in years, the day on which it should expire does
  not occur in the last month, the period shall end with the expiry of the last hour of the last day of that
  month."
So a record kept for a period is due on the day after the period's last day.

bokføringsloven (lov 2004-11-19-73) § 13 første ledd: primary documentation "skal oppbevares i fem år etter
regnskapsårets slutt"; the secondary kinds (§ 13 første ledd nr. 2) "i tre år og seks måneder etter
regnskapsårets slutt". Counted from the end of the business's own accounting year (regnskapsloven § 1-7
allows another year end than 31 December).
forbrukerkjøpsloven § 27 første ledd: two years "fra den dag forbrukeren overtok tingen".
"""

from __future__ import annotations

from datetime import date

import pytest

from personvern.policy.retention import Facts, Retention, retention_end

R1182 = "Regulation 1182/71 art. 3(1), 3(2)(c)"
R1182_DAYS = "Regulation 1182/71 art. 3(1), 3(2)(b)"
R1182_MONTH_END = "Regulation 1182/71 art. 3(2)(c) second sentence"
BFL = "bokføringsloven § 13 første ledd ('fem år etter regnskapsårets slutt')"
BFL_SECONDARY = "bokføringsloven § 13 første ledd nr. 2 ('tre år og seks måneder etter regnskapsårets slutt')"
FKJL = "forbrukerkjøpsloven § 27 første ledd ('to år fra den dag forbrukeren overtok tingen')"

# rule, accounting year end, collected, events, expected first day of deletion, source
ROWS: list[tuple[str, str, date, dict[str, date], date, str]] = [
    ("36 months after purchase.completed", "12-31", date(2026, 3, 10), {"purchase.completed": date(2026, 3, 10)},
     date(2029, 3, 11), R1182),
    ("1 month after purchase.completed", "12-31", date(2026, 1, 31), {"purchase.completed": date(2026, 1, 31)},
     date(2026, 3, 1), R1182_MONTH_END),
    ("1 month after purchase.completed", "12-31", date(2028, 1, 31), {"purchase.completed": date(2028, 1, 31)},
     date(2028, 3, 1), R1182_MONTH_END + " (29 February 2028 exists)"),
    ("1 month after purchase.completed", "12-31", date(2026, 2, 28), {"purchase.completed": date(2026, 2, 28)},
     date(2026, 3, 29), R1182),
    ("1 year after purchase.completed", "12-31", date(2024, 2, 29), {"purchase.completed": date(2024, 2, 29)},
     date(2025, 3, 1), R1182_MONTH_END + " (no 29 February 2025)"),
    ("4 years after purchase.completed", "12-31", date(2024, 2, 29), {"purchase.completed": date(2024, 2, 29)},
     date(2028, 3, 1), R1182),
    ("30 days after collection", "12-31", date(2026, 1, 1), {}, date(2026, 2, 1), R1182_DAYS),
    ("2 weeks after collection", "12-31", date(2026, 1, 1), {}, date(2026, 1, 16), R1182),
    ("3 years after collection", "12-31", date(2026, 12, 31), {}, date(2030, 1, 1), R1182),
    ("until case.closed", "12-31", date(2026, 1, 2), {"case.closed": date(2026, 5, 4)},
     date(2026, 5, 5), "the record is needed through the day the case closes; " + R1182),
    ("until case.closed, at least 30 days", "12-31", date(2026, 1, 1), {"case.closed": date(2026, 1, 10)},
     date(2026, 2, 1), R1182_DAYS + " (the minimum runs from collection)"),
    ("until case.closed, at least 30 days", "12-31", date(2026, 1, 1), {"case.closed": date(2026, 3, 10)},
     date(2026, 3, 11), R1182),
    # bokføringsloven § 13, calendar accounting year
    ("bokforingsloven.primary after purchase.completed", "12-31", date(2026, 3, 10),
     {"purchase.completed": date(2026, 3, 10)}, date(2032, 1, 1), BFL),
    ("bokforingsloven.primary after purchase.completed", "12-31", date(2026, 12, 31),
     {"purchase.completed": date(2026, 12, 31)}, date(2032, 1, 1), BFL),
    ("bokforingsloven.primary after purchase.completed", "12-31", date(2027, 1, 1),
     {"purchase.completed": date(2027, 1, 1)}, date(2033, 1, 1), BFL),
    ("5 years after end of year of purchase.completed", "12-31", date(2024, 2, 29),
     {"purchase.completed": date(2024, 2, 29)}, date(2030, 1, 1), BFL),
    ("bokforingsloven.secondary after purchase.completed", "12-31", date(2026, 5, 1),
     {"purchase.completed": date(2026, 5, 1)}, date(2030, 7, 1), BFL_SECONDARY),
    # bokføringsloven § 13, accounting years that are not the calendar year
    ("bokforingsloven.primary after purchase.completed", "06-30", date(2026, 3, 10),
     {"purchase.completed": date(2026, 3, 10)}, date(2031, 7, 1), BFL + ", year ending 30 June 2026"),
    ("bokforingsloven.primary after purchase.completed", "06-30", date(2026, 6, 30),
     {"purchase.completed": date(2026, 6, 30)}, date(2031, 7, 1), BFL + ", the year's last day"),
    ("bokforingsloven.primary after purchase.completed", "06-30", date(2026, 7, 1),
     {"purchase.completed": date(2026, 7, 1)}, date(2032, 7, 1), BFL + ", year ending 30 June 2027"),
    ("bokforingsloven.secondary after purchase.completed", "06-30", date(2026, 3, 10),
     {"purchase.completed": date(2026, 3, 10)}, date(2030, 1, 1),
     BFL_SECONDARY + ": from 1 July 2026, 3 years 6 months end with 31 December 2029"),
    ("bokforingsloven.primary after purchase.completed", "09-30", date(2026, 10, 1),
     {"purchase.completed": date(2026, 10, 1)}, date(2032, 10, 1), BFL + ", year ending 30 September 2027"),
    ("bokforingsloven.primary after purchase.completed", "02-28", date(2027, 3, 10),
     {"purchase.completed": date(2027, 3, 10)}, date(2033, 3, 1), BFL + ", year ending 29 February 2028"),
    ("bokforingsloven.primary after purchase.completed", "02-28", date(2026, 2, 28),
     {"purchase.completed": date(2026, 2, 28)}, date(2031, 3, 1), BFL + ", year ending 28 February 2026"),
    ("5 years after end of year of purchase.completed", "04-30", date(2026, 4, 30),
     {"purchase.completed": date(2026, 4, 30)}, date(2031, 5, 1), BFL + ", year ending 30 April 2026"),
    # forbrukerkjøpsloven § 27: from the day the goods were taken over
    ("forbrukerkjopsloven.complaint after purchase.completed", "12-31", date(2026, 2, 28),
     {"purchase.completed": date(2026, 2, 28)}, date(2028, 2, 29), FKJL + "; " + R1182),
    ("forbrukerkjopsloven.complaint after purchase.completed", "06-30", date(2026, 3, 10),
     {"purchase.completed": date(2026, 3, 10)}, date(2028, 3, 11), FKJL + " (not an accounting-year rule)"),
    # later_of / earlier_of take the parts' due days
    ("later_of", "12-31", date(2026, 3, 10), {"purchase.completed": date(2026, 3, 10)}, date(2032, 1, 1), BFL),
]


def _rule(text: str) -> Retention:
    if text == "later_of":
        return Retention.model_validate({"later_of": ["36 months after purchase.completed",
                                                      "bokforingsloven.primary after purchase.completed"]})
    return Retention.model_validate(text)


def _year_end(text: str) -> tuple[int, int]:
    month, day = text.split("-")
    return int(month), int(day)


@pytest.mark.parametrize(("rule", "year_end", "collected", "events", "due", "source"), ROWS,
                         ids=[f"{r[0]}|{r[1]}|{r[3] or r[2]}" for r in ROWS])
def test_due_date_follows_the_statute(rule: str, year_end: str, collected: date, events: dict[str, date],
                                      due: date, source: str) -> None:
    facts = Facts(collected, events, None, _year_end(year_end))
    assert retention_end(_rule(rule), facts) == due, source


def test_the_period_s_last_day_is_inside_it() -> None:
    """Regulation 1182/71 art. 3(2)(c): the period ends with the expiry of its last day, so the record is kept
    on that day and due the next: the two conventions (from an event, from a year end) agree."""
    facts = Facts(date(2026, 6, 15), {"e": date(2026, 12, 31)}, None, (12, 31))
    from_event = retention_end(_rule("5 years after e"), facts)
    end_of_year = retention_end(_rule("5 years after end of year of e"), facts)
    assert from_event == end_of_year == date(2032, 1, 1)
