"""The consent ledger: consent per subject, purpose and channel, with its proof (GDPR Art. 7).

Every consent is a row of ``consents``: when it was given and withdrawn, how (``method``: web_form, paper,
phone ...), the SHA-256 of the exact text shown (the text itself is kept once in ``consent_texts``), the policy
version in force, and who recorded it. Rows are never deleted or rewritten except to stamp a withdrawal, so
the history is the proof Art. 7(1) asks for; the current state is derived from it (:func:`current`).

Withdrawing is one call, for one channel or all of them (Art. 7(3): as easy as giving). Withdrawing a
marketing purpose also records an opt-out on the suppression list, so the markedsføringsloven § 15 second
paragraph exception can never be used again for a customer who said no (TP13f, KL7).

A child's own consent is refused below ``settings.child_age_online_consent`` (13, personopplysningsloven § 5)
and, for marketing, below ``settings.child_age_marketing_consent`` (15, Forbrukertilsynet's practice).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from sqlalchemy import Connection, insert, select

from personvern.audit.events import ConsentGiven
from personvern.consent import suppression
from personvern.consent._rows import withdraw_rows
from personvern.errors import RegisterError, UnknownPurpose
from personvern.policy.model import Purpose
from personvern.register import schema as t
from personvern.register.records import consent_changed

if TYPE_CHECKING:
    from personvern.register.store import Register

CHANNELS = ("email", "sms", "post", "phone")
State = Literal["given", "withdrawn", "never"]


@dataclass(frozen=True)
class ConsentState:
    """The current state of one purpose × channel (``channel`` None: the purpose as a whole)."""

    purpose: str
    channel: str | None
    state: State
    since: datetime | None  # when it was given or withdrawn
    consent_id: int | None


@dataclass(frozen=True)
class ConsentEvent:
    """One entry of the proof: a consent given or withdrawn."""

    consent_id: int
    purpose: str
    channel: str | None
    action: Literal["given", "withdrawn"]
    at: datetime
    method: str | None
    text_hash: str | None
    policy_version: str | None
    by: str | None


def text_hash(text: str) -> str:
    """SHA-256 (hex) of the exact text shown to the subject."""
    return hashlib.sha256(text.encode()).hexdigest()


def consentable(p: Purpose) -> bool:
    """A purpose one may consent to: one based on consent (Art. 6(1)(a)) or a marketing purpose."""
    return p.marketing is not None or any(b.article == "a" for b in [p.legal_basis, *p.also_based_on])


def purpose_for_consent(reg: Register, purpose: str, channel: str | None) -> Purpose:
    """The purpose, if consent to it on this channel makes sense; else an error naming the field."""
    p = reg.policy.purpose(purpose)
    if p is None:
        raise UnknownPurpose(f"'{purpose}' is not a purpose of this policy", field="purpose")
    if not consentable(p):
        raise RegisterError(f"purpose '{purpose}' is not based on consent (Art. 6(1)(a)) and is not marketing; "
                            "there is nothing to consent to", field="purpose")
    if channel is not None and channel not in CHANNELS:
        raise RegisterError(f"unknown channel '{channel}'; known: {', '.join(CHANNELS)}", field="channel")
    declared = p.marketing.channels if p.marketing else []
    if p.marketing is not None and channel is None:
        raise RegisterError(f"consent to marketing names its channel: one of {', '.join(declared)} (TP13f)",
                            field="channel")
    if channel is not None and channel not in declared:
        which = ", ".join(declared) if declared else "none"
        raise RegisterError(f"purpose '{purpose}' does not declare the channel '{channel}' (it declares {which})",
                            field="channel")
    return p


def check_age(reg: Register, p: Purpose, age: int | None) -> None:
    """Refuse a child's own consent below the policy's ages (sources in ``policy.model.Settings``)."""
    if age is None:
        return
    if age < 0:
        raise RegisterError("age cannot be negative", field="age")
    s = reg.policy.settings
    if age < s.child_age_online_consent:
        raise RegisterError(
            f"a child under {s.child_age_online_consent} cannot give consent on their own "
            "(personopplysningsloven § 5); a parent must consent", field="age")
    if p.marketing is not None and age < s.child_age_marketing_consent:
        raise RegisterError(
            f"a child under {s.child_age_marketing_consent} cannot consent to marketing "
            "(Forbrukertilsynet's practice under markedsføringsloven § 15)", field="age")


def give(reg: Register, subject: str, purpose: str, *, channel: str | None, method: str, text: str | None,
         lang: str = "nb", by: str = "subject", age: int | None = None, conn: Connection | None = None) -> int:
    """Record a consent; returns its id. ``text`` is the exact wording shown; None means the policy's own
    consent wording for the purpose (``legal_basis.consent.given``) in ``lang``."""
    p = purpose_for_consent(reg, purpose, channel)
    check_age(reg, p, age)
    if not method.strip():
        raise RegisterError("say how the consent was given (web_form, paper, phone ...)", field="method")
    shown = text if text is not None else default_text(p, lang)
    if not shown.strip():
        raise RegisterError("the consent text shown to the subject is empty", field="text")
    digest = text_hash(shown)
    with reg._conn(conn) as c:
        sid = reg.subject_id(c, subject)
        if c.execute(select(t.consent_texts.c.hash).where(t.consent_texts.c.hash == digest)).first() is None:
            c.execute(insert(t.consent_texts).values(hash=digest, text=shown, lang=lang, created_at=reg.clock()))
        cid = int(c.execute(insert(t.consents).values(
            subject_id=sid, purpose=purpose, channel=channel, given_at=reg.clock(), method=method.strip()[:64],
            text_hash=digest, policy_version=reg.policy.policy.version, actor=by[:64])
            .returning(t.consents.c.id)).scalar_one())
        reg.audit(c, ConsentGiven(subject_ref=subject, purpose=purpose, consent_id=cid, channel=channel,
                                  method=_code(method)))
        consent_changed(reg, c, sid, [purpose])  # a with_consent rule keeps the subject's records longer
    return cid


def default_text(p: Purpose, lang: str) -> str:
    for basis in [p.legal_basis, *p.also_based_on]:
        if basis.consent is not None:
            return basis.consent.given(lang)
    return f"{p.name(lang)}: {p.description(lang)}"


def withdraw(reg: Register, subject: str, purpose: str, *, channel: str | None = None, by: str,
             conn: Connection | None = None) -> int:
    """Withdraw a consent on one channel, or on every channel when ``channel`` is None; returns how many
    consents were withdrawn. For a marketing purpose the subject is also opted out (suppression list), so
    soft opt-in (mfl. § 15 second paragraph) stops too, even where no consent was ever given (KL7)."""
    p = reg.policy.purpose(purpose)
    if p is None:
        raise UnknownPurpose(f"'{purpose}' is not a purpose of this policy", field="purpose")
    if channel is not None and channel not in CHANNELS:
        raise RegisterError(f"unknown channel '{channel}'; known: {', '.join(CHANNELS)}", field="channel")
    with reg._conn(conn) as c:
        sid = reg.subject_id(c, subject)
        ids = withdraw_rows(reg, c, sid, subject, purposes=[purpose], channel=channel, by=by)
        if p.marketing is not None:
            suppression.suppress_subject(reg, c, subject, reason="opt_out", purpose=purpose, channel=channel)
    return len(ids)


def history(reg: Register, subject: str) -> list[ConsentEvent]:
    """Every consent given and withdrawn by the subject, oldest first: the Art. 7(1) proof."""
    k = t.consents.c
    with reg.engine.connect() as c:
        sid = reg.subject_id(c, subject)
        rows = c.execute(select(t.consents).where(k.subject_id == sid).order_by(k.id)).all()
    events: list[ConsentEvent] = []
    for r in rows:
        events.append(ConsentEvent(r.id, r.purpose, r.channel, "given", r.given_at, r.method, r.text_hash,
                                   r.policy_version, r.actor))
        if r.withdrawn_at is not None:
            events.append(ConsentEvent(r.id, r.purpose, r.channel, "withdrawn", r.withdrawn_at, None, None,
                                       None, r.withdrawn_by))
    events.sort(key=lambda e: (e.at, e.consent_id, e.action == "withdrawn"))
    return events


def current(reg: Register, subject: str) -> list[ConsentState]:
    """Per purpose × channel the subject may consent to: given, withdrawn or never (derived from history)."""
    kind = reg.subject_kind(subject)
    latest: dict[tuple[str, str | None], ConsentEvent] = {}
    active: dict[tuple[str, str | None], ConsentEvent] = {}
    for e in history(reg, subject):
        key = (e.purpose, e.channel)
        latest[key] = e
        if e.action == "given":
            active[key] = e
        elif active.get(key) and active[key].consent_id == e.consent_id:
            del active[key]
    slots: list[tuple[str, str | None]] = [
        (p.key, ch) for p in reg.policy.purposes if consentable(p) and kind in p.subjects
        for ch in (p.marketing.channels if p.marketing else [None])]
    slots += [k for k in latest if k not in slots]
    out = []
    for key in slots:
        if key in active:
            e = active[key]
            out.append(ConsentState(key[0], key[1], "given", e.at, e.consent_id))
        elif key in latest:
            e = latest[key]
            out.append(ConsentState(key[0], key[1], "withdrawn", e.at, e.consent_id))
        else:
            out.append(ConsentState(key[0], key[1], "never", None, None))
    return out


def _code(method: str) -> str:
    """The method as an audit code (no spaces or free text)."""
    return "_".join(method.split())[:32] or "unspecified"
