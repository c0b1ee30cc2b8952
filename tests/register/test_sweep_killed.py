"""Fault injection: a sweep killed with SIGKILL mid-run leaves a consistent store; the next run finishes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date

import pytest
from sqlalchemy import func, select

from personvern.register import Register
from personvern.register import schema as t

SWEEPER = """
import sys, time
from datetime import date
from personvern.register import MasterKey, Register
reg = Register.open(sys.argv[1], sys.argv[2], master_key=MasterKey(bytes(range(32))))
print("ready", flush=True)
reg.sweep(date(2040, 1, 1), batch=20, progress=lambda action, n: time.sleep(0.15))
print("finished", flush=True)
"""


def _counts(reg: Register) -> dict[str, int]:
    with reg.engine.connect() as c:
        return {name: int(c.execute(select(func.count()).select_from(table)).scalar_one())
                for name, table in [("records", t.records), ("subjects", t.subjects), ("keys", t.subject_keys),
                                    ("erasures", t.erasures)]}


def _consistent(reg: Register) -> None:
    s, r, k = t.subjects, t.records, t.subject_keys
    with reg.engine.connect() as c:
        # every subject still has its key and at least one record: none is half-removed
        assert c.execute(select(func.count()).select_from(s).where(~s.c.id.in_(select(k.c.subject_id)))).scalar() == 0
        assert c.execute(select(func.count()).select_from(s).where(
            ~s.c.id.in_(select(r.c.subject_id).where(r.c.subject_id.is_not(None))))).scalar() == 0
        # every record's subject exists
        assert c.execute(select(func.count()).select_from(r).where(
            r.c.subject_id.is_not(None), ~r.c.subject_id.in_(select(s.c.id)))).scalar() == 0


@pytest.mark.slow
def test_sigkill_mid_sweep_then_rerun_completes(reg: Register, db_url: str, policy_path) -> None:  # type: ignore[no-untyped-def]
    for i in range(200):
        ref = reg.add_subject("customer", {"email": f"kunde{i}@example.no"})
        reg.write(ref, "customer_service", ["custom.call_log"], {}, collected=date(2026, 1, 5),
                  events={"case.closed": date(2026, 1, 6)})
    assert _counts(reg)["records"] == 200
    with subprocess.Popen([sys.executable, "-c", SWEEPER, str(policy_path), db_url],
                          stdout=subprocess.PIPE, text=True, env={**os.environ}) as proc:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        deadline = time.monotonic() + 60
        while _counts(reg)["records"] > 120 and time.monotonic() < deadline:
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    mid = _counts(reg)
    assert 0 < mid["records"] < 200, "killed mid-run"
    _consistent(reg)
    assert mid["erasures"] == 200 - mid["subjects"]  # each removed subject is in the erasure ledger

    report = reg.sweep(date(2040, 1, 1))
    assert report.deleted["customer_service"] == mid["records"]
    assert _counts(reg) == {"records": 0, "subjects": 0, "keys": 0, "erasures": 200}
