"""Words for daily use (issue 15), merged into the catalogue of ``personvern.web.i18n``: names for what the
audit trail stores as codes (events, roles), error pages, the audit log's filters, the Art. 30 page, the
profile's contact answer, plurals (``key.one`` is used when ``n`` is 1), and corrections of earlier words.
"""

from __future__ import annotations

NB: dict[str, str] = {
    # corrections
    "sweep.lead": "Hva slettejobben ville gjort på en valgt dato. Ingenting endres.",
    "subject.sweep_due": "slettes av slettejobben i natt",
    "case.lead": "Saken lagres til den er avsluttet, og deretter så lenge formålet sier.",
    "subject.awaiting_event": "venter på hendelsen «{event}»",
    # plurals: key.one when n == 1
    "subject.days_left.one": "1 dag igjen", "requests.days_left.one": "1 dag igjen",
    "erase.records.one": "1 post i registeret.", "portal.n_records.one": "1 post",
    "portal.awaiting.one": "1 venter på en hendelse",
    # errors
    "error.code": "Feil {status}", "error.405": "Ikke tillatt",
    "error.401.text": "Du må logge inn for å se denne siden.",
    "error.403.text": "Du har ikke tilgang til denne siden med din rolle. Bruk menyen for å gå dit du har tilgang.",
    "error.404.text": "Siden eller oppføringen finnes ikke (lenger). Kanskje den er slettet?",
    "error.405.text": "Dette kan ikke gjøres her.",
    "error.500.text": "Noe gikk galt hos oss. Prøv igjen om litt; feilen er logget.",
    # roles in the audit trail
    "role.system": "system", "role.worker": "automatisk jobb", "role.cli": "kommandolinje",
    # the audit log page
    "audit.lead": "Hvem gjorde hva med hvems data, og når (art. 5 nr. 2). Loggen viser handlinger, aldri "
                  "opplysningene.",
    "audit.person": "Kunde (telefon, e-post, kundenr.)", "audit.staff": "Ansatt", "audit.kind": "Hendelse",
    "audit.kind_all": "Alle hendelser", "audit.from": "Fra dato", "audit.to": "Til og med dato",
    "audit.export": "Last ned utvalget (CSV)", "audit.older": "Eldre oppføringer →",
    "audit.newest": "← Nyeste", "audit.person_none": "Fant ingen kunde for «{q}».",
    "audit.person_is": "Viser loggen for {name}.", "audit.clear": "Nullstill",
    "audit.entry": "oppføring", "audit.customer": "Kunde",
    # the Art. 30 page
    "ropa.download": "Last ned", "ropa.missing_title": "Mangler før protokollen er komplett",
    "ropa.missing_item": "{activity}: {field}", "ropa.missing_fix": "Rettes i policyfilen, {where}.",
    "ropa.complete": "Alle obligatoriske felt er fylt ut.", "ropa.mandatory": "obligatorisk (art. {article})",
    "ropa.optional": "valgfritt", "ropa.missing_value": "Mangler",
    # the profile
    "subject.profile_of": "Kundeprofil",
    "contact.now": "Kan vi kontakte kunden nå?", "contact.allowed": "Ja", "contact.refused": "Nei",
    "contact.channel.sms": "SMS", "contact.channel.phone": "Ringe", "contact.channel.email": "E-post",
    "contact.channel.post": "Brev", "contact.for": "for «{purpose}»",
    "contact.phone_fact": "Personvernerklæringen tillater ikke notater fra telefonsamtaler: en samtale logges "
                          "bare som at den fant sted. Notat lagres for e-post, chat, SMS og brev.",
    "contact.call_not_recorded": "Selve samtalen tas ikke opp. Et kort notat (høyst {n} tegn) lagres under "
                                 "formålet, som en e-post.",
    "contact.call_recorded": "Et kort notat (høyst {n} tegn) lagres under formålet, som en e-post.",
    "contact.unused": "Brukes ikke",
    "contact.not_marketed": "Brukes ikke til markedsføring: personvernerklæringen nevner ikke {channel} til "
                            "markedsføring. Beskjeder om kundeforholdet, som svar i en sak, er ikke markedsføring.",
    "contact.medium.email": "e-post", "contact.medium.sms": "SMS", "contact.medium.phone": "telefon",
    "contact.medium.post": "brev",
    "contact.note": "Notat (valgfritt)", "contact.note_hint": "Kort hva samtalen gjaldt. Lagres under formålet.",
    "case.description": "Beskrivelse", "case.description_hint": "Hva gjelder saken?",
    # sizes
    "size.bytes": "{n} byte", "size.kb": "{n} kB", "size.mb": "{n} MB",
    # portal
    "portal.greeting": "Hei, {name}!", "portal.objection_in_place": "Du har protestert mot markedsføring "
    "({date}). Vi sender deg ingen reklame.", "portal.channels_off_erased": "Opplysningene dine er slettet; "
    "alle kanaler er slått av.", "portal.outcome": "Utfall", "portal.empty_export": "Kopien er tom fordi vi "
    "ikke lenger har opplysninger om deg, eller bare opplysninger som er forseglet etter bokføringsloven.",
    "unsubscribe.title": "Avmelding", "unsubscribe.confirm": "Meld meg av",
    "unsubscribe.lead": "Meld deg av «{purpose}» ({channel}). Du trenger ikke logge inn.",
    "unsubscribe.done": "Du er meldt av. Vi sender deg ikke flere slike meldinger ({channel}).",
    "unsubscribe.invalid": "Lenken er ugyldig eller ødelagt. Logg inn på Mine sider for å velge kanaler.",
}

