"""The rule shapes of issue 14 item 5 in the register: a period chosen by the record's category, retention
extended while a consent stands, records kept until the subject asks, and moving a record to the purpose a
later event puts it under (``may_move_to``), with the subject's kind.

Dates follow the counting of ../shared/LEGAL.md (Regulation 1182/71 art. 3): a period counted from an event
leaves out the event's day and ends at the end of its last day; the record is due the day after.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from tests.conftest import Clock

from personvern import audit
from personvern.consent import give, withdraw
from personvern.errors import ConsentRequired, MoveRefused, RegisterError, RestrictedProcessing
from personvern.register import MasterKey, Register
from personvern.register import schema as t
from personvern.rights import restrict_subject

SHAPES = Path(__file__).resolve().parents[1] / "policy" / "fixtures" / "shapes" / "shapes.yaml"


@pytest.fixture
def shapes(db_url: str, clock: Clock) -> Iterator[Register]:
    reg = Register.open(SHAPES, db_url, master_key=MasterKey(bytes(range(32))), clock=clock)
    yield reg
    reg.close()


def until(reg: Register, rid: int) -> date | None:
    with reg.engine.connect() as c:
        found: date | None = c.execute(select(t.records.c.retention_until).where(t.records.c.id == rid)).scalar_one()
    return found


# --- (b) complaint vs warranty case ------------------------------------------------------------------------

def test_a_complaint_and_a_warranty_case_get_their_own_periods(shapes: Register) -> None:
    ref = shapes.add_subject("customer", {"email": "kari@example.no"})
    taken_over = {"goods.taken_over": date(2026, 3, 10)}
    complaint = shapes.write(ref, "cases", ["user.name", "custom.complaint"], {"user.name": "Kari"},
                             events=taken_over)
    warranty = shapes.write(ref, "cases", ["user.name", "custom.warranty_case"], {"user.name": "Kari"},
                            events=taken_over)
    # forbrukerkjøpsloven § 27: 2 years from the take-over, due the day after 10 March 2028
    assert until(shapes, complaint) == date(2028, 3, 11)
    assert until(shapes, warranty) == date(2031, 3, 11)


def test_a_case_record_of_neither_category_is_refused_with_the_reason(shapes: Register) -> None:
    ref = shapes.add_subject("customer", {"email": "kari@example.no"})
    with pytest.raises(RegisterError) as refused:
        shapes.write(ref, "cases", ["user.name"], {"user.name": "Kari"})
    assert refused.value.field == "categories"
    assert "custom.complaint or custom.warranty_case" in str(refused.value)


# --- (c) extended by a consent -----------------------------------------------------------------------------

def test_a_consent_extends_the_application_and_withdrawing_it_brings_the_date_back(shapes: Register,
                                                                                    clock: Clock) -> None:
    clock.set(date(2026, 3, 10))
    ref = shapes.add_subject("job_applicant", {"email": "ola@example.no"})
    give(shapes, ref, "job_applications", channel=None, method="web_form", text="Jeg søker")
    rid = shapes.write(ref, "job_applications", ["user.name", "custom.application"], {"user.name": "Ola"})
    shapes.record_event("recruitment.ended", date(2026, 5, 4), subject=ref)
    assert until(shapes, rid) == date(2026, 9, 11)  # at least 6 months after 10 March 2026
    give(shapes, ref, "talent_pool", channel=None, method="web_form", text="Ja, behold søknaden")
    assert until(shapes, rid) == date(2027, 5, 5)  # 12 months after 4 May 2026
    withdraw(shapes, ref, "talent_pool", by="subject")
    assert until(shapes, rid) == date(2026, 9, 11)


# --- (d) until the subject asks ----------------------------------------------------------------------------

def test_a_record_kept_until_the_subject_asks_is_not_swept_and_is_reported(shapes: Register) -> None:
    ref = shapes.add_subject("job_applicant", {"email": "ola@example.no"})
    give(shapes, ref, "talent_pool", channel=None, method="web_form", text="Ja")
    rid = shapes.write(ref, "talent_pool", ["user.name"], {"user.name": "Ola"})
    assert until(shapes, rid) is None
    report = shapes.sweep(as_of=date(2099, 1, 1), dry_run=True)
    assert report.total == 0
    assert report.as_dict()["waiting"]["talent_pool"] == {"records": 1, "events": ["until the subject asks"]}


# --- (a) moving a record on: a trial member becomes a member -----------------------------------------------

def trial(reg: Register) -> tuple[str, int]:
    ref = reg.add_subject("trial_member", {"email": "siri@example.no"})
    rid = reg.write(ref, "trial", ["user.name", "user.contact.email"], {"user.name": "Siri"})
    reg.record_event("trial.ended", date(2026, 2, 1), subject=ref)
    return ref, rid


def test_a_trial_member_who_becomes_a_member_keeps_the_members_rule(shapes: Register) -> None:
    ref, rid = trial(shapes)
    assert until(shapes, rid) == date(2026, 3, 4)  # 30 days after 1 February 2026
    moved = shapes.move_records(ref, "trial", "membership", kind="member")
    assert moved == [rid]
    assert shapes.subject_kind(ref) == "member"
    assert [r.purpose for r in shapes.read(ref)] == ["membership"]
    assert until(shapes, rid) is None  # the member's rule waits for the membership to end
    shapes.record_event("membership.ended", date(2027, 6, 30), subject=ref)
    assert until(shapes, rid) == date(2030, 7, 1)
    with shapes.engine.connect() as c:
        moves = audit.entries(c, ref, actions=["records.moved"])
        assert audit.verify(c).broken_seq is None
    assert len(moves) == 1 and moves[0].record_ids == (rid,) and moves[0].purpose == "membership"
    assert moves[0].details["moved_from"] == "trial" and moves[0].details["kind_to"] == "member"


def test_a_move_the_policy_does_not_allow_is_refused_with_the_reason(shapes: Register) -> None:
    ref, _rid = trial(shapes)
    shapes.move_records(ref, "trial", "membership", kind="member")
    with pytest.raises(MoveRefused) as refused:
        shapes.move_records(ref, "membership", "trial", kind="trial_member")
    assert "'membership' may not move to 'trial'" in str(refused.value)
    assert refused.value.field == "to"


def test_a_move_that_leaves_the_subject_of_a_kind_the_purpose_does_not_cover_is_refused(shapes: Register) -> None:
    ref, _rid = trial(shapes)
    with pytest.raises(MoveRefused) as refused:
        shapes.move_records(ref, "trial", "membership")
    assert "'membership' covers member, not 'trial_member'" in str(refused.value)
    assert refused.value.field == "kind"
    assert shapes.subject_kind(ref) == "trial_member"


def test_an_unknown_kind_is_refused(shapes: Register) -> None:
    ref, _rid = trial(shapes)
    with pytest.raises(RegisterError) as refused:
        shapes.move_records(ref, "trial", "membership", kind="vip")
    assert refused.value.field == "kind"


def test_nothing_to_move_is_refused(shapes: Register) -> None:
    ref = shapes.add_subject("trial_member", {"email": "siri@example.no"})
    with pytest.raises(MoveRefused, match="no records of 'trial'"):
        shapes.move_records(ref, "trial", "membership", kind="member")


def test_a_restricted_subject_is_not_moved(shapes: Register) -> None:
    ref, _rid = trial(shapes)
    restrict_subject(shapes, ref, ground="accuracy", reason="contests accuracy", by="officer")
    with pytest.raises(RestrictedProcessing):
        shapes.move_records(ref, "trial", "membership", kind="member")


def test_a_move_to_a_consent_based_purpose_needs_the_consent(shapes: Register) -> None:
    policy = shapes.policy
    job = policy.purpose("job_applications")
    assert job is not None
    moving = policy.model_copy(update={"purposes": [
        p.model_copy(update={"may_move_to": ["talent_pool"]}) if p.key == "job_applications" else p
        for p in policy.purposes]})
    reg = Register(moving, shapes.engine, shapes.keys, clock=shapes.clock)
    ref = reg.add_subject("job_applicant", {"email": "ola@example.no"})
    give(reg, ref, "job_applications", channel=None, method="web_form", text="Jeg søker")
    reg.write(ref, "job_applications", ["user.name"], {"user.name": "Ola"})
    with pytest.raises(ConsentRequired):
        reg.move_records(ref, "job_applications", "talent_pool")
    give(reg, ref, "talent_pool", channel=None, method="web_form", text="Ja")
    assert len(reg.move_records(ref, "job_applications", "talent_pool")) == 1
