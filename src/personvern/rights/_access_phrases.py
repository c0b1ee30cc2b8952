"""The fixed sentences of the register copy (Art. 15) and the portability README (Art. 20), nb and en.

Kept apart from the code that assembles the documents so the wording can be reviewed in one place. The
rights and complaint texts follow the privacy notice's phrasing (``personvern.notice._phrases``).
"""

from __future__ import annotations

from typing import Any

PHRASES: dict[str, dict[str, Any]] = {
    "nb": {
        "title": "Innsyn i personopplysninger",
        "subtitle": "Kopi av opplysningene {name} har registrert om deg (registerkopi, GDPR art. 15)",
        "generated": "Laget {date}",
        "as_of": "Opplysningene gjelder per {date}",
        "reference": "Referanse",
        "intro": "Her er alle personopplysningene vi har registrert om deg, hva vi bruker dem til, hvem vi har "
        "gitt dem til, hvor lenge vi lagrer dem og hvilke rettigheter du har. Dokumentet er din personlige "
        "kopi: ta godt vare på det, og ikke del det med andre.",
        "summary": "Oversikt",
        "summary_records": "Registrerte opplysninger",
        "summary_purposes": "Formål",
        "summary_recipients": "Utleveringer til mottakere",
        "summary_consents": "Samtykker",
        "h_you": "Dette er registrert om deg",
        "identifiers": "Identifikatorer",
        "subject_kind": "Registrert blant",
        "registered_since": "Registrert siden",
        "id_kinds": {"email": "E-post", "phone": "Telefon", "national_id": "Fødselsnummer",
                     "customer_number": "Kundenummer", "order_number": "Ordrenummer"},
        "h_controller": "Behandlingsansvarlig",
        "orgnr": "Org.nr.",
        "address": "Adresse",
        "email": "E-post",
        "phone": "Telefon",
        "website": "Nettside",
        "dpo": "Personvernombud",
        "no_dpo": "Ingen personvernombud",
        "h_purposes": "Formål og opplysninger",
        "purposes_intro": "For hvert formål: hva vi bruker opplysningene til og på hvilket grunnlag "
        "(art. 15 nr. 1 bokstav a), hvilke opplysninger (b), hvem som får dem (c), hvor lenge de lagres (d), "
        "rettighetene dine (e), klageadgang (f), hvor opplysningene kommer fra (g) og om vi bruker "
        "automatiserte avgjørelser (h). Deretter følger en kopi av hver registrering.",
        "basis": "Rettslig grunnlag",
        "categories": "Opplysninger",
        "recipients": "Mottakere",
        "no_recipients": "Ingen: opplysningene deles ikke med andre.",
        "in_eea": "i {country}",
        "outside_eea": "i {country}, utenfor EU/EØS, på grunnlag av {safeguard}",
        "outside_eea_none": "i {country}, utenfor EU/EØS",
        "sometimes_outside": "; {when} kan opplysninger overføres til land utenfor EU/EØS{countries}, på grunnlag "
        "av {safeguards}",
        "or": " eller ",
        "safeguards": {
            "adequacy": "EU-kommisjonens beslutning om tilstrekkelig beskyttelsesnivå (art. 45)",
            "scc": "EU-kommisjonens standard personvernbestemmelser (art. 46 nr. 2 bokstav c)",
            "bcr": "bindende virksomhetsregler (art. 47)",
            "derogation": "unntak for særlige situasjoner (art. 49)",
        },
        "retention": "Lagringstid",
        "no_retention": "Ikke fastsatt",
        "sources": "Kilde",
        "automated": "Automatiserte avgjørelser",
        "automated_yes": "Ja: vi treffer avgjørelser som utelukkende bygger på automatisert behandling "
        "(art. 22). Du kan kreve at et menneske vurderer avgjørelsen.",
        "profiling_yes": "Vi bruker profilering til dette formålet. Du kan protestere mot den.",
        "automated_no": "Nei, ingen automatiserte avgjørelser eller profilering.",
        "your_rights": "Dine rettigheter",
        "complaint_to": "Klage",
        "complaint_short": "Du kan klage til {authority}.",
        "erasure_keep": "Ber du om sletting, beholder vi disse opplysningene så lenge loven krever, men "
        "bruker dem ikke til noe annet.",
        "erasure_seal": "Ber du om sletting, beholder vi disse opplysningene så lenge loven krever, men "
        "skiller dem fra deg: de kan bare finnes igjen med ordrenummeret.",
        "right_names": {
            "15": "innsyn (art. 15)", "16": "retting (art. 16)", "17": "sletting (art. 17)",
            "18": "begrensning (art. 18)", "19": "underretning av mottakere (art. 19)",
            "20": "dataportabilitet (art. 20)", "21": "protest (art. 21)",
            "7": "trekke tilbake samtykke (art. 7 nr. 3)",
        },
        "records": "Registreringer",
        "no_records": "Vi har ingen registreringer om deg under dette formålet nå.",
        "col_record": "Nr.",
        "col_collected": "Registrert",
        "col_data": "Opplysninger",
        "col_until": "Lagres til",
        "col_source": "Kilde",
        "until_event": "til en hendelse inntreffer",
        "restricted": "Begrenset behandling",
        "restricted_note": "Bruken er begrenset (art. 18): {ground}.",
        "grounds": {"accuracy": "vi undersøker om opplysningene er riktige",
                    "unlawful": "du har bedt om begrensning i stedet for sletting",
                    "legal_claims": "opplysningene trengs til et rettskrav",
                    "objection": "vi vurderer protesten din",
                    "erasure_blocked": "loven krever at vi beholder dem etter at du ba om sletting"},
        "due_kept": "Lagringstiden er ute; beholdes til innsynskravet er besvart",
        "empty_value": "(tom)",
        "h_sealed": "Bokføringsbilag funnet med ordrenummer",
        "sealed_intro": "Disse bilagene er skilt fra deg etter en sletting (bokføringsloven § 13) og ble "
        "funnet med ordrenummeret du oppga.",
        "sealed_not_found": "Ingen bilag funnet for ordrenummer: {numbers}.",
        "h_consents": "Samtykker",
        "no_consents": "Du har ikke gitt oss samtykker.",
        "col_purpose": "Formål",
        "col_channel": "Kanal",
        "col_given": "Gitt",
        "col_withdrawn": "Trukket tilbake",
        "col_method": "Hvordan",
        "col_version": "Erklæring",
        "active": "gjelder",
        "h_disclosures": "Utlevert til mottakere",
        "no_disclosures": "Vi har ikke utlevert opplysninger om deg til andre.",
        "col_recipient": "Mottaker",
        "col_when": "Dato",
        "col_categories": "Opplysninger",
        "h_contacts": "Kontakt med deg",
        "no_contacts": "Ingen registrerte henvendelser.",
        "col_direction": "Retning",
        "directions": {"in": "fra deg", "out": "til deg"},
        "channels": {"email": "e-post", "sms": "SMS", "post": "brev", "phone": "telefon", "chat": "chat",
                     "portal": "Min side", "letter": "brev", "api": "system"},
        "h_cases": "Saker",
        "no_cases": "Ingen saker.",
        "col_kind": "Type",
        "col_opened": "Åpnet",
        "col_closed": "Avsluttet",
        "open": "åpen",
        "case_kinds": {"service": "kundeservice", "complaint": "reklamasjon", "warranty": "garanti"},
        "h_requests": "Dine henvendelser om personvern",
        "no_requests": "Ingen tidligere henvendelser.",
        "col_status": "Status",
        "col_received": "Mottatt",
        "col_due": "Frist",
        "col_completed": "Avsluttet",
        "request_kinds": {"access": "innsyn", "rectification": "retting", "erasure": "sletting",
                          "restriction": "begrensning", "objection": "protest", "portability": "dataportabilitet"},
        "statuses": {"received": "mottatt", "verified": "bekreftet", "in_progress": "under behandling",
                     "completed": "fullført", "refused": "avslått"},
        "h_accesses": "Hvem har sett opplysningene dine",
        "accesses_intro": "Fra loggen vår: når opplysningene dine er slått opp, lest, utlevert eller kopiert, "
        "og av hvilken rolle. Navn på enkeltansatte oppgis ikke (EU-domstolen, sak C-579/21).",
        "no_accesses": "Ingen har slått opp opplysningene dine.",
        "col_who": "Hvem",
        "col_what": "Hva",
        "roles": {"agent": "kundeservice", "privacy_officer": "personvernansvarlig", "admin": "administrator",
                  "system": "systemet (automatisk)", "subject": "deg selv", "api": "integrasjon"},
        "actions": {"subject.looked_up": "søkte deg opp", "subject.viewed": "åpnet oversikten over deg",
                    "record.read": "leste opplysninger", "export.created": "laget en kopi av opplysningene",
                    "disclosure.recorded": "utleverte opplysninger til en mottaker"},
        "h_rights": "Dine rettigheter",
        "rights_how": "Vil du bruke rettighetene dine, kontakt oss på {contact}. Det er gratis, og vi svarer "
        "innen én måned.",
        "h_complaint": "Klage til {authority}",
        "complaint": "Mener du at vi behandler personopplysninger i strid med regelverket, kan du klage til "
        "{authority} ({website}, {address}).",
        "footer": "Registerkopi laget av {name} etter personvernforordningen (GDPR) art. 15.",
        "page": "Side",
        "page_of": "av",
        "yes": "ja",
        "no": "nei",
    },
    "en": {
        "title": "Your personal data",
        "subtitle": "A copy of the data {name} holds about you (GDPR Art. 15)",
        "generated": "Created {date}",
        "as_of": "The data is as of {date}",
        "reference": "Reference",
        "intro": "This is all the personal data we hold about you, what we use it for, who we have given it to, "
        "how long we keep it and what your rights are. This document is your personal copy: keep it safe and "
        "do not share it.",
        "summary": "Summary",
        "summary_records": "Records",
        "summary_purposes": "Purposes",
        "summary_recipients": "Disclosures to recipients",
        "summary_consents": "Consents",
        "h_you": "What we hold about you",
        "identifiers": "Identifiers",
        "subject_kind": "Registered among",
        "registered_since": "Registered since",
        "id_kinds": {"email": "E-mail", "phone": "Phone", "national_id": "National identity number",
                     "customer_number": "Customer number", "order_number": "Order number"},
        "h_controller": "Who is responsible",
        "orgnr": "Organisation number",
        "address": "Address",
        "email": "E-mail",
        "phone": "Phone",
        "website": "Website",
        "dpo": "Data protection officer",
        "no_dpo": "No data protection officer",
        "h_purposes": "Purposes and data",
        "purposes_intro": "For each purpose: what we use the data for and on which legal basis "
        "(Art. 15(1)(a)), which data (b), who receives it (c), how long it is kept (d), your rights (e), "
        "where to complain (f), where the data came from (g) and whether we make automated decisions (h). "
        "Then a copy of every record.",
        "basis": "Legal basis",
        "categories": "Data",
        "recipients": "Recipients",
        "no_recipients": "None: the data is not shared with anyone.",
        "in_eea": "in {country}",
        "outside_eea": "in {country}, outside the EU/EEA, on the basis of {safeguard}",
        "outside_eea_none": "in {country}, outside the EU/EEA",
        "sometimes_outside": "; {when}, data may be transferred to countries outside the EU/EEA{countries}, on "
        "the basis of {safeguards}",
        "or": " or ",
        "safeguards": {
            "adequacy": "an adequacy decision of the European Commission (Art. 45)",
            "scc": "the European Commission's standard contractual clauses (Art. 46(2)(c))",
            "bcr": "binding corporate rules (Art. 47)",
            "derogation": "a derogation for specific situations (Art. 49)",
        },
        "retention": "Kept for",
        "no_retention": "Not set",
        "sources": "Source",
        "automated": "Automated decisions",
        "automated_yes": "Yes: we make decisions based solely on automated processing (Art. 22). You can ask "
        "for a person to review the decision.",
        "profiling_yes": "We use profiling for this purpose. You can object to it.",
        "automated_no": "No, no automated decisions or profiling.",
        "your_rights": "Your rights",
        "complaint_to": "Complaints",
        "complaint_short": "You can complain to {authority}.",
        "erasure_keep": "If you ask for erasure, we keep this data for as long as the law requires, but use it "
        "for nothing else.",
        "erasure_seal": "If you ask for erasure, we keep this data for as long as the law requires, but detach "
        "it from you: it can only be found again with the order number.",
        "right_names": {
            "15": "access (Art. 15)", "16": "rectification (Art. 16)", "17": "erasure (Art. 17)",
            "18": "restriction (Art. 18)", "19": "notification of recipients (Art. 19)",
            "20": "data portability (Art. 20)", "21": "objection (Art. 21)",
            "7": "withdrawing consent (Art. 7(3))",
        },
        "records": "Records",
        "no_records": "We hold no records about you under this purpose at the moment.",
        "col_record": "No.",
        "col_collected": "Recorded",
        "col_data": "Data",
        "col_until": "Kept until",
        "col_source": "Source",
        "until_event": "until an event happens",
        "restricted": "Restricted",
        "restricted_note": "Its use is restricted (Art. 18): {ground}.",
        "grounds": {"accuracy": "we are checking whether the data is accurate",
                    "unlawful": "you asked for restriction instead of erasure",
                    "legal_claims": "the data is needed for a legal claim",
                    "objection": "we are considering your objection",
                    "erasure_blocked": "the law requires us to keep it after you asked for erasure"},
        "due_kept": "Retention has ended; kept until your access request is answered",
        "empty_value": "(empty)",
        "h_sealed": "Bookkeeping vouchers found by order number",
        "sealed_intro": "These vouchers were detached from you after an erasure (Norwegian Bookkeeping Act "
        "§ 13) and were found with the order number you gave.",
        "sealed_not_found": "No voucher found for order number: {numbers}.",
        "h_consents": "Consents",
        "no_consents": "You have not given us any consents.",
        "col_purpose": "Purpose",
        "col_channel": "Channel",
        "col_given": "Given",
        "col_withdrawn": "Withdrawn",
        "col_method": "How",
        "col_version": "Notice",
        "active": "in force",
        "h_disclosures": "Disclosed to recipients",
        "no_disclosures": "We have not disclosed data about you to anyone.",
        "col_recipient": "Recipient",
        "col_when": "Date",
        "col_categories": "Data",
        "h_contacts": "Contact with you",
        "no_contacts": "No contacts recorded.",
        "col_direction": "Direction",
        "directions": {"in": "from you", "out": "to you"},
        "channels": {"email": "e-mail", "sms": "text message", "post": "letter", "phone": "phone",
                     "chat": "chat", "portal": "My page", "letter": "letter", "api": "system"},
        "h_cases": "Cases",
        "no_cases": "No cases.",
        "col_kind": "Kind",
        "col_opened": "Opened",
        "col_closed": "Closed",
        "open": "open",
        "case_kinds": {"service": "customer service", "complaint": "complaint", "warranty": "warranty"},
        "h_requests": "Your privacy requests",
        "no_requests": "No earlier requests.",
        "col_status": "Status",
        "col_received": "Received",
        "col_due": "Due",
        "col_completed": "Completed",
        "request_kinds": {"access": "access", "rectification": "rectification", "erasure": "erasure",
                          "restriction": "restriction", "objection": "objection", "portability": "portability"},
        "statuses": {"received": "received", "verified": "verified", "in_progress": "in progress",
                     "completed": "completed", "refused": "refused"},
        "h_accesses": "Who has looked at your data",
        "accesses_intro": "From our log: when your data was looked up, read, disclosed or copied, and by which "
        "role. The names of individual employees are not given (Court of Justice of the EU, case C-579/21).",
        "no_accesses": "No one has looked up your data.",
        "col_who": "Who",
        "col_what": "What",
        "roles": {"agent": "customer service", "privacy_officer": "privacy officer", "admin": "administrator",
                  "system": "the system (automatic)", "subject": "you", "api": "integration"},
        "actions": {"subject.looked_up": "looked you up", "subject.viewed": "opened your overview",
                    "record.read": "read data", "export.created": "made a copy of the data",
                    "disclosure.recorded": "disclosed data to a recipient"},
        "h_rights": "Your rights",
        "rights_how": "To use your rights, contact us at {contact}. It is free of charge, and we answer within "
        "one month.",
        "h_complaint": "Complaints to {authority}",
        "complaint": "If you believe we process personal data in breach of the rules, you can complain to "
        "{authority} ({website}, {address}).",
        "footer": "Copy of records made by {name} under Article 15 of the GDPR.",
        "page": "Page",
        "page_of": "of",
        "yes": "yes",
        "no": "no",
    },
}

