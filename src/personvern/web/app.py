"""The web application: REST API under /api, staff console under /console, the subject's portal under
/mine-sider, the public notice under /personvern, and (demo only) the captured mailbox under /mailbox.

``create_app(reg)`` is all a server or a test needs; every request acts through ``reg.acting(...)`` so
that the audit trail names the person behind it. The core packages never import from here.

Domain errors become HTTP statuses in one place, :func:`install_error_handlers` (STYLE.md habit 3): JSON
``{"error": message, "field": field}`` under /api, a friendly page elsewhere; no traceback reaches a client.
"""

from __future__ import annotations

import logging
import traceback
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from personvern import errors
from personvern.register import Register

log = logging.getLogger("personvern.web")


@dataclass(frozen=True)
class WebConfig:
    base_url: str = "http://127.0.0.1:8000"
    demo: bool = False  # demo mode: outgoing e-mail is captured and shown at /mailbox
    secure_cookies: bool = True  # False only for plain-http localhost (demo, tests)
    default_lang: str = "nb"


OPENAPI_TAGS = [
    {"name": "subjects", "description": "Data subjects, identifiers, records, events (Art. 5, 6, 30)"},
    {"name": "retention", "description": "Holds, restriction, erasure and the retention sweep (Art. 5(1)(e), 17, 18)"},
    {"name": "requests", "description": "Data subject requests with deadlines (Art. 12–22)"},
    {"name": "consent", "description": "Consent ledger and contact decisions (Art. 7, 21; markedsføringsloven § 15)"},
    {"name": "service", "description": "Customer service: lookup, profile, contact log, cases"},
    {"name": "outbox", "description": "Outgoing e-mail and webhooks; Art. 19 acknowledgements"},
    {"name": "audit", "description": "The hash-chained audit trail (Art. 5(2))"},
    {"name": "policy", "description": "The active policy, its notice (Art. 13/14) and ROPA (Art. 30)"},
    {"name": "admin", "description": "API tokens and staff users"},
]


def create_app(reg: Register, config: WebConfig | None = None) -> FastAPI:
    from personvern.web import api, console, mailbox, portal, public
    from personvern.web.headers import SecurityHeaders
    from personvern.web.limits import BodyLimit
    from personvern.web.openapi import install_openapi

    config = config or WebConfig()
    app = FastAPI(title="personvern", version="0.1", docs_url="/api/docs", openapi_url="/api/openapi.json",
                  redoc_url=None, openapi_tags=OPENAPI_TAGS)
    app.state.register = reg
    app.state.config = config
    app.include_router(api.router, prefix="/api")
    app.include_router(console.router, prefix="/console")
    app.include_router(portal.router, prefix="/mine-sider")
    app.include_router(public.router)
    if config.demo:
        app.include_router(mailbox.router, prefix="/mailbox")
    install_error_handlers(app)
    install_openapi(app)
    app.add_middleware(SecurityHeaders, hsts=config.secure_cookies)
    app.add_middleware(BodyLimit)
    return app


# -- errors ---------------------------------------------------------------------------------------------

def status_of(exc: errors.PersonvernError) -> int:
    """The HTTP status of a domain error: the one table of the mapping."""
    if isinstance(exc, errors.NotFound):
        return 404
    if isinstance(exc, errors.Forbidden):
        return 403  # not allowed as things stand (an unverified requester, Art. 12(6))
    if isinstance(exc, errors.StateConflict):
        return 409  # valid, but not from the state the request or data is in
    if isinstance(exc, errors.ConsentRequired | errors.RestrictedProcessing | errors.CryptoError
                  | errors.AuditChainBroken | errors.DatastoreError):
        return 409  # the request is valid but the data's state forbids it (Art. 7, Art. 18(2), shredded keys)
    if isinstance(exc, errors.InvalidIdentifier | errors.UnknownPurpose | errors.CategoryNotAllowed
                  | errors.NationalIdNotAllowed | errors.ImportRowError | errors.PolicyError):
        return 422
    return 400


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api") or "application/json" in request.headers.get("accept", "")


def error_response(request: Request, status: int, message: str, field: str | None = None,
                   headers: dict[str, str] | None = None) -> Response:
    if _wants_json(request):
        return JSONResponse({"error": message, "field": field}, status_code=status, headers=headers)
    return _error_page(request, status, message, headers)



def _error_page(request: Request, status: int, message: str, headers: dict[str, str] | None) -> Response:
    """The UI's templates/error.html (through web.i18n) when it renders, else plain text."""
    try:
        from personvern.web.error_pages import render_error

        response = render_error(request, status, message)
        if headers:
            response.headers.update(headers)
        return response
    except Exception as exc:  # the error page must never fail
        log.error("error.html failed to render: %s", type(exc).__name__)
    return PlainTextResponse(f"{status}: {message}", status_code=status, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    from personvern.web.auth import LoginRequired
    from personvern.web.lockout import Refused

    async def domain(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, errors.PersonvernError)
        return error_response(request, status_of(exc), str(exc), getattr(exc, "field", None))

    async def http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if isinstance(exc.__cause__, RecursionError):  # FastAPI's body parser hit JSON nested too deep
            return error_response(request, 422, "input nested too deeply")
        return error_response(request, exc.status_code, str(exc.detail), None, getattr(exc, "headers", None))

    async def invalid(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        problems = exc.errors()
        first: dict[str, Any] = problems[0] if problems else {}
        loc = [str(p) for p in first.get("loc", ()) if p not in ("body", "query", "path", "form", "header")]
        field = ".".join(loc) or None
        message = "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ())[1:]) or 'input'}: {e.get('msg', '')}"
                            for e in problems[:5])
        return error_response(request, 422, message or "invalid input", field)

    async def refused(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, Refused)  # too many failed logins or tokens from here (web.lockout)
        return error_response(request, 429, str(exc), None, {"Retry-After": str(exc.seconds)})

    async def login(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, LoginRequired)
        return RedirectResponse(exc.location, status_code=303)

    async def crash(request: Request, exc: Exception) -> Response:
        if isinstance(exc, RecursionError):  # JSON nested past Python's recursion limit (issue 18)
            return error_response(request, 422, "input nested too deeply")
        # frames only: the exception's message may carry input values, which stay out of the log
        log.error("unhandled %s on %s %s\n%s", type(exc).__name__, request.method, request.url.path,
                  "".join(traceback.format_tb(exc.__traceback__)))
        return error_response(request, 500, "internal error; it has been logged")

    app.add_exception_handler(errors.PersonvernError, domain)
    app.add_exception_handler(StarletteHTTPException, http)
    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(LoginRequired, login)
    app.add_exception_handler(Refused, refused)
    app.add_exception_handler(Exception, crash)
