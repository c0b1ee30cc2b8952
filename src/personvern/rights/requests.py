"""Data-subject requests: what was asked, by whom, by when, and how far it has come (Art. 12, issue 5).

A request moves ``received -> verified -> in_progress -> completed | refused``. Nothing is disclosed or
changed before the subject's identity is verified (Art. 12(6), TP13a, KL6): the handlers in
``rights/handle.py`` refuse a request that is not verified. Every step is an audit entry (Art. 5(2)).

- Deadline (Art. 12(3)): ``due_on`` is one month from receipt counted as Regulation 1182/71 counts
  (``rights/deadlines.py``); ``extend`` moves it to three months from receipt, only within the first month,
  and tells the subject why by e-mail through the outbox when the register has an address.
- A repeated request of the same kind from the same subject while one is open is stored (proof of receipt),
  linked to the open one (``linked_to``) and closed with it: it is not handled twice; ``open_request``
  returns the open request.
- An access request holds the subject's records from the sweep while it is open, so the answer reflects
  the data as it was when it arrived (TP13a, Art. 15); the hold is lifted when the request is closed and
  the held deletions then go ahead (``register/holds.py``).
- Requests and their artifacts are personal data too: ``retention_until`` comes from the policy's
  ``settings.rights_purpose`` when a request is closed, and :func:`sweep_requests` deletes what expired.
  Artifacts (register copies, ID copies, erasure explanations) are AES-GCM under the keyring's
  ``requests`` key: they outlive the subject's own key on purpose.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from sqlalchemy import ColumnElement, Connection, Row, delete, func, insert, select, update

from personvern.audit import Access, AuditEvent, HoldPlaced, RequestStep, check_no_personal_data, register_event
from personvern.errors import Forbidden, NotFound, RegisterError, StateConflict
from personvern.policy import taxonomy
from personvern.policy.retention import Facts, retention_end
from personvern.register import holds as register_holds
from personvern.register import schema as t
from personvern.register.crypto import decrypt, encrypt
from personvern.register.identifiers import Identifier
from personvern.rights import deadlines

if TYPE_CHECKING:
    from personvern.register.store import Register

__all__ = [
    "CHANNELS",
    "KINDS",
    "METHODS",
    "OPEN",
    "STAFF_METHOD",
    "SUBJECT_CHANNELS",
    "ArtifactInfo",
    "RequestView",
    "RequestsSwept",
    "add_artifact",
    "artifact",
    "artifacts",
    "close",
    "close_row",
    "complete",
    "extend",
    "get_request",
    "list_requests",
    "load",
    "load_id",
    "mark_identity_received",
    "mark_identity_requested",
    "open_by_staff",
    "open_request",
    "put_artifact",
    "put_artifacts",
    "refuse",
    "require",
    "start",
    "subject_email",
    "sweep_requests",
    "verify",
    "view",
]

Kind = Literal["access", "rectification", "erasure", "restriction", "objection", "portability"]
KINDS: tuple[str, ...] = ("access", "rectification", "erasure", "restriction", "objection", "portability")
CHANNELS: tuple[str, ...] = ("portal", "email", "letter", "phone", "api", "staff")
SUBJECT_CHANNELS: tuple[str, ...] = CHANNELS[:-1]  # ``staff``: opened by the controller itself (open_by_staff)
STAFF_METHOD = "staff_initiated"  # the verification of a staff-initiated request: no requester to verify
METHODS: tuple[str, ...] = ("email_code", "email_link", "id_document", "portal_session")
OPEN: tuple[str, ...] = ("received", "verified", "in_progress")
RIGHTS = {"access": "Art. 15", "rectification": "Art. 16", "erasure": "Art. 17", "restriction": "Art. 18",
          "objection": "Art. 21", "portability": "Art. 20"}
ID_DOCUMENT = "user.government_id"  # what an ID copy is, in the policy's taxonomy (KL6)
r = t.requests


@register_event
@dataclass(frozen=True, kw_only=True)
class RequestsSwept(AuditEvent):
    """Closed data-subject requests whose retention ended were deleted with their artifacts."""

    name: ClassVar[str] = "request.swept"
    access: ClassVar[Access] = "system"
    deleted: int
    as_of: date


@dataclass(frozen=True)
class RequestView:
    """A request's columns that are not personal data, with its effective deadline."""

    id: int
    ref: str
    kind: str
    subject_ref: str | None
    status: str
    channel: str
    received_at: datetime
    received_on: date
    due_on: date
    extended_to: date | None
    extension_reason: str | None
    extension_notified_at: datetime | None
    identity_requested_at: datetime | None
    identity_received_at: datetime | None
    verified_at: datetime | None
    verified_by: str | None
    verification_method: str | None
    handled_by: str | None
    refusal_reason: str | None
    linked_to: int | None
    completed_at: datetime | None
    retention_until: date | None
    details: dict[str, Any] = field(default_factory=dict)
    target_on: date | None = None  # the unshifted end of the period (LEGAL.md: show it as the target)
    effective_due: date | None = None  # the legal limit now: extension and (if the policy says so) clock stop
    overdue: bool = False
    days_left: int = 0

    @property
    def open(self) -> bool:
        return self.status in OPEN


