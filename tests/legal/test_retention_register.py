"""The register applies the statute's counting (issue 14 items 1-3): the accounting year of the policy, events
moved earlier or cancelled, and a hold that covers the day it is lifted. Sources as in test_retention_law.py.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from personvern.register import Register

BODY = """\
settings:
  accounting_year_end: "06-30"
events:
  purchase.completed: {nb: "kjøpet er fullført", en: "the purchase is completed"}
  installation.completed: {nb: "installasjonen er utført", en: "the installation is done"}
purposes:
  - key: bookkeeping
    name: {nb: "Regnskap", en: "Accounting"}
    description: {nb: "Vi oppbevarer bilag.", en: "We keep vouchers."}
    legal_basis: {article: c, law: "bokføringsloven § 13", statute: bokforingsloven.primary}
    categories: [user.name]
    subjects: [customer]
    retention: bokforingsloven.primary after purchase.completed
  - key: warranty
    name: {nb: "Garanti", en: "Warranty"}
    description: {nb: "Vi håndterer garantisaker.", en: "We handle warranty cases."}
    legal_basis: {article: f, interest: {nb: "å håndtere garantisaker", en: "handling warranty cases"}}
    categories: [user.name]
    subjects: [customer]
    retention: 36 months after installation.completed
"""


@pytest.fixture
def shop(shop_policy: Callable[[str], Register]) -> Register:
    return shop_policy(BODY)


def _until(reg: Register, ref: str, purpose: str) -> date | None:
    return next(r.retention_until for r in reg.read(ref, purpose))


def test_bookkeeping_counts_from_the_end_of_the_policy_s_accounting_year(shop: Register) -> None:
    """bokføringsloven § 13 første ledd: five years after the end of the accounting year (here 30 June)."""
    rows = [(date(2026, 3, 10), date(2031, 7, 1)), (date(2026, 6, 30), date(2031, 7, 1)),
            (date(2026, 7, 1), date(2032, 7, 1))]
    for purchased, due in rows:
        ref = shop.add_subject("customer", {"email": f"k{purchased:%m%d}@example.no"})
        shop.write(ref, "bookkeeping", ["user.name"], {"user.name": "Kari"},
                   events={"purchase.completed": purchased})
        assert _until(shop, ref, "bookkeeping") == due, purchased


def test_moving_an_event_earlier_moves_the_due_date_earlier(shop: Register) -> None:
    """Regulation 1182/71 art. 3: the period runs from the event, whichever way it moves."""
    ref = shop.add_subject("customer", {"email": "flytt@example.no"})
    shop.write(ref, "warranty", ["user.name"], {"user.name": "Kari"})
    shop.record_event("installation.completed", date(2026, 6, 1), subject=ref)
    assert _until(shop, ref, "warranty") == date(2029, 6, 2)
    shop.move_event("installation.completed", date(2026, 5, 1), subject=ref)
    assert _until(shop, ref, "warranty") == date(2029, 5, 2)
    shop.move_event("installation.completed", date(2026, 8, 31), subject=ref)
    assert _until(shop, ref, "warranty") == date(2029, 9, 1)


def test_a_cancelled_event_is_removed_and_the_rule_waits_again(shop: Register) -> None:
    ref = shop.add_subject("customer", {"email": "avlyst@example.no"})
    rid = shop.write(ref, "warranty", ["user.name"], {"user.name": "Kari"},
                     events={"installation.completed": date(2026, 6, 1)})
    assert _until(shop, ref, "warranty") == date(2029, 6, 2)
    assert shop.cancel_event("installation.completed", record=rid) == 1
    assert _until(shop, ref, "warranty") is None


def test_the_day_a_hold_is_lifted_is_inside_the_hold(shop: Register, clock) -> None:  # type: ignore[no-untyped-def]
    """Art. 17(3)(e) hold: kept through the day the claim closes (counted as a period's last day, Regulation
    1182/71 art. 3(2)(c)); due the day after."""
    ref = shop.add_subject("customer", {"email": "tvist@example.no"})
    shop.write(ref, "warranty", ["user.name"], {"user.name": "Kari"},
               events={"installation.completed": date(2026, 1, 2)})
    hold = shop.place_hold(subject=ref, reason="tvist, sak 2029-3", by="po")
    clock.set(date(2029, 6, 10))
    assert shop.sweep(as_of=date(2029, 6, 10)).total == 0  # overdue since 2029-01-03, but held
    assert shop.lift_hold(hold, by="po", as_of=date(2029, 6, 10)) == 0  # the closing day is still held
    assert shop.sweep(as_of=date(2029, 6, 10)).total == 0
    assert shop.sweep(as_of=date(2029, 6, 11)).total == 1


@pytest.mark.parametrize(("setting", "message"), [
    ({"accounting_year_end": "02-30"}, "not a day of the year"),
    ({"accounting_year_end": "13-01"}, "not a day of the year"),
    ({"reservation_wash_valid_for": "31 days"}, "at most one month"),
    ({"reservation_wash_valid_for": "1 month 1 day"}, "at most one month"),
])
def test_settings_the_law_bounds_are_refused(setting: dict[str, str], message: str) -> None:
    """bokføringsloven § 13 needs a real year end; forskrift 2009-06-05-598 § 4: a wash is valid one month."""
    from pydantic import ValidationError

    from personvern.policy.model import Settings

    with pytest.raises(ValidationError, match=message):
        Settings.model_validate(setting)
