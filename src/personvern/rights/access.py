"""The register copy ("registerkopi") a data subject gets on an access request (GDPR Art. 15; TP13a, KL6, PI7).

    report = access_report(reg, ref, order_numbers=["5521"])
    pdf = render_access_report(report, "pdf", "nb")

``access_report`` gathers, in one transaction and a fixed number of queries whatever the number of records
(STYLE.md habit 4), everything Art. 15 gives the subject:

- per purpose the items of Art. 15(1)(a)-(h): purpose and legal basis, categories, recipients with country and
  transfer safeguard (Art. 15(2)), retention as a rule and as a date per record, the rights that apply, the
  complaint to the supervisory authority, the source, automated decisions and profiling;
- a copy of every record with its payload decrypted (Art. 15(3)), restricted records included: giving the
  subject a copy is not processing for the restricted purpose (Art. 18(2), ``use="storage"`` in holds.py);
- consent history, disclosures to recipients with dates, the contact log, cases, earlier requests and "who
  looked at my data" from the audit trail (roles, not employees' names: CJEU C-579/21 Pankki S);
- identifiers unmasked: this is the subject's own copy.

Sealed bookkeeping records (TZ4) are detached from the subject and appear only when the subject gives their
order number (``order_numbers``). Producing the report appends an ``export.created`` audit entry.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import Connection, or_, select

from personvern.audit import ExportCreated, accesses
from personvern.errors import NotFound
from personvern.notice.wording import describe_basis, describe_retention
from personvern.policy import taxonomy
from personvern.policy.model import Policy, Purpose, Recipient
from personvern.register import schema as t
from personvern.register.crypto import decrypt
from personvern.rights import hooks
from personvern.rights.portability import PORTABLE_BASES

if TYPE_CHECKING:
    from personvern.register.store import Register

__all__ = [
    "AccessRecord",
    "AccessReport",
    "ControllerInfo",
    "PurposeAccess",
    "RecipientInfo",
    "Words",
    "access_report",
    "render_access_report",
]

Lang = Literal["nb", "en"]


@dataclass(frozen=True)
class Words:
    """A text in Norwegian bokmål and English; ``words("en")`` picks one."""

    nb: str
    en: str

    def __call__(self, lang: str) -> str:
        return self.en if lang == "en" else self.nb


def _words(fn: Any) -> Words:
    """Words from a function of the language."""
    return Words(fn("nb"), fn("en"))


@dataclass(frozen=True)
class ControllerInfo:
    """Art. 15 via Art. 13(1)(a)-(b): who is responsible, how to reach them and their DPO."""

    name: str
    orgnr: str
    address: str
    email: str | None
    phone: str | None
    website: str | None
    dpo_name: str | None
    dpo_email: str | None
    dpo_phone: str | None
    authority: str
    authority_website: str
    authority_address: str


@dataclass(frozen=True)
class RecipientInfo:
    """A recipient of a purpose's data (Art. 15(1)(c)) and, outside the EU/EEA, its safeguard (Art. 15(2))."""

    key: str
    name: Words
    role: str
    country: str
    in_eea: bool
    safeguard: str | None
    transfer: TransferInfo | None = None  # a transfer outside the EU/EEA in some cases only (TP11)


@dataclass(frozen=True)
class TransferInfo:
    """When a recipient in the EU/EEA may still transfer data outside it, where if known, and on what (Art. 15(2))."""

    when: Words
    countries: tuple[str, ...]
    safeguards: tuple[str, ...]


@dataclass(frozen=True)
class AccessRecord:
    """A copy of one record: its decrypted payload and the date its retention ends."""

    id: int
    purpose: str
    categories: tuple[str, ...]
    source: str
    payload: Any
    collected_at: date
    retention_until: date | None
    state: str
    ref: str | None
    restricted: str | None  # the restriction's ground (Art. 18), None when not restricted


