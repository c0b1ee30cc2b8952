"""What changed between two versions of a policy, and which changes are material (TP16).

A material change is one a data subject must be told about directly, not only by a new notice on the website:
a new purpose, a new recipient or transfer, longer retention, a new data category (or data subject kind or
source), a changed legal basis, a new automated decision or profiling. Wording changes, shorter retention and
removed items are listed too, but are not material.

Retention is compared by evaluating both rules on the same synthetic facts (every anchor on a range of
days): if the new rule never ends earlier and sometimes later, it is longer; if it never ends later, shorter;
if it is sometimes earlier and sometimes later, it is a change we cannot order, which counts as material.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from personvern.notice.wording import describe_basis, describe_retention, describe_special_condition
from personvern.policy.model import Policy, Purpose, Recipient
from personvern.policy.retention import Facts, anchors, retention_end

__all__ = ["Change", "PolicyDiff", "diff_policies"]

_START = date(2020, 1, 1)
_OFFSETS = (0, 45, 400, 2000)  # days after collection at which anchors happen in the trial facts


@dataclass(frozen=True)
class Change:
    """One change: ``kind`` such as ``purpose_added``; ``key`` the purpose/recipient/field it concerns."""

    kind: str
    key: str
    description: str
    material: bool


@dataclass(frozen=True)
class PolicyDiff:
    changes: list[Change] = field(default_factory=list)

    @property
    def material(self) -> list[Change]:
        return [c for c in self.changes if c.material]

    @property
    def has_material(self) -> bool:
        return any(c.material for c in self.changes)

    def kinds(self) -> set[str]:
        return {c.kind for c in self.changes}

    def __iter__(self) -> Iterator[Change]:
        return iter(self.changes)

    def __len__(self) -> int:
        return len(self.changes)

    def __bool__(self) -> bool:
        return bool(self.changes)


def diff_policies(old: Policy, new: Policy, lang: str = "en") -> PolicyDiff:
    """Every change from ``old`` to ``new``; descriptions in ``lang`` (``en`` or ``nb``)."""
    changes: list[Change] = []
    changes += _controller(old, new)
    changes += _commitments(old, new, lang)
    changes += _keyed(
        old.purposes,
        new.purposes,
        "purpose",
        lambda o, n: _purpose(o, n, old, new, lang),
        lambda p: p.name(lang),
    )
    changes += _keyed(
        old.recipients,
        new.recipients,
        "recipient",
        lambda o, n: _recipient(o, n, lang),
        lambda r: r.name(lang),
    )
    changes += [
        Change(
            "transfer_added", r.key, f"new transfer outside the EU/EEA: {r.name(lang)} ({r.country})", True
        )
        for r in new.recipients
        if not r.in_eea and _was_in_eea(old, r.key)
    ]
    return PolicyDiff(changes)


def _keyed(old: list[Any], new: list[Any], what: str, compare: Any, name: Any) -> list[Change]:
    before = {x.key: x for x in old}
    after = {x.key: x for x in new}
    out = [
        Change(f"{what}_added", k, f"new {what}: {name(x)}", True)
        for k, x in after.items()
        if k not in before
    ]
    out += [
        Change(f"{what}_removed", k, f"{what} removed: {name(x)}", False)
        for k, x in before.items()
        if k not in after
    ]
    for k in (k for k in after if k in before):
        out += compare(before[k], after[k])
    return out


def _commitments(old: Policy, new: Policy, lang: str) -> list[Change]:
    """A promise the notice states (SN5, PI5, TP12): dropping "never sold" or changing who has access is material."""
    a, b = old.commitments, new.commitments
    out = []
    if a.never_sold != b.never_sold:
        out.append(Change("commitment_changed", "never_sold", "no longer promises never to sell personal data"
                          if a.never_sold else "now promises never to sell personal data", a.never_sold))
    if a.access != b.access:
        out.append(Change("commitment_changed", "access", f"who has access: {b.access(lang) if b.access else '-'}",
                          a.access is not None))
    return out


def _was_in_eea(old: Policy, key: str) -> bool:
    """True when the recipient existed before, inside the EEA (a new recipient is already material)."""
    before = next((r for r in old.recipients if r.key == key), None)
    return before is not None and before.in_eea


def _controller(old: Policy, new: Policy) -> list[Change]:
    a, b = old.controller, new.controller
    out = []
    if (a.name, a.orgnr) != (b.name, b.orgnr):
        out.append(
            Change(
                "controller_changed",
                "controller",
                f"controller changed: {a.name} ({a.orgnr}) -> {b.name} ({b.orgnr})",
                True,
            )
        )
    contact = ("address", "email", "phone", "website", "contact_form", "dpo", "representative")
    for f in contact:
        if getattr(a, f) != getattr(b, f):
            out.append(Change("contact_changed", f"controller.{f}", f"controller {f} changed", False))
    new_joint = set(b.joint_controllers) - set(a.joint_controllers)
    if new_joint:
        out.append(
            Change(
                "joint_controller_added",
                "controller.joint_controllers",
                f"new joint controller: {', '.join(sorted(new_joint))}",
                True,
            )
        )
    return out


def _purpose(a: Purpose, b: Purpose, old: Policy, new: Policy, lang: str) -> list[Change]:
    k = b.key
    out = _basis(a, b, lang)
    for attr, what in (
        ("categories", "category"),
        ("special_categories", "special category"),
        ("subjects", "data subject kind"),
        ("sources", "source"),
    ):
        added = [x for x in getattr(b, attr) if x not in getattr(a, attr)]
        removed = [x for x in getattr(a, attr) if x not in getattr(b, attr)]
        kind = attr.rstrip("s") if attr != "categories" else "category"
        kind = "special_category" if attr == "special_categories" else kind
        if added:
            out.append(Change(f"{kind}_added", k, f"{b.name(lang)}: new {what}: {', '.join(added)}", True))
        if removed:
            out.append(
                Change(f"{kind}_removed", k, f"{b.name(lang)}: {what} removed: {', '.join(removed)}", False)
            )
    if a.special_condition != b.special_condition and b.special_condition is not None:
        out.append(Change("special_condition_changed", k, f"{b.name(lang)}: the Art. 9(2) condition is now "
                          f"{describe_special_condition(b.special_condition, lang)}", True))
    out += _retention(a, b, old, new, lang)
    for flag, text in (("automated_decision", "automated decision (Art. 22)"), ("profiling", "profiling")):
        if getattr(b, flag) and not getattr(a, flag):
            out.append(Change(f"{flag}_added", k, f"{b.name(lang)}: now uses {text}", True))
    new_channels = set(b.marketing.channels if b.marketing else []) - set(
        a.marketing.channels if a.marketing else []
    )
    if new_channels:
        out.append(
            Change(
                "marketing_channel_added",
                k,
                f"{b.name(lang)}: new marketing channel: {', '.join(sorted(new_channels))}",
                True,
            )
        )
    if (a.name, a.description) != (b.name, b.description):
        out.append(Change("wording", k, f"{b.name(lang)}: name or description reworded", False))
    return out


def _basis(a: Purpose, b: Purpose, lang: str) -> list[Change]:
    articles_a = [a.legal_basis.article, *(x.article for x in a.also_based_on)]
    articles_b = [b.legal_basis.article, *(x.article for x in b.also_based_on)]
    if articles_a != articles_b:
        return [
            Change(
                "basis_changed",
                b.key,
                f"{b.name(lang)}: legal basis changed from "
                f"{describe_basis(a.legal_basis, lang)} to {describe_basis(b.legal_basis, lang)}",
                True,
            )
        ]
    if [a.legal_basis, *a.also_based_on] != [b.legal_basis, *b.also_based_on]:
        return [
            Change(
                "wording",
                b.key,
                f"{b.name(lang)}: legal basis reworded (now: {describe_basis(b.legal_basis, lang)})",
                False,
            )
        ]
    return []


def _retention(a: Purpose, b: Purpose, old: Policy, new: Policy, lang: str) -> list[Change]:
    if a.retention == b.retention:
        return []
    now = describe_retention(b.retention, new, lang) if b.retention else "none"
    was = describe_retention(a.retention, old, lang) if a.retention else "none"
    text = f"{b.name(lang)}: retention {{}}: {was} -> {now}"
    if a.retention is None or b.retention is None:
        return [Change("retention_changed", b.key, text.format("changed"), True)]
    order = compare_retention(a.retention, b.retention)
    if order < 0:
        return [Change("retention_shorter", b.key, text.format("shorter"), False)]
    if order > 0:
        return [Change("retention_longer", b.key, text.format("longer"), True)]
    same_rule: bool = a.retention.model_dump()["rule"] == b.retention.model_dump()["rule"]
    if same_rule and b.retention.then == "delete":
        return [Change("retention_changed", b.key, text.format("end action changed"), False)]
    return [Change("retention_changed", b.key, text.format("changed"), True)]


def compare_retention(old: Any, new: Any) -> int:
    """-1 when ``new`` never ends later than ``old`` and sometimes earlier, 1 when longer, 0 otherwise."""
    names = sorted(anchors(old) | anchors(new))
    combos = (
        itertools.product(_OFFSETS, repeat=len(names))
        if len(names) <= 3
        else ((o,) * len(names) for o in _OFFSETS)
    )
    longer = shorter = False
    for offsets in combos:
        dates = {n: _START + timedelta(days=o) for n, o in zip(names, offsets, strict=True)}
        facts = Facts(collected=_START, events=dates, last_activity=dates.get("last_activity"))
        a, b = (retention_end(r, facts) or date.max for r in (old, new))
        longer |= b > a
        shorter |= b < a
    if longer and not shorter:
        return 1
    if shorter and not longer:
        return -1
    return 0


def _recipient(a: Recipient, b: Recipient, lang: str) -> list[Change]:
    k, name = b.key, b.name(lang)
    out = []
    if a.role != b.role:
        out.append(Change("recipient_role_changed", k, f"{name}: role {a.role} -> {b.role}", True))
    if a.country != b.country and not b.in_eea and not a.in_eea:
        out.append(Change("transfer_changed", k, f"{name}: now in {b.country} (was {a.country})", True))
    if a.safeguard != b.safeguard and not b.in_eea:
        out.append(Change("transfer_changed", k, f"{name}: safeguard {a.safeguard} -> {b.safeguard}", True))
    if b.transfer is not None and b.transfer != a.transfer:  # TP11: an occasional transfer, new or widened
        kind = "transfer_added" if a.transfer is None else "transfer_changed"
        out.append(Change(kind, k, f"{name}: {b.transfer.when(lang)}, transfer outside the EU/EEA "
                          f"({', '.join(b.transfer.safeguards)})", True))
    added_p = [p for p in b.purposes if p not in a.purposes]
    added_c = [c for c in b.categories if c not in a.categories]
    if added_p or added_c:
        out.append(
            Change(
                "recipient_receives_more",
                k,
                f"{name}: now also receives {', '.join(added_c + added_p)}",
                True,
            )
        )
    if [p for p in a.purposes if p not in b.purposes] or [c for c in a.categories if c not in b.categories]:
        out.append(Change("recipient_receives_less", k, f"{name}: receives less than before", False))
    if (a.name, a.agreement, a.condition) != (b.name, b.agreement, b.condition):
        out.append(Change("wording", k, f"{name}: name, agreement or condition reworded", False))
    return out
