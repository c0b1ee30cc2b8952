"""Erasures replayed in a business database restored from a backup (Art. 17, Art. 5(1)(f)).

The register's erasure ledger keeps, per erased subject, keyed hashes (HMAC) of its identifiers — no clear
data. A shop database restored from a backup brings the erased customers back; :func:`replay` finds them by
hashing each identity value of the mapped tables the same way (normalised as the register normalises, under
the register's lookup key) and erases every person whose identifier is in the ledger, as the request did.
It reads the identity columns in keyset batches: a restore is rare, and no clear identifier was kept to
search by.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from personvern.datastores._graph import Bound
from personvern.datastores._match import normalised
from personvern.datastores.erasure import DatastoreErasure, erase
from personvern.policy.model import Policy

__all__ = ["DatastoreReplay", "replay"]

Lookup = Callable[[str, str], bytes]
BATCH = 5000


@dataclass
class DatastoreReplay:
    datastore: str
    people: int = 0
    erasures: list[DatastoreErasure] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for e in self.erasures:
            for k, v in e.counts().items():
                out[k] = out.get(k, 0) + v
        return out


def _identities(b: Bound) -> Iterable[tuple[str, str, Any, str]]:
    """(table, column, key, kind) sources: identity columns of every mapped table."""
    for t in b.store.tables:
        for column, kind in t.identity.items():
            yield t.table, column, t.key, kind


def found(b: Bound, lookups: set[bytes], lookup: Lookup) -> list[dict[str, list[str]]]:
    """The people (as identifiers) whose hashed identifier is in ``lookups``, one dict per hashed value."""
    hits: dict[bytes, dict[str, list[str]]] = {}
    with b.engine.connect() as c:
        for table, column, key, kind in _identities(b):
            t = b.table(table)
            last = None
            while True:
                q = select(t.c[key], t.c[column]).where(t.c[column].is_not(None)).order_by(t.c[key]).limit(BATCH)
                if last is not None:
                    q = q.where(t.c[key] > last)
                rows = c.execute(q).all()
                for _, value in rows:
                    value_n = normalised(kind, value)
                    if value_n is not None and (h := lookup(kind, value_n)) in lookups:
                        hits.setdefault(h, {}).setdefault(kind, [])
                        if value not in hits[h][kind]:
                            hits[h][kind].append(str(value))
                if len(rows) < BATCH:
                    break
                last = rows[-1][0]
    return list(hits.values())


def replay(b: Bound, policy: Policy, lookups: set[bytes], lookup: Lookup, *, hash_key: bytes,
           dry_run: bool = False) -> DatastoreReplay:
    """Erase again everyone in ``b`` whose identifier hashes to one of ``lookups``. Idempotent."""
    report = DatastoreReplay(b.store.name)
    people = found(b, lookups, lookup)
    report.people = len(people)
    for ids in people:
        report.erasures.append(erase(b, policy, ids, hash_key=hash_key, plan=dry_run))
    return report
