"""What the data subject is told about their request (Art. 12(1), (3), (4)): a receipt when it is opened, and
a message when it is completed, extended or refused, in the subject's language, through the request's channel.

- ``received``: what was asked and the deadline (Art. 12(3): one month from receipt).
- ``completed``: the action taken (Art. 12(3)); an access or portability answer points to "Mine sider"
  where the copy waits, an erasure carries the explanation of what was kept, why and until when (Art. 17(3)).
- ``extended``: the new deadline and the reason (Art. 12(3)).
- ``refused``: the reason, and the right to complain to the supervisory authority (Datatilsynet) and to seek
  a judicial remedy (Art. 12(4), Art. 77, Art. 79).
- ``lifted``: a restriction the subject obtained is about to be lifted (Art. 18(3): they are
  informed *before* it is lifted — ``rights.lift_restriction`` queues this first, in the lift's transaction).

Channel: an e-mail through the outbox when the register has the subject's address (portal, e-mail, phone and
API requests); a request that came by letter — or a subject with no address — puts a printable letter in the
privacy officer's queue (a ``manual`` outbox row, listed by ``personvern outbox list --status manual``). A
staff-initiated action (channel ``staff``) sends nothing: the subject did not ask. One message per request and
event (the idempotency key ``request:<ref>:<event>``: each event happens once per request, so the key is
fresh), queued in the caller's transaction.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import Connection, Row

from personvern.register.identifiers import Identifier
from personvern.register.outbox import Email, enqueue
from personvern.rights import deadlines

if TYPE_CHECKING:
    from personvern.register.store import Register

__all__ = ["EVENTS", "Event", "message_text", "outcome_text", "tell"]

Event = Literal["received", "completed", "extended", "refused", "lifted"]
EVENTS: tuple[Event, ...] = ("received", "completed", "extended", "refused", "lifted")
SILENT_CHANNELS = ("staff",)  # the controller acted on its own: there is no request of the subject's to answer

_WHAT = {
    "access": ("innsyn i opplysningene vi har om deg", "access to the data we hold about you"),
    "rectification": ("retting av opplysninger", "rectification of your data"),
    "erasure": ("sletting av opplysningene dine", "erasure of your data"),
    "restriction": ("begrensning av behandlingen", "restriction of processing"),
    "objection": ("protest mot behandlingen (innsigelse)", "your objection to the processing"),
    "portability": ("dataportabilitet (en kopi av opplysningene du har gitt oss)",
                    "data portability (a copy of the data you gave us)"),
}
_SUBJECT = {
    "received": ("Vi har mottatt henvendelsen din", "We have received your request"),
    "completed": ("Henvendelsen din er behandlet", "Your request has been handled"),
    "extended": ("Vi trenger mer tid til henvendelsen din", "We need more time for your request"),
    "refused": ("Svar på henvendelsen din", "Reply to your request"),
    "lifted": ("Begrensningen av behandlingen oppheves", "The restriction of processing is lifted"),
}
_DONE = {
    "access": ("Kopien av opplysningene vi har om deg (registerkopien) er klar. Logg inn på Mine sider{where} "
               "for å hente den.",
               "The copy of the data we hold about you (the register copy) is ready. Log in to My pages{where} "
               "to download it."),
    "portability": ("Opplysningene du har gitt oss, er klare som fil. Logg inn på Mine sider{where} for å "
                    "hente dem.",
                    "The data you gave us is ready as a file. Log in to My pages{where} to download it."),
    "rectification": ("Vi har rettet opplysningene slik du ba om, og gitt beskjed til dem vi har delt dem med.",
                      "We have corrected the data as you asked, and told those we shared it with."),
    "restriction": ("Vi har begrenset behandlingen av opplysningene dine: vi lagrer dem, men bruker dem ikke "
                    "til annet enn det loven tillater (personvernforordningen artikkel 18 nr. 2).",
                    "We have restricted the processing of your data: we store it but use it for nothing beyond "
                    "what the law allows (Article 18(2) GDPR)."),
    "objection": ("Vi har tatt protesten din til følge, og behandlingen er stanset.",
                  "We have upheld your objection, and the processing has stopped."),
    "marketing": ("All direkte markedsføring til deg er stanset på alle kanaler, også analysene vi gjorde for "
                  "den, og opplysningene vi brukte til den, er slettet eller sperret (personvernforordningen "
                  "artikkel 21 nr. 3).",
                  "All direct marketing to you has stopped on every channel, including the analyses we made for "
                  "it, and the data we used for it has been erased or restricted (Article 21(3) GDPR)."),
}
_RECEIVED = ("Vi har mottatt henvendelsen din om {what} den {on} (referanse {ref}). Vi svarer så raskt vi kan, "
             "og senest {due} (personvernforordningen artikkel 12 nr. 3).",
             "We received your request for {what} on {on} (reference {ref}). We will answer as soon as we can, "
             "and by {due} at the latest (Article 12(3) GDPR).")
_EXTENDED = ("Vi trenger mer tid til å svare på henvendelsen din om {what} (referanse {ref}). Du får svar senest "
             "{due}. Grunnen: {reason}\nFristen er forlenget etter personvernforordningen artikkel 12 nr. 3.",
             "We need more time to answer your request for {what} (reference {ref}). You will have our answer "
             "by {due} at the latest. The reason: {reason}\nThe deadline is extended under Article 12(3) GDPR.")
_REFUSED = ("Vi kan ikke imøtekomme henvendelsen din om {what} (referanse {ref}). Grunnen: {reason}\n\n"
            "Er du uenig, kan du klage til {authority} ({website}), og du kan bringe saken inn for domstolene "
            "(personvernforordningen artikkel 12 nr. 4, 77 og 79).",
            "We cannot grant your request for {what} (reference {ref}). The reason: {reason}\n\n"
            "If you disagree, you can complain to {authority} ({website}), and you can take the matter to "
            "court (Articles 12(4), 77 and 79 GDPR).")
_LIFTED = ("Begrensningen av behandlingen av opplysningene dine, som du fikk etter henvendelsen din (referanse "
           "{ref}), oppheves nå. Etter dette kan vi igjen behandle opplysningene slik personvernerklæringen "
           "beskriver. Du får denne beskjeden før begrensningen oppheves (personvernforordningen artikkel 18 nr. 3).",
           "We are lifting the restriction of processing of your data that you obtained with your request "
           "(reference {ref}). After this we may process the data again as our privacy notice describes. You get "
           "this message before the restriction is lifted (Article 18(3) GDPR).")
_ABOUT = ("Dette gjelder henvendelsen din om {what} (referanse {ref}).",
          "This concerns your request for {what} (reference {ref}).")


def _lang(row: Row[Any]) -> str:
    lang = (row.details or {}).get("lang")
    return "en" if lang == "en" else "nb"


def message_text(reg: Register, row: Row[Any], event: Event, *, reason: str | None = None,
                 until: date | None = None, explanation: dict[str, Any] | None = None,
                 marketing: bool = False) -> tuple[str, str]:
    """``(subject line, text)`` of the message for ``event`` on the request ``row``, in its language."""
    i = 1 if _lang(row) == "en" else 0
    controller = reg.policy.controller
    what = _WHAT.get(row.kind, (row.kind, row.kind))[i]
    ref = row.ref
    if event == "received":
        due = until or row.due_on
        body = _RECEIVED[i].format(what=what, on=deadlines.received_on(row.received_at), ref=ref, due=due)
    elif event == "extended":
        body = _EXTENDED[i].format(what=what, ref=ref, due=until, reason=reason or "")
    elif event == "lifted":
        body = _LIFTED[i].format(ref=ref)
    elif event == "refused":
        authority = controller.supervisory_authority
        body = _REFUSED[i].format(what=what, ref=ref, reason=reason or "", authority=authority.name,
                                  website=authority.website)
    else:
        where = f" ({controller.website})" if controller.website else ""
        if row.kind == "erasure" and explanation is not None:
            done = str(explanation[("nb", "en")[i]]["text"]).rstrip()
        else:
            done = _DONE["marketing" if marketing else row.kind][i].format(where=where) \
                if (marketing or row.kind in _DONE) else ""
        body = _ABOUT[i].format(what=what, ref=ref) + "\n\n" + done
    return f"{controller.name}: {_SUBJECT[event][i]}", f"{body}\n\n{controller.name}\n"


def tell(reg: Register, c: Connection, row: Row[Any], event: Event, *, email: Identifier | None = None,
         reason: str | None = None, until: date | None = None, explanation: dict[str, Any] | None = None,
         marketing: bool = False, part: str | None = None) -> int | None:
    """Queue the message for ``event`` on the request ``row`` in the caller's transaction; returns the outbox id
    (None when the channel is silent, or the message was already queued). ``email`` is the subject's address
    when the caller read it already (an erasure reads it before the key is shredded). ``part`` tells apart
    messages of one event that can happen more than once per request (each restriction it placed, lifted)."""
    if row.channel in SILENT_CHANNELS:
        return None
    from personvern.rights.requests import subject_email

    subject, text = message_text(reg, row, event, reason=reason, until=until, explanation=explanation,
                                 marketing=marketing)
    key = f"request:{row.ref}:{event}" + (f":{part}" if part else "")
    if email is None and row.channel != "letter":
        email = subject_email(reg, c, row.subject_id)
    if email is not None and row.channel != "letter":
        return enqueue(reg, c, kind="email", topic=f"request_{event}", destination=email.masked,
                       body=Email(to=email.value, subject=subject, text=text).body(), idempotency_key=key,
                       subject_ref=row.subject_ref, request_id=row.id, fresh=True)
    letter = {"type": "personvern.letter", "title": subject, "text": text, "request": row.ref,
              "instruction": {"nb": "Skriv ut brevet og send det til avsenderen av henvendelsen.",
                              "en": "Print the letter and send it to the sender of the request."}}
    oid = enqueue(reg, c, kind="manual", topic=f"request_{event}", destination="manual: letter", body=letter,
                  idempotency_key=key, subject_ref=row.subject_ref, request_id=row.id, fresh=True, status="manual")
    return oid


def outcome_text(reg: Register, view: Any) -> str | None:
    """What the portal shows on a closed request (the same words as the message the subject was sent): the
    action taken, or the refusal with its reason and the right to complain. None while it is open."""
    import json

    from personvern.errors import NotFound
    from personvern.rights.requests import artifact

    if view.status not in ("completed", "refused"):
        return None
    if view.status == "refused":
        return message_text(reg, view, "refused", reason=view.refusal_reason)[1]
    explanation = None
    if view.kind == "erasure":
        try:
            explanation = json.loads(artifact(reg, view.ref, "erasure-explanation.json")[1])
        except NotFound:
            explanation = None
    marketing = view.kind == "objection" and view.details.get("objection") == "direct_marketing"
    return message_text(reg, view, "completed", explanation=explanation, marketing=marketing)[1]
