"""How close a draft comes to a hand-written policy of the same notice (docs/draft.md; tests/draft keep it).

Figures per notice: purposes found, retention rules with the right duration and start, legal bases right,
statutes right, recipients found, items invented (a value with no words of the notice behind it) and items
traced. Retention rules count only where the notice states one: a hand-written rule whose comment says the
notice "states no period" (or "names no period", "as long as needed") is the author's choice, and the draft
asks instead; those are counted apart, as ``retention_unstated``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from personvern.draft._text import read_notice
from personvern.draft.compare import explanation, load_draft, pair, recipient_kinds, same_retention
from personvern.draft.extract import draft_from
from personvern.policy import LoadedPolicy, load_policy
from personvern.policy.model import Policy
from personvern.policy.statutes import STATUTES

_UNSTATED = re.compile(r"states no period|names no period|as long as needed|no period", re.I)


@dataclass(frozen=True)
class Figures:
    purposes: tuple[int, int]
    retention: tuple[int, int]
    retention_unstated: int
    bases: tuple[int, int]
    statutes: tuple[int, int]
    recipients: tuple[int, int]
    invented: int
    traced: tuple[int, int]

    @staticmethod
    def ratio(pair_: tuple[int, int]) -> float:
        return pair_[0] / pair_[1] if pair_[1] else 1.0


def _laws(policy: Policy, skip: set[str]) -> set[str]:
    found: set[str] = set()
    for p in policy.purposes:
        if p.key in skip:
            continue
        for b in [p.legal_basis, *p.also_based_on]:
            for law in (b.law or "").split(", "):
                found |= {law.split()[0].lower()} if law else set()
            if b.statute:
                found.add(STATUTES[b.statute].citation.split()[0].lower())
        rule = p.retention.rule if p.retention else None
        for statute in re.findall(r"statute='([\w.]+)'", repr(rule)):
            found.add(STATUTES[statute].citation.split()[0].lower())
    return found - {"personvernforordningen"}


def measure(notice: str | Path, policy: str | Path) -> Figures:
    hand = load_policy(policy)
    drafted, _text = load_draft(notice)
    d, h = drafted.policy, hand.policy
    skip = {h.settings.rights_purpose} if h.settings.rights_purpose else set()
    grounded = [p for p in h.purposes if p.key not in skip]
    pairs = pair(d, h, skip)
    retention_right = stated = unstated = bases_right = 0
    for j, hp in enumerate(h.purposes):
        if hp.key in skip:
            continue
        dp = d.purpose(pairs[hp.key]) if hp.key in pairs else None
        if _UNSTATED.search(explanation(hand, ("purposes", j, "retention"))):
            unstated += 1
        else:
            stated += 1
            retention_right += bool(dp and same_retention(dp, hp))
        bases_right += bool(dp and dp.legal_basis.article == hp.legal_basis.article and not _open(drafted, dp.key))
    hand_laws, draft_laws = _laws(h, skip), _laws(d, skip)
    dk, hk = recipient_kinds(d), recipient_kinds(h)
    invented, traced = _trace(notice)
    return Figures(
        purposes=(len(pairs), len(grounded)),
        retention=(retention_right, stated),
        retention_unstated=unstated,
        bases=(bases_right, len(grounded)),
        statutes=(len(hand_laws & draft_laws), len(hand_laws)),
        recipients=(sum(1 for k in set(hk.values()) if k in dk.values()), len(set(hk.values()))),
        invented=invented,
        traced=traced,
    )


def _open(loaded: LoadedPolicy, key: str) -> bool:
    """A basis the draft left as a TODO is not a basis found (its stand-in letter means nothing)."""
    return any(f"purposes[{key}].legal_basis" == w.field for w in loaded.todos)


def _trace(notice: str | Path) -> tuple[int, tuple[int, int]]:
    """(items invented, (items traced, items)): a value is traced when its sentence is on the notice line it
    names and the words it was read from are in that sentence; an open item is traced by its question."""
    read = read_notice(notice)
    by_line: dict[int, str] = {}
    for s in read.sentences:
        by_line[s.line] = by_line.get(s.line, "") + " " + s.text
    draft = draft_from(read)
    invented = traced = 0
    items = draft.items()
    for _where, item in items:
        if item.open:
            traced += 1
            continue
        src = item.source
        ok = src is not None and src.sentence in by_line.get(src.line, "") and (
            src.evidence.split(" … ")[0].lower() in src.sentence.lower())
        traced += ok
        invented += not ok
    return invented, (traced, len(items))
