"""PostgreSQL: a sweep over records partitioned by retention month (whole months dropped, the edge month and
months with held rows deleted row by row) leaves exactly what a row-by-row sweep leaves (issue 13)."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from sqlalchemy import insert, text

from personvern.register import Register
from personvern.register import schema as t
from personvern.register.partitions import create_layout, partitions, sweep_partitions

AS_OF = date(2026, 6, 15)


def test_dropping_whole_months_removes_the_same_rows_as_deleting_them(reg: Register) -> None:
    if reg.engine.dialect.name != "postgresql":
        pytest.skip("declarative partitioning is PostgreSQL's")
    rng = random.Random(3)
    rows = []
    for i in range(1, 2001):
        until = None if i % 50 == 0 else date(2025, 1, 1) + timedelta(days=rng.randrange(730))
        rows.append({"id": i, "subject_id": 1 + i % 300, "purpose": "p", "retention_until": until})
    held_subject = 7
    with reg.transaction() as c:
        create_layout(c, "rec_part", date(2025, 1, 1), date(2026, 12, 31))
        c.execute(text("CREATE TABLE rec_flat (id bigint PRIMARY KEY, subject_id bigint, purpose varchar(64), "
                       "retention_until date, payload bytea)"))
        for table in ("rec_part", "rec_flat"):
            c.execute(text(f"INSERT INTO {table} (id, subject_id, purpose, retention_until) "
                           "VALUES (:id, :subject_id, :purpose, :retention_until)"), rows)
        ref = reg.add_subject("customer", conn=c)
        sid = c.execute(text("SELECT id FROM subjects WHERE ref = :r"), {"r": ref}).scalar_one()
        # holds point at register ids: map the held subject of the test rows onto a real one
        c.execute(text("UPDATE rec_part SET subject_id = :s WHERE subject_id = :h"), {"s": sid, "h": held_subject})
        c.execute(text("UPDATE rec_flat SET subject_id = :s WHERE subject_id = :h"), {"s": sid, "h": held_subject})
        c.execute(insert(t.holds).values(subject_id=sid, kind="legal_claim", reason="tvist", placed_by="dpo",
                                         placed_at=reg.clock()))
    with reg.transaction() as c:
        before = {p[0] for p in partitions(c, "rec_part")}
        result = sweep_partitions(c, "rec_part", AS_OF)
        deleted = c.execute(text(
            "DELETE FROM rec_flat WHERE retention_until <= :d AND NOT EXISTS (SELECT 1 FROM holds h WHERE "
            "h.lifted_at IS NULL AND (h.record_id = rec_flat.id OR (h.record_id IS NULL AND "
            "h.subject_id = rec_flat.subject_id)))"), {"d": AS_OF}).rowcount
        left_part = sorted(c.execute(text("SELECT id FROM rec_part")).scalars())
        left_flat = sorted(c.execute(text("SELECT id FROM rec_flat")).scalars())
        after = {p[0] for p in partitions(c, "rec_part")}
    assert left_part == left_flat
    assert result.dropped_rows + result.deleted_rows == deleted
    assert result.dropped and set(result.dropped) == before - after
    assert "rec_part_202606" in after and "rec_part_default" in after  # the edge month and the dateless rows
    assert result.deleted_rows > 0  # the edge month and the months with the held subject's rows
