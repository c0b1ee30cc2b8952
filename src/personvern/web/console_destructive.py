"""The console's destructive actions: erase, restrict and uphold an objection, each previewed in full and
confirmed explicitly before anything changes (Art. 17, 18, 21; TZ4, TP13c-e; issue 12).

The preview comes from the core (``rights.preview_erasure``): what will be deleted, sealed and kept and why
(with the law and the end date), whether the customer stays identifiable, who is told (the recipients under
Art. 19, the customer under Art. 12) and that the marketing opt-outs are kept. Nothing is done without
``confirm=yes`` from the confirmation page; a staff-initiated erasure needs the Art. 17(1) ground chosen by the
officer (no default). Results are shown in words — purposes by name, outcomes, laws and dates — never as ids
or Python values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from personvern import rights
from personvern.errors import PersonvernError, RegisterError
from personvern.policy.statutes import STATUTES
from personvern.register import Kept, Register
from personvern.rights.notify import recipients_of
from personvern.web.auth import Principal, acting_register, require_page
from personvern.web.i18n import CATALOGUE, lang_of, page, problem, translate, when

router = APIRouter(include_in_schema=False)
OFFICER = require_page("privacy_officer")
Officer = Annotated[Principal, Depends(OFFICER)]

_WORDS: dict[str, dict[str, str]] = {
    "nb": {
        "x.erase.title": "Slette kunden?",
        "x.erase.lead": "Se over hva som skjer før du bekrefter. Det kan ikke angres.",
        "x.erase.request_title": "Gjennomføre slettingen?",
        "x.ground": "Grunnlag for slettingen (personvernforordningen art. 17 nr. 1)",
        "x.ground.choose": "— velg grunnlag —",
        "x.deleted": "Dette slettes", "x.deleted_none": "Ingenting slettes.",
        "x.deleted_line": "{purpose}: {n} opplysninger",
        "x.kept": "Dette beholdes, og hvorfor", "x.kept_none": "Ingenting beholdes.",
        "x.sealed": "forsegles: kan bare finnes med ordre- eller bilagsnummeret",
        "x.kept_law": "beholdes og begrenses til dette formålet",
        "x.held": "holdes tilbake",
        "x.until": "til {d}", "x.until_open": "så lenge grunnen står",
        "x.hold.legal_claim": "rettskrav", "x.hold.access_request": "åpen innsynsbegjæring",
        "x.identifiable_no": "Kunden blir ikke lenger gjenkjennelig: profilen og nøkkelen slettes.",
        "x.identifiable_yes": "Kunden kan fortsatt gjenkjennes fordi noe må beholdes med navn.",
        "x.told": "Hvem får beskjed",
        "x.told_recipients": "Mottakere som har fått opplysningene (art. 19): {names}.",
        "x.told_none": "Ingen mottakere har fått opplysningene.",
        "x.told_subject_email": "Kunden får svar på e-post med forklaringen.",
        "x.told_subject_letter": "Et brev til kunden legges i utsendingskøen for utskrift.",
        "x.told_subject_none": "Kunden har ikke bedt om dette og får ingen melding.",
        "x.suppression": "E-postadresser og telefonnumre settes på sperrelisten, så markedsføring aldri starter igjen.",
        "x.confirm_box": "Jeg har sett over dette og vil gjennomføre det",
        "x.confirm": "Slett nå", "x.cancel": "Avbryt",
        "x.must_confirm": "Kryss av for at du har sett over forhåndsvisningen.",
        "x.done_title": "Slettet", "x.done_lead": "Dette ble gjort.",
        "x.request_link": "Saken er registrert som en henvendelse (opprettet av personvernansvarlig).",
        "x.restrict.title": "Begrense behandlingen?",
        "x.restrict.lead": "Opplysningene blir bare lagret; all annen bruk stanses til begrensningen oppheves "
                           "(art. 18 nr. 2).",
        "x.restrict.scope_all": "Gjelder alle opplysningene om kunden.",
        "x.restrict.confirm": "Begrens nå",
        "x.uphold.title": "Ta protesten til følge?",
        "x.uphold.lead": "Behandlingen for «{purpose}» stanses, og opplysningene slettes slik en sletting ville gjort.",
        "x.uphold.confirm": "Ta til følge og slett",
        "x.objection.title": "Stanse direkte markedsføring?",
        "x.objection.lead": "All direkte markedsføring stanses på alle kanaler (art. 21 nr. 3), og opplysningene "
                            "som brukes til den, slettes eller sperres.",
        "x.objection.confirm": "Stans markedsføringen",
        "x.outcome_kept": "{n} opplysninger beholdt etter loven (se forklaringen).",
        "x.outcome_deleted": "{n} opplysninger slettet.",
        "x.outcome_told": "{n} mottakere fikk beskjed (art. 19).",
        "x.download": "Last ned",
    },
    "en": {
        "x.erase.title": "Erase this customer?",
        "x.erase.lead": "Review what happens before you confirm. It cannot be undone.",
        "x.erase.request_title": "Carry out the erasure?",
        "x.ground": "Ground of the erasure (Art. 17(1) GDPR)",
        "x.ground.choose": "— choose a ground —",
        "x.deleted": "What is erased", "x.deleted_none": "Nothing is erased.",
        "x.deleted_line": "{purpose}: {n} records",
        "x.kept": "What is kept, and why", "x.kept_none": "Nothing is kept.",
        "x.sealed": "sealed: it can only be found with the order or voucher number",
        "x.kept_law": "kept, restricted to this purpose",
        "x.held": "held back",
        "x.until": "until {d}", "x.until_open": "for as long as the reason stands",
        "x.hold.legal_claim": "legal claim", "x.hold.access_request": "open access request",
        "x.identifiable_no": "The customer is no longer identifiable: the profile and its key are deleted.",
        "x.identifiable_yes": "The customer stays identifiable because something must be kept with their name.",
        "x.told": "Who is told",
        "x.told_recipients": "Recipients that received the data (Art. 19): {names}.",
        "x.told_none": "No recipient received the data.",
        "x.told_subject_email": "The customer gets the answer by e-mail with the explanation.",
        "x.told_subject_letter": "A letter to the customer goes to the outbox queue to be printed.",
        "x.told_subject_none": "The customer did not ask for this and gets no message.",
        "x.suppression": "E-mail addresses and phone numbers go on the suppression list, so marketing never resumes.",
        "x.confirm_box": "I have reviewed this and want to carry it out",
        "x.confirm": "Erase now", "x.cancel": "Cancel",
        "x.must_confirm": "Tick the box to confirm you reviewed the preview.",
        "x.done_title": "Erased", "x.done_lead": "This was done.",
        "x.request_link": "It is recorded as a request (opened by the privacy officer).",
        "x.restrict.title": "Restrict processing?",
        "x.restrict.lead": "The data is only stored; every other use stops until the restriction is lifted "
                           "(Art. 18(2)).",
        "x.restrict.scope_all": "Covers all of the customer's data.",
        "x.restrict.confirm": "Restrict now",
        "x.uphold.title": "Uphold the objection?",
        "x.uphold.lead": "Processing for “{purpose}” stops, and the data is erased as an erasure would.",
        "x.uphold.confirm": "Uphold and erase",
        "x.objection.title": "Stop direct marketing?",
        "x.objection.lead": "All direct marketing stops on every channel (Art. 21(3)), and the data used for it is "
                            "erased or restricted.",
        "x.objection.confirm": "Stop marketing",
        "x.outcome_kept": "{n} records kept under the law (see the explanation).",
        "x.outcome_deleted": "{n} records erased.",
        "x.outcome_told": "{n} recipients were told (Art. 19).",
        "x.download": "Download",
    },
}
for _lang, _words in _WORDS.items():
    CATALOGUE.setdefault(_lang, {}).update(_words)


@dataclass
class Shown:
    """A preview or result in words, ready for ``console/erase.html``."""

    deleted: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    identifiable: str = ""
    told: list[str] = field(default_factory=list)


def kept_words(reg: Register, k: Kept, lang: str) -> str:
    """One kept record in words: the purpose by name, the outcome, the law or the hold, the end date."""
    p = reg.policy.purpose(k.purpose)
    name = p.name(lang) if p else k.purpose
    if k.outcome == "held":
        kind, _, reason = k.ground.partition(": ")
        why = f"{translate(lang, 'x.hold.' + (k.hold_kind or kind))}: {reason}" if reason else k.ground
        return f"{name}: {translate(lang, 'x.held')} ({why}); {translate(lang, 'x.until_open')}"
    statute = STATUTES.get(p.legal_basis.statute or "") if p else None
    law = statute.citation if statute else k.ground
    outcome = translate(lang, "x.sealed" if k.outcome == "sealed" else "x.kept_law")
    until = translate(lang, "x.until", d=when(k.until, lang)) if k.until else translate(lang, "x.until_open")
    return f"{name}: {outcome}; {law}; {until}"


def shown(reg: Register, erased: dict[str, int], kept: list[Kept], removed: bool, lang: str, *,
          recipients: list[str] | None = None, channel: str | None = None) -> Shown:
    out = Shown()
    for key, n in sorted(erased.items()):
        p = reg.policy.purpose(key)
        out.deleted.append(translate(lang, "x.deleted_line", purpose=p.name(lang) if p else key, n=n))
    out.kept = [kept_words(reg, k, lang) for k in kept]
    out.identifiable = translate(lang, "x.identifiable_no" if removed else "x.identifiable_yes")
    if recipients is not None:
        names = [_recipient_name(reg, key, lang) for key in recipients]
        out.told.append(translate(lang, "x.told_recipients", names=", ".join(names)) if names
                        else translate(lang, "x.told_none"))
    if channel is not None:
        out.told.append(translate(lang, "x.told_subject_none" if channel == "staff" else
                                  "x.told_subject_letter" if channel == "letter" else "x.told_subject_email"))
    return out


def _recipient_name(reg: Register, key: str, lang: str) -> str:
    rec = next((r for r in reg.policy.recipients if r.key == key), None)
    return rec.name(lang) if rec else key


def _grounds(lang: str) -> list[tuple[str, str]]:
    return [(g, translate(lang, f"erasure_ground.{g}")) for g in ("a", "b", "c", "d", "e")]


def _confirm_page(request: Request, who: Principal, *, title: str, lead: str, action: str, back: str,
                  confirm_label: str, show: Shown | None, hidden: dict[str, str] | None = None,
                  grounds: list[tuple[str, str]] | None = None, ground: str = "", suppression: bool = False,
                  extra: list[str] | None = None, error: PersonvernError | None = None) -> Response:
    from personvern.web.app import status_of

    lang = lang_of(request)
    return page(request, "console/erase.html",
                {"area": "console", "home": "/console", "who": who, "active": "requests", "mode": "preview",
                 "heading": title, "lead": lead, "action": action, "back": back, "confirm_label": confirm_label,
                 "show": show, "hidden": hidden or {}, "grounds": grounds, "ground": ground,
                 "suppression": suppression, "extra": extra or [],
                 "problem": problem(lang, error) if error else None},
                title=title, status=status_of(error) if error else 200)


# -- the subject page: a staff-initiated erasure --------------------------------------------------------------

def _erase_preview(request: Request, who: Principal, ref: str, *, ground: str = "",
                   error: PersonvernError | None = None) -> Response:
    reg = acting_register(request, who)
    lang = lang_of(request)
    pv = rights.preview_erasure(reg, ref)
    show = shown(reg, pv.erased, pv.kept, pv.subject_removed, lang, recipients=pv.recipients, channel="staff")
    return _confirm_page(request, who, title=translate(lang, "x.erase.title"), lead=translate(lang, "x.erase.lead"),
                         action=f"/console/subjects/{ref}/erase", back=f"/console/subjects/{ref}",
                         confirm_label=translate(lang, "x.confirm"), show=show, grounds=_grounds(lang),
                         ground=ground, suppression=True, error=error)


@router.get("/subjects/{ref}/erase", response_class=HTMLResponse)
def erase_confirm(request: Request, ref: str, who: Officer) -> Response:
    """The confirmation step: the full preview of what erasure will do, before anything is done."""
    return _erase_preview(request, who, ref)


@router.post("/subjects/{ref}/erase", response_class=HTMLResponse)
def erase_action(request: Request, ref: str, who: Officer, ground: Annotated[str, Form()] = "",
                 confirm: Annotated[str, Form()] = "") -> Response:
    """Erase on the ground the officer chose, only with ``confirm=yes`` from the preview page."""
    if confirm != "yes":
        return _erase_preview(request, who, ref, ground=ground,
                              error=RegisterError(translate(lang_of(request), "x.must_confirm"), field="confirm"))
    reg = acting_register(request, who)
    lang = lang_of(request)
    try:
        result = rights.erase_subject(reg, ref, ground=ground, by=who.actor)
    except PersonvernError as exc:
        return _erase_preview(request, who, ref, ground=ground, error=exc)
    show = shown(reg, result.erased, result.kept, result.subject_removed, lang)
    return page(request, "console/erase.html",
                {"area": "console", "home": "/console", "who": who, "active": "requests", "mode": "result",
                 "heading": translate(lang, "x.done_title"), "lead": translate(lang, "x.done_lead"), "show": show,
                 "request_ref": result.request, "extra": [translate(lang, "x.request_link")]},
                title=translate(lang, "x.done_title"))


@router.post("/subjects/{ref}/restrict", response_class=HTMLResponse)
def restrict_action(request: Request, ref: str, who: Officer, ground: Annotated[str, Form()] = "accuracy",
                    reason: Annotated[str, Form()] = "", confirm: Annotated[str, Form()] = "") -> Response:
    """Restrict on the officer's initiative (Art. 18(1)): previewed, then done with ``confirm=yes``."""
    from personvern.web.console import subject_page

    reg = acting_register(request, who)
    lang = lang_of(request)
    if confirm != "yes":
        if not reason.strip():
            return subject_page(request, who, ref, error=RegisterError("give a reason for the restriction",
                                                                       field="reason"))
        with reg.engine.connect() as c:
            sid = reg.subject_id(c, ref)
            told = recipients_of(reg, c, sid, None)
        show = Shown(told=shown(reg, {}, [], False, lang, recipients=told, channel="staff").told)
        return _confirm_page(request, who, title=translate(lang, "x.restrict.title"),
                             lead=translate(lang, "x.restrict.lead"), action=f"/console/subjects/{ref}/restrict",
                             back=f"/console/subjects/{ref}", confirm_label=translate(lang, "x.restrict.confirm"),
                             show=show, hidden={"ground": ground, "reason": reason},
                             extra=[translate(lang, "x.restrict.scope_all"), translate(lang, f"ground.{ground}")])
    try:
        rights.restrict_subject(reg, ref, ground=ground, reason=reason, by=who.actor)
    except PersonvernError as exc:
        return subject_page(request, who, ref, error=exc)
    return RedirectResponse(f"/console/subjects/{ref}?done=done.restricted", 303)


