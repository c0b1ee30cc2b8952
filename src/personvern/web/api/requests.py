"""Data-subject requests (Art. 12–22): open, list by deadline, verify, extend, complete, refuse, and carry
out each right (access, portability, rectification, erasure, restriction, objection) through
``personvern.rights``. Artifacts (register copies, explanations) download from here.

Staff may open a request (an agent takes one on the phone); handling is the privacy officer's (TP13a–g).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from personvern.register import Register
from personvern.rights import handle, requests, verification
from personvern.rights.requests import RequestView
from personvern.web.api._common import OFFICER, STAFF, acting, plain

router = APIRouter(tags=["requests"])


class NewRequest(BaseModel):
    kind: Literal["access", "rectification", "erasure", "restriction", "objection", "portability"]
    subject: str | None = Field(None, description="the subject's ref; None if the requester is not yet known")
    channel: Literal["portal", "email", "letter", "phone", "api"] = "api"
    received_at: datetime | None = Field(None, description="when it arrived (with a zone); default now")
    details: dict[str, Any] | None = Field(None, description="ids and keys only, never personal data")


class Verify(BaseModel):
    method: Literal["email_code", "email_link", "id_document", "portal_session"]
    subject: str | None = None


class Reason(BaseModel):
    reason: str = Field(min_length=1, max_length=2000)


class Outcome(BaseModel):
    outcome: dict[str, Any] | None = None


def _default_langs() -> list[Literal["nb", "en"]]:
    return ["nb"]


class AccessAnswer(BaseModel):
    langs: list[Literal["nb", "en"]] = Field(default_factory=_default_langs)
    order_numbers: list[str] = Field(default_factory=list, description="reach sealed records (TZ4)")


class Rectify(BaseModel):
    changes: dict[int, dict[str, Any]] = Field(description="record id → {category: new value}")


class Erase(BaseModel):
    ground: str = Field(description="Art. 17(1) ground: a–f")
    age_at_collection: int | None = None


class Restrict(BaseModel):
    ground: Literal["accuracy", "unlawful", "legal_claims", "objection"]
    reason: str = Field(min_length=1, max_length=2000)
    record_ids: list[int] | None = None


class Objection(BaseModel):
    purpose: str | None = Field(None, description="None or a marketing purpose: direct marketing (Art. 21(2))")


class ObjectionDecision(BaseModel):
    upheld: bool
    reason: str = Field(min_length=1, max_length=2000)


class SendCode(BaseModel):
    email: str


class CheckCode(BaseModel):
    code: str = Field(min_length=1, max_length=16)


class ArtifactOut(BaseModel):
    name: str
    media_type: str
    size: int
    created_at: datetime


@router.get("/requests", response_model=list[RequestView])
def list_requests(status: str | None = None, overdue: bool = False,
                  due_within_days: int | None = Query(None, ge=0, le=366), subject: str | None = None,
                  include_repeats: bool = False, reg: Register = Depends(acting(*OFFICER))) -> list[RequestView]:
    """The queue, soonest deadline first; ``status=open`` for everything still to do."""
    return requests.list_requests(reg, status=status, overdue=overdue, due_within_days=due_within_days,
                                  subject=subject, include_repeats=include_repeats)


@router.post("/requests", status_code=201, response_model=RequestView)
def open_request(body: NewRequest, reg: Register = Depends(acting(*STAFF))) -> RequestView:
    """Register a request the day it arrives; the deadline runs from receipt (Art. 12(3))."""
    return requests.open_request(reg, body.kind, subject=body.subject, channel=body.channel,
                                     received_at=body.received_at, details=body.details)


@router.get("/requests/{ref}", response_model=RequestView)
def get_request(ref: str, reg: Register = Depends(acting(*OFFICER))) -> RequestView:
    return requests.get_request(reg, ref)


@router.post("/requests/{ref}/identity-requested", response_model=RequestView)
def identity_requested(ref: str, reg: Register = Depends(acting(*OFFICER))) -> RequestView:
    """More information was asked for to confirm identity (Art. 12(6))."""
    return requests.mark_identity_requested(reg, ref, by=reg.actor)


@router.post("/requests/{ref}/identity-received", response_model=RequestView)
def identity_received(ref: str, reg: Register = Depends(acting(*OFFICER))) -> RequestView:
    return requests.mark_identity_received(reg, ref, by=reg.actor)


@router.post("/requests/{ref}/verify", response_model=RequestView)
def verify(ref: str, body: Verify, reg: Register = Depends(acting(*OFFICER))) -> RequestView:
    """Record who verified the requester's identity and how (KL6, TP13a)."""
    return requests.verify(reg, ref, method=body.method, by=reg.actor, subject=body.subject)


@router.post("/requests/{ref}/send-code", status_code=204)
def send_code(ref: str, body: SendCode, reg: Register = Depends(acting(*OFFICER))) -> None:
    """E-mail a one-time code to an address the register has for the request's subject."""
    verification.send_code(reg, ref, body.email)


