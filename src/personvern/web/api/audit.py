"""The audit trail: verify the chain, read entries, and who looked at a subject's data (Art. 5(2), 15(1))."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from personvern import audit
from personvern.errors import RegisterError
from personvern.register import Register
from personvern.web.api._common import OFFICER, acting

router = APIRouter(tags=["audit"])


class VerifyOut(BaseModel):
    ok: bool
    entries: int
    broken_seq: int | None
    kind: str | None
    detail: str


class EntryOut(BaseModel):
    seq: int
    at: datetime
    actor: str
    role: str
    action: str
    subject_ref: str | None
    purpose: str | None
    record_ids: list[int]
    details: dict[str, Any]


@router.get("/audit/verify", response_model=VerifyOut)
def verify(reg: Register = Depends(acting(*OFFICER))) -> VerifyOut:
    """Walk the hash chain, after sealing the journal of audited reads into it; a break names its entry and kind
    (never raises for a broken chain)."""
    audit.seal_all(reg.engine)
    with reg.engine.connect() as c:
        result = audit.verify(c)
    return VerifyOut(ok=result.ok, entries=result.entries, broken_seq=result.broken_seq,
                     kind=str(result.kind) if result.kind else None, detail=result.detail)


@router.get("/audit/entries", response_model=list[EntryOut])
def entries(subject: str | None = None, actor: str | None = None, action: list[str] | None = Query(None),
            since: datetime | None = None, until: datetime | None = None,
            limit: int = Query(200, ge=1, le=5000), newest_first: bool = True,
            reg: Register = Depends(acting(*OFFICER))) -> list[EntryOut]:
    """Entries matching every filter; ``since``/``until`` as ISO datetimes with a zone."""
    with reg.engine.connect() as c:
        found = audit.entries(c, subject, _utc(since), _utc(until), actor, actions=action, limit=limit,
                              newest_first=newest_first)
    return [EntryOut(**e.as_dict()) for e in found]


@router.get("/subjects/{ref}/audit", response_model=list[EntryOut])
def subject_entries(ref: str, limit: int = Query(500, ge=1, le=5000),
                    reg: Register = Depends(acting(*OFFICER))) -> list[EntryOut]:
    """Everything done to one subject's data, newest first."""
    with reg.engine.connect() as c:
        return [EntryOut(**e.as_dict()) for e in audit.entries(c, ref, limit=limit, newest_first=True)]


@router.get("/subjects/{ref}/accesses", response_model=list[EntryOut])
def subject_accesses(ref: str, limit: int = Query(1000, ge=1, le=10000),
                     reg: Register = Depends(acting(*OFFICER))) -> list[EntryOut]:
    """Who looked at the subject's data: lookups, views, reads, exports, disclosures (Art. 15(1)(c))."""
    with reg.engine.connect() as c:
        return [EntryOut(**e.as_dict()) for e in audit.accesses(c, ref, limit=limit)]


def _utc(moment: datetime | None) -> datetime | None:
    if moment is not None and moment.tzinfo is None:
        raise RegisterError("give a time zone, e.g. 2026-01-05T00:00:00Z", field="since")
    return moment
