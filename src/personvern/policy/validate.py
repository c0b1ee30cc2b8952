"""Cross-checks that a single field's type cannot express: references between keys, what each legal basis
needs, transfers, organisation numbers, and warnings against the statutory catalogue.

Every message says what is wrong and how to put it right; the loader adds file, line and field path.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator

from stdnum.no import orgnr as no_orgnr
from stdnum.se import orgnr as se_orgnr

from personvern.policy import taxonomy
from personvern.policy.model import EEA, Label, LegalBasis, Marketing, Policy, Purpose, Recipient
from personvern.policy.retention import (
    BUILTIN_ANCHORS,
    ByCategory,
    Period,
    Statute,
    UntilAsked,
    WithConsent,
    anchors,
    longest_period,
    parts,
)
from personvern.policy.review import review
from personvern.policy.statutes import STATUTES

Path_ = tuple[str | int, ...]
Found = tuple[Path_, str, str]  # path, shown field, message

NATIONAL_ID = "user.government_id.national_identification_number"
BOOKKEEPING = ("user.behavior.purchase_history", "user.financial", "user.payment")
BOOKKEEPING_STATUTES = ("bokforingsloven.primary", "bokforingsloven.secondary", "bokforingslagen.se")


def cross_check(policy: Policy) -> Iterator[tuple[str, Path_, str, str]]:
    """Every (severity, path, shown field, message) found; the loader turns paths into lines."""
    for severity, checks in (("error", _errors(policy)), ("warning", _warnings(policy))):
        for path, shown, message in checks:
            yield severity, path, shown, message
    yield from review(policy)


def _errors(policy: Policy) -> Iterator[Found]:
    yield from _controller(policy)
    yield from _rights_purpose(policy)
    yield from _audit_retention(policy)
    yield from _custom_parents(policy)
    for i, purpose in enumerate(policy.purposes):
        yield from _purpose(policy, i, purpose)
    for i, recipient in enumerate(policy.recipients):
        yield from _recipient(policy, i, recipient)


def _suggest(value: str, known: Iterable[str], declare: str | None = None) -> str:
    """' (did you mean 'x'?)' for a near miss, else how to declare a new key."""
    match = difflib.get_close_matches(value, sorted(known), n=1, cutoff=0.75)
    if match:
        return f"; did you mean '{match[0]}'?"
    return f"; declare it under '{declare}:' in the policy" if declare else ""


def _ancestors(policy: Policy, category: str) -> set[str]:
    """The category with its dotted parents and, for custom categories, their declared parents."""
    found: set[str] = set()
    todo = [category]
    while todo:
        key = todo.pop()
        parts = key.split(".")
        for n in range(len(parts), 0, -1):
            prefix = ".".join(parts[:n])
            if prefix not in found:
                found.add(prefix)
                custom = policy.categories.get(prefix)
                if custom is not None and custom.parent:
                    todo.append(custom.parent)
    return found


def _covers(policy: Policy, category: str, allowed: Iterable[str]) -> bool:
    """True when ``category`` or one of its ancestors (dotted or declared ``parent``) is in ``allowed``."""
    return bool(_ancestors(policy, category) & set(allowed))


def _controller(policy: Policy) -> Iterator[Found]:
    c = policy.controller
    if c.country == "NO" and not no_orgnr.is_valid(c.orgnr):
        yield ("controller", "orgnr"), "controller.orgnr", (
            f"'{c.orgnr}' is not a valid Norwegian organisation number (9 digits with a mod-11 check digit); "
            "copy it from brreg.no")
    if c.country == "SE" and not se_orgnr.is_valid(c.orgnr):
        yield ("controller", "orgnr"), "controller.orgnr", (
            f"'{c.orgnr}' is not a valid Swedish organisation number (10 digits, NNNNNN-NNNN, with a check "
            "digit); copy it from bolagsverket.se")


def _rights_purpose(policy: Policy) -> Iterator[Found]:
    """``settings.rights_purpose`` names the purpose under which data-subject requests are kept (Art. 12, issue 5)."""
    key = policy.settings.rights_purpose
    purposes = [p.key for p in policy.purposes]
    if key is not None and key not in purposes:
        yield ("settings", "rights_purpose"), "settings.rights_purpose", (
            f"unknown purpose '{key}'{_suggest(key, purposes)}: name the purpose (legal basis c, Art. 12 and "
            "Art. 5(2)) under which requests and identity evidence are kept")


def _audit_retention(policy: Policy) -> Iterator[Found]:
    """``settings.audit_retention`` counts from each audit entry's own date (Art. 5(2)): an entry has no events
    and no last activity, so any other anchor could never be applied (``personvern.audit.retention``)."""
    retention = policy.settings.audit_retention
    if retention is None:
        return
    other = sorted(anchors(retention) - {"collection"})
    if other:
        yield ("settings", "audit_retention"), "settings.audit_retention", (
            f"counts from {', '.join(other)}, but an audit entry only has its own date: count from collection, "
            "e.g. '3 years after end of year of collection'")
    if retention.then != "delete":
        yield ("settings", "audit_retention"), "settings.audit_retention", (
            f"'then: {retention.then}' cannot apply to audit entries: they are deleted when their time is up "
            "('then: delete', the default)")


def _custom_parents(policy: Policy) -> Iterator[Found]:
    known = taxonomy.categories(policy)
    for key, label in policy.categories.items():
        if label.parent is not None and label.parent not in known:
            yield ("categories", key, "parent"), f"categories.{key}.parent", (
                f"unknown parent category '{label.parent}'{_suggest(label.parent, known)}")


def _purpose(policy: Policy, i: int, p: Purpose) -> Iterator[Found]:
    at = ("purposes", i)
    shown = f"purposes[{p.key}]"
    cats = taxonomy.categories(policy)
    yield from _keys(p.categories, cats, (*at, "categories"), f"{shown}.categories", "category", "categories")
    yield from _keys(p.special_categories, cats, (*at, "special_categories"), f"{shown}.special_categories",
                     "category", "categories")
    yield from _keys(p.subjects, taxonomy.subjects(policy), (*at, "subjects"), f"{shown}.subjects",
                     "data subject", "subjects")
    yield from _keys(p.sources, taxonomy.sources(policy), (*at, "sources"), f"{shown}.sources",
                     "source", "sources")
    yield from _moves(policy, at, shown, p)
    for k, basis in enumerate([p.legal_basis, *p.also_based_on]):
        where: Path_ = (*at, "legal_basis") if k == 0 else (*at, "also_based_on", k - 1)
        yield from _basis(basis, where, f"{shown}.{'legal_basis' if k == 0 else f'also_based_on[{k - 1}]'}")
    if p.marketing is not None:
        yield from _marketing(policy, (*at, "marketing"), f"{shown}.marketing", p.marketing)
    if p.needed_until is not None and p.needed_until not in policy.events:
        yield (*at, "needed_until"), f"{shown}.needed_until", (
            f"unknown event '{p.needed_until}'{_suggest(p.needed_until, policy.events, 'events')}")
    if "national_id" in p.identifiers and not _covers(policy, NATIONAL_ID, p.categories):
        j = p.identifiers.index("national_id")
        yield (*at, "identifiers", j), f"{shown}.identifiers[{j}]", (
            f"stores national_id but '{NATIONAL_ID}' is not among the purpose's categories (TP14): add it to "
            "categories only where secure identification is clearly needed (personopplysningsloven § 12), "
            "else remove national_id")
    yield from _retention(policy, at, shown, p)


def _marketing(policy: Policy, at: Path_, shown: str, m: Marketing) -> Iterator[Found]:
    """Channels, the events of the existing-customer exceptions, and how long the relationship lasts."""
    if not m.channels:
        yield (*at, "channels"), f"{shown}.channels", (
            "a marketing purpose must name its channels: email, sms, post, phone")
    for name, events in (("sale_events", m.sale_events), ("ends_with", m.ends_with)):
        for j, event in enumerate(events):
            if event not in policy.events:
                yield (*at, name, j), f"{shown}.{name}[{j}]", (
                    f"unknown event '{event}'{_suggest(event, policy.events, 'events')}")
    if not (m.soft_opt_in or m.reserved_existing_customers):
        return
    if not (m.sale_events or any(e.startswith("purchase.") for e in policy.events)):
        yield at, shown, ("the existing-customer exception needs the event of a completed purchase: name it in "
                          "'sale_events' (markedsføringsloven § 15: an address received in connection with a sale)")
    if m.customer_for is None:
        yield at, f"{shown}.customer_for", (
            "say how long after the last purchase the customer relationship lasts for marketing, e.g. "
            "'24 months' (the exception ends with the relationship; the business must declare it)")


def _keys(values: list[str], known: dict[str, Label], at: Path_, shown: str, what: str,
          declare: str) -> Iterator[Found]:
    """Each value that is neither built in nor declared under ``declare:`` in the policy."""
    for j, value in enumerate(values):
        if value not in known:
            yield (*at, j), f"{shown}[{j}]", f"unknown {what} '{value}'{_suggest(value, known, declare)}"


def _basis(basis: LegalBasis, where: Path_, shown: str) -> Iterator[Found]:
    needs = {
        "a": (basis.consent, "consent", "consent (Art. 6(1)(a)) needs 'consent:' with 'given:' and "
              "'withdrawn:' (how it is given and how it is withdrawn)"),
        "b": (basis.contract, "contract",
              "contract (Art. 6(1)(b)) needs 'contract:': which contract, in nb and en"),
        "c": (basis.law, "law", "legal obligation (Art. 6(1)(c)) needs 'law:': the statute and section, "
              "e.g. 'bokføringsloven § 13'"),
        "d": (basis.vital_interests_of, "vital_interests_of", "vital interests (Art. 6(1)(d)) needs "
              "'vital_interests_of:': whose vital interests, in nb and en"),
        "e": (basis.public_task, "public_task",
              "public task (Art. 6(1)(e)) needs 'public_task:': the task and its basis in law, in nb and en"),
        "f": (basis.interest, "interest",
              "legitimate interest (Art. 6(1)(f)) needs 'interest:': the interest pursued, in nb and en"),
    }
    value, field, message = needs[basis.article]
    if value is None:
        yield where, f"{shown}.{field}", message
    if basis.statute is not None and basis.statute not in STATUTES:
        yield (*where, "statute"), f"{shown}.statute", _unknown_statute(basis.statute)


def _unknown_statute(key: str) -> str:
    hint = _suggest(key, STATUTES)
    return f"unknown statute '{key}'{hint or '; known: ' + ', '.join(STATUTES)}"


def _retention(policy: Policy, at: Path_, shown: str, p: Purpose) -> Iterator[Found]:
    if p.retention is None:
        yield at, f"{shown}.retention", (
            "no retention rule: every purpose must say how long its data is kept, "
            "e.g. 'retention: 3 years after collection'")
        return
    events = [*policy.events, *BUILTIN_ANCHORS]
    for anchor in sorted(anchors(p.retention)):
        if anchor not in events:
            hint = _suggest(anchor, events) or (
                f"; declare it under 'events:' or use {' or '.join(BUILTIN_ANCHORS)}")
            yield (*at, "retention"), f"{shown}.retention", f"unknown event '{anchor}'{hint}"
    for statute in _statutes(p.retention.rule):
        if statute not in STATUTES:
            yield (*at, "retention"), f"{shown}.retention", _unknown_statute(statute)
    for j, cat in enumerate(p.retention.keep):
        if not _covers(policy, cat, p.categories):
            yield (*at, "retention", "keep", j), f"{shown}.retention.keep[{j}]", (
                f"'{cat}' is not among the purpose's categories; 'keep' can only keep what it collects")
    yield from _shapes(policy, (*at, "retention"), f"{shown}.retention", p, p.retention.rule)


def _shapes(policy: Policy, at: Path_, shown: str, p: Purpose, rule: object) -> Iterator[Found]:
    """The rule shapes of issue 14 item 5, wherever they sit in the rule (a nested one is shown on the rule)."""
    if isinstance(rule, ByCategory):
        for key in rule.by_category:
            if not _covers(policy, key, p.categories):
                yield (*at, "by_category", key), f"{shown}.by_category.{key}", (
                    f"'{key}' is not among the purpose's categories: a period can only be chosen by a category "
                    "the purpose collects")
    if isinstance(rule, WithConsent):
        consent = policy.purpose(rule.consent)
        if consent is None:
            yield (*at, "consent"), f"{shown}.consent", (
                f"unknown purpose '{rule.consent}'{_suggest(rule.consent, [q.key for q in policy.purposes])}")
        elif "a" not in consent.articles:
            yield (*at, "consent"), f"{shown}.consent", (
                f"'{rule.consent}' is not based on consent (Art. 6(1)(a)): name the consent-based purpose whose "
                "consent extends the period")
    if isinstance(rule, UntilAsked):
        if p.legal_basis.article == "c":
            yield at, shown, ("a legal obligation (Art. 6(1)(c)) keeps data for the period the law sets, not until "
                              "the subject asks: write that period")
        if p.retention is not None and p.retention.then != "delete":
            yield at, shown, (f"'then: {p.retention.then}' never runs: the rule ends only when the subject asks, "
                              "and the data is then erased (Art. 17)")
    for part in parts(rule):
        yield from _shapes(policy, at, shown, p, part)


def _moves(policy: Policy, at: Path_, shown: str, p: Purpose) -> Iterator[Found]:
    """``may_move_to``: a declared purpose, not itself, that collects every category the records hold."""
    purposes = [q.key for q in policy.purposes]
    for j, other in enumerate(p.may_move_to):
        target = policy.purpose(other)
        where, field = (*at, "may_move_to", j), f"{shown}.may_move_to[{j}]"
        if target is None:
            yield where, field, f"unknown purpose '{other}'{_suggest(other, purposes)}"
        elif other == p.key:
            yield where, field, "a purpose cannot move to itself"
        elif missing := [c for c in p.categories if not _covers(policy, c, target.categories)]:
            yield where, field, (f"'{other}' does not collect {', '.join(missing)}, which records of '{p.key}' "
                                 "hold: a record keeps its categories when it moves")


def _statutes(rule: object) -> list[str]:
    if isinstance(rule, Statute):
        return [rule.statute]
    return [s for r in parts(rule) for s in _statutes(r)]


def _recipient(policy: Policy, i: int, r: Recipient) -> Iterator[Found]:
    at = ("recipients", i)
    shown = f"recipients[{r.key}]"
    purposes = [p.key for p in policy.purposes]
    collected: set[str] = set()
    for j, key in enumerate(r.purposes):
        purpose = policy.purpose(key)
        if purpose is None:
            yield (*at, "purposes", j), f"{shown}.purposes[{j}]", (
                f"unknown purpose '{key}'{_suggest(key, purposes)}")
        else:
            collected.update(purpose.categories)
    known = taxonomy.categories(policy)
    for j, cat in enumerate(r.categories):
        if cat not in known:
            yield (*at, "categories", j), f"{shown}.categories[{j}]", (
                f"unknown category '{cat}'{_suggest(cat, known, 'categories')}")
        elif collected and not _covers(policy, cat, collected):
            yield (*at, "categories", j), f"{shown}.categories[{j}]", (
                f"receives '{cat}' but none of its purposes ({', '.join(r.purposes)}) collects it: "
                "add it to a purpose's categories or stop disclosing it")
    if not r.in_eea and r.safeguard is None:
        yield (*at, "country"), f"{shown}.safeguard", (
            f"transfer to {r.country}, outside the EU/EEA, needs 'safeguard:' "
            "(adequacy, scc, bcr or derogation; Art. 44-49)")
    if r.transfer is not None:
        yield from _transfer(r, at, shown)
    if r.deletes_on is not None and r.deletes_on not in policy.events:
        yield (*at, "deletes_on"), f"{shown}.deletes_on", (
            f"unknown event '{r.deletes_on}'{_suggest(r.deletes_on, policy.events, 'events')}")


def _transfer(r: Recipient, at: Path_, shown: str) -> Iterator[Found]:
    """A transfer that happens in some cases (TP11): to countries outside the EU/EEA, a derogation explained."""
    assert r.transfer is not None
    for j, country in enumerate(r.transfer.countries):
        if country in EEA or not re.fullmatch(r"[A-Z]{2}", country):
            yield (*at, "transfer", "countries", j), f"{shown}.transfer.countries[{j}]", (
                f"'{country}' is not a country outside the EU/EEA (an ISO 3166-1 code such as 'US'): a transfer "
                "inside the EU/EEA needs no 'transfer:'")
    if "derogation" in r.transfer.safeguards and r.transfer.note is None:
        yield (*at, "transfer", "safeguards"), f"{shown}.transfer.note", (
            "a derogation (Art. 49) must say which one and why in 'note:', in nb and en")


def _warnings(policy: Policy) -> Iterator[Found]:
    for i, p in enumerate(policy.purposes):
        yield from _shorter_than_statute(i, p)
        yield from _marketing_consent(i, p)
    yield from _bookkeeping(policy)
    for i, p in enumerate(policy.purposes):
        r = p.retention
        if r is not None and "hvitvaskingsloven" in _statutes(r.rule) and r.then == "delete":
            yield ("purposes", i, "retention"), f"purposes[{p.key}].retention", (
                "hvitvaskingsloven § 30: the duty to delete after the period is unsettled; "
                "use 'then: review'")


def _shorter_than_statute(i: int, p: Purpose) -> Iterator[Found]:
    statute = STATUTES.get(p.legal_basis.statute or "")
    if statute is None or p.retention is None:
        return
    declared = longest_period(p.retention)
    required = Period(statute.period_text).approx_days() + (365 if statute.counted == "end_of_year" else 0)
    if declared is not None and declared < required - 1:
        yield ("purposes", i, "retention"), f"purposes[{p.key}].retention", (
            f"shorter than {statute.citation} requires ({statute.period_text} from "
            f"{statute.counted_from['en']}); write '{statute.key} after <event>'")


def _marketing_consent(i: int, p: Purpose) -> Iterator[Found]:
    electronic = sorted({"email", "sms"} & set(p.marketing.channels)) if p.marketing else []
    bases = {b.article for b in [p.legal_basis, *p.also_based_on]}
    if electronic and p.marketing and not p.marketing.soft_opt_in and "a" not in bases:
        yield ("purposes", i, "marketing"), f"purposes[{p.key}].marketing", (
            f"marketing by {' and '.join(electronic)} needs prior consent (article a) or, for existing "
            "customers, 'soft_opt_in: true' (markedsføringsloven § 15)")


def _bookkeeping(policy: Policy) -> Iterator[Found]:
    """Orders and receipts collected, but no purpose keeps them for bokføringsloven § 13."""
    keeps = {s for p in policy.purposes if p.retention for s in _statutes(p.retention.rule)}
    keeps |= {b.statute for p in policy.purposes for b in [p.legal_basis, *p.also_based_on] if b.statute}
    if keeps & set(BOOKKEEPING_STATUTES):
        return
    for i, p in enumerate(policy.purposes):
        hits = [c for c in p.categories if _covers(policy, c, BOOKKEEPING)]
        if hits:
            yield ("purposes", i, "categories"), f"purposes[{p.key}].categories", (
                f"collects {', '.join(hits)} (orders, invoices, receipts) but no purpose keeps them "
                "under bokføringsloven § 13: add a purpose with legal_basis article c and "
                "'retention: bokforingsloven.primary after <event>'")
            return