EN: dict[str, str] = {
    "sweep.lead": "What the deletion job would do on a chosen date. Nothing is changed.",
    "subject.sweep_due": "deleted by tonight's deletion job",
    "case.lead": "The case is kept until it is closed, then as long as its purpose says.",
    "subject.awaiting_event": "awaits the event “{event}”",
    "subject.days_left.one": "1 day left", "requests.days_left.one": "1 day left",
    "erase.records.one": "1 record in the register.", "portal.n_records.one": "1 record",
    "portal.awaiting.one": "1 awaits an event",
    "error.code": "Error {status}", "error.405": "Not allowed",
    "error.401.text": "Please log in to see this page.",
    "error.403.text": "Your role does not give access to this page. Use the menu to go where you have access.",
    "error.404.text": "The page or entry does not exist (any more). Perhaps it was deleted?",
    "error.405.text": "This cannot be done here.",
    "error.500.text": "Something went wrong on our side. Please try again shortly; the error is logged.",
    "role.system": "system", "role.worker": "scheduled job", "role.cli": "command line",
    "audit.lead": "Who did what to whose data, and when (Art. 5(2)). The log shows actions, never the data.",
    "audit.person": "Customer (phone, e-mail, customer no.)", "audit.staff": "Staff member", "audit.kind": "Event",
    "audit.kind_all": "All events", "audit.from": "From date", "audit.to": "To date (inclusive)",
    "audit.export": "Download this view (CSV)", "audit.older": "Older entries →",
    "audit.newest": "← Newest", "audit.person_none": "No customer found for “{q}”.",
    "audit.person_is": "Showing the log of {name}.", "audit.clear": "Reset",
    "audit.entry": "entry", "audit.customer": "Customer",
    "ropa.download": "Download", "ropa.missing_title": "Missing before the record is complete",
    "ropa.missing_item": "{activity}: {field}", "ropa.missing_fix": "Fix it in the policy file, {where}.",
    "ropa.complete": "Every mandatory field is filled in.", "ropa.mandatory": "mandatory (Art. {article})",
    "ropa.optional": "optional", "ropa.missing_value": "Missing",
    "subject.profile_of": "Customer profile",
    "contact.now": "May we contact the customer now?", "contact.allowed": "Yes", "contact.refused": "No",
    "contact.channel.sms": "SMS", "contact.channel.phone": "Call", "contact.channel.email": "E-mail",
    "contact.channel.post": "Letter", "contact.for": "for “{purpose}”",
    "contact.phone_fact": "The privacy policy allows no notes of phone calls: a call is logged only as having "
                          "happened. A note is kept for e-mail, chat, SMS and letters.",
    "contact.call_not_recorded": "The call itself is not recorded. A short note (at most {n} characters) is kept "
                                 "under the purpose, like an e-mail.",
    "contact.call_recorded": "A short note (at most {n} characters) is kept under the purpose, like an e-mail.",
    "contact.unused": "Not used",
    "contact.not_marketed": "Not used for marketing: the privacy policy names no marketing by {channel}. "
                            "Messages about the customer relationship, such as an answer on a case, are not "
                            "marketing.",
    "contact.medium.email": "e-mail", "contact.medium.sms": "SMS", "contact.medium.phone": "phone",
    "contact.medium.post": "letter",
    "contact.note": "Note (optional)", "contact.note_hint": "Briefly what the call was about. Kept under the purpose.",
    "case.description": "Description", "case.description_hint": "What is the case about?",
    "size.bytes": "{n} bytes", "size.kb": "{n} kB", "size.mb": "{n} MB",
    "portal.greeting": "Hello, {name}!", "portal.objection_in_place": "You objected to direct marketing ({date}). "
    "We send you no marketing.", "portal.channels_off_erased": "Your data is erased; every channel is off.",
    "portal.outcome": "Outcome", "portal.empty_export": "The copy is empty because we no longer hold data about "
    "you, or only records sealed under the Bookkeeping Act.",
    "unsubscribe.title": "Unsubscribe", "unsubscribe.confirm": "Unsubscribe me",
    "unsubscribe.lead": "Unsubscribe from “{purpose}” ({channel}). No login needed.",
    "unsubscribe.done": "You are unsubscribed. We will send no more such messages ({channel}).",
    "unsubscribe.invalid": "The link is invalid or broken. Log in to My pages to choose channels.",
}

