"""Audited reads that do not queue (issue 13, cause 1): a read is journalled without the chain's append lock and
sealed into the hash chain later, in journal order, with its own time; once sealed it is tamper-evident."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from audit_samples import OTHER, SUBJECT, T0
from sqlalchemy import Engine, event, func, select, text, update

from personvern.audit import (
    RecordRead,
    RecordWritten,
    SubjectLookedUp,
    append,
    entries,
    head,
    log_reads,
    seal,
    seal_all,
    unsealed,
    verify,
)
from personvern.audit.tables import audit_log, audit_reads
from personvern.register import Register


def _count(engine: Engine, table: object) -> int:
    with engine.connect() as c:
        return int(c.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def test_a_read_is_journalled_without_the_lock_and_sealed_in_order_with_its_own_time(engine: Engine) -> None:
    with engine.begin() as c:
        append(c, RecordWritten(subject_ref=SUBJECT, purpose="order_fulfilment", record_ids=(1,)),
               actor="svc", role="system", at=T0)
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    for i, ref in enumerate((SUBJECT, OTHER, SUBJECT)):
        with engine.begin() as c:
            log_reads(c, [SubjectLookedUp(subject_ref=ref, purpose="customer_service", by="phone")],
                      actor="kari", role="agent", at=T0 + timedelta(minutes=i + 1))
    assert len(statements) == 3 and all(s.lstrip().upper().startswith("INSERT INTO AUDIT_READS") for s in statements)
    with engine.connect() as c:
        pending = verify(c)
        assert pending.ok and pending.entries == 1 and pending.unsealed == 3
        assert "3 reads not sealed yet" in str(pending)
        assert unsealed(c).entries == 3 and unsealed(c).oldest == T0 + timedelta(minutes=1)
    assert seal_all(engine) == 3
    with engine.connect() as c:
        done = verify(c)
        assert done.ok and done.entries == 4 and done.unsealed == 0
        rows = entries(c)
        assert head(c) is not None and head(c).seq == 4  # type: ignore[union-attr]
    assert [(e.seq, e.subject_ref, e.at) for e in rows[1:]] == [
        (2, SUBJECT, T0 + timedelta(minutes=1)), (3, OTHER, T0 + timedelta(minutes=2)),
        (4, SUBJECT, T0 + timedelta(minutes=3))]
    assert _count(engine, audit_reads) == 0


def test_a_sealed_read_that_is_edited_breaks_the_chain(engine: Engine) -> None:
    with engine.begin() as c:
        log_reads(c, [RecordRead(subject_ref=SUBJECT, purpose="customer_service", record_ids=(1,)),
                      RecordRead(subject_ref=SUBJECT, purpose="customer_service", record_ids=(2,))],
                  actor="kari", role="agent", at=T0)
        seal(c)
    with engine.begin() as c:
        c.execute(update(audit_log).where(audit_log.c.seq == 1).values(actor="someone-else"))
    with engine.connect() as c:
        result = verify(c)
    assert not result.ok and result.broken_seq == 1 and result.kind == "edited"


def test_reads_and_writes_interleave_into_one_chain(engine: Engine) -> None:
    for i in range(3):
        with engine.begin() as c:
            log_reads(c, [SubjectLookedUp(subject_ref=SUBJECT, by="email")], actor="a", role="agent",
                      at=T0 + timedelta(minutes=2 * i))
        with engine.begin() as c:
            append(c, RecordWritten(subject_ref=SUBJECT, record_ids=(i + 1,)), actor="a", role="agent",
                   at=T0 + timedelta(minutes=2 * i + 1))
        if i == 1:
            seal_all(engine)
    seal_all(engine)
    with engine.connect() as c:
        assert verify(c).ok
        # writes chain at once; reads join when sealed (after the second write, then at the end)
        assert [e.action for e in entries(c)] == ["record.written", "record.written", "subject.looked_up",
                                                  "subject.looked_up", "record.written", "subject.looked_up"]


def test_only_read_events_may_skip_the_chain_and_values_are_checked_the_same(engine: Engine) -> None:
    with engine.begin() as c:
        with pytest.raises(ValueError, match="not a read event"):
            log_reads(c, [RecordWritten(subject_ref=SUBJECT)], actor="a", role="agent")
        with pytest.raises(ValueError, match="e-mail"):
            log_reads(c, [SubjectLookedUp(by="kari@example.no")], actor="a", role="agent")
    assert _count(engine, audit_reads) == 0


def test_a_seal_is_one_statement_when_the_journal_is_empty(engine: Engine) -> None:
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    with engine.begin() as c:
        assert seal(c) == 0
    assert len(statements) == 1


def test_a_lookup_does_not_wait_for_a_transaction_holding_the_append_lock(reg: Register) -> None:
    """The old path queued every lookup behind the append lock; the journal takes no lock (PostgreSQL: an
    advisory lock held by a sweep batch; SQLite's single writer still serialises the short insert itself)."""
    if reg.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer: the journal insert waits for it by design")
    ref = reg.add_subject("customer", {"phone": "+47 975 27 747"})

    @event.listens_for(reg.engine, "connect")
    def _timeout(dbapi_conn: object, _rec: object) -> None:  # a regression fails instead of hanging
        cur = dbapi_conn.cursor()  # type: ignore[attr-defined]
        cur.execute("SET lock_timeout = '10s'")
        cur.close()

    reg.engine.dispose()
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with reg.engine.begin() as c:
            append(c, RecordWritten(subject_ref=ref, record_ids=(1,)), actor="sweep", role="system")
            holding.set()
            release.wait(30)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert holding.wait(30)
        assert reg.find("phone", "97527747") == [ref]  # done while the lock is held
    finally:
        release.set()
        holder.join()
    with reg.engine.begin() as c:
        assert seal(c) == 1
        assert verify(c).ok
        assert c.execute(text("SELECT 1")).scalar() == 1
