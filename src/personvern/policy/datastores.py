"""The datastore mapping: the business's own databases, declared in the policy (issue 16).

A policy lists its datastores under ``datastores:``, each inline or as the path of a mapping file (relative to
the policy file)::

    datastores:
      - ../datastores/oscar.yaml

A datastore names the environment variable holding its URL (never the URL: it carries a password) and maps its
tables: the purpose the rows serve, which columns hold which data categories, which identify a person, how
the tables relate, which column carries which lifecycle event, and what erasure does. Cross-references to
the policy (purposes, categories, events) are checked here; ``personvern.datastores.check_schema`` checks the
names against the live database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from personvern.errors import PolicyError, Problem
from personvern.policy.retention import BUILTIN_ANCHORS

if TYPE_CHECKING:
    from personvern.policy.model import Policy

__all__ = [
    "DEFAULT_IDENTIFIERS",
    "ColumnAction",
    "Datastore",
    "Declared",
    "IdentifierKind",
    "KeyValue",
    "Link",
    "Mapping",
    "TableAction",
    "TableMap",
    "load_datastores",
    "load_mapping",
]

IdentifierKind = Literal["email", "phone", "national_id", "customer_number", "order_number"]
DEFAULT_IDENTIFIERS: tuple[IdentifierKind, ...] = ("email", "phone", "customer_number", "order_number")

TableAction = Literal["delete", "anonymise", "keep", "retain"]
ColumnAction = Literal["null", "empty", "mask", "hash", "keep"]
_NAME = r"^[A-Za-z_][A-Za-z0-9_$]*$"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Link(_Model):
    """A foreign key: ``column`` of this table holds ``to`` (default: the key) of ``table``."""

    column: str = Field(pattern=_NAME, description="the column of this table holding the other row's key")
    table: str = Field(pattern=_NAME, description="the mapped table it points to")
    to: str | None = Field(default=None, pattern=_NAME, description="the column pointed to (default: its key)")


class KeyValue(_Model):
    """Rows of (owner, key, value): the key says what the value is (``billing_phone``, ``address_1``)."""

    key: str = Field(pattern=_NAME, description="the column holding the key")
    value: str = Field(pattern=_NAME, description="the column holding the value")
    keys: dict[str, str] = Field(min_length=1, description="key → data category of its value")
    identity: dict[str, IdentifierKind] = Field(default_factory=dict, description="key → identifier kind")


class TableMap(_Model):
    """One table: whose rows, for which purpose, what they hold and what erasure does to them."""

    table: str = Field(pattern=_NAME, description="the table's name in the database")
    purpose: str = Field(description="the purpose (a key of the policy's purposes) the rows serve")
    key: str = Field(default="id", pattern=_NAME, description="the primary key column")
    columns: dict[str, str] = Field(default_factory=dict, description="column → data category")
    identity: dict[str, IdentifierKind] = Field(
        default_factory=dict, description="columns that identify a person: column → email, phone, national_id, "
        "customer_number or order_number; compared with the value normalised as the register does")
    json_columns: dict[str, dict[str, str]] = Field(
        default_factory=dict, alias="json", description="JSON column → {dotted path → data category}")
    key_value: KeyValue | None = Field(default=None, description="a table of (owner, key, value) rows")
    belongs_to: list[Link] = Field(
        default_factory=list, description="a row belongs to whomever the row it points to belongs to "
        "(order → user, order line → order)")
    owns: list[Link] = Field(
        default_factory=list, description="the row pointed to belongs to whomever this row belongs to "
        "(order → its billing address)")
    events: dict[str, str] = Field(
        default_factory=dict, description="column → lifecycle event it dates (a key of the policy's events, "
        "or collection / last_activity)")
    erasure: TableAction | None = Field(
        default=None, description="delete the row; anonymise it (keep the rest, clear the personal columns); "
        "keep it under the purpose's statutory obligation with the personal columns cleared (TZ4, TP13c); "
        "retain it untouched, restricted. Default: from the purpose's on_erasure (delete → delete, "
        "seal → keep, keep → retain)")
    erase_columns: dict[str, ColumnAction] = Field(
        default_factory=dict, description="per column: null, empty (''), mask ('***'), hash (keyed HMAC) or "
        "keep; columns not named here are cleared (null, or '' when NOT NULL) if personal, kept otherwise")

    def personal(self) -> list[str]:
        """Columns holding personal data: categories, identity, JSON, key-value and links to an owner."""
        names = [*self.columns, *self.identity, *self.json_columns, *(x.column for x in self.belongs_to)]
        if self.key_value is not None:
            names.append(self.key_value.value)
        return list(dict.fromkeys(names))

    def column_action(self, column: str) -> ColumnAction | None:
        """What erasure does to a column of a kept row: None keeps it."""
        if column in self.erase_columns:
            action = self.erase_columns[column]
            return None if action == "keep" else action
        return "null" if column in self.personal() else None


class Datastore(_Model):
    """A business database reached through the URL in ``url_env``."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="the datastore's name, e.g. shop")
    url_env: str = Field(pattern=r"^[A-Z_][A-Z0-9_]*$", description="environment variable holding the URL")
    read_only: bool = Field(default=False, description="access only: erasure, rectification and sweep refuse")
    tables: list[TableMap] = Field(min_length=1, description="the tables that hold personal data")

    @model_validator(mode="after")
    def _references(self) -> Datastore:
        names = [t.table for t in self.tables]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"table {', '.join(dupes)} is mapped twice")
        for t in self.tables:
            for link in (*t.belongs_to, *t.owns):
                if link.table not in names:
                    raise ValueError(f"table '{t.table}': link to '{link.table}', which is not mapped")
        return self

    def table(self, name: str) -> TableMap:
        return next(t for t in self.tables if t.table == name)


