"""The dictionaries the draft reads legal prose with: bases, statutes, categories, recipients, events, concepts.

Each entry is a regular expression over lower-cased Norwegian or English text and what it stands for. They are
data, kept here so a new phrase is one line. Order matters where noted: the first match wins.
"""

from __future__ import annotations

import re

# Norwegian and English number words up to twelve, and the tens people write in retention sentences.
NUMBER_WORDS: dict[str, int] = {
    "én": 1, "en": 1, "ett": 1, "ei": 1, "to": 2, "tre": 3, "fire": 4, "fem": 5, "seks": 6, "sju": 7, "syv": 7,
    "åtte": 8, "ni": 9, "ti": 10, "elleve": 11, "tolv": 12, "atten": 18, "tjue": 20, "tretti": 30, "trettiseks": 36,
    "tjuefire": 24, "førti": 40, "femti": 50, "seksti": 60, "nitti": 90,
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "eighteen": 18, "twenty": 20, "thirty": 30, "thirty-six": 36,
    "twenty-four": 24, "sixty": 60, "ninety": 90,
}
UNITS: dict[str, str] = {
    "år": "years", "års": "years", "year": "years", "years": "years",
    "måned": "months", "måneder": "months", "måneders": "months", "mnd": "months", "month": "months",
    "months": "months", "uke": "weeks", "uker": "weeks", "ukers": "weeks", "week": "weeks", "weeks": "weeks",
    "dag": "days", "dager": "days", "døgn": "days", "dagers": "days", "day": "days", "days": "days",
}
NUMBER = r"(\d{1,3}|" + "|".join(sorted(map(re.escape, NUMBER_WORDS), key=len, reverse=True)) + r")"
UNIT = r"(" + "|".join(sorted(map(re.escape, UNITS), key=len, reverse=True)) + r")"

# Art. 6(1) bases from the words people use. An explicit article reference is read first (see _basis.py).
BASES: list[tuple[str, str]] = [
    ("a", r"samtykke|samtykk|\bconsent"),
    ("b", r"kjøpsavtal|medlemsavtal|kundeavtal|avtaler med deg|\bkontrakt|\bcontract"
          r"|forpliktelser (?:mot|overfor|til) deg"),
    # a bare "avtalen" is a basis only where the sentence speaks of a basis or of what is necessary
    ("b", r"(?=.*(?:grunnlag|basert på|nødvendig for|oppfylle\b|oppfyllelse|based on|necessary))"
          r"\bavtale[nr]?\b(?! om)"),
    ("c", r"rettslige? (?:forpliktelse|plikt)|juridiske? forpliktelse|lovpålagt|lovkrav|rettslige krav\b"
          r"|legal obligation|required by law|\bplikt etter"),
    ("d", r"vitale interesse|vital interest"),
    ("e", r"allmennhetens interesse|offentlig myndighetsutøvelse|public interest|official authority"),
    ("f", r"berettige[dt]e? interesse|legitim(?:e)? interesse|interesseavveining|interessevurdering"
          r"|legitimate interest"),
]
ARTICLE_REF = re.compile(
    r"art(?:ikkel|icle|\.)?\s*6\s*(?:\(\s*1\s*\)|nr\.?,?\s*1|,\s*nr\.?,?\s*1)?\s*,?\s*(?:bokstav|letter|\(|lit\.?)?"
    r"\s*\(?([a-f])\)?(?![a-zæøå])")

# Statutes: pattern -> (the law as cited, key of the statutory catalogue or None).
STATUTES: list[tuple[str, str, str | None]] = [
    (r"bokføringslov|bokførings-? og skattelov|bokføring", "bokføringsloven § 13", "bokforingsloven.primary"),
    (r"forbrukerkjøpslov|lovverk knyttet til forbrukerkjøp", "forbrukerkjøpsloven § 27",
     "forbrukerkjopsloven.complaint"),
    (r"(?<!forbruker)kjøpsloven", "kjøpsloven § 32", "kjopsloven.complaint"),
    (r"foreldelseslov", "foreldelsesloven § 2", "foreldelsesloven"),
    (r"hvitvaskingslov|hvitvaskingslovgivning", "hvitvaskingsloven § 30", "hvitvaskingsloven"),
    (r"produkt\s*kontroll\s*loven|produktkontrollov|produktsikkerhet", "produktkontrolloven", None),
    (r"markedsføringslov", "markedsføringsloven", None),
    (r"bokföringslag", "bokföringslagen (1999:1078) 7 kap. 2 §", "bokforingslagen.se"),
]
# Words that tie data to the accounts without naming the act: the act is derived, and the comment says so.
ACCOUNTING = r"regnskapsformål|regnskapet|regnskapsår|accounting purposes|bookkeeping"