# What the audit trail stores as codes (personvern.audit.events), in words. A name missing here falls back
# to the code with its dots and underscores as spaces (a test lists the built-in events that need words).
EVENTS_NB: dict[str, str] = {
    "alarm_contact.added": "Alarmkontakt lagt til", "audit.pruned": "Gammel logg slettet",
    "breach.assessed": "Avvik vurdert", "campaign.filtered": "Kampanjeliste filtrert",
    "case.closed": "Sak avsluttet", "case.opened": "Sak opprettet", "consent.given": "Samtykke gitt",
    "consent.withdrawn": "Samtykke trukket", "contact.logged": "Kontakt logget",
    "datastore.erased": "Slettet i butikkens database",
    "datastore.swept": "Slettejobben i butikkens database",
    "disclosure.recorded": "Utlevert til mottaker", "erasure.completed": "Kunde slettet",
    "erasure.replayed": "Sletting gjentatt etter gjenoppretting", "event.recorded": "Hendelse registrert",
    "export.created": "Kopi av data laget", "hold.lifted": "Sletteforbud opphevet",
    "hold.placed": "Sletteforbud lagt inn", "identifiers.added": "Kontaktopplysninger lagt til",
    "identifiers.shown": "Opplysninger vist umaskert", "import.batch": "Import",
    "marketing.objected": "Protest mot markedsføring", "notice.sent": "Informasjon sendt",
    "policy.activated": "Ny versjon av erklæringen", "recipient.deletion_instructed": "Mottaker bedt om å slette",
    "recipient.notified": "Mottaker varslet", "record.deleted": "Opplysninger slettet",
    "record.read": "Opplysninger lest", "record.written": "Opplysninger lagret",
    "request.step": "Henvendelse behandlet", "request.swept": "Gamle henvendelser slettet",
    "reservations.washed": "Vasket mot Reservasjonsregisteret", "restriction.lifted": "Begrensning opphevet",
    "restriction.placed": "Behandling begrenset", "subject.created": "Kunde opprettet",
    "subject.looked_up": "Oppslag", "subject.removed": "Kunde fjernet", "subject.viewed": "Kundeprofil åpnet",
    "suppression.added": "Lagt på sperreliste", "sweep.completed": "Slettejobben kjørt",
    "web.staff_user_changed": "Ansattbruker endret", "web.staff_user_created": "Ansattbruker opprettet",
    "web.token_created": "API-nøkkel laget", "web.token_revoked": "API-nøkkel trukket tilbake",
    "web.lockout_lifted": "Innloggingssperre opphevet", "web.login_failed": "Mislykket innlogging",
    "web.login_succeeded": "Innlogget", "web.token_refused": "API-nøkkel avvist",
    "outbox.acknowledged": "Utsending kvittert ut", "outbox.retried": "Utsending prøvd på nytt",
    "event.cancelled": "Hendelse fjernet", "event.moved": "Hendelse flyttet til en annen dato",
    "records.moved": "Opplysninger flyttet til et annet formål",
}
EVENTS_EN: dict[str, str] = {
    "alarm_contact.added": "Alarm contact added", "audit.pruned": "Old log entries deleted",
    "breach.assessed": "Breach assessed", "campaign.filtered": "Campaign list filtered",
    "case.closed": "Case closed", "case.opened": "Case opened", "consent.given": "Consent given",
    "consent.withdrawn": "Consent withdrawn", "contact.logged": "Contact logged",
    "datastore.erased": "Erased in the business's own database",
    "datastore.swept": "Retention sweep in the business's own database",
    "disclosure.recorded": "Disclosed to a recipient", "erasure.completed": "Customer erased",
    "erasure.replayed": "Erasure replayed after a restore", "event.recorded": "Event recorded",
    "export.created": "Copy of data made", "hold.lifted": "Hold lifted", "hold.placed": "Hold placed",
    "identifiers.added": "Contact details added", "identifiers.shown": "Data shown unmasked",
    "import.batch": "Import", "marketing.objected": "Objection to direct marketing",
    "notice.sent": "Notice sent", "policy.activated": "New policy version",
    "recipient.deletion_instructed": "Recipient told to delete", "recipient.notified": "Recipient notified",
    "record.deleted": "Data deleted", "record.read": "Data read", "record.written": "Data stored",
    "request.step": "Request handled", "request.swept": "Old requests deleted",
    "reservations.washed": "Washed against the opt-out register", "restriction.lifted": "Restriction lifted",
    "restriction.placed": "Processing restricted", "subject.created": "Customer created",
    "subject.looked_up": "Lookup", "subject.removed": "Customer removed", "subject.viewed": "Profile opened",
    "suppression.added": "Added to the suppression list", "sweep.completed": "Deletion job ran",
    "web.staff_user_changed": "Staff user changed", "web.staff_user_created": "Staff user created",
    "web.token_created": "API token created", "web.token_revoked": "API token revoked",
    "web.lockout_lifted": "Login lockout lifted", "web.login_failed": "Failed login",
    "web.login_succeeded": "Logged in", "web.token_refused": "API token refused",
    "outbox.acknowledged": "Message acknowledged", "outbox.retried": "Message retried",
    "event.cancelled": "Event removed", "event.moved": "Event moved to another date",
    "records.moved": "Data moved to another purpose",
}
EVENTS = {"nb": EVENTS_NB, "en": EVENTS_EN}


def event_name(action: str, lang: str) -> str:
    """An audit event's name in words; an add-on's unknown event reads as its code without dots."""
    found = EVENTS["en" if lang == "en" else "nb"].get(action)
    return found or action.replace(".", " ").replace("_", " ").capitalize()


def human_size(n: int, lang: str) -> str:
    """``52 byte``, ``1,5 kB``, ``2,3 MB`` (a comma in Norwegian); never ``0.0 kB``."""
    table = EN if lang == "en" else NB
    if n < 1000:
        return table["size.bytes"].format(n=n)
    value, key = (n / 1000, "size.kb") if n < 1_000_000 else (n / 1_000_000, "size.mb")
    number = f"{value:.1f}" if value < 10 else f"{value:.0f}"
    return table[key].format(n=number if lang == "en" else number.replace(".", ","))
