"""The review (issue 14 items 4 and 6) reads inside the rule shapes of item 5: by_category and with_consent."""

from __future__ import annotations

from pathlib import Path

from personvern.errors import PolicyError
from personvern.policy import load_policy

HEAD = """\
personvern: 1
controller:
  name: Test AS
  orgnr: "923456783"
  address: {street: "Gate 1", postcode: "0150", city: "Oslo"}
policy: {version: "1", effective: 2024-01-01}
categories:
  custom.complaint: {nb: "reklamasjonssaker", en: "complaint cases", parent: user.content.private}
  custom.warranty: {nb: "garantisaker", en: "warranty cases", parent: user.content.private}
events:
  goods.taken_over: {nb: "varen er overtatt", en: "the goods were taken over"}
  payment.last: {nb: "siste innbetaling", en: "the last payment"}
purposes:
  - key: cases
    name: {nb: "Saker", en: "Cases"}
    description: {nb: "Vi behandler saker.", en: "We handle cases."}
    legal_basis: {article: f, interest: {nb: "å behandle saker", en: "handling cases"}}
    categories: [user.name, custom.complaint, custom.warranty]
    subjects: [customer]
    retention:
      by_category:
        custom.complaint: 2 years after goods.taken_over
"""


def _problems(tmp_path: Path, case: str) -> list[tuple[str, str, str]]:
    path = tmp_path / "policy.yaml"
    path.write_text(HEAD + case, encoding="utf-8")
    try:
        return [(w.field, w.severity, w.message[:40]) for w in load_policy(path).warnings]
    except PolicyError as exc:
        return [(p.field, p.severity, p.message[:40]) for p in exc.problems]


def test_a_later_of_inside_a_category_case_that_waits_for_ever_is_named_by_its_path(tmp_path: Path) -> None:
    case = ("        custom.warranty:\n          later_of:\n            - 5 years after goods.taken_over\n"
            "            - 3 years after payment.last\n")
    found = _problems(tmp_path, case)
    assert ("purposes[cases].retention.by_category.custom.warranty.later_of[1]", "warning",
            "waits for 'payment.last': if it is never") in found


def test_optional_outside_later_of_is_refused_in_a_category_case(tmp_path: Path) -> None:
    case = "        custom.warranty: {after: payment.last, period: 3 years, optional: true}\n"
    found = _problems(tmp_path, case)
    assert ("purposes[cases].retention.by_category.custom.warranty", "error",
            "'optional' applies to a part of later_of") in found
