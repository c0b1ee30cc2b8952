"""Identifiers as a business database may have stored them: the register's normal form and common others.

A shop stores what its forms took: ``Kari@Example.no`` or ``+4797527747`` or ``975 27 747``. personvern
normalises what it is given as the register does (``register/identifiers.py``) and compares a column with
that form and the usual spellings, with ``IN (...)`` so the column's index is used.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import phonenumbers

from personvern.errors import InvalidIdentifier
from personvern.register.identifiers import normalise

Identifiers = Mapping[str, Iterable[str]]


def spellings(kind: str, values: Iterable[str]) -> list[str]:
    """Every spelling of the given identifiers a column may hold; invalid values are matched as given."""
    out: list[str] = []
    for raw in values:
        raw = str(raw).strip()
        if not raw:
            continue
        out.append(raw)
        try:
            value = normalise(kind, raw).value
        except InvalidIdentifier:
            continue
        out += _forms(kind, value)
    return list(dict.fromkeys(out))


def _forms(kind: str, value: str) -> list[str]:
    if kind == "email":
        return [value, value.lower()]
    if kind == "phone":
        number = phonenumbers.parse(value)
        national = str(number.national_number)
        forms = [value, national, f"00{value[1:]}"]
        if number.country_code == 47 and len(national) == 8:
            forms += [f"{national[:3]} {national[3:5]} {national[5:]}", f"+47 {national}"]
        return forms
    if kind == "national_id":
        digits = value.split(":", 1)[-1]
        return [digits, f"{digits[:6]} {digits[6:]}"]
    return [value]


def normalised(kind: str, value: object) -> str | None:
    """A stored value in the register's normal form, or None when it does not validate."""
    try:
        return normalise(kind, value).value
    except InvalidIdentifier:
        return None
