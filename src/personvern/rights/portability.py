"""Data portability (GDPR Art. 20; TP13g, KL6 "data the customer provided"): a zip the subject can take along.

    archive = portable_data(reg, ref)   # bytes of a zip: README.txt, data.json, one <purpose>.csv per purpose

Only what Art. 20(1) covers goes in:
- data the subject *provided*: records whose source is the subject by one channel or another (the privacy
  notice's ``FROM_SUBJECT``: in person, e-mail, phone, web form, their own device). Data from third parties
  (credit bureaus, public registers, another customer) is left out, and so is data the controller *derived*:
  records of purposes that profile (Art. 4(4)); the Article 29 Working Party's guidelines on portability
  (WP242 rev.01, section III.1) exclude inferred and derived data;
- under a purpose whose legal basis is consent (Art. 6(1)(a)) or contract (Art. 6(1)(b)). A purpose whose
  primary basis is legitimate interest or a legal obligation is left out even where consent is an extra basis
  (TP E-commerce's marketing: legitimate interest, with consent for e-mail).
Restricted records are included: handing the subject a copy is not use for the restricted purpose.
Producing the archive appends an ``export.created`` audit entry (kind ``portability``).
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from personvern.audit import ExportCreated
from personvern.notice.wording import FROM_SUBJECT, describe_basis
from personvern.policy.model import Policy, Purpose
from personvern.register import schema as t
from personvern.register.crypto import decrypt
from personvern.rights._access_phrases import README
from personvern.spreadsheet import CsvStyle, csv_text

if TYPE_CHECKING:
    from personvern.register.store import Register

__all__ = ["PORTABLE_BASES", "portable_data", "portable_purposes"]

FORMAT = "personvern.portability/1"
PORTABLE_BASES = frozenset({"a", "b"})  # Art. 20(1)(a): consent, or a contract with the subject
CONTACT_KINDS = ("email", "phone")  # identifiers the subject gives us to be reached


def portable_purposes(policy: Policy) -> list[Purpose]:
    """Purposes whose data falls under Art. 20: consent or contract as the basis, and no profiling."""
    return [p for p in policy.purposes if p.legal_basis.article in PORTABLE_BASES and not p.profiling]


def portable_data(reg: Register, subject: str) -> bytes:
    """The subject's portable data as a zip (README.txt, data.json, one CSV per purpose). NotFound if unknown."""
    purposes = {p.key: p for p in portable_purposes(reg.policy)}
    r, i = t.records, t.identifiers
    with reg.transaction() as c:
        sid = reg.subject_id(c, subject)
        rows = c.execute(select(r).where(r.c.subject_id == sid, r.c.purpose.in_(sorted(purposes)),
                                         r.c.source.in_(sorted(FROM_SUBJECT)), r.c.payload.is_not(None))
                         .order_by(r.c.collected_at, r.c.id)).all()
        key = reg.keys.subject_key(c, sid) if rows else b""
        idents = c.execute(select(i.c.kind, i.c.value).where(i.c.subject_id == sid, i.c.kind.in_(CONTACT_KINDS))
                           .order_by(i.c.id)).all() if rows else []
        reg.audit(c, ExportCreated(subject_ref=subject, kind="portability", fmt="zip",
                                   record_ids=tuple(int(x.id) for x in rows)))
    records = [{"id": int(x.id), "purpose": x.purpose, "collected_at": x.collected_at, "source": x.source,
                "categories": list(x.categories), "data": json.loads(decrypt(key, x.payload, b"record"))}
               for x in rows]
    contact: dict[str, list[str]] = {}
    for x in idents:
        contact.setdefault(x.kind, []).append(decrypt(key, x.value, x.kind.encode()).decode())
    return _archive(reg.policy, subject, reg.clock(), purposes, records, contact)


def _archive(policy: Policy, subject: str, now: datetime, purposes: dict[str, Purpose],
             records: list[dict[str, Any]], contact: dict[str, list[str]]) -> bytes:
    used = [p for key, p in purposes.items() if any(x["purpose"] == key for x in records)]
    generated = now.astimezone(UTC) if now.tzinfo else now.replace(tzinfo=UTC)
    document = {
        "format": FORMAT,
        "generated_at": generated,
        "controller": {"name": policy.controller.name, "orgnr": policy.controller.orgnr},
        "subject": subject,
        "contact": contact,
        "purposes": [{
            "key": p.key, "name": {"nb": p.name.nb, "en": p.name.en},
            "legal_basis": {"article": f"6(1)({p.legal_basis.article})",
                            "nb": describe_basis(p.legal_basis, "nb"), "en": describe_basis(p.legal_basis, "en")},
            "file": f"{p.key}.csv",
            "records": [{k: v for k, v in x.items() if k != "purpose"} for x in records if x["purpose"] == p.key],
        } for p in used],
    }
    buffer = io.BytesIO()
    stamp = (now.year, now.month, now.day, now.hour, now.minute, now.second)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        def put(name: str, text: str) -> None:
            z.writestr(zipfile.ZipInfo(name, date_time=stamp), text.encode(), zipfile.ZIP_DEFLATED)

        put("README.txt", README.format(name=policy.controller.name, rule="=" * 60,
                                        generated=generated.isoformat()))
        put("data.json", json.dumps(document, ensure_ascii=False, indent=2, default=_iso) + "\n")
        for p in used:
            put(f"{p.key}.csv", _csv([x for x in records if x["purpose"] == p.key]))
    return buffer.getvalue()


def _csv(records: list[dict[str, Any]], style: CsvStyle = "excel") -> str:
    """One row per record, one column per data item (the union of the payloads' keys, sorted). For
    Norwegian Excel by default (BOM, ``;``), every cell neutralised against formulas (``spreadsheet``)."""
    rows = [(x, x["data"] if isinstance(x["data"], dict) else {"data": x["data"]}) for x in records]
    columns = sorted({k for _, data in rows for k in data})
    return csv_text(["record_id", "collected_at", "source", *columns],
                    ([x["id"], x["collected_at"].isoformat(), x["source"], *(_cell(data.get(k)) for k in columns)]
                     for x, data in rows), style)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)


def _iso(value: object) -> str:
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")

