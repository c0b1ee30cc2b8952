"""Language of the console, the portal and the public pages: Norwegian bokmål by default, English on request.

The language comes from ``?lang=nb|en`` (remembered in the ``lang`` cookie), else the cookie, else the app's
``WebConfig.default_lang``. Messages live in :data:`CATALOGUE`, one dict per language with the same keys (a test
checks that); dates are formatted with babel. :func:`page` renders a template with everything a page needs:
the translator ``t``, ``lang``, the date filters, the CSRF token and the signed-in principal.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from personvern.localtime import local_date, local_time

LANGS = ("nb", "en")
COOKIE = "lang"
TEMPLATES = Path(__file__).parent / "templates"
templates = Jinja2Templates(directory=str(TEMPLATES))


def lang_of(request: Request) -> str:
    """The request's language: the query, else the cookie, else the app's default."""
    asked = request.query_params.get("lang")
    if asked in LANGS:
        return str(asked)
    cookie = request.cookies.get(COOKIE)
    if cookie in LANGS:
        return str(cookie)
    config = getattr(request.app.state, "config", None)
    return getattr(config, "default_lang", "nb") if config else "nb"


def translate(lang: str, key: str, **values: Any) -> str:
    """The message ``key`` in ``lang`` (falling back to nb, then to the key itself), with ``{name}`` filled in;
    with ``n == 1`` the singular ``key.one`` when there is one ("1 post", "2 poster")."""
    if values.get("n") == 1 and f"{key}.one" in CATALOGUE["nb"]:
        key = f"{key}.one"
    text = CATALOGUE.get(lang, {}).get(key) or CATALOGUE["nb"].get(key) or key
    return text.format(**values) if values else text


def when(value: date | datetime | None, lang: str, fmt: str = "medium") -> str:
    """A date (``5. jan. 2026`` / ``5 Jan 2026``) or a moment in Oslo, labelled (``5. jan. 2026 kl. 17:56
    (norsk tid)``): one format per language, the same as the PDF and the e-mails (personvern.localtime)."""
    if isinstance(value, datetime):
        return local_time(value, lang)
    return local_date(value, lang)


def page(request: Request, template: str, context: dict[str, Any] | None = None, *, status: int = 200,
         title: str | None = None) -> HTMLResponse:
    """Render ``template`` in the request's language; remember an explicit ``?lang=`` in a cookie."""
    lang = lang_of(request)
    ctx: dict[str, Any] = {
        "request": request, "lang": lang, "other_lang": "en" if lang == "nb" else "nb",
        "t": lambda key, **kw: translate(lang, key, **kw),
        "when": lambda value, fmt="medium": when(value, lang, fmt),
        "size": lambda n: _words.human_size(int(n), lang),
        "csrf": _csrf(request), "me": getattr(request.state, "principal", None),
        "config": getattr(request.app.state, "config", None), "title": title,
        "policy": request.app.state.register.policy,
    }
    ctx.update(context or {})
    response = templates.TemplateResponse(request, template, ctx, status_code=status)
    if request.query_params.get("lang") in LANGS:
        config = getattr(request.app.state, "config", None)
        response.set_cookie(COOKIE, lang, max_age=365 * 86400, samesite="lax",
                            secure=bool(getattr(config, "secure_cookies", False)))
    return response


def problem(lang: str, exc: Exception, *, detail: bool = True) -> dict[str, str | None]:
    """A refusal from the library as a friendly message in ``lang``, chosen by the error's ``field``
    (``problem.<field>``, else ``problem.other``); staff also see the library's own words as a detail."""
    key = f"problem.{getattr(exc, 'field', None) or 'other'}"
    message = translate(lang, key if key in CATALOGUE["nb"] else "problem.other")
    return {"message": message, "detail": str(exc) if detail else None}


def _csrf(request: Request) -> str:
    try:
        from personvern.web.auth import csrf_token
    except ImportError:  # pragma: no cover - the web core lands auth.py
        return ""
    try:
        return str(csrf_token(request) or "")
    except Exception:  # no session: public pages render without a token
        return ""


# -- the message catalogue: nb (default) and en, the same keys (tests/web checks it) ----------------------

