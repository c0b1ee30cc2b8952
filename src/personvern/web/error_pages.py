"""Error pages a person can use: in the page's language, inside the area's layout with its menu, with a way back.

A 403 in the console keeps the console's menu (the signed-in person can go where they may), a 404 in the portal
keeps the portal's; the words are the catalogue's (``error.<status>`` and ``error.<status>.text``), never the
framework's English detail. Domain refusals (400, 409, 422) show the library's own message under the heading.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from personvern.web.i18n import CATALOGUE, lang_of, page, translate

# Statuses whose message is always the catalogue's (the cause is not the library's to explain).
OWN_WORDS = (401, 403, 404, 405, 500)


def _area(request: Request) -> dict[str, Any]:
    """The layout and menu of the area the failed page belongs to, with whoever is signed in there."""
    from personvern.web.auth import principal

    path = request.url.path
    try:
        who = principal(request)
    except Exception:  # the error page must render even when the session store is what failed
        who = None
    if path.startswith("/console"):
        staff = who if who is not None and who.role != "subject" and who.via == "session" else None
        return {"layout": "console/_layout.html", "area": "console", "home": "/console", "who": staff}
    if path.startswith("/mine-sider"):
        subject = who if who is not None and who.role == "subject" else None
        return {"layout": "portal/_layout.html", "area": "portal", "home": "/mine-sider", "who": subject}
    return {"layout": "base.html", "area": "public", "home": "/", "who": None}


def render_error(request: Request, status: int, message: str) -> HTMLResponse:
    lang = lang_of(request)
    heading = translate(lang, f"error.{status}") if f"error.{status}" in CATALOGUE["nb"] else (
        translate(lang, "error.400"))
    own = f"error.{status}.text"
    text = translate(lang, own) if status in OWN_WORDS or own in CATALOGUE["nb"] else message
    context = {"status": status, "heading": heading, "message": text, **_area(request)}
    context["back"] = context["home"]
    return page(request, "error.html", context, status=status, title=heading)
