"""`personvern worker --once`, `personvern outbox list|ack|retry|secret` (CliRunner)."""

from __future__ import annotations

import base64
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update
from typer.testing import CliRunner

from personvern.cli import app
from personvern.register import Register
from personvern.register import schema as t
from personvern.register.outbox import Email, enqueue, send_email

runner = CliRunner()


@pytest.fixture(autouse=True)
def _master_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PERSONVERN_MASTER_KEY", base64.b64encode(bytes(range(32))).decode())
    monkeypatch.delenv("PERSONVERN_SMTP_URL", raising=False)


def _run(*args: str) -> Any:
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_worker_once_delivers_and_outbox_commands(reg: Register, db_url: str, policy_path: Path, receiver: Any,
                                                  clock: Any) -> None:
    clock.now -= timedelta(days=1)  # queued a day ago: due for the worker, which runs on the real clock
    with reg.transaction() as c:
        send_email(reg, c, Email("kari@example.no", "S", "T"), topic="verification_code", idempotency_key="mail-1",
                   masked_to="k***@example.no")
        dead = enqueue(reg, c, kind="webhook", topic="art19.erasure", destination=receiver.url,
                       recipient="delivery_partners", body={}, idempotency_key="hook-1")
        c.execute(update(t.outbox).where(t.outbox.c.id == dead).values(status="dead", last_error="webhook HTTP 500"))
    common = ["--policy", str(policy_path), "--db", db_url]

    done = _run("worker", "--once", "--capture", "--no-jobs", *common)
    assert done.exit_code == 0, done.output
    assert "outbox: 1 delivered" in done.output and "{" not in done.output  # words, not JSON

    listed = _run("outbox", "list", "--status", "dead", *common)
    assert listed.exit_code == 0 and "hook-1" in listed.output and "webhook HTTP 500" in listed.output
    assert "mail-1" not in listed.output and "kari" not in listed.output
    everything = _run("outbox", "list", *common).output
    assert "k***@example.no" in everything and "kari@" not in everything

    assert _run("outbox", "ack", "mail-1", *common).exit_code == 0
    missing = _run("outbox", "ack", "nope", *common)
    assert missing.exit_code == 1 and "no outbox message nope" in missing.output

    assert _run("outbox", "retry", str(dead), *common).exit_code == 0
    assert _run("outbox", "retry", str(dead), *common).exit_code == 1  # no longer dead
    assert _run("worker", "--once", "--no-jobs", *common).exit_code == 0
    assert receiver.keys() == ["hook-1"]

    secret = _run("outbox", "secret", "delivery_partners", *common)
    assert secret.exit_code == 0 and len(secret.output.strip()) == 64
    assert _run("outbox", "secret", "nobody", *common).exit_code == 1


def test_worker_without_smtp_warns_and_leaves_email_pending(reg: Register, db_url: str, policy_path: Path,
                                                            clock: Any) -> None:
    clock.now -= timedelta(days=1)
    with reg.transaction() as c:
        send_email(reg, c, Email("kari@example.no", "S", "T"), topic="t", idempotency_key="mail-2",
                   masked_to="k***@example.no")
    result = _run("worker", "--once", "--no-jobs", "--json", "--policy", str(policy_path), "--db", db_url)
    assert result.exit_code == 0 and '"waiting": 1' in result.output
    assert "PERSONVERN_SMTP_URL is not set" in result.output