@dataclass(frozen=True)
class ArtifactInfo:
    name: str
    media_type: str
    size: int
    created_at: datetime


# -- reading ------------------------------------------------------------------------------------------------

def today(reg: Register) -> date:
    return deadlines.received_on(reg.clock())


def view(reg: Register, row: Row[Any], subject_ref: str | None = None) -> RequestView:
    received = deadlines.received_on(row.received_at)
    paused = deadlines.paused_days(row.identity_requested_at, row.identity_received_at,
                                   stops_clock=reg.policy.settings.identity_wait_stops_clock, today=today(reg))
    due = (deadlines.extended_due(received, paused=paused) if row.extended_to is not None
           else deadlines.due_date(received, paused=paused))
    now = today(reg)
    is_open = row.status in OPEN
    return RequestView(
        id=row.id, ref=row.ref, kind=row.kind, subject_ref=row.subject_ref, status=row.status,
        channel=row.channel, received_at=row.received_at, received_on=received, due_on=row.due_on,
        extended_to=row.extended_to, extension_reason=row.extension_reason,
        extension_notified_at=row.extension_notified_at, identity_requested_at=row.identity_requested_at,
        identity_received_at=row.identity_received_at, verified_at=row.verified_at, verified_by=row.verified_by,
        verification_method=row.verification_method, handled_by=row.handled_by,
        refusal_reason=row.refusal_reason, linked_to=row.linked_to, completed_at=row.completed_at,
        retention_until=row.retention_until, details=dict(row.details or {}),
        target_on=deadlines.target_date(received, 3 if row.extended_to else 1), effective_due=due,
        overdue=is_open and now > due, days_left=(due - now).days)


def load(conn: Connection, ref: str) -> Row[Any]:
    """The request row by its public reference (or NotFound naming the field)."""
    try:
        uuid.UUID(str(ref))
    except ValueError:
        raise NotFound("no request with that reference (a request reference is a uuid)", field="request") from None
    row = conn.execute(select(r).where(r.c.ref == ref)).first()
    if row is None:
        raise NotFound(f"no request {ref}", field="request")
    return row


def get_request(reg: Register, ref: str) -> RequestView:
    with reg.engine.connect() as c:
        return view(reg, load(c, ref))


def list_requests(reg: Register, *, status: str | None = None, overdue: bool = False,
                  due_within_days: int | None = None, subject: str | None = None,
                  include_repeats: bool = False) -> list[RequestView]:
    """Requests ordered by their effective deadline (the extension when there is one, else ``due_on``).

    Repeats linked to an open request are left out unless ``include_repeats`` (they are answered with it)."""
    deadline = func.coalesce(r.c.extended_to, r.c.due_on)
    q = select(r)
    if status is not None:
        if status not in (*OPEN, "completed", "refused", "open"):
            raise RegisterError(f"unknown status '{status}'; known: {', '.join((*OPEN, 'completed', 'refused'))}"
                                ", or 'open'", field="status")
        q = q.where(r.c.status.in_(OPEN) if status == "open" else r.c.status == status)
    if overdue or due_within_days is not None:
        limit = today(reg) - timedelta(days=1) if overdue else today(reg) + timedelta(days=due_within_days or 0)
        q = q.where(r.c.status.in_(OPEN), deadline <= limit)
    if not include_repeats:
        q = q.where(r.c.linked_to.is_(None))
    with reg.engine.connect() as c:
        if subject is not None:
            q = q.where(r.c.subject_id == reg.subject_id(c, subject))
        rows = c.execute(q.order_by(deadline, r.c.id)).all()
    views = sorted((view(reg, x) for x in rows), key=lambda v: (v.effective_due or v.due_on, v.id))
    return [v for v in views if v.overdue] if overdue else views


