"""The sweep reports records with no due date, per purpose and awaited event: nothing is kept silently
(issue 14 item 4). A record whose rule waits for an event that is never recorded would otherwise stay for ever
without anyone seeing it."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import event
from typer.testing import CliRunner

from personvern.cli import app
from personvern.register import MasterKey, Register


def _waiting_customer(reg: Register) -> str:
    """TEK-Zence: a support case not closed yet (foreldelsesloven after case.closed) and a delivery not done."""
    ref = reg.add_subject("customer", {"phone": "+47 975 27 747"})
    reg.write(ref, "customer_service", ["custom.call_log"], {}, collected=date(2026, 1, 5))
    reg.write(ref, "delivery_installation", ["user.name"], {}, collected=date(2026, 1, 5))
    reg.write(ref, "delivery_installation", ["user.name"], {}, collected=date(2026, 1, 6))
    return ref


def test_dry_run_lists_the_records_with_no_due_date_and_the_event_they_wait_for(reg: Register) -> None:
    ref = _waiting_customer(reg)
    report = reg.sweep(date(2040, 1, 1), dry_run=True)
    assert report.total == 0
    assert report.as_dict()["waiting"] == {
        "customer_service": {"records": 1, "events": ["case.closed"]},
        "delivery_installation": {"records": 2, "events": ["installation.completed"]},
    }
    reg.record_event("case.closed", date(2026, 2, 1), subject=ref)
    assert [w.purpose for w in reg.sweep(date(2026, 3, 1), dry_run=True).waiting] == ["delivery_installation"]


def test_the_real_sweep_reports_them_too(reg: Register) -> None:
    _waiting_customer(reg)
    report = reg.sweep(date(2026, 3, 1))
    assert {w.purpose: w.records for w in report.waiting} == {"customer_service": 1, "delivery_installation": 2}


def test_one_grouped_query_however_many_records(reg: Register) -> None:
    for _ in range(3):
        _waiting_customer(reg)
    statements: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        statements.append(statement)

    from personvern.register.waiting import waiting

    event.listen(reg.engine, "before_cursor_execute", seen)
    try:
        found = waiting(reg)
    finally:
        event.remove(reg.engine, "before_cursor_execute", seen)
    assert [(w.purpose, w.records) for w in found] == [("customer_service", 3), ("delivery_installation", 6)]
    assert len(statements) == 1 and "GROUP BY" in statements[0]


def test_cli_dry_run_shows_what_waits(tmp_path: Path, db_url: str, policy_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    key = tmp_path / "master.key"
    runner = CliRunner()
    assert runner.invoke(app, ["keys", "generate", str(key)]).exit_code == 0
    monkeypatch.setenv("PERSONVERN_MASTER_KEY_FILE", str(key))
    with Register.open(policy_path, db_url, master_key=MasterKey.from_env()) as reg:
        _waiting_customer(reg)
    args = ["sweep", "--policy", str(policy_path), "--db", db_url, "--dry-run", "--as-of", "2040-01-01"]
    done = runner.invoke(app, args)
    assert done.exit_code == 0, done.output
    assert "waiting" in done.output  # a row per purpose in the table, whatever the terminal's width
    assert "3 records have no due date: their rule waits for an event that has not been recorded" in done.output
    as_json = json.loads(runner.invoke(app, [*args, "--json"]).output)
    assert as_json["waiting"]["delivery_installation"] == {"records": 2, "events": ["installation.completed"]}