# -- the request desk: confirm before carrying out ----------------------------------------------------------

def confirm_request(request: Request, who: Principal, ref: str, *, kind: str, ground: str, reason: str,
                    purpose: str | None, channel: str, subject: str, error: PersonvernError | None = None) -> Response:
    """The preview of an erasure, restriction or marketing objection a request asks for."""
    reg = acting_register(request, who)
    lang = lang_of(request)
    hidden = {"ground": ground, "reason": reason, "purpose": purpose or ""}
    action, back = f"/console/requests/{ref}/complete", f"/console/requests/{ref}"
    if kind == "erasure":
        pv = rights.preview_erasure(reg, subject)
        show = shown(reg, pv.erased, pv.kept, pv.subject_removed, lang, recipients=pv.recipients, channel=channel)
        return _confirm_page(request, who, title=translate(lang, "x.erase.request_title"),
                             lead=translate(lang, "x.erase.lead"), action=action, back=back,
                             confirm_label=translate(lang, "x.confirm"), show=show, grounds=_grounds(lang),
                             ground=ground, suppression=True, hidden={"reason": reason}, error=error)
    if kind == "objection":
        marketing = [p.key for p in reg.policy.purposes if p.marketing is not None]
        pv = rights.preview_erasure(reg, subject, purposes=marketing)
        show = shown(reg, pv.erased, pv.kept, pv.subject_removed, lang, recipients=None, channel=channel)
        return _confirm_page(request, who, title=translate(lang, "x.objection.title"),
                             lead=translate(lang, "x.objection.lead"), action=action, back=back,
                             confirm_label=translate(lang, "x.objection.confirm"), show=show, hidden=hidden,
                             suppression=True, error=error)
    with reg.engine.connect() as c:
        told = recipients_of(reg, c, reg.subject_id(c, subject), None)
    show = Shown(told=shown(reg, {}, [], False, lang, recipients=told, channel=channel).told)
    return _confirm_page(request, who, title=translate(lang, "x.restrict.title"),
                         lead=translate(lang, "x.restrict.lead"), action=action, back=back,
                         confirm_label=translate(lang, "x.restrict.confirm"), show=show, hidden=hidden,
                         extra=[translate(lang, f"ground.{ground}")], error=error)


