"""PostgreSQL only: records range-partitioned by retention month, swept by dropping whole months (issue 13).

A sweep deletes row by row: its cost grows with the number of expired rows. With the table partitioned by
``retention_until`` month, every month that lies wholly on or before ``as_of`` and holds no held row is dropped —
a catalogue change whose cost does not depend on the rows in it — and only the edge month (the one ``as_of``
falls in) and months with held rows are deleted row by row. Rows without a retention date (waiting for
an event) live in the DEFAULT partition and are never dropped.

    with engine.begin() as conn:
        create_layout(conn, "records_by_month", date(2020, 1, 1), date(2032, 1, 1))
    with engine.begin() as conn:
        result = sweep_partitions(conn, "records_by_month", date(2026, 6, 1))

This module manages a records-shaped table of its own (``id, subject_id, purpose, retention_until, payload``);
the register's ``records`` table is not partitioned by the migrations, because PostgreSQL requires the partition
key in every unique constraint, so ``records.id`` could no longer be the target of the foreign keys from events,
holds, cases, contact_log, restrictions and disclosures. docs/scaling.md says what moving the register onto this
layout takes. The benchmark is ``bench/bench_partition.py``; the equivalence with a row-by-row sweep is tested in
tests/register/test_partitions.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Connection, text

__all__ = ["PartitionSweep", "create_layout", "month_starts", "partitions", "sweep_partitions"]

_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,40}$")
HELD = ("EXISTS (SELECT 1 FROM holds h WHERE h.lifted_at IS NULL AND (h.record_id = {t}.id OR "
        "(h.record_id IS NULL AND h.subject_id = {t}.subject_id)))")


@dataclass(frozen=True)
class PartitionSweep:
    """What :func:`sweep_partitions` did: months dropped whole, their rows, and rows deleted one by one."""

    dropped: tuple[str, ...]
    dropped_rows: int
    deleted_rows: int


def _check(name: str) -> str:
    if not _NAME.match(name):
        raise ValueError(f"{name!r} is not a plain table name")
    return name


def month_starts(first: date, last: date) -> list[date]:
    """The first day of every month from ``first``'s month up to and including ``last``'s."""
    out, day = [], first.replace(day=1)
    while day <= last:
        out.append(day)
        day = (day + timedelta(days=32)).replace(day=1)
    return out


def _next_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def create_layout(conn: Connection, table: str, first: date, last: date) -> list[str]:
    """Create ``table`` partitioned by ``retention_until`` month from ``first`` to ``last``, with a DEFAULT
    partition for the rest (NULL dates); one index on ``(retention_until, id)`` per partition."""
    t = _check(table)
    conn.execute(text(f"CREATE TABLE {t} (id bigint NOT NULL, subject_id bigint, purpose varchar(64) NOT NULL, "
                      f"retention_until date, payload bytea) PARTITION BY RANGE (retention_until)"))
    names = []
    for start in month_starts(first, last):
        name = f"{t}_{start:%Y%m}"
        conn.execute(text(f"CREATE TABLE {name} PARTITION OF {t} FOR VALUES FROM ('{start}') TO "
                          f"('{_next_month(start)}')"))
        names.append(name)
    conn.execute(text(f"CREATE TABLE {t}_default PARTITION OF {t} DEFAULT"))
    conn.execute(text(f"CREATE INDEX ix_{t}_retention ON {t} (retention_until, id)"))
    conn.execute(text(f"CREATE INDEX ix_{t}_subject ON {t} (subject_id)"))
    return names


def partitions(conn: Connection, table: str) -> list[tuple[str, date | None, date | None]]:
    """The partitions of ``table`` with their bounds ``[from, to)`` (None for the DEFAULT one), oldest first."""
    rows = conn.execute(text(
        "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i JOIN pg_class c ON "
        "c.oid = i.inhrelid WHERE i.inhparent = CAST(:t AS regclass)"), {"t": _check(table)}).all()
    out: list[tuple[str, date | None, date | None]] = []
    for name, bound in rows:
        found = re.findall(r"'(\d{4}-\d{2}-\d{2})'", bound or "")
        if len(found) == 2:
            out.append((name, date.fromisoformat(found[0]), date.fromisoformat(found[1])))
        else:
            out.append((name, None, None))
    return sorted(out, key=lambda p: (p[1] is None, p[1] or date.min))


def sweep_partitions(conn: Connection, table: str, as_of: date, *, held: str = HELD) -> PartitionSweep:
    """Remove every row with ``retention_until <= as_of`` that is not held (``held``: an SQL condition on
    ``{t}``, by default the register's holds). Whole months without a held row are dropped; the
    edge month and months with held rows are deleted row by row. Runs in the caller's transaction."""
    t = _check(table)
    dropped: list[str] = []
    dropped_rows = deleted_rows = 0
    for name, lo, hi in partitions(conn, t):
        if lo is None or hi is None or lo > as_of:
            continue
        whole = hi <= as_of + timedelta(days=1)
        cond = held.format(t=name)
        if whole and not conn.execute(text(f"SELECT EXISTS (SELECT 1 FROM {name} WHERE {cond})")).scalar():
            dropped_rows += int(conn.execute(text(f"SELECT count(*) FROM {name}")).scalar_one())
            conn.execute(text(f"DROP TABLE {name}"))  # drops the partition with its rows; no DETACH needed
            dropped.append(name)
            continue
        deleted_rows += conn.execute(text(
            f"DELETE FROM {name} WHERE retention_until <= :as_of AND NOT {cond}"), {"as_of": as_of}).rowcount
    return PartitionSweep(tuple(dropped), dropped_rows, deleted_rows)
