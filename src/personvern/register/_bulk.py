"""Many rows into one table with little Python per row: the bulk path of the import (issue 13).

``insert_rows(reg, conn, table, columns, rows)`` takes plain tuples. Each value goes through the column
type's own bind processor (the one SQLAlchemy would apply: dates as ISO text on SQLite, JSON as text), then
PostgreSQL gets them through ``COPY … FROM STDIN`` and other engines through one ``executemany``. Both run in
the caller's transaction and show in ``Register.trace``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Table

if TYPE_CHECKING:
    from personvern.register.store import Register

__all__ = ["insert_rows"]


def insert_rows(reg: Register, conn: Connection, table: Table, columns: Sequence[str],
                rows: Sequence[tuple[Any, ...]]) -> None:
    if not rows:
        return
    procs = _processors(conn, table, columns)
    if any(procs):
        rows = [tuple(v if p is None or v is None else p(v) for p, v in zip(procs, r, strict=True)) for r in rows]
    names = ", ".join(columns)
    if conn.dialect.name == "postgresql":
        sql = f"COPY {table.name} ({names}) FROM STDIN"
        if reg.queries is not None:
            reg.queries.append(sql)
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        with cursor.copy(sql) as copy:
            for r in rows:
                copy.write_row(r)
        return
    marks = ", ".join("?" if conn.dialect.paramstyle == "qmark" else "%s" for _ in columns)
    conn.exec_driver_sql(f"INSERT INTO {table.name} ({names}) VALUES ({marks})", list(rows))


def _processors(conn: Connection, table: Table, columns: Sequence[str]) -> list[Callable[[Any], Any] | None]:
    dialect = conn.dialect
    return [table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in columns]
