"""TP16: a material policy change is told by e-mail to the subjects it touches, once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from personvern.errors import PolicyError, RegisterError
from personvern.register import Register
from personvern.register import schema as t
from personvern.register.outbox import body_of
from personvern.service import activate_policy

TP = Path(__file__).resolve().parents[2] / "examples" / "policies" / "tp-ecommerce.yaml"
TEXT = TP.read_text(encoding="utf-8")
LONGER = TEXT.replace("retention: until case.closed, at least 30 days   # TP3",
                      "retention: until case.closed, at least 90 days   # TP3")
REWORDED = TEXT.replace("Vi kommuniserer med deg og svarer på henvendelser",
                        "Vi kommuniserer med deg, og vi svarer på henvendelser")
NEW_CONTROLLER = TEXT.replace('orgnr: "931502107"', 'orgnr: "923456783"')


@pytest.fixture
def tp(open_register: Callable[[str], Register]) -> Register:
    return open_register("tp-ecommerce")


def _people(tp: Register) -> dict[str, str]:
    """Three customers: one in customer service with an e-mail, one only in orders, one without e-mail."""
    service = tp.add_subject("customer", {"email": "kari@example.no"})
    tp.write(service, "customer_service", ["custom.correspondence"], {"custom.correspondence": "hei"})
    order = tp.add_subject("customer", {"email": "ola@example.no"})
    tp.write(order, "order", ["user.name"], {"user.name": "Ola"})
    silent = tp.add_subject("customer", {"phone": "+47 975 27 747"})
    tp.write(silent, "customer_service", ["custom.correspondence"], {"custom.correspondence": "hei"})
    return {"service": service, "order": order, "silent": silent}


def _outbox(tp: Register) -> list:  # type: ignore[type-arg]
    with tp.engine.connect() as c:
        return list(c.execute(select(t.outbox).order_by(t.outbox.c.id)).all())


@pytest.mark.promise("TP16")
def test_a_longer_retention_is_told_to_the_subjects_of_that_purpose_once(tp: Register) -> None:
    who = _people(tp)
    assert activate_policy(tp, TEXT, by="dpo").notified == 0  # the policy the register runs on: no change
    first = activate_policy(tp, LONGER, by="dpo")
    assert first.notified == 1 and not first.already_active
    assert [m["kind"] for m in first.material] == ["retention_longer"]
    [row] = _outbox(tp)
    assert (row.topic, row.destination, row.subject_ref) == ("policy_change", "k***@example.no", who["service"])
    body = body_of(tp, row)
    assert body["to"] == "kari@example.no" and "Endringer" in body["subject"]
    assert first.material[0]["description"] in body["text"]
    again = activate_policy(tp, LONGER, by="dpo")
    assert again.already_active and again.notified == 0 and again.version_id == first.version_id
    assert len(_outbox(tp)) == 1
    with tp.engine.connect() as c:
        assert c.execute(select(func.count()).select_from(t.policy_notices)).scalar_one() == 1
        assert c.execute(select(func.count()).select_from(t.policy_versions)).scalar_one() == 2


@pytest.mark.promise("TP16")
def test_a_wording_change_is_stored_but_told_to_nobody(tp: Register) -> None:
    _people(tp)
    done = activate_policy(tp, REWORDED, by="dpo")
    assert done.material == [] and done.notified == 0 and _outbox(tp) == []


@pytest.mark.promise("TP16")
def test_a_new_controller_is_told_to_everyone_with_an_email_in_batches(tp: Register) -> None:
    who = _people(tp)
    extra = [tp.add_subject("customer", {"email": f"kunde{n}@example.no"}) for n in range(5)]
    activate_policy(tp, TEXT, by="dpo")
    done = activate_policy(tp, NEW_CONTROLLER, by="dpo", batch=2)
    assert done.notified == 7
    assert {r.subject_ref for r in _outbox(tp)} == {who["service"], who["order"], *extra}


@pytest.mark.promise("TP16")
def test_a_subject_added_after_the_activation_is_not_told_on_a_rerun(tp: Register, clock) -> None:  # type: ignore[no-untyped-def]
    _people(tp)
    activate_policy(tp, LONGER, by="dpo")
    clock.set(date(2026, 2, 1))
    late = tp.add_subject("customer", {"email": "ny@example.no"})
    tp.write(late, "customer_service", ["custom.correspondence"], {"custom.correspondence": "hei"})
    assert activate_policy(tp, LONGER, by="dpo").notified == 0


def test_an_older_text_cannot_be_activated_again_unchanged(tp: Register) -> None:
    activate_policy(tp, LONGER, by="dpo")
    activate_policy(tp, REWORDED, by="dpo")
    with pytest.raises(RegisterError) as err:
        activate_policy(tp, LONGER, by="dpo")
    assert err.value.field == "policy"


def test_an_invalid_policy_is_refused_with_its_line(tp: Register) -> None:
    with pytest.raises(PolicyError) as err:
        activate_policy(tp, TEXT.replace("article: f", "article: z", 1), by="dpo", file_name="new.yaml")
    assert "new.yaml:" in str(err.value)
    with tp.engine.connect() as c:
        assert c.execute(select(func.count()).select_from(t.policy_versions)).scalar_one() == 0


def test_activation_is_audited_with_counts_only(tp: Register) -> None:
    _people(tp)
    activate_policy(tp, LONGER, by="dpo")
    with tp.engine.connect() as c:
        [row] = c.execute(select(t.audit_log).where(t.audit_log.c.action == "policy.activated")).all()
    assert row.actor == "dpo" and row.details["material"] == 1 and row.details["notified"] == 1


@pytest.mark.promise("TP16")
def test_a_batch_of_e_mails_is_queued_with_a_fixed_number_of_statements(tp: Register) -> None:
    for k in range(12):
        tp.add_subject("customer", {"email": f"kunde{k}@example.no"})
    with tp.trace() as q:
        done = activate_policy(tp, NEW_CONTROLLER, by="dpo")
    assert done.notified == 12 and len(_outbox(tp)) == 12
    # one existence check with IN, one multi-row insert: not a select and an insert per e-mail
    assert sum(1 for s in q if "outbox" in s.lower()) <= 3
