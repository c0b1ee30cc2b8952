"""The business's own databases (issue 16): a person's rows, the SQL an erasure or sweep would run, the sweep.

A data subject's access or erasure request reaches every datastore through ``/api/requests/{ref}/...`` (the
one path); these routes are the privacy officer's: look a person up in a datastore, review the SQL before it
runs (``plan``), preview the sweep. Running the sweep is for admins, as for the register's.
"""

from __future__ import annotations

import os
from datetime import date
from typing import Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from personvern.errors import NotFound
from personvern.policy.datastores import Declared
from personvern.register import Register
from personvern.web.api._common import ADMIN, OFFICER, acting
from personvern.web.limits import Body

router = APIRouter(tags=["datastores"])


class Person(Body):
    email: list[str] = Field(default_factory=list, max_length=20)
    phone: list[str] = Field(default_factory=list, max_length=20)
    order_number: list[str] = Field(default_factory=list, max_length=100)
    customer_number: list[str] = Field(default_factory=list, max_length=20)
    national_id: list[str] = Field(default_factory=list, max_length=5)

    def identifiers(self) -> dict[str, list[str]]:
        return {k: v for k, v in self.model_dump().items() if v}


class StoreOut(BaseModel):
    name: str
    url_env: str
    reachable: bool = Field(description="whether its URL variable is set in the server's environment")
    read_only: bool
    tables: list[str]


class SweepIn(Body):
    as_of: date | None = None
    dry_run: bool = True


def declared_store(reg: Register, name: str) -> Declared:
    """The policy's datastore ``name``, or NotFound (404)."""
    found = next((d for d in reg.datastores if d.store.name == name), None)
    if found is None:
        raise NotFound(f"no datastore '{name}' in the policy", field="name")
    return found


@router.get("/datastores", response_model=list[StoreOut])
def list_datastores(reg: Register = Depends(acting(*OFFICER))) -> list[StoreOut]:
    return [StoreOut(name=d.store.name, url_env=d.store.url_env, reachable=bool(os.environ.get(d.store.url_env)),
                     read_only=d.store.read_only, tables=[t.table for t in d.store.tables]) for d in reg.datastores]


@router.post("/datastores/{name}/access")
def datastore_access(name: str, person: Person, reg: Register = Depends(acting(*OFFICER))) -> dict[str, Any]:
    """The person's rows in every mapped table (one snapshot, one query per table)."""
    from personvern.datastores import access, open_datastore

    return access(open_datastore(declared_store(reg, name)), person.identifiers()).as_json()


@router.post("/datastores/{name}/erasure-plan")
def erasure_plan(name: str, person: Person, reg: Register = Depends(acting(*OFFICER))) -> dict[str, Any]:
    """The SQL an erasure of the person would run, in order, and what it would do per table; nothing changes."""
    from personvern.datastores import erase, open_datastore
    from personvern.datastores.requests import hash_key

    done = erase(open_datastore(declared_store(reg, name)), reg.policy, person.identifiers(), hash_key=hash_key(reg),
                 plan=True)
    return {**done.as_json(), "statements": done.statements}


@router.post("/datastores/{name}/sweep/preview")
def sweep_preview(name: str, body: SweepIn, reg: Register = Depends(acting(*OFFICER))) -> dict[str, Any]:
    """Due rows per table and rule on ``as_of`` (default today); nothing changes."""
    from personvern.datastores import open_datastore, sweep

    store = open_datastore(declared_store(reg, name))
    return sweep(store, reg.policy, body.as_of or reg.today(), dry_run=True).as_json()


@router.post("/datastores/{name}/sweep/run")
def sweep_run(name: str, body: SweepIn, reg: Register = Depends(acting(*ADMIN))) -> dict[str, Any]:
    """Delete the due rows (keyset batches, one transaction each)."""
    from personvern.datastores import open_datastore, sweep

    return sweep(open_datastore(declared_store(reg, name)), reg.policy, body.as_of or reg.today(),
                 dry_run=body.dry_run).as_json()
