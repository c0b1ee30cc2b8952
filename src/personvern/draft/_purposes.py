"""Find the purposes of a notice and what it says about each: basis, retention, data, channels.

A notice states its purposes in one of four shapes, and the reader tries them in this order:

1. sections with a ``Formål:`` label and sub-headings (``JURIDISK GRUNNLAG``, ``LAGRINGSTID``, ``Kategorier``);
2. table rows ``<purpose>. GDPR, artikkel 6 … bokstav f. <data>``;
3. a list (bullets or numbers) under a heading that announces purposes (``Vi bruker informasjonen til …``);
4. prose: each sentence that states a basis or what data is used for opens or extends a purpose.

Bases stated apart from the purposes ("Markedsføring … er basert på berettigede interesser") are given to the
purposes whose kind of processing the clause names; a basis said to hold "in most cases" is the default.
"""

from __future__ import annotations

import re

from personvern.draft import _retention
from personvern.draft._items import Basis, DraftPurpose, Source
from personvern.draft._lexicon import ARTICLE_REF, BASES, CONCEPTS
from personvern.draft._text import Notice, Sentence

_GENERIC = ("order", "contract", "administration", "inquiry")
_SECTION = re.compile(r"^(?:formål|purpose)\s*:\s*(.*)$", re.I)
_NUMBERED_HEADING = re.compile(r"^\d{1,2}\.\s+[A-ZÆØÅ\"]")
_TABLE_ROW = re.compile(r"^(.{4,90}?)\.\s*GDPR,?\s*art", re.I)
_LIST_INTRO = re.compile(r"formål|brukes? til|bruker (?:vi )?(?:informasjonen|personopplysningene|opplysningene)|"
                         r"hva bruker|used for|we use (?:your|the) (?:data|information)")
_CUE = re.compile(r"\b(?:trenger vi|for å kunne|slik at vi|vil vi (?:sende|gjøre|beholde|lagre|opprette|registrere)|"
                  r"vi lagrer|registrerer vi|vil vi også registrere|sende deg|e-post med|we use|in order to|"
                  r"so that we|send you)\b")
_SHARING_BASIS = re.compile(r"deling av personopplysninger|for deling|utlevering")
_DEFAULT = re.compile(r"i de fleste tilfeller|in most cases|som hovedregel|as a rule")
_SOMETIMES = re.compile(r"i enkelte tilfeller|i noen tilfeller|in some cases|alternativt|alternatively")


def concepts(low: str) -> list[str]:
    """The kinds of processing a text names, in the order they first appear."""
    hits = [(m.start(), name) for name, (pattern, _nb, _en) in CONCEPTS.items() if (m := re.search(pattern, low))]
    return [name for _pos, name in sorted(hits)]


def bases(low: str) -> list[tuple[int, int, str, str]]:
    """(start, end, article, words) of every basis a text states; explicit article references first."""
    found: list[tuple[int, int, str, str]] = []
    for m in ARTICLE_REF.finditer(low):
        found.append((m.start(), m.end(), m[1], m[0]))
    for article, pattern in BASES:
        for m in re.finditer(pattern, low):
            if not any(s <= m.start() < e + 40 and a == article for s, e, a, _w in found):
                found.append((m.start(), m.end(), article, m[0]))
    found.sort()
    # a word basis right before an explicit reference to the same letter is one statement
    merged: list[tuple[int, int, str, str]] = []
    for hit in found:
        if merged and merged[-1][2] == hit[2] and hit[0] - merged[-1][1] < 45:
            continue
        merged.append(hit)
    return merged


class Units:
    """The purposes found so far, keyed by position, with helpers to open and extend them."""

    def __init__(self) -> None:
        self.units: list[DraftPurpose] = []

    def open(self, name: str, first: Sentence, concept: str | None = None) -> DraftPurpose:
        kinds = concepts(first.low + " " + name.lower())
        lead = concept or (kinds[0] if kinds else "other")
        nb, en = (CONCEPTS[lead][1], CONCEPTS[lead][2]) if lead in CONCEPTS else (name.strip(" .:") or "Formål", "")
        unit = DraftPurpose(key=_key(lead, self.units), concept=lead, name=(nb, en), sources=[Source.of(first)])
        self.units.append(unit)
        return unit

    def by_concept(self, concept: str) -> DraftPurpose | None:
        return next((u for u in self.units if u.concept == concept), None)


_KEYS = {"order": "orders", "contract": "service", "support": "customer_service", "invoicing": "bookkeeping",
         "recruitment": "applications", "competition": "competitions", "membership": "accounts",
         "legal": "legal_obligations", "claims": "legal_claims", "survey": "surveys", "inquiry": "inquiries",
         "complaint": "complaints", "recall": "product_recall", "profile": "customer_profile",
         "alarm_contact": "alarm_contacts", "notice": "service_messages", "fraud": "fraud_prevention",
         "analytics": "analyses", "administration": "administration"}


def _key(concept: str, units: list[DraftPurpose]) -> str:
    base = _KEYS.get(concept, concept if concept != "other" else "purpose")
    taken = {u.key for u in units}
    key, n = base, 2
    while key in taken:
        key, n = f"{base}_{n}", n + 1
    return key


def find(notice: Notice) -> tuple[list[DraftPurpose], list[Sentence], list[Sentence]]:
    """The purposes, the sentences they were read from, and the sentences left for notice-wide statements."""
    units = Units()
    used: set[int] = set()
    sentences = notice.sentences
    if any(_SECTION.match(s.text) for s in sentences):
        _sections(sentences, units, used)
    rows = [i for i, s in enumerate(sentences) if _TABLE_ROW.match(s.text)]
    for i in rows:
        s = sentences[i]
        m = _TABLE_ROW.match(s.text)
        assert m is not None
        unit = units.open(m[1], s)
        unit.name = (m[1].strip(), unit.name[1] if unit.concept in CONCEPTS else "")
        _give_basis(unit, s, s.low)
        used.add(i)
    _lists(sentences, units, used)
    if not units.units:
        _prose(sentences, units, used)
    rest = [s for i, s in enumerate(sentences) if i not in used]
    return units.units, [sentences[i] for i in sorted(used)], rest


