"""Write a ``Draft`` as a policy file: every item with a comment saying where in the notice it came from.

Each purpose opens with the notice's sentences it was read from (``# L12: "…"``); each item carries the line and
the words its value was read from (``# L12 «36 måneder»``), and ``derived:`` where a rule turned the words into
the value. What the notice leaves open is written ``{todo: "question"}``: the loader accepts it, ``personvern
check`` lists it as a warning with its line, and ``check --strict`` fails until it is answered.
"""

from __future__ import annotations

import json
import textwrap
from typing import Any

from personvern.draft._items import Basis, Draft, DraftPurpose, Item, Source
from personvern.draft._lexicon import STATUTES

_EN = {"kjøpsavtalen": "the purchase contract", "medlemsavtalen": "the membership agreement",
       "kundeavtalen": "the customer agreement", "avtaler med deg": "our contracts with you"}


def q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _todo(question: str) -> str:
    return "{todo: " + q(question) + "}"


def _where(src: Source | None) -> str:
    if src is None:
        return ""
    words = f" «{src.evidence}»" if src.evidence else ""
    derived = f"; derived: {src.derived}" if src.derived else ""
    return f"  # L{src.line}{words}{derived}"


def _said(src: Source, indent: str) -> list[str]:
    """The sentence as a comment block, wrapped."""
    body = textwrap.wrap(f'L{src.line}: "{src.sentence}"', 112 - len(indent), break_long_words=False,
                         break_on_hyphens=False)
    return [f"{indent}# {body[0]}", *(f"{indent}#   {b}" for b in body[1:])]


def _quote(text: str, lang: str, what: str) -> str:
    """A text quoted from the notice, in the notice's language; the other language is asked for."""
    if lang == "en":
        return "{nb: " + _todo(f"{what}: på norsk (bokmål)?") + ", en: " + q(text) + "}"
    return _text(text, "", f"{what} in English?")


def _text(nb: str, en: str, question_en: str) -> str:
    return "{nb: " + q(nb) + ", en: " + (q(en) if en else _todo(question_en)) + "}"


def render(draft: Draft) -> str:
    out: list[str] = [
        f"# Draft policy written by `personvern draft` from {draft.notice}.",
        "# Check every item against the notice before you rely on it. Each purpose opens with the notice's",
        "# sentences it was read from (# L<line>: \"…\"); each item says the line and the words its value was read",
        "# from (# L<line> «words»), and 'derived:' where a rule (a statute, a default) turned words into the value.",
        "# {todo: \"…\"} marks what the notice leaves open: `personvern check` lists each one as a warning with its",
        "# line, and `personvern check --strict` fails until every one is answered.",
        "personvern: 1",
        "",
    ]
    out += _controller(draft)
    out += _meta(draft)
    if draft.subjects:
        out.append("subjects:")
        for key, (nb, en, src) in draft.subjects.items():
            out.append(f"  {key}: {_text(nb, en, '')}{_where(src)}")
        out.append("")
    if draft.events:
        out.append("events:")
        for key, (nb, en, src) in sorted(draft.events.items()):
            out.append(f"  {key}: {_text(nb, en, '')}{_where(src)}")
        out.append("")
    out.append("purposes:")
    for p in draft.purposes:
        out += _purpose(p, draft.lang)
    if draft.recipients:
        out += ["", "recipients:"]
        for r in draft.recipients:
            out += _said(r.source, "  ")
            out.append(f"  - key: {r.key}{_where(r.source)}")
            out.append(f"    name: {_text(r.name[0], r.name[1], '')}{_where(r.source)}")
            out.append(f"    role: {r.role}{_where(r.source)}")
            if r.purposes and not r.question:
                out.append(f"    purposes: [{', '.join(r.purposes)}]  # the purposes the sentence names")
            else:
                ask = r.question or f"Hvilke formål får «{r.name[0]}» opplysninger fra?"
                out.append(f"    purposes: [{_todo(ask)}]")
            out.append(f"    categories: [{_todo('Hvilke opplysninger får ' + r.name[0].lower() + '?')}]")
            if r.condition is not None:
                out.append(f"    condition: {_quote(r.condition.sentence, draft.lang, 'The condition')}"
                           f"{_where(r.condition)}")
        out.append("")
    out += _notice_wide(draft)
    return "\n".join(out).rstrip() + "\n"


def _controller(draft: Draft) -> list[str]:
    lines = ["controller:"]
    for field in ("name", "orgnr", "address", "email", "phone"):
        item = draft.controller.get(field)
        if item is None:
            continue
        if item.open:
            lines.append(f"  {field}: {_todo(item.question or '')}")
        elif field == "address":
            v = item.value
            lines.append(f"  address: {{street: {q(v['street'])}, postcode: {q(v['postcode'])}, city: {q(v['city'])}}}"
                         f"{_where(item.source)}")
        else:
            lines.append(f"  {field}: {q(str(item.value))}{_where(item.source)}")
    return [*lines, ""]


def _meta(draft: Draft) -> list[str]:
    e = draft.effective
    if e.open:
        return ["policy:", f"  version: {_todo('Hvilken versjon er dette (f.eks. 2025-01)?')}",
                f"  effective: {_todo(e.question or '')}", ""]
    return ["policy:", f"  version: {q(str(e.value))}{_where(e.source)}", f"  effective: {e.value}{_where(e.source)}",
            ""]


