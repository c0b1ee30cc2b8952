"""Data categories, data subjects and sources that every policy may name without declaring them.

Categories and subjects are fideslang's default taxonomy keys (dotted, hierarchical: ``user.contact.email``
has the parent ``user.contact``), kept as a data file with nb/en labels. Policies declare custom keys with
their own labels where none fits.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from ruamel.yaml import YAML

from personvern.policy.model import Label, Policy

SOURCES: dict[str, Label] = {
    "subject": Label(nb="deg selv", en="you"),
    "customer": Label(nb="kunden som oppga deg (f.eks. som alarmkontakt)", en="the customer who named you"),
    "public_register": Label(nb="offentlige registre (adresseregister)", en="public registers (address register)"),
    "credit_bureau": Label(nb="kredittopplysningsbyråer", en="credit reference agencies"),
    "bank": Label(nb="banker", en="banks"),
    "payment_provider": Label(nb="betalingsformidlere", en="payment providers"),
    "web_form": Label(nb="kontaktskjema på nettsiden", en="the contact form on the website"),
    "email": Label(nb="e-post", en="e-mail"),
    "phone": Label(nb="telefon", en="telephone"),
    "device": Label(nb="din enhet og nettleser", en="your device and browser"),
    "employer": Label(nb="arbeidsgiveren din", en="your employer"),
}


@cache
def _builtin() -> dict[str, dict[str, Label]]:
    raw = YAML(typ="safe").load(files("personvern.policy").joinpath("taxonomy.yaml").read_text("utf-8"))
    return {kind: {k: Label(**v) for k, v in entries.items()} for kind, entries in raw.items()}


def builtin_categories() -> dict[str, Label]:
    return _builtin()["categories"]


def builtin_subjects() -> dict[str, Label]:
    return _builtin()["subjects"]


def categories(policy: Policy) -> dict[str, Label]:
    return {**builtin_categories(), **policy.categories}


def subjects(policy: Policy) -> dict[str, Label]:
    return {**builtin_subjects(), **policy.subjects}


def sources(policy: Policy) -> dict[str, Label]:
    return {**SOURCES, **policy.sources}


def label(table: dict[str, Label], key: str, lang: str) -> str:
    entry = table.get(key)
    if entry is None:
        return key
    return entry.en if lang == "en" else entry.nb


def covers(category: str, allowed: list[str] | set[str]) -> bool:
    """A category is allowed when it or one of its parents is declared (``user.contact`` covers its children)."""
    parts = category.split(".")
    return any(".".join(parts[:n]) in allowed for n in range(len(parts), 0, -1))