# -- opening ------------------------------------------------------------------------------------------------

def open_request(reg: Register, kind: str, *, subject: str | None, channel: str,
                 received_at: datetime | None = None, details: Mapping[str, Any] | None = None,
                 lang: str | None = None) -> RequestView:
    """Register a request the day it arrives; its deadline runs from receipt (Art. 12(3)). The subject gets a
    receipt saying what was asked and by when it is answered, in ``lang`` (nb or en), through the channel
    (``rights.outcome``).

    ``subject`` may be None when the requester is not yet identified (a letter from an unknown sender).
    A repeat of an open request of the same kind by the same subject is recorded, linked, and the open
    request is returned. A staff-initiated action opens its request with :func:`open_by_staff`."""
    if kind not in KINDS:
        raise RegisterError(f"unknown request kind '{kind}'; known: {', '.join(KINDS)}", field="kind")
    if channel not in SUBJECT_CHANNELS:
        raise RegisterError(f"unknown channel '{channel}'; known: {', '.join(SUBJECT_CHANNELS)}", field="channel")
    at = received_at or reg.clock()
    if at.tzinfo is None:
        raise RegisterError("received_at must carry a time zone", field="received_at")
    info = _details(details)
    if lang is not None:
        info["lang"] = "en" if lang == "en" else "nb"
    with reg.transaction() as c, reg.audit_batch(c):
        sid = reg.subject_id(c, subject) if subject is not None else None
        first = None
        if sid is not None:
            first = c.execute(select(r).where(r.c.subject_id == sid, r.c.kind == kind, r.c.status.in_(OPEN),
                                              r.c.linked_to.is_(None)).order_by(r.c.id).limit(1)).first()
        rid = _insert(reg, c, kind, sid, subject, channel, at, info, first.id if first is not None else None)
        step = "repeated" if first is not None else "opened"
        reg.audit(c, RequestStep(subject_ref=subject, request_id=first.id if first is not None else rid,
                                 right=kind, step=step))
        if first is None and kind == "access" and sid is not None:
            place_access_hold(reg, c, rid, sid, subject)
        row = first if first is not None else load_id(c, rid)
        if first is None:
            from personvern.rights.outcome import tell

            tell(reg, c, row, "received")
        return view(reg, row)


def open_by_staff(reg: Register, c: Connection, kind: str, *, subject_id: int, subject: str, by: str,
                  details: Mapping[str, Any] | None = None) -> Row[Any]:
    """A request the controller opens itself (channel ``staff``): an officer erases or restricts without a
    request from the subject, so the same steps run and the request record shows who did it and on which
    ground. It is verified at once (there is no requester to verify) and returned as its row."""
    if kind not in KINDS:
        raise RegisterError(f"unknown request kind '{kind}'; known: {', '.join(KINDS)}", field="kind")
    if not by.strip():
        raise RegisterError("say who acts", field="by")
    now = reg.clock()
    row = c.execute(insert(r).values(
        ref=str(uuid.uuid4()), kind=kind, subject_id=subject_id, subject_ref=subject, status="verified",
        channel="staff", received_at=now, due_on=deadlines.due_date(deadlines.received_on(now)), verified_at=now,
        verified_by=by.strip()[:64], verification_method=STAFF_METHOD, handled_by=by.strip()[:64],
        details=_details(details)).returning(*r.c)).one()
    reg.audit(c, RequestStep(subject_ref=subject, request_id=row.id, right=kind, step="opened"),
              RequestStep(subject_ref=subject, request_id=row.id, right=kind, step=f"verified:{STAFF_METHOD}"))
    return row


