"""Read a notice into a ``Draft``: the purposes with what the notice says of each, and the notice-wide parts.

Everything here is rules and dictionaries (``_lexicon.py``): deterministic, offline, no model. A value is only
set when words of the notice say it; the words are kept as the item's ``Source``. What the notice leaves open
is a question.
"""

from __future__ import annotations

import re
from pathlib import Path

from personvern.draft import _controller, _retention
from personvern.draft._items import Basis, Draft, DraftPurpose, Item, Source, todo
from personvern.draft._lexicon import ACCOUNTING, CATEGORIES, CHANNELS, CONCEPTS, NEGATION, SOURCES, STATUTES, SUBJECTS
from personvern.draft._purposes import _DEFAULT, _SOMETIMES, Units, bases, concepts, find
from personvern.draft._recipients import recipients
from personvern.draft._text import Notice, Sentence, read_notice

_OPT_OUT = re.compile(r"velge å ikke motta|reserver|stoppet|motsette seg|innvende mot|slippe direkte|avmeld|"
                      r"melde deg av|"
                      r"trekke tilbake (?:ditt )?samtykke|opt[- ]out|unsubscribe|object to")
_RIGHTS = re.compile(r"rett til|rett på|rettighet|right to|rights|klage til datatilsynet|complain")
_TRANSFER = re.compile(r"utenfor (?:eu|eøs)|outside the (?:eu|eea)|tredjeland|third countr")
_NEVER_SOLD = re.compile(r"(?:selger|selge) (?:aldri|ikke)|aldri selge|never sell|do not sell")
_SERVICE_MSG = re.compile(r"kan ikke anses som markedsføring|ikke markedsføring|not marketing|viktig informasjon før")


def draft_notice(path: str | Path, lang: str = "nb") -> Draft:
    """Read the notice at ``path`` and draft a policy from it."""
    return draft_from(read_notice(path), lang)


def draft_from(notice: Notice, lang: str = "nb") -> Draft:
    draft = Draft(notice=notice.path, lang=lang)
    units, _inside, rest = find(notice)
    holder = Units()
    holder.units = units
    _wide_bases(rest, holder, default_too=False)
    _statutes(notice, holder, draft)
    _retention_all(notice, rest, holder)
    _wide_bases(rest, holder, default_too=True)
    _marketing(notice, holder)
    _kinds_of_message(holder)
    _data(notice, holder, rest, draft)
    for unit in holder.units:
        if unit.basis is None:
            unit.basis_question = f"Hvilket behandlingsgrunnlag (art. 6 nr. 1 a–f) har «{unit.name[0]}»?"
        _basis_details(unit)
        for key, (nb, en) in unit.events.items():
            draft.events.setdefault(key, (nb, en, unit.retention.source or unit.sources[0]))
    draft.purposes = holder.units
    draft.recipients = recipients(notice, holder.units)
    draft.controller, draft.effective = _controller.controller(notice)
    _notice_wide(notice, draft)
    return draft


def _clauses(low: str) -> list[tuple[str, str, str]]:
    """(article, clause, lead) for each basis a sentence states. The clause runs from the previous statement (or
    the last ', men') to the next; ``lead`` is its part up to this statement, which says 'in some cases'."""
    found = bases(low)
    out = []
    for n, (start, end, article, _w) in enumerate(found):
        left = found[n - 1][1] if n else 0
        right = found[n + 1][0] if n + 1 < len(found) else len(low)
        cut = max(low.rfind(", men ", left, start), low.rfind(". ", left, start))
        stop = low.find(", men ", end, right)
        left = cut if cut > left else left
        out.append((article, low[left:stop if stop > 0 else right], low[left:end]))
    return out


def _wide_bases(rest: list[Sentence], units: Units, *, default_too: bool) -> None:
    """Bases stated apart from the purposes go to the purposes of the kind the clause names."""
    default: Basis | None = None
    for s in rest:
        previous: list[DraftPurpose] = []
        for article, clause, lead in _clauses(s.low):
            basis = Basis(article, Source.of(s, _basis_words(clause, article)))
            kinds = [k for k in concepts(clause) if k not in ("order", "contract")] or concepts(clause)
            if _DEFAULT.search(lead) or (not kinds and re.search(r"forpliktelser (?:mot|overfor) deg", clause)):
                default = default or basis
                continue
            sometimes = bool(_SOMETIMES.search(lead))
            matched = [u for u in units.units if u.concept in kinds or
                       (u.basis is None and set(concepts(u.text.lower())) & set(kinds))]
            if not kinds and sometimes:
                matched = previous
            if not matched and kinds and not sometimes and len(s.text) < 400:
                matched = [units.open(s.text, s, kinds[0])]
            for u in matched:
                basis = Basis(article, Source.of(s, _basis_words(clause, article)))  # one per purpose
                if sometimes:
                    if u.basis and all(b.article != article for b in [u.basis, *u.also]):
                        u.also.append(basis)
                elif u.basis is None:
                    u.basis = basis
            previous = matched
    for u in units.units:
        if default_too and u.basis is None and default is not None:
            d = default.source
            u.basis = Basis(default.article, Source(d.line, d.sentence, d.evidence,
                                                    "the notice gives this basis for most of its processing"))


