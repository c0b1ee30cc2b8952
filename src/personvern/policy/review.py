"""What a lawyer reviewing a policy would catch (issue 14 items 4 and 6), each as a problem on its line.

- a ``later_of`` part waiting for an event that may never be recorded, which keeps the whole rule from ending
  although the other parts would end (``optional`` or ``default`` says what happens then);
- a purpose that claims a statute as its legal obligation (``legal_basis.statute``) but keeps longer than the
  statute requires, with no ``reason`` of its own; or whose rule can end before the statute's minimum
  ("at least N, or until X" with N short of the statute);
- a period counted from collection on a purpose whose data has events of its own ("5 years" from what?);
- special categories (Art. 9(1) GDPR) without the Art. 9(2) condition that lifts the prohibition;
- a controller that is still a placeholder (an example domain, "Eksempelveien"): the notice would name a
  business that does not exist (Art. 13(1)(a)).

Sources: ../shared/LEGAL.md. The statutory periods come from the catalogue (``policy/statutes.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from personvern.policy.model import Policy, Purpose
from personvern.policy.retention import (
    BUILTIN_ANCHORS,
    After,
    ByCategory,
    EarlierOf,
    LaterOf,
    Period,
    Retention,
    Statute,
    Until,
    UntilAsked,
    WithConsent,
    anchors,
    longest_period,
    parts,
)
from personvern.policy.statutes import STATUTES
from personvern.policy.statutes import Statute as Catalogued

Path_ = tuple[str | int, ...]
Found = tuple[str, Path_, str, str]  # severity, path, shown field, message
Leaf = After | Until | Statute

# Names reserved for examples and tests (RFC 2606, RFC 6761) and the Norwegian "example road"
_EXAMPLE_DOMAIN = re.compile(r"(^|[@./])(example\.(com|net|org|no)|[\w-]+\.(example|test|invalid|localhost))\b",
                             re.IGNORECASE)
_EXAMPLE_WORDS = re.compile(r"\b(eksempel\w*|example\w*)\b", re.IGNORECASE)


def review(policy: Policy) -> Iterator[Found]:
    """Every finding of the review: (severity, path, shown field, message)."""
    yield from _placeholder_controller(policy)
    for i, p in enumerate(policy.purposes):
        at: Path_ = ("purposes", i)
        shown = f"purposes[{p.key}]"
        yield from _special_condition(at, shown, p)
        if p.retention is None:
            continue
        rule_at: Path_ = (*at, "retention", "rule")
        yield from _waiting_parts(policy, p.retention.rule, rule_at, f"{shown}.retention", top=True)
        yield from _from_collection(policy, at, shown, p, p.retention)
        for statute in _claimed(p):
            yield from _against_statute(at, shown, p.retention, statute)


# --- rules that can wait for ever (item 4) -----------------------------------------------------------------


def _named(rule: Any) -> list[tuple[Path_, str, Any]]:
    """The parts of a rule with their path and shown name: ``later_of[1]``, ``by_category.custom.complaint``."""
    if isinstance(rule, LaterOf | EarlierOf):
        form = "later_of" if isinstance(rule, LaterOf) else "earlier_of"
        return [((form, j), f"{form}[{j}]", part) for j, part in enumerate(parts(rule))]
    if isinstance(rule, ByCategory):
        return [(("by_category", key), f"by_category.{key}", part) for key, part in rule.by_category.items()]
    if isinstance(rule, WithConsent):
        return [((name,), name, getattr(rule, name)) for name in ("ordinarily", "with_consent")]
    return []


def can_end_without(rule: Any, event: str) -> bool:
    """Whether the rule can end when ``event`` is never recorded (every other anchor is)."""
    if isinstance(rule, Retention):
        rule = rule.rule
    if isinstance(rule, After | Until | Statute):
        anchor = rule.until if isinstance(rule, Until) else rule.after
        return anchor != event or (rule.default is not None and rule.default != event)
    if isinstance(rule, LaterOf):
        needed = [r for r in rule.later_of if not getattr(r, "optional", False)]
        return all(can_end_without(r, event) for r in needed) and (
            bool(needed) or any(can_end_without(r, event) for r in rule.later_of))
    if isinstance(rule, EarlierOf):
        return any(can_end_without(r, event) for r in rule.earlier_of)
    if isinstance(rule, UntilAsked):
        return False  # ends only when the subject asks, never by itself
    return all(can_end_without(r, event) for r in parts(rule))  # every case of by_category, with_consent


def _waiting_parts(policy: Policy, rule: Any, at: Path_, shown: str, *, top: bool = False) -> Iterator[Found]:
    """``optional`` outside ``later_of`` (an error), an unknown ``default``, and the parts of a ``later_of``
    that wait for an event the other parts do not need: never recorded, the rule never ends."""
    if isinstance(rule, After | Until | Statute):
        if rule.optional and top:
            yield "error", at, shown, ("'optional' applies to a part of later_of: a rule of its own that may "
                                       "never end is not optional; give it a 'default:' anchor instead")
        known = [*policy.events, *BUILTIN_ANCHORS]
        if rule.default is not None and rule.default not in known:
            yield "error", (*at, "default"), f"{shown}.default", (
                f"unknown event '{rule.default}'; declare it under 'events:' or use collection or last_activity")
        return
    named = _named(rule)
    for j, (suffix, name, part) in enumerate(named):
        part_at, part_shown = (*at, *suffix), f"{shown}.{name}"
        if isinstance(part, After | Until | Statute) and part.optional and not isinstance(rule, LaterOf):
            yield "error", part_at, part_shown, (
                "'optional' applies to a part of later_of; elsewhere a part that has not ended is left out "
                "already or decides alone")
        yield from _waiting_parts(policy, part, part_at, part_shown)
        if not isinstance(rule, LaterOf) or getattr(part, "optional", False):
            continue
        for event in sorted(anchors(part) - set(BUILTIN_ANCHORS)):
            others = [other_name for k, (_s, other_name, other) in enumerate(named) if k != j
                      and not getattr(other, "optional", False) and can_end_without(other, event)]
            if not can_end_without(part, event) and others:
                yield "warning", part_at, part_shown, (
                    f"waits for '{event}': if it is never recorded, the rule never ends although "
                    f"{others[0]} would; mark the part 'optional: true' (left out while '{event}' is "
                    "not recorded) or give it 'default:' (the anchor to count from instead)")


# --- statutes, periods and Art. 9 (item 6) ------------------------------------------------------------------


def _claimed(p: Purpose) -> list[Catalogued]:
    """The statutes the purpose names as a legal obligation to keep its data."""
    keys = dict.fromkeys(b.statute for b in p.bases if b.statute)
    return [STATUTES[k] for k in keys if k in STATUTES]


def _required_days(statute: Catalogued) -> float:
    return Period(statute.period_text).approx_days() + (365 if statute.counted == "end_of_year" else 0)


def shortest_period(rule: Any) -> float:
    """The shortest time, in days, after which the rule can end: an ``until`` ends as soon as its event
    happens (its ``at_least`` is the floor); ``later_of`` cannot end before its longest required part."""
    if isinstance(rule, Retention):
        rule = rule.rule
    if isinstance(rule, After | Statute):  # a fixed period: its shortest is its longest
        return longest_period(rule) or 0.0
    if isinstance(rule, Until):
        return 0.0 if rule.at_least is None else rule.at_least.approx_days()
    if isinstance(rule, LaterOf):
        needed = [shortest_period(r) for r in rule.later_of if not getattr(r, "optional", False)]
        return max(needed, default=0.0)
    if isinstance(rule, WithConsent):  # the consent may never be given: the ordinary rule alone
        return shortest_period(rule.ordinarily)
    return min((shortest_period(r) for r in parts(rule)), default=0.0)  # earlier_of, by_category, until asked


def _against_statute(at: Path_, shown: str, retention: Retention, statute: Catalogued) -> Iterator[Found]:
    required = _required_days(statute)
    longest = longest_period(retention)
    what = f"{statute.citation} requires ({statute.period_text} from {statute.counted_from['en']})"
    if longest is not None and longest > required + 1 and retention.reason is None:
        open_end = " (until an event, with no fixed end)" if longest == float("inf") else ""
        yield "warning", (*at, "retention"), f"{shown}.retention", (
            f"keeps longer than {what}{open_end}, with no reason of its own: give 'reason:' (nb and en, shown "
            f"in the notice) or write '{statute.key} after <event>'")
    if (longest is None or longest >= required - 1) and shortest_period(retention) < required - 1:
        yield "warning", (*at, "retention"), f"{shown}.retention", (
            f"can end before {what}: a minimum or an event that may come first ends it sooner; "
            f"make the minimum at least the statute's or write '{statute.key} after <event>'")


def _events_of(policy: Policy, p: Purpose) -> list[str]:
    """The events the purpose's data has besides its retention rule: the contract's end, the sale and
    relationship events of its marketing, the events its recipients delete on."""
    found = [*([p.needed_until] if p.needed_until else [])]
    if p.marketing is not None:
        found += [*p.marketing.sale_events, *p.marketing.ends_with]
    found += [r.deletes_on for r in policy.recipients_of(p.key) if r.deletes_on]
    return [e for e in dict.fromkeys(found) if e in policy.events]


def _from_collection(policy: Policy, at: Path_, shown: str, p: Purpose, retention: Retention) -> Iterator[Found]:
    """"5 years" from what? A period counted from collection, where the purpose's data has events."""
    events = _events_of(policy, p)
    if not events or retention.reason is not None:
        return
    if any(isinstance(leaf, After) and leaf.after == "collection" for leaf in _leaves(retention.rule)):
        yield "warning", (*at, "retention"), f"{shown}.retention", (
            f"a period counted from collection, but this purpose's data has the event {', '.join(events)}: "
            f"say from what the period runs, e.g. '... after {events[0]}', or give 'reason:' for counting "
            "from collection")