def _purpose(p: DraftPurpose, lang: str) -> list[str]:
    lines: list[str] = [""]
    seen: set[tuple[int, str]] = set()
    for src in p.sources:
        if (src.line, src.sentence) not in seen:
            seen.add((src.line, src.sentence))
            lines += _said(src, "  ")
    first = p.sources[0]
    lines.append(f"  - key: {p.key}")
    name = _text(p.name[0], p.name[1], "") if p.name[1] else _quote(p.name[0], lang, "The name")
    lines.append(f"    name: {name}{_where(first)}")
    description = " ".join(s.sentence for s in p.sources[:2])
    lines.append(f"    description: {_quote(description, lang, 'The description')}  # L{first.line}")
    if p.basis is None:
        lines.append(f"    legal_basis: {_todo(p.basis_question)}")
    else:
        lines += _basis(p.basis, "    legal_basis:", "      ", lang)
    if p.also:
        lines.append("    also_based_on:")
        for b in p.also:
            lines += _basis(b, "      -", "        ", lang, inline_first=True)
    lines += _keyed("categories", p.categories, "Hvilke opplysninger brukes til «" + p.name[0] + "»?")
    lines += _keyed("subjects", p.subjects, "Hvem gjelder opplysningene til «" + p.name[0] + "»?")
    if p.data_sources:
        lines += _keyed("sources", {"subject": None, **p.data_sources}, "")
    lines += _retention(p.retention)
    lines += _flags(p)
    return lines


def _retention(r: Item) -> list[str]:
    lines: list[str] = []
    if r.open:
        lines.append(f"    retention: {_todo(r.question or '')}{_where(r.source)}")
    elif isinstance(r.value, dict):
        lines.append(f"    retention:{_where(r.source)}")
        for form, rules in r.value.items():
            lines.append(f"      {form}:")
            lines += [f"        - {rule}{_where(r.source)}" for rule in rules]
    else:
        lines.append(f"    retention: {r.value}{_where(r.source)}")
    return lines


def _flags(p: DraftPurpose) -> list[str]:
    lines: list[str] = []
    if p.concept == "marketing":
        if p.channels:
            lines += ["    marketing:", "      channels:"]
            lines += [f"        - {c}{_where(s)}" for c, s in p.channels.items()]
        else:
            ask = _todo("Hvilke kanaler brukes: e-post, SMS, post, telefon?")
            lines.append(f"    marketing: {{channels: [{ask}]}}")
        if p.opt_out is not None:
            lines.append(f"    # opt-out stated{_where(p.opt_out).replace('  #', '')}")
    if p.transactional is not None:
        lines.append(f"    transactional: true{_where(p.transactional)}")
    if p.profiling is not None:
        lines.append(f"    profiling: true{_where(p.profiling)}")
    for law, src in p.statutes.items():
        lines.append(f"    # statute named: {law}{_where(src).replace('  #', '')}")
    for src in p.notes:
        lines.append(f"    # the notice says{_where(src).replace('  #', '')}")
    return lines


def _basis(b: Basis, head: str, indent: str, lang: str, inline_first: bool = False) -> list[str]:
    lines = [f"{head} " + f"article: {b.article}{_where(b.source)}" if inline_first else head]
    if not inline_first:
        lines.append(f"{indent}article: {b.article}{_where(b.source)}")
    for key, item in b.detail.items():
        lines.append(f"{indent}{key}: {_detail(key, item, lang)}{_where(item.source)}")
    if "given" in b.detail:  # consent: given and withdrawn are one mapping in the file
        given, withdrawn = b.detail["given"], b.detail["withdrawn"]
        lines = lines[: len(lines) - 2]
        lines.append(f"{indent}consent:")
        lines.append(f"{indent}  given: {_detail('given', given, lang)}{_where(given.source)}")
        lines.append(f"{indent}  withdrawn: {_detail('withdrawn', withdrawn, lang)}{_where(withdrawn.source)}")
    return lines


def _detail(key: str, item: Item, lang: str) -> str:
    if item.open:
        return _todo(item.question or "")
    if key in ("law", "statute"):
        return q(str(item.value))
    nb, en = item.value if isinstance(item.value, tuple) else (str(item.value), "")
    if lang == "en":
        return _quote(nb, lang, f"«{nb}»")
    return _text(nb, en or _EN.get(nb, ""), f"«{nb}» in English?")


def _keyed(field: str, values: dict[str, Any], question: str) -> list[str]:
    if not values:
        return [f"    {field}: [{_todo(question)}]"]
    lines = [f"    {field}:"]
    for key, src in values.items():
        lines.append(f"      - {key}{_where(src) if isinstance(src, Source) else '  # the person themselves'}")
    return lines


def _notice_wide(draft: Draft) -> list[str]:
    lines: list[str] = []
    if draft.open_questions:
        lines.append("todo:  # open questions with no field of their own")
        for question, src in draft.open_questions:
            lines.append(f"  - {q(question)}{_where(src)}")
        lines.append("")
    if draft.statutes:
        lines.append("# Statutes the notice names (matched to the statutory catalogue where it has them):")
        keys = {law: key for _pattern, law, key in STATUTES}
        lines += [f"#   {law}" + (f" (catalogue: {keys[law]})" if keys.get(law) else " (not in the catalogue)")
                  + _where(src).replace("  #", " —") for law, src in draft.statutes.items()]
    if draft.rights:
        lines.append("# Rights the notice states (Art. 15-22 are the engine's workflows; no field is needed):")
        lines += [f"#   L{s.line}: {s.sentence[:150]}" for s in draft.rights]
    for kind, src in draft.statements:
        lines.append(f"# The notice says ({kind}):{_where(src).replace('  #', '')}")
    return lines
