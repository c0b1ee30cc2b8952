"""Cross-checks that a single field's type cannot express: references between keys, what each legal basis
needs, transfers, organisation numbers, and warnings against the statutory catalogue."""

from __future__ import annotations

from collections.abc import Iterator

from stdnum.no import orgnr as no_orgnr
from stdnum.se import orgnr as se_orgnr

from personvern.policy import taxonomy
from personvern.policy.model import LegalBasis, Policy, Purpose
from personvern.policy.retention import BUILTIN_ANCHORS, Period, Statute, anchors, longest_period
from personvern.policy.statutes import STATUTES

Path_ = tuple[str | int, ...]
Found = tuple[Path_, str, str]  # path, shown field, message

BOOKKEEPING = ("user.behavior.purchase_history", "user.financial", "user.payment")
BOOKKEEPING_STATUTES = ("bokforingsloven.primary", "bokforingsloven.secondary", "bokforingslagen.se")


def cross_check(policy: Policy) -> Iterator[tuple[str, Path_, str, str]]:
    """Every (severity, path, shown field, message) found; the loader turns paths into lines."""
    for severity, checks in (("error", _errors(policy)), ("warning", _warnings(policy))):
        for path, shown, message in checks:
            yield severity, path, shown, message


def _errors(policy: Policy) -> Iterator[Found]:
    yield from _controller(policy)
    for i, purpose in enumerate(policy.purposes):
        yield from _purpose(policy, i, purpose)
    yield from _recipients(policy)


def _controller(policy: Policy) -> Iterator[Found]:
    c = policy.controller
    module, name = (no_orgnr, "Norwegian organisation number") if c.country == "NO" else (se_orgnr, "Swedish organisation number")
    if not module.is_valid(c.orgnr):
        yield ("controller", "orgnr"), "controller.orgnr", f"'{c.orgnr}' is not a valid {name}"


def _purpose(policy: Policy, i: int, p: Purpose) -> Iterator[Found]:
    at = ("purposes", i)
    shown = f"purposes[{p.key}]"
    cats = taxonomy.categories(policy)
    for j, cat in enumerate(p.categories):
        if cat not in cats:
            yield (*at, "categories", j), f"{shown}.categories", f"unknown category '{cat}'"
    for j, subj in enumerate(p.subjects):
        if subj not in taxonomy.subjects(policy):
            yield (*at, "subjects", j), f"{shown}.subjects", f"unknown data subject '{subj}'"
    for j, src in enumerate(p.sources):
        if src not in taxonomy.sources(policy):
            yield (*at, "sources", j), f"{shown}.sources", f"unknown source '{src}'"
    for j, other in enumerate(p.may_move_to):
        if policy.purpose(other) is None:
            yield (*at, "may_move_to", j), f"{shown}.may_move_to", f"unknown purpose '{other}'"
    for k, basis in enumerate([p.legal_basis, *p.also_based_on]):
        where = (*at, "legal_basis") if k == 0 else (*at, "also_based_on", k - 1)
        yield from _basis(basis, where, f"{shown}.{'legal_basis' if k == 0 else f'also_based_on[{k - 1}]'}")
    if p.marketing is not None and not p.marketing.channels:
        yield (*at, "marketing"), f"{shown}.marketing.channels", "a marketing purpose must name its channels"
    national_id = "user.government_id.national_identification_number"
    if "national_id" in p.identifiers and not taxonomy.covers(national_id, set(p.categories)):
        yield (*at, "identifiers"), f"{shown}.identifiers", (
            f"stores national_id but '{national_id}' is not among its categories (TP14)")
    yield from _retention(policy, at, shown, p)


def _basis(basis: LegalBasis, where: Path_, shown: str) -> Iterator[Found]:
    needs = {
        "a": (basis.consent, "consent", "consent (Art. 6(1)(a)) needs 'consent' with how it is given and withdrawn"),
        "b": (basis.contract, "contract", "contract (Art. 6(1)(b)) needs 'contract': which contract"),
        "c": (basis.law, "law", "legal obligation (Art. 6(1)(c)) needs 'law': the statute and section"),
        "d": (basis.vital_interests_of, "vital_interests_of", "vital interests (Art. 6(1)(d)) needs 'vital_interests_of': whose"),
        "e": (basis.public_task, "public_task", "public task (Art. 6(1)(e)) needs 'public_task': the task and its basis in law"),
        "f": (basis.interest, "interest", "legitimate interest (Art. 6(1)(f)) needs 'interest': the interest pursued"),
    }
    value, field, message = needs[basis.article]
    if value is None:
        yield where, f"{shown}.{field}", message
    if basis.statute is not None and basis.statute not in STATUTES:
        yield (*where, "statute"), f"{shown}.statute", f"unknown statute '{basis.statute}'; known: {', '.join(STATUTES)}"


