"""Retention rules and legal bases in plain words, in Norwegian bokmål and English.

The notice, the record of processing and the policy diff all describe a rule with the same sentence, so the
sentence a customer reads is the one the engine enforces::

    36 months after purchase.completed          "36 måneder etter at kjøpet er fullført (levert og betalt)"
    until case.closed, at least 30 days         "til saken er avsluttet, men minst 30 dager"
    bokforingsloven.primary after order.placed  "5 år fra utgangen av regnskapsåret (bokføringsloven § 13 …)"

An event's phrase comes from the policy's ``events`` labels. A label may be a clause ("saken er avsluttet")
or a noun phrase ("kjøpsdatoen"); Norwegian needs "etter at" before a clause and "etter" before a noun.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from babel import Locale
from babel.dates import format_date
from babel.lists import format_list

from personvern.policy import taxonomy
from personvern.policy.model import Label, LegalBasis, Policy, SpecialCondition
from personvern.policy.retention import (
    After,
    ByCategory,
    EarlierOf,
    LaterOf,
    Retention,
    Statute,
    Until,
    UntilAsked,
    WithConsent,
)
from personvern.policy.statutes import STATUTES

__all__ = [
    "after_event",
    "article_ref",
    "babel_locale",
    "basis_name",
    "country_name",
    "describe_basis",
    "describe_period",
    "describe_retention",
    "describe_rule",
    "describe_special_condition",
    "event_phrase",
    "join",
    "labels",
    "long_date",
    "quoted",
]

_UNITS: dict[str, dict[str, tuple[str, str]]] = {
    "nb": {
        "year": ("år", "år"),
        "month": ("måned", "måneder"),
        "week": ("uke", "uker"),
        "day": ("dag", "dager"),
    },
    "en": {
        "year": ("year", "years"),
        "month": ("month", "months"),
        "week": ("week", "weeks"),
        "day": ("day", "days"),
    },
}
_PART = re.compile(r"(\d+)\s*(year|month|week|day)s?")

# Built-in anchors (policy/retention.py BUILTIN_ANCHORS); (phrase, is_clause)
_BUILTIN: dict[str, dict[str, tuple[str, bool]]] = {
    "collection": {"nb": ("opplysningene ble samlet inn", True), "en": ("the data was collected", True)},
    "last_activity": {
        "nb": ("siste aktivitet (kjøp, innlogging eller betaling)", False),
        "en": ("your last activity (purchase, login or payment)", False),
    },
}
# A Norwegian label is a clause when it has a finite verb: "saken er avsluttet", "kunden sier opp".
_NB_VERB = re.compile(
    r"\b(er|var|har|hadde|blir|ble|kan|skal|får|fikk|avsluttes|avsluttet|slutter|opphører|utløper|ender|"
    r"sier|trekker|trer|gis|gjøres|sendes|leveres|betales|melder|flytter|overtok|overtar)\b"
)

_BASIS_NAMES: dict[str, dict[str, str]] = {
    "a": {"nb": "samtykke", "en": "consent"},
    "b": {"nb": "avtale", "en": "contract"},
    "c": {"nb": "rettslig forpliktelse", "en": "legal obligation"},
    "d": {"nb": "vern av vitale interesser", "en": "vital interests"},
    "e": {
        "nb": "allmennhetens interesse eller offentlig myndighet",
        "en": "public interest or official authority",
    },
    "f": {"nb": "berettiget interesse", "en": "legitimate interest"},
}

# The conditions of Art. 9(2) GDPR that lift the prohibition of Art. 9(1)
_ART9: dict[str, dict[str, str]] = {
    "a": {"nb": "uttrykkelig samtykke", "en": "explicit consent"},
    "b": {"nb": "plikter og rettigheter etter arbeids- og trygderetten", "en": "obligations and rights under "
          "employment and social security law"},
    "c": {"nb": "vitale interesser når den registrerte ikke kan samtykke", "en": "vital interests where the "
          "data subject cannot give consent"},
    "d": {"nb": "stiftelse, sammenslutning eller annet ideelt organ", "en": "a foundation, association or other "
          "not-for-profit body"},
    "e": {"nb": "opplysninger den registrerte selv har offentliggjort", "en": "data manifestly made public by "
          "the data subject"},
    "f": {"nb": "rettskrav", "en": "legal claims"},
    "g": {"nb": "viktige allmenne interesser", "en": "substantial public interest"},
    "h": {"nb": "forebyggende medisin, arbeidsmedisin, helse- eller sosialtjenester", "en": "preventive or "
          "occupational medicine, health or social care"},
    "i": {"nb": "folkehelse", "en": "public health"},
    "j": {"nb": "arkiv, forskning eller statistikk", "en": "archiving, research or statistics"},
}

_THEN: dict[str, dict[str, str]] = {
    "reduce": {
        "nb": "deretter anonymiseres opplysningene, bare {keep} beholdes",
        "en": "then the data is anonymised and only {keep} is kept",
    },
    "review": {
        "nb": "deretter vurderer vi om opplysningene fortsatt trengs, og sletter dem hvis ikke",
        "en": "then we review whether the data is still needed, and delete it if not",
    },
    "hand_over": {
        "nb": "deretter overleveres opplysningene til {archive} og slettes hos oss",
        "en": "then the data is handed over to {archive} and deleted from our systems",
    },
}

# Sources that mean the data came from the subject (Art. 13, and what Art. 20 portability covers).
FROM_SUBJECT = frozenset({"subject", "email", "phone", "web_form", "device"})


def babel_locale(lang: str) -> str:
    """The babel locale for a notice language: British English reads naturally to European readers."""
    return "en_GB" if lang == "en" else "nb_NO"


def join(items: list[str], lang: str, style: Literal["standard", "or"] = "standard") -> str:
    """``a, b og c`` / ``a, b and c``; ``style='or'`` gives ``a eller b``."""
    if any(", " in item for item in items):  # items that hold commas themselves: separate by semicolons
        return "; ".join(items)
    return format_list(list(items), style=style, locale=babel_locale(lang)) if items else ""


def quoted(name: str, lang: str) -> str:
    """A name inside running text: «Kundeprofil» / “Customer profile”."""
    return f"“{name}”" if lang == "en" else f"«{name}»"


def long_date(value: Any, lang: str) -> str:
    return format_date(value, format="long", locale=babel_locale(lang))


def country_name(code: str, lang: str) -> str:
    return str(Locale.parse(babel_locale(lang)).territories.get(code, code))


def describe_period(text: str, lang: str) -> str:
    """``'36 months'`` -> ``36 måneder``; ``'3 years 6 months'`` -> ``3 år og 6 måneder``.

    Parsed from the period as written, since ``relativedelta`` normalises 36 months to 3 years.
    """
    words = _UNITS[_lang(lang)]
    parts = [f"{n} {words[unit][0 if int(n) == 1 else 1]}" for n, unit in _PART.findall(str(text))]
    return join(parts, lang)


def describe_retention(retention: Retention | Any, policy: Policy, lang: str) -> str:
    """A retention rule, its reason, and what happens when it ends unless that is plain deletion."""
    rule = retention.rule if isinstance(retention, Retention) else retention
    text = describe_rule(rule, policy, lang)
    if isinstance(retention, Retention) and retention.reason is not None:
        text += f" ({retention.reason(lang).strip().rstrip('.')})"
    if not isinstance(retention, Retention) or retention.then == "delete":
        return text
    keep = labels(taxonomy.categories(policy), retention.keep, lang)
    action = _THEN[retention.then][_lang(lang)].format(keep=join(keep, lang), archive=retention.archive or "")
    return f"{text}; {action}"


def describe_rule(rule: Any, policy: Policy, lang: str) -> str:
    """The rule alone, without its end action."""
    lang = _lang(lang)
    if isinstance(rule, After | Until | Statute) and (rule.optional or rule.default):
        return _waiting(rule, policy, lang)
    if isinstance(rule, After):
        return _after(rule, policy, lang)
    if isinstance(rule, Until):
        text = f"{'til' if lang == 'nb' else 'until'} {_event(rule.until, policy, lang)[0]}"
        if rule.at_least is not None:
            at_least = "men minst" if lang == "nb" else "but at least"
            text += f", {at_least} {describe_period(rule.at_least.text, lang)}"
        return text
    if isinstance(rule, Statute):
        return _statute(rule, policy, lang)
    if isinstance(rule, LaterOf | EarlierOf):
        longer = isinstance(rule, LaterOf)
        rules = rule.later_of if isinstance(rule, LaterOf) else rule.earlier_of
        parts = [describe_rule(r, policy, lang) for r in rules]
        lead = {
            ("nb", True): "det som varer lengst av",
            ("nb", False): "det som kommer først av",
            ("en", True): "whichever lasts longer",
            ("en", False): "whichever comes first",
        }[(lang, longer)]
        return f"{lead}: {join(parts, lang, 'or')}"
    return _shaped(rule, policy, lang)


_SHAPED = {
    "nb": {"consent": "{ordinary}; samtykker du til «{name}», {extended}; trekker du samtykket tilbake, gjelder den "
                      "ordinære lagringstiden igjen",
           "asked": "til du ber oss slette dem; det er ingen fast lagringstid, og du kan be om sletting når som helst"},
    "en": {"consent": "{ordinary}; if you consent to “{name}”, {extended}; if you withdraw the consent, the ordinary "
                      "period applies again",
           "asked": "until you ask us to erase it; there is no fixed period, and you can ask at any time"},
}


def _shaped(rule: Any, policy: Policy, lang: str) -> str:
    """The rule shapes of issue 14 item 5, each saying what decides the period."""
    if isinstance(rule, ByCategory):
        table = taxonomy.categories(policy)
        return "; ".join(f"for {taxonomy.label(table, key, lang)}: {describe_rule(r, policy, lang)}"
                         for key, r in rule.by_category.items())
    if isinstance(rule, WithConsent):
        consent = policy.purpose(rule.consent)
        return _SHAPED[lang]["consent"].format(
            ordinary=describe_rule(rule.ordinarily, policy, lang), extended=describe_rule(rule.with_consent,
                                                                                          policy, lang),
            name=consent.name(lang) if consent else rule.consent)
    if isinstance(rule, UntilAsked):
        return _SHAPED[lang]["asked"]
    raise TypeError(f"not a retention rule: {rule!r}")


def _waiting(rule: After | Until | Statute, policy: Policy, lang: str) -> str:
    """A part that says what happens while its event is not recorded (``optional``, ``default``)."""
    text = describe_rule(rule.model_copy(update={"optional": False, "default": None}), policy, lang)
    anchor = rule.until if isinstance(rule, Until) else rule.after
    event = _event(anchor, policy, lang)[0]
    if rule.default is not None:
        other, clause = _event(rule.default, policy, lang)
        clause = _event(rule.default, policy, "nb")[1]  # a clause in nb is one in en: "when" before it
        start = ("fra da " if clause else "fra ") if lang == "nb" else ("from when " if clause else "from ")
        return text + (f" (eller, så lenge det ikke er registrert, regnet {start}{other})" if lang == "nb"
                       else f" (or, while that is not recorded, counted {start}{other})")
    return text + (f" (bare hvis {event} er registrert)" if lang == "nb" else f" (only if {event} is recorded)")


def describe_special_condition(condition: SpecialCondition, lang: str) -> str:
    """``uttrykkelig samtykke, GDPR art. 9 nr. 2 bokstav a`` with the law and note, if any."""
    lang = _lang(lang)
    ref = (f"GDPR art. 9 nr. 2 bokstav {condition.point}" if lang == "nb"
           else f"GDPR Art. 9(2)({condition.point})")
    text = f"{_ART9[condition.point][lang]}, {ref}"
    if condition.law:
        text += f": {condition.law}"
    if condition.note is not None:
        text += f" ({condition.note(lang).strip().rstrip('.')})"
    return text


def _after(rule: After, policy: Policy, lang: str) -> str:
    period = describe_period(rule.period.text, lang)
    if rule.counted == "end_of_year":
        counted = {
            "nb": ", regnet fra utgangen av det regnskapsåret",
            "en": ", counted from the end of that accounting year",
        }
        return f"{period} {after_event(rule.after, policy, lang)}{counted[lang]}"
    return f"{period} {after_event(rule.after, policy, lang)}"


def _statute(rule: Statute, policy: Policy, lang: str) -> str:
    statute = STATUTES.get(rule.statute)
    if (
        statute is None
    ):  # the loader rejects unknown statutes; describe rather than crash on a hand-built rule
        return f"{rule.statute} {'etter' if lang == 'nb' else 'after'} {_event(rule.after, policy, lang)[0]}"
    period = describe_period(statute.period_text, lang)
    if statute.counted == "end_of_year":
        start = {"nb": "fra utgangen av regnskapsåret", "en": "from the end of the accounting year"}[lang]
        return f"{period} {start} ({statute.citation})"
    return f"{period} {after_event(rule.after, policy, lang)} ({statute.citation})"


def after_event(anchor: str, policy: Policy, lang: str) -> str:
    """``after the case is closed`` / ``etter at saken er avsluttet`` / ``etter kjøpsdatoen``."""
    phrase, clause = _event(anchor, policy, lang)
    if lang == "en":
        return f"after {phrase}"
    return f"etter at {phrase}" if clause else f"etter {phrase}"


def event_phrase(anchor: str, policy: Policy, lang: str) -> str:
    """The event's label as it reads in a sentence: ``kundeforholdet er avsluttet``."""
    return _event(anchor, policy, _lang(lang))[0]


