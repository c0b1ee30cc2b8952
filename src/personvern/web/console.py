"""The staff console (issue 7): an agent with a caller on the line, a privacy officer with requests due.

Agents look callers up by phone (any format, results as they type), see the profile and log contacts (TZ8,
TZ10, SN4); the privacy officer handles the request queue by deadline (Art. 12(3)), restricts (Art. 18,
TP13d) and erases (Art. 17, TZ4) with a confirmation step, previews the sweep, reads the audit trail (Art.
5(2)) and the policy with its generated notice and ROPA (Art. 13/14, 30); admin sees everything. Every page
acts through ``acting_register`` so the audit trail names the person (issue 8). Login: username and password
(argon2id, web/auth.py), a CSRF token even on the login form, and one generic message for any failure.
"""

from __future__ import annotations

import secrets
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from sqlalchemy import select

from personvern.errors import NotFound, PersonvernError, RegisterError
from personvern.policy.retention import UNTIL_ASKED
from personvern.register import Register
from personvern.register import schema as t
from personvern.rights.requests import OPEN as OPEN_STATES
from personvern.service.lookup import lookup, profile
from personvern.web import lockout
from personvern.web.auth import (
    Principal,
    acting_register,
    client_address,
    end_session,
    require_page,
    start_session,
)
from personvern.web.i18n import lang_of, page, problem, translate

router = APIRouter(include_in_schema=False)
LOGIN_COOKIE = "pv_login"  # double-submit token for login forms, which have no session yet
AGENT = require_page("agent")
OFFICER = require_page("privacy_officer")
STAFF = require_page("agent", "privacy_officer")
Who = Annotated[Principal, Depends(STAFF)]
OPEN = OPEN_STATES  # the open request states have one home: rights.requests
SERVICE_PURPOSES = ("customer_service", "customer_support", "support", "customer_profile", "customers")


def ctx(who: Principal | None, **kw: Any) -> dict[str, Any]:
    return {"area": "console", "home": "/console", "who": who, **kw}


def kind_namer(reg: Register, lang: str) -> Any:
    """The subject kind's label in the reader's language (``customer`` -> ``kunde``)."""
    from personvern.policy import taxonomy

    labels = taxonomy.subjects(reg.policy)
    return lambda kind: taxonomy.label(labels, kind, lang) if kind in labels else kind


def service_purpose(reg: Register) -> str:
    """The purpose under which an agent looks a caller up and views the profile (TZ10): the policy's
    customer service purpose, else the first purpose."""
    keys = [p.key for p in reg.policy.purposes]
    return next((k for k in SERVICE_PURPOSES if k in keys), keys[0])


# -- login ------------------------------------------------------------------------------------------------

def set_form_token(request: Request, response: Response, token: str) -> None:
    """The double-submit cookie of a login form (the same token is in the form)."""
    response.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="strict",
                        secure=request.app.state.config.secure_cookies, max_age=3600)


def login_form_ok(request: Request, sent: str) -> bool:
    cookie = request.cookies.get(LOGIN_COOKIE, "")
    return bool(cookie) and secrets.compare_digest(cookie, sent or "")


def _safe_next(target: str | None, default: str) -> str:
    return target if target and target.startswith("/") and not target.startswith("//") else default


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str | None = None, error: str | None = None, status: int = 401,
               minutes: int = 0) -> Response:
    lang = lang_of(request)
    token = secrets.token_urlsafe(24)
    response = page(request, "console/login.html",
                    ctx(None, next=_safe_next(next, "/console"), form_token=token,
                        error=translate(lang, error, minutes=minutes) if error == "login.locked" else
                        translate(lang, error) if error else None),
                    title=translate(lang, "console.login"), status=status if error else 200)
    set_form_token(request, response, token)
    return response


