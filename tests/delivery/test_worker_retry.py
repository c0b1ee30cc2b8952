"""The outbox worker: backoff with an injected clock, dead letters, retry, acknowledgement, transports."""

from __future__ import annotations

import json
import random
import socket
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from personvern.errors import RegisterError
from personvern.register import Register
from personvern.register import schema as t
from personvern.register.outbox import Email, enqueue, send_email
from personvern.worker import (
    CaptureMailer,
    SmtpMailer,
    Worker,
    acknowledge,
    backoff,
    list_outbox,
    retry,
)


def _webhook(reg: Register, url: str, key: str = "k1") -> int:
    with reg.transaction() as c:
        oid = enqueue(reg, c, kind="webhook", topic="art19.rectification", destination=url,
                      recipient="delivery_partners", body={"n": 1}, idempotency_key=key)
    assert oid is not None
    return oid


def _row(reg: Register, oid: int) -> Any:
    with reg.engine.connect() as c:
        return c.execute(select(t.outbox).where(t.outbox.c.id == oid)).one()


def _utc(value: Any) -> Any:
    from datetime import UTC

    return value if value.tzinfo else value.replace(tzinfo=UTC)


@given(st.integers(min_value=1, max_value=200), st.integers(min_value=0, max_value=2**32))
def test_backoff_doubles_from_30_seconds_and_caps_at_6_hours(attempt: int, seed: int) -> None:
    plain = min(6 * 3600, 30 * 2 ** min(attempt - 1, 30))
    wait = backoff(attempt, rng=random.Random(seed)).total_seconds()
    assert 0.8 * plain - 1e-6 <= wait <= plain
    assert wait <= 6 * 3600


def test_500_then_200_is_retried_after_backoff(reg: Register, receiver: Any, clock: Any) -> None:
    receiver.statuses = [500]
    oid = _webhook(reg, receiver.url)
    worker = Worker(reg, CaptureMailer(), rng=random.Random(1))
    t0 = clock()
    first = worker.run_once()
    assert (first.claimed, first.retried, first.delivered) == (1, 1, 0)
    row = _row(reg, oid)
    assert row.status == "pending" and row.attempts == 1 and row.last_error == "webhook HTTP 500"
    wait = (_utc(row.next_attempt_at) - t0).total_seconds()
    assert 24 <= wait <= 30
    assert worker.run_once(t0 + timedelta(seconds=20)).claimed == 0  # not before its time
    second = worker.run_once(t0 + timedelta(seconds=31))
    assert second.delivered == 1
    row = _row(reg, oid)
    assert row.status == "delivered" and row.attempts == 2 and row.last_error is None
    assert [r["status"] for r in receiver.requests] == [500, 200]
    assert receiver.keys() == ["k1", "k1"]  # the receiver sees the same key and can drop the repeat


def test_dead_after_max_attempts_then_retry(reg: Register, receiver: Any, clock: Any) -> None:
    receiver.default = 503
    oid = _webhook(reg, receiver.url)
    worker = Worker(reg, CaptureMailer(), max_attempts=3, rng=random.Random(2))
    now = clock()
    for _ in range(3):
        worker.run_once(now)
        now += timedelta(hours=7)  # past any backoff
    row = _row(reg, oid)
    assert row.status == "dead" and row.attempts == 3 and row.last_error == "webhook HTTP 503"
    assert worker.run_once(now + timedelta(days=1)).claimed == 0  # dead rows are left alone
    [dead] = list_outbox(reg, "dead")
    assert dead.id == oid and dead.destination == receiver.url and not hasattr(dead, "body")
    assert retry(reg, oid) is True
    assert retry(reg, oid) is False  # no longer dead
    receiver.default = 200
    assert worker.run_once(now + timedelta(days=1)).delivered == 1
    assert _row(reg, oid).status == "delivered"


def test_unreachable_webhook_is_an_error_without_personal_data(reg: Register) -> None:
    oid = _webhook(reg, "http://127.0.0.1:9/nothing-listens")
    Worker(reg, CaptureMailer()).run_once()
    assert _row(reg, oid).last_error == "webhook ConnectError"