def _insert(reg: Register, c: Connection, kind: str, sid: int | None, subject: str | None, channel: str,
            at: datetime, info: dict[str, Any], linked: int | None) -> int:
    return int(c.execute(insert(r).values(
        ref=str(uuid.uuid4()), kind=kind, subject_id=sid, subject_ref=subject, status="received",
        channel=channel, received_at=at, due_on=deadlines.due_date(deadlines.received_on(at)),
        linked_to=linked, details=info).returning(r.c.id)).scalar_one())


def load_id(c: Connection, rid: int) -> Row[Any]:
    return c.execute(select(r).where(r.c.id == rid)).one()


def _details(details: Mapping[str, Any] | None) -> dict[str, Any]:
    info = dict(details or {})
    try:
        check_no_personal_data(info, "details")
    except ValueError as exc:
        raise RegisterError(f"{exc} (a request's details hold ids and keys only)", field="details") from None
    return info


def place_access_hold(reg: Register, c: Connection, rid: int, sid: int, subject: str | None) -> int:
    """While an access request is open the sweep must not delete what it covers (TP13a, Art. 15)."""
    hold = int(c.execute(insert(t.holds).values(
        subject_id=sid, kind="access_request", reason=f"open access request {rid} (Art. 15)",
        placed_by=reg.actor, placed_at=reg.clock()).returning(t.holds.c.id)).scalar_one())
    row = load_id(c, rid)
    c.execute(update(r).where(r.c.id == rid).values(details={**(row.details or {}), "hold_id": hold}))
    reg.audit(c, HoldPlaced(subject_ref=subject, hold_id=hold, kind="access_request"))
    return hold


# -- steps --------------------------------------------------------------------------------------------------

def _step(reg: Register, ref: str, allowed: tuple[str, ...], step: str, **values: Any) -> RequestView:
    with reg.transaction() as c:
        row = load(c, ref)
        require(row, allowed, step)
        c.execute(update(r).where(r.c.id == row.id).values(**values))
        reg.audit(c, RequestStep(subject_ref=row.subject_ref, request_id=row.id, right=row.kind, step=step))
        return view(reg, load_id(c, row.id))


def require(row: Row[Any], allowed: tuple[str, ...], step: str) -> None:
    """Refuse a step the status machine does not allow from where the request is, saying why."""
    if row.linked_to is not None:
        raise StateConflict(f"request {row.ref} repeats an open request (id {row.linked_to}) and is answered "
                            "with it; handle that one", field="request")
    if row.status in allowed:
        return
    if row.status == "received" and "verified" in allowed:
        raise Forbidden(f"request {row.ref} is not verified: nothing is disclosed or changed before the "
                            "subject's identity is verified (Art. 12(6))", field="status")
    raise StateConflict(f"cannot {step.replace('_', ' ')} request {row.ref}: it is {row.status} "
                        f"(allowed from {', '.join(allowed)})", field="status")


def mark_identity_requested(reg: Register, ref: str, *, by: str) -> RequestView:
    """More information was asked for to confirm identity (Art. 12(6); TP13a: 'more may be asked for')."""
    return _step(reg, ref, ("received",), "identity_requested", identity_requested_at=reg.clock(), handled_by=by)


def mark_identity_received(reg: Register, ref: str, *, by: str) -> RequestView:
    with reg.transaction() as c:
        if load(c, ref).identity_requested_at is None:
            raise StateConflict("identity information was never asked for on this request", field="status")
    return _step(reg, ref, ("received",), "identity_received", identity_received_at=reg.clock(), handled_by=by)