def _basis_words(clause: str, article: str) -> str:
    for start, end, art, words in bases(clause):
        if art == article:
            return clause[start:end] if words else words
    return ""


def _retention_all(notice: Notice, rest: list[Sentence], units: Units) -> None:
    """Retention sentences inside a purpose set its rule; others go to the purpose of their kind; a rule for
    no kind of processing in particular is the notice's general rule for purposes without one."""
    general: tuple[Sentence, _retention.Found] | None = None
    for unit in list(units.units):
        found = next((f for src in unit.sources if isinstance(f := _retention.read(src.sentence.lower()),
                                                              _retention.Found)), None)
        src = next((x for x in unit.sources if _retention.read(x.sentence.lower()) == found), None)
        if unit.retention.value is None and found is not None and src is not None:
            _set(unit, Sentence(src.line, src.sentence), found)
    for s in rest:
        said = _retention.read(s.low)
        if isinstance(said, _retention.NotStored | _retention.Vague):
            _unstated(s, said, units)
        elif isinstance(said, _retention.Found):
            general = _place(s, said, units) or general
    for unit in units.units:
        if unit.retention.value is None and general is not None:
            _set(unit, general[0], general[1], derived="the notice's general retention rule")
        if unit.retention.value is None and unit.retention.question is None:
            unit.retention.question = f"Hvor lenge lagres opplysningene til «{unit.name[0]}», og fra når?"


def _unstated(s: Sentence, found: _retention.NotStored | _retention.Vague, units: Units) -> None:
    """'Not stored' is noted on its purpose; 'as long as necessary' becomes the question of purposes with none."""
    kinds = concepts(s.low)
    if isinstance(found, _retention.NotStored):
        unit = next((u for u in units.units if u.concept in kinds), None)
        if unit is not None:
            unit.notes.append(Source.of(s, found.evidence))
        return
    for u in units.units:
        if u.retention.value is None and u.retention.question is None:
            u.retention = Item(None, Source.of(s, found.evidence), f"Notice: «{found.evidence}». Hvor lenge lagres "
                               f"opplysningene til «{u.name[0]}», og fra når regnes tiden?")


def _place(s: Sentence, found: _retention.Found, units: Units) -> tuple[Sentence, _retention.Found] | None:
    """Give a rule to the purpose of its kind (opening one if needed); a rule of no kind is returned as general."""
    kinds = concepts(s.low)
    target = next((u for u in units.units if kinds and u.concept == kinds[0]), None)
    if target is None and kinds and kinds[0] not in ("order", "contract", "administration"):
        target = units.open(s.text, s, kinds[0])
    if target is None:
        return (s, found) if not kinds and re.search(r"opplysning|data|information", s.low) else None
    if target.retention.value is None:
        _set(target, s, found)
    return None


def _set(unit: DraftPurpose, s: Sentence, found: _retention.Found, derived: str | None = None) -> None:
    unit.retention = Item(found.rule, Source.of(s, found.evidence, derived))
    unit.events.update(found.events)


def _statutes(notice: Notice, units: Units, draft: Draft) -> None:
    """Statutes named; bookkeeping (bokføringsloven § 13) as its own purpose where the notice keeps accounts."""
    for s in notice.sentences:
        for pattern, law, _key in STATUTES:
            if m := re.search(pattern, s.low):
                draft.statutes.setdefault(law, Source.of(s, m[0]))
                unit = next((u for u in units.units if any(x.sentence == s.text for x in u.sources)), None)
                if unit is not None:
                    unit.statutes.setdefault(law, Source.of(s, m[0]))
    book = units.by_concept("invoicing") or next(
        (u for u in units.units if re.search(r"bokføring|regnskap", u.name[0].lower()) and u.basis and
         u.basis.article == "c"), None)
    evidence = next(((s, m[0]) for s in notice.sentences
                     if (m := re.search(r"bokføringslov|" + ACCOUNTING + r"|fakturer|faktura", s.low))), None)
    if evidence is None:
        return
    s, words = evidence
    if book is None:
        book = units.open(s.text, s, "invoicing")
    why = "bokføringsloven § 13 requires keeping invoices and vouchers" if "bokføring" not in words else None
    if book.basis is None or book.basis.article != "c":
        if book.basis is not None:
            book.also.append(book.basis)
        book.basis = Basis("c", Source.of(s, words, why or "the notice names bokføringsloven"))
    book.statutes.setdefault("bokføringsloven § 13", Source.of(s, words, why))
    stated = next((f for f in (_retention.read(x.sentence.lower()) for x in [Source.of(s), *book.sources])
                   if isinstance(f, _retention.Found)), None)
    if book.retention.value is None and stated is not None:
        _set(book, s, stated)
    if book.retention.value is None:
        anchor = "invoice.issued" if re.search(r"faktur|invoice", book.text.lower() + s.low) else "purchase.made"
        labels = ("fakturadatoen", "the invoice date") if anchor == "invoice.issued" else \
            ("kjøpsdatoen", "the date of purchase")
        book.retention = Item(f"bokforingsloven.primary after {anchor}",
                              Source.of(s, words, "bokføringsloven § 13: 5 years from the end of the accounting year"))
        book.events[anchor] = labels