@dataclass(frozen=True)
class PurposeAccess:
    """Art. 15(1)(a)-(h) for one purpose, and the subject's records under it."""

    key: str
    name: Words
    description: Words
    article: str  # Art. 6(1) letter
    legal_basis: Words  # (a) with the letter, the law or the interest
    categories: tuple[tuple[str, Words], ...]  # (b)
    recipients: tuple[RecipientInfo, ...]  # (c), Art. 15(2)
    retention: Words  # (d) the rule in words; each record has its date
    rights: tuple[str, ...]  # (e) article numbers: 15-21 as they apply, 7 for withdrawing consent
    on_erasure: str
    complaint_to: str  # (f)
    sources: tuple[tuple[str, Words], ...]  # (g)
    profiling: bool  # (h)
    automated_decision: bool  # (h)
    records: tuple[AccessRecord, ...]


@dataclass(frozen=True)
class AccessReport:
    """Everything a subject gets on an access request; render with :func:`render_access_report`."""

    controller: ControllerInfo
    generated_at: datetime
    as_of: date
    subject: str
    subject_kind: Words
    registered_since: datetime
    identifiers: dict[str, tuple[str, ...]]
    purposes: tuple[PurposeAccess, ...]
    sealed: tuple[AccessRecord, ...]
    sealed_not_found: tuple[str, ...]
    consents: tuple[dict[str, Any], ...]
    disclosures: tuple[dict[str, Any], ...]
    contacts: tuple[dict[str, Any], ...]
    cases: tuple[dict[str, Any], ...]
    requests: tuple[dict[str, Any], ...]
    accesses: tuple[dict[str, Any], ...]
    labels: dict[str, Words]  # category keys of the records and payloads, and those disclosed
    datastores: tuple[Any, ...] = ()  # the business's own databases' rows (rights.hooks, issue 16)

    @property
    def records(self) -> list[AccessRecord]:
        """Every record in the report, sealed ones last."""
        return [r for p in self.purposes for r in p.records] + list(self.sealed)


def access_report(reg: Register, subject: str, *, order_numbers: Sequence[str] = (),
                  as_of: date | None = None, conn: Connection | None = None) -> AccessReport:
    """The register copy of ``subject`` (its public ref). Raises NotFound for an unknown subject.

    ``order_numbers`` reach sealed bookkeeping records (TZ4); numbers that find nothing are listed in
    ``sealed_not_found``. ``as_of`` (default today) is the day the copy speaks for: a record whose retention
    ended by then is shown as kept only until this request is answered (the sweep holds what an open access
    request covers, issue 5). Given ``conn``, the report is read and audited in the caller's transaction."""
    policy = reg.policy
    with nullcontext(conn) if conn is not None else reg.transaction() as c:
        row = c.execute(select(t.subjects).where(t.subjects.c.ref == subject)).first()
        if row is None:
            raise NotFound(f"no subject {subject}", field="subject")
        key = reg.keys.subject_key(c, row.id)
        idents = _identifiers(c, row.id, key)
        records = _records(c, row.id, key)
        history = _history(c, row.id, subject)
        purposes = tuple(_purpose(policy, p, [r for r in records if r.purpose == p.key])
                         for p in _relevant(policy, row.kind, records, history))
        sealed, missing = _sealed(reg, order_numbers)
        stores = tuple(hooks.run_access(reg, c, subject_ref=subject, subject_id=row.id, order_numbers=order_numbers))
        reg.audit(c, ExportCreated(subject_ref=subject, kind="access", fmt="report",
                                   record_ids=tuple(sorted(r.id for r in records + list(sealed)))))
    kind = taxonomy.subjects(policy).get(row.kind)
    return AccessReport(
        controller=_controller(policy), generated_at=reg.clock(), as_of=as_of or reg.today(), subject=subject,
        subject_kind=Words(kind.nb, kind.en) if kind else Words(row.kind, row.kind),
        registered_since=row.created_at, identifiers=idents, purposes=purposes, sealed=sealed,
        sealed_not_found=missing, labels=_labels(policy, [*records, *sealed], history), datastores=stores,
        **history)


def render_access_report(report: AccessReport, fmt: Literal["json", "html", "pdf"],
                         lang: Literal["nb", "en"]) -> bytes:
    """The report as JSON (machine-readable, ISO dates), HTML (printable) or PDF (WeasyPrint, Art. 15(3))."""
    from personvern.rights._access_render import render

    return render(report, fmt, lang)


# -- gathering -------------------------------------------------------------------------------------------


