"""The demo mailbox: every e-mail in the outbox, decrypted, newest first — so a newcomer can follow a login
link without a mail server. Mounted by ``create_app`` only when ``WebConfig.demo`` is on; never in production,
since it shows clear addresses and links to anyone who can reach the server."""

from __future__ import annotations

import re

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup, escape
from sqlalchemy import select

from personvern.register import schema as t
from personvern.register.outbox import body_of
from personvern.web.i18n import page

router = APIRouter(include_in_schema=False)
LINK = re.compile(r"https?://[^\s<>\"]+")


@router.get("", response_class=HTMLResponse)
@router.get("/", response_class=HTMLResponse)
def mailbox(request: Request, limit: int = 50) -> Response:
    reg = request.app.state.register
    with reg.engine.connect() as c:
        rows = c.execute(select(t.outbox).where(t.outbox.c.kind == "email")
                         .order_by(t.outbox.c.id.desc()).limit(max(1, min(limit, 500)))).all()
    mails = []
    for row in rows:
        body = body_of(reg, row)
        mails.append({"id": row.id, "to": body.get("to", ""), "subject": body.get("subject", ""),
                      "text": linkify(str(body.get("text") or "")), "topic": row.topic, "status": row.status,
                      "created_at": row.created_at})
    return page(request, "mailbox.html", {"mails": mails}, title="Mailbox")


def linkify(text: str) -> Markup:
    """Escape the text and make its http(s) links clickable."""
    return Markup(LINK.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', str(escape(text))))
