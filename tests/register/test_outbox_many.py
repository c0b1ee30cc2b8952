"""``enqueue_many``: a batch of outbox messages, set-based, idempotent like ``enqueue`` (docs/delivery.md)."""

from __future__ import annotations

from sqlalchemy import select

from personvern.register import Register
from personvern.register import schema as t
from personvern.register.outbox import Email, Message, body_of, enqueue, enqueue_many


def _mail(n: int) -> Message:
    return Message.email(Email(to=f"kunde{n}@example.no", subject="Hei", text=f"tekst {n}"), topic="test",
                         idempotency_key=f"test:{n}", masked_to=f"k***{n}@example.no", subject_ref=f"ref-{n}")


def test_a_batch_is_queued_in_order_with_two_statements(reg: Register) -> None:
    with reg.transaction() as c, reg.trace() as q:
        ids = enqueue_many(reg, c, [_mail(n) for n in range(5)])
    assert len(q) == 2 and all(isinstance(i, int) for i in ids) and len(set(ids)) == 5
    with reg.engine.connect() as c:
        rows = {r.id: r for r in c.execute(select(t.outbox))}
    for n, oid in enumerate(ids):
        row = rows[oid]
        assert (row.kind, row.destination, row.subject_ref, row.status) == ("email", f"k***{n}@example.no",
                                                                           f"ref-{n}", "pending")
        assert body_of(reg, row)["to"] == f"kunde{n}@example.no"  # the clear address only in the encrypted body


def test_a_used_key_or_a_repeat_in_the_batch_is_not_queued_again(reg: Register) -> None:
    with reg.transaction() as c:
        first = enqueue(reg, c, kind="email", topic="test", destination="k***@example.no", body={"to": "x"},
                        idempotency_key="test:1")
        ids = enqueue_many(reg, c, [_mail(1), _mail(2), _mail(2), _mail(3)])
    assert first is not None
    assert ids[0] is None and ids[2] is None and ids[1] is not None and ids[3] is not None
    with reg.engine.connect() as c:
        assert len(c.execute(select(t.outbox.c.id)).all()) == 3


def test_an_empty_batch_runs_nothing(reg: Register) -> None:
    with reg.transaction() as c, reg.trace() as q:
        assert enqueue_many(reg, c, []) == []
    assert q == []
