"""Identifiers, normalised and validated with the field's libraries, and masked for display.

"+47 975 27 747", "97527747" and "0047 97527747" are one number (phonenumbers, E.164, default region NO);
e-mail is validated by email-validator and case-folded; national identity numbers are Norwegian
fødselsnummer or D-nummer, or Swedish personnummer (python-stdnum).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import get_args

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.no import fodselsnummer
from stdnum.se import personnummer

from personvern.errors import InvalidIdentifier
from personvern.policy.datastores import IdentifierKind

KINDS: tuple[str, ...] = get_args(IdentifierKind)


@dataclass(frozen=True)
class Identifier:
    kind: str
    value: str  # normalised: what is hashed for lookup and encrypted at rest
    masked: str  # safe to show on a screen or in a list


def normalise(kind: str, raw: object, *, region: str = "NO") -> Identifier:
    """Validate and normalise one identifier; InvalidIdentifier names the field and why."""
    if kind not in KINDS:
        raise InvalidIdentifier(f"unknown identifier kind; known: {', '.join(KINDS)}", field=kind)
    if not isinstance(raw, str) or not raw.strip():
        raise InvalidIdentifier("empty value", field=kind)
    text = raw.strip()
    if kind == "email":
        return _email(text)
    if kind == "phone":
        return _phone(text, region)
    if kind == "national_id":
        return _national_id(text)
    return _reference(kind, text)


def _email(text: str) -> Identifier:
    try:
        value = validate_email(text, check_deliverability=False).normalized.casefold()
    except EmailNotValidError as exc:
        raise InvalidIdentifier(f"not a valid e-mail address: {exc}", field="email") from None
    local, _, domain = value.partition("@")
    return Identifier("email", value, f"{local[:1]}***@{domain}")


def _phone(text: str, region: str) -> Identifier:
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidIdentifier(f"not a phone number ({exc})", field="phone") from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidIdentifier("not a valid phone number for its country", field="phone")
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return Identifier("phone", e164, f"+{number.country_code} *** ** {e164[-3:]}")


def _national_id(text: str) -> Identifier:
    compact = text.replace(" ", "").replace("-", "").replace("+", "")
    if len(compact) == 11:
        try:
            value = fodselsnummer.validate(compact)
        except StdnumError:
            raise InvalidIdentifier(
                "not a valid fødselsnummer or D-nummer (check digits do not match)", field="national_id"
            ) from None
        return Identifier("national_id", f"NO:{value}", f"{value[:6]} *****")
    try:
        value = personnummer.validate(text.replace(" ", ""))
    except StdnumError:
        raise InvalidIdentifier(
            "not a valid national identity number (Norwegian fødselsnummer/D-nummer: 11 digits; "
            "Swedish personnummer: YYMMDD-NNNN)",
            field="national_id",
        ) from None
    compact = personnummer.compact(value)
    return Identifier("national_id", f"SE:{compact}", f"{compact[:6]}-****")


def _reference(kind: str, text: str) -> Identifier:
    value = " ".join(text.split()).upper()
    if len(value) > 64 or not value.isprintable():
        raise InvalidIdentifier("must be printable and at most 64 characters", field=kind)
    return Identifier(kind, value, value)
