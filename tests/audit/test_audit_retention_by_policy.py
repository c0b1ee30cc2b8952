"""The audit trail's own retention comes from the policy (``settings.audit_retention``, Art. 5(1)(e), 5(2))."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from personvern.audit import entries, verify
from personvern.audit.retention import prune_by_policy, prune_cut
from personvern.errors import RegisterError
from personvern.policy import load_policy
from personvern.policy.retention import Facts, Retention, retention_end
from personvern.register import Register

POLICIES = sorted((Path(__file__).resolve().parents[2] / "examples" / "policies").glob("*.yaml"))
RULES = ["3 years after end of year of collection", "3 years after collection", "18 months after collection",
         "foreldelsesloven after collection", "30 days after collection",
         {"later_of": ["1 year after collection", "bokforingsloven.primary after collection"]}]


@pytest.mark.parametrize("path", POLICIES, ids=lambda p: p.stem)
def test_every_example_policy_declares_how_long_its_audit_trail_is_kept(path: Path) -> None:
    retention = load_policy(path).policy.settings.audit_retention
    assert retention is not None and retention.then == "delete"


@given(rule=st.sampled_from(RULES), as_of=st.dates(date(2000, 1, 1), date(2100, 12, 31)))
def test_the_cut_is_the_first_entry_date_still_kept(rule: object, as_of: date) -> None:
    parsed = Retention.model_validate(rule).rule
    cut = prune_cut(parsed, as_of)
    last_due = retention_end(parsed, Facts(cut - timedelta(days=1), {}))
    first_kept = retention_end(parsed, Facts(cut, {}))
    assert last_due is not None and last_due <= as_of  # the day before the cut is due ...
    assert first_kept is not None and first_kept > as_of  # ... and the cut itself is not


def test_three_years_from_the_end_of_the_year() -> None:
    rule = Retention.model_validate("3 years after end of year of collection").rule
    # an entry of 2026 may go from 1 Jan 2030; everything before 2027 goes then
    assert prune_cut(rule, date(2029, 12, 31)) == date(2026, 1, 1)
    assert prune_cut(rule, date(2030, 1, 1)) == date(2027, 1, 1)


def test_prune_by_policy_deletes_what_is_due_and_keeps_a_verifiable_chain(reg: Register, clock: object) -> None:
    ref = reg.add_subject("customer", {"email": "kari@example.no"})  # 2026-01-05
    clock.set(date(2027, 3, 1))  # type: ignore[attr-defined]
    reg.read(ref)
    clock.set(date(2030, 1, 1))  # type: ignore[attr-defined]
    assert prune_by_policy(reg) == 2  # subject.created and identifiers.added of 2026
    with reg.engine.connect() as c:
        left = entries(c, limit=None)
        assert verify(c).ok
    assert [e.action for e in left] == ["record.read", "audit.pruned"]
    assert left[-1].at == datetime(2030, 1, 1, 12, tzinfo=UTC)
    assert prune_by_policy(reg) == 0


def test_a_policy_without_audit_retention_keeps_everything(reg: Register) -> None:
    reg.add_subject("customer")
    reg.policy = reg.policy.model_copy(update={"settings": reg.policy.settings.model_copy(
        update={"audit_retention": None})})
    assert prune_by_policy(reg, date(2099, 1, 1)) == 0


@pytest.mark.parametrize("rule", ["3 years after purchase.made", "36 months after last_activity"])
def test_a_rule_an_audit_entry_cannot_follow_is_refused(rule: str) -> None:
    with pytest.raises(RegisterError) as info:
        prune_cut(Retention.model_validate(rule).rule, date(2030, 1, 1))
    assert info.value.field == "settings.audit_retention"
