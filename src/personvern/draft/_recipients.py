"""Recipients and processors: who the notice says receives the data, in what role, and on what condition."""

from __future__ import annotations

import re

from personvern.draft._items import DraftPurpose, DraftRecipient, Source
from personvern.draft._lexicon import INDEPENDENT, PROCESSOR, RECIPIENTS, SHARING
from personvern.draft._purposes import concepts
from personvern.draft._text import Notice, Sentence

_DENIED = re.compile(r"\b(?:kan ikke|skal ikke|vil ikke|aldri|ikke)\b.{0,30}\b(?:levere ut|utlevere|dele|selge|"
                     r"share|disclose|sell)|\bnever\b.{0,20}\b(?:share|sell)|\bselger\b")
_CONDITION = re.compile(r"\b(?:bare|kun|only|dersom|hvis|når (?:det|vi)|ved mistanke|when|if)\b")


def recipients(notice: Notice, purposes: list[DraftPurpose]) -> list[DraftRecipient]:
    found: dict[str, DraftRecipient] = {}
    context = ""
    for n, s in enumerate(notice.sentences):
        if not s.item:
            context = s.low
        low = s.low
        sharing = SHARING.search(low) or (s.item and SHARING.search(context))
        if not sharing:
            continue
        role_hint = _role(low, context if s.item else "")
        denied = bool(_DENIED.search(low))
        for pattern, key, role, nb, en in RECIPIENTS:
            m = re.search(pattern, low)
            if not m or (key == "authorities" and re.search(r"datatilsynet", low) and "politi" not in low):
                continue
            role = role if role == "public_authority" else (role_hint or role)
            rkey = key if key not in found or found[key].role == role else f"{key}_{role.split('_')[0]}"
            if rkey in found:
                continue
            rec = DraftRecipient(rkey, (nb, en), role, Source.of(s, m[0]))
            if denied:
                rec.question = (f"Notisen sier at opplysninger ikke utleveres til «{m[0]}», men nevner dem under "
                                "deling: brukes slike mottakere (databehandlere), og for hvilke formål?")
            rec.purposes = _purposes_of(s, notice.sentences[n + 1] if n + 1 < len(notice.sentences) else None,
                                        purposes)
            cond = next((x for x in (s, *_following(notice, n)) if _CONDITION.search(x.low)), None)
            if cond is not None and role != "processor":
                rec.condition = Source.of(cond, m2[0] if (m2 := _CONDITION.search(cond.low)) else "")
            found[rkey] = rec
    return list(found.values())


def _role(low: str, context: str) -> str | None:
    for text in (low, context):
        if INDEPENDENT.search(text):
            return "independent_controller"
        if PROCESSOR.search(text):
            return "processor"
    return None


def _following(notice: Notice, n: int) -> list[Sentence]:
    line = notice.sentences[n].line
    return [s for s in notice.sentences[n + 1:n + 3] if s.line == line]


def _purposes_of(s: Sentence, nxt: Sentence | None, purposes: list[DraftPurpose]) -> list[str]:
    """The purposes whose kind of processing the sharing sentence (or the next one) names, if any."""
    kinds = set(concepts(s.low) + (concepts(nxt.low) if nxt and nxt.line == s.line else []))
    return [p.key for p in purposes if p.concept in kinds] or \
        [p.key for p in purposes if kinds & set(concepts(p.text.lower()))][:1]
