"""Retention sentences in Norwegian and English prose, read into the policy's retention grammar.

    "i 36 måneder etter kjøpet"                       -> 36 months after purchase.made
    "5 år etter utgangen av regnskapsåret"            -> 5 years after end of year of <anchor>
    "Til saken er avsluttet, men minst 30 dager"      -> until case.closed, at least 30 days
    "Fra innsamling til 36 måneder etter"             -> 36 months after collection
    "lagres i tre år"                                 -> 3 years after collection
    "så lenge du er kunde hos oss"                    -> until customer.relationship_ended
    "så lenge som nødvendig"                          -> vague: the draft asks instead of guessing
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from personvern.draft._lexicon import EVENTS, NUMBER, NUMBER_WORDS, UNIT, UNITS

_KEEP = r"(?:lagre[sr]?|lagrer|oppbevare[sr]?|spare[sr]|beholde[rs]?|slette[sr]?|kept|stored|retained|keep|delete)"
_PERIOD = re.compile(NUMBER + r"\s+" + UNIT + r"\b")
_UNTIL = re.compile(r"(?:^|\b)(?:til|until)\s+((?:(?!\btil\b).){3,60}?)\s+(?:er\s+)?"
                    r"(?:avsluttet|avsluttes|fullført|fullføres|"
                    r"opphører|utløper|ends?|is closed|is complete|pågår)\b")
_ONGOING = re.compile(r"^(?:tiden|the time)\s+(.{3,60}?)\s+(?:pågår|lasts|runs)")
_MINIMUM = re.compile(r"(?:minimum|minst|at least|no less than)\s+" + NUMBER + r"\s+" + UNIT)
_AS_LONG_CUSTOMER = re.compile(r"så lenge (?:du er |du har et aktivt )?(?:kunde|kundeforhold)|"
                               r"as long as you (?:are|remain) (?:a )?customer")
_VAGUE = re.compile(r"så lenge (?:som )?(?:nødvendig|det er nødvendig|hensiktsmessig)|lenger enn hva som er "
                    r"hensiktsmessig|as long as (?:necessary|needed)|no longer than necessary")
_NOT_STORED = re.compile(r"\b(?:lagres|oppbevares|tas opp) ikke\b|not (?:stored|recorded|kept)")
_END_OF_YEAR = re.compile(r"utgangen av (?:regnskaps|kalender)?året|regnskapsårets slutt|end of the (?:financial |"
                          r"accounting |calendar )?year")


_ENDED = ("kundeforholdet er avsluttet", "the customer relationship has ended")


@dataclass
class Found:
    """A retention rule read from one sentence, with the words it was read from and any events it needs."""

    rule: Any  # a sentence of the grammar, or a mapping (later_of)
    evidence: str
    events: dict[str, tuple[str, str]] = field(default_factory=dict)


@dataclass
class Vague:
    """A sentence that speaks of retention without a period: the draft turns it into a question."""

    evidence: str


@dataclass
class NotStored:
    evidence: str


def number(word: str) -> int:
    return int(word) if word.isdigit() else NUMBER_WORDS[word]


def period(n: str, unit: str) -> str:
    count = number(n)
    name = UNITS[unit]
    return f"{count} {name[:-1] if count == 1 else name}"


def event(text: str) -> tuple[str, str, str] | None:
    for pattern, key, nb, en in EVENTS:
        if re.search(pattern, text):
            return key, nb, en
    return None


def read(low: str) -> Found | Vague | NotStored | None:
    """The retention rule a lower-cased sentence states, if any."""
    if _NOT_STORED.search(low):
        m = _NOT_STORED.search(low)
        assert m is not None
        return NotStored(m[0])
    minimum = _MINIMUM.search(low)
    at_least = f", at least {period(minimum[1], minimum[2])}" if minimum else ""
    if (m := _UNTIL.search(low)) or (m := _ONGOING.search(low)):
        ev = event(m[0])
        later = _PERIOD.search(low[m.end():])
        if ev and later and re.search(r"\better\b|\bafter\b|\bthereafter\b", low[m.end():]) and not minimum:
            # "Til kjøpet er fullført ..., og 36 måneder etter" counts the period from that event.
            return Found(f"{period(later[1], later[2])} after {ev[0]}", f"{m[0]} … {later[0]} etter",
                         {ev[0]: (ev[1], ev[2])})
        if ev:
            return Found(f"until {ev[0]}{at_least}", m[0] + (f" … {minimum[0]}" if minimum else ""),
                         {ev[0]: (ev[1], ev[2])})
    if re.search(r"fra innsamling|from collection", low) and (p := _PERIOD.search(low)):
        return Found(f"{period(p[1], p[2])} after collection", f"fra innsamling til {p[0]}")
    return _period_rule(low)


def _period_rule(low: str) -> Found | Vague | None:
    p = _PERIOD.search(low)
    if p and re.search(r"før det har gått|before \S+ (?:years|months) have passed", low):
        p = None
    customer = _AS_LONG_CUSTOMER.search(low)
    if p and re.search(_KEEP + r"|\bansvar\b|\bi inntil\b", low) and not re.search(r"under " + _PERIOD.pattern, low):
        rest = low[p.end():]
        anchor = re.match(r"\s*(?:etter|fra|from|after|regnet fra|counted from)\s+(.{0,60})", rest)
        rule: str
        events: dict[str, tuple[str, str]] = {}
        if anchor and _END_OF_YEAR.search(anchor[1]):
            ev = event(low)
            if ev is None or ev[0] == "purchase.completed":
                ev = ev or ("invoice.issued", "fakturadatoen", "the invoice date")
            rule = f"{period(p[1], p[2])} after end of year of {ev[0]}"
            events[ev[0]] = (ev[1], ev[2])
        elif anchor and (ev := event(anchor[1])):
            rule = f"{period(p[1], p[2])} after {ev[0]}"
            events[ev[0]] = (ev[1], ev[2])
        elif anchor is None or re.match(r"\s*(?:innsamling|collection)", rest):
            rule = f"{period(p[1], p[2])} after collection"
        else:
            return None
        if customer and re.search(r"\beller\b|\bor\b", low[min(p.end(), customer.start()):]):
            events["customer.relationship_ended"] = _ENDED
            return Found({"later_of": [rule, "until customer.relationship_ended"]}, f"{p[0]} … {customer[0]}",
                         events)
        return Found(rule, p[0], events)
    if customer:
        return Found("until customer.relationship_ended", customer[0], {"customer.relationship_ended": _ENDED})
    if (v := _VAGUE.search(low)) and re.search(_KEEP, low):
        return Vague(v[0])
    return None
