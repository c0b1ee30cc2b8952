"""SIGKILL during a datastore erasure or sweep leaves the shop's database consistent, and a rerun finishes:
each erasure is one transaction, each sweep batch is one transaction."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from bench.shop.fill import fill
from sqlalchemy import func, select

from personvern.datastores import Bound, access, erase, open_datastore, sweep
from personvern.policy import LoadedPolicy

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
WORKER = Path(__file__).with_name("_worker.py")


def _start(*args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    return subprocess.Popen([sys.executable, str(WORKER), *args], env=env, stdout=subprocess.PIPE, text=True,
                            cwd=ROOT)


def _kill(worker: subprocess.Popen[str]) -> None:
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    if worker.stdout is not None:
        worker.stdout.close()


def _orphans(store: Bound) -> dict[str, int]:
    """Rows whose link points at a row that is not there (the database's own foreign keys may be deferred
    or, on SQLite, off in the shop's own connections)."""
    out = {}
    with store.engine.connect() as c:
        for e in store.edges:
            source, target = store.table(e.source), store.table(e.target)
            q = select(func.count()).select_from(source).where(
                source.c[e.column].is_not(None), source.c[e.column].not_in(select(target.c[e.to])))
            out[f"{e.source}.{e.column}"] = int(c.execute(q).scalar_one())
    return out


def _count(store: Bound, table: str) -> int:
    with store.engine.connect() as c:
        return int(c.execute(select(func.count()).select_from(store.table(table))).scalar_one())


def test_a_sweep_killed_half_way_leaves_whole_batches_and_the_rerun_finishes(
        new_shop_url: Callable[[], str], tp: LoadedPolicy) -> None:
    shop = fill(new_shop_url(), 100, seed=5)
    store = open_datastore(tp.datastores[0], shop.url)
    as_of = date(2040, 1, 1)  # everything dated is due
    first = "order_shippingaddress"  # swept first: owned rows before the orders that own them
    rows = _count(store, first)
    worker = _start("sweep", shop.url, as_of.isoformat(), "1")
    deadline = time.monotonic() + 60
    while _count(store, first) > rows * 0.7 and time.monotonic() < deadline and worker.poll() is None:
        time.sleep(0.02)
    _kill(worker)
    assert 0 < _count(store, first) < rows, "the kill did not land half-way"
    assert set(_orphans(store).values()) == {0}
    sweep(store, tp.policy, as_of, batch=50)
    assert _count(store, "order_line") == _count(store, "order_order") == 0
    assert set(_orphans(store).values()) == {0}


def test_erasures_killed_half_way_are_each_whole_and_the_rerun_finishes(
        new_shop_url: Callable[[], str], tp: LoadedPolicy) -> None:
    shop = fill(new_shop_url(), 80, seed=6)
    store = open_datastore(tp.datastores[0], shop.url)
    people = [c for c in shop.registered() if c.orders][:20]
    copies = {c.email: access(store, {"email": [c.email]}) for c in people}
    worker = _start("erase", shop.url, *(c.email for c in people))
    assert worker.stdout is not None
    worker.stdout.readline()
    _kill(worker)
    erased = [c for c in people if access(store, {"email": [c.email]}).tables == ()]
    assert 0 < len(erased) < len(people), "the kill did not land half-way"
    for c in people:
        now = access(store, {"email": [c.email]})
        assert now.tables == () or now == copies[c.email]  # all or nothing per person
    assert set(_orphans(store).values()) == {0}
    for c in people:
        erase(store, tp.policy, {"email": [c.email]}, hash_key=bytes(32))
    assert all(access(store, {"email": [c.email]}).tables == () for c in people)
