"""Alarm contacts (SN2d): people a customer names to be called when the alarm goes off and the customer cannot
be reached. Basis: vital interests, Art. 6(1)(d).

- An alarm contact is a subject of kind ``alarm_contact`` linked to the customer (``subjects.linked_to``);
  its name and contact details are a record under the policy's alarm-contact purpose, from the source
  ``customer`` (Art. 14: not collected from the contact).
- The customer must confirm that the contact was informed. Without that confirmation the contact is refused,
  not stored with a flag: the seed makes the confirmation part of naming a contact ("Kunden bekrefter at
  alarmkontaktene er informert"), and a contact nobody told about could not expect the call. The time of the
  confirmation is kept in ``subjects.informed_at``.
- When a name and an e-mail address are received, the privacy notice (Art. 14(1)-(3), within a month) is sent
  through the outbox, unless this person already has it: any subject with the same e-mail (by keyed hash)
  whose ``notice_sent_at`` is set — an alarm contact named by two customers gets it once.
- The one-time training is the policy event ``alarm_contact.trained`` (declared in sensornordic.yaml); the
  contact decision (personvern.consent) allows calls only after it, and then only for an alarm.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, and_, func, select, update

from personvern.audit.events import EventRecorded
from personvern.errors import RegisterError
from personvern.notice import render_notice
from personvern.policy.model import Purpose
from personvern.register import records
from personvern.register import schema as t
from personvern.register.identifiers import normalise
from personvern.register.outbox import Email, send_email
from personvern.service.events import AlarmContactAdded, NoticeSent

if TYPE_CHECKING:
    from personvern.register.store import Register

__all__ = ["ALARM_CONTACT", "TRAINED", "AlarmContactView", "add_alarm_contact", "alarm_contacts", "record_training"]

ALARM_CONTACT = "alarm_contact"  # the subject kind (sensornordic.yaml, SN2d)
TRAINED = "alarm_contact.trained"  # the policy event of the one-time training
_CATEGORY = {"phone": "user.contact.phone_number", "email": "user.contact.email"}


@dataclass(frozen=True)
class AlarmContactView:
    subject: str
    identifiers: dict[str, list[str]]  # masked
    informed_at: datetime | None
    notice_sent_at: datetime | None
    trained_on: date | None


def alarm_purpose(reg: Register) -> Purpose:
    """The policy's purpose for alarm contacts: the one that covers the ``alarm_contact`` subject kind."""
    for p in reg.policy.purposes:
        if ALARM_CONTACT in p.subjects:
            return p
    raise RegisterError("this policy declares no purpose for alarm contacts (subject kind 'alarm_contact')",
                        field="kind")


def add_alarm_contact(reg: Register, customer: str, identifiers: Mapping[str, Any], *, name: str,
                      informed_confirmed: bool, by: str) -> str:
    """Register an alarm contact named by ``customer``; returns the contact's subject ref (SN2d)."""
    if informed_confirmed is not True:
        raise RegisterError("the customer must confirm that the alarm contact has been informed (SN2d)",
                            field="informed_confirmed")
    if not isinstance(name, str) or not name.strip():
        raise RegisterError("an alarm contact needs a name", field="name")
    p = alarm_purpose(reg)
    unknown = sorted(set(identifiers) - set(_CATEGORY))
    if unknown or not identifiers:
        raise RegisterError("an alarm contact is reached by phone and/or e-mail", field="identifiers")
    categories = ["user.name", *(_CATEGORY[k] for k in sorted(identifiers))]
    records.purpose_for_write(reg, p.key, categories, ALARM_CONTACT)
    reg.parse_identifiers(identifiers, None)  # validate everything before anything is written
    if reg.subject_kind(customer) == ALARM_CONTACT:
        raise RegisterError("an alarm contact is named by a customer, not by another alarm contact",
                            field="customer")
    actor = reg.acting(by, reg.role)  # the register's own entries (subject.created, record.written) name `by`
    with reg.transaction() as c:  # the contact, its record, the notice and the audit entries together, or none
        ref = actor.add_subject(ALARM_CONTACT, identifiers, linked_to=customer, conn=c)
        rid = actor.write(ref, p.key, categories, {"user.name": name.strip()}, source="customer", conn=c)
        sid = reg.subject_id(c, ref)
        c.execute(update(t.subjects).where(t.subjects.c.id == sid).values(informed_at=reg.clock()))
        sent = _send_notice(reg, c, sid, ref, identifiers.get("email"))
        actor.audit(
            c, AlarmContactAdded(subject_ref=ref, purpose=p.key, record_ids=(rid,), customer_ref=customer),
            *([sent] if sent else []))
    return ref


