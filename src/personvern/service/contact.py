"""The contact log: that a call, e-mail or message happened, on the subject's profile (TZ9-TZ11, SN4).

A phone call is logged as a fact — when, which direction, under which purpose, by whom — and its sound is never
stored: calls are not recorded (SN4: "Telefonsamtaler med kundeservice tas ikke opp og lagres ikke"). That
promise is read as the policy model reads it (``policy.model.Calls``): it is about the call itself; a short
summary the agent types (at most ``CALL_NOTE_MAX`` characters) is a record under the purpose like an e-mail's
text, unless the policy says ``settings.calls.notes: forbidden``, which refuses any text with a call.
An e-mail's text is stored as a record under the purpose, encrypted under the subject's key, with the purpose's
retention (SN4: support e-mail 3 years; TZ11: until the case is closed and the limitation period
after it); the ``contact_log`` row points to it and goes with it when the sweep deletes it. Basis: the
purpose's own, usually legitimate interest, Art. 6(1)(f) (TZ9).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Connection, insert, select

from personvern.errors import NotFound, RegisterError
from personvern.register import schema as t
from personvern.service._checks import check_choice, require_purpose, text_category
from personvern.service.events import ContactLogged

if TYPE_CHECKING:
    from personvern.policy.model import Purpose
    from personvern.register.store import Register

__all__ = ["CALL_NOTE_MAX", "CHANNELS", "DIRECTIONS", "ContactView", "contacts", "log_contact"]

CHANNELS = ("phone", "email", "sms", "post", "chat")
DIRECTIONS = ("in", "out")
CALL_NOTE_MAX = 500  # characters: a few sentences of what the call was about, not a transcript


@dataclass(frozen=True)
class ContactView:
    id: int
    channel: str
    direction: str
    purpose: str
    at: datetime
    actor: str
    case: str | None  # the case's public ref
    record: int | None  # the record holding the text, if any (an e-mail), else None (a call)


def log_contact(reg: Register, subject: str, *, channel: str, direction: str, purpose: str, by: str,
                text: str | None = None, case: str | None = None, at: datetime | None = None) -> int:
    """Log a contact on the subject's profile; returns the contact log id. ``text`` (an e-mail's text, or an
    agent's short note of a call) is stored as a record under ``purpose`` with its retention (TZ11, SN4). One
    transaction: the record, the log row and the audit entry are written together or not at all (Art. 5(2))."""
    check_choice(channel, CHANNELS, "channel")
    check_choice(direction, DIRECTIONS, "direction")
    p = require_purpose(reg, purpose)
    if text is not None and not text.strip():
        raise RegisterError("empty text; leave it out to log only that the contact happened", field="text")
    if text is not None and channel == "phone":
        _check_call_note(reg, text)
    when = at or reg.clock()
    with reg.transaction() as c:  # the record and its log row together, or neither
        row = c.execute(select(t.subjects.c.id, t.subjects.c.kind).where(t.subjects.c.ref == subject)).first()
        if row is None:
            raise NotFound(f"no subject {subject}", field="subject")
        sid = int(row.id)
        if row.kind not in p.subjects:
            raise RegisterError(f"purpose '{purpose}' does not cover '{row.kind}' subjects", field="purpose")
        case_id = _case_id(c, sid, case) if case else None
        record = None
        if text is not None:
            category = _call_category(p) if channel == "phone" else None
            category = category or text_category(reg.policy, p)
            source = "email" if channel == "email" and "email" in p.sources else "subject"
            record = reg.write(subject, purpose, [category], {category: text}, source=source,
                               collected=when.date(), conn=c)
        cid = int(c.execute(insert(t.contact_log).values(
            subject_id=sid, record_id=record, case_id=case_id, channel=channel, direction=direction,
            purpose=purpose, at=when, actor=by).returning(t.contact_log.c.id)).scalar_one())
        reg.acting(by, reg.role).audit(c, ContactLogged(
            subject_ref=subject, purpose=purpose, record_ids=(record,) if record else (), contact_id=cid,
            channel=channel, direction=direction))
    return cid


def _call_category(p: Purpose) -> str | None:
    """The purpose's category for calls, if it declares one (TEK-Zence: ``custom.call_log``, "log of phone calls
    (no recordings)"); else a call's note goes where an e-mail's text goes."""
    return next((c for c in p.categories if "call" in c.rsplit(".", 1)[-1]), None)


def _check_call_note(reg: Register, text: str) -> None:
    """A call's note: allowed unless the policy forbids notes, and short (a summary, not a transcript)."""
    if reg.policy.settings.calls.notes == "forbidden":
        raise RegisterError("the policy says no notes are kept of phone calls (settings.calls.notes: forbidden); "
                            "the call is logged as a fact only", field="text")
    if len(text) > CALL_NOTE_MAX:
        raise RegisterError(f"a call note is a short summary of at most {CALL_NOTE_MAX} characters "
                            f"(this one has {len(text)}); the call itself is not recorded", field="text")


def _case_id(c: Connection, sid: int, case: str) -> int:
    row = c.execute(select(t.cases.c.id, t.cases.c.subject_id).where(t.cases.c.ref == case)).first()
    if row is None or row.subject_id != sid:
        raise NotFound(f"no case {case} for this subject", field="case")
    return int(row.id)


def contacts(reg: Register, subject: str) -> list[ContactView]:
    """The subject's contact log, newest first."""
    x, k = t.contact_log, t.cases
    with reg.engine.connect() as c:
        sid = reg.subject_id(c, subject)
        rows = c.execute(select(x, k.c.ref.label("case_ref")).select_from(x.outerjoin(k, k.c.id == x.c.case_id))
                         .where(x.c.subject_id == sid).order_by(x.c.at.desc(), x.c.id.desc())).all()
    return [ContactView(r.id, r.channel, r.direction, r.purpose, r.at, r.actor, r.case_ref, r.record_id)
            for r in rows]
