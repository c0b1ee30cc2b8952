"""Erasure (Art. 17, TP13c, TZ4): the one entry every interface uses, with a preview for the confirmation step.

    preview_erasure(reg, subject)                                   # what will be deleted, sealed, kept, told
    erase(reg, request_ref, ground="a", by="po")                    # a verified erasure request of the subject
    erase_subject(reg, subject, ground="d", by="po")                # staff-initiated: opens a 'staff' request

Both run the same steps in one transaction: the Art. 17(1) ground checked (``f`` needs a child's age; ``a``
is refused while a contract still needs the data, KL6); the marketing opt-outs written to the suppression list
so they outlive the subject; the recipients told (Art. 19, TZ6) before their disclosures go; the register's
row-level erasure (``register/erasure.py``: holds win, bookkeeping sealed (TZ4), what another law keeps
restricted to that purpose, the erasure ledger written); the explanation stored with the request (nb, en); the
request completed; the subject told the outcome (``rights.outcome``); one batch of audit entries. The erasure
hooks (``rights.hooks``) run in the same transaction before the register's own erasure: the business's own
databases (``personvern.datastores``) are erased there, and the outcome says per table what happened.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Row, select

from personvern.consent import suppress_subject
from personvern.errors import RegisterError, StateConflict
from personvern.register import schema as t
from personvern.register.crypto import decrypt
from personvern.register.erasure import ErasureResult, Kept, erase_records
from personvern.register.erasure import preview as _preview
from personvern.register.identifiers import Identifier
from personvern.rights import hooks, requests
from personvern.rights._erasure_text import explanation
from personvern.rights.notify import notify_recipients, recipients_of
from personvern.rights.outcome import SILENT_CHANNELS
from personvern.rights.requests import RequestView

if TYPE_CHECKING:
    from personvern.register.store import Register

__all__ = ["ERASURE_GROUNDS", "ErasurePreview", "erase", "erase_subject", "preview_erasure"]

# Art. 17(1) GDPR, points a-f.
ERASURE_GROUNDS = {
    "a": "no longer necessary for the purposes (Art. 17(1)(a))",
    "b": "consent withdrawn and no other legal ground (Art. 17(1)(b))",
    "c": "objection under Art. 21 with no overriding legitimate grounds (Art. 17(1)(c))",
    "d": "unlawfully processed (Art. 17(1)(d))",
    "e": "erasure required by a legal obligation (Art. 17(1)(e))",
    "f": "collected from a child in relation to information society services (Art. 17(1)(f), Art. 8(1))",
}


@dataclass(frozen=True)
class ErasurePreview:
    """What an erasure of the subject would do now (nothing is changed): the records deleted per purpose, each
    record kept with its outcome (sealed, kept, held), ground and end date, whether the subject stays
    identifiable, the recipients that would be told (Art. 19) and whether marketing opt-outs are kept."""

    subject: str
    erased: dict[str, int]
    kept: list[Kept]
    subject_removed: bool
    recipients: list[str] = field(default_factory=list)  # recipient keys of the policy
    suppression: bool = True  # the subject's addresses go on the suppression list (marketing never resumes)

    @property
    def total_erased(self) -> int:
        return sum(self.erased.values())


def preview_erasure(reg: Register, subject: str, *, purposes: Collection[str] | None = None) -> ErasurePreview:
    """The full preview of :func:`erase_subject` / :func:`erase` for the confirmation step (console)."""
    with reg.engine.connect() as c:
        sid = reg.subject_id(c, subject)
        result = _preview(reg, c, subject, purposes=purposes, subject_id=sid)
        told = recipients_of(reg, c, sid, None)
    return ErasurePreview(subject, dict(result.erased), list(result.kept), result.subject_removed, told)


def erase(reg: Register, ref: str, *, ground: str, by: str, age_at_collection: int | None = None) -> RequestView:
    """Carry out the verified erasure request ``ref`` on a ground of Art. 17(1) and complete it; keep what a
    legal obligation or hold keeps and explain it (TP13c, TZ4). Ground ``f``: data collected from a child for an
    online service (Art. 8(1)) — ``age_at_collection`` must be under ``settings.child_age_online_consent``
    (13, personopplysningsloven § 5)."""
    check_ground(reg, ground, age_at_collection)
    with reg.transaction() as c, reg.audit_batch(c):
        row = ready(c, ref, "erasure")
        view, _ = erase_in(reg, c, row, ground=ground, by=by, age_at_collection=age_at_collection)
    return view


def erase_subject(reg: Register, subject: str, *, ground: str, by: str, age_at_collection: int | None = None,
                  note: str | None = None) -> ErasureResult:
    """A staff-initiated erasure (no request from the subject: data processed unlawfully, a deletion order, a
    duplicate profile): opens a request with channel ``staff`` and the Art. 17(1) ``ground`` the officer
    chose — required, there is no default — and runs exactly the steps of :func:`erase`. Returns what was
    erased and kept; ``result.request`` is the request's ref. Stable entry point (datastores call it too)."""
    check_ground(reg, ground, age_at_collection)
    details: dict[str, Any] = {"ground": ground}
    if note:
        details["note"] = note[:200]
    with reg.transaction() as c, reg.audit_batch(c):
        sid = reg.subject_id(c, subject)
        row = requests.open_by_staff(reg, c, "erasure", subject_id=sid, subject=subject, by=by, details=details)
        _, result = erase_in(reg, c, row, ground=ground, by=by, age_at_collection=age_at_collection)
    return result


