"""``personvern datastore scan URL``: a draft mapping from a live database, every guess marked for a person.

Tables, primary keys and foreign keys come from SQLAlchemy's inspection; the guesses of data categories and
identity columns come from column names (``email``, ``phone``, ``postcode`` ...) and from a sample of values
(what looks like an e-mail address, a Norwegian mobile number or a valid fødselsnummer). Each guess carries a
``# CONFIRM`` comment: the draft is where a person starts, not a mapping to run as it is. Foreign keys become
``belongs_to`` links; tables with no personal column and no link to a person are left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, MetaData, String, Text, inspect, select

from personvern.datastores._match import normalised

__all__ = ["ColumnGuess", "TableGuess", "draft_yaml", "scan"]

SAMPLE = 50
_NAMES: list[tuple[str, str, str | None]] = [  # name pattern, category, identity kind
    (r"e_?mail", "user.contact.email", "email"),
    (r"phone|mobile|telefon|mobil|tlf", "user.contact.phone_number", "phone"),
    (r"(fodsels|fødsels|national_?id|personnummer|ssn)", "user.government_id.national_identification_number",
     "national_id"),
    (r"customer_?(no|number|id)$|kundenummer", "user.unique_id", "customer_number"),
    (r"^(first|last|full|given|family|sur)_?name$|^(fornavn|etternavn)$", "user.name", None),
    (r"(^|_)(line[1-4]|street|address|postcode|zip|city|adresse|postnummer|poststed)$", "user.contact.address",
     None),
    (r"birth|dob|fodt|født", "user.demographic.date_of_birth", None),
]


@dataclass
class ColumnGuess:
    column: str
    category: str
    identity: str | None
    why: str


@dataclass
class TableGuess:
    table: str
    key: str | None
    columns: list[ColumnGuess] = field(default_factory=list)
    links: list[tuple[str, str, str]] = field(default_factory=list)  # column, table, referred column
    dates: list[str] = field(default_factory=list)


def _by_name(name: str) -> tuple[str, str | None] | None:
    low = name.lower()
    for pattern, category, kind in _NAMES:
        if re.search(pattern, low):
            return category, kind
    return None


def _by_values(values: Iterable[Any]) -> tuple[str, str] | None:
    """The identifier kind most sampled values validate as (at least half of the non-empty ones)."""
    seen = [str(v) for v in values if isinstance(v, str) and v.strip()]
    if not seen:
        return None
    for kind, category, digits in (("email", "user.contact.email", 0), ("phone", "user.contact.phone_number", 8),
                                   ("national_id", "user.government_id.national_identification_number", 11)):
        hits = sum(1 for v in seen if _looks_like(kind, v, digits))
        if hits * 2 >= len(seen):
            return category, kind
    return None


def _looks_like(kind: str, value: str, digits: int) -> bool:
    if kind == "email" and "@" not in value:
        return False
    count = sum(ch.isdigit() for ch in value)
    if (kind == "phone" and count < digits) or (kind == "national_id" and count != digits):
        return False
    return normalised(kind, value) is not None


def scan(engine: Engine, *, sample: int = SAMPLE) -> list[TableGuess]:
    """Every table with its guesses: names first, then sampled values of the text columns."""
    insp = inspect(engine)
    meta = MetaData()
    meta.reflect(engine)
    out = []
    with engine.connect() as c:
        for name in sorted(meta.tables):
            table = meta.tables[name]
            pk = insp.get_pk_constraint(name).get("constrained_columns") or []
            guess = TableGuess(name, pk[0] if len(pk) == 1 else None)
            texts = [col for col in table.columns if isinstance(col.type, String | Text)]
            rows = c.execute(select(*texts).limit(sample)).all() if texts else []
            for col in table.columns:
                by_name = _by_name(col.name)
                by_value = _by_values(r._mapping[col.name] for r in rows) if col in texts else None
                if by_value is not None:
                    guess.columns.append(ColumnGuess(col.name, by_value[0], by_value[1], "sampled values"))
                elif by_name is not None and (col in texts or by_name[1] is None):
                    guess.columns.append(ColumnGuess(col.name, by_name[0], by_name[1], "column name"))
            guess.dates = [col.name for col in table.columns if "date" in type(col.type).__name__.lower()
                           or "time" in type(col.type).__name__.lower()]
            for fk in insp.get_foreign_keys(name):
                if len(fk["constrained_columns"]) == 1:
                    guess.links.append((fk["constrained_columns"][0], fk["referred_table"],
                                        fk["referred_columns"][0]))
            out.append(guess)
    return out


def _personal(guesses: list[TableGuess]) -> set[str]:
    """Tables with a personal column, and tables linked to one (transitively: an order line via its order)."""
    found = {g.table for g in guesses if g.columns}
    changed = True
    while changed:
        changed = False
        for g in guesses:
            if g.table not in found and any(t in found for _, t, _ in g.links):
                found.add(g.table)
                changed = True
    return found


def draft_yaml(guesses: list[TableGuess], *, name: str = "shop", url_env: str = "SHOP_DATABASE_URL") -> str:
    """The draft mapping as YAML text, each guess commented ``# CONFIRM``."""
    keep = _personal(guesses)
    lines = ["# Draft written by `personvern datastore scan`: every guess is marked CONFIRM. Set each table's",
             "# purpose (a key of the policy), check the categories, and say what erasure does.",
             "datastores:", f"  - name: {name}", f"    url_env: {url_env}", "    tables:"]
    for g in guesses:
        if g.table not in keep:
            continue
        lines += [f"      - table: {g.table}", "        purpose: CONFIRM"]
        if g.key and g.key != "id":
            lines.append(f"        key: {g.key}")
        cats = list(g.columns)
        if cats:
            lines.append("        columns:")
            lines += [f"          {c.column}: {c.category}   # CONFIRM ({c.why})" for c in cats]
        ids = [c for c in g.columns if c.identity]
        if ids:
            lines.append("        identity:")
            lines += [f"          {c.column}: {c.identity}   # CONFIRM ({c.why})" for c in ids]
        links = [(col, t, ref) for col, t, ref in g.links if t in keep]
        if links:
            lines.append("        belongs_to:   # CONFIRM: or owns, when this row's person owns the row pointed at")
            lines += [f"          - {{column: {col}, table: {t}" + (f", to: {ref}" if ref != "id" else "") + "}"
                      for col, t, ref in links]
        if g.dates:
            lines.append(f"        # dated columns, for events: {', '.join(g.dates)}")
    return "\n".join(lines) + "\n"
