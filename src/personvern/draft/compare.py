"""What a notice says against what a policy file enforces.

``compare(policy, notice)`` drafts the notice, loads the draft and the policy, pairs their purposes and recipients,
and lists the notice statements with no counterpart in the policy and the policy rules the notice never mentions.
A difference the policy explains (a comment on the rule's line or right above it) is shown with that comment.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from personvern.draft._lexicon import RECIPIENTS
from personvern.draft._purposes import concepts
from personvern.draft.extract import draft_notice
from personvern.draft.render import render
from personvern.policy import LoadedPolicy, load_policy
from personvern.policy.model import Policy, Purpose
from personvern.policy.retention import After, EarlierOf, LaterOf, Statute, Until
from personvern.policy.statutes import STATUTES


@dataclass(frozen=True)
class Difference:
    side: str  # "notice" (said, not enforced) or "policy" (enforced, not said)
    what: str
    where: str
    explained: str = ""


def load_draft(notice: str | Path, lang: str = "nb") -> tuple[LoadedPolicy, str]:
    """The notice's draft, loaded as a policy, and its text."""
    text = render(draft_notice(notice, lang))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "draft.yaml"
        path.write_text(text, encoding="utf-8")
        return load_policy(path), text


def _anchor(event: str) -> str:
    head = event.split(".")[0]
    return {"matter": "case", "inquiry": "case", "request": "case", "lead": "case", "interest": "relationship",
            "customer": "relationship", "offer": "case"}.get(head, head)


def terms(rule: Any) -> frozenset[tuple[Any, ...]]:
    """A rule as comparable terms: kind, anchor class, period in months and days, how it is counted."""
    if isinstance(rule, After):
        d = rule.period.delta
        return frozenset({("after", _anchor(rule.after), d.years * 12 + d.months, d.weeks * 7 + d.days, rule.counted)})
    if isinstance(rule, Statute):
        s = STATUTES[rule.statute]
        return frozenset({("after", _anchor(rule.after), s.period.years * 12 + s.period.months, 0, s.counted)})
    if isinstance(rule, Until):
        least = rule.at_least.delta if rule.at_least else None
        return frozenset({("until", _anchor(rule.until), least.years * 12 + least.months if least else 0,
                           least.days if least else 0)})
    if isinstance(rule, LaterOf | EarlierOf):
        parts = rule.later_of if isinstance(rule, LaterOf) else rule.earlier_of
        return frozenset(t for part in parts for t in terms(part))
    return frozenset()


def same_retention(a: Purpose, b: Purpose) -> bool:
    return a.retention is not None and b.retention is not None and terms(a.retention.rule) == terms(b.retention.rule)


def _words(text: str) -> set[str]:
    return {w[:6] for w in re.findall(r"[a-zæøå]{4,}", text.lower())}


def _score(draft: Purpose, hand: Purpose) -> float:
    d_text = f"{draft.key} {draft.name.nb} {draft.description.nb}"
    h_text = f"{hand.key} {hand.name.nb} {hand.description.nb}"
    d_kinds, h_kinds = concepts(d_text.lower()), concepts(h_text.lower())
    d_lead = concepts(f"{draft.key} {draft.name.nb}".lower().replace("_", " "))
    h_lead = concepts(f"{hand.key} {hand.name.nb}".lower().replace("_", " "))
    score = 3.0 if d_lead and h_lead and d_lead[0] == h_lead[0] else 0.0
    score += len(set(d_kinds) & set(h_kinds)) * 0.5
    a, b = _words(d_text), _words(h_text)
    score += 3 * len(a & b) / max(1, len(a | b))
    score += 0.5 if draft.legal_basis.article == hand.legal_basis.article else 0
    score += 0.5 if same_retention(draft, hand) else 0
    return score


def pair(draft: Policy, hand: Policy, skip: set[str] | None = None) -> dict[str, str]:
    """hand purpose key -> draft purpose key, greedily by similarity; each used once."""
    scores = sorted(((_score(d, h), h.key, d.key) for h in hand.purposes if h.key not in (skip or set())
                     for d in draft.purposes), reverse=True)
    pairs: dict[str, str] = {}
    for score, h, d in scores:
        if score >= 1.5 and h not in pairs and d not in pairs.values():
            pairs[h] = d
    return pairs


def recipient_kinds(policy: Policy) -> dict[str, str]:
    """recipient key -> kind (a RECIPIENTS lexicon key) from its name and key."""
    kinds: dict[str, str] = {}
    for r in policy.recipients:
        text = f"{r.key.replace('_', ' ')} {r.name.nb}".lower()
        kind = next((key for pattern, key, *_rest in RECIPIENTS if re.search(pattern, text)), r.key)
        kinds[r.key] = f"{kind}:{'processor' if r.role == 'processor' else 'other'}"
    return kinds