def _send_notice(reg: Register, c: Connection, sid: int, ref: str, email: str | list[str] | None) -> NoticeSent | None:
    """Queue the privacy notice unless this address already has it (SN2d "med mindre de allerede har den")."""
    if not email:
        return None
    address = normalise("email", email if isinstance(email, str) else email[0])
    s, i = t.subjects, t.identifiers
    had = c.execute(select(func.min(s.c.notice_sent_at)).select_from(s.join(i, i.c.subject_id == s.c.id)).where(
        and_(i.c.kind == "email", i.c.lookup == reg.keys.lookup("email", address.value),
             s.c.notice_sent_at.is_not(None)))).scalar()
    if had is not None:
        c.execute(update(s).where(s.c.id == sid).values(notice_sent_at=had))
        return None
    controller = reg.policy.controller.name
    mail = Email(to=address.value, subject=f"Personvernerklæring fra {controller}",
                 text=(f"Du er oppgitt som alarmkontakt hos {controller}. Her er personvernerklæringen vår, "
                       f"som forteller hvordan vi behandler opplysningene om deg.\n\n"
                       + render_notice(reg.policy, "nb", "md")),
                 html=render_notice(reg.policy, "nb", "html"))
    outbox_id = send_email(reg, c, mail, topic="privacy_notice", idempotency_key=f"privacy-notice:{ref}",
                           masked_to=address.masked, subject_ref=ref)
    c.execute(update(s).where(s.c.id == sid).values(notice_sent_at=reg.clock()))
    return NoticeSent(subject_ref=ref, topic="privacy_notice", outbox_id=outbox_id)


def record_training(reg: Register, contact: str, *, by: str, on: date | None = None) -> None:
    """Record the one-time training of an alarm contact (SN2d: "De vil bli kontaktet én gang for opplæring")."""
    if reg.subject_kind(contact) != ALARM_CONTACT:
        raise RegisterError("only an alarm contact is trained", field="subject")
    if TRAINED not in reg.policy.events:
        raise RegisterError(f"the policy declares no event '{TRAINED}'", field="event")
    day = on or reg.today()
    reg.record_event(TRAINED, day, subject=contact)
    with reg.transaction() as c:
        reg.acting(by, reg.role).audit(c, EventRecorded(subject_ref=contact, purpose=alarm_purpose(reg).key,
                                                        event=TRAINED))


def alarm_contacts(reg: Register, customer: str) -> list[AlarmContactView]:
    """The customer's alarm contacts with masked identifiers and their SN2d state (three queries)."""
    s, i, e = t.subjects, t.identifiers, t.events
    with reg.engine.connect() as c:
        cid = reg.subject_id(c, customer)
        rows = c.execute(select(s).where(s.c.linked_to == cid, s.c.kind == ALARM_CONTACT).order_by(s.c.id)).all()
        ids = [r.id for r in rows]
        idents = c.execute(select(i.c.subject_id, i.c.kind, i.c.masked).where(i.c.subject_id.in_(ids))
                           .order_by(i.c.id)).all()
        trained = dict(c.execute(select(e.c.subject_id, func.min(e.c.occurred_on)).where(
            e.c.subject_id.in_(ids), e.c.event == TRAINED).group_by(e.c.subject_id)).all())
    masked: dict[int, dict[str, list[str]]] = {x: {} for x in ids}
    for r in idents:
        masked[r.subject_id].setdefault(r.kind, []).append(r.masked)
    return [AlarmContactView(r.ref, masked[r.id], r.informed_at, r.notice_sent_at, trained.get(r.id))
            for r in rows]
