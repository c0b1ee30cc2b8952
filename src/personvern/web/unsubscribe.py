"""``/avmelding/<token>``: the one-click unsubscribe link of a marketing message, honoured without a login
(markedsføringsloven § 15; RFC 8058). GET shows what will happen and a button (link checkers in mail systems
open links, and must not unsubscribe anyone); POST does it — the mail client's one-click POST with
``List-Unsubscribe=One-Click`` as well as the button. Either way it is a withdrawal in the consent ledger.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from personvern.errors import PersonvernError
from personvern.web.i18n import lang_of, page, translate

router = APIRouter(include_in_schema=False)


def _words(request: Request, purpose: str, channel: str) -> dict[str, str]:
    reg = request.app.state.register
    lang = lang_of(request)
    p = reg.policy.purpose(purpose)
    return {"purpose": p.name(lang) if p else purpose, "channel": translate(lang, f"channel.{channel}")}


@router.get("/avmelding/{token}", response_class=HTMLResponse)
def confirm(request: Request, token: str) -> Response:
    from personvern.consent.unsubscribe import read_token

    try:
        _subject, purpose, channel = read_token(request.app.state.register, token)
    except PersonvernError:
        return page(request, "public/unsubscribe.html", {"state": "invalid"}, status=400)
    return page(request, "public/unsubscribe.html", {"state": "ask", "token": token,
                                                      **_words(request, purpose, channel)})


@router.post("/avmelding/{token}", response_class=HTMLResponse)
async def unsubscribe(request: Request, token: str) -> Response:
    from personvern.consent.unsubscribe import unsubscribe as honour

    try:
        done = await run_in_threadpool(honour, request.app.state.register, token)
    except PersonvernError:
        return page(request, "public/unsubscribe.html", {"state": "invalid"}, status=400)
    return page(request, "public/unsubscribe.html", {"state": "done", **_words(request, done.purpose,
                                                                                done.channel)})