README = """\
Dataportabilitet / Data portability — {name}
{rule}

NORSK

Denne filen inneholder personopplysningene du selv har gitt {name}, og som vi behandler etter samtykke eller
avtale (personvernforordningen art. 20). Du kan ta dem med til en annen virksomhet.

  data.json     Alle opplysningene i ett maskinlesbart dokument (JSON, UTF-8): formål, rettslig grunnlag
                og hver registrering med dato og innhold. Datoer er ISO 8601 (ÅÅÅÅ-MM-DD).
  <formål>.csv  Én tabell per formål (CSV, komma-separert, UTF-8): én rad per registrering, én kolonne per
                opplysning. Kan åpnes i et regneark.
  README.txt    Denne filen.

Opplysninger vi har fått fra andre, som vi har utledet selv, eller som vi behandler på annet grunnlag
(for eksempel berettiget interesse eller rettslig forpliktelse), er ikke med her. Alt vi har om deg får du
ved å be om innsyn (art. 15).

ENGLISH

This file holds the personal data you gave {name} yourself and that we process on the basis of consent or
a contract (GDPR Art. 20). You can take it to another business.

  data.json     All of the data in one machine-readable document (JSON, UTF-8): purposes, legal basis and
                every record with its date and content. Dates are ISO 8601 (YYYY-MM-DD).
  <purpose>.csv One table per purpose (CSV, comma-separated, UTF-8): one row per record, one column per
                data item. Opens in a spreadsheet.
  README.txt    This file.

Data we got from others, data we derived ourselves, and data we process on another basis (for example
legitimate interest or a legal obligation) is not included. To get everything we hold about you, ask for
access (Art. 15).

Laget / Created: {generated}
"""
