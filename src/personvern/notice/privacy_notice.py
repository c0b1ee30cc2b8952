"""The privacy notice (GDPR Art. 13 and 14), generated from the policy in Norwegian bokmål or English.

``render_notice(policy, 'nb', 'html')`` gives a standalone page; ``'md'`` gives Markdown for a website's CMS.
Every item Art. 13 and 14 require has its section: controller and contact (SN6), DPO, purposes with their
legal basis and interest, categories and sources (Art. 14), recipients (TP10), transfers (TP11), retention,
whether data is required, automated decisions (SN3), rights (TP13a-g), complaint (TP15, PI7) and the date
and version (TP16).
"""

from __future__ import annotations

import re
from typing import Any, Literal

from personvern.notice._document import Section, clause, render, sentence
from personvern.notice._phrases import PHRASES
from personvern.notice.wording import (
    FROM_SUBJECT,
    after_event,
    country_name,
    describe_basis,
    describe_period,
    describe_retention,
    describe_special_condition,
    event_phrase,
    join,
    labels,
    long_date,
    quoted,
)
from personvern.policy import taxonomy
from personvern.policy.model import Address, Contact, Policy, Purpose, Recipient

__all__ = ["notice_sections", "render_notice"]

Lang = Literal["nb", "en"]
Format = Literal["md", "html"]
# Sources that are the data subject, by one channel or another; any other source is an Art. 14 source.
RIGHTS = ("right_15", "right_16", "right_17", "right_18", "right_19", "right_20", "right_21", "right_7")


def render_notice(policy: Policy, lang: Lang = "nb", fmt: Format = "html") -> str:
    """The complete notice as Markdown (``md``) or a standalone HTML page (``html``)."""
    if lang not in PHRASES:
        raise ValueError(f"language must be 'nb' or 'en', not {lang!r}")
    if fmt not in ("md", "html"):
        raise ValueError(f"format must be 'md' or 'html', not {fmt!r}")
    t = PHRASES[lang]
    c = policy.controller
    date = long_date(policy.policy.effective, lang)
    text = render(
        f"notice.{fmt}.j2",
        lang=lang,
        title=t["title"].format(name=c.name),
        subtitle=t["subtitle"].format(version=policy.policy.version, date=date),
        intro=t["intro"].format(name=c.name),
        sections=notice_sections(policy, lang),
        toc=t["toc"],
        footer=t["footer"],
    )
    return re.sub(r"\n{3,}", "\n\n", text)


def notice_sections(policy: Policy, lang: Lang) -> list[Section]:
    """The notice's sections in order; the templates lay them out."""
    t = PHRASES[lang]
    builders = (
        _controller,
        _purposes,
        _sources,
        _recipients,
        _transfers,
        _retention,
        _required,
        _automated,
        _rights,
        _complaint,
        _changes,
    )
    return [build(policy, lang, t) for build in builders]


def _address(a: Address, lang: str) -> str:
    text = f"{a.street}, {a.postcode} {a.city}"
    return text if a.country == "NO" else f"{text}, {country_name(a.country, lang)}"


def _contact(c: Contact, lang: str) -> str:
    parts = [c.name, c.email, c.phone, _address(c.address, lang) if c.address else None]
    return ", ".join(p for p in parts if p)


def contact_point(policy: Policy, lang: str) -> str:
    """Where a data subject writes: the DPO, else the controller's e-mail, phone, form or address."""
    c = policy.controller
    if c.dpo and (c.dpo.email or c.dpo.phone):
        return str(c.dpo.email or c.dpo.phone)
    return str(c.email or c.phone or c.contact_form or _address(c.address, lang))


def _controller(policy: Policy, lang: str, t: dict[str, Any]) -> Section:
    c = policy.controller
    s = Section("controller", t["h_controller"]).p(t["controller"].format(name=c.name, orgnr=c.orgnr))
    s.dl(
        [
            (t["address"], _address(c.address, lang)),
            (t["email"], c.email or ""),
            (t["phone"], c.phone or ""),
            (t["website"], c.website or ""),
            (t["contact_form"], c.contact_form or ""),
            (t["representative"], _contact(c.representative, lang) if c.representative else ""),
            (t["dpo"], _contact(c.dpo, lang) if c.dpo else ""),
        ]
    )
    if c.joint_controllers:
        s.p(t["joint"].format(names=join(c.joint_controllers, lang)))
    if c.dpo is None:
        s.p(t["no_dpo"].format(contact=contact_point(policy, lang)))
    return s


def _purposes(policy: Policy, lang: str, t: dict[str, Any]) -> Section:
    s = Section("purposes", t["h_purposes"]).p(t["purposes_intro"])
    for p in policy.purposes:
        s.subsections.append(_purpose(policy, p, lang, t))
    return s