# Data categories: pattern -> taxonomy key. First match per span wins; e-postadresse before adresse.
CATEGORIES: list[tuple[str, str]] = [
    (r"personnummer|fødselsnummer|personal identity number|national id",
     "user.government_id.national_identification_number"),
    (r"ip-adresse|ip address", "user.device.ip_address"),
    (r"e-?post(?:adresse)?\b|e-?postene|\bmail(?:adresse)?\b|e-mail|\bemail", "user.contact.email"),
    (r"telefonnummer|telefon\b|mobilnummer|phone number|\bphone\b", "user.contact.phone_number"),
    (r"leveringsadresse|(?<![-\w])adresse(?:r|n|informasjon)?\b|postal address|\baddress\b", "user.contact.address"),
    (r"kontaktinformasjon|kontaktopplysning|contact details|contact information", "user.contact"),
    (r"kontaktperson", "user.name"),
    (r"\bnavn\b|\bname\b", "user.name"),
    (r"bedriftsdetaljer|firma\b|bedriftens|company details", "user.contact.organization"),
    (r"betalingshistorikk|kredittinformasjon|kredittopplysning|kredittverdighet|kredittkontroll|payment history"
     r"|credit information", "user.financial"),
    (r"betalingsinformasjon|betalingsopplysning|kortopplysning|payment (?:details|information)", "user.payment"),
    (r"kjøpshistorikk|kjøps historikk|kjøpsinformasjon|ordreinformasjon|kvittering|bestilte produkter|kjøpstidspunkt"
     r"|produkter og tjenester kunden har bestilt|purchase history|order information",
     "user.behavior.purchase_history"),
    (r"it-miljø|nettleser|operativsystem|browser|operating system", "user.device"),
    (r"klikk- og besøkshistorikk|besøkshistorikk|browsing history", "user.behavior.browsing_history"),
    (r"brukernavn|username", "user.account.username"),
    (r"passs?ord|password", "user.authorization.password"),
    (r"innstillinger for din profil|kontoinnstilling|profilinnstilling|account settings", "user.account.settings"),
    (r"korrespondanse|correspondence|henvendelsen|temaet for henvendelsen", "user.content.private"),
    (r"fødselsdato|date of birth", "user.demographic.date_of_birth"),
    (r"helseopplysning|health data", "user.health_and_medical"),
]
NEGATION = re.compile(r"\b(ikke|aldri|never|not|no)\b")

# Recipients: pattern -> (key, role, nb name, en name).
RECIPIENTS: list[tuple[str, str, str, str, str]] = [
    (r"nødetat|redningstjeneste|brannvesen|ambulanse|emergency services", "emergency_services", "public_authority",
     "Nødetater og redningstjenester", "Emergency and rescue services"),
    (r"domstol|\bcourts?\b", "courts", "public_authority", "Domstoler", "Courts"),
    (r"myndighet|politi|skatteetaten|\bauthorit|\bpolice", "authorities", "public_authority",
     "Offentlige myndigheter", "Public authorities"),
    (r"leverings-? ?og installasjonstjenester|installasjonstjenester", "delivery_partners", "processor",
     "Leverings- og installasjonspartnere", "Delivery and installation partners"),
    (r"betalingsløsning|kortinnløser|betaltjeneste|payment (?:solution|provider)", "payment_providers", "processor",
     "Betalingsløsninger", "Payment solutions"),
    (r"transport|frakt|logisti(?:s)?kk|speditør|spedisjon|distribusjon|freight|logistics", "transport",
     "processor", "Transport og frakt", "Transport and freight"),
    (r"it-tjenester|it services|drift.*it-system", "it_services", "processor", "IT-tjenester", "IT services"),
    (r"kommunikasjonstjenester|communication services", "communication_services", "processor",
     "Kommunikasjonstjenester", "Communication services"),
    (r"markedsføring \(|reklamebyrå|mediabyrå|advertising agenc", "marketing_services", "processor",
     "Markedsføringstjenester", "Marketing services"),
    (r"samarbeidspartner|business partner", "partners", "independent_controller", "Samarbeidspartnere",
     "Business partners"),
]
SHARING = re.compile(r"\b(?:del(?:e|er|es|ing)|utlever|levere ut|overfør|gitt|gis|share|disclos|mottakere|"
                     r"databehandler|på våre vegne|tilgang til)", re.I)
INDEPENDENT = re.compile(r"selvstendige|selv er (?:personopplysnings)?ansvarlig|handler uavhengig|"
                         r"independent controller")
PROCESSOR = re.compile(r"databehandler|på våre vegne|for vår regning|processor|on our behalf")

# Events a retention rule is anchored on: pattern -> (key, nb label, en label). First match wins.
EVENTS: list[tuple[str, str, str, str]] = [
    (r"kjøpet er fullført|purchase is complete", "purchase.completed", "kjøpet er fullført",
     "the purchase is complete"),
    (r"kjøpsdato|kjøpet|kjøp\b|purchase", "purchase.made", "kjøpsdatoen", "the date of purchase"),
    (r"kundeservicesak", "case.closed", "kundeservicesaken er avsluttet", "the customer service case is closed"),
    (r"rekrutteringsprosess|recruitment", "recruitment.ended", "rekrutteringsprosessen er avsluttet",
     "the recruitment process has ended"),
    (r"medlemskap|membership", "membership.ended", "medlemskapet er avsluttet", "the membership has ended"),
    (r"konkurranse|event|competition", "competition.ended", "konkurransen eller arrangementet er avsluttet",
     "the competition or event has ended"),
    (r"kunde(?:forhold)?|customer", "customer.relationship_ended", "kundeforholdet er avsluttet",
     "the customer relationship has ended"),
    (r"saken|\bcase\b|henvendelse|matter", "case.closed", "saken er avsluttet", "the case is closed"),
    (r"avtalen|kontrakten|contract", "contract.ended", "avtalen er avsluttet", "the contract has ended"),
    (r"faktur|invoice", "invoice.issued", "fakturadatoen", "the invoice date"),
    (r"levering|installasjon|delivery", "delivery.completed", "leveringen er utført", "the delivery is done"),
]

