"""The record of processing activities (GDPR Art. 30(1) a-g), one row per purpose.

Columns follow Datatilsynet's template ("protokoll for behandlingsansvarlig"): the mandatory ones always, the
optional ones (legal basis, sources, processors, systems, DPIA) as the policy has them. A mandatory field the
policy leaves empty is written as ``MANGLER / MISSING`` and listed under ``missing``, so the export shows the
gap instead of failing (LEGAL.md, "Records of processing").

Formats: ``csv``, ``json`` and ``html`` (str), ``xlsx`` (bytes, openpyxl) and ``jsonld`` (str, W3C DPV).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Literal

from personvern.notice._document import render
from personvern.notice._dpv import ropa_jsonld
from personvern.notice._xlsx import workbook_bytes
from personvern.notice.wording import (
    country_name,
    describe_basis,
    describe_retention,
    describe_special_condition,
    join,
    labels,
    long_date,
)
from personvern.policy import taxonomy
from personvern.policy.model import EEA, Contact, Policy, Purpose, Recipient
from personvern.spreadsheet import CsvStyle, csv_text

__all__ = ["COLUMNS", "MISSING", "Column", "Row", "render_ropa", "ropa_rows"]

MISSING = "MANGLER / MISSING"
Format = Literal["csv", "xlsx", "json", "html", "jsonld"]


@dataclass(frozen=True)
class Column:
    key: str
    nb: str
    en: str
    mandatory: bool
    article: str  # where the column comes from: Art. 30(1) letter, or Datatilsynet's optional column

    def header(self, lang: str) -> str:
        return self.en if lang == "en" else self.nb


COLUMNS: tuple[Column, ...] = (
    Column("activity", "Behandlingsaktivitet", "Processing activity", True, "30(1)(b)"),
    Column(
        "controller",
        "Behandlingsansvarlig og kontaktinformasjon",
        "Controller and contact details",
        True,
        "30(1)(a)",
    ),
    Column("joint_controllers", "Felles behandlingsansvarlige", "Joint controllers", True, "30(1)(a)"),
    Column("representative", "Representant", "Representative", True, "30(1)(a)"),
    Column("dpo", "Personvernombud", "Data protection officer", True, "30(1)(a)"),
    Column("purpose", "Formål med behandlingen", "Purpose of the processing", True, "30(1)(b)"),
    Column("data_subjects", "Kategorier av registrerte", "Categories of data subjects", True, "30(1)(c)"),
    Column(
        "data_categories", "Kategorier av personopplysninger", "Categories of personal data", True, "30(1)(c)"
    ),
    Column(
        "special_categories",
        "Særlige kategorier (art. 9 og 10)",
        "Special categories (Art. 9 and 10)",
        False,
        "optional",
    ),
    Column(
        "legal_basis", "Behandlingsgrunnlag (art. 6 og 9)", "Legal basis (Art. 6 and 9)", False, "optional"
    ),
    Column("sources", "Kilder", "Sources", False, "optional"),
    Column("recipients", "Kategorier av mottakere", "Categories of recipients", True, "30(1)(d)"),
    Column(
        "processors",
        "Databehandlere og databehandleravtaler",
        "Processors and processing agreements",
        False,
        "optional",
    ),
    Column(
        "transfers",
        "Overføring til tredjeland og garantier",
        "Transfers to third countries and safeguards",
        True,
        "30(1)(e)",
    ),
    Column("erasure", "Slettefrister", "Erasure deadlines", True, "30(1)(f)"),
    Column("systems", "Systemer", "Systems", False, "optional"),
    Column(
        "security",
        "Tekniske og organisatoriske sikkerhetstiltak (art. 32)",
        "Technical and organisational security measures (Art. 32)",
        True,
        "30(1)(g)",
    ),
    Column(
        "dpia",
        "Vurdering av personvernkonsekvenser (DPIA)",
        "Data protection impact assessment (DPIA)",
        False,
        "optional",
    ),
)

_WORDS = {
    "nb": {
        "none": "Ingen",
        "not_applicable": "Ikke relevant (etablert i EU/EØS)",
        "no_dpo": "Ikke oppnevnt",
        "yes": "Ja, gjennomført",
        "no": "Ikke nødvendig",
        "unknown": "Ikke vurdert",
        "orgnr": "org.nr.",
        "no_agreement": "databehandleravtale " + MISSING,
        "in": "i",
        "third_countries": "land utenfor EU/EØS",
        "processor": "databehandler",
        "independent_controller": "selvstendig behandlingsansvarlig",
        "joint_controller": "felles behandlingsansvarlig",
        "public_authority": "offentlig myndighet",
        "adequacy": "beslutning om tilstrekkelig beskyttelsesnivå (art. 45)",
        "scc": "standard personvernbestemmelser (art. 46 nr. 2 bokstav c)",
        "bcr": "bindende virksomhetsregler (art. 47)",
        "derogation": "unntak for særlige situasjoner (art. 49)",
    },
    "en": {
        "none": "None",
        "not_applicable": "Not applicable (established in the EU/EEA)",
        "no_dpo": "None appointed",
        "yes": "Yes, carried out",
        "no": "Not required",
        "unknown": "Not assessed",
        "orgnr": "org. no.",
        "no_agreement": "processing agreement " + MISSING,
        "in": "in",
        "third_countries": "countries outside the EU/EEA",
        "processor": "processor",
        "independent_controller": "independent controller",
        "joint_controller": "joint controller",
        "public_authority": "public authority",
        "adequacy": "adequacy decision (Art. 45)",
        "scc": "standard contractual clauses (Art. 46(2)(c))",
        "bcr": "binding corporate rules (Art. 47)",
        "derogation": "derogation for specific situations (Art. 49)",
    },
}


@dataclass
class Row:
    """One processing activity: a cell per column key, and the mandatory fields that are missing."""

    key: str
    cells: dict[str, str]
    missing: list[str] = field(default_factory=list)


def render_ropa(policy: Policy, fmt: Format = "xlsx", lang: str = "nb", *,
                csv_style: CsvStyle = "excel") -> bytes | str:
    """The record of processing activities in ``fmt``; headers and texts in ``lang`` (``nb`` or ``en``).
    CSV is for Norwegian Excel by default (BOM, ``;``); ``csv_style="plain"`` gives RFC 4180 with ``,``."""
    rows = ropa_rows(policy, lang)
    if fmt == "csv":
        return _csv(rows, lang, csv_style)
    if fmt == "json":
        return _json(policy, rows, lang)
    if fmt == "xlsx":
        return workbook_bytes(rows, COLUMNS, lang, MISSING)
    if fmt == "html":
        return render(
            "ropa.html.j2",
            lang=lang,
            policy=policy,
            columns=COLUMNS,
            rows=rows,
            missing=MISSING,
            effective=long_date(policy.policy.effective, lang),
        )
    if fmt == "jsonld":
        return json.dumps(ropa_jsonld(policy, lang), indent=2, ensure_ascii=False) + "\n"
    raise ValueError(f"format must be one of csv, xlsx, json, html, jsonld; not {fmt!r}")


def ropa_rows(policy: Policy, lang: str = "nb") -> list[Row]:
    return [_row(policy, p, lang) for p in policy.purposes]


def _row(policy: Policy, p: Purpose, lang: str) -> Row:
    w = _WORDS["en" if lang == "en" else "nb"]
    c = policy.controller
    recipients = policy.recipients_of(p.key)
    outside = [r for r in recipients if not r.in_eea]
    processors = [r for r in recipients if r.role == "processor"]
    cats = taxonomy.categories(policy)
    controller_contact = [x for x in (c.email, c.phone, c.contact_form) if x]
    cells = {
        "activity": p.name(lang),
        "controller": ", ".join(
            [c.name, f"{w['orgnr']} {c.orgnr}", _address(policy, lang), *controller_contact]
        ),
        "joint_controllers": "; ".join(c.joint_controllers) or w["none"],
        "representative": _contact(c.representative)
        if c.representative
        else (w["not_applicable"] if c.country in EEA else ""),
        "dpo": _contact(c.dpo) if c.dpo else w["no_dpo"],
        "purpose": p.description(lang),
        "data_subjects": join(labels(taxonomy.subjects(policy), p.subjects, lang), lang),
        "data_categories": join(labels(cats, p.categories, lang), lang),
        "special_categories": join(labels(cats, p.special_categories, lang), lang) or w["none"],
        "legal_basis": "; ".join([*(describe_basis(b, lang) for b in (p.legal_basis, *p.also_based_on)),
                                  *([describe_special_condition(p.special_condition, lang)]
                                    if p.special_condition else [])]),
        "sources": join(labels(taxonomy.sources(policy), p.sources, lang), lang),
        "recipients": "; ".join(
            f"{r.name(lang)} ({w[r.role]}, {country_name(r.country, lang)})" for r in recipients
        )
        or w["none"],
        "processors": "; ".join(
            f"{r.name(lang)}: {r.agreement(lang) if r.agreement else w['no_agreement']}" for r in processors
        )
        or w["none"],
        "transfers": "; ".join(
            [f"{r.name(lang)} {w['in']} {country_name(r.country, lang)}: "
             f"{w[r.safeguard] if r.safeguard else MISSING}"
             + (f" ({r.safeguard_note(lang)})" if r.safeguard_note else "")
             for r in outside]
            + [_sometimes(r, w, lang) for r in recipients if r.transfer is not None]
        )
        or w["none"],
        "erasure": describe_retention(p.retention, policy, lang) if p.retention else "",
        "systems": ", ".join(p.systems),
        "security": p.security(lang) if p.security else "",
        "dpia": w["unknown"] if p.dpia is None else (w["yes"] if p.dpia else w["no"]),
    }
    missing = [col.key for col in COLUMNS if col.mandatory and not cells[col.key].strip()]
    if not controller_contact:
        missing.append("controller")
        cells["controller"] += f", {MISSING}"
    missing += [f"processors.{r.key}.agreement" for r in processors if r.agreement is None]
    missing += [f"transfers.{r.key}.safeguard" for r in outside if r.safeguard is None]
    for key in missing:
        if key in cells and not cells[key].strip():
            cells[key] = MISSING
    return Row(p.key, cells, missing)


def _sometimes(r: Recipient, w: dict[str, str], lang: str) -> str:
    """A transfer that happens in some cases only (TP11): when, where if known, and every safeguard."""
    x = r.transfer
    assert x is not None
    where = ", ".join(country_name(c, lang) for c in x.countries) or w["third_countries"]
    return f"{r.name(lang)}, {x.when(lang)}, {w['in']} {where}: {' / '.join(w[g] for g in x.safeguards)}"


def _address(policy: Policy, lang: str) -> str:
    a = policy.controller.address
    text = f"{a.street}, {a.postcode} {a.city}"
    return text if a.country == "NO" else f"{text}, {country_name(a.country, lang)}"


def _contact(contact: Contact) -> str:
    return ", ".join(x for x in (contact.name, contact.email, contact.phone) if x) or MISSING


def _csv(rows: list[Row], lang: str, style: CsvStyle) -> str:
    """Every cell through ``spreadsheet.safe_cell``: a policy text starting with ``=`` is not a formula."""
    return csv_text([col.header(lang) for col in COLUMNS] + ["Mangler / Missing"],
                    ([row.cells[col.key] for col in COLUMNS] + [", ".join(row.missing)] for row in rows), style)


def _json(policy: Policy, rows: list[Row], lang: str) -> str:
    c = policy.controller
    doc = {
        "controller": {"name": c.name, "orgnr": c.orgnr, "email": c.email, "phone": c.phone},
        "policy": {"version": policy.policy.version, "effective": policy.policy.effective.isoformat()},
        "language": lang,
        "columns": [
            {"key": col.key, "header": col.header(lang), "mandatory": col.mandatory, "article": col.article}
            for col in COLUMNS
        ],
        "activities": [{"key": row.key, **row.cells, "missing": row.missing} for row in rows],
        "missing": [{"purpose": row.key, "field": f} for row in rows for f in row.missing],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
