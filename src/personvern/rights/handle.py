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

from sqlalchemy import Connection, Row, bindparam, delete, insert, select, update

from personvern.audit import RecordDeleted, RecordWritten, RequestStep, RestrictionPlaced
from personvern.consent import object_to_marketing, suppress_subject
from personvern.errors import CategoryNotAllowed, NotFound, RegisterError
from personvern.policy import taxonomy
from personvern.register import schema as t
from personvern.register.crypto import decrypt
from personvern.register.records import payload_blob
from personvern.register.sweep import remove_empty_subjects
from personvern.rights import requests
from personvern.rights._erasure_text import explanation
from personvern.rights.access import access_report, render_access_report
from personvern.rights.notify import notify_recipients
from personvern.rights.portability import portable_data
from personvern.rights.requests import RequestView

if TYPE_CHECKING:
    from personvern.register.store import Register

__all__ = ["ERASURE_GROUNDS", "RESTRICTION_GROUNDS", "answer_access", "answer_portability", "decide_objection",
           "erase", "object_to", "rectify", "restrict"]

# Art. 17(1) GDPR, points a-f.
ERASURE_GROUNDS = {
    "a": "no longer necessary for the purposes (Art. 17(1)(a))",
    "b": "consent withdrawn and no other legal ground (Art. 17(1)(b))",
    "c": "objection under Art. 21 with no overriding legitimate grounds (Art. 17(1)(c))",
    "d": "unlawfully processed (Art. 17(1)(d))",
    "e": "erasure required by a legal obligation (Art. 17(1)(e))",
    "f": "collected from a child in relation to information society services (Art. 17(1)(f), Art. 8(1))",
}
# Art. 18(1) a-d as the register names them (register/holds.py Ground).
RESTRICTION_GROUNDS = ("accuracy", "unlawful", "legal_claims", "objection")
Handled = tuple[RequestView, int | None]


def _ready(reg: Register, c: Connection, ref: str, kind: str) -> Row[Any]:
    """The request, if it is of ``kind``, verified and still open, with a subject in the register."""
    row = requests.load(c, ref)
    if row.kind != kind:
        raise RegisterError(f"request {ref} is a{'n' if row.kind[0] in 'aeiou' else ''} {row.kind} request, "
                            f"not {kind}", field="kind")
    requests.require(row, ("verified", "in_progress"), kind)
    if row.subject_id is None:
        raise NotFound("the request's subject is no longer in the register", field="subject")
    return row


def _finish(reg: Register, c: Connection, row: Row[Any], by: str, *, status: str = "completed",
            reason: str | None = None, outcome: Mapping[str, Any] | None = None) -> Handled:
    hold = requests.close(reg, c, row, status=status, by=by, reason=reason, outcome=outcome)
    return requests.view(reg, requests.load_id(c, row.id)), hold


def _done(reg: Register, handled: Handled, by: str) -> RequestView:
    view, hold = handled
    requests.lift(reg, hold, by)
    return requests.get_request(reg, view.ref) if hold is not None else view


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


# -- erasure ------------------------------------------------------------------------------------------------

def erase(reg: Register, ref: str, *, ground: str, by: str, age_at_collection: int | None = None) -> RequestView:
    """Erase on a ground of Art. 17(1); keep what a legal obligation or hold keeps and explain it (TP13c, TZ4).

    Ground ``f``: data collected from a child for an online service (Art. 8(1)) — ``age_at_collection``
    must be under ``settings.child_age_online_consent`` (13, personopplysningsloven § 5). Marketing opt-outs
    survive as suppression entries (``personvern.consent.suppress_subject``), and recipients are told
    (Art. 19) before the disclosures go with the subject."""
    _check_ground(reg, ground, age_at_collection)
    with reg.transaction() as c:
        row = _ready(reg, c, ref, "erasure")
        if ground == "a":
            _refuse_while_contract_runs(reg, c, row)
        suppressed = suppress_subject(reg, c, row.subject_ref, reason="opt_out")
        notified = notify_recipients(reg, c, subject_ref=row.subject_ref, change="erasure", request_id=row.id)
        result = reg.erase(row.subject_ref, by=by, reason=f"art17_1_{ground}", conn=c)
        text = explanation(reg.policy, result, ground)
        requests.put_artifact(reg, c, row.id, "erasure-explanation.json", "application/json",
                              json.dumps(text, ensure_ascii=False, indent=2).encode())
        for lang in ("nb", "en"):
            requests.put_artifact(reg, c, row.id, f"erasure-explanation.{lang}.txt", "text/plain; charset=utf-8",
                                  text[lang]["text"].encode())
        outcome = {"ground": ground, "erased": dict(result.erased), "kept_records": [k.record for k in result.kept],
                   "subject_removed": result.subject_removed, "recipients_notified": notified,
                   "suppression_entries": suppressed}
        handled = _finish(reg, c, requests.load_id(c, row.id), by, outcome=outcome)
    return _done(reg, handled, by)