NB: dict[str, str] = {
    "nav.main": "Hovedmeny", "nav.lookup": "Oppslag", "nav.requests": "Henvendelser", "nav.sweep": "Sletting",
    "nav.audit": "Logg", "nav.policy": "Erklæring", "nav.logout": "Logg ut",
    "lang.other": "English", "lang.switch": "Switch to English",
    "demo.banner": "Demo: all e-post som sendes, havner i", "demo.mailbox": "demo-postkassen",
    "footer.orgnr": "org.nr.", "footer.notice": "Personvernerklæring",
    "error.back": "Til forsiden", "error.400": "Det gikk ikke", "error.401": "Logg inn",
    "error.403": "Ingen tilgang", "error.404": "Fant ikke siden", "error.409": "Ikke mulig nå",
    "error.422": "Sjekk det du skrev inn", "error.500": "Noe gikk galt",
    "landing.eyebrow": "Personvern", "landing.title": "Personvern hos {name}",
    "landing.lead": "Se hvilke opplysninger vi har om deg, hvorfor og hvor lenge – og bestem selv over "
                    "markedsføringen.",
    "landing.portal": "Mine sider", "landing.portal_text": "Logg inn med e-postadressen din og se dine data, "
                                                           "last ned en kopi og velg kanaler.",
    "landing.notice": "Personvernerklæring", "landing.notice_text": "Hva vi behandler, på hvilket grunnlag, "
                                                                    "hvor lenge, og dine rettigheter.",
    "landing.console": "Kundeservice og personvernombud",
    "landing.console_text": "For ansatte: oppslag, henvendelser, sletting og logg.",
    "console.area": "Konsoll", "console.login": "Logg inn", "console.lookup": "Finn kunde",
    "console.login_lead": "For ansatte i kundeservice og personvernombudet.",
    "login.username": "Brukernavn", "login.password": "Passord", "login.submit": "Logg inn",
    "login.failed": "Feil brukernavn eller passord.",
    "login.locked": "For mange mislykkede innlogginger. Prøv igjen om {minutes} min, eller be en administrator "
    "om å låse opp kontoen.",
    "login.expired": "Skjemaet var utløpt. Prøv igjen.",
    "role.agent": "kundeservice", "role.privacy_officer": "personvernombud", "role.admin": "administrator",
    "role.subject": "kunde",
    "lookup.lead": "Skriv eller lim inn telefonnummeret til den som ringer – i hvilket som helst format. "
                   "E-post, kundenummer og ordrenummer virker også.",
    "lookup.label": "Telefon, e-post, kunde- eller ordrenummer", "lookup.purpose": "Oppslaget logges under "
                                                                                   "formålet «{purpose}».",
    "lookup.none": "Ingen treff.", "lookup.not_an_identifier": "Dette ser ikke ut som et telefonnummer, en "
                                                              "e-postadresse eller et kundenummer ennå.",
    "lookup.customer": "Kunde", "lookup.open": "Åpne", "lookup.sealed": "Forseglet regnskapsbilag",
    "lookup.sealed_text": "{n} bilag, funnet på ordrenummeret (bokføringsloven § 13).",
    "ident.email": "E-post", "ident.phone": "Telefon", "ident.national_id": "Fødselsnr.",
    "ident.customer_number": "Kundenr.", "ident.order_number": "Ordrenr.",
    "subject.title": "Kunde", "subject.kind": "Type", "subject.log_call": "Logg samtale",
    "subject.erase": "Slett…", "subject.purposes": "Opplysninger per formål", "subject.contacts": "Kontaktlogg",
    "subject.disclosures": "Utleveringer", "subject.consents": "Samtykker og kanaler",
    "subject.requests": "Henvendelser", "subject.cases": "Åpne saker", "subject.restrict": "Begrens behandling",
    "subject.restricted": "Behandlingen er begrenset ({n}). Data vises bare for lagring og rettskrav "
                          "(art. 18).",
    "subject.n_restricted": "{n} begrenset", "subject.days_left": "{n} dager igjen",
    "subject.awaiting_event": "venter på hendelse", "subject.sweep_due": "slettes ved neste kjøring",
    "subject.no_records": "Ingen opplysninger.",
    "subject.no_contacts": "Ingen kontakter logget.", "subject.no_disclosures": "Ingen utleveringer.",
    "subject.no_consents": "Ingen samtykker.", "subject.no_requests": "Ingen henvendelser.",
    "subject.no_cases": "Ingen åpne saker.",
    "col.purpose": "Formål", "col.basis": "Grunnlag", "col.records": "Poster", "col.kept_until": "Lagres til",
    "col.when": "Når", "col.channel": "Kanal", "col.direction": "Retning", "col.by": "Av",
    "col.recipient": "Mottaker", "col.deadline": "Frist", "col.kind": "Gjelder", "col.status": "Status",
    "col.received": "Mottatt",
    "channel.phone": "Telefon", "channel.email": "E-post", "channel.sms": "SMS", "channel.post": "Post",
    "channel.chat": "Chat", "channel.portal": "Mine sider", "channel.letter": "Brev", "channel.api": "API",
    "direction.in": "Inn", "direction.out": "Ut",
    "consent.given": "Ja", "consent.withdrawn": "Nei",
    "restrict.ground": "Grunnlag", "restrict.reason": "Begrunnelse",
    "ground.accuracy": "Riktigheten bestrides", "ground.unlawful": "Ulovlig behandling",
    "ground.legal_claims": "Rettskrav", "ground.objection": "Innsigelse vurderes",
    "erase.title": "Slette kunden?", "erase.lead": "Dette kan ikke angres.",
    "erase.records": "{n} poster i registeret.",
    "erase.warning": "Alt slettes, unntatt det loven krever at vi beholder: regnskapsbilag forsegles og "
                     "finnes bare på ordrenummeret til fristen går ut (bokføringsloven § 13).",
    "erase.confirm": "Ja, slett", "erase.cancel": "Avbryt", "erase.done_title": "Slettet",
    "erase.done_lead": "Dette ble gjort, post for post.", "erase.erased": "Slettet",
    "erase.kept": "Beholdt, og hvorfor", "erase.nothing_erased": "Ingenting å slette.",
    "erase.nothing_kept": "Ingenting beholdt.", "erase.subject_removed": "Kunden og nøkkelen er borte.",
    "erase.subject_kept": "Kunden står igjen fordi noe må beholdes.",
    "outcome.sealed": "forseglet", "outcome.kept": "beholdt", "outcome.held": "holdt tilbake",
    "requests.lead": "Sortert etter frist. En måned fra mottak (art. 12 nr. 3).",
    "requests.overdue": "Over fristen", "requests.overdue_n": "{n} over fristen", "requests.extended": "forlenget",
    "requests.days_left": "{n} dager igjen", "requests.open": "Åpne", "requests.none": "Ingen henvendelser.",
    "requests.show_all": "Vis alle", "requests.show_open": "Vis åpne",
    "request.title": "Henvendelse", "request.received": "Mottatt {date}", "request.progress": "Behandling",
    "request.verified": "Identitet bekreftet", "request.handled_by": "Behandlet av",
    "request.completed": "Fullført", "request.subject": "Se kunden", "request.artifacts": "Dokumenter",
    "request.no_artifacts": "Ingen dokumenter ennå.", "request.outcome": "Resultat",
    "request.verify": "Identitet kontrollert (legitimasjon)",
    "request.carry_out.access": "Lag registerkopi og fullfør", "request.carry_out.erasure": "Slett og fullfør",
    "request.carry_out.portability": "Lag dataeksport og fullfør",
    "request.carry_out.rectification": "Rettet – fullfør", "request.carry_out.restriction": "Begrenset – fullfør",
    "request.carry_out.objection": "Innsigelse behandlet – fullfør",
    "request.ground": "Grunnlag for sletting",
    "erasure_ground.a": "a) Ikke lenger nødvendig", "erasure_ground.b": "b) Samtykket er trukket",
    "erasure_ground.c": "c) Innsigelse (art. 21)", "erasure_ground.d": "d) Ulovlig behandlet",
    "erasure_ground.e": "e) Rettslig forpliktelse",
    "kind.access": "Innsyn", "kind.rectification": "Retting", "kind.erasure": "Sletting",
    "kind.restriction": "Begrensning", "kind.objection": "Innsigelse", "kind.portability": "Dataportabilitet",
    "status.received": "Mottatt", "status.verified": "Bekreftet", "status.in_progress": "Under arbeid",
    "status.completed": "Fullført", "status.refused": "Avslått",
    "method.email_code": "kode på e-post", "method.email_link": "lenke på e-post",
    "method.id_document": "legitimasjon", "method.portal_session": "innlogget på Mine sider",
    "sweep.lead": "Hva slettesjobben ville gjort på en valgt dato. Ingenting endres.",
    "sweep.as_of": "Dato", "sweep.preview": "Forhåndsvis", "sweep.deleted": "Slettes", "sweep.reduced": "Reduseres",
    "sweep.handed_over": "Overleveres / vurderes", "sweep.held": "Holdes tilbake",
    "sweep.per_purpose": "Per formål, {date}", "sweep.nothing": "Ingenting å gjøre denne dagen.",
    "sweep.dry_run": "Forhåndsvisning: ingen data er endret.",
    "sweep.waiting": "Uten slettedato",
    "sweep.waiting_lead": "Regelen venter på en hendelse som ikke er registrert; opplysningene lagres til den er det.",
    "sweep.waiting_for": "Venter på",
    "sweep.until_asked": "at den registrerte ber om sletting (ingen fast lagringstid)",
    "audit.lead": "Hvem gjorde hva med hvems data, og når (art. 5 nr. 2). Bare id-er, aldri opplysningene.",
    "audit.subject": "Kunde-id", "audit.actor": "Utført av", "audit.filter": "Filtrer", "audit.action": "Handling",
    "audit.none": "Ingen oppføringer.",
    "policy.lead": "Versjon {version}, gjelder fra {date}. Generert fra den samme filen registeret håndhever.",
    "policy.notice": "Personvernerklæring", "policy.ropa": "Protokoll (art. 30)",
    "mailbox.title": "Demo-postkasse", "mailbox.lead": "All e-post systemet har sendt, nyeste først. Bare i "
                                                       "demomodus.",
    "mailbox.empty": "Ingen e-post ennå.", "mailbox.to": "Til",
    "portal.title": "Mine sider", "portal.login": "Logg inn på Mine sider",
    "portal.login_lead": "Skriv e-postadressen du har gitt oss. Vi sender deg en innloggingslenke som "
                         "virker én gang i 15 minutter.",
    "portal.email": "E-postadresse", "portal.send_link": "Send meg en lenke",
    "portal.sent": "Hvis adressen er registrert hos oss, har vi sendt en innloggingslenke.",
    "portal.sent_more": "Sjekk innboksen. Lenken virker én gang og går ut etter 15 minutter.",
    "portal.bad_email": "Det ser ikke ut som en gyldig e-postadresse.",
    "portal.bad_link": "Lenken er ugyldig, brukt eller utløpt. Be om en ny.",
    "portal.confirm_title": "Logg inn", "portal.confirm_lead": "Trykk for å logge inn på Mine sider.",
    "portal.confirm_button": "Logg inn",
    "portal.nav_data": "Mine data", "portal.nav_choices": "Mine valg", "portal.nav_requests": "Henvendelser",
    "portal.hello": "Dine opplysninger", "portal.lead": "Kunde siden {date}. Her ser du hva vi har, hvorfor og "
                                                         "hvor lenge.",
    "portal.copy_pdf": "Last ned registerkopi (PDF)", "portal.copy_json": "JSON", "portal.portable": "Dataeksport",
    "portal.my_data": "Mine data", "portal.n_records": "{n} poster", "portal.why": "Hvorfor",
    "portal.how_long": "Hvor lenge", "portal.what": "Hva", "portal.until": "Slettes",
    "portal.until_event": "når hendelsen inntreffer", "portal.restricted": "begrenset",
    "portal.no_data": "Vi har ingen opplysninger om deg.",
    "portal.choices": "Markedsføring", "portal.channel_email": "E-post", "portal.channel_sms": "SMS",
    "portal.channel_post": "Post", "portal.channel_phone": "Telefon",
    "portal.save_choices": "Lagre valgene",
    "portal.object_lead": "Du kan når som helst si nei til all markedsføring og profilering for markedsføring "
                          "(art. 21).",
    "portal.object": "Nei til all markedsføring", "portal.no_marketing": "Vi driver ikke markedsføring mot deg.",
    "portal.requests": "Henvendelser", "portal.no_requests": "Ingen henvendelser.",
    "portal.ask": "Jeg vil be om", "portal.what_wrong": "Hva gjelder det? (ved retting: hva er feil, og hva er "
                                                       "riktig)",
    "portal.send_request": "Send", "portal.answer_by": "Svar senest",
    "portal.request_help": "Vi svarer innen fristen. Du får beskjed på e-post når saken er ferdig.",
    "portal.back": "Tilbake til Mine sider",
    "done.contact": "Samtalen er logget.", "done.restricted": "Behandlingen er begrenset.",
    "done.completed": "Henvendelsen er fullført.", "done.verified": "Identiteten er bekreftet.",
    "done.channels": "Valgene dine er lagret.", "done.objected": "Du får ikke lenger markedsføring fra oss.",
    "done.extended": "Fristen er forlenget, og kunden er fortalt hvorfor.",
    "done.refused": "Henvendelsen er avslått med begrunnelse.", "done.decided": "Avgjørelsen er registrert.",
    "done.rectified": "Opplysningene er rettet og henvendelsen fullført.",
    "done.case_opened": "Saken er opprettet.", "done.case_closed": "Saken er avsluttet.",
    "problem.title": "Det gikk ikke", "problem.detail": "Detaljer",
    "problem.reason": "Skriv en begrunnelse – den blir lagret, og kunden får den.",
    "problem.status": "Henvendelsen er ikke på et trinn der dette kan gjøres nå.",
    "problem.changes": "Endringen kan ikke lagres: endre en verdi eller legg til en, og bare med kategorier "
                       "formålet samler inn.",
    "problem.json": "En sammensatt verdi må være gyldig JSON.",
    "problem.kind": "Velg hva det gjelder.", "problem.what": "Skriv hva som er feil, og hva som er riktig.",
    "problem.purpose": "Velg et formål i erklæringen.", "problem.case": "Fant ikke saken, eller den er "
                                                                       "allerede avsluttet.",
    "problem.on": "Skriv datoen som ÅÅÅÅ-MM-DD, tidligst den dagen saken ble opprettet.",
    "problem.upheld": "Velg om innsigelsen tas til følge eller ikke.",
    "problem.ground": "Velg et gyldig grunnlag.", "problem.request": "Denne henvendelsen kan ikke behandles slik.",
    "problem.subject": "Fant ikke kunden.", "problem.method": "Ukjent måte å bekrefte identitet på.",
    "problem.channel": "Ukjent kanal.", "problem.other": "Det du ba om, kan ikke gjøres.",
    "request.extend": "Forleng fristen", "request.extend_reason": "Hvorfor trengs mer tid? (kunden får det)",
    "request.extended_to": "Forlenget til {date}: {reason}", "request.refuse": "Avslå",
    "request.refuse_reason": "Begrunnelse for avslaget (kunden får den)",
    "request.refused_because": "Avslått: {reason}", "request.actions": "Handlinger",
    "request.verify_lead": "Signert henvendelse med kopi av legitimasjon er kontrollert (kopien lagres ikke).",
    "request.notices": "Mottakere som er varslet (art. 19)", "request.no_notices": "Ingen mottakere er varslet.",
    "request.objection_to": "Innsigelse mot", "request.direct_marketing": "Direkte markedsføring (art. 21 nr. 2)",
    "request.decide": "Avgjør innsigelsen (art. 21 nr. 1)",
    "request.decide_lead": "Behandlingen for «{purpose}» er begrenset til avgjørelsen er tatt.",
    "request.upheld_yes": "Tas til følge – behandlingen stanses",
    "request.upheld_no": "Tas ikke til følge – tvingende berettigede grunner",
    "request.decide_reason": "Begrunnelse", "request.decide_submit": "Registrer avgjørelsen",
    "rectify.title": "Retting og supplering", "rectify.lead": "Kundens opplysninger slik de er nå. Endre det "
                                                             "som er feil, eller legg til det som mangler "
                                                             "(art. 16).",
    "rectify.record": "Post {id}", "rectify.collected": "registrert {date}", "rectify.add": "Legg til",
    "rectify.add_value": "Ny verdi", "rectify.none": "Ingen aktive opplysninger å rette.",
    "rectify.review": "Se over endringene", "rectify.confirm_title": "Lagre disse endringene?",
    "rectify.confirm_lead": "Mottakere som har fått opplysningene, blir varslet (art. 19).",
    "rectify.before": "Før", "rectify.after": "Etter", "rectify.new": "(ny)", "rectify.confirm": "Ja, rett",
    "rectify.cancel": "Avbryt", "rectify.statement": "Kundens beskrivelse ligger under dokumenter.",
    "case.open": "Opprett sak", "case.open_submit": "Opprett",
    "case.kind": "Type sak", "case.purpose": "Formål", "case.close": "Avslutt",
    "case.close_on": "Avsluttet dato", "case.kind.service": "Service", "case.kind.complaint": "Reklamasjon",
    "case.kind.warranty": "Garanti",
    "case.lead": "Saken lagres til den er avsluttet, og deretter så lenge formålet sier.",
    "portal.records_until": "mellom {first} og {last}",
    "portal.awaiting": "{n} venter på en hendelse", "portal.copy_note": "Kopien lages når du laster den ned.",
    "mail.login_subject": "Logg inn på Mine sider hos {name}",
    "mail.login_text": "Hei,\n\nher er lenken for å logge inn på Mine sider hos {name}:\n\n{link}\n\n"
                       "Lenken virker én gang og går ut om {minutes} minutter. Ba du ikke om den, kan du se "
                       "bort fra denne e-posten.\n",
}