def _purpose(policy: Policy, p: Purpose, lang: str, t: dict[str, Any]) -> Section:
    bases = [describe_basis(p.legal_basis, lang)]
    bases += [f"{t['also']} {describe_basis(b, lang)}" for b in p.also_based_on]
    consent = next((b.consent for b in (p.legal_basis, *p.also_based_on) if b.consent), None)
    recipients = [r.name(lang) for r in policy.recipients_of(p.key)]
    s = Section(f"purpose-{p.key}", p.name(lang)).p(sentence(p.description(lang)))
    s.dl(
        [
            (t["basis"], sentence("; ".join(bases))),
            (
                t["consent"],
                t["consent_text"].format(
                    given=clause(consent.given(lang)), withdrawn=clause(consent.withdrawn(lang))
                )
                if consent
                else "",
            ),
            (t["categories"], sentence(join(labels(taxonomy.categories(policy), p.categories, lang), lang))),
            (
                t["special"],
                sentence(join(labels(taxonomy.categories(policy), p.special_categories, lang), lang)
                         + (f"; {t['special_condition']} {describe_special_condition(p.special_condition, lang)}"
                            if p.special_condition else ""))
                if p.special_categories
                else "",
            ),
            (t["subjects"], sentence(join(labels(taxonomy.subjects(policy), p.subjects, lang), lang))),
            (t["sources"], sentence(join(labels(taxonomy.sources(policy), p.sources, lang), lang))),
            (t["recipients"], sentence(join(recipients, lang)) if recipients else ""),
            (t["marketing"], _marketing(policy, p, lang, t)),
        ]
    )
    if p.transactional:
        s.p(t["transactional"])
    for key in p.may_move_to:  # issue 14 item 5: a trial member who becomes a member keeps the member's rule
        if (target := policy.purpose(key)) is not None:
            s.p(t["moves_to"].format(name=quoted(target.name(lang), lang)))
    return s


def _marketing(policy: Policy, p: Purpose, lang: str, t: dict[str, Any]) -> str:
    if p.marketing is None:
        return ""
    channels = join([t["channels"][c] for c in p.marketing.channels], lang)
    m = p.marketing
    text: str = t["marketing_text"].format(channels=channels) + (t["soft_opt_in"] if m.soft_opt_in else "")
    if m.customer_for is not None and (m.soft_opt_in or m.reserved_existing_customers):
        ends_on = join([event_phrase(e, policy, lang) for e in m.ends_with], lang, "or")
        ends = t["customer_ends"].format(event=ends_on) if ends_on else ""
        text += t["customer_for"].format(period=describe_period(m.customer_for.text, lang), ends=ends)
    return text + "".join(t[f"reserved_{channel}"] for channel in m.reserved_existing_customers)


def _sources(policy: Policy, lang: str, t: dict[str, Any]) -> Section:
    s = Section("sources", t["h_sources"])
    table = taxonomy.sources(policy)
    others: dict[str, list[str]] = {}
    for p in policy.purposes:
        for src in p.sources:
            if src not in FROM_SUBJECT:
                others.setdefault(src, []).append(quoted(p.name(lang), lang))
    if not others:
        return s.p(t["sources_self"])
    s.p(t["sources_intro"])
    return s.dl(
        [
            (
                sentence(taxonomy.label(table, src, lang)).rstrip("."),
                sentence(t["source_for"].format(purposes=join(names, lang))),
            )
            for src, names in others.items()
        ]
    )


def _recipients(policy: Policy, lang: str, t: dict[str, Any]) -> Section:
    s = Section("recipients", t["h_recipients"])
    promised = policy.commitments
    if promised.never_sold:
        s.p(t["never_sold"])
    if promised.access is not None:
        s.p(sentence(promised.access(lang)))
    if not policy.recipients:
        return s.p(t["no_recipients"])
    s.p(t["recipients_intro"])
    pairs = []
    cats = taxonomy.categories(policy)
    for r in policy.recipients:
        purposes = [quoted(p.name(lang), lang) for key in r.purposes if (p := policy.purpose(key))]
        parts = [
            t[f"role_{r.role}"],
            t["receives"].format(
                categories=join(labels(cats, r.categories, lang), lang), purposes=join(purposes, lang)
            ),
            t["when"].format(condition=clause(r.condition(lang))) if r.condition else "",
            t["agreement"].format(agreement=clause(r.agreement(lang))) if r.agreement else "",
            t["deletes"].format(after=after_event(r.deletes_on, policy, lang)) if r.deletes_on else "",
            t["in_country"].format(country=country_name(r.country, lang)) if r.country != "NO" else "",
        ]
        pairs.append((r.name(lang), " ".join(p for p in parts if p)))
    return s.dl(pairs)


