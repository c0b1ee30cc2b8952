"""Subjects, identifiers, records and events (Art. 5(1)(b)–(e), Art. 6, Art. 30).

Identifiers are masked unless a privacy officer asks for them in clear (the clear read is audited). A search
by identifier is a POST so the value searched never lands in a URL or an access log (issue 8).
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from personvern.register import Register
from personvern.register.records import RecordView
from personvern.web.api._common import OFFICER, STAFF, acting
from personvern.web.limits import Body, Id, IdentifierMap, Ref

router = APIRouter(tags=["subjects"])

UseName = Literal["processing", "storage", "legal_claims", "others_rights", "consent", "public_interest"]


class NewSubject(Body):
    kind: str = Field(description="a subject kind of the policy, e.g. 'customer'")
    identifiers: IdentifierMap = Field(default_factory=dict)
    purpose: str | None = Field(None, description="the purpose that collects a national id (TP14, PI4)")
    linked_to: Ref | None = None


class SubjectRef(BaseModel):
    ref: str


class Search(Body):
    kind: str = Field(description="identifier kind: email, phone, customer_number, ...")
    value: str
    purpose: str | None = None


class Found(BaseModel):
    refs: list[str]


class SubjectOut(BaseModel):
    ref: str
    kind: str
    identifiers: dict[str, list[str]]


class NewIdentifiers(Body):
    identifiers: IdentifierMap
    purpose: str | None = None


class NewRecord(Body):
    purpose: str
    categories: list[str] = Field(min_length=1)
    payload: dict[str, Any] | None = None
    source: str = "subject"
    collected: date | None = None
    ref: str | None = Field(None, description="an order or case number (sealed on erasure, TZ4)")
    events: dict[str, date] | None = None
    use: UseName = "processing"


class RecordId(BaseModel):
    id: int


class Move(Body):
    from_purpose: str = Field(description="the purpose the subject's records are under now")
    to: str = Field(description="the purpose they move to: one of the first purpose's may_move_to")
    kind: str | None = Field(None, description="the subject's kind after the move, e.g. 'member'")


class Moved(BaseModel):
    records: list[int]


class NewEvent(Body):
    name: str = Field(description="an event the policy's retention rules use, e.g. 'purchase.made'")
    on: date
    subject: Ref | None = None
    record: Id | None = None


@router.post("/subjects", status_code=201, response_model=SubjectRef)
def add_subject(body: NewSubject, reg: Register = Depends(acting(*STAFF))) -> SubjectRef:
    """Add a data subject with identifiers (validated before anything is written)."""
    return SubjectRef(ref=reg.add_subject(body.kind, body.identifiers, purpose=body.purpose,
                                          linked_to=body.linked_to))


@router.post("/subjects/search", response_model=Found)
def find_subjects(body: Search, reg: Register = Depends(acting(*STAFF))) -> Found:
    """Subjects with this identifier in any common format; the search is audited without its value."""
    return Found(refs=reg.find(body.kind, body.value, purpose=body.purpose))


@router.get("/subjects/{ref}", response_model=SubjectOut)
def get_subject(ref: str, reg: Register = Depends(acting(*STAFF))) -> SubjectOut:
    """A subject with masked identifiers."""
    return SubjectOut(ref=ref, kind=reg.subject_kind(ref), identifiers=reg.identifiers(ref))


@router.get("/subjects/{ref}/identifiers/clear", response_model=SubjectOut)
def clear_identifiers(ref: str, reg: Register = Depends(acting(*OFFICER))) -> SubjectOut:
    """The identifiers in clear, for a privacy officer answering a request (the read is audited)."""
    return SubjectOut(ref=ref, kind=reg.subject_kind(ref), identifiers=reg.identifiers(ref, masked=False))


@router.post("/subjects/{ref}/identifiers", status_code=204)
def add_identifiers(ref: str, body: NewIdentifiers, reg: Register = Depends(acting(*STAFF))) -> None:
    reg.add_identifiers(ref, body.identifiers, purpose=body.purpose)


@router.get("/subjects/{ref}/records", response_model=list[RecordView])
def read_records(ref: str, purpose: str | None = None, use: UseName = "processing",
                 reg: Register = Depends(acting(*STAFF))) -> list[RecordView]:
    """A subject's records (one purpose or all); restricted data only for the uses Art. 18(2) allows."""
    return reg.read(ref, purpose, use=use)


@router.post("/subjects/{ref}/records", status_code=201, response_model=RecordId)
def write_record(ref: str, body: NewRecord, reg: Register = Depends(acting(*STAFF))) -> RecordId:
    """Write a record under a purpose the policy allows; its retention date is computed at once."""
    return RecordId(id=reg.write(ref, body.purpose, body.categories, body.payload, source=body.source,
                                 collected=body.collected, ref=body.ref, events=body.events, use=body.use))


@router.post("/events", status_code=204)
def record_event(body: NewEvent, reg: Register = Depends(acting(*STAFF))) -> None:
    """Record an event (a purchase, a contract's end) that retention rules count from."""
    reg.record_event(body.name, body.on, subject=body.subject, record=body.record)


@router.post("/subjects/{ref}/move", response_model=Moved)
def move_records(ref: str, body: Move, reg: Register = Depends(acting(*STAFF))) -> Moved:
    """Move the subject's records to the purpose a later event puts them under (``may_move_to``: a trial member
    who becomes a member) and change its kind; 403 with the reason when the policy does not allow the move."""
    return Moved(records=reg.move_records(ref, body.from_purpose, body.to, kind=body.kind))