def verify(reg: Register, ref: str, *, method: str, by: str, subject: str | None = None,
           document: bytes | None = None, media_type: str = "application/pdf") -> RequestView:
    """The subject's identity is verified: who verified it and how are recorded (KL6, TP13a).

    ``id_document``: staff checked a signed request with a copy of ID (KL6); the copy is stored as the
    artifact ``id-document`` only when the rights purpose declares ``user.government_id``.
    ``subject`` identifies the subject of a request that arrived without one."""
    if method not in METHODS:
        raise RegisterError(f"unknown verification method '{method}'; known: {', '.join(METHODS)}", field="method")
    if not by.strip():
        raise RegisterError("say who verified the identity", field="by")
    if document is not None:
        _check_document_purpose(reg)
    with reg.transaction() as c:
        row = load(c, ref)
        require(row, ("received",), "verify")
        sid = row.subject_id
        if subject is not None:
            new = reg.subject_id(c, subject)
            if sid is not None and new != sid:
                raise Forbidden("the request belongs to another subject", field="subject")
            if sid is None:
                sid = new
                c.execute(update(r).where(r.c.id == row.id).values(subject_id=sid, subject_ref=subject))
                if row.kind == "access":
                    place_access_hold(reg, c, row.id, sid, subject)
        if sid is None:
            raise RegisterError("the request names no subject yet: give the subject it concerns", field="subject")
        now = reg.clock()
        c.execute(update(r).where(r.c.id == row.id).values(
            status="verified", verified_at=now, verified_by=by.strip(), verification_method=method,
            identity_received_at=row.identity_received_at or (now if row.identity_requested_at else None)))
        if document is not None:
            put_artifact(reg, c, row.id, "id-document", media_type, document)
        row = load_id(c, row.id)
        reg.audit(c, RequestStep(subject_ref=row.subject_ref, request_id=row.id, right=row.kind,
                                 step=f"verified:{method}"))
        return view(reg, row)


def _check_document_purpose(reg: Register) -> None:
    key = reg.policy.settings.rights_purpose
    purpose = reg.policy.purpose(key) if key else None
    if purpose is None or not taxonomy.covers(ID_DOCUMENT, purpose.categories):
        raise RegisterError(f"the policy's rights purpose does not declare '{ID_DOCUMENT}': record the "
                            "verification without storing the copy of ID, or declare it", field="document")


def start(reg: Register, ref: str, *, by: str) -> RequestView:
    return _step(reg, ref, ("verified", "in_progress"), "in_progress", status="in_progress", handled_by=by)


def extend(reg: Register, ref: str, *, reason: str, by: str) -> RequestView:
    """Extend to three months from receipt (Art. 12(3)), only within the first month, telling the subject why.

    The e-mail goes through the outbox when the subject has an e-mail address in the register; otherwise
    ``extension_notified_at`` stays empty and the caller tells the subject by other means."""
    if not reason.strip():
        raise RegisterError("an extension needs a reason the subject is told (Art. 12(3))", field="reason")
    with reg.transaction() as c:
        row = load(c, ref)
        require(row, OPEN, "extend")
        if row.extended_to is not None:
            raise StateConflict(f"request {ref} was already extended to {row.extended_to}", field="status")
        if today(reg) > row.due_on:
            raise StateConflict(f"the first month ended on {row.due_on}: an extension must be announced within "
                                "it (Art. 12(3))", field="status")
        until = deadlines.extended_due(deadlines.received_on(row.received_at))
        from personvern.rights.outcome import tell

        email = subject_email(reg, c, row.subject_id) if row.channel not in ("letter", "staff") else None
        told = tell(reg, c, row, "extended", reason=reason.strip(), until=until, email=email)
        c.execute(update(r).where(r.c.id == row.id).values(  # a letter queued to print is not yet a notice
            extended_to=until, extension_reason=reason.strip(),
            extension_notified_at=reg.clock() if told is not None and email is not None else None, handled_by=by))
        reg.audit(c, RequestStep(subject_ref=row.subject_ref, request_id=row.id, right=row.kind, step="extended"))
        return view(reg, load_id(c, row.id))


def subject_email(reg: Register, c: Connection, sid: int | None, *, key: bytes | None = None) -> Identifier | None:
    """The subject's first e-mail address (clear and masked), or None. ``key``: the subject's key, if read."""
    if sid is None:
        return None
    x = t.identifiers
    row = c.execute(select(x).where(x.c.subject_id == sid, x.c.kind == "email").order_by(x.c.id).limit(1)).first()
    if row is None:
        return None
    clear = decrypt(key if key is not None else reg.keys.subject_key(c, sid), row.value, b"email").decode()
    return Identifier("email", clear, row.masked)


