"""Rendering of the register copy (Art. 15): JSON with stable keys and ISO dates, printable HTML, PDF.

The HTML is laid out by ``templates/access.html.j2`` with ``templates/access.css`` inlined, so the page stands
alone (e-mail attachment, portal download) and WeasyPrint turns the same page into the PDF (Art. 15(3):
"in a commonly used electronic form").
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import UTC, date, datetime
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any

import phonenumbers
from babel.dates import format_date
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from personvern.errors import RegisterError
from personvern.notice.wording import babel_locale, country_name, join
from personvern.oslo import OSLO
from personvern.rights._access_phrases import PHRASES

if TYPE_CHECKING:
    from personvern.rights.access import AccessRecord, AccessReport, PurposeAccess, RecipientInfo, Words

FORMAT = "personvern.access/1"


def render(report: AccessReport, fmt: str, lang: str) -> bytes:
    if lang not in PHRASES:
        raise RegisterError(f"the register copy is written in 'nb' or 'en', not {lang!r}", field="lang")
    if fmt == "json":
        return (json.dumps(as_json(report, lang), ensure_ascii=False, indent=2, default=_iso) + "\n").encode()
    if fmt == "html":
        return html(report, lang).encode()
    if fmt == "pdf":
        return pdf_from_html(html(report, lang).encode())
    raise RegisterError(f"the register copy comes as 'json', 'html' or 'pdf', not {fmt!r}", field="fmt")


def pdf_from_html(page: bytes) -> bytes:
    """The printable page as PDF (WeasyPrint). Slow (a third of a second) and heavy to import, so it runs on
    the first download of a stored copy, never while a request is answered (issue 13)."""
    from weasyprint import HTML

    return bytes(HTML(string=page.decode()).write_pdf())


# -- JSON ---------------------------------------------------------------------------------------------------


def as_json(report: AccessReport, lang: str) -> dict[str, Any]:
    """The report as plain data: keys in a fixed order, texts in ``lang``, dates and times ISO 8601."""
    names = {p.key: p.name(lang) for p in report.purposes}
    return {
        "format": FORMAT,
        "lang": lang,
        "generated_at": _utc(report.generated_at),
        "as_of": report.as_of,
        "controller": asdict(report.controller),
        "subject": {"ref": report.subject, "kind": report.subject_kind(lang),
                    "registered_since": _utc(report.registered_since),
                    "identifiers": {k: list(v) for k, v in report.identifiers.items()}},
        "purposes": [_purpose_json(p, lang) for p in report.purposes],
        "sealed_records": [_record_json(r) for r in report.sealed],
        "sealed_not_found": list(report.sealed_not_found),
        "consents": [_times(x) for x in report.consents],
        "disclosures": [{**_times(x), "purpose_name": names.get(x["purpose"], x["purpose"])}
                        for x in report.disclosures],
        "contact_log": [_times(x) for x in report.contacts],
        "cases": [_times(x) for x in report.cases],
        "requests": [_times(x) for x in report.requests],
        "accesses": [_times(x) for x in report.accesses],
        "datastores": [d.as_json() for d in report.datastores],
    }


def _purpose_json(p: PurposeAccess, lang: str) -> dict[str, Any]:
    return {
        "key": p.key, "name": p.name(lang), "description": p.description(lang),
        "legal_basis": {"article": f"6(1)({p.article})", "text": p.legal_basis(lang)},
        "categories": [{"key": k, "label": w(lang)} for k, w in p.categories],
        "recipients": [{"key": r.key, "name": r.name(lang), "role": r.role, "country": r.country,
                        "in_eea": r.in_eea, "safeguard": r.safeguard,
                        **({"transfer": {"when": r.transfer.when(lang), "countries": list(r.transfer.countries),
                                         "safeguards": list(r.transfer.safeguards)}} if r.transfer else {})}
                       for r in p.recipients],
        "retention": {"rule": p.retention(lang) or None, "on_erasure": p.on_erasure},
        "rights": [f"Art. {'7(3)' if a == '7' else a}" for a in p.rights],
        "complaint_to": p.complaint_to,
        "sources": [{"key": k, "label": w(lang)} for k, w in p.sources],
        "automated_decision": p.automated_decision, "profiling": p.profiling,
        "records": [_record_json(r) for r in p.records],
    }


def _record_json(r: AccessRecord) -> dict[str, Any]:
    return {"id": r.id, "purpose": r.purpose, "categories": list(r.categories), "source": r.source,
            "collected_at": r.collected_at, "retention_until": r.retention_until, "state": r.state,
            "ref": r.ref, "restricted": r.restricted, "data": r.payload}


def _times(row: dict[str, Any]) -> dict[str, Any]:
    return {k: _utc(v) if isinstance(v, datetime) else v for k, v in row.items()}


def _utc(value: datetime) -> datetime:
    """Stored times are UTC; SQLite gives them back without a zone."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _iso(value: object) -> str:
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


