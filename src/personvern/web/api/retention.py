"""Holds, restriction, erasure and the retention sweep (Art. 5(1)(e), Art. 17, Art. 18; TZ4, TP13d).

A privacy officer places and lifts holds and restrictions, erases, previews the sweep for any date and finds
a sealed bookkeeping record by its order number (TZ4). Running the sweep by hand is for admins (the worker
runs it on schedule).
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from personvern import rights
from personvern.errors import RegisterError
from personvern.register import Register
from personvern.register import holds as holds_
from personvern.register.holds import Hold, Restriction
from personvern.register.records import RecordView
from personvern.web.api._common import ADMIN, OFFICER, STAFF, acting, plain
from personvern.web.limits import Body, Id, IdPath, Ref

router = APIRouter(tags=["retention"])


class NewHold(Body):
    subject: Ref | None = None
    record: Id | None = None
    reason: str = Field(min_length=1, max_length=500)
    kind: Literal["legal_claim", "access_request"] = "legal_claim"


class Lifted(BaseModel):
    deleted: int = Field(description="records that were overdue and went when the hold was lifted")


class NewRestriction(Body):
    ground: Literal["accuracy", "unlawful", "legal_claims", "objection"] = Field(
        description="Art. 18(1) a-d: accuracy contested, unlawful, needed for legal claims, objection pending")
    reason: str = Field(min_length=1, max_length=500)
    record: Id | None = Field(None, description="restrict one record only; default the whole subject")


class Created(BaseModel):
    id: int


class RestrictionCreated(BaseModel):
    id: int = Field(description="the restriction's id (lift it with DELETE /restrictions/{id})")
    request: str = Field(description="the staff-initiated request it was recorded under (channel 'staff')")


class EraseSubject(Body):
    ground: Literal["a", "b", "c", "d", "e", "f"] = Field(
        description="the Art. 17(1) ground the erasure rests on (required: there is no default)")
    age_at_collection: int | None = Field(None, ge=0, le=130, description="ground f: the age when collected")
    note: str | None = Field(None, max_length=200, description="why, for the request record (no personal data)")


class ErasureOut(BaseModel):
    subject: str
    request: str | None = Field(description="the staff-initiated erasure request (channel 'staff')")
    erased: dict[str, int]
    kept: list[dict[str, Any]]
    subject_removed: bool


class WaitingOut(BaseModel):
    records: int
    events: list[str]


class SweepOut(BaseModel):
    as_of: date
    dry_run: bool
    deleted: dict[str, int]
    reduced: dict[str, int]
    review: dict[str, int]
    handed_over: dict[str, int]
    held: dict[str, dict[str, int]]
    subjects_removed: int
    waiting: dict[str, WaitingOut] = Field(
        default_factory=dict, description="per purpose, records with no due date and the events their rule "
        "awaits (nothing is kept silently)")


class SweepRun(Body):
    as_of: date | None = None


class SealedSearch(Body):
    order_number: str = Field(min_length=1, max_length=64)


@router.get("/subjects/{ref}/holds", response_model=list[Hold])
def list_holds(ref: str, active: bool = True, reg: Register = Depends(acting(*OFFICER))) -> list[Hold]:
    return holds_.holds(reg, subject=ref, active=active)


@router.post("/holds", status_code=201, response_model=Created)
def place_hold(body: NewHold, reg: Register = Depends(acting(*OFFICER))) -> Created:
    """Hold a subject or one record past its retention (a legal claim, a pending access request)."""
    return Created(id=reg.place_hold(subject=body.subject, record=body.record, reason=body.reason,
                                     kind=body.kind, by=reg.actor))


@router.post("/holds/{hold_id}/lift", response_model=Lifted)
def lift_hold(hold_id: IdPath, reg: Register = Depends(acting(*OFFICER))) -> Lifted:
    return Lifted(deleted=reg.lift_hold(hold_id, by=reg.actor))


@router.get("/subjects/{ref}/restrictions", response_model=list[Restriction])
def list_restrictions(ref: str, reg: Register = Depends(acting(*STAFF))) -> list[Restriction]:
    """Active restrictions: an agent must see them before using the data (Art. 18(2))."""
    return holds_.restrictions(reg, ref)


@router.post("/subjects/{ref}/restrictions", status_code=201, response_model=RestrictionCreated)
def restrict(ref: str, body: NewRestriction, reg: Register = Depends(acting(*OFFICER))) -> RestrictionCreated:
    """Restrict processing (Art. 18(1)) on the officer's own initiative: recorded as a request with channel
    'staff', recipients told (Art. 19); only storage and the Art. 18(2) uses remain."""
    view = rights.restrict_subject(reg, ref, ground=body.ground, reason=body.reason, by=reg.actor,
                                   record_ids=[body.record] if body.record is not None else None)
    return RestrictionCreated(id=int(view.details["restriction_ids"][0]), request=view.ref)


@router.delete("/restrictions/{restriction_id}", status_code=204)
def lift_restriction(restriction_id: IdPath, reg: Register = Depends(acting(*OFFICER))) -> None:
    rights.lift_restriction(reg, restriction_id, by=reg.actor)


@router.post("/subjects/{ref}/erase", response_model=ErasureOut)
def erase(ref: str, body: EraseSubject, reg: Register = Depends(acting(*OFFICER))) -> ErasureOut:
    """Erase a subject on the officer's own initiative (Art. 17) on the ground given: the same steps as an
    erasure request (recorded as one, channel 'staff'): holds and statutory keeps, sealing (TZ4), suppression,
    Art. 19 notices, explanation, audit, erasure ledger. ``GET /subjects/{ref}/erase/preview`` shows it first."""
    result = rights.erase_subject(reg, ref, ground=body.ground, by=reg.actor,
                                  age_at_collection=body.age_at_collection, note=body.note)
    return ErasureOut(subject=result.subject, request=result.request, erased=result.erased,
                      kept=[plain(k) for k in result.kept], subject_removed=result.subject_removed)


@router.get("/subjects/{ref}/erase/preview", response_model=rights.ErasurePreview)
def erase_preview(ref: str, reg: Register = Depends(acting(*OFFICER))) -> rights.ErasurePreview:
    """What an erasure would delete, seal and keep (with the ground and end date), and who would be told."""
    return rights.preview_erasure(reg, ref)


@router.get("/sweep/preview", response_model=SweepOut)
def sweep_preview(as_of: date | None = None, reg: Register = Depends(acting(*OFFICER))) -> SweepOut:
    """What the retention sweep would do on ``as_of`` (default today), changing nothing."""
    return SweepOut(**reg.sweep(as_of, dry_run=True).as_dict())


@router.post("/sweep/run", response_model=SweepOut)
def sweep_run(body: SweepRun, reg: Register = Depends(acting(*ADMIN))) -> SweepOut:
    """Run the sweep now (the worker runs it daily); never for a date in the future."""
    if body.as_of is not None and body.as_of > reg.today():
        raise RegisterError("the sweep runs for today or earlier; preview a future date instead", field="as_of")
    return SweepOut(**reg.sweep(body.as_of).as_dict())


@router.post("/sealed/search", response_model=list[RecordView])
def find_sealed(body: SealedSearch, reg: Register = Depends(acting(*OFFICER))) -> list[RecordView]:
    """A sealed bookkeeping record, found by its order number and by nothing else (TZ4)."""
    return reg.find_sealed(body.order_number)