def refuse(reg: Register, ref: str, *, reason: str, by: str) -> RequestView:
    """Refuse with the reason the subject is told (Art. 12(4): with the right to complain to Datatilsynet)."""
    if not reason.strip():
        raise RegisterError("a refusal needs a reason (Art. 12(4))", field="reason")
    return _close_now(reg, ref, OPEN, "refuse", status="refused", by=by, reason=reason.strip())


def complete(reg: Register, ref: str, *, by: str, outcome: Mapping[str, Any] | None = None) -> RequestView:
    """Mark a verified request answered. Rights with their own work (access, erasure ...) use
    ``rights.handle``, which completes the request in the same transaction as the work."""
    return _close_now(reg, ref, ("verified", "in_progress"), "complete", status="completed", by=by,
                      outcome=_details(outcome))


def _close_now(reg: Register, ref: str, allowed: tuple[str, ...], action: str, **closing: Any) -> RequestView:
    with reg.transaction() as c:
        row = load(c, ref)
        require(row, allowed, action)
        overdue = close(reg, c, row, **closing)
        out = view(reg, load_id(c, row.id))
    register_holds.sweep_overdue(reg, overdue)  # what the lifted access hold kept back goes at once
    return out


Overdue = ColumnElement[bool] | None  # what a lifted access hold kept back and is overdue: swept after the commit


def close(reg: Register, c: Connection, row: Row[Any], *, status: str, by: str, reason: str | None = None,
          outcome: Mapping[str, Any] | None = None, message: Mapping[str, Any] | None = None) -> Overdue:
    """Close a request and its linked repeats inside the caller's transaction, lifting its access hold in the
    same transaction; returns what the hold kept back that is already overdue, for
    ``register.holds.sweep_overdue`` once the transaction has committed (None: nothing). The subject is told
    the outcome (``rights.outcome``: completed, or refused with the reason and the right to complain);
    ``message`` adds to what it says."""
    return close_row(reg, c, row, status=status, by=by, reason=reason, outcome=outcome, message=message)[1]


def close_row(reg: Register, c: Connection, row: Row[Any], *, status: str, by: str, reason: str | None = None,
              outcome: Mapping[str, Any] | None = None,
              message: Mapping[str, Any] | None = None) -> tuple[Row[Any], Overdue]:
    """:func:`close`, returning also the closed request's row (read back by the UPDATE itself)."""
    now = reg.clock()
    until = request_retention(reg, deadlines.received_on(row.received_at), deadlines.received_on(now))
    info = {**(row.details or {}), **dict(outcome or {})}
    closed = c.execute(update(r).where(r.c.id == row.id).values(
        status=status, completed_at=now, handled_by=by, refusal_reason=reason, retention_until=until,
        details=info).returning(*r.c)).one()
    c.execute(update(r).where(r.c.linked_to == row.id, r.c.status.in_(OPEN)).values(
        status=status, completed_at=now, handled_by=by, refusal_reason=reason, retention_until=until))
    reg.audit(c, RequestStep(subject_ref=row.subject_ref, request_id=row.id, right=row.kind, step=status))
    from personvern.rights.outcome import tell

    tell(reg, c, row, "refused" if status == "refused" else "completed", reason=reason, **dict(message or {}))
    hold = info.get("hold_id")  # lifted here, with the closing (one commit, one lock: issue 13)
    overdue = register_holds.release(reg, c, int(hold), by=by, lifted_ok=True) if hold is not None else None
    return closed, overdue


def request_retention(reg: Register, received: date, closed: date) -> date | None:
    """When a closed request may go, by the policy's rights purpose (``settings.rights_purpose``).

    Its rule may count from ``collection`` (the day of receipt), ``request.completed`` or ``request.received``."""
    key = reg.policy.settings.rights_purpose
    purpose = reg.policy.purpose(key) if key else None
    if purpose is None or purpose.retention is None:
        return None
    facts = Facts(received, {"request.received": received, "request.completed": closed}, closed,
                  reg.policy.settings.year_end)
    return retention_end(purpose.retention, facts)


# -- artifacts ----------------------------------------------------------------------------------------------

