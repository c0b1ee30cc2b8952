"""The outbox (every outgoing e-mail, webhook and archive hand-over): list, dead letters, retry, and the
acknowledgement a recipient sends back for an Art. 19 notice or a TZ6 deletion instruction.

``POST /api/outbox/ack`` takes no token: the recipient signs the body with its webhook secret exactly as
the worker signs what it sends (``personvern.worker.transports``): headers ``X-Personvern-Timestamp`` and
``X-Personvern-Signature: sha256=<HMAC-SHA256(secret, "<timestamp>.<body>")>``, within five minutes.
"""

from __future__ import annotations

import json

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from pydantic import BaseModel, Field, ValidationError
from sqlalchemy import select

from personvern.errors import NotFound, RegisterError
from personvern.register import Register
from personvern.register import schema as t
from personvern.web.api._common import OFFICER, acting
from personvern.web.auth import public
from personvern.web.limits import IdPath
from personvern.worker import OutboxView, acknowledge, list_outbox, retry, verify_signature, webhook_secret

router = APIRouter(tags=["outbox"])


class Retried(BaseModel):
    retried: bool


class Ack(BaseModel):
    recipient: str = Field(description="the policy's recipient key whose secret signed this body")
    idempotency_key: str = Field(min_length=1, max_length=64, description="the Idempotency-Key we sent")


class Acked(BaseModel):
    acknowledged: bool


@router.get("/outbox", response_model=list[OutboxView])
def outbox(status: str | None = None, limit: int = Query(200, ge=1, le=5000),
           reg: Register = Depends(acting(*OFFICER))) -> list[OutboxView]:
    """The newest messages (bodies stay encrypted); ``status`` pending, delivered or dead."""
    return list_outbox(reg, status, limit=limit)


@router.get("/outbox/dead", response_model=list[OutboxView])
def dead_letters(reg: Register = Depends(acting(*OFFICER))) -> list[OutboxView]:
    """Messages the worker gave up on: each needs a person."""
    return list_outbox(reg, "dead")


@router.post("/outbox/{outbox_id}/retry", response_model=Retried)
def retry_dead(outbox_id: IdPath, reg: Register = Depends(acting(*OFFICER))) -> Retried:
    return Retried(retried=retry(reg, outbox_id))


@router.post("/outbox/{outbox_id}/ack", response_model=Acked)
def ack_by_staff(outbox_id: IdPath, reg: Register = Depends(acting(*OFFICER))) -> Acked:
    """A recipient confirmed by other means (a phone call, an e-mail): recorded by the privacy officer."""
    if not acknowledge(reg, outbox_id, by=reg.actor):
        raise NotFound(f"no outbox message {outbox_id}", field="outbox_id")
    return Acked(acknowledged=True)


@router.post("/outbox/ack", response_model=Acked,
             dependencies=[Depends(public("signed by the recipient's webhook secret (Art. 19 acknowledgement)"))])
async def ack_signed(request: Request) -> Acked:
    """A recipient acknowledges a notice: the body ``{"recipient": KEY, "idempotency_key": KEY}`` signed
    with the recipient's webhook secret. A wrong signature, an old timestamp or another recipient's message
    gets 401 without saying which."""
    raw = await request.body()
    try:
        body = Ack.model_validate(json.loads(raw or b"null"))
    except (ValueError, ValidationError):
        raise RegisterError("the body must be JSON {\"recipient\": ..., \"idempotency_key\": ...}",
                            field="body") from None
    reg: Register = request.app.state.register
    refused = HTTPException(401, detail="signature invalid or expired, or not this recipient's message")
    if body.recipient not in {r.key for r in reg.policy.recipients}:
        raise refused
    ok = verify_signature(webhook_secret(reg, body.recipient), request.headers.get("x-personvern-timestamp", ""),
                          raw, request.headers.get("x-personvern-signature", ""))
    with reg.engine.connect() as c:
        owner = c.execute(select(t.outbox.c.recipient)
                          .where(t.outbox.c.idempotency_key == body.idempotency_key)).first()
    if not ok or owner is None or owner.recipient != body.recipient:
        raise refused
    acknowledge(reg.acting(f"recipient:{body.recipient}", "recipient"), body.idempotency_key,
                by=f"recipient:{body.recipient}")
    return Acked(acknowledged=True)
