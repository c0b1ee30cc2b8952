"""The privacy officer's desk for one request (issue 7): verify, extend, refuse, carry out, rectify, decide.

- Identity verified by a signed request with a copy of ID (KL6, Art. 12(6)): ``requests.verify`` with
  ``method="id_document"``; nothing is disclosed or changed before it.
- Extension to three months with the reason the subject is told (Art. 12(3)); refusal with the reason and
  the right to complain (Art. 12(4)).
- Rectification and completion record by record (Art. 16, TP13b): the subject's active records in the
  request's scope with their current values decrypted (audited as ``record.read`` under the rights purpose),
  edited, reviewed on a confirmation page, then ``rights.handle.rectify``; the recipients told under Art. 19
  are listed on the request page from the outbox (TZ6).
- An objection under Art. 21(1) to one purpose restricts its records until the recorded decision
  (``handle.decide_objection``); an objection to direct marketing is absolute at once (Art. 21(3), TP13e).

Every form posts with the session's CSRF token (``require_page``); a library refusal (``RegisterError``) is
shown as a friendly message on the same page with its 4xx status (``web.app.status_of``), never a traceback.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from personvern.audit.events import RecordRead
from personvern.errors import PersonvernError, RegisterError
from personvern.policy import taxonomy
from personvern.register import Register
from personvern.register import schema as t
from personvern.register.crypto import decrypt
from personvern.rights import handle
from personvern.rights import requests as rq
from personvern.web.auth import Principal, acting_register, require_page
from personvern.web.console_destructive import outcome_words
from personvern.web.i18n import lang_of, page, problem, translate

router = APIRouter(include_in_schema=False)
OFFICER = require_page("privacy_officer")
Officer = Annotated[Principal, Depends(OFFICER)]
OPEN = rq.OPEN  # the open request states have one home: rights.requests
ACTIONABLE = ("verified", "in_progress")
CHANGE_TOPICS = ("art19.rectification", "art19.erasure", "art19.restriction")


@dataclass
class EditableRecord:
    """One record on the rectification form: its current values as text, and the categories it may gain."""

    id: int
    purpose: str
    purpose_name: str
    collected_at: date
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # (category, label, value as text)
    addable: list[tuple[str, str]] = field(default_factory=list)  # (category, label) the purpose collects
    json_fields: set[str] = field(default_factory=set)  # categories whose value is not text: edited as JSON


# -- the request page -------------------------------------------------------------------------------------

def request_page(request: Request, who: Principal, ref: str, *, done: str | None = None,
                 error: PersonvernError | None = None) -> Response:
    """The request with its forms; ``error`` is shown in the reader's language with its 4xx status."""
    from personvern.web.app import status_of

    reg = acting_register(request, who)
    lang = lang_of(request)
    row = rq.get_request(reg, ref)
    editable = (rectification_records(reg, row, lang)
                if row.kind == "rectification" and row.status in ACTIONABLE and row.subject_ref else [])
    return page(request, "console/request.html",
                _ctx(who, row=row, artifacts=rq.artifacts(reg, ref), open_states=OPEN, actionable=ACTIONABLE,
                     notices=_notices(reg, row.id), editable=editable, objectable=_objectable(reg, lang),
                     objection_purpose=_purpose_name(reg, row.details.get("objection_purpose"), lang),
                     outcome_lines=outcome_words(reg, row.details, row.kind, lang),
                     flash=translate(lang, done) if done else None, problem=problem(lang, error) if error else None),
                title=translate(lang, "request.title"), status=status_of(error) if error else 200)


def _ctx(who: Principal, **kw: Any) -> dict[str, Any]:
    return {"area": "console", "home": "/console", "who": who, "active": "requests", **kw}


def _purpose_name(reg: Register, key: str | None, lang: str) -> str | None:
    p = reg.policy.purpose(key) if key else None
    return p.name(lang) if p else key


