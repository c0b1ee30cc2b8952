"""What a lawyer reviewing a policy catches (issue 14 items 4 and 6), from the statute text. Each row: a policy
written in YAML here, the finding expected (field, severity) or none, and its source. Nothing here imports the
code's tables (the statutory catalogue, the review's own checks).

- bokføringsloven § 13 første ledd: primary documentation "skal oppbevares i fem år etter regnskapsårets
  slutt". A duty to keep for five years, counted from the end of the accounting year: a rule that claims it
  must not end sooner, and a rule that keeps longer is no longer kept *because* of § 13 (GDPR Art. 5(1)(e),
  storage limitation: no longer than necessary for the purpose), so it needs a reason of its own.
- foreldelsesloven § 2: "Den alminnelige foreldelsesfrist er 3 år"; § 3 nr. 1: counted "fra den dag da
  fordringshaveren tidligst har rett til å kreve å få oppfyllelse" (for money owed: from the payment).
- GDPR Art. 9(1): processing of special categories "shall be prohibited"; Art. 9(2): "Paragraph 1 shall not
  apply if one of the following applies: (a) the data subject has given explicit consent ...".
- GDPR Art. 13(1)(a): the notice gives "the identity and the contact details of the controller".
  RFC 2606 § 3: example.com, example.net and example.org are reserved for documentation; § 2: the top-level
  names .example, .test and .invalid. brreg.no: an organisation number has 9 digits, the last a mod-11 check
  digit (923456789 fails it).
- Regulation 1182/71 art. 3(1), 3(2)(c): a period counted from an event leaves out its day and ends with the
  expiry of the day with the same date; the record is due the next day (../shared/LEGAL.md).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from personvern.errors import PolicyError
from personvern.notice import render_notice, render_ropa
from personvern.policy import load_policy
from personvern.policy.retention import Facts, Retention, retention_end

BFL = "bokføringsloven § 13 første ledd ('fem år etter regnskapsårets slutt')"
STORAGE = "GDPR Art. 5(1)(e): kept longer than § 13 requires, for a reason the policy must give"
FORELDELSE = "foreldelsesloven § 2 ('3 år') and § 3 nr. 1 (from the payment); Regulation 1182/71 art. 3(2)(c)"

HEAD = """\
personvern: 1
controller:
  name: {name}
  orgnr: "{orgnr}"
  address: {{street: "{street}", postcode: "0155", city: "Oslo"}}
  email: {email}
policy: {{version: "1", effective: 2026-01-01}}
events:
  invoice.issued: {{nb: "fakturaen er utstedt", en: "the invoice is issued"}}
  payment.last: {{nb: "siste innbetaling", en: "the last payment"}}
  customer.relationship_ended: {{nb: "kundeforholdet er avsluttet", en: "the customer relationship has ended"}}
purposes:
"""
BOOKKEEPING = """\
  - key: bookkeeping
    name: {nb: "Bokføring", en: "Bookkeeping"}
    description: {nb: "Vi oppbevarer fakturaer.", en: "We keep invoices."}
    legal_basis: {article: c, law: "bokføringsloven § 13", statute: bokforingsloven.primary}
    categories: [user.name, user.behavior.purchase_history]
    subjects: [customer]