def _event(anchor: str, policy: Policy, lang: str) -> tuple[str, bool]:
    """The event's phrase and whether it is a clause (has a finite verb)."""
    if anchor in _BUILTIN:
        return _BUILTIN[anchor][lang]
    label = policy.events.get(anchor)
    if label is None:
        return anchor, False
    text = label.en if lang == "en" else label.nb
    return text, bool(_NB_VERB.search(text)) if lang == "nb" else True


def article_ref(article: str, lang: str) -> str:
    """``GDPR art. 6 nr. 1 bokstav f`` / ``GDPR Art. 6(1)(f)``."""
    return f"GDPR art. 6 nr. 1 bokstav {article}" if _lang(lang) == "nb" else f"GDPR Art. 6(1)({article})"


def basis_name(article: str, lang: str) -> str:
    return _BASIS_NAMES[article][_lang(lang)]


def describe_basis(basis: LegalBasis, lang: str) -> str:
    """``berettiget interesse, GDPR art. 6 nr. 1 bokstav f: <the interest>``."""
    lang = _lang(lang)
    detail = {
        "b": basis.contract(lang) if basis.contract else None,
        "c": basis.law,
        "d": basis.vital_interests_of(lang) if basis.vital_interests_of else None,
        "e": basis.public_task(lang) if basis.public_task else None,
        "f": basis.interest(lang) if basis.interest else None,
    }.get(basis.article)
    text = f"{basis_name(basis.article, lang)}, {article_ref(basis.article, lang)}"
    if detail:
        text += f": {detail}"
    if basis.note is not None:
        text += f" ({basis.note(lang).strip().rstrip('.')})"
    return text


def labels(table: dict[str, Label], keys: list[str], lang: str) -> list[str]:
    """Labels of ``keys`` in ``lang``; the taxonomy writes them to read inside a sentence."""
    return [taxonomy.label(table, key, lang) for key in keys]


def _lang(lang: str) -> str:
    if lang not in ("nb", "en"):
        raise ValueError(f"language must be 'nb' or 'en', not {lang!r}")
    return lang
