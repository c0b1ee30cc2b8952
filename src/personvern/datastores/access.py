"""Access (Art. 15): a person's rows in every mapped table, in one snapshot, with one query per table.

Rows are located by identity (``identity:`` columns and key-value keys, compared with the normalised value
and its usual spellings) and followed along the mapping's links downwards: an order belongs to the user it
points to, a line to its order, an order owns its billing address. Tables are read in link order, each with
one ``SELECT ... WHERE <identity> OR <link> IN (<keys found so far>)``: the number of queries is the number of
mapped tables, whatever the number of rows (no query per row). The reads run in one transaction at
REPEATABLE READ (PostgreSQL, MariaDB) or inside ``BEGIN`` (SQLite), so the copy is one consistent snapshot.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, and_, false, or_, select
from sqlalchemy.sql.elements import ColumnElement

from personvern.datastores._graph import Bound
from personvern.datastores._match import Identifiers, spellings
from personvern.policy.datastores import TableMap

__all__ = ["DatastoreCopy", "TableCopy", "access", "locate"]

Located = dict[str, dict[Any, dict[str, Any]]]  # table → {key: row}


@dataclass(frozen=True)
class TableCopy:
    """The rows of one table that concern the person, with the purpose and categories they serve."""

    table: str
    purpose: str
    categories: tuple[str, ...]
    rows: tuple[dict[str, Any], ...]

    def as_json(self) -> dict[str, Any]:
        return {"table": self.table, "purpose": self.purpose, "categories": list(self.categories),
                "rows": [dict(r) for r in self.rows]}


@dataclass(frozen=True)
class DatastoreCopy:
    """What one datastore holds about the person, table by table (only tables with rows)."""

    datastore: str
    tables: tuple[TableCopy, ...]

    def by_purpose(self) -> dict[str, list[TableCopy]]:
        out: dict[str, list[TableCopy]] = {}
        for t in self.tables:
            out.setdefault(t.purpose, []).append(t)
        return out

    def as_json(self) -> dict[str, Any]:
        return {"datastore": self.datastore, "tables": [t.as_json() for t in self.tables]}


def access(b: Bound, identifiers: Identifiers, *, order_numbers: Sequence[str] = ()) -> DatastoreCopy:
    """The person's rows in every mapped table of ``b``, read in one snapshot."""
    ids = {k: list(v) for k, v in identifiers.items()}
    if order_numbers:
        ids["order_number"] = [*ids.get("order_number", []), *order_numbers]
    with snapshot(b) as c:
        found = locate(b, c, ids)
    tables = tuple(_copy(b.maps[name], rows) for name, rows in found.items() if rows)
    return DatastoreCopy(b.store.name, tables)


class snapshot:
    """A read-only connection in one transaction at REPEATABLE READ where the engine has it."""

    def __init__(self, b: Bound) -> None:
        self.b = b

    def __enter__(self) -> Connection:
        self.conn = self.b.engine.connect()
        if self.b.dialect in ("postgresql", "mysql"):
            self.conn = self.conn.execution_options(isolation_level="REPEATABLE READ")
        self.tx = self.conn.begin()
        return self.conn

    def __exit__(self, *_: object) -> None:
        self.tx.rollback()
        self.conn.close()


def link_order(b: Bound) -> list[str]:
    """Mapped tables, each after the tables its rows are found through (parents and owners)."""
    return b.link_order()


def identity_clause(b: Bound, t: TableMap, ids: Mapping[str, Sequence[str]]) -> ColumnElement[bool] | None:
    """Rows of ``t`` whose identity columns hold one of the identifiers."""
    table = b.table(t.table)
    parts: list[ColumnElement[bool]] = []
    for column, kind in t.identity.items():
        values = spellings(kind, ids.get(kind, ()))
        if values:
            parts.append(table.c[column].in_(values))
    if t.key_value is not None:
        kv = t.key_value
        for key, kind in kv.identity.items():
            values = spellings(kind, ids.get(kind, ()))
            if values:
                parts.append(and_(table.c[kv.key] == key, table.c[kv.value].in_(values)))
    return or_(*parts) if parts else None


def locate(b: Bound, c: Connection, ids: Mapping[str, Sequence[str]]) -> Located:
    """Every mapped row of the person, table → {key: row}: one SELECT per table, in link order."""
    found: Located = {}
    for name in b.link_order():
        t = b.maps[name]
        table = b.table(name)
        parts = [p for p in [identity_clause(b, t, ids)] if p is not None]
        for e in b.edges:
            if e.kind == "belongs_to" and e.source == name and found.get(e.target):
                parents = [row[e.to] for row in found[e.target].values()]
                parts.append(table.c[e.column].in_(parents))
            elif e.kind == "owns" and e.target == name and found.get(e.source):
                owned = {row[e.column] for row in found[e.source].values()} - {None}
                if owned:
                    parts.append(table.c[e.to].in_(sorted(owned)))
        rows = c.execute(select(table).where(or_(false(), *parts))).mappings().all() if parts else []
        found[name] = {row[t.key]: dict(row) for row in rows}
    return found


def _copy(t: TableMap, rows: dict[Any, dict[str, Any]]) -> TableCopy:
    cats = [*t.columns.values(), *(c for paths in t.json_columns.values() for c in paths.values())]
    if t.key_value is not None:
        cats += list(t.key_value.keys.values())
    shown = [{k: _plain(v, k in t.json_columns) if k in t.json_columns or not isinstance(v, str | int | None) else v
              for k, v in row.items()} for _, row in sorted(rows.items(), key=_order)]
    return TableCopy(t.table, t.purpose, tuple(dict.fromkeys(cats)), tuple(shown))


def _order(item: tuple[Any, dict[str, Any]]) -> tuple[str, str]:
    return (type(item[0]).__name__, f"{item[0]:>20}" if isinstance(item[0], int) else str(item[0]))


def _plain(value: Any, is_json: bool = False) -> Any:
    """A JSON-safe value: dates as ISO 8601, decimals as strings, JSON text parsed."""
    if is_json and isinstance(value, str | bytes):
        try:
            return json.loads(value)
        except ValueError:
            return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return value