def _identifiers(c: Connection, sid: int, key: bytes) -> dict[str, tuple[str, ...]]:
    i = t.identifiers
    out: dict[str, list[str]] = {}
    for r in c.execute(select(i.c.kind, i.c.value).where(i.c.subject_id == sid).order_by(i.c.id)):
        out.setdefault(r.kind, []).append(decrypt(key, r.value, r.kind.encode()).decode())
    return {k: tuple(v) for k, v in out.items()}


def _records(c: Connection, sid: int, key: bytes) -> list[AccessRecord]:
    """Every record of the subject, restricted ones included and marked with their ground."""
    r, x = t.records, t.restrictions
    rows = c.execute(select(r).where(r.c.subject_id == sid).order_by(r.c.collected_at, r.c.id)).all()
    limits = c.execute(select(x.c.record_id, x.c.purpose, x.c.ground)
                       .where(x.c.subject_id == sid, x.c.lifted_at.is_(None)).order_by(x.c.id)).all()

    def restricted(rec: Any) -> str | None:
        return next((lim.ground for lim in limits if lim.record_id in (None, rec.id)
                     and lim.purpose in (None, rec.purpose)), None)

    return [AccessRecord(
        id=int(rec.id), purpose=rec.purpose, categories=tuple(rec.categories), source=rec.source,
        payload=json.loads(decrypt(key, rec.payload, b"record")) if rec.payload is not None else rec.reduced,
        collected_at=rec.collected_at, retention_until=rec.retention_until, state=rec.state, ref=rec.ref,
        restricted=restricted(rec)) for rec in rows]


def _sealed(reg: Register, order_numbers: Sequence[str]) -> tuple[tuple[AccessRecord, ...], tuple[str, ...]]:
    """Sealed bookkeeping records found by the order numbers the subject gave (TZ4), and numbers not found."""
    found: list[AccessRecord] = []
    missing: list[str] = []
    for number in dict.fromkeys(n.strip() for n in order_numbers if n.strip()):
        try:
            views = reg.find_sealed(number)
        except NotFound:
            missing.append(number)
            continue
        found += [AccessRecord(v.id, v.purpose, tuple(v.categories), v.source, v.payload, v.collected_at,
                               v.retention_until, v.state, v.ref, None) for v in views]
    return tuple(found), tuple(missing)


def _history(c: Connection, sid: int, ref: str) -> dict[str, tuple[dict[str, Any], ...]]:
    """Consents, disclosures, contacts, cases, requests and reads of the subject: one query each."""
    k, d, cl, cs, rq = t.consents, t.disclosures, t.contact_log, t.cases, t.requests
    rows = {
        "consents": select(k.c.purpose, k.c.channel, k.c.given_at, k.c.withdrawn_at, k.c.method,
                           k.c.policy_version).where(k.c.subject_id == sid).order_by(k.c.given_at, k.c.id),
        "disclosures": select(d.c.recipient, d.c.purpose, d.c.categories, d.c.disclosed_at, d.c.record_id)
        .where(d.c.subject_id == sid).order_by(d.c.disclosed_at, d.c.id),
        "contacts": select(cl.c.channel, cl.c.direction, cl.c.purpose, cl.c.at)
        .where(cl.c.subject_id == sid).order_by(cl.c.at, cl.c.id),
        "cases": select(cs.c.ref, cs.c.purpose, cs.c.kind, cs.c.opened_at, cs.c.closed_at)
        .where(cs.c.subject_id == sid).order_by(cs.c.opened_at, cs.c.id),
        "requests": select(rq.c.ref, rq.c.kind, rq.c.status, rq.c.channel, rq.c.received_at, rq.c.due_on,
                           rq.c.extended_to, rq.c.completed_at)
        .where(or_(rq.c.subject_id == sid, rq.c.subject_ref == ref)).order_by(rq.c.received_at, rq.c.id),
    }
    out = {name: tuple(dict(r._mapping) for r in c.execute(q)) for name, q in rows.items()}
    out["accesses"] = tuple({"at": e.at, "role": e.role, "action": e.action, "purpose": e.purpose,
                             "recipient": e.details.get("recipient"), "records": len(e.record_ids)}
                            for e in accesses(c, ref))
    return out


