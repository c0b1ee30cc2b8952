"""Carrying out a verified request: each right's work and the request's completion in one transaction.

Every handler refuses a request whose subject's identity is not verified (Art. 12(6), TP13a, KL6), appends
audit entries (Art. 5(2)) and, after a rectification, erasure or restriction, queues the Art. 19 notices
to the recipients that got the data (TZ6) in the same transaction as the change.

- access (Art. 15, TP13a): the register copy as JSON and HTML (``rights.access``), stored with the request, the
  PDF made from the HTML on first download;
  the access hold placed when the request opened is lifted afterwards, so held deletions go ahead.
- portability (Art. 20, TP13g, KL6): the data the subject provided under consent or contract, zipped.
- One ``export.created`` audit entry per produced document (Art. 5(2)): ``access_report`` and
  ``portable_data`` append it where the copy is made; the handlers here add none of their own, so the
  register copy of a request is one entry (with its record ids) whatever the number of formats stored.
- rectification and completion (Art. 16, TP13b): payloads re-encrypted, categories checked against the purpose.
- erasure (Art. 17, TP13c, TZ4): the ground checked (Art. 17(1) a-f; (f) a child under the age of
  Art. 8 / personopplysningsloven § 5); what a legal obligation keeps is explained record by record.
- restriction (Art. 18, TP13d) and objection (Art. 21, TP13e, KL7).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import Connection, Row, bindparam, insert, select, update

from personvern.audit import RecordWritten, RequestStep, RestrictionPlaced
from personvern.consent import ObjectionResult, object_to_marketing
from personvern.errors import CategoryNotAllowed, NotFound, RegisterError, StateConflict
from personvern.policy import taxonomy
from personvern.policy.model import Purpose
from personvern.register import holds as register_holds
from personvern.register import schema as t
from personvern.register.crypto import decrypt
from personvern.register.erasure import erase_records, write_ledger
from personvern.register.records import payload_blob
from personvern.rights import requests
from personvern.rights.access import access_report, render_access_report
from personvern.rights.erasure import ERASURE_GROUNDS, erase, erase_subject, ready
from personvern.rights.notify import notify_recipients
from personvern.rights.outcome import tell
from personvern.rights.portability import portable_data
from personvern.rights.requests import RequestView

if TYPE_CHECKING:
    from personvern.register.store import Register

__all__ = [
    "ERASURE_GROUNDS",
    "RESTRICTION_GROUNDS",
    "answer_access",
    "answer_portability",
    "decide_objection",
    "erase",
    "erase_subject",
    "lift_restriction",
    "object_for_subject",
    "object_to",
    "rectify",
    "restrict",
    "restrict_subject",
]
# Art. 18(1) a-d as the register names them (register/holds.py Ground).
RESTRICTION_GROUNDS = ("accuracy", "unlawful", "legal_claims", "objection")
Handled = tuple[RequestView, requests.Overdue]


def _ready(reg: Register, c: Connection, ref: str, kind: str) -> Row[Any]:
    return ready(c, ref, kind)


def _finish(reg: Register, c: Connection, row: Row[Any], by: str, *, status: str = "completed",
            reason: str | None = None, outcome: Mapping[str, Any] | None = None,
            message: Mapping[str, Any] | None = None) -> Handled:
    hold = requests.close(reg, c, row, status=status, by=by, reason=reason, outcome=outcome, message=message)
    return requests.view(reg, requests.load_id(c, row.id)), hold


def _done(reg: Register, handled: Handled, by: str) -> RequestView:
    view, overdue = handled  # the view was read after the hold was lifted, in the closing transaction
    register_holds.sweep_overdue(reg, overdue)
    return view


# -- access and portability ---------------------------------------------------------------------------------

def answer_access(reg: Register, ref: str, *, by: str, langs: Sequence[Literal["nb", "en"]] = ("nb",),
                  order_numbers: Sequence[str] = ()) -> RequestView:
    """Build the register copy (Art. 15(1) a-h and (3)) as JSON and HTML, store it, complete the request.

    The PDF is made from the stored HTML when it is first downloaded (``requests.artifact``), so answering
    costs milliseconds, not the third of a second WeasyPrint takes (issue 13). ``order_numbers`` the subject
    gave reach sealed bookkeeping records (TZ4)."""
    with reg.transaction() as c:  # one transaction: read, audit, store, complete (issue 13: one commit)
        row = _ready(reg, c, ref, "access")
        report = access_report(reg, row.subject_ref, order_numbers=order_numbers, conn=c)
        formats: tuple[tuple[Literal["json", "html"], str], ...] = (
            ("json", "application/json"), ("html", "text/html; charset=utf-8"))
        files = [(f"registerkopi.{lang}.{fmt}", media, render_access_report(report, fmt, lang)) for lang in langs
                 for fmt, media in formats]
        for name, media, body in files:
            requests.put_artifact(reg, c, row.id, name, media, body)
        handled = _finish(reg, c, row, by, outcome={"artifacts": len(files)})
    return _done(reg, handled, by)


def answer_portability(reg: Register, ref: str, *, by: str) -> RequestView:
    """The data the subject provided under consent or contract, JSON and CSV in a zip (Art. 20, TP13g, KL6)."""
    with reg.engine.connect() as c:
        row = _ready(reg, c, ref, "portability")
    body = portable_data(reg, row.subject_ref)
    with reg.transaction() as c:
        row = _ready(reg, c, ref, "portability")
        requests.put_artifact(reg, c, row.id, "dataportabilitet.zip", "application/zip", body)
        handled = _finish(reg, c, row, by)
    return _done(reg, handled, by)


# -- rectification ------------------------------------------------------------------------------------------

def rectify(reg: Register, ref: str, changes: Mapping[int, Mapping[str, Any]], *, by: str) -> RequestView:
    """Correct or complete records (Art. 16, TP13b): ``{record_id: {category: value}}``.

    Each category must be one the record's purpose collects; a new category completes the record. The
    recipients that got the data are told (Art. 19) in the same transaction."""
    if not changes or not all(isinstance(k, int) and isinstance(v, Mapping) and v for k, v in changes.items()):
        raise RegisterError("give {record_id: {category: new value}} for at least one record", field="changes")
    rec = t.records
    with reg.transaction() as c:
        row = _ready(reg, c, ref, "rectification")
        rows = {x.id: x for x in c.execute(select(rec).where(
            rec.c.id.in_(list(changes)), rec.c.subject_id == row.subject_id, rec.c.state == "active"))}
        missing = sorted(set(changes) - set(rows))
        if missing:
            raise NotFound(f"records {missing} are not active records of this subject", field="changes")
        key = reg.keys.subject_key(c, row.subject_id)
        updates = [_rectified(reg, rows[rid], dict(new), key) for rid, new in changes.items()]
        c.execute(update(rec).where(rec.c.id == bindparam("rid")).values(
            payload=bindparam("payload"), categories=bindparam("cats"), updated_at=reg.clock()), updates)
        ids = tuple(sorted(changes))
        reg.audit(c, RecordWritten(subject_ref=row.subject_ref, record_ids=ids, change="updated"))
        notified = notify_recipients(reg, c, subject_ref=row.subject_ref, change="rectification",
                                     request_id=row.id, record_ids=ids)
        handled = _finish(reg, c, row, by, outcome={"record_ids": list(ids), "recipients_notified": notified})
    return _done(reg, handled, by)


def _rectified(reg: Register, x: Row[Any], new: dict[str, Any], key: bytes) -> dict[str, Any]:
    purpose = reg.policy.purpose(x.purpose)
    allowed = purpose.categories if purpose else []
    for cat in new:
        if not taxonomy.covers(cat, allowed):
            raise CategoryNotAllowed(f"record {x.id}: purpose '{x.purpose}' does not collect '{cat}' "
                                     f"(it collects {', '.join(allowed)})", field="changes")
    payload = json.loads(decrypt(key, x.payload, b"record")) if x.payload is not None else {}
    payload = {**(payload if isinstance(payload, dict) else {}), **new}
    return {"rid": x.id, "payload": payload_blob(key, payload), "cats": sorted({*x.categories, *new})}


# -- restriction and objection ------------------------------------------------------------------------------

def restrict(reg: Register, ref: str, *, ground: str, reason: str, by: str,
             record_ids: Sequence[int] | None = None) -> RequestView:
    """Restrict processing (Art. 18(1), TP13d) on the verified request ``ref``: the whole subject, or only
    ``record_ids``; recipients are told (Art. 19), the request completed and the subject told."""
    reason = _restriction_reason(ground, reason)
    with reg.transaction() as c, reg.audit_batch(c):
        row = ready(c, ref, "restriction")
        return _restrict_in(reg, c, row, ground, reason, by, record_ids)


def restrict_subject(reg: Register, subject: str, *, ground: str, reason: str, by: str,
                     record_ids: Sequence[int] | None = None) -> RequestView:
    """A staff-initiated restriction (Art. 18(1): the officer contests accuracy, a claim is pending): opens a
    request with channel ``staff`` and runs the steps of :func:`restrict`. Stable entry point."""
    reason = _restriction_reason(ground, reason)
    with reg.transaction() as c, reg.audit_batch(c):
        sid = reg.subject_id(c, subject)
        row = requests.open_by_staff(reg, c, "restriction", subject_id=sid, subject=subject, by=by,
                                     details={"ground": ground})
        return _restrict_in(reg, c, row, ground, reason, by, record_ids)


def _restriction_reason(ground: str, reason: str) -> str:
    if ground not in RESTRICTION_GROUNDS:
        raise RegisterError(f"unknown restriction ground '{ground}'; Art. 18(1): {', '.join(RESTRICTION_GROUNDS)}",
                            field="ground")
    if not reason.strip():
        raise RegisterError("a restriction needs a reason", field="reason")
    return reason.strip()


def _restrict_in(reg: Register, c: Connection, row: Row[Any], ground: str, reason: str, by: str,
                 record_ids: Sequence[int] | None) -> RequestView:
    targets = _own_records(c, row, record_ids) if record_ids else [None]
    ids = _restrict(reg, c, row, targets, ground, reason, by)
    notified = notify_recipients(reg, c, subject_ref=row.subject_ref, change="restriction", request_id=row.id,
                                 record_ids=list(record_ids) if record_ids else None, subject_id=row.subject_id)
    handled = _finish(reg, c, row, by, outcome={"ground": ground, "restriction_ids": ids,
                                                "recipients_notified": notified})
    return handled[0]


def lift_restriction(reg: Register, restriction_id: int, *, by: str) -> int | None:
    """Lift a restriction (Art. 18(3)): 'A data subject who has obtained restriction of processing ... shall be
    informed by the controller before the restriction of processing is lifted.' When the restriction came from
    the subject's own request, the notice is written first — to the request's channel (e-mail via the outbox,
    a letter in the officer's queue), in the subject's language — then the restriction is lifted, in one
    transaction: no lift without its notice; the lift's audit entry names the notice. A restriction the
    controller placed on its own (channel ``staff``, or one an erasure placed on what a law keeps) tells
    nobody. Returns the notice's outbox id, or None."""
    x, r = t.restrictions, t.requests
    with reg.transaction() as c:
        sid = c.execute(select(x.c.subject_id).where(x.c.id == restriction_id, x.c.lifted_at.is_(None))).scalar()
        if sid is None:
            raise NotFound(f"no active restriction {restriction_id}", field="restriction")
        asked = [row for row in c.execute(select(r).where(r.c.subject_id == sid, r.c.kind.in_(
            ("restriction", "objection"))).order_by(r.c.id.desc())) if restriction_id in
            (row.details or {}).get("restriction_ids", [])]
        told = tell(reg, c, asked[0], "lifted", part=str(restriction_id)) if asked else None
        register_holds.lift_restriction(reg, restriction_id, conn=c, subject_told=told)
    return told


def _own_records(c: Connection, row: Row[Any], record_ids: Sequence[int]) -> list[int | None]:
    rec = t.records
    found = set(c.execute(select(rec.c.id).where(rec.c.id.in_(list(record_ids)),
                                                 rec.c.subject_id == row.subject_id)).scalars())
    missing = sorted(set(record_ids) - found)
    if missing:
        raise NotFound(f"records {missing} are not records of this subject", field="record_ids")
    return sorted(found)


def _restrict(reg: Register, c: Connection, row: Row[Any], records: Sequence[int | None], ground: str,
              reason: str, by: str) -> list[int]:
    x = t.restrictions
    ids = [int(i) for i in c.execute(insert(x).returning(x.c.id), [
        {"subject_id": row.subject_id, "record_id": rid, "purpose": None, "ground": ground, "reason": reason,
         "placed_by": by, "placed_at": reg.clock()} for rid in records]).scalars()] if records else []
    reg.audit(c, *[RestrictionPlaced(subject_ref=row.subject_ref, record_ids=(rid,) if rid else (),
                                     restriction_id=i, ground=ground) for i, rid in zip(ids, records, strict=True)])
    return ids


def object_to(reg: Register, ref: str, *, purpose: str | None = None, by: str) -> RequestView:
    """An objection (Art. 21) on the verified request ``ref``. To direct marketing (``purpose`` None or a
    marketing purpose): absolute and at once (Art. 21(2)-(3), TP13e, KL7) — every marketing consent withdrawn,
    the addresses suppressed, and the records of the marketing purposes (profiling for them included) erased
    or, where the policy keeps them, restricted; the request is completed. To a purpose based on legitimate
    interest or a public task (Art. 21(1)): its records are restricted (Art. 18(1)(d), TP13d) and the request
    stays in progress until :func:`decide_objection`."""
    p = _objected(reg, purpose)
    with reg.transaction() as c, reg.audit_batch(c):
        row = ready(c, ref, "objection")
        return _object_in(reg, c, row, p, by)


def object_for_subject(reg: Register, subject: str, *, by: str, purpose: str | None = None,
                       channel: str = "staff", lang: str | None = None) -> RequestView:
    """An objection the subject makes outside a request already opened: in the portal (``channel="portal"``,
    the session verifies identity) or taken by staff (``"staff"``). Opens the request and runs
    :func:`object_to`. Stable entry point."""
    p = _objected(reg, purpose)
    if channel == "staff":
        with reg.transaction() as c, reg.audit_batch(c):
            sid = reg.subject_id(c, subject)
            row = requests.open_by_staff(reg, c, "objection", subject_id=sid, subject=subject, by=by,
                                         details={"objection_purpose": p.key} if p else None)
            return _object_in(reg, c, row, p, by)
    view = requests.open_request(reg, "objection", subject=subject, channel=channel, lang=lang)
    if view.status == "received":
        requests.verify(reg, view.ref, method="portal_session" if channel == "portal" else "id_document", by=by,
                        subject=subject)
    return object_to(reg, view.ref, purpose=purpose, by=by)


def _objected(reg: Register, purpose: str | None) -> Purpose | None:
    p = reg.policy.purpose(purpose) if purpose else None
    if purpose and p is None:
        raise RegisterError(f"'{purpose}' is not a purpose of this policy", field="purpose")
    if p is not None and p.marketing is None and "e" not in p.articles and "f" not in p.articles:
        raise RegisterError(f"purpose '{p.key}' rests on Art. 6(1)({p.legal_basis.article}); an objection "
                            "under Art. 21(1) applies to legitimate interest (f) or a public task (e)",
                            field="purpose")
    return p


def _object_in(reg: Register, c: Connection, row: Row[Any], p: Purpose | None, by: str) -> RequestView:
    if p is None or p.marketing is not None:
        return _object_to_marketing(reg, c, row, p.key if p else None, by)
    rec = t.records
    records = list(c.execute(select(rec.c.id).where(rec.c.subject_id == row.subject_id,
                                                    rec.c.purpose == p.key).order_by(rec.c.id)).scalars())
    ids = _restrict(reg, c, row, records, "objection", f"objection to {p.key} (Art. 21(1)) being weighed", by)
    notified = notify_recipients(reg, c, subject_ref=row.subject_ref, change="restriction", request_id=row.id,
                                 record_ids=records, subject_id=row.subject_id) if records else 0
    c.execute(update(t.requests).where(t.requests.c.id == row.id).values(
        status="in_progress", handled_by=by, details={**(row.details or {}), "objection_purpose": p.key,
                                                      "restriction_ids": ids, "recipients_notified": notified}))
    reg.audit(c, RequestStep(subject_ref=row.subject_ref, purpose=p.key, request_id=row.id, right="objection",
                             step="restricted_pending_decision"))
    return requests.view(reg, requests.load_id(c, row.id))


def _object_to_marketing(reg: Register, c: Connection, row: Row[Any], purpose: str | None, by: str) -> RequestView:
    """Art. 21(3): 'the personal data shall no longer be processed for such purposes'. The consent ledger stops
    every marketing channel (``personvern.consent.object_to_marketing``); the records of the marketing purposes
    are erased as the policy says (holds win; what a law keeps is restricted, and here restricted from every
    use); recipients of those records are told (Art. 19); new writes under the purposes are refused
    (``register.holds.check_marketing_objection``); the request is completed and the subject told."""
    subject, sid = str(row.subject_ref), int(row.subject_id)
    stopped = object_to_marketing(reg, subject, by=by, purpose=purpose, conn=c)
    rec = t.records
    targets = list(c.execute(select(rec.c.id).where(rec.c.subject_id == sid, rec.c.purpose.in_(stopped.purposes))
                             .order_by(rec.c.id)).scalars()) if stopped.purposes else []
    notified = notify_recipients(reg, c, subject_ref=subject, change="erasure", request_id=row.id,
                                 record_ids=targets, subject_id=sid) if targets else 0
    redo = _ledger_extra(stopped, purpose, by)  # what a replay after a restore must do again (issue 12)
    result = erase_records(reg, c, subject, subject_id=sid, by=by, reason="art21_3", purposes=stopped.purposes,
                           suppression="objection", ledger_extra=redo) if targets else None
    if result is None and (stopped.suppressed or stopped.consents_withdrawn):  # nothing erased: still a ledger row
        write_ledger(reg, c, subject, "art21_3", None, {
            "deleted": [], "sealed": [], "kept": [], "subject_removed": False,
            "purposes": sorted(stopped.purposes), "suppression": "objection", **redo}, subject_id=sid)
    survivors = [k.record for k in result.kept if k.outcome != "sealed"] if result else []
    restricted = _restrict(reg, c, row, survivors, "objection", "objection to direct marketing (Art. 21(3))", by)
    view, _ = _finish(reg, c, row, by, outcome={
        "objection": "direct_marketing", "marketing_purposes": list(stopped.purposes),
        "consents_withdrawn": list(stopped.consents_withdrawn), "suppression_entries": stopped.suppressed,
        "deleted_records": result.deleted_ids if result else [], "restricted_records": survivors,
        "restriction_ids": restricted, "recipients_notified": notified,
        "subject_removed": bool(result and result.subject_removed)}, message={"marketing": True})
    return view


def _ledger_extra(stopped: ObjectionResult, purpose: str | None, by: str) -> dict[str, Any]:
    extra: dict[str, Any] = {"suppression_purpose": purpose} if purpose else {}
    if stopped.consents_withdrawn:
        extra["consents"] = {"withdrawn": list(stopped.consents_withdrawn), "purposes": sorted(stopped.purposes),
                             "at": stopped.at.isoformat() if stopped.at else None, "by": by}
    return extra


def decide_objection(reg: Register, ref: str, upheld: bool, reason: str, *, by: str) -> RequestView:
    """The recorded decision on an Art. 21(1) objection.

    Upheld: the processing stops — the purpose's records are erased as an erasure would (Art. 17(1)(c)):
    a hold keeps what it covers (Art. 17(3)(e)), bookkeeping is sealed, what a law keeps stays, and what stays
    keeps its restriction; recipients are told. Not upheld (compelling legitimate grounds, Art. 21(1)): the
    restriction is lifted and the request is refused with the reason, which the subject is given."""
    if not reason.strip():
        raise RegisterError("record the reason for the decision", field="reason")
    with reg.transaction() as c, reg.audit_batch(c):
        row = requests.load(c, ref)
        requests.require(row, ("in_progress",), "decide")
        info = dict(row.details or {})
        key = info.get("objection_purpose")
        if row.kind != "objection" or not key:
            raise StateConflict(f"request {ref} is not an objection awaiting a decision", field="request")
        x, rec = t.restrictions, t.records
        keep_restricted: list[int] = []
        if upheld and row.subject_id is not None:
            ids = list(c.execute(select(rec.c.id).where(rec.c.subject_id == row.subject_id,
                                                        rec.c.purpose == key)).scalars())
            if ids:
                notify_recipients(reg, c, subject_ref=row.subject_ref, change="erasure", request_id=row.id,
                                  record_ids=ids, subject_id=row.subject_id)
                result = erase_records(reg, c, row.subject_ref, subject_id=row.subject_id, by=by,
                                       reason="art21_1", purposes=[key])
                info["deleted_records"] = result.deleted_ids
                keep_restricted = [k.record for k in result.kept]
                info["kept_records"] = keep_restricted
                info["subject_removed"] = result.subject_removed
        lift = [x.c.id.in_(info.get("restriction_ids", [])), x.c.lifted_at.is_(None)]
        if keep_restricted:  # what an upheld objection could not erase stays out of use
            lift.append(x.c.record_id.not_in(keep_restricted))
        c.execute(update(x).where(*lift).values(lifted_at=reg.clock()))
        status = "completed" if upheld else "refused"
        view, hold = _finish(reg, c, requests.load_id(c, row.id), by, status=status,
                             reason=None if upheld else reason.strip(), outcome={**info, "upheld": upheld,
                                                                                  "decision": reason.strip()})
    return _done(reg, (view, hold), by)
