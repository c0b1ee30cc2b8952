"""Appending to the audit trail: entries link up, commit with the caller and verify."""

from __future__ import annotations

from datetime import datetime
from itertools import pairwise

import pytest
from audit_samples import SUBJECT, T0
from sqlalchemy import Engine, event, func, select

from personvern.audit import (
    RecordDeleted,
    RecordRead,
    SweepCompleted,
    append,
    append_many,
    entries,
    head,
    verify,
)
from personvern.audit._canonical import GENESIS, canonical, digest
from personvern.register.schema import audit_log


def test_a_fresh_chain_verifies_with_every_entry_counted(chain: Engine) -> None:
    with chain.connect() as conn:
        result = verify(conn)
    assert result.ok
    assert result.entries == 10
    assert str(result) == "audit trail intact: 10 entries"


def test_an_empty_trail_verifies(engine: Engine) -> None:
    with engine.connect() as conn:
        assert str(verify(conn)) == "audit trail intact: 0 entries"


def test_each_entry_hashes_its_predecessor_and_its_own_canonical_form(chain: Engine) -> None:
    with chain.connect() as conn:
        rows = entries(conn)
    assert [e.seq for e in rows] == list(range(1, 11))
    assert rows[0].prev_hash == GENESIS
    for before, entry in pairwise(rows):
        assert entry.prev_hash == before.hash
    first = rows[0]
    form = canonical(1, first.at, first.actor, first.role, first.action, first.subject_ref,
                     first.purpose, list(first.record_ids), first.details)
    assert first.hash == digest(GENESIS, form)
    assert first.at == T0


def test_head_is_the_last_entry(chain: Engine) -> None:
    with chain.connect() as conn:
        last = entries(conn, newest_first=True, limit=1)[0]
        point = head(conn)
    assert point is not None
    assert (point.seq, point.hash) == (10, last.hash)


def test_a_rolled_back_append_leaves_no_gap(chain: Engine) -> None:
    with chain.connect() as conn:
        append(conn, RecordRead(subject_ref=SUBJECT, record_ids=(9,)), actor="kari", role="support")
        conn.rollback()
    with chain.begin() as conn:
        seq = append(conn, RecordRead(subject_ref=SUBJECT, record_ids=(1,)), actor="kari", role="support")
    assert seq == 11
    with chain.connect() as conn:
        assert verify(conn).ok


def test_append_many_writes_in_order_with_a_constant_number_of_statements(engine: Engine) -> None:
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    def run(n: int) -> int:
        statements.clear()
        events = [RecordDeleted(subject_ref=SUBJECT, purpose="marketing", record_ids=(i,), rule="r1")
                  for i in range(n)]
        with engine.begin() as conn:
            seqs = append_many(conn, events, actor="sweeper", role="system")
        assert len(seqs) == n
        return len(statements)

    event.listen(engine, "before_cursor_execute", count)
    try:
        run(3)  # the first append also creates the head checkpoint
        few, many = run(5), run(500)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert few == many <= 5
    with engine.connect() as conn:
        assert verify(conn).entries == 508
        assert conn.execute(select(func.count()).select_from(audit_log)).scalar() == 508


def test_append_many_of_nothing_writes_nothing(engine: Engine) -> None:
    with engine.begin() as conn:
        assert list(append_many(conn, [], actor="sweeper", role="system")) == []
        assert head(conn) is None


def test_verify_streams_in_batches(chain: Engine) -> None:
    with chain.connect() as conn:
        assert verify(conn, batch_size=3).entries == 10
        assert verify(conn, batch_size=1).entries == 10


def test_dates_and_counts_round_trip_into_the_details(engine: Engine) -> None:
    sweep = SweepCompleted(run_id=7, as_of=T0.date(), counts={"deleted": 3, "sealed": 1})
    with engine.begin() as conn:
        append(conn, sweep, actor="sweeper", role="system")
    with engine.connect() as conn:
        [entry] = entries(conn)
        assert entry.details == {"run_id": 7, "as_of": "2024-03-01", "counts": {"deleted": 3, "sealed": 1}}
        assert verify(conn).ok


def test_a_naive_timestamp_is_refused(engine: Engine) -> None:
    with engine.begin() as conn, pytest.raises(ValueError, match="timezone-aware"):
        append(conn, RecordRead(subject_ref=SUBJECT), actor="kari", role="support", at=datetime(2024, 1, 1))
