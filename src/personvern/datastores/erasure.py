"""Erasure (Art. 17) in a business database: one transaction per datastore, in foreign-key order.

Per table, by its ``erasure`` (default from its purpose's ``on_erasure``):
- ``delete``: the rows go; rows kept elsewhere that point at them are detached first (the link set NULL);
- ``anonymise``: the row stays without its person (a review keeps its text, loses its author);
- ``keep``: a statutory obligation keeps the row (bookkeeping, TZ4, TP13c): the personal columns are cleared,
  the rest — the order number, the amounts — stays, findable by order number only;
- ``retain``: kept as it is, under the purpose's legal obligation;
- an active hold on the person in the register keeps everything, with the hold's reason (Art. 17(3)(e)).
Personal columns are those the mapping maps (categories, identity, JSON, key-value, owner links); each is
set NULL (or '' when NOT NULL) unless ``erase_columns`` says mask, hash (keyed HMAC) or keep.

Re-running a completed erasure changes nothing: the rows are gone or no longer lead to the person, and
clearing a cleared column writes what is there. ``plan=True`` reads as the erasure would and returns the
SQL it would run, changing nothing.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, String, Text, bindparam, delete, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.expression import UpdateBase

from personvern.datastores._graph import Bound
from personvern.datastores.access import locate
from personvern.errors import DatastoreError
from personvern.policy.datastores import TableAction, TableMap
from personvern.policy.model import Policy

__all__ = ["DatastoreErasure", "TableErasure", "erase", "table_action"]

MASK = "***"
_DONE = {"delete": "deleted", "anonymise": "anonymised", "keep": "kept", "retain": "retained"}


@dataclass(frozen=True)
class TableErasure:
    """What erasure did to one table's rows of the person, and why."""

    table: str
    purpose: str
    outcome: str  # deleted, anonymised, kept, retained, held
    rows: int
    columns: tuple[str, ...] = ()  # columns cleared in kept or anonymised rows
    why: str = ""

    def as_json(self) -> dict[str, Any]:
        return {"table": self.table, "purpose": self.purpose, "outcome": self.outcome, "rows": self.rows,
                "columns": list(self.columns), "why": self.why}


@dataclass
class DatastoreErasure:
    datastore: str
    tables: list[TableErasure] = field(default_factory=list)
    statements: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for t in self.tables:
            out[t.outcome] = out.get(t.outcome, 0) + t.rows
        return out

    def as_json(self) -> dict[str, Any]:
        return {"datastore": self.datastore, "tables": [t.as_json() for t in self.tables]}


def table_action(policy: Policy, t: TableMap) -> TableAction:
    """The table's declared erasure, else what its purpose's ``on_erasure`` means for a row."""
    if t.erasure is not None:
        return t.erasure
    purpose = policy.purpose(t.purpose)
    on_erasure = purpose.on_erasure if purpose is not None else "delete"
    return {"delete": "delete", "seal": "keep", "keep": "retain"}[on_erasure]  # type: ignore[return-value]


def _ground(policy: Policy, t: TableMap, action: str) -> str:
    purpose = policy.purpose(t.purpose)
    if action in ("keep", "retain") and purpose is not None:
        basis = purpose.legal_basis
        return basis.law or f"GDPR art. 6(1)({basis.article})"
    if action == "anonymise":
        return "the row is kept without the person (anonymised)"
    return "erasure request (Art. 17(1))"


class _Writer:
    """Runs the erasure's writes, or only collects their SQL (``--plan``)."""

    def __init__(self, b: Bound, c: Connection, plan: bool) -> None:
        self.b, self.c, self.plan = b, c, plan
        self.statements: list[str] = []

    def run(self, stmt: UpdateBase, params: Sequence[Mapping[str, Any]] | None = None) -> None:
        if self.plan:
            self.statements.append(_sql(self.b, stmt, params))
        elif params is not None:
            self.c.execute(stmt, list(params))
        else:
            self.c.execute(stmt)


def _sql(b: Bound, stmt: UpdateBase, params: Sequence[Mapping[str, Any]] | None) -> str:
    if params:
        text = str(stmt.compile(dialect=b.engine.dialect))
        return f"{text}  -- for {len(params)} row(s)"
    return str(stmt.compile(dialect=b.engine.dialect, compile_kwargs={"literal_binds": True}))


def erase(b: Bound, policy: Policy, identifiers: Mapping[str, Sequence[str]], *, hash_key: bytes,
          held: str | None = None, plan: bool = False) -> DatastoreErasure:
    """Erase the person's rows in one transaction; ``held`` (a hold's reason) keeps everything."""
    if b.store.read_only and not plan:
        raise DatastoreError(f"datastore '{b.store.name}' is declared read_only: access only", field="read_only")
    result = DatastoreErasure(b.store.name)
    try:
        with b.engine.connect() as c, c.begin() as tx:
            found = locate(b, c, identifiers)
            writer = _Writer(b, c, plan or held is not None)
            for name in b.delete_order():
                rows = found.get(name) or {}
                if rows:
                    result.tables.append(_table(b, policy, writer, b.maps[name], rows, found, held,
                                                hash_key))
            result.statements = writer.statements if plan else []
            if plan or held is not None:
                tx.rollback()
    except DBAPIError as exc:
        raise DatastoreError(f"datastore '{b.store.name}' refused the erasure, nothing was changed: "
                             f"{str(exc.orig).splitlines()[0]}", field="tables") from None
    result.tables.sort(key=lambda x: b.names().index(x.table))
    return result