def put_artifact(reg: Register, c: Connection, rid: int, name: str, media_type: str, body: bytes) -> None:
    if not name.strip() or len(name) > 128:
        raise RegisterError("an artifact name is 1-128 characters", field="name")
    a = t.request_artifacts
    c.execute(delete(a).where(a.c.request_id == rid, a.c.name == name))
    c.execute(insert(a).values(request_id=rid, name=name, media_type=media_type, created_at=reg.clock(),
                               body=encrypt(reg.keys.requests_key, body, f"artifact:{rid}:{name}".encode())))


def put_artifacts(reg: Register, c: Connection, rid: int, files: list[tuple[str, str, bytes]], *,
                  replace: bool = True) -> None:
    """Store several files with a request at once (replacing those of the same names): two statements, one
    with ``replace=False`` (a request's first and only answer)."""
    if not files:
        return
    for name, _, _ in files:
        if not name.strip() or len(name) > 128:
            raise RegisterError("an artifact name is 1-128 characters", field="name")
    a = t.request_artifacts
    now = reg.clock()
    if replace:
        c.execute(delete(a).where(a.c.request_id == rid, a.c.name.in_([f[0] for f in files])))
    c.execute(insert(a), [{"request_id": rid, "name": name, "media_type": media, "created_at": now,
                           "body": encrypt(reg.keys.requests_key, body, f"artifact:{rid}:{name}".encode())}
                          for name, media, body in files])


def add_artifact(reg: Register, ref: str, name: str, media_type: str, body: bytes) -> None:
    """Store a file with a request (replacing one of the same name), encrypted under the requests key."""
    with reg.transaction() as c:
        put_artifact(reg, c, load(c, ref).id, name, media_type, body)


def artifacts(reg: Register, ref: str) -> list[ArtifactInfo]:
    a = t.request_artifacts
    with reg.engine.connect() as c:
        rid = load(c, ref).id
        rows = c.execute(select(a.c.name, a.c.media_type, func.length(a.c.body).label("n"), a.c.created_at)
                         .where(a.c.request_id == rid).order_by(a.c.id)).all()
    return [ArtifactInfo(x.name, x.media_type, int(x.n) - 28, x.created_at) for x in rows]


def artifact(reg: Register, ref: str, name: str) -> tuple[str, bytes]:
    """``(media_type, body)`` of one artifact, decrypted.

    ``<name>.pdf`` of a stored ``<name>.html`` (the register copy) is rendered on its first download and
    stored, encrypted like every artifact, for the next (issue 13: no PDF while the request is answered)."""
    a = t.request_artifacts
    html = name.removesuffix(".pdf") + ".html" if name.endswith(".pdf") else name
    with reg.engine.connect() as c:
        rid = load(c, ref).id
        rows = {x.name: x for x in c.execute(select(a).where(a.c.request_id == rid, a.c.name.in_({name, html})))}
    if name not in rows and html not in rows:
        raise NotFound(f"request {ref} has no artifact '{name}'", field="name")
    if name in rows:
        return rows[name].media_type, decrypt(reg.keys.requests_key, rows[name].body, f"artifact:{rid}:{name}".encode())
    from personvern.rights._access_render import pdf_from_html

    body = pdf_from_html(decrypt(reg.keys.requests_key, rows[html].body, f"artifact:{rid}:{html}".encode()))
    with reg.transaction() as c:
        put_artifact(reg, c, rid, name, "application/pdf", body)
    return "application/pdf", body


# -- retention of requests ----------------------------------------------------------------------------------

def sweep_requests(reg: Register, as_of: date | None = None) -> int:
    """Delete closed requests whose retention ended, with their artifacts and codes, set-based; returns how many.

    Open requests are never swept. The worker's nightly job calls this beside the register sweep."""
    as_of = as_of or today(reg)
    expired = select(r.c.id).where(r.c.retention_until <= as_of, r.c.status.in_(("completed", "refused")))
    with reg.transaction() as c:
        c.execute(delete(t.request_artifacts).where(t.request_artifacts.c.request_id.in_(expired)))
        c.execute(delete(t.verifications).where(t.verifications.c.request_id.in_(expired)))
        c.execute(update(r).where(r.c.linked_to.in_(expired)).values(linked_to=None))
        n = c.execute(delete(r).where(r.c.id.in_(expired))).rowcount
        if n:
            reg.audit(c, RequestsSwept(deleted=int(n), as_of=as_of))
    return int(n or 0)
