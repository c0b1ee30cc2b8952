"""Customer service: find a caller by phone, e-mail, customer or order number, see the profile, log the
contact, open and close cases (TZ8, TZ10, TZ11, SN4). Lookups and views are audited with the purpose,
never with the text searched (Art. 5(2), 30); the search is a POST so the number stays out of URLs."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from personvern import service
from personvern.register import Register
from personvern.service import CaseView, ContactView
from personvern.web.api._common import STAFF, acting, plain
from personvern.web.limits import Body, Ref

router = APIRouter(tags=["service"])


class Lookup(Body):
    query: str = Field(min_length=1, max_length=200, description="a phone number in any format, an e-mail, "
                                                                 "a customer or order number")
    kind: str | None = Field(None, description="force the identifier kind instead of guessing it")
    purpose: str = Field(description="why the agent looks (a purpose of the policy), e.g. customer_service")


class Hit(BaseModel):
    subject: str | None
    kind: str
    matched_by: str
    identifiers: dict[str, list[str]]
    sealed_records: list[int]


class NewContact(Body):
    channel: Literal["phone", "email", "sms", "post", "chat"]
    direction: Literal["in", "out"]
    purpose: str
    text: str | None = Field(None, max_length=20000, description="an e-mail's text, or a short note of a "
                            "call (the call itself is not recorded; settings.calls)")
    case: str | None = None
    at: datetime | None = None


class ContactId(BaseModel):
    id: int


class NewCase(Body):
    subject: Ref | None = None
    identifiers: dict[str, Any] | None = Field(None, description="find or create the profile by these (TZ8)")
    kind: Literal["service", "complaint", "warranty"]
    purpose: str


class CloseCase(Body):
    on: date | None = None


@router.post("/service/lookup", response_model=list[Hit])
def find(body: Lookup, reg: Register = Depends(acting(*STAFF))) -> list[Hit]:
    """Who is on the line: subjects (and sealed records, by order number only, TZ4) with masked identifiers."""
    return [Hit(**plain(h)) for h in service.lookup(reg, body.query, kind=body.kind, purpose=body.purpose,
                                                    by=reg.actor)]


@router.get("/service/profile/{ref}", response_model=dict[str, Any])
def profile(ref: str, purpose: str, lang: Literal["nb", "en"] = "nb",
            reg: Register = Depends(acting(*STAFF))) -> dict[str, Any]:
    """The agent's view: records per purpose with basis and time left, cases, contacts, consents,
    restrictions and open requests (TZ8, TZ10); restricted data is not shown (Art. 18(2))."""
    result: dict[str, Any] = plain(service.profile(reg, ref, purpose=purpose, by=reg.actor, lang=lang))
    return result


@router.get("/subjects/{ref}/contacts", response_model=list[ContactView])
def contacts(ref: str, reg: Register = Depends(acting(*STAFF))) -> list[ContactView]:
    return service.contacts(reg, ref)


@router.post("/subjects/{ref}/contacts", status_code=201, response_model=ContactId)
def log_contact(ref: str, body: NewContact, reg: Register = Depends(acting(*STAFF))) -> ContactId:
    """Log a call or message on the profile (TZ11)."""
    return ContactId(id=service.log_contact(reg, ref, channel=body.channel, direction=body.direction,
                                            purpose=body.purpose, by=reg.actor, text=body.text, case=body.case,
                                            at=body.at))


@router.get("/subjects/{ref}/cases", response_model=list[CaseView])
def list_cases(ref: str, reg: Register = Depends(acting(*STAFF))) -> list[CaseView]:
    return service.cases(reg, ref)


@router.post("/cases", status_code=201, response_model=CaseView)
def open_case(body: NewCase, reg: Register = Depends(acting(*STAFF))) -> CaseView:
    """Open a case on a subject, or on the profile the identifiers find, creating one if none does (TZ8)."""
    return service.open_case(reg, subject=body.subject, identifiers=body.identifiers, kind=body.kind,
                             purpose=body.purpose, by=reg.actor)


@router.post("/cases/{case_ref}/close", response_model=CaseView)
def close_case(case_ref: str, body: CloseCase, reg: Register = Depends(acting(*STAFF))) -> CaseView:
    """Close a case; its records' retention now counts from today (TP3)."""
    return service.close_case(reg, case_ref, by=reg.actor, on=body.on)