def _retention(policy: Policy, at: Path_, shown: str, p: Purpose) -> Iterator[Found]:
    if p.retention is None:
        yield at, f"{shown}.retention", "no retention rule: every purpose must say how long its data is kept"
        return
    for anchor in sorted(anchors(p.retention)):
        if anchor not in policy.events and anchor not in BUILTIN_ANCHORS:
            yield (*at, "retention"), f"{shown}.retention", (
                f"unknown event '{anchor}'; declare it under events: or use {' or '.join(BUILTIN_ANCHORS)}")
    for statute in _statutes(p.retention.rule):
        if statute not in STATUTES:
            yield (*at, "retention"), f"{shown}.retention", f"unknown statute '{statute}'; known: {', '.join(STATUTES)}"
    for cat in p.retention.keep:
        if not taxonomy.covers(cat, set(p.categories)):
            yield (*at, "retention", "keep"), f"{shown}.retention.keep", f"'{cat}' is not among the purpose's categories"


def _statutes(rule: object) -> list[str]:
    if isinstance(rule, Statute):
        return [rule.statute]
    parts = getattr(rule, "later_of", None) or getattr(rule, "earlier_of", None) or []
    return [s for r in parts for s in _statutes(r)]


def _recipients(policy: Policy) -> Iterator[Found]:
    for i, r in enumerate(policy.recipients):
        at = ("recipients", i)
        shown = f"recipients[{r.key}]"
        collected: set[str] = set()
        for j, key in enumerate(r.purposes):
            purpose = policy.purpose(key)
            if purpose is None:
                yield (*at, "purposes", j), f"{shown}.purposes", f"unknown purpose '{key}'"
            else:
                collected.update(purpose.categories)
        for j, cat in enumerate(r.categories):
            if cat not in taxonomy.categories(policy):
                yield (*at, "categories", j), f"{shown}.categories", f"unknown category '{cat}'"
            elif collected and not taxonomy.covers(cat, collected):
                yield (*at, "categories", j), f"{shown}.categories", (
                    f"receives '{cat}' but none of its purposes ({', '.join(r.purposes)}) collects it")
        if not r.in_eea and r.safeguard is None:
            yield (*at, "country"), f"{shown}.safeguard", (
                f"transfer to {r.country}, outside the EU/EEA, needs a safeguard (adequacy, scc, bcr or derogation; Art. 44-49)")
        if r.deletes_on is not None and r.deletes_on not in policy.events:
            yield (*at, "deletes_on"), f"{shown}.deletes_on", f"unknown event '{r.deletes_on}'"


def _warnings(policy: Policy) -> Iterator[Found]:
    for i, p in enumerate(policy.purposes):
        statute = STATUTES.get(p.legal_basis.statute or "")
        if statute is None or p.retention is None:
            continue
        declared = longest_period(p.retention)
        required = Period(statute.period_text).approx_days() + (365 if statute.counted == "end_of_year" else 0)
        if declared is not None and declared < required - 1:
            yield ("purposes", i, "retention"), f"purposes[{p.key}].retention", (
                f"shorter than {statute.citation} requires ({statute.period_text} from {statute.counted_from['en']})")
    keeps = {s for p in policy.purposes if p.retention for s in _statutes(p.retention.rule)}
    if not keeps & set(BOOKKEEPING_STATUTES):
        for i, p in enumerate(policy.purposes):
            hits = [c for c in p.categories if any(taxonomy.covers(c, {b}) for b in BOOKKEEPING)]
            if hits:
                yield ("purposes", i, "categories"), f"purposes[{p.key}].categories", (
                    f"collects {', '.join(hits)} (orders, invoices, receipts) but no purpose keeps them "
                    "under bokføringsloven § 13 (add a purpose with 'bokforingsloven.primary after ...')")
                break
    for i, p in enumerate(policy.purposes):
        if p.retention and "hvitvaskingsloven" in _statutes(p.retention.rule) and p.retention.then == "delete":
            yield ("purposes", i, "retention"), f"purposes[{p.key}].retention", (
                "hvitvaskingsloven § 30: the duty to delete after the period is unsettled; use 'then: review'")
