"""The controller's name, organisation number, address, e-mail and phone, and the notice's date."""

from __future__ import annotations

import re
from collections import Counter

from stdnum.no import orgnr as no_orgnr

from personvern.draft._items import Item, Source, known, todo
from personvern.draft._text import Notice

_FORMS = r"(?:AS|ASA|AB|ANS|DA|SA|ENK|Ltd|GmbH)"
_COMPANY = re.compile(r"\b((?:[A-ZÆØÅ][\w&.\-]*\s+){0,3}[A-ZÆØÅ][\w&.\-]*\s+" + _FORMS + r")\b")
_ROLE = re.compile(r"^(?:På\s+)?([A-ZÆØÅ][\w\-. ]{1,60}?)(?:,| er) (?:organisasjonsnummer|personopplysningsansvarlig|"
                   r"behandlingsansvarlig|is the controller|data controller)")
_ORGNR = re.compile(r"(?:org(?:anisasjons|ani[sz]ation)?\.?\s*-?\s*(?:nr|nummer|number)\.?:?\s*)"
                    r"(?:NO\s*)?(\d{3}\s?\d{3}\s?\d{3})",
                    re.I)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?:tlf|telefon|phone|tel)\.?\s*:?\s*(\+?\d[\d ]{7,14}\d)", re.I)
_POSTCODE = re.compile(r"^(?:NO-?\s*)?(\d{4})\s+([A-ZÆØÅ][\wæøå\- ]+)$")
_STREET = re.compile(r"^[A-ZÆØÅ][\wæøå.\- ]{2,40}\s\d{1,4}[A-Za-z]?$")
_DATE = re.compile(r"(?:oppdatert|updated|sist endret|gjelder fra|effective)\D{0,20}(\d{4}-\d{2}-\d{2})", re.I)
# Top-level domains a Norwegian business's address plausibly ends in; anything else is asked about.
_TLDS = {"no", "se", "dk", "fi", "is", "com", "net", "org", "eu", "de", "uk", "io", "nu", "info", "biz", "as"}


def controller(notice: Notice) -> tuple[dict[str, Item], Item]:
    sentences = notice.sentences
    found: dict[str, Item] = {}
    found["name"] = _name(notice)
    org = next(((s, m) for s in sentences if (m := _ORGNR.search(s.text))), None)
    if org is None:
        found["orgnr"] = todo("Hva er organisasjonsnummeret (9 siffer, brreg.no)? Notisen oppgir det ikke.")
    else:
        digits = org[1][1].replace(" ", "")
        found["orgnr"] = known(digits, Source.of(org[0], org[1][0], "checked with python-stdnum (mod 11)")) \
            if no_orgnr.is_valid(digits) else todo(f"Notisen oppgir organisasjonsnummer {digits}, men det består "
                                                   "ikke kontrollen (mod 11): hva er det riktige?")
    found["address"] = _address(notice)
    mail = next(((s, m) for s in sentences if (m := _EMAIL.search(s.text))), None)
    if mail is None:
        found["email"] = todo("Hvilken e-postadresse tar imot spørsmål om personvern?")
    else:
        address = mail[1][0].rstrip(".")
        tld = address.rsplit(".", 1)[-1].lower()
        found["email"] = known(address, Source.of(mail[0], address)) if tld in _TLDS else todo(
            f"Notisen oppgir «{address}», men «.{tld}» er ikke et kjent toppdomene: hva er riktig adresse?")
    phone = next(((s, m) for s in sentences if (m := _PHONE.search(s.text))), None)
    if phone is not None:
        found["phone"] = known(" ".join(phone[1][1].split()), Source.of(phone[0], phone[1][1]))
    date = next(((s, m) for s in sentences if (m := _DATE.search(s.text))), None)
    effective = known(date[1][1], Source.of(date[0], date[1][1])) if date else todo(
        "Fra hvilken dato gjelder erklæringen (ÅÅÅÅ-MM-DD)? Notisen er ikke datert.")
    return found, effective


def _name(notice: Notice) -> Item:
    for s in notice.sentences:
        if m := _ROLE.search(s.text):
            return known(m[1].strip(), Source.of(s, m[1].strip()))
    counts = Counter(m[1] for s in notice.sentences for m in _COMPANY.finditer(s.text)
                     if not m[1].isupper() or len(m[1]) < 6)
    if counts:
        name = counts.most_common(1)[0][0]
        first = next(s for s in notice.sentences if name in s.text)
        return known(name, Source.of(first, name, "the company name the notice uses most"))
    return todo("Hva er det juridiske navnet på virksomheten (behandlingsansvarlig)?")


def _address(notice: Notice) -> Item:
    lines = notice.lines
    for n, (line, text) in enumerate(lines):
        m = _POSTCODE.match(text.strip())
        if m and n and _STREET.match(lines[n - 1][1].strip()):
            street = lines[n - 1][1].strip()
            value = {"street": street, "postcode": m[1], "city": m[2].strip()}
            where = f"postcode and city from L{line}: {text.strip()}"
            return known(value, Source(lines[n - 1][0], street, street, where))
    return todo("Hva er virksomhetens postadresse (gate, postnummer, sted)? Notisen oppgir den ikke.")