def _notices(reg: Register, request_id: int) -> Sequence[Any]:
    """The Art. 19 notices this request caused: recipient, channel and masked destination (TZ6)."""
    o = t.outbox
    with reg.engine.connect() as c:
        return c.execute(select(o.c.recipient, o.c.kind, o.c.topic, o.c.destination, o.c.status)
                         .where(o.c.request_id == request_id, o.c.topic.in_(CHANGE_TOPICS)).order_by(o.c.id)).all()


def _objectable(reg: Register, lang: str) -> list[tuple[str, str]]:
    """Purposes open to an Art. 21(1) objection: legitimate interest (f) or public task (e), not marketing."""
    return [(p.key, p.name(lang)) for p in reg.policy.purposes if p.marketing is None
            and not p.articles.isdisjoint({"e", "f"})]


def rectification_records(reg: Register, row: rq.RequestView, lang: str) -> list[EditableRecord]:
    """The subject's active records in the request's scope (``details.purposes`` / ``details.record_ids``,
    else all), values decrypted with one key read; the read is audited under the rights purpose (Art. 5(2))."""
    rec = t.records
    scope = row.details
    with reg.transaction() as c:
        sid = reg.subject_id(c, str(row.subject_ref))
        q = select(rec).where(rec.c.subject_id == sid, rec.c.state == "active")
        if scope.get("purposes"):
            q = q.where(rec.c.purpose.in_(list(scope["purposes"])))
        if scope.get("record_ids"):
            q = q.where(rec.c.id.in_([int(x) for x in scope["record_ids"]]))
        rows = c.execute(q.order_by(rec.c.purpose, rec.c.id)).all()
        key = reg.keys.subject_key(c, sid) if any(x.payload is not None for x in rows) else b""
        payloads = {x.id: json.loads(decrypt(key, x.payload, b"record")) if x.payload is not None else {}
                    for x in rows}
        read = tuple(x.id for x in rows if x.payload is not None)
        if read:
            reg.audit_read(c, RecordRead(subject_ref=row.subject_ref, purpose=reg.policy.settings.rights_purpose,
                                    record_ids=read))
    labels = taxonomy.categories(reg.policy)
    out = []
    for x in rows:
        p = reg.policy.purpose(x.purpose)
        payload = payloads[x.id] if isinstance(payloads[x.id], dict) else {}
        item = EditableRecord(x.id, x.purpose, p.name(lang) if p else x.purpose, x.collected_at)
        for cat, value in payload.items():
            item.fields.append((cat, taxonomy.label(labels, cat, lang), _as_text(value)))
            if not isinstance(value, str):
                item.json_fields.add(cat)
        item.addable = [(cat, taxonomy.label(labels, cat, lang)) for cat in (p.categories if p else [])
                        if cat not in payload]
        out.append(item)
    return out


def _as_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def changes_from_form(records: list[EditableRecord], form: Any) -> dict[int, dict[str, Any]]:
    """``{record_id: {category: new value}}`` for the fields that differ from the current values, and the
    categories added (completion). A non-text value is read back as JSON."""
    changes: dict[int, dict[str, Any]] = {}
    for item in records:
        for cat, _, current in item.fields:
            sent = form.get(f"v.{item.id}.{cat}")
            if sent is None or str(sent).strip() == current.strip():
                continue
            changes.setdefault(item.id, {})[cat] = _parsed(str(sent), cat in item.json_fields)
        added, value = str(form.get(f"add.{item.id}.cat") or ""), str(form.get(f"add.{item.id}.value") or "")
        if added and value.strip():
            if added not in {c for c, _ in item.addable}:
                raise RegisterError(f"record {item.id} cannot gain '{added}'", field="changes")
            changes.setdefault(item.id, {})[added] = value.strip()
    if not changes:
        raise RegisterError("nothing was changed: edit a value or add one", field="changes")
    return changes


def _parsed(text: str, as_json: bool) -> Any:
    if not as_json:
        return text.strip()
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise RegisterError("a structured value must stay valid JSON", field="json") from None


# -- routes -----------------------------------------------------------------------------------------------

