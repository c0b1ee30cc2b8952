"""The business's own databases in data-subject requests: the register copy includes their rows (Art. 15),
erasure reaches them (Art. 17), in the one path of each right (``personvern.rights.hooks``).

The person is located by the identifiers the register holds for the subject (decrypted in the request's
transaction) and, for access, the order numbers given. An active hold on the subject keeps every row, as in
the register (Art. 17(3)(e)). A datastore whose URL variable is not set is reported as not reached — never
silently skipped: the request's outcome says so. ``hash`` columns are hashed under the register's lookup
key, so equal values stay comparable across tables and nothing can be read back.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import Connection, select

from personvern.audit.events import AuditEvent, register_event
from personvern.datastores import (
    Bound,
    DatastoreCopy,
    DatastoreErasure,
    SweepResult,
    access,
    erase,
    open_datastore,
    sweep,
)
from personvern.register import schema as t
from personvern.register.crypto import decrypt
from personvern.rights.hooks import access_hook, erasure_hook

if TYPE_CHECKING:
    from personvern.policy.datastores import Declared
    from personvern.register.store import Register

__all__ = ["DatastoreErased", "DatastoreSwept", "datastore_access", "datastore_erasure", "hash_key", "held_identifiers",
           "replay_datastores", "subject_identifiers", "sweep_datastore"]


@register_event
@dataclass(frozen=True, kw_only=True)
class DatastoreErased(AuditEvent):
    """An erasure reached a business database: rows per outcome (deleted, kept, anonymised, ...), no values."""

    name: ClassVar[str] = "datastore.erased"
    datastore: str
    counts: dict[str, int]
    request_id: int | None = None


@register_event
@dataclass(frozen=True, kw_only=True)
class DatastoreSwept(AuditEvent):
    """A retention sweep ran in a business database: rows acted on per table, the day swept for (Art. 5(2)).

    Row keys are not named: the shop's rows are not the register's records, and a count per table is what the
    register's own sweep entry says per purpose too."""

    name: ClassVar[str] = "datastore.swept"
    datastore: str
    as_of: str
    counts: dict[str, int]


def hash_key(reg: Register) -> bytes:
    """The key of ``hash`` columns: derived from the register's lookup key (HMAC), never stored."""
    return reg.keys.lookup("datastore_hash", "personvern.datastores")


def subject_identifiers(reg: Register, conn: Connection, subject_id: int) -> dict[str, list[str]]:
    i = t.identifiers
    key = reg.keys.subject_key(conn, subject_id)
    out: dict[str, list[str]] = {}
    for r in conn.execute(select(i.c.kind, i.c.value).where(i.c.subject_id == subject_id).order_by(i.c.id)):
        out.setdefault(r.kind, []).append(decrypt(key, r.value, r.kind.encode()).decode())
    return out


def _held(conn: Connection, subject_id: int) -> str | None:
    h = t.holds
    hold = conn.execute(select(h.c.kind, h.c.reason).where(
        h.c.subject_id == subject_id, h.c.record_id.is_(None), h.c.lifted_at.is_(None)).order_by(h.c.id)).first()
    return f"{hold.kind}: {hold.reason}" if hold is not None else None


def held_identifiers(reg: Register, conn: Connection) -> dict[str, list[str]]:
    """The identifiers of every subject under an active hold of its own (the hold the erasure hook honours),
    decrypted: three queries (the held subjects' identifiers, their keys), whatever their number."""
    h, i = t.holds, t.identifiers
    held = select(h.c.subject_id).where(h.c.lifted_at.is_(None), h.c.record_id.is_(None),
                                        h.c.subject_id.is_not(None))
    rows = conn.execute(select(i.c.subject_id, i.c.kind, i.c.value).where(i.c.subject_id.in_(held))
                        .order_by(i.c.id)).all()
    keys = reg.keys.subject_keys(conn, {int(r.subject_id) for r in rows}) if rows else {}
    out: dict[str, list[str]] = {}
    for r in rows:
        out.setdefault(r.kind, []).append(decrypt(keys[int(r.subject_id)], r.value, r.kind.encode()).decode())
    return out


