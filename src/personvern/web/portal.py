"""The subject's portal "Mine sider" (issue 7): my data, why and for how long; my copy; my choices; my requests.

- Login by a single-use e-mail link (``rights.verification``: short-lived, rate-limited per address, only a
  hash stored); the page answers the same whether or not the address is known, so it tells nobody who is a
  customer. The link opens a page with a button: mail scanners that fetch links do not use it up.
- My data grouped by purpose with the legal basis, the retention in words and each record's date (Art. 15,
  TZ1, TP13a); the register copy as PDF and JSON (Art. 15(3)) and portable data (Art. 20, TP13b).
- Marketing channels per purpose (TP13f, Art. 7(3): withdrawing is as easy as giving), objection to direct
  marketing (Art. 21(2)-(3), TP13e), requests for rectification and erasure, followed to the end.
- A subject sees only their own data: every lookup is by the session's subject, and a request ref of
  another subject answers 404, never 403 (no oracle for which refs exist).
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import case, func, select
from starlette.concurrency import run_in_threadpool

from personvern.errors import InvalidIdentifier, NotFound, PersonvernError, RegisterError
from personvern.notice.wording import describe_basis, describe_retention
from personvern.policy import taxonomy
from personvern.register import Register
from personvern.register import schema as t
from personvern.register.outbox import Email, send_email
from personvern.web.auth import LoginRequired, Principal, end_session, require_page, start_session
from personvern.web.console import _safe_next, login_form_ok, set_form_token
from personvern.web.i18n import lang_of, page, problem, translate

router = APIRouter(include_in_schema=False)
SUBJECT = require_page("subject")
Me = Annotated[Principal, Depends(SUBJECT)]
LINK_TTL = timedelta(minutes=10)  # short-lived and single-use: the link is a key to the subject's data


def _acting(request: Request, me: Principal) -> Register:
    """The register acting as the data subject: audit entries name ``subject:<ref>`` as the actor."""
    reg: Register = request.app.state.register
    return reg.acting(me.actor, me.role)


def ctx(who: Principal | None, **kw: Any) -> dict[str, Any]:
    return {"area": "portal", "home": "/mine-sider", "who": who, **kw}


# -- login by e-mail link ---------------------------------------------------------------------------------

@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str | None = None, sent: bool = False, error: str | None = None) -> Response:
    import secrets

    lang = lang_of(request)
    token = secrets.token_urlsafe(24)
    response = page(request, "portal/login.html",
                    ctx(None, form_token=token, sent=sent, next=_safe_next(next, "/mine-sider"),
                        error=translate(lang, error) if error else None),
                    title=translate(lang, "portal.login"), status=400 if error else 200)
    set_form_token(request, response, token)
    return response


@router.post("/login", response_class=HTMLResponse)
def send_link(request: Request, background: BackgroundTasks, email: Annotated[str, Form()] = "",
              csrf: Annotated[str, Form()] = "") -> Response:
    """Send a login link if the address is known; the answer is the same either way, and so is its timing
    (issue 18): the answer needs only the address's format, and the lookup and the sending run after it is
    sent (a background task), so a known address is not slower to answer than an unknown one."""
    from personvern.register.identifiers import normalise

    if not login_form_ok(request, csrf):
        return login_page(request, error="login.expired")
    try:
        normalise("email", email)
    except InvalidIdentifier:
        return login_page(request, error="portal.bad_email")
    background.add_task(_link_if_known, request.app.state.register, email, lang_of(request),
                        request.app.state.config.base_url)
    return RedirectResponse("/mine-sider/login?sent=1", 303)


def _link_if_known(reg: Register, email: str, lang: str, base_url: str) -> None:
    """After the answer: look the address up and, if it is known, send the link (rate-limited per address)."""
    with suppress(PersonvernError):
        refs = reg.acting("portal", "system").find("email", email)
        if refs:
            _send_login_link(reg.acting("portal", "system"), refs[0], email, lang, base_url)


def _send_login_link(reg: Register, ref: str, email: str, lang: str, base_url: str) -> None:
    from personvern.register.identifiers import normalise
    from personvern.rights.verification import issue_token

    ident = normalise("email", email)
    with reg.transaction() as c:
        sid = reg.subject_id(c, ref)
        token = issue_token(reg, purpose="portal_login", subject_id=sid, address=email, ttl=LINK_TTL, conn=c)
        link = f"{base_url.rstrip('/')}/mine-sider/innlogging?token={token}"
        text = translate(lang, "mail.login_text", link=link, minutes=int(LINK_TTL.total_seconds() // 60),
                         name=reg.policy.controller.name)
        send_email(reg, c, Email(to=ident.value, subject=translate(lang, "mail.login_subject",
                                                                   name=reg.policy.controller.name), text=text),
                   topic="portal_login", idempotency_key=f"portal-login:{token[:24]}", masked_to=ident.masked,
                   subject_ref=ref)


@router.get("/innlogging", response_class=HTMLResponse)
def link_landing(request: Request, token: str = "") -> Response:
    """The page the e-mail links to: a button that logs in (a GET never uses the link up)."""
    return page(request, "portal/confirm_login.html", ctx(None, token=token),
                title=translate(lang_of(request), "portal.login"))


@router.post("/innlogging")
def redeem_link(request: Request, token: Annotated[str, Form()] = "") -> Response:
    from personvern.rights.verification import redeem_token

    reg: Register = request.app.state.register
    try:
        row = redeem_token(reg, token, purpose="portal_login")
    except RegisterError:
        return login_page(request, error="portal.bad_link")
    response = RedirectResponse("/mine-sider", 303)
    start_session(request, response, kind="portal", subject_id=int(row.subject_id))
    return response


@router.post("/logout")
def logout(request: Request, me: Me) -> Response:
    response = RedirectResponse("/mine-sider/login", status_code=303)
    end_session(request, response)
    return response


# -- my data ----------------------------------------------------------------------------------------------

@router.get("", response_class=HTMLResponse)
@router.get("/", response_class=HTMLResponse)
def my_page(request: Request, me: Me, done: str | None = None) -> Response:
    return home_page(request, me, done=done)


def home_page(request: Request, me: Me, *, done: str | None = None, error: PersonvernError | None = None) -> Response:
    """My data by purpose, my choices and my requests; a refused form is shown here with its 4xx status."""
    from personvern.consent.ledger import current
    from personvern.rights import requests as rq
    from personvern.service.lookup import display_name
    from personvern.web.app import status_of

    reg = _acting(request, me)
    ref = str(me.subject_ref)
    lang = lang_of(request)
    try:
        objected = objection_since(reg, ref)
        data, name = my_data(reg, ref, lang), display_name(reg, ref)
        choices = _channel_choices(reg, current(reg, ref), off=_suppressed(reg, ref))
        requests = rq.list_requests(reg, subject=ref)
    except NotFound:  # the subject was removed while the request ran (a sweep, an erasure): its session is gone
        raise LoginRequired("/mine-sider/login") from None
    return page(request, "portal/home.html",
                ctx(me, data=data, name=name, objected=objected, choices=choices, requests=requests,
                    flash=translate(lang, done) if done else None,
                    problem=problem(lang, error, detail=False) if error else None),
                title=translate(lang, "portal.title"), status=status_of(error) if error else 200)


@dataclass(frozen=True)
class MyPurpose:
    """One purpose on "my data": why (the basis), how long (the rule in words) and the dates (Art. 13/15)."""

    key: str
    name: str
    description: str
    legal_basis: str
    retention: str
    categories: list[str]
    records: int
    restricted: int
    first_end: date | None  # the earliest date a record is deleted
    last_end: date | None
    awaiting_event: int  # records whose end waits for an event (a case closed, a delivery done)


@dataclass(frozen=True)
class MyData:
    registered_since: datetime
    purposes: list[MyPurpose]


def my_data(reg: Register, ref: str, lang: str) -> MyData:
    """A light read of "my data by purpose" (Art. 15(1)(a)-(d)): one grouped query over the records and one
    over the restrictions, nothing decrypted, nothing exported — the register copy with its ``export.created``
    audit entry is made only when the subject downloads it (:func:`register_copy`)."""
    r, x = t.records, t.restrictions
    with reg.engine.connect() as c:
        subject = c.execute(select(t.subjects.c.id, t.subjects.c.kind, t.subjects.c.created_at)
                            .where(t.subjects.c.ref == ref)).first()
        if subject is None:
            raise NotFound(f"no subject {ref}", field="subject")
        rows = c.execute(select(r.c.purpose, func.count().label("n"), func.min(r.c.retention_until).label("first"),
                                func.max(r.c.retention_until).label("last"),
                                func.sum(case((r.c.retention_until.is_(None), 1), else_=0)).label("waiting"))
                         .where(r.c.subject_id == subject.id).group_by(r.c.purpose)).all()
        restr = c.execute(select(x.c.record_id, r.c.purpose).select_from(x.outerjoin(r, r.c.id == x.c.record_id))
                          .where(x.c.subject_id == subject.id, x.c.lifted_at.is_(None))).all()
    whole = any(z.record_id is None for z in restr)
    held = {z.purpose: 0 for z in restr}
    for z in restr:
        held[z.purpose] += 1
    counts = {row.purpose: row for row in rows}
    labels = taxonomy.categories(reg.policy)
    purposes = []
    for p in reg.policy.purposes:
        row = counts.get(p.key)
        if row is None:
            continue
        bases = p.bases
        purposes.append(MyPurpose(
            key=p.key, name=p.name(lang), description=p.description(lang),
            legal_basis="; ".join(describe_basis(b, lang) for b in bases),
            retention=describe_retention(p.retention, reg.policy, lang) if p.retention else "",
            categories=[taxonomy.label(labels, k, lang) for k in [*p.categories, *p.special_categories]],
            records=int(row.n), restricted=int(row.n) if whole else min(held.get(p.key, 0), int(row.n)),
            first_end=row.first, last_end=row.last, awaiting_event=int(row.waiting or 0)))
    return MyData(registered_since=subject.created_at, purposes=purposes)


def objection_since(reg: Register, ref: str) -> datetime | None:
    """When the subject objected to direct marketing (Art. 21(3)), if that objection stands."""
    x = t.suppressions.c
    with reg.engine.connect() as c:
        sid = reg.subject_id(c, ref)
        return c.execute(select(func.min(x.created_at)).where(x.subject_id == sid, x.reason == "objection")
                         ).scalar()


def _suppressed(reg: Register, ref: str) -> set[tuple[str | None, str | None]]:
    """(purpose, channel) pairs the subject is opted out of; None is every purpose or channel."""
    x = t.suppressions.c
    with reg.engine.connect() as c:
        sid = reg.subject_id(c, ref)
        return {(r.purpose, r.channel) for r in c.execute(select(x.purpose, x.channel).where(x.subject_id == sid))}


def _channel_choices(reg: Register, states: list[Any],
                     off: set[tuple[str | None, str | None]] | None = None) -> list[dict[str, Any]]:
    """Per marketing purpose its channels and whether each is on. Under the existing-customer exception
    (markedsføringsloven § 15) a channel is on until the subject turns it off; otherwise only with consent.
    A channel the subject objected to or opted out of (``off``) is shown off, whatever the consent says."""
    out: dict[str, dict[str, Any]] = {}
    blocked = off or set()
    for s in states:
        p = reg.policy.purpose(s.purpose)
        if p is None or p.marketing is None or s.channel is None:
            continue
        soft = p.marketing.soft_opt_in and p.legal_basis.article != "a"
        stopped = any((bp in (None, p.key)) and (bc in (None, s.channel)) for bp, bc in blocked)
        on = not stopped and (s.state == "given" or (soft and s.state == "never"))
        out.setdefault(p.key, {"purpose": p, "channels": []})["channels"].append({"channel": s.channel, "on": on})
    return list(out.values())


@router.get("/registerkopi.{fmt}")
def register_copy(request: Request, fmt: str, me: Me) -> Response:
    """My register copy as PDF or JSON (Art. 15(3)); audited as an export."""
    from personvern.rights.access import access_report, render_access_report

    if fmt not in ("pdf", "json"):
        raise NotFound("no such format; pdf or json", field="format")
    reg = _acting(request, me)
    lang = "en" if lang_of(request) == "en" else "nb"
    body = render_access_report(access_report(reg, str(me.subject_ref)), fmt, lang)  # type: ignore[arg-type]
    media = "application/pdf" if fmt == "pdf" else "application/json"
    name = ("register-copy" if lang == "en" else "registerkopi") + f".{fmt}"
    return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/dataportabilitet.zip")
def portable(request: Request, me: Me) -> Response:
    """The data I gave under consent or contract, JSON and CSV in a zip (Art. 20, TP13b)."""
    from personvern.rights.portability import portable_data

    body = portable_data(_acting(request, me), str(me.subject_ref))
    return Response(body, media_type="application/zip",
                    headers={"Content-Disposition": 'attachment; filename="dataportabilitet.zip"'})


# -- my choices -------------------------------------------------------------------------------------------

@router.post("/kanaler")
async def set_channels(request: Request, me: Me) -> Response:
    """Turn marketing channels on and off: each change is a consent given or withdrawn (Art. 7(3), TP13f)."""
    form = await request.form()
    wanted = {str(v) for v in form.getlist("on")}  # "purpose:channel" of every box left on
    reg = _acting(request, me)
    try:
        await run_in_threadpool(apply_channels, reg, str(me.subject_ref), wanted, me.actor, lang_of(request))
    except PersonvernError as exc:
        return await run_in_threadpool(home_page, request, me, error=exc)
    return RedirectResponse("/mine-sider?done=done.channels#kanaler", 303)


def apply_channels(reg: Register, ref: str, wanted: set[str], by: str, lang: str) -> int:
    """Give or withdraw per channel where the wish differs from the current state; returns the changes."""
    from personvern.consent.ledger import current, give, withdraw

    changes = 0
    for choice in _channel_choices(reg, current(reg, ref)):
        key = choice["purpose"].key
        for ch in choice["channels"]:
            want = f"{key}:{ch['channel']}" in wanted
            if want and not ch["on"]:
                give(reg, ref, key, channel=ch["channel"], method="portal", text=None, lang=lang, by=by)
            elif ch["on"] and not want:
                withdraw(reg, ref, key, channel=ch["channel"], by=by)
            else:
                continue
            changes += 1
    return changes


@router.post("/innsigelse")
def object_to_marketing(request: Request, me: Me) -> Response:
    """Object to direct marketing and its profiling: it stops at once, on every channel, and the data used for
    it is erased or restricted (Art. 21(3), TP13e) — recorded as an objection request through the same entry as
    every other interface (``rights.object_for_subject``), and the subject gets the answer."""
    from personvern.rights import object_for_subject

    try:
        object_for_subject(_acting(request, me), str(me.subject_ref), by=me.actor, channel="portal",
                           lang=lang_of(request))
    except PersonvernError as exc:
        return home_page(request, me, error=exc)
    return RedirectResponse("/mine-sider?done=done.objected", 303)


# -- my requests ------------------------------------------------------------------------------------------

@router.post("/foresporsler")
def new_request(request: Request, me: Me, kind: Annotated[str, Form()] = "",
                what: Annotated[str, Form()] = "") -> Response:
    """Ask for rectification or erasure (or access, restriction, portability). The portal session is the
    verification of identity (Art. 12(6)); the text of a rectification is stored encrypted with the request."""
    try:
        ref = ask(_acting(request, me), str(me.subject_ref), kind, what, by=me.actor, lang=lang_of(request))
    except PersonvernError as exc:
        return home_page(request, me, error=exc)
    return RedirectResponse(f"/mine-sider/foresporsler/{ref}", 303)


def ask(reg: Register, subject: str, kind: str, what: str, *, by: str, lang: str = "nb") -> str:
    """Open the request verified by the portal session; returns its ref. The subject gets a receipt."""
    from personvern.rights import requests as rq

    if kind not in ("rectification", "erasure", "restriction", "access", "portability"):
        raise RegisterError("choose what you ask for", field="kind")
    if kind == "rectification" and not what.strip():
        raise RegisterError("say what is wrong and what it should be", field="what")
    view = rq.open_request(reg, kind, subject=subject, channel="portal", lang=lang)
    if view.status == "received":
        view = rq.verify(reg, view.ref, method="portal_session", by=by, subject=subject)
    if what.strip():
        rq.add_artifact(reg, view.ref, "subject-statement.txt", "text/plain; charset=utf-8", what.strip().encode())
    return view.ref


@router.get("/foresporsler/{ref}", response_class=HTMLResponse)
def my_request(request: Request, ref: str, me: Me) -> Response:
    from personvern.rights import requests as rq

    reg = _acting(request, me)
    try:
        view = rq.get_request(reg, ref)
    except NotFound:
        view = None
    if view is None or view.subject_ref != me.subject_ref:
        raise NotFound("no such request", field="request")  # another subject's ref: 404, not 403
    from personvern.rights.outcome import outcome_text

    return page(request, "portal/request.html", ctx(me, view=view, outcome=outcome_text(reg, view)),
                title=translate(lang_of(request), "request.title"))
