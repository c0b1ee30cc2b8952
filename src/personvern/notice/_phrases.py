"""The fixed sentences of the privacy notice, in Norwegian bokmål and English.

Placeholders in braces are filled by ``privacy_notice.py``. Kept apart from the code that assembles the
notice so a lawyer can review the wording in one place.
"""

from __future__ import annotations

from typing import Any

PHRASES: dict[str, dict[str, Any]] = {
    "nb": {
        "title": "Personvernerklæring for {name}",
        "subtitle": "Versjon {version}, gjeldende fra {date}",
        "intro": "Denne erklæringen forklarer hvilke personopplysninger {name} behandler, hvorfor "
        "vi gjør det, "
        "hvem vi deler dem med, hvor lenge vi lagrer dem, og hvilke rettigheter du har.",
        "h_controller": "Behandlingsansvarlig",
        "controller": "{name} (org.nr. {orgnr}) er behandlingsansvarlig for behandlingen som beskrives her.",
        "address": "Adresse",
        "email": "E-post",
        "phone": "Telefon",
        "website": "Nettside",
        "contact_form": "Kontaktskjema",
        "joint": "For deler av behandlingen er vi felles behandlingsansvarlige med {names}.",
        "representative": "Representant i EU/EØS",
        "dpo": "Personvernombud",
        "no_dpo": "Vi har ikke personvernombud. Spørsmål om personvern kan du sende til {contact}.",
        "h_purposes": "Hva vi bruker opplysningene til",
        "purposes_intro": "Vi behandler bare personopplysninger når vi har et formål og et rettslig grunnlag "
        "for det etter personvernforordningen (GDPR) artikkel 6.",
        "basis": "Rettslig grunnlag",
        "also": "også",
        "consent": "Samtykke",
        "consent_text": "Slik gir du samtykke: {given}. Slik trekker du det tilbake: {withdrawn}. "
        "Det vi gjorde før du trakk samtykket tilbake, er fortsatt lovlig.",
        "categories": "Opplysninger",
        "special": "Særlige kategorier (art. 9 og 10)",
        "special_condition": "vilkår etter art. 9 nr. 2:",
        "subjects": "Gjelder",
        "sources": "Kilder",
        "recipients": "Mottakere",
        "marketing": "Markedsføring",
        "marketing_text": "Vi sender markedsføring på {channels}. Du velger selv hvilke kanaler du vil ha "
        "den i, og kan reservere deg når som helst, gratis.",
        "soft_opt_in": " Som kunde får du bare markedsføring om egne varer og tjenester som ligner "
        "dem du har "
        "kjøpt (markedsføringsloven § 15).",
        "transactional": "Dette er tjenestemeldinger, ikke markedsføring.",
        "moves_to": "Går du over til {name}, flytter vi opplysningene dit, og lagringstiden for {name} gjelder "
        "fra da.",
        "channels": {"email": "e-post", "sms": "SMS", "post": "brev", "phone": "telefon"},
        "h_sources": "Hvor opplysningene kommer fra",
        "sources_self": "Vi får opplysningene fra deg.",
        "sources_intro": "Vi får de fleste opplysningene fra deg. Noen får vi fra andre:",
        "source_for": "til {purposes}",
        "h_recipients": "Hvem vi deler opplysningene med",
        "no_recipients": "Vi deler ikke personopplysningene dine med andre.",
        "recipients_intro": "Vi deler bare de opplysningene mottakeren trenger til oppgaven sin.",
        "role_processor": "Databehandler: behandler opplysningene på våre vegne og etter våre instrukser.",
        "role_independent_controller": "Selvstendig behandlingsansvarlig: bruker opplysningene til egne "
        "formål og har selv ansvaret for dem.",
        "role_joint_controller": "Felles behandlingsansvarlig sammen med oss.",
        "role_public_authority": "Offentlig myndighet.",
        "receives": "Får: {categories}. Til: {purposes}.",
        "when": "Når: {condition}.",
        "agreement": "Avtale: {agreement}.",
        "deletes": "Sletter opplysningene {after}.",
        "in_country": "Behandler opplysningene i {country}.",
        "h_transfers": "Overføring til land utenfor EU/EØS",
        "no_transfers": "Opplysningene dine lagres og behandles i EU/EØS. Vi overfører dem ikke til "
        "land utenfor "
        "EU/EØS. Skulle det bli aktuelt, skjer det bare når EU-kommisjonen har besluttet at landet har et "
        "tilstrekkelig beskyttelsesnivå, eller med andre egnede garantier etter GDPR kapittel V, og vi "
        "oppdaterer denne erklæringen først.",
        "transfers_intro": "Disse mottakerne behandler opplysninger utenfor EU/EØS:",
        "transfers_sometimes": "Opplysningene dine lagres og behandles i EU/EØS. I noen tilfeller kan de likevel "
        "overføres til land utenfor EU/EØS:",
        "transfer": "{name} i {country}, på grunnlag av {safeguard}.",
        "transfers_copy": "Du kan be oss om en kopi av garantiene.",
        "safeguard_adequacy": "EU-kommisjonens beslutning om tilstrekkelig beskyttelsesnivå (GDPR art. 45)",
        "safeguard_scc": "EU-kommisjonens standard personvernbestemmelser (GDPR art. 46 nr. 2 bokstav c)",
        "safeguard_bcr": "bindende virksomhetsregler (GDPR art. 47)",
        "safeguard_derogation": "unntak for særlige situasjoner (GDPR art. 49)",
        "h_retention": "Hvor lenge vi lagrer opplysningene",
        "retention_intro": "Vi lagrer opplysningene bare så lenge formålet krever det. Når lagringstiden er "
        "ute, sletter vi dem, med mindre noe annet står her.",
        "no_retention": "Lagringstiden er ikke fastsatt ennå.",
        "erasure_keep_claims": "Ber du oss slette opplysningene, beholder vi likevel opplysningene til «{name}» så "
        "lenge de trengs for å fastsette, gjøre gjeldende eller forsvare rettskrav (GDPR art. 17 nr. 3 bokstav e), "
        "men bruker dem ikke til noe annet.",
        "erasure_keep": "Ber du oss slette opplysningene, beholder vi likevel opplysningene til «{name}» så "
        "lenge loven krever det, men bruker dem ikke til noe annet.",
        "erasure_seal": "Ber du oss slette opplysningene, beholder vi opplysningene til «{name}» så lenge "
        "loven krever det, men skiller dem fra deg: de kan bare finnes igjen med ordrenummeret.",
        "h_required": "Må du gi oss opplysningene?",
        "required_contract": "Opplysningene trengs for å oppfylle avtalen med deg.",
        "required_statutory": "Loven krever at vi har disse opplysningene.",
        "required_contract_precondition": "Opplysningene trengs for å inngå avtalen.",
        "required_intro": "Om du må gi oss opplysningene, og hva som skjer hvis du ikke gjør det, avhenger av "
        "formålet (GDPR art. 13 nr. 2 bokstav e):",
        "required_voluntary": "Frivillig: du har ingen plikt til å gi oss disse opplysningene. Gir du oss dem "
        "ikke, kan vi ikke gjøre det formålet gjelder.",
        "required_default_statutory": "Gir du oss dem ikke, kan vi ikke oppfylle plikten loven gir oss, og "
        "heller ikke det den gjelder.",
        "required_default_contract": "Gir du oss dem ikke, kan vi ikke oppfylle avtalen.",
        "never_sold": "Vi selger aldri personopplysningene dine til andre.",
        "transfer_sometimes": "{name}: {when} kan opplysninger overføres til land utenfor EU/EØS{countries}, på "
        "grunnlag av {safeguards}.",
        "customer_for": " Som kunde regnes du i {period} etter siste kjøp{ends}; deretter sender vi deg "
        "markedsføring bare med samtykke.",
        "customer_ends": ", eller til {event}",
        "reserved_phone": " Som kunde kan vi ringe deg selv om du har reservert deg i Reservasjonsregisteret, "
        "men bare om egne, lignende varer og tjenester, og aldri hvis du har reservert deg direkte hos oss "
        "(markedsføringsloven § 12).",
        "reserved_post": " Som kunde kan vi sende deg adressert reklame i posten selv om du har reservert deg i "
        "Reservasjonsregisteret, men bare om egne, lignende varer og tjenester, og aldri hvis du har reservert "
        "deg direkte hos oss (markedsføringsloven § 12).",
        "h_automated": "Automatiserte avgjørelser og profilering",
        "no_automated": "Vi treffer ingen avgjørelser om deg som utelukkende bygger på automatisert "
        "behandling, og som har rettsvirkning for deg eller på lignende måte påvirker deg i betydelig grad "
        "(GDPR art. 22).",
        "automated": "Vi treffer automatiserte avgjørelser (GDPR art. 22) til {purposes}. Du har rett til å "
        "få avgjørelsen vurdert av et menneske, til å si din mening og til å bestride avgjørelsen.",
        "profiling": "Vi bruker profilering til {purposes}. Du kan protestere mot profileringen, og "
        "profilering for direkte markedsføring stanser vi alltid når du ber om det.",
        "no_profiling": "Vi bruker ikke profilering.",
        "h_rights": "Dine rettigheter",
        "rights_intro": "Personvernforordningen (GDPR) gir deg disse rettighetene:",
        "right_15": (
            "Innsyn (art. 15)",
            "Du kan få vite om vi behandler opplysninger om deg, og få en kopi av "
            "dem, med formålene, kategoriene av opplysninger, mottakerne, lagringstiden, hvor "
            "opplysningene kommer fra, og om vi bruker automatiserte avgjørelser.",
        ),
        "right_16": (
            "Retting (art. 16)",
            "Du kan be oss rette uriktige opplysninger og fylle ut ufullstendige opplysninger.",
        ),
        "right_17": (
            "Sletting (art. 17)",
            "Du kan be oss slette opplysninger, for eksempel når vi ikke lenger "
            "trenger dem, når du trekker tilbake et samtykke eller protesterer, eller når behandlingen "
            "er ulovlig. Krever loven at vi beholder noe, begrenser vi bruken av det i stedet.",
        ),
        "right_18": (
            "Begrensning (art. 18)",
            "Du kan be oss begrense behandlingen, for eksempel mens vi "
            "undersøker om opplysningene er riktige, eller mens vi vurderer en protest. Da lagrer vi "
            "opplysningene, men bruker dem bare til rettskrav, til å verne andres rettigheter eller "
            "med ditt samtykke.",
        ),
        "right_19": (
            "Underretning (art. 19)",
            "Når vi retter, sletter eller begrenser opplysninger, sier vi fra "
            "til dem vi har utlevert dem til, og du kan få vite hvem de er.",
        ),
        "right_20": (
            "Dataportabilitet (art. 20)",
            "Opplysninger du selv har gitt oss, og som vi behandler etter "
            "samtykke eller avtale, kan du få i et strukturert, maskinlesbart format og ta med deg "
            "til en annen virksomhet.",
        ),
        "right_21": (
            "Protest (art. 21)",
            "Du kan protestere mot behandling som bygger på berettiget interesse "
            "eller allmennhetens interesse. Mot direkte markedsføring, også profilering for "
            "markedsføring, kan du alltid protestere, og da stanser vi den.",
        ),
        "right_7": (
            "Trekke tilbake samtykke (art. 7 nr. 3)",
            "Der behandlingen bygger på samtykke, kan du "
            "trekke det tilbake når som helst, like enkelt som du ga det. Det påvirker ikke "
            "lovligheten av behandlingen før du trakk det tilbake.",
        ),
        "rights_how": "Vil du bruke rettighetene dine, kontakt oss på {contact}. Det er gratis. Vi "
        "svarer uten "
        "ugrunnet opphold og senest innen én måned. Er saken omfattende, kan fristen forlenges med inntil to "
        "måneder til; da sier vi fra innen den første måneden og forklarer hvorfor. Før vi gir ut "
        "eller endrer "
        "opplysninger, må vi være sikre på hvem du er, og vi kan derfor be om mer informasjon.",
        "h_complaint": "Klage til {authority}",
        "complaint": "Mener du at vi behandler personopplysninger i strid med regelverket, kan du klage til "
        "{authority}. Du kan gjerne kontakte oss først, men det er ikke et vilkår.",
        "h_changes": "Endringer i erklæringen",
        "changes": "Dette er versjon {version}, gjeldende fra {date}.",
        "previous": " Den erstatter versjon {previous}.",
        "changes_notify": "Vi publiserer endringer her. Vesentlige endringer, som nye formål, nye mottakere "
        "eller lengre lagringstid, varsler vi deg også om direkte, for eksempel på e-post.",
        "toc": "Innhold",
        "footer": "Generert fra virksomhetens personvernerklæring i maskinlesbar form (personvern).",
    },
    "en": {
        "title": "Privacy notice of {name}",
        "subtitle": "Version {version}, effective {date}",
        "intro": "This notice explains which personal data {name} processes, why, who we share it with, "
        "how long we keep it, and what your rights are.",
        "h_controller": "Who is responsible",
        "controller": "{name} (organisation number {orgnr}) is the controller of the processing "
        "described here.",
        "address": "Address",
        "email": "E-mail",
        "phone": "Phone",
        "website": "Website",
        "contact_form": "Contact form",
        "joint": "For parts of the processing we are joint controllers with {names}.",
        "representative": "Representative in the EU/EEA",
        "dpo": "Data protection officer",
        "no_dpo": "We have not appointed a data protection officer. Send questions about privacy to "
        "{contact}.",
        "h_purposes": "What we use your data for",
        "purposes_intro": "We process personal data only for a stated purpose and with a legal basis under "
        "Article 6 of the General Data Protection Regulation (GDPR).",
        "basis": "Legal basis",
        "also": "also",
        "consent": "Consent",
        "consent_text": "How you give consent: {given}. How you withdraw it: {withdrawn}. What we did "
        "before you withdrew it remains lawful.",
        "categories": "Data",
        "special": "Special categories (Art. 9 and 10)",
        "special_condition": "condition of Art. 9(2):",
        "subjects": "About",
        "sources": "Sources",
        "recipients": "Recipients",
        "marketing": "Marketing",
        "marketing_text": "We send marketing by {channels}. You choose the channels you want it in, and you "
        "can opt out at any time, free of charge.",
        "soft_opt_in": " As a customer you only receive marketing about our own goods and services similar "
        "to those you bought (Norwegian Marketing Control Act § 15).",
        "transactional": "These are service messages, not marketing.",
        "moves_to": "If you move on to {name}, we move the data there, and the retention of {name} applies from "
        "then on.",
        "channels": {"email": "e-mail", "sms": "SMS", "post": "letter", "phone": "phone"},
        "h_sources": "Where your data comes from",
        "sources_self": "We get the data from you.",
        "sources_intro": "We get most of the data from you. Some comes from others:",
        "source_for": "for {purposes}",
        "h_recipients": "Who we share your data with",
        "no_recipients": "We do not share your personal data with anyone else.",
        "recipients_intro": "We share only the data a recipient needs for its task.",
        "role_processor": "Processor: processes the data on our behalf and on our instructions.",
        "role_independent_controller": "Independent controller: uses the data for its own purposes and is "
        "itself responsible for it.",
        "role_joint_controller": "Joint controller together with us.",
        "role_public_authority": "Public authority.",
        "receives": "Receives: {categories}. For: {purposes}.",
        "when": "When: {condition}.",
        "agreement": "Agreement: {agreement}.",
        "deletes": "Deletes the data {after}.",
        "in_country": "Processes the data in {country}.",
        "h_transfers": "Transfers outside the EU/EEA",
        "no_transfers": "Your data is stored and processed in the EU/EEA. We do not transfer it to countries "
        "outside the EU/EEA. Should that become necessary, it will only happen where the European Commission "
        "has decided that the country ensures an adequate level of protection, or with other appropriate "
        "safeguards under Chapter V GDPR, and we will update this notice first.",
        "transfers_intro": "These recipients process data outside the EU/EEA:",
        "transfers_sometimes": "Your data is stored and processed in the EU/EEA. In some cases it may still be "
        "transferred to countries outside the EU/EEA:",
        "transfer": "{name} in {country}, on the basis of {safeguard}.",
        "transfers_copy": "You can ask us for a copy of the safeguards.",
        "safeguard_adequacy": "an adequacy decision of the European Commission (GDPR Art. 45)",
        "safeguard_scc": "the European Commission's standard contractual clauses (GDPR Art. 46(2)(c))",
        "safeguard_bcr": "binding corporate rules (GDPR Art. 47)",
        "safeguard_derogation": "a derogation for specific situations (GDPR Art. 49)",
        "h_retention": "How long we keep your data",
        "retention_intro": "We keep data only as long as the purpose requires. When the period ends, we "
        "delete it, unless stated otherwise here.",
        "no_retention": "The retention period has not been set yet.",
        "erasure_keep_claims": "If you ask us to erase your data, we still keep the data for “{name}” for as long "
        "as it is needed to establish, exercise or defend legal claims (GDPR Art. 17(3)(e)), but use it for nothing "
        "else.",
        "erasure_keep": "If you ask us to erase your data, we still keep the data for “{name}” as "
        "long as the "
        "law requires, but use it for nothing else.",
        "erasure_seal": "If you ask us to erase your data, we keep the data for “{name}” as long as the law "
        "requires, but detach it from you: it can only be found again with the order number.",
        "h_required": "Do you have to give us your data?",
        "required_contract": "The data is needed to perform our contract with you.",
        "required_statutory": "The law requires us to have this data.",
        "required_contract_precondition": "The data is needed to enter into the contract.",
        "required_intro": "Whether you must give us the data, and what happens if you do not, depends on the "
        "purpose (GDPR Art. 13(2)(e)):",
        "required_voluntary": "Voluntary: you are not obliged to give us this data. If you do not, we cannot do "
        "what the purpose is for.",
        "required_default_statutory": "If you do not give it to us, we cannot meet the obligation the law puts "
        "on us, nor do what it concerns.",
        "required_default_contract": "If you do not give it to us, we cannot perform the contract.",
        "never_sold": "We never sell your personal data to anyone.",
        "transfer_sometimes": "{name}: {when}, data may be transferred to countries outside the EU/EEA{countries}, "
        "on the basis of {safeguards}.",
        "customer_for": " You count as a customer for {period} after your last purchase{ends}; after that we "
        "send you marketing only with your consent.",
        "customer_ends": ", or until {event}",
        "reserved_phone": " As a customer, we may call you even if you are listed in the Reservation Register "
        "(Reservasjonsregisteret), but only about our own similar goods and services, and never if you have "
        "opted out directly with us (markedsføringsloven § 12).",
        "reserved_post": " As a customer, we may send you addressed advertising by post even if you are listed "
        "in the Reservation Register (Reservasjonsregisteret), but only about our own similar goods and "
        "services, and never if you have opted out directly with us (markedsføringsloven § 12).",
        "h_automated": "Automated decisions and profiling",
        "no_automated": "We make no decisions about you based solely on automated processing that have legal "
        "effects on you or similarly significantly affect you (GDPR Art. 22).",
        "automated": "We make automated decisions (GDPR Art. 22) for {purposes}. You have the right to have "
        "a person review the decision, to express your view and to contest the decision.",
        "profiling": "We use profiling for {purposes}. You can object to the profiling, and we always stop "
        "profiling for direct marketing when you ask.",
        "no_profiling": "We do not use profiling.",
        "h_rights": "Your rights",
        "rights_intro": "The General Data Protection Regulation (GDPR) gives you these rights:",
        "right_15": (
            "Access (Art. 15)",
            "You can find out whether we process data about you and get a copy, "
            "with the purposes, the categories of data, the recipients, the retention period, where "
            "the data came from and whether we use automated decisions.",
        ),
        "right_16": (
            "Rectification (Art. 16)",
            "You can ask us to correct inaccurate data and complete incomplete data.",
        ),
        "right_17": (
            "Erasure (Art. 17)",
            "You can ask us to erase data, for example when we no longer need it, "
            "when you withdraw consent or object, or when the processing is unlawful. Where the law "
            "requires us to keep something, we restrict its use instead.",
        ),
        "right_18": (
            "Restriction (Art. 18)",
            "You can ask us to restrict processing, for example while we check "
            "whether the data is accurate or weigh an objection. We then store the data but use it "
            "only for legal claims, to protect the rights of others or with your consent.",
        ),
        "right_19": (
            "Notification (Art. 19)",
            "When we rectify, erase or restrict data, we tell those we "
            "disclosed it to, and you can find out who they are.",
        ),
        "right_20": (
            "Data portability (Art. 20)",
            "Data you gave us that we process on the basis of consent "
            "or contract, you can get in a structured, machine-readable format and take to another "
            "business.",
        ),
        "right_21": (
            "Objection (Art. 21)",
            "You can object to processing based on legitimate interest or "
            "public interest. You can always object to direct marketing, including profiling for "
            "marketing, and we then stop it.",
        ),
        "right_7": (
            "Withdrawing consent (Art. 7(3))",
            "Where processing is based on consent, you can withdraw "
            "it at any time, as easily as you gave it. This does not affect the lawfulness of the "
            "processing before you withdrew it.",
        ),
        "rights_how": "To use your rights, contact us at {contact}. It is free of charge. We answer "
        "without undue "
        "delay and at the latest within one month. If the request is complex, the period can be "
        "extended by up "
        "to two further months; we then tell you within the first month and explain why. Before we "
        "disclose or "
        "change data we must be sure who you are, so we may ask you for more information.",
        "h_complaint": "Complaints to {authority}",
        "complaint": "If you believe we process personal data in breach of the rules, you can complain to "
        "{authority}. You are welcome to contact us first, but you "
        "do not have to.",
        "h_changes": "Changes to this notice",
        "changes": "This is version {version}, effective {date}.",
        "previous": " It replaces version {previous}.",
        "changes_notify": "We publish changes here. Material changes, such as new purposes, new "
        "recipients or "
        "longer retention, we also tell you about directly, for example by e-mail.",
        "toc": "Contents",
        "footer": "Generated from the business's machine-readable privacy policy (personvern).",
    },
}