def _refuse_while_contract_runs(reg: Register, c: Connection, row: Row[Any]) -> None:
    """Art. 17(1)(a) — 'no longer necessary' — does not hold while a purpose's data is still needed for the
    contract (KL6: 'not erased while we need it to carry out a contract with you'): a purpose that declares
    ``needed_until: <event>`` and holds records of the subject refuses until that event has happened."""
    waiting = {p.key: p.needed_until for p in reg.policy.purposes if p.needed_until}
    if not waiting or row.subject_id is None:
        return
    rec, ev = t.records, t.events
    held = set(c.execute(select(rec.c.purpose).where(
        rec.c.subject_id == row.subject_id, rec.c.purpose.in_(list(waiting)), rec.c.state == "active"))
        .scalars())
    happened = set(c.execute(select(ev.c.event).where(
        ev.c.event.in_(list(set(waiting.values()))),
        (ev.c.subject_id == row.subject_id) | ev.c.record_id.in_(
            select(rec.c.id).where(rec.c.subject_id == row.subject_id)))).scalars())
    running = sorted(k for k in held if waiting[k] not in happened)
    if running:
        raise RegisterError(
            "ground a (Art. 17(1)(a): no longer necessary) does not apply yet: the data of "
            + ", ".join(f"'{k}' is needed until {waiting[k]}" for k in running)
            + " (the contract still runs); erase after that, or give another ground", field="ground")


def _check_ground(reg: Register, ground: str, age: int | None) -> None:
    if ground not in ERASURE_GROUNDS:
        raise RegisterError(f"unknown erasure ground '{ground}'; Art. 17(1) grounds: "
                            + "; ".join(f"{k}: {v}" for k, v in ERASURE_GROUNDS.items()), field="ground")
    limit = reg.policy.settings.child_age_online_consent
    if ground == "f" and (age is None or age >= limit):
        raise RegisterError(f"ground f (Art. 17(1)(f) with Art. 8) needs the subject to have been under {limit} "
                            "when the data was collected (personopplysningsloven § 5): give age_at_collection",
                            field="age_at_collection")


# -- restriction and objection ------------------------------------------------------------------------------

def restrict(reg: Register, ref: str, *, ground: str, reason: str, by: str,
             record_ids: Sequence[int] | None = None) -> RequestView:
    """Restrict processing (Art. 18(1), TP13d): the whole subject, or only ``record_ids``; recipients are told."""
    if ground not in RESTRICTION_GROUNDS:
        raise RegisterError(f"unknown restriction ground '{ground}'; Art. 18(1): {', '.join(RESTRICTION_GROUNDS)}",
                            field="ground")
    if not reason.strip():
        raise RegisterError("a restriction needs a reason", field="reason")
    with reg.transaction() as c:
        row = _ready(reg, c, ref, "restriction")
        targets = _own_records(c, row, record_ids) if record_ids else [None]
        ids = _restrict(reg, c, row, targets, ground, reason.strip(), by)
        notified = notify_recipients(reg, c, subject_ref=row.subject_ref, change="restriction", request_id=row.id,
                                     record_ids=list(record_ids) if record_ids else None)
        handled = _finish(reg, c, row, by, outcome={"ground": ground, "restriction_ids": ids,
                                                    "recipients_notified": notified})
    return _done(reg, handled, by)


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
    """An objection (Art. 21). To direct marketing (``purpose`` None or a marketing purpose): absolute and at
    once (Art. 21(2)-(3), TP13e, KL7), through ``personvern.consent.object_to_marketing``. To a purpose based on
    legitimate interest or a public task (Art. 21(1)): its records are restricted (Art. 18(1)(d), TP13d) and
    the request stays in progress until :func:`decide_objection`."""
    p = reg.policy.purpose(purpose) if purpose else None
    if purpose and p is None:
        raise RegisterError(f"'{purpose}' is not a purpose of this policy", field="purpose")
    if p is None or p.marketing is not None:
        return _object_to_marketing(reg, ref, p.key if p else None, by)
    if {b.article for b in [p.legal_basis, *p.also_based_on]}.isdisjoint({"e", "f"}):
        raise RegisterError(f"purpose '{p.key}' rests on Art. 6(1)({p.legal_basis.article}); an objection "
                            "under Art. 21(1) applies to legitimate interest (f) or a public task (e)",
                            field="purpose")
    with reg.transaction() as c:
        row = _ready(reg, c, ref, "objection")
        rec = t.records
        records = list(c.execute(select(rec.c.id).where(rec.c.subject_id == row.subject_id,
                                                        rec.c.purpose == p.key).order_by(rec.c.id)).scalars())
        ids = _restrict(reg, c, row, records, "objection", f"objection to {p.key} (Art. 21(1)) being weighed", by)
        notified = notify_recipients(reg, c, subject_ref=row.subject_ref, change="restriction",
                                     request_id=row.id, record_ids=records) if records else 0
        c.execute(update(t.requests).where(t.requests.c.id == row.id).values(
            status="in_progress", handled_by=by, details={**(row.details or {}), "objection_purpose": p.key,
                                                          "restriction_ids": ids, "recipients_notified": notified}))
        reg.audit(c, RequestStep(subject_ref=row.subject_ref, purpose=p.key, request_id=row.id, right="objection",
                                 step="restricted_pending_decision"))
        return requests.view(reg, requests.load_id(c, row.id))