@router.post("/requests/{ref}/check-code", response_model=RequestView)
def check_code(ref: str, body: CheckCode, reg: Register = Depends(acting(*OFFICER))) -> RequestView:
    """The code the requester read out or typed: the right one verifies the request (method email_code)."""
    return verification.check_code(reg, ref, body.code, by=reg.actor)


@router.post("/requests/{ref}/start", response_model=RequestView)
def start(ref: str, reg: Register = Depends(acting(*OFFICER))) -> RequestView:
    return requests.start(reg, ref, by=reg.actor)


@router.post("/requests/{ref}/extend", response_model=RequestView)
def extend(ref: str, body: Reason, reg: Register = Depends(acting(*OFFICER))) -> RequestView:
    """Extend to three months from receipt, within the first month, telling the subject why (Art. 12(3))."""
    return requests.extend(reg, ref, reason=body.reason, by=reg.actor)


@router.post("/requests/{ref}/complete", response_model=RequestView)
def complete(ref: str, body: Outcome, reg: Register = Depends(acting(*OFFICER))) -> RequestView:
    return requests.complete(reg, ref, by=reg.actor, outcome=body.outcome)


@router.post("/requests/{ref}/refuse", response_model=RequestView)
def refuse(ref: str, body: Reason, reg: Register = Depends(acting(*OFFICER))) -> RequestView:
    """Refuse with the reason the subject is told, with the right to complain (Art. 12(4))."""
    return requests.refuse(reg, ref, reason=body.reason, by=reg.actor)


@router.get("/requests/{ref}/artifacts", response_model=list[ArtifactOut])
def artifacts(ref: str, reg: Register = Depends(acting(*OFFICER))) -> list[ArtifactOut]:
    return [ArtifactOut(**plain(a)) for a in requests.artifacts(reg, ref)]


@router.get("/requests/{ref}/artifacts/{name}")
def artifact(ref: str, name: str, reg: Register = Depends(acting(*OFFICER))) -> Response:
    """Download a register copy, portable data or explanation stored with the request."""
    media_type, body = requests.artifact(reg, ref, name)
    safe = "".join(ch for ch in name if ch.isalnum() or ch in "._-") or "artifact"
    return Response(body, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{safe}"'})


@router.post("/requests/{ref}/access", response_model=RequestView)
def answer_access(ref: str, body: AccessAnswer, reg: Register = Depends(acting(*OFFICER))) -> RequestView:
    """Build the register copy (Art. 15(1), 15(3)) as JSON and PDF and complete the request."""
    return handle.answer_access(reg, ref, by=reg.actor, langs=body.langs, order_numbers=body.order_numbers)


@router.post("/requests/{ref}/portability", response_model=RequestView)
def answer_portability(ref: str, reg: Register = Depends(acting(*OFFICER))) -> RequestView:
    """The data the subject provided under consent or contract, zipped (Art. 20)."""
    return handle.answer_portability(reg, ref, by=reg.actor)


@router.post("/requests/{ref}/rectify", response_model=RequestView)
def rectify(ref: str, body: Rectify, reg: Register = Depends(acting(*OFFICER))) -> RequestView:
    """Correct or complete records (Art. 16); recipients are told (Art. 19)."""
    return handle.rectify(reg, ref, body.changes, by=reg.actor)


@router.post("/requests/{ref}/erase", response_model=RequestView)
def erase(ref: str, body: Erase, reg: Register = Depends(acting(*OFFICER))) -> RequestView:
    """Erase on a ground of Art. 17(1); what the law keeps is explained (TP13c, TZ4)."""
    return handle.erase(reg, ref, ground=body.ground, by=reg.actor, age_at_collection=body.age_at_collection)


@router.post("/requests/{ref}/restrict", response_model=RequestView)
def restrict(ref: str, body: Restrict, reg: Register = Depends(acting(*OFFICER))) -> RequestView:
    """Restrict processing (Art. 18(1), TP13d); recipients are told."""
    return handle.restrict(reg, ref, ground=body.ground, reason=body.reason, by=reg.actor,
                               record_ids=body.record_ids)


@router.post("/requests/{ref}/object", response_model=RequestView)
def object_to(ref: str, body: Objection, reg: Register = Depends(acting(*OFFICER))) -> RequestView:
    """An objection (Art. 21): to direct marketing absolute and at once; otherwise restricted until decided."""
    return handle.object_to(reg, ref, purpose=body.purpose, by=reg.actor)


@router.post("/requests/{ref}/objection-decision", response_model=RequestView)
def decide_objection(ref: str, body: ObjectionDecision, reg: Register = Depends(acting(*OFFICER))) -> RequestView:
    """The recorded decision on an Art. 21(1) objection."""
    return handle.decide_objection(reg, ref, body.upheld, body.reason, by=reg.actor)
