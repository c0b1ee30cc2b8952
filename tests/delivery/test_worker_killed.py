"""Fault injection: a worker killed with SIGKILL mid-batch loses nothing; a rerun delivers the rest, and the
receiver can drop repeats by their idempotency keys (at least once)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from personvern.register import Register
from personvern.register import schema as t
from personvern.register.outbox import enqueue
from personvern.worker import CaptureMailer, Worker

DELIVERER = """
import sys
from personvern.register import MasterKey, Register
from personvern.worker import CaptureMailer, Worker
reg = Register.open(sys.argv[1], sys.argv[2], master_key=MasterKey(bytes(range(32))))
print("ready", flush=True)
Worker(reg, CaptureMailer(), batch=5).run_once()
print("finished", flush=True)
"""


def _statuses(reg: Register) -> dict[str, int]:
    with reg.engine.connect() as c:
        return dict(c.execute(select(t.outbox.c.status, func.count()).group_by(t.outbox.c.status)).all())


@pytest.mark.slow
@pytest.mark.promise("TZ6")
def test_sigkill_mid_batch_then_rerun_delivers_everything(reg: Register, db_url: str, policy_path: Path,
                                                          receiver: Any) -> None:
    keys = [f"art19:erasure:{i}:delivery_partners" for i in range(40)]
    with reg.transaction() as c:
        for key in keys:
            enqueue(reg, c, kind="webhook", topic="art19.erasure", destination=receiver.url,
                    recipient="delivery_partners", body={"key": key}, idempotency_key=key)
    receiver.delay = 0.03
    with subprocess.Popen([sys.executable, "-c", DELIVERER, str(policy_path), db_url],
                          stdout=subprocess.PIPE, text=True, env={**os.environ}) as proc:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        deadline = time.monotonic() + 60
        while len(receiver.requests) < 12 and time.monotonic() < deadline:
            time.sleep(0.005)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    mid = _statuses(reg)
    assert 0 < mid.get("delivered", 0) < 40 and mid.get("pending", 0) > 0, "killed mid-run"

    receiver.delay = 0.0
    worker = Worker(reg, CaptureMailer(), batch=5)
    now = datetime.now(UTC)
    worker.run_once(now)  # rows the killed worker had leased wait for their lease to run out
    worker.run_once(now + timedelta(minutes=6))
    assert _statuses(reg) == {"delivered": 40}
    assert set(receiver.keys()) == set(keys)  # every message arrived at least once
    repeats = len(receiver.keys()) - len(set(receiver.keys()))
    assert repeats <= 5  # at most the one batch that was in flight when the worker died


def test_two_workers_never_claim_the_same_row(reg: Register, receiver: Any) -> None:
    """PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: the conditional UPDATE under the single writer lock."""
    import threading

    keys = [f"k{i}" for i in range(30)]
    with reg.transaction() as c:
        for key in keys:
            enqueue(reg, c, kind="webhook", topic="t", destination=receiver.url, recipient="delivery_partners",
                    body={}, idempotency_key=key)
    receiver.delay = 0.01
    now = datetime.now(UTC)
    workers = [Worker(reg, CaptureMailer(), batch=3) for _ in range(2)]
    threads = [threading.Thread(target=w.run_once, args=(now,)) for w in workers]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=60)
    assert sorted(receiver.keys()) == sorted(keys)  # each exactly once: no row was claimed twice
    assert _statuses(reg) == {"delivered": 30}


def test_a_claim_leases_at_most_one_batch_so_other_workers_get_the_rest(reg: Register) -> None:
    """One claim leases ``batch`` rows, not the whole outbox: on PostgreSQL ``UPDATE … WHERE id IN (SELECT … LIMIT n
    FOR UPDATE SKIP LOCKED)`` re-ran its subquery as the update moved rows out of it and leased every due row in
    one claim (issue 13: 1, 2 and 4 workers delivered at the same rate, and a lease shorter than the whole queue
    would have let a second worker send the tail again)."""
    with reg.transaction() as c:
        for i in range(25):
            enqueue(reg, c, kind="email", topic="t", destination="k@example.no", recipient=None,
                    body={"to": "k@example.no", "subject": "s", "text": "t"}, idempotency_key=f"c{i}")
    now = datetime.now(UTC)
    first, second = Worker(reg, CaptureMailer(), batch=10), Worker(reg, CaptureMailer(), batch=10)
    a, b = first.claim(now), second.claim(now)
    assert (len(a), len(b)) == (10, 10)
    assert not {r.id for r in a} & {r.id for r in b}
    assert len(first.claim(now)) == 5 and first.claim(now) == []