@router.get("/requests/{ref}", response_class=HTMLResponse)
def request_detail(request: Request, ref: str, who: Officer, done: str | None = None) -> Response:
    return request_page(request, who, ref, done=done)


def _step(request: Request, who: Principal, ref: str, done: str, action: Any, *args: Any, **kw: Any) -> Response:
    """Run one step of the request; on a refusal from the library show the request page with the reason."""
    try:
        action(acting_register(request, who), ref, *args, by=who.actor, **kw)
    except PersonvernError as exc:
        return request_page(request, who, ref, error=exc)
    return RedirectResponse(f"/console/requests/{ref}?done={done}", 303)


@router.post("/requests/{ref}/verify")
def request_verify(request: Request, ref: str, who: Officer) -> Response:
    """Staff checked a signed request with a copy of ID (KL6; Art. 12(6)); the copy itself is not stored."""
    return _step(request, who, ref, "done.verified", rq.verify, method="id_document")


@router.post("/requests/{ref}/extend")
def request_extend(request: Request, ref: str, who: Officer, reason: Annotated[str, Form()] = "") -> Response:
    """Extend to three months from receipt, within the first month, telling the subject why (Art. 12(3))."""
    return _step(request, who, ref, "done.extended", rq.extend, reason=reason)


@router.post("/requests/{ref}/refuse")
def request_refuse(request: Request, ref: str, who: Officer, reason: Annotated[str, Form()] = "") -> Response:
    """Refuse with the reason the subject is told, with the right to complain (Art. 12(4))."""
    return _step(request, who, ref, "done.refused", rq.refuse, reason=reason)


DESTRUCTIVE = ("erasure", "restriction")


@router.post("/requests/{ref}/complete")
def request_complete(request: Request, ref: str, who: Officer, ground: Annotated[str, Form()] = "",
                     reason: Annotated[str, Form()] = "", purpose: Annotated[str, Form()] = "",
                     confirm: Annotated[str, Form()] = "") -> Response:
    """Do what the request asks and close it: verified first (Art. 12(6)), then the right's own work. An
    erasure, a restriction or an objection to direct marketing is first shown in full and done only with
    ``confirm=yes`` from that preview (``web/console_destructive.py``)."""
    from personvern.web.console_destructive import confirm_request

    try:
        view = rq.get_request(acting_register(request, who), ref)
    except PersonvernError as exc:
        return request_page(request, who, ref, error=exc)
    marketing = view.kind == "objection" and not purpose
    if (view.kind in DESTRUCTIVE or marketing) and view.status in ACTIONABLE and view.subject_ref \
            and confirm != "yes":
        return confirm_request(request, who, ref, kind=view.kind, ground=ground or _default_restriction(view.kind),
                               reason=reason, purpose=purpose or None, channel=view.channel,
                               subject=view.subject_ref)
    return _step(request, who, ref, "done.completed", carry_out, lang=lang_of(request), ground=ground,
                 reason=reason, purpose=purpose or None)


def _default_restriction(kind: str) -> str:
    return "accuracy" if kind == "restriction" else ""


@router.post("/requests/{ref}/decide")
def request_decide(request: Request, ref: str, who: Officer, upheld: Annotated[str, Form()] = "",
                   reason: Annotated[str, Form()] = "", confirm: Annotated[str, Form()] = "") -> Response:
    """The recorded decision on an Art. 21(1) objection: upheld (the processing stops, after a preview and
    ``confirm=yes``) or not (compelling legitimate grounds, the reason given to the subject)."""
    from personvern.web.console_destructive import confirm_uphold

    if upheld not in ("yes", "no"):
        return request_page(request, who, ref, error=RegisterError("choose upheld or not", field="upheld"))
    if upheld == "yes" and confirm != "yes":
        if not reason.strip():
            return request_page(request, who, ref, error=RegisterError("record the reason for the decision",
                                                                       field="reason"))
        view = rq.get_request(acting_register(request, who), ref)
        return confirm_uphold(request, who, ref, purpose=str(view.details.get("objection_purpose") or ""),
                              subject=view.subject_ref, reason=reason, channel=view.channel)
    return _step(request, who, ref, "done.decided", handle.decide_objection, upheld == "yes", reason)


