"""Datastores: the policy enforced in the business's own database (issue 16).

Access, erasure and the retention sweep run against the tables a mapping declares
(``personvern.policy.datastores``), with set-based SQL on SQLite, PostgreSQL and MariaDB:

    b = open_datastore(declared)                       # URL from the declared environment variable
    copy = access(b, {"email": ["kari@example.no"]})   # one SELECT per mapped table, one snapshot
    done = erase(b, policy, {"email": [...]}, hash_key=key)
    report = sweep(b, policy, date.today(), dry_run=True)

``check_schema`` checks a mapping against the live schema, ``reach`` says whether a datastore answers now
(and why not); ``scan`` drafts a mapping from one.
"""

from __future__ import annotations

from personvern.datastores._engine import engine_for, normalise_url, url_of
from personvern.datastores._graph import Bound, bind
from personvern.datastores.access import DatastoreCopy, TableCopy, access
from personvern.datastores.check import Reach, check_schema, reach
from personvern.datastores.erasure import DatastoreErasure, TableErasure, erase
from personvern.datastores.sweep import SweepResult, TableSweep, sweep
from personvern.policy.datastores import Declared

__all__ = ["Bound", "DatastoreCopy", "DatastoreErasure", "Reach", "SweepResult", "TableCopy", "TableErasure",
           "TableSweep", "access", "bind", "check_schema", "engine_for", "erase", "normalise_url",
           "open_datastore", "reach", "sweep", "url_of"]


def open_datastore(declared: Declared, url: str | None = None) -> Bound:
    """The datastore bound to its database: ``url``, else the one in its environment variable. The schema is
    reflected once per process and URL (reflection costs more than a whole access request)."""
    store = declared.store
    target = url or url_of(store)
    key = (declared.file, declared.at, store.name, target)
    bound = _BOUND.get(key)
    if bound is None or bound.store is not store:
        bound = _BOUND[key] = bind(store, engine_for(target))
    return bound


_BOUND: dict[tuple[object, ...], Bound] = {}