def _table(b: Bound, policy: Policy, w: _Writer, t: TableMap, rows: dict[Any, dict[str, Any]],
           found: Mapping[str, dict[Any, dict[str, Any]]], held: str | None, hash_key: bytes) -> TableErasure:
    action = table_action(policy, t)
    keys = sorted(rows)
    if held is not None:
        return TableErasure(t.table, t.purpose, "held", len(keys), why=held)
    table = b.table(t.table)
    key = b.key(t.table)
    if action == "delete":
        for e in b.pointing_at(t.table):
            column = b.col(e.source, e.column)
            if column.nullable and _may_point(b, policy, e.source, e.column, e.kind):
                w.run(update(b.table(e.source)).where(column.in_([r[e.to] for r in rows.values()]))
                      .values({e.column: None}))
        w.run(delete(table).where(key.in_(keys)))
        return TableErasure(t.table, t.purpose, "deleted", len(keys), why=_ground(policy, t, action))
    if action == "retain":
        return TableErasure(t.table, t.purpose, "retained", len(keys), why=_ground(policy, t, action))
    cleared = _clear(b, w, t, rows, hash_key)
    return TableErasure(t.table, t.purpose, _DONE[action], len(keys), tuple(cleared), _ground(policy, t, action))


def _may_point(b: Bound, policy: Policy, source: str, column: str, kind: str) -> bool:
    """Whether rows of ``source`` may still point at rows being deleted: not when the mapping's link found
    them all and they were deleted or their link column cleared already (saves a statement per link)."""
    if kind == "foreign_key":
        return True
    t = b.maps[source]
    return table_action(policy, t) != "delete" and t.column_action(column) is None


def _clear(b: Bound, w: _Writer, t: TableMap, rows: dict[Any, dict[str, Any]], hash_key: bytes) -> list[str]:
    """Clear the personal columns of kept rows: constant values in one UPDATE, hashes row by row in one
    executemany."""
    table = b.table(t.table)
    fixed: dict[str, Any] = {}
    per_row: list[str] = []  # hashed columns, and JSON columns losing only their mapped paths
    for column in table.columns:
        action = t.column_action(column.name)
        if action is None or column.name == t.key:
            continue
        if action == "hash" or (column.name in t.json_columns and column.name not in t.erase_columns):
            per_row.append(column.name)
        else:
            fixed[column.name] = clear_value(t, column, action)
    keys = sorted(rows)
    if fixed:
        w.run(update(table).where(b.key(t.table).in_(keys)).values(fixed))
    if per_row:
        params = [{"_k": k, **{f"_v_{c}": _row_value(t, table.c[c], rows[k][c], hash_key) for c in per_row}}
                  for k in keys]
        w.run(update(table).where(b.key(t.table) == bindparam("_k"))
              .values({c: bindparam(f"_v_{c}") for c in per_row}), params)
    return [*fixed, *per_row]


def _row_value(t: TableMap, column: Any, value: Any, hash_key: bytes) -> Any:
    if column.name in t.json_columns and column.name not in t.erase_columns:
        return without_paths(value, t.json_columns[column.name])
    return keyed_hash(hash_key, value, column)


def without_paths(value: Any, paths: Mapping[str, str]) -> Any:
    """A JSON document without the mapped (personal) paths; the rest of it stays, in its own type."""
    was_text = isinstance(value, str | bytes)
    doc = json.loads(value) if was_text else copy.deepcopy(value)
    for path in paths:
        *parents, last = path.split(".")
        node = doc
        for part in parents:
            node = node.get(part) if isinstance(node, dict) else None
        if isinstance(node, dict):
            node.pop(last, None)
    return json.dumps(doc, ensure_ascii=False) if was_text else doc


def clear_value(t: TableMap, column: Any, action: str) -> Any:
    """What a cleared column holds: NULL where allowed, else '' (text) — or the mask."""
    text = isinstance(column.type, String | Text)
    if action == "mask" and text:
        length = getattr(column.type, "length", None)
        return MASK[:length] if length else MASK
    if action == "null" and column.nullable:
        return None
    if text:
        return ""
    if column.nullable:
        return None
    raise DatastoreError(f"table '{t.table}': column '{column.name}' is NOT NULL and not text; say in "
                         "erase_columns what erasure leaves in it (keep, or make it nullable)", field="erase_columns")


def keyed_hash(key: bytes, value: Any, column: Any) -> str | None:
    """HMAC-SHA256 of the value under the register's key: equal values stay equal, none can be read back."""
    if value is None:
        return None
    digest = hmac.new(key, str(value).encode(), hashlib.sha256).hexdigest()
    length = getattr(column.type, "length", None)
    return digest[:length] if length else digest
