"""An imported event runs the event hooks like ``record_event`` does (TZ6), inside its batch's transaction."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, func, select

from personvern.register import Register, hooks
from personvern.register import schema as t
from personvern.register.hooks import Occurred
from personvern.register.ingest import import_file
from personvern.register.outbox import enqueue


def _customers(tmp_path: Path, n: int) -> Path:
    rows: list[dict[str, Any]] = []
    for i in range(n):
        rows += [
            {"type": "subject", "id": f"c{i}", "kind": "customer", "email": f"c{i}@example.no"},
            {"type": "record", "subject": f"c{i}", "purpose": "delivery_installation",
             "categories": ["user.contact.address"], "payload": {"user.contact.address": f"Vei {i}"},
             "collected": "2025-09-01", "events": {"installation.completed": "2025-09-02"}},
            {"type": "event", "subject": f"c{i}", "event": "customer.relationship_ended", "date": "2025-10-01"},
        ]
    path = tmp_path / "customers.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _count(reg: Register, table: Any) -> int:
    with reg.engine.connect() as c:
        return int(c.execute(select(func.count()).select_from(table)).scalar_one())


@pytest.mark.promise("TZ6")
def test_imported_events_run_the_event_hooks_in_the_batch_transaction(
        reg: Register, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[Occurred] = []

    def hook(reg: Register, conn: Connection, *, event: str, subject_id: int | None = None,
             record_id: int | None = None) -> int:
        seen.append(Occurred(event, subject_id, record_id))
        # what the TZ6 hook does: a message in the outbox, in the caller's transaction
        return enqueue(reg, conn, kind="webhook", topic="test", destination="https://partner.example/hook",
                       body={"event": event}, idempotency_key=f"{event}:{subject_id}:{record_id}") is not None

    monkeypatch.setattr(hooks, "EVENT_HOOKS", [*hooks.EVENT_HOOKS, hook])
    report = import_file(reg, _customers(tmp_path, 3), batch=2)
    assert report.errors == [] and report.events == 6
    assert sorted(o.event for o in seen) == ["customer.relationship_ended"] * 3 + ["installation.completed"] * 3
    assert all(o.subject_id is not None for o in seen)
    assert len({o.record_id for o in seen if o.event == "installation.completed"} - {None}) == 3
    assert _count(reg, t.outbox) == 6


def test_a_failing_hook_rolls_back_its_batch(reg: Register, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def hook(reg: Register, conn: Connection, **_: Any) -> int:
        raise RuntimeError("hook failed")

    monkeypatch.setattr(hooks, "EVENT_HOOKS", [*hooks.EVENT_HOOKS, hook])
    with pytest.raises(RuntimeError, match="hook failed"):
        import_file(reg, _customers(tmp_path, 2))
    assert (_count(reg, t.subjects), _count(reg, t.records), _count(reg, t.events)) == (0, 0, 0)


def test_a_hook_with_a_batch_form_is_called_once_per_batch(
        reg: Register, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    batches: list[int] = []

    def hook(reg: Register, conn: Connection, **_: Any) -> int:
        raise AssertionError("the batch form is used for imports")

    def many(reg: Register, conn: Connection, occurred: list[Occurred]) -> int:
        batches.append(len(occurred))
        return 0

    hook.many = many  # type: ignore[attr-defined]
    monkeypatch.setattr(hooks, "EVENT_HOOKS", [hook])
    monkeypatch.setattr(hooks, "_loaded", True)
    import_file(reg, _customers(tmp_path, 5), batch=2)
    assert batches == [4, 4, 2]


@pytest.mark.promise("TZ6")
def test_the_batch_form_of_the_deletion_instruction_looks_only_at_subjects_that_were_disclosed(
        reg: Register, monkeypatch: pytest.MonkeyPatch) -> None:
    """An import runs the TZ6 hook once per batch (issue 13): one query for the batch, and the instruction
    still goes to the recipient that got the data, and only for that subject."""
    from personvern.rights.notify import on_event, record_disclosure

    monkeypatch.setattr(hooks, "EVENT_HOOKS", [on_event])  # other tests here replace the list
    monkeypatch.setattr(hooks, "_loaded", True)

    kari = reg.add_subject("customer", {"email": "kari@example.no"})
    ola = reg.add_subject("customer", {"email": "ola@example.no"})
    rid = reg.write(kari, "delivery_installation", ["user.contact.address"], {"user.contact.address": "Vei 1"})
    reg.write(ola, "delivery_installation", ["user.contact.address"], {"user.contact.address": "Vei 2"})
    record_disclosure(reg, kari, "delivery_partners", "delivery_installation", ["user.contact.address"], record=rid)
    with reg.transaction() as c:
        ids = [reg.subject_id(c, kari), reg.subject_id(c, ola)]
        with reg.trace() as q:
            sent = hooks.run_event_hooks_many(reg, c, [Occurred("installation.completed", ids[0], rid),
                                                       Occurred("installation.completed", ids[1], None),
                                                       Occurred("customer.relationship_ended", ids[1], None)])
    assert sent == 1
    assert len([x for x in q if "disclosures" in x]) == 2  # the batch's query, then Kari's recipients
    with reg.engine.connect() as c:
        assert c.execute(select(func.count()).select_from(t.outbox).where(
            t.outbox.c.topic == "deletion_instruction")).scalar_one() == 1