EN: dict[str, str] = {
    "nav.main": "Main menu", "nav.lookup": "Lookup", "nav.requests": "Requests", "nav.sweep": "Deletion",
    "nav.audit": "Audit trail", "nav.policy": "Notice", "nav.logout": "Log out",
    "lang.other": "Norsk", "lang.switch": "Bytt til norsk",
    "demo.banner": "Demo: every e-mail sent ends up in", "demo.mailbox": "the demo mailbox",
    "footer.orgnr": "org. no.", "footer.notice": "Privacy notice",
    "error.back": "Home", "error.400": "That did not work", "error.401": "Please log in", "error.403": "No access",
    "error.404": "Page not found", "error.409": "Not possible now", "error.422": "Please check the input",
    "error.500": "Something went wrong",
    "landing.eyebrow": "Privacy", "landing.title": "Privacy at {name}",
    "landing.lead": "See what we hold about you, why and for how long – and decide about marketing yourself.",
    "landing.portal": "My pages", "landing.portal_text": "Log in with your e-mail address to see your data, "
                                                         "download a copy and choose channels.",
    "landing.notice": "Privacy notice", "landing.notice_text": "What we process, on which basis, for how long, "
                                                               "and your rights.",
    "landing.console": "Customer service and privacy officer",
    "landing.console_text": "For staff: lookup, requests, deletion and the audit trail.",
    "console.area": "Console", "console.login": "Log in", "console.lookup": "Find a customer",
    "console.login_lead": "For customer service staff and the privacy officer.",
    "login.username": "Username", "login.password": "Password", "login.submit": "Log in",
    "login.failed": "Wrong username or password.",
    "login.locked": "Too many failed logins. Try again in {minutes} min, or ask an administrator to unlock the "
    "account.", "login.expired": "The form had expired. Please try again.",
    "role.agent": "customer service", "role.privacy_officer": "privacy officer", "role.admin": "administrator",
    "role.subject": "customer",
    "lookup.lead": "Type or paste the caller's phone number – in any format. E-mail, customer and order "
                   "numbers work too.",
    "lookup.label": "Phone, e-mail, customer or order number",
    "lookup.purpose": "The lookup is logged under the purpose “{purpose}”.",
    "lookup.none": "No match.", "lookup.not_an_identifier": "That does not look like a phone number, an e-mail "
                                                            "address or a customer number yet.",
    "lookup.customer": "Customer", "lookup.open": "Open", "lookup.sealed": "Sealed accounting voucher",
    "lookup.sealed_text": "{n} voucher(s), found by the order number (Bookkeeping Act § 13).",
    "ident.email": "E-mail", "ident.phone": "Phone", "ident.national_id": "National id",
    "ident.customer_number": "Customer no.", "ident.order_number": "Order no.",
    "subject.title": "Customer", "subject.kind": "Kind", "subject.log_call": "Log call",
    "subject.erase": "Erase…", "subject.purposes": "Data per purpose", "subject.contacts": "Contact log",
    "subject.disclosures": "Disclosures", "subject.consents": "Consents and channels",
    "subject.requests": "Requests", "subject.cases": "Open cases", "subject.restrict": "Restrict processing",
    "subject.restricted": "Processing is restricted ({n}). Data is shown only for storage and legal claims "
                          "(Art. 18).",
    "subject.n_restricted": "{n} restricted", "subject.days_left": "{n} days left",
    "subject.awaiting_event": "awaits an event", "subject.sweep_due": "deleted at the next run",
    "subject.no_records": "No data.",
    "subject.no_contacts": "No contacts logged.", "subject.no_disclosures": "No disclosures.",
    "subject.no_consents": "No consents.", "subject.no_requests": "No requests.", "subject.no_cases": "No open cases.",
    "col.purpose": "Purpose", "col.basis": "Basis", "col.records": "Records", "col.kept_until": "Kept until",
    "col.when": "When", "col.channel": "Channel", "col.direction": "Direction", "col.by": "By",
    "col.recipient": "Recipient", "col.deadline": "Deadline", "col.kind": "Right", "col.status": "Status",
    "col.received": "Received",
    "channel.phone": "Phone", "channel.email": "E-mail", "channel.sms": "SMS", "channel.post": "Post",
    "channel.chat": "Chat", "channel.portal": "My pages", "channel.letter": "Letter", "channel.api": "API",
    "direction.in": "In", "direction.out": "Out",
    "consent.given": "Yes", "consent.withdrawn": "No",
    "restrict.ground": "Ground", "restrict.reason": "Reason",
    "ground.accuracy": "Accuracy contested", "ground.unlawful": "Unlawful processing",
    "ground.legal_claims": "Legal claims", "ground.objection": "Objection pending",
    "erase.title": "Erase this customer?", "erase.lead": "This cannot be undone.",
    "erase.records": "{n} records in the register.",
    "erase.warning": "Everything goes except what the law makes us keep: accounting vouchers are sealed and "
                     "found only by their order number until the period ends (Bookkeeping Act § 13).",
    "erase.confirm": "Yes, erase", "erase.cancel": "Cancel", "erase.done_title": "Erased",
    "erase.done_lead": "What was done, record by record.", "erase.erased": "Erased",
    "erase.kept": "Kept, and why", "erase.nothing_erased": "Nothing to erase.", "erase.nothing_kept": "Nothing kept.",
    "erase.subject_removed": "The customer and their key are gone.",
    "erase.subject_kept": "The customer remains because something must be kept.",
    "outcome.sealed": "sealed", "outcome.kept": "kept", "outcome.held": "held",
    "requests.lead": "Sorted by deadline. One month from receipt (Art. 12(3)).",
    "requests.overdue": "Overdue", "requests.overdue_n": "{n} overdue", "requests.extended": "extended",
    "requests.days_left": "{n} days left", "requests.open": "Open", "requests.none": "No requests.",
    "requests.show_all": "Show all", "requests.show_open": "Show open",
    "request.title": "Request", "request.received": "Received {date}", "request.progress": "Progress",
    "request.verified": "Identity verified", "request.handled_by": "Handled by", "request.completed": "Completed",
    "request.subject": "View the customer", "request.artifacts": "Documents",
    "request.no_artifacts": "No documents yet.", "request.outcome": "Outcome",
    "request.verify": "Identity checked (ID document)",
    "request.carry_out.access": "Make the register copy and complete", "request.carry_out.erasure":
        "Erase and complete", "request.carry_out.portability": "Make the data export and complete",
    "request.carry_out.rectification": "Rectified – complete", "request.carry_out.restriction":
        "Restricted – complete", "request.carry_out.objection": "Objection handled – complete",
    "request.ground": "Ground for erasure",
    "erasure_ground.a": "a) No longer necessary", "erasure_ground.b": "b) Consent withdrawn",
    "erasure_ground.c": "c) Objection (Art. 21)", "erasure_ground.d": "d) Unlawfully processed",
    "erasure_ground.e": "e) Legal obligation",
    "kind.access": "Access", "kind.rectification": "Rectification", "kind.erasure": "Erasure",
    "kind.restriction": "Restriction", "kind.objection": "Objection", "kind.portability": "Portability",
    "status.received": "Received", "status.verified": "Verified", "status.in_progress": "In progress",
    "status.completed": "Completed", "status.refused": "Refused",
    "method.email_code": "e-mail code", "method.email_link": "e-mail link", "method.id_document": "ID document",
    "method.portal_session": "logged in to My pages",
    "sweep.lead": "What the deletion job would do on a chosen date. Nothing is changed.",
    "sweep.as_of": "Date", "sweep.preview": "Preview", "sweep.deleted": "Deleted", "sweep.reduced": "Reduced",
    "sweep.handed_over": "Handed over / review", "sweep.held": "Held back",
    "sweep.per_purpose": "Per purpose, {date}", "sweep.nothing": "Nothing to do on this day.",
    "sweep.dry_run": "Preview: no data was changed.",
    "sweep.waiting": "No due date",
    "sweep.waiting_lead": "The rule waits for an event that has not been recorded; the data is kept until it is.",
    "sweep.waiting_for": "Waiting for",
    "sweep.until_asked": "the subject to ask for erasure (no fixed period)",
    "audit.lead": "Who did what to whose data, and when (Art. 5(2)). Ids only, never the data.",
    "audit.subject": "Subject id", "audit.actor": "Actor", "audit.filter": "Filter", "audit.action": "Action",
    "audit.none": "No entries.",
    "policy.lead": "Version {version}, effective {date}. Generated from the same file the register enforces.",
    "policy.notice": "Privacy notice", "policy.ropa": "Record of processing (Art. 30)",
    "mailbox.title": "Demo mailbox", "mailbox.lead": "Every e-mail the system has sent, newest first. Demo "
                                                     "mode only.",
    "mailbox.empty": "No e-mail yet.", "mailbox.to": "To",
    "portal.title": "My pages", "portal.login": "Log in to My pages",
    "portal.login_lead": "Enter the e-mail address you gave us. We send you a login link that works once for "
                         "15 minutes.",
    "portal.email": "E-mail address", "portal.send_link": "Send me a link",
    "portal.sent": "If the address is registered with us, we have sent a login link.",
    "portal.sent_more": "Check your inbox. The link works once and expires after 15 minutes.",
    "portal.bad_email": "That does not look like a valid e-mail address.",
    "portal.bad_link": "The link is invalid, used or expired. Ask for a new one.",
    "portal.confirm_title": "Log in", "portal.confirm_lead": "Press to log in to My pages.",
    "portal.confirm_button": "Log in",
    "portal.nav_data": "My data", "portal.nav_choices": "My choices", "portal.nav_requests": "Requests",
    "portal.hello": "Your data", "portal.lead": "Customer since {date}. Here is what we hold, why and for how long.",
    "portal.copy_pdf": "Download register copy (PDF)", "portal.copy_json": "JSON", "portal.portable": "Data export",
    "portal.my_data": "My data", "portal.n_records": "{n} records", "portal.why": "Why",
    "portal.how_long": "How long", "portal.what": "What", "portal.until": "Deleted",
    "portal.until_event": "when the event happens", "portal.restricted": "restricted",
    "portal.no_data": "We hold no data about you.",
    "portal.choices": "Marketing", "portal.channel_email": "E-mail", "portal.channel_sms": "SMS",
    "portal.channel_post": "Post", "portal.channel_phone": "Phone", "portal.save_choices": "Save my choices",
    "portal.object_lead": "You may at any time say no to all marketing and to profiling for marketing (Art. 21).",
    "portal.object": "No to all marketing", "portal.no_marketing": "We do not market to you.",
    "portal.requests": "Requests", "portal.no_requests": "No requests.",
    "portal.ask": "I want to ask for", "portal.what_wrong": "What is it about? (rectification: what is wrong, "
                                                           "and what is right)",
    "portal.send_request": "Send", "portal.answer_by": "Answer by",
    "portal.request_help": "We answer within the deadline. You get an e-mail when it is done.",
    "portal.back": "Back to My pages",
    "done.contact": "The call is logged.", "done.restricted": "Processing is restricted.",
    "done.completed": "The request is completed.", "done.verified": "The identity is verified.",
    "done.channels": "Your choices are saved.", "done.objected": "You will no longer get marketing from us.",
    "done.extended": "The deadline is extended, and the customer is told why.",
    "done.refused": "The request is refused with a reason.", "done.decided": "The decision is recorded.",
    "done.rectified": "The data is rectified and the request completed.",
    "done.case_opened": "The case is opened.", "done.case_closed": "The case is closed.",
    "problem.title": "That did not work", "problem.detail": "Details",
    "problem.reason": "Give a reason – it is stored, and the customer is told.",
    "problem.status": "The request is not at a step where this can be done now.",
    "problem.changes": "The change cannot be saved: edit a value or add one, and only with categories the "
                       "purpose collects.",
    "problem.json": "A structured value must be valid JSON.",
    "problem.kind": "Choose what it is about.", "problem.what": "Say what is wrong and what is right.",
    "problem.purpose": "Choose a purpose of the policy.", "problem.case": "The case was not found, or it is "
                                                                         "already closed.",
    "problem.on": "Give the date as YYYY-MM-DD, no earlier than the day the case was opened.",
    "problem.upheld": "Choose whether the objection is upheld or not.",
    "problem.ground": "Choose a valid ground.", "problem.request": "This request cannot be handled that way.",
    "problem.subject": "The customer was not found.", "problem.method": "Unknown way to verify identity.",
    "problem.channel": "Unknown channel.", "problem.other": "What you asked for cannot be done.",
    "request.extend": "Extend the deadline", "request.extend_reason": "Why is more time needed? (the customer "
                                                                     "is told)",
    "request.extended_to": "Extended to {date}: {reason}", "request.refuse": "Refuse",
    "request.refuse_reason": "Reason for the refusal (the customer is told)",
    "request.refused_because": "Refused: {reason}", "request.actions": "Actions",
    "request.verify_lead": "A signed request with a copy of ID was checked (the copy is not stored).",
    "request.notices": "Recipients notified (Art. 19)", "request.no_notices": "No recipients notified.",
    "request.objection_to": "Objection to", "request.direct_marketing": "Direct marketing (Art. 21(2))",
    "request.decide": "Decide the objection (Art. 21(1))",
    "request.decide_lead": "Processing for “{purpose}” is restricted until the decision.",
    "request.upheld_yes": "Upheld – the processing stops",
    "request.upheld_no": "Not upheld – compelling legitimate grounds",
    "request.decide_reason": "Reason", "request.decide_submit": "Record the decision",
    "rectify.title": "Rectification and completion", "rectify.lead": "The customer's data as it is now. Correct "
                                                                    "what is wrong or add what is missing "
                                                                    "(Art. 16).",
    "rectify.record": "Record {id}", "rectify.collected": "collected {date}", "rectify.add": "Add",
    "rectify.add_value": "New value", "rectify.none": "No active data to rectify.",
    "rectify.review": "Review the changes", "rectify.confirm_title": "Save these changes?",
    "rectify.confirm_lead": "Recipients that got the data are notified (Art. 19).",
    "rectify.before": "Before", "rectify.after": "After", "rectify.new": "(new)", "rectify.confirm": "Yes, rectify",
    "rectify.cancel": "Cancel", "rectify.statement": "The customer's description is under documents.",
    "case.open": "Open a case", "case.open_submit": "Open",
    "case.kind": "Kind of case", "case.purpose": "Purpose", "case.close": "Close",
    "case.close_on": "Closed on", "case.kind.service": "Service", "case.kind.complaint": "Complaint",
    "case.kind.warranty": "Warranty",
    "case.lead": "The case is kept until it is closed, and then as long as the purpose says.",
    "portal.records_until": "between {first} and {last}",
    "portal.awaiting": "{n} await an event", "portal.copy_note": "The copy is made when you download it.",
    "mail.login_subject": "Log in to My pages at {name}",
    "mail.login_text": "Hello,\n\nhere is your link to log in to My pages at {name}:\n\n{link}\n\n"
                       "The link works once and expires in {minutes} minutes. If you did not ask for it, you "
                       "can ignore this e-mail.\n",
}

CATALOGUE: dict[str, dict[str, str]] = {"nb": NB, "en": EN}

# Words for daily use (issue 15): event and role names, error pages, plurals, corrections.
from personvern.web import words as _words  # noqa: E402

NB.update(_words.NB)
EN.update(_words.EN)