def _marketing(notice: Notice, units: Units) -> None:
    """Channels and opt-outs of the marketing purpose; direct-marketing opt-outs open one if none is stated."""
    about = r"markedsfør|henvendelse|tilbud|nyhetsbrev|marketing"
    opt = [s for s in notice.sentences if _OPT_OUT.search(s.low) and re.search(about, s.low)]
    unit = units.by_concept("marketing")
    if unit is None and opt:
        unit = units.open(opt[0].text, opt[0], "marketing")
    if unit is None:
        return
    if opt:
        unit.opt_out = Source.of(opt[0], (m[0] if (m := _OPT_OUT.search(opt[0].low)) else ""))
    channel_text = [Sentence(x.line, x.sentence) for x in unit.sources] + [
        s for s in notice.sentences if re.search(r"direkte ?markedsføring|tilbud fra oss|kommunikasjonskanal", s.low)]
    for s in channel_text:
        for pattern, channel in CHANNELS:
            if (m := re.search(pattern, s.low)) and channel not in unit.channels:
                if channel == "phone" and not re.search(r"ringe|telemarketing|telefonsalg", s.low):
                    continue
                unit.channels[channel] = Source.of(s, m[0])


def _kinds_of_message(units: Units) -> None:
    """Service messages (not marketing) and profiling, where the notice says so."""
    for u in units.units:
        for src in u.sources:
            if _SERVICE_MSG.search(src.sentence.lower()) and u.concept != "marketing":
                u.transactional = src
        if u.concept == "analytics" or re.search(r"profilering|profiling", u.text.lower()):
            m = re.search(r"profilering|prisjuster|kundeanalyse|profiling", u.text.lower())
            if m:
                u.profiling = next(x for x in u.sources if m[0] in x.sentence.lower())
                u.profiling = Source(u.profiling.line, u.profiling.sentence, m[0])


def _data(notice: Notice, units: Units, rest: list[Sentence], draft: Draft) -> None:
    """Categories, subjects and sources of each purpose; a notice-wide list of data fills purposes without."""
    wide: dict[str, Source] = {}
    for s in rest:
        if not NEGATION.search(s.low) and (s.heading or re.search(r"opplysninger|informasjon|data|samler inn|"
                                                                  r"håndterer", s.low)):
            _categories(s, wide)
    customer = next((s for s in notice.sentences if re.search(r"\bkunde|\bcustomer", s.low)), None)
    for u in units.units:
        for src in u.sources:
            _data_of(u, Sentence(src.line, src.sentence))
        if not u.categories:
            u.categories = dict(wide)
        if u.concept == "alarm_contact":
            u.subjects = {"alarm_contact": u.sources[0]}
            draft.subjects["alarm_contact"] = ("alarmkontakter som kunden har oppgitt", "alarm contacts named by "
                                               "the customer", u.sources[0])
        if "job_applicant" in u.subjects:
            u.subjects = {"job_applicant": u.subjects["job_applicant"]}
        if not u.subjects and customer is not None:
            u.subjects["customer"] = Source.of(customer, "kunde", "the notice speaks of its customers")


def _data_of(u: DraftPurpose, s: Sentence) -> None:
    if not NEGATION.search(s.low):
        _categories(s, u.categories)
    for pattern, key in SUBJECTS:
        if (m := re.search(pattern, s.low)) and key not in u.subjects:
            u.subjects[key] = Source.of(s, m[0])
    for pattern, key in SOURCES:
        if (m := re.search(pattern, s.low)) and key not in u.data_sources:
            u.data_sources[key] = Source.of(s, m[0])


def _categories(s: Sentence, into: dict[str, Source]) -> None:
    low = s.low
    taken: list[tuple[int, int]] = []
    for pattern, key in CATEGORIES:
        for m in re.finditer(pattern, low):
            if any(a <= m.start() < b for a, b in taken):
                continue
            taken.append((m.start(), m.end()))
            into.setdefault(key, Source.of(s, m[0]))


