"""The contact log: that a call, e-mail or message happened, on the subject's profile (TZ9-TZ11, SN4).

A phone call is logged as a fact — when, which direction, under which purpose, by whom — and nothing of what
was said: calls are not recorded (SN4: "Telefonsamtaler med kundeservice lagres ikke"), so a call with text is
refused. An e-mail's text is stored as a record under the purpose, encrypted under the subject's key, with the
purpose's retention (SN4: support e-mail 3 years; TZ11: until the case is closed and the limitation period
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
    from personvern.register.store import Register

__all__ = ["CHANNELS", "DIRECTIONS", "ContactView", "contacts", "log_contact"]

CHANNELS = ("phone", "email", "sms", "post", "chat")
DIRECTIONS = ("in", "out")


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
    """Log a contact on the subject's profile; returns the contact log id. ``text`` is stored only for
    written channels, as a record under ``purpose`` with its retention (TZ11, SN4). One transaction: the
    record, the log row and the audit entry are written together or not at all (Art. 5(2))."""
    check_choice(channel, CHANNELS, "channel")
    check_choice(direction, DIRECTIONS, "direction")
    p = require_purpose(reg, purpose)
    if text is not None and channel == "phone":
        raise RegisterError("a phone call is logged as a fact only; what was said is not recorded or stored "
                            "(SN4)", field="text")
    if text is not None and not text.strip():
        raise RegisterError("empty text; leave it out to log only that the contact happened", field="text")
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
            category = text_category(reg.policy, p)
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