def explanation(loaded: LoadedPolicy, path: tuple[str | int, ...]) -> str:
    """The comment on the line of ``path`` or the comment block right above it."""
    line = loaded.line(path)
    if line is None:
        return ""
    text = Path(loaded.file).read_text(encoding="utf-8").splitlines()
    found: list[str] = []
    n = line - 2
    while n >= 0 and text[n].strip().startswith("#"):
        found.insert(0, text[n].strip().lstrip("# "))
        n -= 1
    inline = text[line - 1].split(" #", 1)
    if len(inline) == 2:
        found.append(inline[1].strip())
    said = " ".join(found)
    # a bare promise id ("PI6") names the promise; it does not explain a difference
    return said if len(re.sub(r"\b[A-Z]{2}\d+[a-z]?\b[:,]?|\(\w*\)", "", said).split()) >= 3 else ""


def compare(policy: str | Path, notice: str | Path, lang: str = "nb") -> list[Difference]:
    hand = load_policy(policy)
    drafted, text = load_draft(notice, lang)
    lines = text.splitlines()
    d, h = drafted.policy, hand.policy
    skip = {h.settings.rights_purpose} if h.settings.rights_purpose else set()
    pairs = pair(d, h, skip)
    back = {v: k for k, v in pairs.items()}
    diffs: list[Difference] = []
    for i, p in enumerate(d.purposes):
        where = f"notice L{_line(drafted, lines, ('purposes', i))}"
        if p.key not in back:
            diffs.append(Difference("notice", f"purpose «{p.name.nb}» ({p.legal_basis.article})", where))
            continue
        hp = h.purpose(back[p.key])
        assert hp is not None
        j = h.purposes.index(hp)
        if p.legal_basis.article != hp.legal_basis.article and not _is_todo(drafted, ("purposes", i, "legal_basis")):
            diffs.append(Difference("notice", f"{hp.key}: the notice gives basis {p.legal_basis.article}, the "
                                    f"policy {hp.legal_basis.article}", where,
                                    explanation(hand, ("purposes", j, "legal_basis"))))
        if p.retention is not None and not same_retention(p, hp):
            diffs.append(Difference("notice", f"{hp.key}: the notice says retention «{_rule(p)}», the policy "
                                    f"«{_rule(hp)}»", where, explanation(hand, ("purposes", j, "retention"))))
    for j, hp in enumerate(h.purposes):
        if hp.key not in pairs and hp.key not in skip:
            where = f"policy L{hand.line(('purposes', j))}"
            diffs.append(Difference("policy", f"purpose {hp.key} «{hp.name.nb}»", where,
                                    explanation(hand, ("purposes", j, "key"))))
    dk, hk = recipient_kinds(d), recipient_kinds(h)
    for i, r in enumerate(d.recipients):
        if dk[r.key] not in hk.values():
            diffs.append(Difference("notice", f"recipient «{r.name.nb}» ({r.role})",
                                    f"notice L{_line(drafted, lines, ('recipients', i))}"))
    for j, r in enumerate(h.recipients):
        if hk[r.key] not in dk.values():
            diffs.append(Difference("policy", f"recipient {r.key} «{r.name.nb}» ({r.role})",
                                    f"policy L{hand.line(('recipients', j))}",
                                    explanation(hand, ("recipients", j, "key"))))
    return diffs


def _rule(p: Purpose) -> str:
    return describe(p.retention.rule) if p.retention else "none"


def describe(rule: Any) -> str:
    """A rule in the sentence grammar of the policy file."""
    if isinstance(rule, After):
        return f"{rule.period.text} after {'end of year of ' if rule.counted == 'end_of_year' else ''}{rule.after}"
    if isinstance(rule, Until):
        return f"until {rule.until}" + (f", at least {rule.at_least.text}" if rule.at_least else "")
    if isinstance(rule, Statute):
        return f"{rule.statute} after {rule.after}"
    if isinstance(rule, LaterOf | EarlierOf):
        parts = rule.later_of if isinstance(rule, LaterOf) else rule.earlier_of
        return f"{'later' if isinstance(rule, LaterOf) else 'earlier'} of ({'; '.join(map(describe, parts))})"
    return str(rule)


def _is_todo(loaded: LoadedPolicy, path: tuple[str | int, ...]) -> bool:
    return any(loaded.line(path) == w.line for w in loaded.todos)


def _line(loaded: LoadedPolicy, text: list[str], path: tuple[str | int, ...]) -> str:
    """The notice line a draft item came from (its comment says # L<n>)."""
    line = loaded.line(path)
    if line is None:
        return "?"
    for n in range(line - 1, max(-1, line - 8), -1):
        if n < len(text) and (m := re.search(r"# L(\d+)", text[n])):
            return m[1]
    return "?"