# Bases a notice often claims and the law does not give (../shared/LEGAL.md, EDPB Guidelines 2/2019): the draft
# proposes legitimate interest (f), traced to the same sentence, and asks for the interest.
_NOT_THAT_BASIS = {
    ("complaint", "c"): "forbrukerkjøpsloven § 27 er en frist for å reklamere, ikke en plikt til å lagre: hvilken "
                        "berettiget interesse har «{name}» (for eksempel å behandle reklamasjonen og dokumentere den "
                        "ved tvist så lenge det kan reklameres)?",
    ("analytics", "b"): "Analyser og statistikk er ikke nødvendige for å oppfylle avtalen (EDPB Guidelines 2/2019): "
                        "hvilken berettiget interesse har «{name}», og hvordan er den avveid mot kundens?",
}


def _basis_details(unit: DraftPurpose) -> None:
    """What each basis needs (contract, law, interest, consent): from the notice's words, else a question."""
    wrong = unit.basis is not None and _NOT_THAT_BASIS.get((unit.concept, unit.basis.article))
    if unit.basis is not None and wrong:
        unit.basis = Basis("f", unit.basis.source, {"interest": todo(wrong.format(name=unit.name[0]))})
        return _basis_details_of(unit, [*unit.also])
    return _basis_details_of(unit, [unit.basis, *unit.also])


def _basis_details_of(unit: DraftPurpose, bases: list[Basis | None]) -> None:
    for basis in bases:
        if basis is None:
            continue
        src = basis.source
        low = src.sentence.lower()
        if basis.article == "b":
            text = unit.text.lower()
            pattern = r"\b(kjøpsavtalen|medlemsavtalen|kundeavtalen|avtaler med deg|the (?:purchase )?contract)"
            m = re.search(pattern, low)
            where = src if m else next((x for x in unit.sources if re.search(pattern, x.sentence.lower())), None)
            m = m or re.search(pattern, text)
            basis.detail["contract"] = Item((m[1], ""), Source(where.line, where.sentence, m[1])) \
                if m and where else todo(f"Hvilken avtale gjelder «{unit.name[0]}»?")
        elif basis.article == "c":
            laws = list(unit.statutes.items())
            basis.detail["law"] = Item(", ".join(k for k, _v in laws), laws[0][1]) if laws else todo(
                f"Hvilken lov og paragraf pålegger behandlingen «{unit.name[0]}»?")
            book = unit.statutes.get("bokføringsloven § 13")
            if book is not None and str(unit.retention.value).startswith("bokforingsloven.primary"):
                basis.detail["statute"] = Item("bokforingsloven.primary", book)
        elif basis.article == "f":
            m = re.search(r"interesse (?:i|er|av|for) (å [^.,;]+)", low)
            basis.detail["interest"] = Item((m[1], ""), Source(src.line, src.sentence, m[1])) if m else todo(
                f"Hvilken berettiget interesse forfølges med «{unit.name[0]}»?")
        elif basis.article == "a":
            stop = r"trekke (?:tilbake )?(?:ditt )?samtykke|withdraw|melde deg av|unsubscribe"
            withdraw = next((x for x in unit.sources if re.search(stop,
                                                                  x.sentence.lower())), None)
            basis.detail["given"] = todo(f"Hvordan gis samtykket til «{unit.name[0]}»?")
            basis.detail["withdrawn"] = Item((withdraw.sentence, ""), withdraw) if withdraw else todo(
                f"Hvordan trekkes samtykket til «{unit.name[0]}» tilbake (like enkelt som det gis)?")
        elif basis.article == "d":
            basis.detail["vital_interests_of"] = todo(f"Hvem sine vitale interesser beskytter «{unit.name[0]}»?")
        elif basis.article == "e":
            basis.detail["public_task"] = todo(f"Hvilken offentlig oppgave, med hjemmel i lov, gjelder "
                                               f"«{unit.name[0]}»?")


def _notice_wide(notice: Notice, draft: Draft) -> None:
    for s in notice.sentences:
        low = s.low
        if _RIGHTS.search(low) and not s.heading:
            draft.rights.append(Source.of(s))
        if _TRANSFER.search(low):
            draft.transfers.append(Source.of(s, m[0] if (m := _TRANSFER.search(low)) else ""))
        if m := _NEVER_SOLD.search(low):
            draft.statements.append(("never sold", Source.of(s, m[0])))
    if draft.transfers:
        draft.open_questions.append(("Notisen nevner overføring ut av EU/EØS: hvilken mottaker, hvilket land og "
                                     "hvilket overføringsgrunnlag (art. 44–49)?", draft.transfers[0]))
    _ = CONCEPTS