# What a purpose is about: concept -> (pattern, key, nb name, en name). Used to name purposes, to give each
# purpose the basis a notice states for its kind of processing, and to match drafts with hand-written policies.
CONCEPTS: dict[str, tuple[str, str, str]] = {
    "recall": (r"tilbakekall|recall", "Tilbakekalling av produkter", "Product recalls"),
    "profile": (r"kundeprofil|customer profile", "Kundeprofil", "Customer profile"),
    "alarm_contact": (r"alarmkontakt|\bkontakter\b.*opplæring|alarm contact", "Alarmkontakter", "Alarm contacts"),
    "notice": (r"viktig informasjon før|service message", "Tjenestemeldinger", "Service messages"),
    "marketing": (r"markedsfør|nyhetsbrev|kampanje|reklame(?!r)|med tilbud|marketing|newsletter",
                  "Markedsføring", "Marketing"),
    "survey": (r"undersøkels|survey", "Kundeundersøkelser", "Customer surveys"),
    "competition": (r"konkurranse|eventer|competition", "Konkurranser og arrangementer", "Competitions and events"),
    "recruitment": (r"søknad|søker jobb|rekrutter|job application|recruit", "Søknader", "Applications"),
    "fraud": (r"bedrageri|misbruk|fraud|misuse", "Bedrageri og misbruk", "Fraud and misuse"),
    "membership": (r"mine sider|medlemskap|innlogg|\blogin|my pages", "Innlogging og Mine sider",
                   "Login and My pages"),
    "legal": (r"juridiske forpliktelse|rettslige forpliktelse|legal obligation", "Rettslige forpliktelser",
              "Legal obligations"),
    "claims": (r"rettskrav|legal claims", "Rettskrav", "Legal claims"),
    "invoicing": (r"faktur|regnskap|bokføring|invoic|accounting|bookkeeping", "Fakturering og regnskap",
                  "Invoicing and accounting"),
    "analytics": (r"analyse|statistikk|prisjuster|profilering|analytics|statistics|profiling",
                  "Analyser og statistikk", "Analyses and statistics"),
    "complaint": (r"reklamer|reklamasjon|garantisak|complaint", "Reklamasjoner", "Complaints"),
    "support": (r"kundeservice|kundesupport|support|kundesenter|henvendelse|korrespondanse|e-poster|e-posten"
                r"|mailhåndtering|\bringer\b|oppslag mot telefon|customer service", "Kundeservice", "Customer service"),
    "delivery": (r"(?<!ut)lever(?:ing|e\b|er\b|ansen?\b|t\b)|install|delivery|deliver", "Levering og installasjon",
                 "Delivery and installation"),
    "order": (r"bestilling|kjøp(?!sdato|slov)|ordre\b|\border|purchase", "Bestilling og kjøp", "Orders and purchases"),
    "contract": (r"inngå avtale|overvåkning|contract", "Avtale og tjenesteleveranse", "Contract and service"),
    "administration": (r"administr|administration", "Administrasjon av kundeforhold", "Customer administration"),
    "inquiry": (r"tar kontakt|ta kontakt|kontakter oss|kontaktskjema|contact us|contact form", "Henvendelser",
                "Inquiries"),
}
CHANNELS: list[tuple[str, str]] = [
    (r"e-?post|\bmail\b|e-mail|nyhetsbrev", "email"), (r"\bsms\b|tekstmelding|text message", "sms"),
    (r"brevpost|(?<![-\w])post\b|\bbrev\b|\bletter", "post"), (r"telefon|ringe|\bphone|telemarketing", "phone"),
]
SUBJECTS: list[tuple[str, str]] = [
    (r"søker jobb|jobbsøk|søknadsformul|job applicant", "job_applicant"),
    (r"nye kunder|interessent|potensielle kunder|prospect", "prospect"),
    (r"\bkunde|\bcustomer", "customer"),
    (r"besøkende|visitor", "visitor"),
    (r"ansatte\b|employee", "employee"),
]
SOURCES: list[tuple[str, str]] = [
    (r"offentlig(?:e)? register|public register", "public_register"),
    (r"kredittvurderingsbyrå|kredittopplysningsbyrå|credit (?:bureau|reference)", "credit_bureau"),
    (r"\bbanker\b|\bbanks\b", "bank"),
    (r"kontaktskjema|contact form|søknadsformul", "web_form"),
    (r"på e-?post|\bepost\b|by e-mail", "email"),
    (r"telefonsamtale|ringer inn|by phone|via telefon", "phone"),
]