class Mapping(_Model):
    """A mapping file: one or more datastores."""

    datastores: list[Datastore] = Field(min_length=1, description="the business databases of the mapping file")


Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Declared:
    """A datastore with where it was declared, so a problem found later names file:line."""

    store: Datastore
    file: str
    at: Path_
    lines: dict[Path_, int] = field(default_factory=dict, compare=False, hash=False)

    def line(self, *path: str | int) -> int | None:
        from personvern.policy.loader import line_for

        return line_for(self.lines, (*self.at, *path))

    def where(self, *path: str | int) -> str:
        line = self.line(*path)
        return f"{self.file}:{line}" if line else self.file


def cross_check(policy: Policy, store: Datastore, at: Path_) -> list[tuple[Path_, str, str]]:
    """Purposes, categories and events named by a datastore that the policy does not declare."""
    from personvern.policy import taxonomy

    found: list[tuple[Path_, str, str]] = []
    events = {*policy.events, *BUILTIN_ANCHORS}
    for i, t in enumerate(store.tables):
        here = (*at, "tables", i)
        shown = f"{store.name}.{t.table}"
        purpose = policy.purpose(t.purpose)
        if purpose is None:
            found.append(((*here, "purpose"), f"{shown}.purpose", f"unknown purpose '{t.purpose}'"))
            continue
        allowed = [*purpose.categories, *purpose.special_categories]
        cats = {**{c: ("columns", c) for c in t.columns.values()},
                **{c: ("json", c) for paths in t.json_columns.values() for c in paths.values()},
                **{c: ("key_value", c) for c in (t.key_value.keys.values() if t.key_value else [])}}
        for cat, (where, _) in cats.items():
            if not taxonomy.covers(cat, allowed):
                found.append(((*here, where), f"{shown}.{where}",
                              f"category '{cat}' is not one purpose '{t.purpose}' collects"))
        for column, event in t.events.items():
            if event not in events:
                found.append(((*here, "events", column), f"{shown}.events.{column}",
                              f"unknown event '{event}'; declare it under 'events:' in the policy"))
        kinds = {*t.identity.values(), *(t.key_value.identity.values() if t.key_value else [])}
        if "national_id" in kinds and "national_id" not in purpose.identifiers:
            found.append(((*here, "identity"), f"{shown}.identity",
                          f"purpose '{t.purpose}' does not declare national_id among its identifiers (TP14)"))
    return found


def _load_file(file: Path, policy: Policy | None) -> list[Declared]:
    from personvern.policy.loader import _problems, line_for, read_yaml

    data, lines = read_yaml(file)
    try:
        mapping = Mapping.model_validate(data)
    except ValidationError as exc:
        raise PolicyError(_problems(str(file), exc, data, lines)) from None
    if policy is not None:
        problems = [Problem(str(file), line_for(lines, path), shown, message)
                    for n, store in enumerate(mapping.datastores)
                    for path, shown, message in cross_check(policy, store, ("datastores", n))]
        if problems:
            raise PolicyError(sorted(problems, key=lambda p: p.line or 0))
    return [Declared(store, str(file), ("datastores", n), lines) for n, store in enumerate(mapping.datastores)]


def load_mapping(file: str | Path, policy: Policy | None = None) -> list[Declared]:
    """The datastores of a mapping file, every problem reported as ``file:line: field: message``."""
    return _load_file(Path(file), policy)


def load_datastores(policy: Policy, base: str | Path, lines: dict[Path_, int] | None = None,
                    policy_file: str = "") -> list[Declared]:
    """The policy's datastores: inline ones checked against the policy here, file references (relative to
    ``base``, the policy file's folder) loaded with their own file:line errors."""
    from personvern.policy.loader import line_for

    out: list[Declared] = []
    problems: list[Problem] = []
    for n, item in enumerate(policy.datastores):
        if isinstance(item, str):
            out.extend(_load_file(Path(base) / item, policy))
            continue
        found = cross_check(policy, item, ("datastores", n))
        problems += [Problem(policy_file, line_for(lines or {}, p), s, m) for p, s, m in found]
        out.append(Declared(item, policy_file, ("datastores", n), lines or {}))
    if problems:
        raise PolicyError(problems)
    names = [d.store.name for d in out]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise PolicyError([Problem(policy_file, line_for(lines or {}, ("datastores",)), "datastores",
                                   f"datastore {', '.join(dupes)} is declared twice")])
    return out