def test_acknowledge_sets_acknowledged_at(reg: Register, receiver: Any, clock: Any) -> None:
    oid = _webhook(reg, receiver.url, key="art19:erasure:7:delivery_partners")
    Worker(reg, CaptureMailer()).run_once()
    assert _row(reg, oid).acknowledged_at is None
    assert acknowledge(reg, "art19:erasure:7:delivery_partners", by="delivery_partners") is True
    first = _row(reg, oid).acknowledged_at
    assert _utc(first) == clock()
    clock.now += timedelta(hours=1)
    assert acknowledge(reg, str(oid), by="cli") is True  # by id; a repeat keeps the first time
    assert _row(reg, oid).acknowledged_at == first
    assert acknowledge(reg, "no-such-key", by="cli") is False
    with reg.engine.connect() as c:
        actions = c.execute(select(t.audit_log.c.action, t.audit_log.c.actor)
                            .where(t.audit_log.c.action == "outbox.acknowledged")).all()
    assert [tuple(a) for a in actions] == [("outbox.acknowledged", "delivery_partners")]


def test_list_outbox_refuses_unknown_status(reg: Register) -> None:
    with pytest.raises(RegisterError) as exc:
        list_outbox(reg, "lost")
    assert exc.value.field == "status"


def test_email_over_real_smtp(reg: Register, smtp: Any) -> None:
    with reg.transaction() as c:
        oid = send_email(reg, c, Email("kari@example.no", "Koden din", "Koden er 123456"), topic="verification_code",
                         idempotency_key="code:1", masked_to="k***@example.no")
    mailer = SmtpMailer(smtp.host, smtp.port, "personvern@tek-zence.no")
    assert Worker(reg, mailer).run_once().delivered == 1
    [msg] = smtp.messages
    assert msg["to"] == ["kari@example.no"] and msg["from"] == "personvern@tek-zence.no"
    assert "Koden er 123456" in msg["data"] and "X-Personvern-Idempotency-Key: code:1" in msg["data"]
    [view] = list_outbox(reg)
    assert view.id == oid and view.destination == "k***@example.no" and view.status == "delivered"


def test_smtp_down_keeps_addresses_out_of_last_error(reg: Register) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    with reg.transaction() as c:
        oid = send_email(reg, c, Email("kari@example.no", "S", "T"), topic="t", idempotency_key="e1",
                         masked_to="k***@example.no")
    report = Worker(reg, SmtpMailer("127.0.0.1", port, "personvern@tek-zence.no", timeout=2)).run_once()
    assert report.retried == 1
    row = _row(reg, oid)
    assert row.last_error == "SMTP ConnectionRefusedError" and "kari" not in row.last_error


def test_smtp_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PERSONVERN_SMTP_URL", raising=False)
    assert SmtpMailer.from_env() is None
    monkeypatch.setenv("PERSONVERN_SMTP_URL", "smtp+starttls://user:p%40ss@mail.example.no:587")
    monkeypatch.setenv("PERSONVERN_MAIL_FROM", "personvern@tek-zence.no")
    m = SmtpMailer.from_env()
    assert m is not None and (m.host, m.port, m.starttls, m.user, m.password) == (
        "mail.example.no", 587, True, "user", "p@ss")
    monkeypatch.setenv("PERSONVERN_SMTP_URL", "http://mail.example.no")
    with pytest.raises(RegisterError):
        SmtpMailer.from_env()


def test_email_without_smtp_waits_without_using_attempts(reg: Register, clock: Any) -> None:
    with reg.transaction() as c:
        oid = send_email(reg, c, Email("kari@example.no", "S", "T"), topic="t", idempotency_key="e1",
                         masked_to="k***@example.no")
    report = Worker(reg, None).run_once()
    assert report.waiting == 1
    row = _row(reg, oid)
    assert row.status == "pending" and row.attempts == 0 and "PERSONVERN_SMTP_URL" in row.last_error
    assert "kari" not in row.last_error


def test_archive_rows_go_to_the_archive_directory(reg: Register, tmp_path: Path, clock: Any) -> None:
    with reg.transaction() as c:
        oid = enqueue(reg, c, kind="archive", topic="hand_over", destination="Arkivverket",
                      body={"purpose": "p", "payload": {"x": 1}}, idempotency_key="archive:42")
    waiting = Worker(reg, None, archive_dir="").run_once()
    assert waiting.waiting == 1 and "PERSONVERN_ARCHIVE_DIR" in _row(reg, oid).last_error
    report = Worker(reg, None, archive_dir=str(tmp_path)).run_once(clock() + timedelta(minutes=6))
    assert report.delivered == 1
    written = tmp_path / "Arkivverket" / "archive_42.json"
    assert json.loads(written.read_text())["payload"] == {"x": 1}