def _transfers(policy: Policy, lang: str, t: dict[str, Any]) -> Section:
    s = Section("transfers", t["h_transfers"])
    outside = [r for r in policy.recipients if not r.in_eea]
    sometimes = [r for r in policy.recipients if r.transfer is not None]
    if not outside and not sometimes:
        return s.p(t["no_transfers"])
    s.p(t["transfers_intro"] if outside else t["transfers_sometimes"])
    items = []
    for r in outside:
        safeguard = t[f"safeguard_{r.safeguard}"] if r.safeguard else "?"
        text = t["transfer"].format(
            name=r.name(lang), country=country_name(r.country, lang), safeguard=safeguard
        )
        items.append(text + (f" {sentence(r.safeguard_note(lang))}" if r.safeguard_note else ""))
    items += [_sometimes(r, lang, t) for r in sometimes]
    return s.ul(items).p(t["transfers_copy"])


def _sometimes(r: Recipient, lang: str, t: dict[str, Any]) -> str:
    """A transfer outside the EU/EEA that happens in some cases only (TP11), with every safeguard it rests on."""
    x = r.transfer
    assert x is not None
    countries = join([country_name(c, lang) for c in x.countries], lang)
    text: str = t["transfer_sometimes"].format(
        name=r.name(lang), when=clause(x.when(lang)), countries=f" ({countries})" if countries else "",
        safeguards=join([t[f"safeguard_{g}"] for g in x.safeguards], lang, "or"))
    return text + (f" {sentence(x.note(lang))}" if x.note else "")


def _retention(policy: Policy, lang: str, t: dict[str, Any]) -> Section:
    s = Section("retention", t["h_retention"]).p(t["retention_intro"])
    s.dl(
        [
            (
                p.name(lang),
                sentence(describe_retention(p.retention, policy, lang)) if p.retention else t["no_retention"],
            )
            for p in policy.purposes
        ]
    )
    for p in policy.purposes:
        if p.on_erasure in ("keep", "seal"):
            # kept by law (Art. 17(3)(b)) on a legal obligation; otherwise for legal claims (Art. 17(3)(e))
            claims = "_claims" if p.on_erasure == "keep" and "c" not in p.articles else ""
            s.p(t[f"erasure_{p.on_erasure}{claims}"].format(name=p.name(lang)))
    return s


def _required(policy: Policy, lang: str, t: dict[str, Any]) -> Section:
    s = Section("required", t["h_required"]).p(t["required_intro"])
    return s.dl([(p.name(lang), _requirement(p, lang, t)) for p in policy.purposes])


def _requirement(p: Purpose, lang: str, t: dict[str, Any]) -> str:
    """Art. 13(2)(e) for one purpose: a statutory or contractual requirement and the consequence of not giving
    the data. A legal obligation (c) or a contract (b) without its own ``required:`` says the general one."""
    if p.required is not None:
        return f"{t['required_' + p.required.kind]} {sentence(p.required.consequence(lang))}"
    kind = {"c": "statutory", "b": "contract"}.get(p.legal_basis.article)
    if kind is None:
        return str(t["required_voluntary"])
    return f"{t['required_' + kind]} {t['required_default_' + kind]}"


def _automated(policy: Policy, lang: str, t: dict[str, Any]) -> Section:
    s = Section("automated", t["h_automated"])
    decisions = [quoted(p.name(lang), lang) for p in policy.purposes if p.automated_decision]
    profiling = [quoted(p.name(lang), lang) for p in policy.purposes if p.profiling]
    s.p(t["automated"].format(purposes=join(decisions, lang)) if decisions else t["no_automated"])
    return s.p(t["profiling"].format(purposes=join(profiling, lang)) if profiling else t["no_profiling"])


def _rights(policy: Policy, lang: str, t: dict[str, Any]) -> Section:
    s = Section("rights", t["h_rights"]).p(t["rights_intro"])
    s.dl([t[key] for key in RIGHTS])
    return s.p(t["rights_how"].format(contact=contact_point(policy, lang)))


def _complaint(policy: Policy, lang: str, t: dict[str, Any]) -> Section:
    a = policy.controller.supervisory_authority
    s = Section("complaint", t["h_complaint"].format(authority=a.name))
    s.p(t["complaint"].format(authority=a.name))
    return s.dl([(t["address"], f"{a.name}, {_address(a.address, lang)}"), (t["website"], a.website)])


def _changes(policy: Policy, lang: str, t: dict[str, Any]) -> Section:
    meta = policy.policy
    text = t["changes"].format(version=meta.version, date=long_date(meta.effective, lang))
    if meta.previous:
        text += t["previous"].format(previous=meta.previous)
    return Section("changes", t["h_changes"]).p(text).p(t["changes_notify"])
