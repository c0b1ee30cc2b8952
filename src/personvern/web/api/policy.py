"""The active policy, its generated privacy notice (Art. 13/14) and the record of processing (Art. 30)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Body, Depends
from fastapi.responses import Response
from pydantic import BaseModel

from personvern.notice.privacy_notice import render_notice
from personvern.notice.ropa import render_ropa
from personvern.register import Register
from personvern.web.api._common import ADMIN, OFFICER, STAFF, acting

router = APIRouter(tags=["policy"])

ROPA_TYPES = {"csv": "text/csv; charset=utf-8", "xlsx":
              "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
              "json": "application/json", "html": "text/html; charset=utf-8", "jsonld": "application/ld+json"}


class PolicyOut(BaseModel):
    controller: str
    version: str
    effective: str
    purposes: list[dict[str, Any]]
    recipients: list[str]


@router.get("/policy", response_model=PolicyOut)
def policy(reg: Register = Depends(acting(*STAFF))) -> PolicyOut:
    """The active policy in brief: its version and purposes with their legal basis."""
    p = reg.policy
    return PolicyOut(controller=p.controller.name, version=str(p.policy.version),
                     effective=p.policy.effective.isoformat(),
                     purposes=[{"key": x.key, "article": str(x.legal_basis.article),
                                "categories": list(x.categories), "subjects": list(x.subjects)} for x in p.purposes],
                     recipients=[r.key for r in p.recipients])


def _files(*types: str) -> dict[int | str, dict[str, Any]]:
    """The 200 of a route that answers a document, in the media types it can have (OpenAPI, issue 18)."""
    return {200: {"description": "the document", "content": {t: {"schema": {}} for t in types}}}


@router.get("/policy/notice", response_class=Response,
            responses=_files("text/html; charset=utf-8", "text/markdown; charset=utf-8"))
def notice(lang: Literal["nb", "en"] = "nb", format: Literal["md", "html"] = "html",
           reg: Register = Depends(acting(*STAFF))) -> Response:
    """The privacy notice generated from the active policy (the public copy is at /personvern)."""
    media = "text/html; charset=utf-8" if format == "html" else "text/markdown; charset=utf-8"
    return Response(render_notice(reg.policy, lang, format), media_type=media)


@router.get("/policy/ropa", response_class=Response, responses=_files(*ROPA_TYPES.values()))
def ropa(format: Literal["csv", "xlsx", "json", "html", "jsonld"] = "json", lang: Literal["nb", "en"] = "nb",
         csv: Literal["excel", "plain"] = "excel", reg: Register = Depends(acting(*OFFICER))) -> Response:
    """The record of processing activities (Art. 30) in the format asked for. CSV opens in Norwegian Excel
    (UTF-8 with BOM, ``;``) unless ``csv=plain`` (RFC 4180, ``,``)."""
    body = render_ropa(reg.policy, format, lang, csv_style=csv)
    headers = {"Content-Disposition": f'attachment; filename="ropa.{format}"'} if format == "xlsx" else None
    return Response(body, media_type=ROPA_TYPES[format], headers=headers)


class Activation(BaseModel):
    version_id: int
    version: str
    sha256: str
    material: list[dict[str, str]]
    notified: int
    already_active: bool


@router.post("/policy/activate", response_model=Activation)
def activate(text: str = Body(..., media_type="application/yaml", description="the policy file (YAML)"),
             reg: Register = Depends(acting(*ADMIN))) -> Activation:
    """Record a new policy version and e-mail the subjects its material changes touch (TP16, Art. 13(3)).
    Problems come back as 422 with ``file:line: field: message`` each. The running server keeps the policy it
    was started with until it is restarted with the new file."""
    from dataclasses import asdict

    from personvern import service

    return Activation(**asdict(service.activate_policy(reg, text, by=reg.actor)))