def sweep_datastore(reg: Register, store: Declared | Bound, as_of: date, *, dry_run: bool = False,
                    plan: bool = False, batch: int = 5000, url: str | None = None) -> SweepResult:
    """The retention sweep of a declared (or already opened) datastore with the register's holds (Art.
    17(3)(e)): the one entry the CLI, the REST API and the console call. The held people are read once."""
    with reg.engine.connect() as c:
        held = held_identifiers(reg, c)
    bound = store if isinstance(store, Bound) else open_datastore(store, url)
    result = sweep(bound, reg.policy, as_of, dry_run=dry_run, plan=plan, batch=batch, held=held)
    if not (dry_run or plan):  # audited like the register's own sweep; a preview changes nothing
        with reg.transaction() as c:
            reg.audit(c, DatastoreSwept(datastore=result.datastore, as_of=as_of.isoformat(),
                                        counts={x.table: x.done for x in result.tables if x.done}))
    return result


def _reachable(reg: Register) -> list[tuple[Any, str | None]]:
    """Each declared datastore with why it cannot be reached (its URL variable unset), else None."""
    return [(d, None if os.environ.get(d.store.url_env) else f"not reached: {d.store.url_env} is not set")
            for d in reg.datastores]


@erasure_hook
def datastore_erasure(reg: Register, conn: Connection, *, subject_ref: str, subject_id: int,
                      request_id: int | None, ground: str) -> dict[str, Any]:
    """Erase the subject in every declared datastore; the outcome lists per table what happened and why."""
    if not reg.datastores:
        return {}
    ids = subject_identifiers(reg, conn, subject_id)
    held = _held(conn, subject_id)
    results: dict[str, Any] = {}
    for declared, unreachable in _reachable(reg):
        if unreachable:
            results[declared.store.name] = unreachable
            continue
        done: DatastoreErasure = erase(open_datastore(declared), reg.policy, ids, hash_key=hash_key(reg),
                                       held=held)
        results[declared.store.name] = [x.as_json() for x in done.tables]
        reg.audit(conn, DatastoreErased(subject_ref=subject_ref, datastore=declared.store.name,
                                        counts=done.counts(), request_id=request_id))
    return {"datastores": results}


@access_hook
def datastore_access(reg: Register, conn: Connection, *, subject_ref: str, subject_id: int,
                     order_numbers: Sequence[str]) -> list[DatastoreCopy]:
    """The subject's rows in every reachable datastore, for the register copy."""
    if not reg.datastores:
        return []
    ids = subject_identifiers(reg, conn, subject_id)
    return [access(open_datastore(d), ids, order_numbers=order_numbers)
            for d, unreachable in _reachable(reg) if unreachable is None]


def replay_datastores(reg: Register, entries: list[Any], *, dry_run: bool = False) -> dict[str, Any]:
    """After restoring a datastore: erase again everyone of the ledger ``entries`` found in it (by the keyed
    hashes of their identifiers). Per datastore: people found and rows per outcome, or why not reached. Only
    erasures of the whole subject reached the datastores (``rights.erase``): an entry limited to purposes (an
    objection, Art. 21) did not, and is not redone there."""
    from personvern.datastores.ledger import replay

    lookups = {bytes.fromhex(h) for e in entries if (e.records or {}).get("purposes") is None for h in e.lookups}
    out: dict[str, Any] = {}
    for declared, unreachable in _reachable(reg):
        if unreachable:
            out[declared.store.name] = unreachable
            continue
        done = replay(open_datastore(declared), reg.policy, lookups, reg.keys.lookup, hash_key=hash_key(reg),
                      dry_run=dry_run)
        out[declared.store.name] = {"people": done.people, "rows": done.counts()}
    return out
