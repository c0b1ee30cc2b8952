"""A mapping checked against the live database: every table and column it names must exist.

An unknown table or column is an error reported as ``file:line: field: message`` with the name; warnings
name identity columns without an index (every access would scan the table) and tables the mapping leaves
out whose foreign keys point at rows erasure deletes (the database would refuse the erasure).

``reach`` says whether a declared datastore can be reached now, and if not why — its URL variable is not
set, or the database did not answer (the driver's first line, never the URL, which may carry a password) —
for the console and any caller that must show a state instead of a traceback.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field as default
from typing import Literal

from sqlalchemy import Engine, inspect, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from personvern.datastores._graph import Bound
from personvern.datastores.erasure import table_action
from personvern.errors import DatastoreError, Problem
from personvern.policy.datastores import Declared, TableMap
from personvern.policy.model import Policy

__all__ = ["Reach", "check_schema", "reach"]

Named = tuple[tuple[str | int, ...], str]  # path under the table, column name


def _named(t: TableMap) -> Iterator[Named]:
    yield ("key",), t.key
    for field in ("columns", "identity", "json", "events", "erase_columns"):
        mapping = t.json_columns if field == "json" else getattr(t, field)
        for column in mapping:
            yield (field, column), column
    for field, links in (("belongs_to", t.belongs_to), ("owns", t.owns)):
        for i, link in enumerate(links):
            yield (field, i, "column"), link.column
    if t.key_value is not None:
        yield ("key_value", "key"), t.key_value.key
        yield ("key_value", "value"), t.key_value.value


@dataclass(frozen=True)
class Reach:
    """Whether a declared datastore answered: ``bound`` when it did; else ``why`` (``unset``: its URL variable
    is not set; ``down``: the database did not answer) and ``detail`` (the variable's name, or the driver's
    first line). ``problems``: the mapping checked against the live schema (``check_schema``)."""

    declared: Declared
    bound: Bound | None = None
    why: Literal["", "unset", "down"] = ""
    detail: str = ""
    problems: list[Problem] = default(default_factory=list)


def reach(declared: Declared, policy: Policy | None = None) -> Reach:
    """Connect to the datastore through its URL variable and check the mapping; never raises for a datastore
    that is not configured or not answering."""
    from personvern.datastores import open_datastore

    store = declared.store
    if not os.environ.get(store.url_env):
        return Reach(declared, why="unset", detail=store.url_env)
    try:
        bound = open_datastore(declared)
        problems = check_schema(declared, bound.engine, policy)
    except (SQLAlchemyError, DatastoreError, OSError) as exc:
        orig = getattr(exc, "orig", None) or exc
        first = (str(orig).strip().splitlines() or [type(orig).__name__])[0][:200]
        secret = _password(os.environ[store.url_env])
        if secret:
            first = first.replace(secret, "***")
        return Reach(declared, why="down", detail=f"{type(orig).__name__}: {first}")
    return Reach(declared, bound=bound, problems=problems)


def _password(url: str) -> str | None:
    try:
        return make_url(url).password
    except (ArgumentError, ValueError):
        return None


def check_schema(declared: Declared, engine: Engine, policy: Policy | None = None) -> list[Problem]:
    """Problems of ``declared`` against the database behind ``engine`` (errors first, then warnings)."""
    store = declared.store
    insp = inspect(engine)
    present = set(insp.get_table_names())
    problems: list[Problem] = []
    columns: dict[str, set[str]] = {}
    for i, t in enumerate(store.tables):
        shown = f"datastores[{store.name}].tables[{t.table}]"
        if t.table not in present:
            problems.append(Problem(declared.file, declared.line("tables", i, "table"), f"{shown}.table",
                                    f"no table '{t.table}' in the database"))
            continue
        columns[t.table] = {c["name"] for c in insp.get_columns(t.table)}
        for path, column in _named(t):
            if column not in columns[t.table]:
                problems.append(Problem(declared.file, declared.line("tables", i, *path),
                                        f"{shown}.{'.'.join(str(p) for p in path)}",
                                        f"no column '{column}' in table '{t.table}'"))
    for i, t in enumerate(store.tables):
        for field, links in (("belongs_to", t.belongs_to), ("owns", t.owns)):
            for n, link in enumerate(links):
                target = store.table(link.table)
                to = link.to or target.key
                if link.table in columns and to not in columns[link.table]:
                    problems.append(Problem(declared.file, declared.line("tables", i, field, n),
                                            f"datastores[{store.name}].tables[{t.table}].{field}[{n}].to",
                                            f"no column '{to}' in table '{link.table}'"))
    if not problems:
        problems += _warnings(declared, engine, present, policy)
    return problems


def _warnings(declared: Declared, engine: Engine, present: set[str], policy: Policy | None) -> list[Problem]:
    store = declared.store
    insp = inspect(engine)
    found: list[Problem] = []
    for i, t in enumerate(store.tables):
        indexed = {next(iter(ix["column_names"])) for ix in insp.get_indexes(t.table) if ix["column_names"]}
        indexed |= {next(iter(u["column_names"])) for u in insp.get_unique_constraints(t.table)
                    if u["column_names"]}
        indexed |= set(((insp.get_pk_constraint(t.table) or {}).get("constrained_columns") or [])[:1])
        for column in t.identity:
            if column not in indexed:
                found.append(Problem(declared.file, declared.line("tables", i, "identity", column),
                                     f"datastores[{store.name}].tables[{t.table}].identity.{column}",
                                     f"no index on '{t.table}.{column}': every access request scans the table; "
                                     f"CREATE INDEX ON {t.table} ({column})", "warning"))
    deleted = {t.table for t in store.tables if policy is None or table_action(policy, t) == "delete"}
    mapped = {t.table for t in store.tables}
    for name in sorted(present - mapped):
        for fk in insp.get_foreign_keys(name):
            if fk["referred_table"] in deleted:
                found.append(Problem(declared.file, declared.line("tables"), f"datastores[{store.name}].tables",
                                     f"table '{name}' is not mapped but its column "
                                     f"{', '.join(fk['constrained_columns'])} points at '{fk['referred_table']}', "
                                     "whose rows erasure deletes: the database will refuse while such rows "
                                     "exist; map it", "warning"))
    return found
