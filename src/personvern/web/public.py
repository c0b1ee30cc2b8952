"""Public pages: the landing page, the privacy notice generated from the active policy (Art. 13/14), static files.

``/personvern`` is rendered by :func:`personvern.notice.render_notice` from the same policy the register
enforces, so the notice a visitor reads and what the system does cannot drift apart (TP16, TZ1).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from markupsafe import Markup

from personvern.notice import render_notice
from personvern.web.i18n import lang_of, page

router = APIRouter(include_in_schema=False)
STATIC = Path(__file__).parent / "static"
MEDIA = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".svg": "image/svg+xml",
         ".png": "image/png", ".ico": "image/x-icon"}


@router.get("/", response_class=HTMLResponse)
def landing(request: Request) -> Response:
    return page(request, "public/landing.html")


@router.get("/personvern", response_class=HTMLResponse)
def privacy_notice(request: Request) -> Response:
    """The notice in the reader's language, inside the site's layout."""
    lang = lang_of(request)
    policy = request.app.state.register.policy
    html = render_notice(policy, "en" if lang == "en" else "nb", "html")
    return page(request, "public/notice.html", {"notice": Markup(_body_of(html))})


@router.get("/favicon.ico")
def favicon() -> Response:
    """Browsers ask for /favicon.ico whatever the page says: the same mark as <link rel=icon>."""
    return FileResponse(STATIC / "favicon.svg", media_type=MEDIA[".svg"], headers={"Cache-Control": "public, "
                                                                                   "max-age=86400"})


@router.get("/static/{name}")
def static(name: str) -> Response:
    """The stylesheet and script (served here so the routers need no mount; CSP stays 'self')."""
    path = STATIC / name
    if "/" in name or name.startswith(".") or path.suffix not in MEDIA or not path.is_file():
        return Response(status_code=404)
    return FileResponse(path, media_type=MEDIA[path.suffix], headers={"Cache-Control": "public, max-age=3600"})


def _body_of(html: str) -> str:
    """The inside of <body> of a full HTML document (the notice brings its own; the layout is ours)."""
    low = html.lower()
    start, end = low.find("<body"), low.rfind("</body>")
    if start < 0 or end < 0:
        return html
    return html[low.find(">", start) + 1:end]


# One-click unsubscribe from marketing (issue 15): public, no login.
from personvern.web.unsubscribe import router as _unsubscribe  # noqa: E402

router.include_router(_unsubscribe)