"""
REASON = '{nb: "Kunden kan be om kopi så lenge kundeforholdet varer.", en: "Customers may ask for copies."}'

# retention (YAML under 'retention:'), expected findings as (field, severity), source
STATUTE_ROWS: list[tuple[str, list[tuple[str, str]], str]] = [
    ("bokforingsloven.primary after invoice.issued", [], BFL),
    ("5 years after end of year of invoice.issued", [], BFL),
    ("10 years after end of year of invoice.issued", [("purposes[bookkeeping].retention", "warning")],
     BFL + "; " + STORAGE),
    (f"{{rule: 10 years after end of year of invoice.issued, reason: {REASON}}}", [], BFL + "; a reason given"),
    ("{later_of: [bokforingsloven.primary after invoice.issued, "
     "{until: customer.relationship_ended, optional: true}]}",
     [("purposes[bookkeeping].retention", "warning")], BFL + "; " + STORAGE + " (no fixed end)"),
    ("{rule: {later_of: [bokforingsloven.primary after invoice.issued, "
     f"{{until: customer.relationship_ended, optional: true}}]}}, reason: {REASON}}}", [], BFL + "; a reason given"),
    (f"{{rule: 'until customer.relationship_ended, at least 3 years', reason: {REASON}}}",
     [("purposes[bookkeeping].retention", "warning")], BFL + ": three years is less than five"),
    (f"{{rule: 'until customer.relationship_ended, at least 5 years', reason: {REASON}}}",
     [("purposes[bookkeeping].retention", "warning")],
     BFL + ": five years from collection end before five years after the end of the accounting year"),
    ("{earlier_of: [bokforingsloven.primary after invoice.issued, until customer.relationship_ended]}",
     [("purposes[bookkeeping].retention", "warning")], BFL + ": the relationship may end first"),
    ("3 years after invoice.issued", [("purposes[bookkeeping].retention", "warning")], BFL),
]


def _write(tmp_path: Path, body: str, *, name: str = "Lovtest AS", orgnr: str = "923456783",
           street: str = "Storgata 1", email: str = "personvern@lovtest.no") -> Path:
    path = tmp_path / "policy.yaml"
    path.write_text(HEAD.format(name=name, orgnr=orgnr, street=street, email=email) + body, encoding="utf-8")
    return path


def _findings(path: Path) -> list[tuple[str, str]]:
    try:
        loaded = load_policy(path)
    except PolicyError as exc:
        return [(p.field, p.severity) for p in exc.problems]
    return [(w.field, w.severity) for w in loaded.warnings]


@pytest.mark.parametrize(("retention", "expected", "source"), STATUTE_ROWS, ids=[r[0][:60] for r in STATUTE_ROWS])
def test_a_rule_that_claims_bokforingsloven(tmp_path: Path, retention: str, expected: list[tuple[str, str]],
                                            source: str) -> None:
    path = _write(tmp_path, BOOKKEEPING + f"    retention: {retention}\n")
    assert _findings(path) == expected, source


ALARM = """\
  - key: alarm
    name: {nb: "Trygghetsalarm", en: "Safety alarm"}
    description: {nb: "Vi rykker ut når alarmen går.", en: "We respond when the alarm goes off."}
    legal_basis: {article: b, contract: {nb: "alarmavtalen", en: "the alarm contract"}}
    categories: [user.name]
    special_categories: [user.health_and_medical]
    subjects: [customer]
    retention: until customer.relationship_ended