def _give_basis(unit: DraftPurpose, sentence: Sentence, low: str, *, sometimes: bool = False) -> None:
    found = bases(low)
    if not found:
        return
    conditional = re.search(r"\((?:når|hvis|dersom) [^)]*\)|when one exists", low)
    order = found
    if conditional and len(found) > 1 and _SOMETIMES.search(low):
        order = sorted(found, key=lambda b: b[0] < conditional.start() if conditional else False)
    for n, (_s, _e, article, words) in enumerate(order):
        basis = Basis(article, Source.of(sentence, words))
        if unit.basis is None and not sometimes and n == 0:
            unit.basis = basis
        elif all(b.article != article for b in [*( [unit.basis] if unit.basis else []), *unit.also]):
            unit.also.append(basis)


def _sections(sentences: list[Sentence], units: Units, used: set[int]) -> None:
    """``Formål:`` sections: the purpose runs until the next one or the next numbered heading."""
    current: DraftPurpose | None = None
    block = ""
    for i, s in enumerate(sentences):
        m = _SECTION.match(s.text)
        if m:
            text = m[1] or (sentences[i + 1].text if i + 1 < len(sentences) else "")
            first = s if m[1] else sentences[i + 1]
            kinds = [k for k in concepts(text.lower()) if k not in _GENERIC] or concepts(text.lower())
            current = units.open(text, first, kinds[0] if kinds else None)
            current.name = (text.strip(" .").removeprefix("Å ").removeprefix("å ").strip().capitalize()
                            if not m[1] or current.concept not in CONCEPTS else current.name[0], current.name[1])
            if current.concept not in CONCEPTS:
                current.name = (text.strip(" ."), "")
            block = "purpose"
            used.add(i)
            continue
        if current is None:
            continue
        if _NUMBERED_HEADING.match(s.text) and not _SECTION.match(s.text):
            current, block = None, ""
            continue
        used.add(i)
        if s.heading:
            low = s.low
            block = ("basis" if re.search(r"grunnlag|legal basis", low) else
                     "retention" if re.search(r"lagringstid|retention|how long", low) else
                     "categories" if re.search(r"kategori|categor", low) else "other")
            continue
        current.sources.append(Source.of(s))
        if block == "basis":
            _give_basis(current, s, s.low)
        elif block == "retention" and current.retention.value is None:
            found = _retention.read(s.low)
            _set_retention(current, s, found)


def _set_retention(unit: DraftPurpose, s: Sentence, found: object) -> None:
    if isinstance(found, _retention.Found):
        unit.retention.value = found.rule
        unit.retention.source = Source.of(s, found.evidence)
        unit.retention.question = None
        unit.events.update(found.events)
    elif isinstance(found, _retention.Vague):
        unit.retention.question = f"The notice says «{found.evidence}»: what is the period, and from when?"
        unit.retention.source = Source.of(s, found.evidence)


def _lists(sentences: list[Sentence], units: Units, used: set[int]) -> None:
    """List items under a heading that announces purposes; a later 'For å …' sentence with a kind of its own
    inside an item opens a purpose of its own."""
    intro = False
    intro_line = 0
    for i, s in enumerate(sentences):
        if i in used:
            continue
        if not s.item:
            if (s.heading or s.text.endswith(("?", ":"))) and _LIST_INTRO.search(s.low):
                intro, intro_line = True, s.line
            elif s.line != intro_line:
                intro = False
            continue
        if not intro:
            continue
        used.add(i)
        prev = sentences[i - 1]
        if prev.item and prev.line == s.line and units.units:
            unit = units.units[-1]
            kinds = concepts(s.low)
            if re.match(r"^(?:for å|in order to)", s.low) and kinds and kinds[0] != unit.concept \
                    and units.by_concept(kinds[0]) is None:
                units.open(s.text, s, kinds[0])
            else:
                unit.sources.append(Source.of(s))
                _give_basis(unit, s, s.low)
            continue
        _give_basis(units.open(s.text, s), s, s.low)


def _prose(sentences: list[Sentence], units: Units, used: set[int]) -> None:
    """Each sentence stating a basis, or what data is used for, opens a purpose of its kind or extends it."""
    last: DraftPurpose | None = None
    shared: DraftPurpose | None = None  # the purpose the last sentence about third parties names
    for i, s in enumerate(sentences):
        low = s.low
        kinds = concepts(low)
        found = bases(low)
        if re.search(r"tredjepart|third part", low) and kinds:
            shared = next((u for k in kinds if (u := units.by_concept(k)) is not None), shared)
        if found and (_SHARING_BASIS.search(low) or not kinds) and last is not None:
            target = shared if _SHARING_BASIS.search(low) and shared is not None else last
            _give_basis(target, s, low)
            target.sources.append(Source.of(s))
            used.add(i)
            continue
        if not kinds or not (found or _CUE.search(low)):
            continue
        unit = units.by_concept(kinds[0]) if kinds[0] not in _GENERIC else next(
            (u for k in kinds if (u := units.by_concept(k)) is not None), None)
        if unit is None:
            unit = units.open(s.text, s, kinds[0])
        else:
            unit.sources.append(Source.of(s))
        _give_basis(unit, s, low)
        used.add(i)
        last = unit