# -- HTML ---------------------------------------------------------------------------------------------------


@cache
def _env() -> Environment:
    env = Environment(loader=PackageLoader("personvern.rights", "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["css_string"] = lambda s: Markup(json.dumps(str(s), ensure_ascii=False))
    return env


@cache
def _css() -> str:
    return files("personvern.rights").joinpath("templates/access.css").read_text("utf-8")


def html(report: AccessReport, lang: str) -> str:
    w = PHRASES[lang]
    c = report.controller
    day = _day_fn(lang)
    names = {p.key: p.name(lang) for p in report.purposes}
    return _env().get_template("access.html.j2").render(
        lang=lang, w=w, css=Markup(_css()), r=report, c=c,
        title=w["title"], subtitle=w["subtitle"].format(name=c.name),
        generated=w["generated"].format(date=format_date(_local(report.generated_at), "long",
                                                         locale=babel_locale(lang))),
        as_of=w["as_of"].format(date=format_date(report.as_of, "long", locale=babel_locale(lang))),
        registered=day(report.registered_since),
        kind=report.subject_kind(lang),
        identifiers=[(w["id_kinds"].get(k, k), ", ".join(_shown(k, x) for x in v))
                     for k, v in report.identifiers.items()],
        purposes=[_purpose_view(p, report.labels, lang, report.as_of) for p in report.purposes],
        sealed=[_record_view(x, report.labels, lang, report.as_of) for x in report.sealed],
        consents=[(names.get(x["purpose"], x["purpose"]), w["channels"].get(x["channel"], x["channel"] or ""),
                   day(x["given_at"]), day(x["withdrawn_at"]) if x["withdrawn_at"] else w["active"],
                   x["method"] or "") for x in report.consents],
        disclosures=[(day(x["disclosed_at"]), _recipient_name(report, x["recipient"], lang),
                      names.get(x["purpose"], x["purpose"]), _category_labels(report, x["categories"], lang))
                     for x in report.disclosures],
        contacts=[(day(x["at"]), w["channels"].get(x["channel"], x["channel"]),
                   w["directions"].get(x["direction"], x["direction"]), names.get(x["purpose"], x["purpose"]))
                  for x in report.contacts],
        cases=[(x["ref"][:8], w["case_kinds"].get(x["kind"], x["kind"]), names.get(x["purpose"], x["purpose"]),
                day(x["opened_at"]), day(x["closed_at"]) if x["closed_at"] else w["open"]) for x in report.cases],
        requests=[(x["ref"][:8], w["request_kinds"].get(x["kind"], x["kind"]),
                   w["statuses"].get(x["status"], x["status"]), day(x["received_at"]),
                   day(x["extended_to"] or x["due_on"]), day(x["completed_at"]) if x["completed_at"] else "")
                  for x in report.requests],
        accesses=[(_moment(x["at"], lang), w["roles"].get(x["role"], x["role"]),
                   _action(x, report, lang)) for x in report.accesses],
        contact=c.email or c.phone or c.address,
        authority=c.authority,
        complaint=w["complaint"].format(authority=c.authority, website=c.authority_website,
                                        address=c.authority_address),
        footer=w["footer"].format(name=c.name),
        stores=_stores(report, lang), stores_text=_STORES[lang],
    )


_STORES = {
    "nb": {"title": "Opplysninger i våre andre systemer",
           "intro": "Dette er radene om deg i våre egne databaser, som nettbutikken, ordnet etter formål."},
    "en": {"title": "Data in our other systems",
           "intro": "These are the rows about you in our own databases, such as the web shop, by purpose."},
}


def _stores(report: AccessReport, lang: str) -> list[tuple[str, str, str, list[list[tuple[str, str]]]]]:
    """Each datastore table's rows as (purpose name, table, categories, [[(column, value)]]); empty values
    are left out."""
    policy_names = {p.key: p.name(lang) for p in report.purposes}
    out = []
    for copy in report.datastores:
        for table in copy.tables:
            rows = [[(k, str(v)) for k, v in row.items() if v not in (None, "")] for row in table.rows]
            out.append((policy_names.get(table.purpose, table.purpose), f"{copy.datastore}.{table.table}",
                        _category_labels(report, list(table.categories), lang), rows))
    return out


def _purpose_view(p: PurposeAccess, labels: dict[str, Words], lang: str, as_of: date) -> dict[str, Any]:
    w = PHRASES[lang]
    notes = []
    if p.profiling:
        notes.append(w["profiling_yes"])
    automated = w["automated_yes"] if p.automated_decision else (" ".join(notes) or w["automated_no"])
    return {
        "key": p.key, "name": p.name(lang), "description": p.description(lang),
        "article": p.article,
        "facts": [
            (w["basis"], p.legal_basis(lang)),
            (w["categories"], _capital(join([lbl(lang) for _, lbl in p.categories], lang))),
            (w["sources"], _capital(join([lbl(lang) for _, lbl in p.sources], lang))),
            (w["retention"], _capital(p.retention(lang)) or w["no_retention"]),
            (w["automated"], automated),
            (w["your_rights"], _capital(join([w["right_names"][a] for a in p.rights], lang))),
            (w["complaint_to"], w["complaint_short"].format(authority=p.complaint_to)),
        ],
        "recipients": [_recipient_line(x, lang) for x in p.recipients],
        "erasure": w.get(f"erasure_{p.on_erasure}"),
        "records": [_record_view(x, labels, lang, as_of) for x in p.records],
    }


def _record_view(x: AccessRecord, labels: dict[str, Words], lang: str, as_of: date) -> dict[str, Any]:
    w = PHRASES[lang]
    until = _day_fn(lang)(x.retention_until) if x.retention_until else w["until_event"]
    notes = []
    if x.restricted:
        notes.append(w["restricted_note"].format(ground=w["grounds"].get(x.restricted, x.restricted)))
    if x.retention_until is not None and x.retention_until <= as_of and x.state == "active":
        notes.append(w["due_kept"])
    return {"id": x.id, "collected": _day_fn(lang)(x.collected_at), "until": until, "notes": notes,
            "restricted": bool(x.restricted), "data": _payload_pairs(x, labels, lang)}


def _payload_pairs(x: AccessRecord, labels: dict[str, Words], lang: str) -> list[tuple[str, str]]:
    """The payload as (label, value) lines; keys that are category keys get their label."""
    w = PHRASES[lang]
    payload = x.payload
    if not isinstance(payload, dict):
        return [("", _value(payload, w))] if payload is not None else []
    return [(_capital(labels[k](lang)) if k in labels else k, _value(v, w)) for k, v in payload.items()]


def _value(value: Any, w: dict[str, Any]) -> str:
    if value is None or value == "":
        return str(w["empty_value"])
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return ", ".join(str(v) for v in value)
    return json.dumps(value, ensure_ascii=False, default=str)


def _recipient_line(x: RecipientInfo, lang: str) -> str:
    w = PHRASES[lang]
    country = country_name(x.country, lang)
    if x.in_eea:
        where = w["in_eea"].format(country=country)
    elif x.safeguard:
        where = w["outside_eea"].format(country=country, safeguard=w["safeguards"][x.safeguard])
    else:
        where = w["outside_eea_none"].format(country=country)
    if x.transfer is not None:  # TP11: outside the EU/EEA in some cases only, on these safeguards
        countries = ", ".join(country_name(c, lang) for c in x.transfer.countries)
        where += w["sometimes_outside"].format(
            when=x.transfer.when(lang), countries=f" ({countries})" if countries else "",
            safeguards=w["or"].join(w["safeguards"][g] for g in x.transfer.safeguards))
    return f"{_capital(x.name(lang))}, {where}"


def _recipient_name(report: AccessReport, key: str, lang: str) -> str:
    for p in report.purposes:
        for x in p.recipients:
            if x.key == key:
                return _capital(x.name(lang))
    return key


def _category_labels(report: AccessReport, keys: list[str], lang: str) -> str:
    return join([report.labels[k](lang) if k in report.labels else k for k in keys], lang)


def _action(x: dict[str, Any], report: AccessReport, lang: str) -> str:
    w = PHRASES[lang]
    text = w["actions"].get(x["action"], x["action"])
    if x.get("recipient"):
        text += f" ({_recipient_name(report, x['recipient'], lang)})"
    return _capital(text)


def _local(value: datetime) -> datetime:
    return _utc(value).astimezone(OSLO)


def _day_fn(lang: str) -> Any:
    def day(value: date | datetime | None) -> str:
        if value is None:
            return ""
        if isinstance(value, datetime):
            value = _local(value).date()
        return str(format_date(value, "medium", locale=babel_locale(lang)))
    return day


def _moment(value: datetime, lang: str) -> str:
    """The same words for a moment as the console and the portal (personvern.localtime)."""
    from personvern.localtime import local_time

    return local_time(_utc(value), lang)


def _shown(kind: str, value: str) -> str:
    """A phone number stored as E.164 reads as ``+47 975 27 747``."""
    if kind != "phone":
        return value
    try:
        return str(phonenumbers.format_number(phonenumbers.parse(value), phonenumbers.PhoneNumberFormat.INTERNATIONAL))
    except phonenumbers.NumberParseException:
        return value


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