"""


def test_special_categories_without_an_art_9_2_condition_are_refused(tmp_path: Path) -> None:
    """GDPR Art. 9(1) prohibits; only a condition of Art. 9(2) lifts it, besides the Art. 6 basis."""
    assert _findings(_write(tmp_path, ALARM)) == [("purposes[alarm].special_condition", "error")]


def test_the_art_9_2_condition_is_named_in_the_notice_and_the_record(tmp_path: Path) -> None:
    """Art. 13(1)(c) (the legal basis) with Art. 9(2)(a): the notice and the Art. 30 record name both."""
    path = _write(tmp_path, ALARM + "    special_condition: {point: a}\n")
    policy = load_policy(path).policy
    assert "GDPR art. 9 nr. 2 bokstav a" in render_notice(policy, "nb", "md")
    assert "explicit consent, GDPR Art. 9(2)(a)" in render_notice(policy, "en", "md")
    assert "uttrykkelig samtykke, GDPR art. 9 nr. 2 bokstav a" in str(render_ropa(policy, "csv", "nb"))


# controller fields, expected findings, source
CONTROLLER_ROWS: list[tuple[dict[str, str], list[tuple[str, str]], str]] = [
    ({}, [], "a real-looking controller"),
    ({"email": "personvern@example.com"}, [("controller.email", "warning")], "RFC 2606 § 3; Art. 13(1)(a)"),
    ({"email": "post@lovtest.example"}, [("controller.email", "warning")], "RFC 2606 § 2; Art. 13(1)(a)"),
    ({"street": "Eksempelveien 1"}, [("controller.address.street", "warning")], "Art. 13(1)(a)"),
    ({"orgnr": "923456789"}, [("controller.orgnr", "error")], "brreg.no: mod-11 check digit"),
]


@pytest.mark.parametrize(("fields", "expected", "source"), CONTROLLER_ROWS, ids=[r[2] for r in CONTROLLER_ROWS])
def test_a_placeholder_controller(tmp_path: Path, fields: dict[str, str], expected: list[tuple[str, str]],
                                  source: str) -> None:
    body = BOOKKEEPING + "    retention: bokforingsloven.primary after invoice.issued\n"
    assert _findings(_write(tmp_path, body, **fields)) == expected, source
    if any(severity == "warning" for _field, severity in expected):
        with pytest.raises(PolicyError):  # check --strict fails on it
            load_policy(_write(tmp_path, body, **fields), strict=True)


# item 4: invoices kept for the bookkeeping period, and 3 years after the last payment if there is one
OPTIONAL = {"later_of": [{"statute": "bokforingsloven.primary", "after": "invoice.issued", "default": "collection"},
                         {"after": "payment.last", "period": "3 years", "optional": True}]}
# collected, events, expected first day of deletion, source
OPTIONAL_ROWS: list[tuple[date, dict[str, date], date, str]] = [
    (date(2026, 3, 10), {"invoice.issued": date(2026, 3, 10)}, date(2032, 1, 1),
     BFL + "; no payment recorded: the optional part is left out"),
    (date(2026, 3, 10), {"invoice.issued": date(2026, 3, 10), "payment.last": date(2030, 6, 15)},
     date(2033, 6, 16), FORELDELSE + ": later than § 13"),
    (date(2026, 3, 10), {"invoice.issued": date(2026, 3, 10), "payment.last": date(2027, 1, 1)},
     date(2032, 1, 1), BFL + ": later than 3 years after the payment (2030-01-02)"),
    (date(2026, 3, 10), {}, date(2032, 1, 1), BFL + ", counted from collection while no invoice is recorded"),
    (date(2026, 3, 10), {"invoice.issued": date(2027, 2, 1)}, date(2033, 1, 1),
     BFL + ": the invoice, once recorded, counts instead of the default"),
]


@pytest.mark.parametrize(("collected", "events", "due", "source"), OPTIONAL_ROWS,
                         ids=[str(sorted(r[1])) for r in OPTIONAL_ROWS])
def test_an_event_that_never_happens_does_not_keep_the_record_for_ever(
        collected: date, events: dict[str, date], due: date, source: str) -> None:
    rule = Retention.model_validate(OPTIONAL)
    assert retention_end(rule, Facts(collected, events)) == due, source


def test_without_optional_the_same_rule_waits_for_ever_and_check_says_where(tmp_path: Path) -> None:
    """No outstanding amount, so no last payment: a later_of part waiting for it never ends."""
    waiting = {"later_of": ["bokforingsloven.primary after invoice.issued", "3 years after payment.last"]}
    facts = Facts(date(2026, 3, 10), {"invoice.issued": date(2026, 3, 10)})
    assert retention_end(Retention.model_validate(waiting), facts) is None
    body = BOOKKEEPING + (
        "    retention:\n      later_of:\n        - bokforingsloven.primary after invoice.issued\n"
        "        - 3 years after payment.last\n")
    assert _findings(_write(tmp_path, body)) == [
        ("purposes[bookkeeping].retention.later_of[0]", "warning"),
        ("purposes[bookkeeping].retention.later_of[1]", "warning"),
    ]