def confirm_uphold(request: Request, who: Principal, ref: str, *, purpose: str, subject: str | None,
                   reason: str, channel: str) -> Response:
    """The preview of upholding an Art. 21(1) objection: the purpose's records, erased as an erasure would."""
    reg = acting_register(request, who)
    lang = lang_of(request)
    p = reg.policy.purpose(purpose)
    show = None
    if subject:
        pv = rights.preview_erasure(reg, subject, purposes=[purpose])
        show = shown(reg, pv.erased, pv.kept, pv.subject_removed, lang, recipients=pv.recipients, channel=channel)
    return _confirm_page(request, who, title=translate(lang, "x.uphold.title"),
                         lead=translate(lang, "x.uphold.lead", purpose=p.name(lang) if p else purpose),
                         action=f"/console/requests/{ref}/decide", back=f"/console/requests/{ref}",
                         confirm_label=translate(lang, "x.uphold.confirm"), show=show,
                         hidden={"upheld": "yes", "reason": reason})


def outcome_words(reg: Register, details: dict[str, Any], kind: str, lang: str) -> list[str]:
    """A request's outcome in words for the request page (no ids, no Python values)."""
    lines: list[str] = []
    erased = details.get("erased")
    if isinstance(erased, dict):
        s = shown(reg, {str(k): int(v) for k, v in erased.items()}, [], bool(details.get("subject_removed")), lang)
        lines += s.deleted or [translate(lang, "x.deleted_none")]
        kept = len(details.get("sealed_records") or []) + len(details.get("kept_records") or [])
        if kept:
            lines.append(translate(lang, "x.outcome_kept", n=kept))
        lines.append(s.identifiable)
    elif details.get("deleted_records") is not None and kind == "objection":
        lines.append(translate(lang, "x.outcome_deleted", n=len(details.get("deleted_records") or [])))
    if details.get("ground") and kind == "erasure":
        lines.insert(0, translate(lang, f"erasure_ground.{details['ground']}"))
    if details.get("ground") and kind == "restriction":
        lines.insert(0, translate(lang, f"ground.{details['ground']}"))
    if details.get("decision"):
        lines.append(str(details["decision"]))
    if details.get("recipients_notified"):
        lines.append(translate(lang, "x.outcome_told", n=int(details["recipients_notified"])))
    if details.get("suppression_entries"):
        lines.append(translate(lang, "x.suppression"))
    return lines