def _object_to_marketing(reg: Register, ref: str, purpose: str | None, by: str) -> RequestView:
    """Absolute and immediate (TP13e, KL7): the consent ledger stops every marketing channel in its own
    transaction (``personvern.consent.object_to_marketing``); the request is then completed with what stopped."""
    with reg.engine.connect() as c:
        row = _ready(reg, c, ref, "objection")
    stopped = object_to_marketing(reg, row.subject_ref, by=by, purpose=purpose)
    with reg.transaction() as c:
        row = _ready(reg, c, ref, "objection")
        view, _ = _finish(reg, c, row, by, outcome={
            "objection": "direct_marketing", "marketing_purposes": list(stopped.purposes),
            "consents_withdrawn": list(stopped.consents_withdrawn), "suppression_entries": stopped.suppressed})
    return view


def decide_objection(reg: Register, ref: str, upheld: bool, reason: str, *, by: str) -> RequestView:
    """The recorded decision on an Art. 21(1) objection.

    Upheld: the processing stops — the purpose's records are deleted (Art. 17(1)(c)) unless the purpose keeps
    them on erasure, and recipients are told. Not upheld (compelling legitimate grounds, Art. 21(1)): the
    restriction is lifted and the request is refused with the reason, which the subject is given."""
    if not reason.strip():
        raise RegisterError("record the reason for the decision", field="reason")
    with reg.transaction() as c:
        row = requests.load(c, ref)
        requests.require(row, ("in_progress",), "decide")
        info = dict(row.details or {})
        key = info.get("objection_purpose")
        if row.kind != "objection" or not key:
            raise RegisterError(f"request {ref} is not an objection awaiting a decision", field="request")
        x, rec = t.restrictions, t.records
        c.execute(update(x).where(x.c.id.in_(info.get("restriction_ids", [])), x.c.lifted_at.is_(None))
                  .values(lifted_at=reg.clock()))
        purpose = reg.policy.purpose(key)
        if upheld and row.subject_id is not None and purpose is not None and purpose.on_erasure == "delete":
            ids = list(c.execute(select(rec.c.id).where(rec.c.subject_id == row.subject_id,
                                                        rec.c.purpose == key)).scalars())
            if ids:
                notify_recipients(reg, c, subject_ref=row.subject_ref, change="erasure", request_id=row.id,
                                  record_ids=ids)
                c.execute(delete(rec).where(rec.c.id.in_(ids)))
                reg.audit(c, RecordDeleted(subject_ref=row.subject_ref, purpose=key, record_ids=tuple(ids),
                                           rule="art21"))
                remove_empty_subjects(reg, c, {row.subject_id}, "objection")
                info["deleted_records"] = ids
        status = "completed" if upheld else "refused"
        handled = _finish(reg, c, requests.load_id(c, row.id), by, status=status,
                          reason=None if upheld else reason.strip(), outcome={**info, "upheld": upheld})
    return _done(reg, handled, by)
