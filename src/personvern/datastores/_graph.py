"""A mapped datastore bound to its live schema: tables, the links between them, and foreign-key order."""

from __future__ import annotations

from dataclasses import dataclass, field
from graphlib import CycleError, TopologicalSorter

from sqlalchemy import Column, Engine, MetaData, Table

from personvern.errors import DatastoreError
from personvern.policy.datastores import Datastore, Link, TableMap


@dataclass(frozen=True)
class Edge:
    """A link column: ``source.column`` holds ``target.to``; ``owner`` is the table whose person owns the row
    at the other end (belongs_to: target owns source; owns: source owns target)."""

    source: str
    column: str
    target: str
    to: str
    kind: str  # "belongs_to" or "owns"


@dataclass
class Bound:
    """A datastore with the reflected tables it maps."""

    store: Datastore
    engine: Engine
    meta: MetaData
    edges: list[Edge] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.maps = {t.table: t for t in self.store.tables}
        self._link_order: list[str] | None = None
        self._delete_order: list[str] | None = None
        self._pointing: dict[str, list[Edge]] = {}
        for t in self.store.tables:
            for kind, links in (("belongs_to", t.belongs_to), ("owns", t.owns)):
                self.edges += [self._edge(t, link, kind) for link in links]

    def _edge(self, t: TableMap, link: Link, kind: str) -> Edge:
        return Edge(t.table, link.column, link.table, link.to or self.store.table(link.table).key, kind)

    def link_order(self) -> list[str]:
        """Mapped tables, each after the tables its rows are found through (parents and owners)."""
        if self._link_order is None:
            deps: dict[str, set[str]] = {n: set() for n in self.names()}
            for e in self.edges:
                if e.kind == "belongs_to":
                    deps[e.source].add(e.target)
                else:
                    deps[e.target].add(e.source)
            self._link_order = list(TopologicalSorter(deps).static_order())
        return self._link_order

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def table(self, name: str) -> Table:
        return self.meta.tables[name]

    def col(self, table: str, column: str) -> Column[object]:
        return self.meta.tables[table].c[column]

    def key(self, table: str) -> Column[object]:
        return self.col(table, self.maps[table].key)

    def names(self) -> list[str]:
        return [t.table for t in self.store.tables]

    def references(self) -> dict[str, set[str]]:
        """table → the mapped tables its foreign keys (declared in the schema or the mapping) point to."""
        names = set(self.names())
        refs: dict[str, set[str]] = {n: set() for n in names}
        for name in names:
            for fk in self.table(name).foreign_keys:
                target = fk.target_fullname.split(".")[-2]
                if target in names and target != name:
                    refs[name].add(target)
        for e in self.edges:
            if e.target != e.source:
                refs[e.source].add(e.target)
        return refs

    def delete_order(self) -> list[str]:
        """Mapped tables with every referencing table before the tables it references: the order in which
        rows can be deleted without breaking a foreign key."""
        if self._delete_order is None:
            try:
                parents_first = list(TopologicalSorter(self.references()).static_order())
            except CycleError as exc:
                raise DatastoreError(f"datastore '{self.store.name}': foreign keys form a cycle ({exc.args[1]}); "
                                     "personvern cannot order its deletes", field="tables") from None
            self._delete_order = parents_first[::-1]
        return self._delete_order

    def pointing_at(self, table: str) -> list[Edge]:
        """Columns of mapped tables that hold keys of ``table``: the mapping's links and the schema's foreign
        keys (an order's basket), so rows can be detached before the rows they point at go."""
        if table in self._pointing:
            return self._pointing[table]
        found = {(e.source, e.column): e for e in self.edges if e.target == table}
        for name in self.names():
            for fk in self.table(name).foreign_keys:
                target, column = fk.target_fullname.split(".")[-2:]
                if target == table and (name, fk.parent.name) not in found:
                    found[(name, fk.parent.name)] = Edge(name, fk.parent.name, table, column, "foreign_key")
        self._pointing[table] = list(found.values())
        return self._pointing[table]


def bind(store: Datastore, engine: Engine) -> Bound:
    from personvern.datastores._engine import reflect

    meta = reflect(engine, [t.table for t in store.tables])
    missing = [t.table for t in store.tables if t.table not in meta.tables]
    if missing:
        raise DatastoreError(f"datastore '{store.name}': no table {', '.join(missing)} in the database; "
                             "run `personvern check` for the mapping's lines", field="tables")
    return Bound(store, engine, meta)