@router.post("/requests/{ref}/rectify", response_class=HTMLResponse)
async def request_rectify(request: Request, ref: str, who: Officer) -> Response:
    """Two steps (Art. 16, TP13b): the edited form is shown back old → new for confirmation; with
    ``confirm=yes`` the records are re-encrypted, the request completed and the recipients told (Art. 19)."""
    from starlette.concurrency import run_in_threadpool

    form = await request.form()
    return await run_in_threadpool(_rectify, request, who, ref, form)


def _rectify(request: Request, who: Principal, ref: str, form: Any) -> Response:
    reg = acting_register(request, who)
    lang = lang_of(request)
    try:
        row = rq.get_request(reg, ref)
        if row.kind != "rectification" or row.status not in ACTIONABLE or not row.subject_ref:
            raise RegisterError("this request is not a verified rectification", field="status")
        records = rectification_records(reg, row, lang)
        changes = changes_from_form(records, form)
        if form.get("confirm") != "yes":
            return page(request, "console/rectify.html",
                        _ctx(who, row=row, review=_review(records, changes)),
                        title=translate(lang, "rectify.title"))
        handle.rectify(reg, ref, changes, by=who.actor)
    except PersonvernError as exc:
        return request_page(request, who, ref, error=exc)
    return RedirectResponse(f"/console/requests/{ref}?done=done.rectified", 303)


def _review(records: list[EditableRecord], changes: dict[int, dict[str, Any]]) -> list[dict[str, Any]]:
    """Old → new per changed field, with the form names the confirmation posts again."""
    out = []
    for item in records:
        if item.id not in changes:
            continue
        old = {cat: (label, value) for cat, label, value in item.fields}
        labels = dict(item.addable)
        for cat, new in changes[item.id].items():
            label, before = old.get(cat, (labels.get(cat, cat), None))
            name = f"v.{item.id}.{cat}" if cat in old else None
            out.append({"record": item.id, "purpose": item.purpose_name, "category": cat, "label": label,
                        "before": before, "after": _as_text(new), "name": name})
    return out


@router.get("/requests/{ref}/artifacts/{name}")
def request_artifact(request: Request, ref: str, name: str, who: Officer) -> Response:
    media, body = rq.artifact(acting_register(request, who), ref, name)
    return Response(body, media_type=media, headers={"Content-Disposition": f'inline; filename="{name}"'})


def carry_out(reg: Register, ref: str, *, by: str, lang: str, ground: str = "", reason: str = "",
              purpose: str | None = None) -> None:
    """Do the work of a verified request and complete it (``personvern.rights.handle``): the register copy,
    the portable data, erasure on an Art. 17(1) ground, restriction, objection (to direct marketing, or under
    Art. 21(1) to ``purpose``). Rectification goes through its own form (:func:`request_rectify`)."""
    view = rq.get_request(reg, ref)
    if view.status == "received":
        raise RegisterError("verify the requester's identity before acting on the request (Art. 12(6))",
                            field="status")
    if view.kind == "access":
        handle.answer_access(reg, ref, by=by, langs=("en",) if lang == "en" else ("nb",))
    elif view.kind == "portability":
        handle.answer_portability(reg, ref, by=by)
    elif view.kind == "erasure":
        handle.erase(reg, ref, ground=ground, by=by)
    elif view.kind == "restriction":
        handle.restrict(reg, ref, ground=ground if ground in handle.RESTRICTION_GROUNDS else "accuracy",
                        reason=reason or "the subject contests the accuracy (Art. 18(1)(a))", by=by)
    elif view.kind == "objection":
        handle.object_to(reg, ref, purpose=purpose, by=by)
    else:
        rq.complete(reg, ref, by=by, outcome={"handled": view.kind})