@router.post("/login")
def login(request: Request, username: Annotated[str, Form()] = "", password: Annotated[str, Form()] = "",
          csrf: Annotated[str, Form()] = "", next: Annotated[str, Form()] = "/console") -> Response:
    if not login_form_ok(request, csrf):
        return login_page(request, next, error="login.expired")
    try:
        user = lockout.login_staff(request.app.state.register, username, password, client_address(request))
    except lockout.Refused as exc:  # too many failures: refused before the password is checked (issue 18)
        response = login_page(request, next, error="login.locked", status=429, minutes=-(-exc.seconds // 60))
        response.headers["Retry-After"] = str(exc.seconds)
        return response
    if user is None:
        return login_page(request, next, error="login.failed")  # one message, whatever was wrong
    response = RedirectResponse(_safe_next(next, "/console"), status_code=303)
    start_session(request, response, kind="staff", user_id=user.id)
    response.delete_cookie(LOGIN_COOKIE)
    return response


@router.post("/logout")
def logout(request: Request, who: Who) -> Response:
    response = RedirectResponse("/console/login", status_code=303)
    end_session(request, response)
    return response


@router.get("", response_class=HTMLResponse)
@router.get("/", response_class=HTMLResponse)
def home(who: Who) -> Response:
    return RedirectResponse("/console/requests" if who.role == "privacy_officer" else "/console/lookup", 303)


# -- lookup and the subject view (agents) -----------------------------------------------------------------

@router.get("/lookup", response_class=HTMLResponse)
def lookup_page(request: Request, who: Who, q: str = "") -> Response:
    """Find a customer: agents with a caller on the line, the privacy officer with a letter in hand."""
    reg = acting_register(request, who)
    return page(request, "console/lookup.html", ctx(who, q=q, active="lookup",
                                                   purpose=reg.policy.purpose(service_purpose(reg))),
                title=translate(lang_of(request), "console.lookup"))


@router.get("/lookup/results", response_class=HTMLResponse)
def lookup_results(request: Request, who: Who, q: str = "") -> Response:
    """The fragment the lookup page fetches as the agent types (TZ10); audited per lookup."""
    reg = acting_register(request, who)
    hits, problem = [], None
    if len(q.strip()) >= 3:
        try:
            hits = lookup(reg, q, purpose=service_purpose(reg))
        except RegisterError:
            problem = "lookup.not_an_identifier"
    return page(request, "console/_results.html", ctx(who, q=q, hits=hits, problem=problem,
                                                     kind_name=kind_namer(reg, lang_of(request))))


@router.get("/subjects/{ref}", response_class=HTMLResponse)
def subject_view(request: Request, ref: str, who: Who, done: str | None = None) -> Response:
    return subject_page(request, who, ref, done=done)


def subject_page(request: Request, who: Principal, ref: str, *, done: str | None = None,
                 error: PersonvernError | None = None) -> Response:
    """The profile (TZ8, TZ10) with its forms; a refusal from the library is shown here with its 4xx."""
    from personvern.service.cases import CASE_KINDS
    from personvern.service.contact import CALL_NOTE_MAX
    from personvern.web.app import status_of

    reg = acting_register(request, who)
    lang = lang_of(request)
    view = profile(reg, ref, purpose=service_purpose(reg), lang=lang)
    with reg.engine.connect() as c:
        sid = reg.subject_id(c, ref)
        disclosures = c.execute(select(t.disclosures).where(t.disclosures.c.subject_id == sid)
                                .order_by(t.disclosures.c.disclosed_at.desc()).limit(20)).all()
        requests = c.execute(select(t.requests).where(t.requests.c.subject_id == sid)
                             .order_by(t.requests.c.received_at.desc())).all()
    return page(request, "console/subject.html",
                ctx(who, view=view, disclosures=disclosures, requests=requests, today=reg.today(),
                    waits_for=awaited_events(reg, lang), contact_now=contact_now(reg, ref, lang),
                    calls=reg.policy.settings.calls, note_max=CALL_NOTE_MAX,
                    flash=translate(lang, done) if done else None, active="lookup", kind_name=kind_namer(reg, lang),
                    purpose_name=lambda key: _purpose_name(reg, key, lang), case_kinds=CASE_KINDS,
                    case_purposes=_case_purposes(reg, view.kind, lang),
                    problem=problem(lang, error) if error else None),
                title=view.name or translate(lang, "subject.title"), status=status_of(error) if error else 200)


def awaited_events(reg: Register, lang: str) -> dict[str, str]:
    """Per purpose, the event(s) its retention waits for, in words ("kundeservicesaken er avsluttet")."""
    from personvern.notice.wording import join
    from personvern.policy.retention import anchors

    named: dict[str, str] = {}
    for p in reg.policy.purposes:
        labels = [reg.policy.events[a] for a in sorted(anchors(p.retention)) if a in reg.policy.events] if (
            p.retention) else []
        if labels:
            named[p.key] = join([getattr(x, lang if lang == "en" else "nb") for x in labels], lang, "or")
    return named


CONTACT_CHANNELS = ("email", "sms", "phone", "post")


def contact_now(reg: Register, ref: str, lang: str) -> list[dict[str, Any]]:
    """"May I send this customer an SMS / call them now?" for every channel: the consent rules' answer
    (``may_contact``) per marketing purpose using it, with the reason in the reader's language; a channel no
    purpose markets on says so in words (``allowed`` None: a service message is not marketing)."""
    from personvern.consent import may_contact

    answers: list[dict[str, Any]] = []
    for channel in CONTACT_CHANNELS:
        marketed = [p for p in reg.policy.purposes if p.marketing is not None and channel in p.marketing.channels]
        if not marketed:
            answers.append({"purpose": None, "channel": channel, "allowed": None, "reason": translate(
                lang, "contact.not_marketed", channel=translate(lang, f"contact.medium.{channel}"))})
        for p in marketed:
            try:
                d = may_contact(reg, ref, p.key, channel)
            except PersonvernError as exc:  # e.g. no address for the channel: the library's reason, not a skip
                answers.append({"purpose": p.name(lang), "channel": channel, "allowed": False, "reason": str(exc)})
                continue
            answers.append({"purpose": p.name(lang), "channel": channel, "allowed": d.allowed,
                            "reason": d.reason if lang == "en" else d.reason_nb})
    return answers


def _case_purposes(reg: Register, kind: str, lang: str) -> list[tuple[str, str]]:
    """Purposes a case may be opened under for this subject's kind: those kept until ``case.closed`` (TP3),
    else the customer service purpose (TZ8)."""
    first = service_purpose(reg)
    keys = [p for p in reg.policy.purposes if kind in p.subjects and "case.closed" in repr(p.retention)]
    keys = keys or [p for p in reg.policy.purposes if p.key == first]
    return [(p.key, p.name(lang)) for p in sorted(keys, key=lambda p: p.key != first)]


def _act(request: Request, who: Principal, ref: str, done: str, action: Any, *args: Any, **kw: Any) -> Response:
    """Run one action on the subject; a refusal from the library is shown on the subject page."""
    try:
        action(acting_register(request, who), *args, **kw)
    except PersonvernError as exc:
        return subject_page(request, who, ref, error=exc)
    return RedirectResponse(f"/console/subjects/{ref}?done={done}", 303)


@router.post("/subjects/{ref}/contact")
def log_contact_action(request: Request, ref: str, who: Annotated[Principal, Depends(AGENT)],
                       channel: Annotated[str, Form()] = "phone", direction: Annotated[str, Form()] = "in",
                       note: Annotated[str, Form()] = "") -> Response:
    """Log a contact with a note, stored under the service purpose: an e-mail's text, or a short summary of a
    call (the call itself is not recorded; the library refuses a long text, or any text when the policy
    forbids call notes, and says why)."""
    from personvern.service.contact import log_contact

    reg = acting_register(request, who)
    return _act(request, who, ref, "done.contact", log_contact, ref, channel=channel, direction=direction,
                purpose=service_purpose(reg), by=who.actor, text=note.strip() or None)


@router.post("/subjects/{ref}/cases")
def open_case_action(request: Request, ref: str, who: Who, kind: Annotated[str, Form()] = "",
                     purpose: Annotated[str, Form()] = "", description: Annotated[str, Form()] = "") -> Response:
    """Open a service or complaint case on the profile (TZ8); its record is kept until the case is closed,
    and at least 30 days after (TP3)."""
    from personvern.service.cases import open_case

    return _act(request, who, ref, "done.case_opened", open_case, subject=ref, kind=kind, purpose=purpose,
                by=who.actor, description=description.strip() or None)


@router.post("/subjects/{ref}/cases/{case}/close")
def close_case_action(request: Request, ref: str, case: str, who: Who,
                      on: Annotated[str, Form()] = "") -> Response:
    """Close a case: ``case.closed`` starts its retention (TP3: closed, and at least 30 days)."""
    from personvern.service.cases import close_case

    def close(reg: Register) -> None:
        if case not in {c.ref for c in profile_cases(reg, ref)}:
            raise NotFound("no such open case on this customer", field="case")
        close_case(reg, case, by=who.actor, on=_day(on))

    return _act(request, who, ref, "done.case_closed", close)


def profile_cases(reg: Register, ref: str) -> list[Any]:
    from personvern.service.cases import cases

    return [c for c in cases(reg, ref) if c.closed_at is None]


def _day(text: str) -> date | None:
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise RegisterError("give the date as YYYY-MM-DD", field="on") from None


def _purpose_name(reg: Register, key: str, lang: str) -> str:
    p = reg.policy.purpose(key)
    return getattr(p.name, lang) if p else key


# -- privacy officer: requests, sweep, audit, policy --------------------------------------------------------

@router.get("/requests", response_class=HTMLResponse)
def requests_queue(request: Request, who: Annotated[Principal, Depends(OFFICER)], show: str = "open") -> Response:
    """Requests sorted by their effective deadline, overdue ones flagged (Art. 12(3))."""
    from personvern.rights import requests as rq

    reg = acting_register(request, who)
    rows = rq.list_requests(reg, status=None if show == "all" else "open")
    overdue = sum(1 for x in rows if x.overdue)
    return page(request, "console/requests.html", ctx(who, rows=rows, overdue=overdue, show=show,
                                                     active="requests", open_states=OPEN),
                title=translate(lang_of(request), "nav.requests"))


@router.get("/sweep", response_class=HTMLResponse)
def sweep_preview(request: Request, who: Annotated[Principal, Depends(OFFICER)],
                  as_of: date | None = None) -> Response:
    """What the retention sweep would delete, reduce or hand over on a chosen date; nothing is changed."""
    reg = acting_register(request, who)
    day = as_of or reg.today()
    report = reg.sweep(as_of=day, dry_run=True)
    purposes = sorted(set(report.deleted) | set(report.reduced) | set(report.review) | set(report.handed_over)
                      | set(report.held))
    held = {k: sum(v.values()) for k, v in report.held.items()}
    return page(request, "console/sweep.html", ctx(who, report=report, day=day, purposes=purposes,
                                                  active="sweep", held=held, held_total=sum(held.values()),
                                                  purpose_name=lambda k: _purpose_name(reg, k, lang_of(request)),
                                                  event_name=lambda k: _event_name(reg, k, lang_of(request))),
                title=translate(lang_of(request), "nav.sweep"))


def _event_name(reg: Register, key: str, lang: str) -> str:
    if key == UNTIL_ASKED:  # kept until the subject asks (issue 14 item 5): no event, no period
        return translate(lang, "sweep.until_asked")
    label = reg.policy.events.get(key)
    return getattr(label, lang) if label else key


@router.get("/policy", response_class=HTMLResponse)
def policy_page(request: Request, who: Annotated[Principal, Depends(OFFICER)], show: str = "notice") -> Response:
    from personvern.notice import render_notice
    from personvern.web.public import _body_of

    if show == "ropa":  # the Art. 30 record has its own page (console_ropa.py)
        return RedirectResponse("/console/policy/ropa", 303)
    reg = acting_register(request, who)
    lang: Literal["nb", "en"] = "en" if lang_of(request) == "en" else "nb"
    html = render_notice(reg.policy, lang, "html")
    return page(request, "console/policy.html", ctx(who, document=Markup(_body_of(str(html))), show=show,
                                                   active="policy"),
                title=translate(lang, "nav.policy"))


# The request desk (verify, extend, refuse, carry out, rectify, decide) lives in its own module.
from personvern.web.console_audit import router as _audit  # noqa: E402
from personvern.web.console_datastores import router as _datastores  # noqa: E402
from personvern.web.console_destructive import router as _destructive  # noqa: E402
from personvern.web.console_requests import router as _desk  # noqa: E402
from personvern.web.console_ropa import router as _ropa  # noqa: E402

router.include_router(_desk)
router.include_router(_audit)
router.include_router(_ropa)
router.include_router(_destructive)
router.include_router(_datastores)