def _leaves(rule: Any) -> list[Leaf]:
    if isinstance(rule, After | Until | Statute):
        return [rule]
    return [leaf for r in parts(rule) for leaf in _leaves(r)]


def _special_condition(at: Path_, shown: str, p: Purpose) -> Iterator[Found]:
    if p.special_categories and p.special_condition is None:
        yield "error", (*at, "special_categories"), f"{shown}.special_condition", (
            "special categories (Art. 9(1) GDPR) need the condition of Art. 9(2) that allows them: add "
            "'special_condition:' with 'point:' (a explicit consent, b employment law, c vital interests, "
            "f legal claims, ...) besides the Art. 6 basis")
    if p.special_condition is not None and not p.special_categories:
        yield "error", (*at, "special_condition"), f"{shown}.special_condition", (
            "an Art. 9(2) condition without special categories: list them under 'special_categories:' "
            "or remove the condition")


def _placeholder_controller(policy: Policy) -> Iterator[Found]:
    """A controller still holding example values: the notice would name a business that is not there."""
    c = policy.controller
    contacts: list[tuple[Path_, str, Any]] = [
        (("controller", "email"), "controller.email", c.email),
        (("controller", "website"), "controller.website", c.website),
        (("controller", "contact_form"), "controller.contact_form", c.contact_form),
    ]
    for key, person in (("dpo", c.dpo), ("representative", c.representative)):
        if person is not None:
            contacts.append((("controller", key, "email"), f"controller.{key}.email", person.email))
    for path, shown, value in contacts:
        if value and _EXAMPLE_DOMAIN.search(str(value)):
            yield "warning", path, shown, (
                f"'{value}' is an example address (reserved for examples, RFC 2606): write the business's "
                "own, where the subjects can reach it (Art. 13(1)(a))")
    for path, shown, value in ((("controller", "name"), "controller.name", c.name),
                               (("controller", "address", "street"), "controller.address.street", c.address.street)):
        if _EXAMPLE_WORDS.search(value):
            yield "warning", path, shown, (
                f"'{value}' is a placeholder: write the business's own (as registered at brreg.no)")
    if len(set(c.orgnr)) == 1:
        yield "warning", ("controller", "orgnr"), "controller.orgnr", (
            f"'{c.orgnr}' is a placeholder: copy the organisation number from brreg.no")