def ready(c: Connection, ref: str, kind: str) -> Row[Any]:
    """The request, if it is of ``kind``, verified and still open, with a subject in the register."""
    from personvern.errors import NotFound

    row = requests.load(c, ref)
    if row.kind != kind:
        raise RegisterError(f"request {ref} is a{'n' if row.kind[0] in 'aeiou' else ''} {row.kind} request, "
                            f"not {kind}", field="kind")
    requests.require(row, ("verified", "in_progress"), kind)
    if row.subject_id is None:
        raise NotFound("the request's subject is no longer in the register", field="subject")
    return row


def erase_in(reg: Register, c: Connection, row: Row[Any], *, ground: str, by: str,
             age_at_collection: int | None = None) -> tuple[RequestView, ErasureResult]:
    """The erasure of a loaded, ready request in the caller's transaction (inside its ``audit_batch``)."""
    sid, subject = int(row.subject_id), str(row.subject_ref)
    if ground == "a":
        _refuse_while_contract_runs(reg, c, sid)
    key = reg.keys.subject_key(c, sid)
    lookups, email = _identifiers(c, sid, key, row.channel not in (*SILENT_CHANNELS, "letter"))
    suppressed = suppress_subject(reg, c, subject, reason="opt_out", subject_id=sid)
    notified = notify_recipients(reg, c, subject_ref=subject, change="erasure", request_id=row.id, subject_id=sid)
    reached = hooks.run_erasure(reg, c, subject_ref=subject, subject_id=sid, request_id=row.id,
                                ground=ground)  # the business's own databases, before the identifiers go (issue 16)
    result = erase_records(reg, c, subject, subject_id=sid, by=by, reason=f"art17_1_{ground}",
                           suppression="opt_out", key=key, lookups=lookups)
    result.request = row.ref
    text = explanation(reg.policy, result, ground)
    requests.put_artifacts(reg, c, row.id, [
        ("erasure-explanation.json", "application/json", json.dumps(text, ensure_ascii=False, indent=2).encode()),
        *[(f"erasure-explanation.{lang}.txt", "text/plain; charset=utf-8", text[lang]["text"].encode())
          for lang in ("nb", "en")]], replace=False)
    outcome = {"ground": ground, "erased": dict(result.erased), "deleted_records": result.deleted_ids,
               "sealed_records": result.sealed_ids, "kept_records": result.kept_ids,
               "subject_removed": result.subject_removed, "recipients_notified": notified,
               "suppression_entries": suppressed, **reached}
    if age_at_collection is not None:
        outcome["age_at_collection"] = age_at_collection
    closed, _ = requests.close_row(reg, c, row, status="completed", by=by, outcome=outcome,
                                   message={"email": email, "explanation": text})
    return requests.view(reg, closed), result


def _identifiers(c: Connection, sid: int, key: bytes, want_email: bool) -> tuple[list[str], Identifier | None]:
    """One read of the subject's identifiers, before the key is shredded: their hashes for the erasure ledger,
    and the first e-mail address when the outcome goes there."""
    x = t.identifiers
    rows = c.execute(select(x.c.kind, x.c.lookup, x.c.value, x.c.masked).where(x.c.subject_id == sid)
                     .order_by(x.c.id)).all()
    first = next((r for r in rows if r.kind == "email"), None) if want_email else None
    email = Identifier("email", decrypt(key, first.value, b"email").decode(), first.masked) if first else None
    return sorted(bytes(r.lookup).hex() for r in rows), email


def _refuse_while_contract_runs(reg: Register, c: Connection, sid: int) -> None:
    """Art. 17(1)(a) — 'no longer necessary' — does not hold while a purpose's data is still needed for the
    contract (KL6: 'not erased while we need it to carry out a contract with you'): a purpose that declares
    ``needed_until: <event>`` and holds records of the subject refuses until that event has happened."""
    waiting = {p.key: p.needed_until for p in reg.policy.purposes if p.needed_until}
    if not waiting:
        return
    rec, ev = t.records, t.events
    held = set(c.execute(select(rec.c.purpose).where(
        rec.c.subject_id == sid, rec.c.purpose.in_(list(waiting)), rec.c.state == "active")).scalars())
    if not held:
        return
    happened = set(c.execute(select(ev.c.event).where(
        ev.c.event.in_(list(set(waiting.values()))),
        (ev.c.subject_id == sid) | ev.c.record_id.in_(select(rec.c.id).where(rec.c.subject_id == sid))))
        .scalars())
    running = sorted(k for k in held if waiting[k] not in happened)
    if running:
        raise StateConflict(
            "ground a (Art. 17(1)(a): no longer necessary) does not apply yet: the data of "
            + ", ".join(f"'{k}' is needed until {waiting[k]}" for k in running)
            + " (the contract still runs); erase after that, or give another ground", field="ground")


def check_ground(reg: Register, ground: str, age: int | None) -> None:
    """An Art. 17(1) ground a-f, and for ``f`` an age under the policy's limit (personopplysningsloven § 5)."""
    if not ground:
        raise RegisterError("choose the ground of Art. 17(1) the erasure rests on (a-f); there is no default",
                            field="ground")
    if ground not in ERASURE_GROUNDS:
        raise RegisterError(f"unknown erasure ground '{ground}'; Art. 17(1) grounds: "
                            + "; ".join(f"{k}: {v}" for k, v in ERASURE_GROUNDS.items()), field="ground")
    limit = reg.policy.settings.child_age_online_consent
    if ground == "f" and (age is None or age >= limit):
        raise RegisterError(f"ground f (Art. 17(1)(f) with Art. 8) needs the subject to have been under {limit} "
                            "when the data was collected (personopplysningsloven § 5): give age_at_collection",
                            field="age_at_collection")
