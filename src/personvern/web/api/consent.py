"""Consent per purpose and channel (Art. 7), the "may I contact?" decision (markedsføringsloven § 15,
ekomloven § 3-6, Art. 21) and the objection to direct marketing (Art. 21(2)-(3), TP13e, KL7)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from personvern import consent
from personvern.consent import ConsentEvent, ConsentState, Decision
from personvern.register import Register
from personvern.web.api._common import OFFICER, STAFF, acting
from personvern.web.limits import Body

router = APIRouter(tags=["consent"])


class GiveConsent(Body):
    purpose: str
    channel: str | None = Field(None, description="email, sms, phone, post ...; None for the purpose as a whole")
    method: str = Field(min_length=1, max_length=32, description="how it was given: web_form, paper, phone ...")
    text: str | None = Field(None, description="the exact wording shown; None: the policy's own wording")
    lang: Literal["nb", "en"] = "nb"
    age: int | None = Field(None, ge=0, le=150, description="the subject's age when a child may be giving it")


class WithdrawConsent(Body):
    purpose: str
    channel: str | None = None


class ConsentId(BaseModel):
    id: int


class Withdrawn(BaseModel):
    withdrawn: int


class ContactQuestion(Body):
    purpose: str
    channel: str
    at: datetime | None = None
    context: dict[str, Any] | None = Field(None, description="alarm_triggered, customer_unreachable (SN2d)")


class ObjectionOut(BaseModel):
    purposes: list[str]
    consents_withdrawn: list[int]
    suppressed: int = 0


@router.get("/subjects/{ref}/consents", response_model=list[ConsentState])
def current(ref: str, reg: Register = Depends(acting(*STAFF))) -> list[ConsentState]:
    """Per purpose × channel: given, withdrawn or never."""
    return consent.current(reg, ref)


@router.get("/subjects/{ref}/consents/history", response_model=list[ConsentEvent])
def history(ref: str, reg: Register = Depends(acting(*STAFF))) -> list[ConsentEvent]:
    """Every consent given and withdrawn, oldest first: the proof of Art. 7(1)."""
    return consent.history(reg, ref)


@router.post("/subjects/{ref}/consents", status_code=201, response_model=ConsentId)
def give(ref: str, body: GiveConsent, reg: Register = Depends(acting(*STAFF))) -> ConsentId:
    """Record a consent with the exact text shown and how it was given (Art. 7(1))."""
    return ConsentId(id=consent.give(reg, ref, body.purpose, channel=body.channel, method=body.method,
                                    text=body.text, lang=body.lang, by=reg.actor, age=body.age))


@router.post("/subjects/{ref}/consents/withdraw", response_model=Withdrawn)
def withdraw(ref: str, body: WithdrawConsent, reg: Register = Depends(acting(*STAFF))) -> Withdrawn:
    """Withdraw on one channel or all; as easy as giving it (Art. 7(3))."""
    return Withdrawn(withdrawn=consent.withdraw(reg, ref, body.purpose, channel=body.channel, by=reg.actor))


@router.post("/subjects/{ref}/may-contact", response_model=Decision)
def may_contact(ref: str, body: ContactQuestion, reg: Register = Depends(acting(*STAFF))) -> Decision:
    """May this subject be contacted for this purpose on this channel now? A stable code and the reason."""
    return consent.may_contact(reg, ref, body.purpose, body.channel, body.at, body.context)


@router.post("/subjects/{ref}/object-to-marketing", response_model=ObjectionOut)
def object_to_marketing(ref: str, reg: Register = Depends(acting(*OFFICER))) -> ObjectionOut:
    """Stop all direct marketing at once (Art. 21(2)-(3)) through the rights workflow's one entry
    (``rights.object_for_subject``, a request with channel ``staff``): consents withdrawn, addresses suppressed,
    the marketing records erased or restricted, the erasure ledger written."""
    from personvern.rights import object_for_subject

    done = object_for_subject(reg, ref, by=reg.actor).details
    return ObjectionOut(purposes=list(done.get("marketing_purposes", [])),
                        consents_withdrawn=list(done.get("consents_withdrawn", [])),
                        suppressed=int(done.get("suppression_entries", 0)))


class CampaignQuestion(Body):
    purpose: str
    channel: str
    at: datetime | None = None
    context: dict[str, Any] | None = None


class CampaignOut(BaseModel):
    purpose: str
    channel: str
    at: datetime
    counts: dict[str, int] = Field(description="subjects per decision code")
    total: int
    allowed_count: int


@router.post("/campaign/count", response_model=CampaignOut)
def campaign_count(body: CampaignQuestion, reg: Register = Depends(acting(*OFFICER))) -> CampaignOut:
    """How many subjects a campaign may reach, and why the others may not (one set-based query)."""
    result = consent.campaign(reg, body.purpose, body.channel, at=body.at, context=body.context, count_only=True)
    return CampaignOut(purpose=result.purpose, channel=result.channel, at=result.at, counts=dict(result.counts),
                       total=result.total, allowed_count=result.allowed_count)
