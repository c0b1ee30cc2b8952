"""The retention sweep: what goes, when, with which end action, and what a hold keeps."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from personvern.errors import RegisterError
from personvern.register import Register
from personvern.register import schema as t
from personvern.rights import erase_subject


def _count(reg: Register, table: t.Table) -> int:  # type: ignore[name-defined]
    with reg.engine.connect() as c:
        return int(c.execute(select(func.count()).select_from(table)).scalar_one())


def _call(reg: Register, on: date) -> tuple[str, int]:
    ref = reg.add_subject("customer", {"phone": "+47 975 27 747"})
    rid = reg.write(ref, "customer_service", ["custom.call_log"], {"custom.call_log": "called"}, collected=on)
    return ref, rid


@pytest.mark.promise("SN4")
def test_support_email_goes_three_years_after_collection_and_not_a_day_before(open_register) -> None:  # type: ignore[no-untyped-def]
    reg = open_register("sensornordic")
    purpose = next(p for p in reg.policy.purposes if "3 years after collection" in repr(p.retention) or (
        p.retention and getattr(p.retention.rule, "after", None) == "collection"))
    ref = reg.add_subject(purpose.subjects[0], {"email": "kunde@example.no"})
    reg.write(ref, purpose.key, [purpose.categories[0]], {}, collected=date(2026, 1, 5))
    assert reg.sweep(date(2029, 1, 5)).total == 0  # the period's last day (Regulation 1182/71 art. 3(2)(c))
    report = reg.sweep(date(2029, 1, 6))
    assert report.deleted[purpose.key] == 1
    assert reg.find("email", "kunde@example.no") == []  # nothing left: the subject went too


def test_dry_run_lists_what_would_go_per_purpose_and_changes_nothing(reg: Register) -> None:
    ref, _ = _call(reg, date(2026, 1, 5))
    reg.record_event("case.closed", date(2026, 2, 1), subject=ref)
    before = _count(reg, t.records)
    report = reg.sweep(date(2029, 2, 2), dry_run=True)
    assert report.dry_run and report.deleted == {"customer_service": 1}
    assert _count(reg, t.records) == before


def test_as_of_in_the_past_of_the_rule_keeps_everything(reg: Register) -> None:
    ref, _ = _call(reg, date(2026, 1, 5))
    reg.record_event("case.closed", date(2026, 2, 1), subject=ref)
    assert reg.sweep(date(2029, 2, 1)).total == 0  # foreldelsesloven: 3 years after case.closed, last day
    assert reg.sweep(date(2029, 2, 2)).deleted["customer_service"] == 1


def test_until_an_event_that_has_not_happened_keeps_the_record(reg: Register) -> None:
    _call(reg, date(2026, 1, 5))
    assert reg.sweep(date(2099, 1, 1)).total == 0


def test_a_moved_future_event_moves_the_end(reg: Register) -> None:
    ref, rid = _call(reg, date(2026, 1, 5))
    reg.record_event("case.closed", date(2026, 6, 1), record=rid)
    reg.record_event("case.closed", date(2027, 6, 1), record=rid)  # reopened and closed again later
    assert reg.read(ref)[0].retention_until == date(2030, 6, 2)


def test_sweep_is_idempotent(reg: Register) -> None:
    ref, _ = _call(reg, date(2026, 1, 5))
    reg.record_event("case.closed", date(2026, 2, 1), subject=ref)
    assert reg.sweep(date(2030, 1, 1)).total == 1
    again = reg.sweep(date(2030, 1, 1))
    assert again.total == 0 and again.subjects_removed == 0


def test_sweep_deletes_in_batches_with_a_bounded_number_of_statements(reg: Register) -> None:
    for i in range(30):
        ref = reg.add_subject("customer", {"email": f"k{i}@example.no"})
        reg.write(ref, "customer_service", ["custom.call_log"], {}, collected=date(2026, 1, 5),
                  events={"case.closed": date(2026, 1, 6)})
    with reg.trace() as queries:
        report = reg.sweep(date(2030, 1, 1), batch=10)
    assert report.deleted["customer_service"] == 30 and report.subjects_removed == 30
    deletes = [q for q in queries if q.lstrip().upper().startswith("DELETE FROM RECORDS")]
    assert len(deletes) == 4  # 30 records in batches of 10: three full batches and one that finds nothing left
    assert _count(reg, t.erasures) == 30


def test_a_subject_with_nothing_left_is_removed_and_its_key_shredded(reg: Register) -> None:
    ref, _ = _call(reg, date(2026, 1, 5))
    reg.record_event("case.closed", date(2026, 1, 6), subject=ref)
    reg.sweep(date(2030, 1, 1))
    assert _count(reg, t.subjects) == 0 and _count(reg, t.subject_keys) == 0 and _count(reg, t.identifiers) == 0


def test_a_new_subject_without_records_is_not_swept(reg: Register) -> None:
    reg.add_subject("customer", {"email": "new@example.no"})
    reg.sweep(date(2099, 1, 1))
    assert _count(reg, t.subjects) == 1


@pytest.mark.promise("PI6")
def test_review_action_puts_the_record_on_the_review_list_instead_of_deleting(open_register) -> None:  # type: ignore[no-untyped-def]
    reg = open_register("pilaro")
    purpose = next((p for p in reg.policy.purposes if p.retention and p.retention.then == "review"), None)
    assert purpose is not None, "Pilaro's 'as long as the purposes need' is a review rule"
    ref = reg.add_subject(purpose.subjects[0], {"email": "kontakt@example.no"})
    reg.write(ref, purpose.key, [purpose.categories[0]], {}, collected=date(2020, 1, 1),
              events={e: date(2020, 1, 2) for e in reg.policy.events})
    report = reg.sweep(date(2099, 1, 1))
    assert report.review[purpose.key] == 1 and report.total == 1
    assert reg.read(ref)[0].state == "review"


def test_hold_keeps_due_records_and_dry_run_says_why_then_lifting_deletes_at_once(reg: Register) -> None:
    ref, _ = _call(reg, date(2026, 1, 5))
    reg.record_event("case.closed", date(2026, 1, 6), subject=ref)
    hold = reg.place_hold(subject=ref, reason="tvist om reklamasjon, sak 2026-17", by="po")
    dry = reg.sweep(date(2030, 1, 1), dry_run=True)
    assert dry.total == 0 and dry.held == {"customer_service": {"legal_claim": 1}}
    assert reg.sweep(date(2030, 1, 1)).total == 0
    assert reg.lift_hold(hold, by="po", as_of=date(2030, 1, 1)) == 1
    assert _count(reg, t.records) == 0


def test_hold_needs_a_reason_and_a_target(reg: Register) -> None:
    ref = reg.add_subject("customer")
    with pytest.raises(RegisterError, match="needs a reason"):
        reg.place_hold(subject=ref, reason=" ", by="po")
    with pytest.raises(RegisterError, match="a subject or one record"):
        reg.place_hold(reason="x", by="po")


# -- property: never before the rule allows, always gone after ------------------------------------------

days = st.integers(min_value=0, max_value=3000)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(collected=days, closed=st.one_of(st.none(), days), as_of=st.integers(min_value=0, max_value=6000))
def test_a_record_is_never_swept_before_its_end_and_always_after(
        reg: Register, collected: int, closed: int | None, as_of: int) -> None:
    """customer_service: 3 years (foreldelsesloven § 2) after case.closed; open cases are kept."""
    base = date(2020, 1, 1).toordinal()
    ref = reg.add_subject("customer")
    events = {} if closed is None else {"case.closed": date.fromordinal(base + collected + closed)}
    rid = reg.write(ref, "customer_service", ["custom.call_log"], {}, collected=date.fromordinal(base + collected),
                    events=events)
    end = None if closed is None else date.fromordinal(base + collected + closed).replace()
    if end is not None:
        end = end.replace(year=end.year + 3) if not (end.month == 2 and end.day == 29) else date(end.year + 3, 2, 28)
    sweep_day = date.fromordinal(base + as_of)
    reg.sweep(sweep_day)
    with reg.engine.connect() as c:
        alive = c.execute(select(t.records.c.id).where(t.records.c.id == rid)).first() is not None
    assert alive == (end is None or sweep_day < end)
    if alive:
        erase_subject(reg, ref, ground="a", by="test")  # keep the shared database small between examples
