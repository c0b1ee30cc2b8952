"""Concurrent writers on separate connections never fork the chain: appends are serialised."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from audit_samples import SUBJECT
from sqlalchemy import Engine

from personvern.audit import RecordRead, append, append_many, entries, verify
from personvern.register.engine import make_engine


def run_together(*workers: Callable[[], None]) -> None:
    errors: list[BaseException] = []

    def guarded(work: Callable[[], None]) -> None:
        try:
            work()
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=guarded, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors


def test_two_writers_appending_at_once_make_one_chain(engine: Engine) -> None:
    url = engine.url.render_as_string(hide_password=False)
    start = threading.Barrier(2)

    def writer(actor: str) -> Callable[[], None]:
        def work() -> None:
            own = make_engine(url)  # a separate engine: its own pool and connections
            try:
                start.wait()
                for i in range(40):
                    with own.begin() as conn:
                        if i % 4:
                            append(conn, RecordRead(subject_ref=SUBJECT, record_ids=(i,)), actor=actor,
                                   role="support")
                        else:
                            events = [RecordRead(subject_ref=SUBJECT, record_ids=(i, j)) for j in range(3)]
                            append_many(conn, events, actor=actor, role="support")
            finally:
                own.dispose()
        return work

    run_together(writer("anne"), writer("bjorn"))
    with engine.connect() as conn:
        result = verify(conn)
        seqs = [e.seq for e in entries(conn, limit=None)]
    assert result.ok, str(result)
    assert seqs == list(range(1, 2 * (30 + 10 * 3) + 1))


def test_a_writer_waits_for_an_open_append_instead_of_forking(engine: Engine) -> None:
    url = engine.url.render_as_string(hide_password=False)
    first_appended = threading.Event()
    order: list[str] = []

    def slow() -> None:
        own = make_engine(url)
        try:
            with own.begin() as conn:
                append(conn, RecordRead(subject_ref=SUBJECT), actor="slow", role="support")
                first_appended.set()
                time.sleep(0.5)  # hold the append lock with the transaction open
                order.append("slow committed")
        finally:
            own.dispose()

    def fast() -> None:
        own = make_engine(url)
        try:
            first_appended.wait(10)
            with own.begin() as conn:
                append(conn, RecordRead(subject_ref=SUBJECT), actor="fast", role="support")
            order.append("fast committed")
        finally:
            own.dispose()

    run_together(slow, fast)
    assert order == ["slow committed", "fast committed"]
    with engine.connect() as conn:
        assert [(e.seq, e.actor) for e in entries(conn)] == [(1, "slow"), (2, "fast")]
        assert verify(conn).ok
