"""What a draft is made of: items that carry their value and where in the notice it came from, or a question."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from personvern.draft._text import Sentence


@dataclass(frozen=True)
class Source:
    """Where an item came from: the notice line, the sentence, and the words the value was read from."""

    line: int
    sentence: str
    evidence: str = ""
    derived: str | None = None  # the rule that turned the words into the value, when it is not literal

    @classmethod
    def of(cls, sentence: Sentence, evidence: str = "", derived: str | None = None) -> Source:
        return cls(sentence.line, sentence.text, evidence, derived)


@dataclass
class Item:
    """One value of the draft: either known (``value`` with ``source``) or open (``question``)."""

    value: Any = None
    source: Source | None = None
    question: str | None = None

    @property
    def open(self) -> bool:
        return self.question is not None


def todo(question: str) -> Item:
    return Item(question=question)


def known(value: Any, source: Source) -> Item:
    return Item(value, source)


@dataclass
class Basis:
    article: str
    source: Source
    detail: dict[str, Item] = field(default_factory=dict)  # contract, interest, law, statute, consent, ...


@dataclass
class DraftPurpose:
    key: str
    concept: str
    name: tuple[str, str]
    sources: list[Source]
    basis: Basis | None = None
    basis_question: str = ""
    also: list[Basis] = field(default_factory=list)
    categories: dict[str, Source] = field(default_factory=dict)
    subjects: dict[str, Source] = field(default_factory=dict)
    data_sources: dict[str, Source] = field(default_factory=dict)
    retention: Item = field(default_factory=Item)
    channels: dict[str, Source] = field(default_factory=dict)
    opt_out: Source | None = None
    transactional: Source | None = None
    profiling: Source | None = None
    statutes: dict[str, Source] = field(default_factory=dict)  # law as cited -> where
    notes: list[Source] = field(default_factory=list)
    events: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return " ".join(s.sentence for s in self.sources)


@dataclass
class DraftRecipient:
    key: str
    name: tuple[str, str]
    role: str
    source: Source
    purposes: list[str] = field(default_factory=list)
    condition: Source | None = None
    question: str = ""


@dataclass
class Draft:
    """Everything read from one notice. ``render`` turns it into a policy file."""

    notice: str
    lang: str
    controller: dict[str, Item] = field(default_factory=dict)
    effective: Item = field(default_factory=Item)
    purposes: list[DraftPurpose] = field(default_factory=list)
    recipients: list[DraftRecipient] = field(default_factory=list)
    events: dict[str, tuple[str, str, Source]] = field(default_factory=dict)
    subjects: dict[str, tuple[str, str, Source]] = field(default_factory=dict)
    statutes: dict[str, Source] = field(default_factory=dict)
    transfers: list[Source] = field(default_factory=list)
    rights: list[Source] = field(default_factory=list)
    statements: list[tuple[str, Source]] = field(default_factory=list)  # (kind, source) with no field of their own
    open_questions: list[tuple[str, Source | None]] = field(default_factory=list)

    def items(self) -> list[tuple[str, Item]]:
        """Every item with a value or a question, named by where it sits (for counting and tracing)."""
        found: list[tuple[str, Item]] = [(f"controller.{k}", v) for k, v in self.controller.items()]
        found.append(("policy.effective", self.effective))
        for p in self.purposes:
            found.append((f"purposes[{p.key}].retention", p.retention))
            for b in [p.basis, *p.also]:
                if b is not None:
                    found.append((f"purposes[{p.key}].legal_basis", Item(b.article, b.source)))
                    found += [(f"purposes[{p.key}].legal_basis.{k}", v) for k, v in b.detail.items()]
            found += [(f"purposes[{p.key}].categories", Item(c, s)) for c, s in p.categories.items()]
            found += [(f"purposes[{p.key}].marketing.channels", Item(c, s)) for c, s in p.channels.items()]
        for r in self.recipients:
            found.append((f"recipients[{r.key}]", Item(r.role, r.source)))
        return found