# -- the policy's side of Art. 15(1) ------------------------------------------------------------------------


def _relevant(policy: Policy, kind: str, records: list[AccessRecord],
              history: dict[str, tuple[dict[str, Any], ...]]) -> list[Purpose]:
    """The purposes that process this subject's data: those with a record, consent, disclosure, contact or case.
    A subject known only by its identifiers gets every purpose that covers its kind."""
    used = {r.purpose for r in records}
    used |= {h["purpose"] for name in ("consents", "disclosures", "contacts", "cases") for h in history[name]}
    if not used:
        return [p for p in policy.purposes if kind in p.subjects]
    return [p for p in policy.purposes if p.key in used]


def _purpose(policy: Policy, p: Purpose, records: list[AccessRecord]) -> PurposeAccess:
    cats, srcs = taxonomy.categories(policy), taxonomy.sources(policy)
    authority = policy.controller.supervisory_authority.name
    bases = p.bases
    return PurposeAccess(
        key=p.key, name=Words(p.name.nb, p.name.en), description=Words(p.description.nb, p.description.en),
        article=p.legal_basis.article,
        legal_basis=_words(lambda lang: "; ".join(describe_basis(b, lang) for b in bases)),
        categories=tuple((k, _label(cats, k)) for k in [*p.categories, *p.special_categories]),
        recipients=tuple(RecipientInfo(r.key, Words(r.name.nb, r.name.en), r.role, r.country, r.in_eea, r.safeguard,
                                       _transfer(r)) for r in policy.recipients_of(p.key)),
        retention=_words(lambda lang: describe_retention(p.retention, policy, lang) if p.retention else ""),
        rights=rights_of(p), on_erasure=p.on_erasure, complaint_to=authority,
        sources=tuple((k, _label(srcs, k)) for k in p.sources),
        profiling=p.profiling, automated_decision=p.automated_decision, records=tuple(records))



def _transfer(r: Recipient) -> TransferInfo | None:
    x = r.transfer
    return None if x is None else TransferInfo(Words(x.when.nb, x.when.en), tuple(x.countries), tuple(x.safeguards))

def rights_of(p: Purpose) -> tuple[str, ...]:
    """The rights of Art. 15-21 (and 7(3)) that apply to a purpose, by its legal bases.

    Portability (Art. 20(1)(a)) only when the purpose rests on consent or contract; objection (Art. 21(1))
    only on public task or legitimate interest, and always against direct marketing (Art. 21(2));
    withdrawal (Art. 7(3)) on consent.
    """
    articles = p.articles
    rights = ["15", "16", "17", "18", "19"]
    if p.legal_basis.article in PORTABLE_BASES:  # the same test as portability.py applies
        rights.append("20")
    if articles & {"e", "f"} or p.marketing is not None:
        rights.append("21")
    if "a" in articles:
        rights.append("7")
    return tuple(rights)


def _labels(policy: Policy, records: list[AccessRecord],
            history: dict[str, tuple[dict[str, Any], ...]]) -> dict[str, Words]:
    keys = {k for r in records for k in r.categories}
    keys |= {k for r in records if isinstance(r.payload, dict) for k in r.payload}
    keys |= {k for d in history["disclosures"] for k in d["categories"]}
    keys |= {k for p in policy.purposes for k in p.categories}
    cats = taxonomy.categories(policy)
    return {k: _label(cats, k) for k in sorted(keys) if k in cats}


def _label(table: dict[str, Any], key: str) -> Words:
    return Words(taxonomy.label(table, key, "nb"), taxonomy.label(table, key, "en"))


def _controller(policy: Policy) -> ControllerInfo:
    c = policy.controller
    a, auth = c.address, c.supervisory_authority
    return ControllerInfo(
        name=c.name, orgnr=c.orgnr, address=f"{a.street}, {a.postcode} {a.city}", email=c.email, phone=c.phone,
        website=c.website, dpo_name=c.dpo.name if c.dpo else None, dpo_email=c.dpo.email if c.dpo else None,
        dpo_phone=c.dpo.phone if c.dpo else None, authority=auth.name, authority_website=auth.website,
        authority_address=f"{auth.address.street}, {auth.address.postcode} {auth.address.city}")
