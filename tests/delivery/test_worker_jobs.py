"""Scheduled jobs in the worker: the nightly sweep once per day after 02:00 Europe/Oslo, surviving restarts
(table job_runs), and deadline reminders for requests due within 7 days (Art. 12(3))."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, insert, select, update

from personvern.register import Register
from personvern.register import schema as t
from personvern.register.outbox import body_of
from personvern.worker import CaptureMailer, Jobs, Schedule, Worker


def _request(reg: Register, due: date, status: str = "received", kind: str = "access") -> int:
    with reg.transaction() as c:
        return int(c.execute(insert(t.requests).values(
            ref=str(uuid.uuid4()), kind=kind, status=status, channel="email", received_at=reg.clock(),
            due_on=due).returning(t.requests.c.id)).scalar_one())


def _sweeps(reg: Register) -> int:
    with reg.engine.connect() as c:
        return int(c.execute(select(func.count()).select_from(t.sweep_runs)).scalar_one())


@pytest.mark.promise("TZ3")
def test_nightly_sweep_runs_once_per_day_after_two_oslo_time(reg: Register) -> None:
    ref = reg.add_subject("customer", {"email": "kari@example.no"})
    reg.write(ref, "customer_service", ["custom.call_log"], {}, collected=date(2022, 1, 5),
              events={"case.closed": date(2022, 1, 6)})
    jobs = Jobs(reg)
    # 00:30 UTC on 10 March 2026 is 01:30 in Oslo (CET): too early
    assert jobs.run_due(datetime(2026, 3, 10, 0, 30, tzinfo=UTC)) == {}
    ran = jobs.run_due(datetime(2026, 3, 10, 1, 5, tzinfo=UTC))  # 02:05 in Oslo
    assert set(ran) >= {"sweep", "request_reminders"} and ran["sweep"]["deleted"] == {"customer_service": 1}
    assert jobs.run_due(datetime(2026, 3, 10, 22, 0, tzinfo=UTC)) == {}  # same Oslo day: not repeated
    assert _sweeps(reg) == 1
    # a restarted worker (a new Jobs on the same database) neither repeats the day nor skips the next
    again = Jobs(reg)
    assert again.run_due(datetime(2026, 3, 10, 23, 30, tzinfo=UTC)) == {}  # 00:30 on the 11th in Oslo: too early
    assert "sweep" in again.run_due(datetime(2026, 3, 11, 3, 0, tzinfo=UTC))
    assert _sweeps(reg) == 2
    with reg.engine.connect() as c:
        row = c.execute(select(t.job_runs).where(t.job_runs.c.name == "sweep")).one()
    assert row.last_run_on == date(2026, 3, 11)


def test_a_job_killed_mid_run_runs_again_after_its_lease(reg: Register) -> None:
    jobs = Jobs(reg, Schedule(lease=timedelta(hours=1)))
    now = datetime(2026, 3, 10, 4, 0, tzinfo=UTC)
    assert jobs._claim("sweep", date(2026, 3, 10), now)  # claimed, then the process died
    assert "sweep" not in jobs.run_due(now + timedelta(minutes=30))  # another worker keeps off its lease
    assert "sweep" in jobs.run_due(now + timedelta(minutes=61))  # …and takes it over when it runs out
    assert _sweeps(reg) == 1


def test_reminders_once_per_open_request_per_day(reg: Register, clock: Any) -> None:
    today = date(2026, 3, 10)
    soon = _request(reg, today + timedelta(days=5))
    overdue = _request(reg, today - timedelta(days=1), status="in_progress")
    _request(reg, today + timedelta(days=20))  # not yet
    _request(reg, today + timedelta(days=2), status="completed")  # done
    extended = _request(reg, today + timedelta(days=3))
    with reg.transaction() as c:
        c.execute(update(t.requests).where(t.requests.c.id == extended).values(extended_to=today + timedelta(days=60)))
    jobs = Jobs(reg)
    ran = jobs.run_due(datetime(2026, 3, 10, 6, tzinfo=UTC))
    assert ran["request_reminders"] == {"sent": 2, "open_due_soon": 2}
    with reg.engine.connect() as c:
        rows = c.execute(select(t.outbox).where(t.outbox.c.topic == "request_reminder")
                         .order_by(t.outbox.c.id)).all()
    assert sorted(r.request_id for r in rows) == sorted([soon, overdue])
    assert all(r.destination == "p***@tek-zence.no" for r in rows)
    texts = [body_of(reg, r)["text"] for r in rows]
    assert any("1 dag på overtid" in x for x in texts) and any("frist om 5 dager" in x for x in texts)
    assert any("1 day overdue" in x for x in texts) and any("due in 5 days" in x for x in texts)
    uuid = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-")
    nb = [x.split("(English)")[0] for x in texts]
    assert not any(uuid.search(x) for x in texts) and not any("in_progress" in x or "received" in x for x in nb)
    # the next day: again, once
    jobs.run_due(datetime(2026, 3, 11, 6, tzinfo=UTC))
    jobs.run_due(datetime(2026, 3, 11, 7, tzinfo=UTC))
    with reg.engine.connect() as c:
        n = c.execute(select(func.count()).select_from(t.outbox).where(t.outbox.c.topic == "request_reminder"))
        assert n.scalar_one() == 4
    assert Worker(reg, CaptureMailer()).run_once(datetime(2026, 3, 11, 7, tzinfo=UTC)).delivered == 4
