"""A broken policy is refused with one line per problem: ``file:line: field: message``.

Each fixture in ``fixtures/broken/`` holds one problem. The same lines come from ``load_policy`` and from
``personvern check``, which exits 1 on an error, and on a warning only with ``--strict``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from personvern.cli import app
from personvern.errors import PolicyError
from personvern.policy import load_policy

BROKEN = Path(__file__).parent / "fixtures" / "broken"
POLICIES = Path(__file__).resolve().parents[2] / "examples" / "policies"

ERRORS = {
    "audit_retention_anchor": "9: settings.audit_retention: counts from case.closed, but an audit entry only has "
    "its own date: count from collection, e.g. '3 years after end of year of collection'",
    "audit_retention_review": "9: settings.audit_retention: 'then: review' cannot apply to audit entries: they "
    "are deleted when their time is up ('then: delete', the default)",
    "unknown_category": "17: purposes[support].categories[1]: "
    "unknown category 'user.contact.emial'; did you mean 'user.contact.email'?",
    "unknown_subject": "18: purposes[support].subjects[1]: "
    "unknown data subject 'website_visitor'; declare it under 'subjects:' in the policy",
    "unknown_event": "19: purposes[support].retention: "
    "unknown event 'case.solved'; declare it under 'events:' or use collection or last_activity",
    "unknown_recipient_purpose": "24: recipients[helpdesk].purposes[0]: "
    "unknown purpose 'suport'; did you mean 'support'?",
    "unknown_parent_category": "12: categories.custom.call_log.parent: "
    "unknown parent category 'user.contact.phone'; did you mean 'user.contact.phone_number'?",
    "no_legal_basis": "11: purposes[support].legal_basis: required field is missing; "
    "add 'legal_basis:' with 'article:' (a-f of Art. 6(1)) and what that basis needs",
    "no_retention": "11: purposes[support].retention: no retention rule: every purpose must say how long "
    "its data is kept, e.g. 'retention: 3 years after collection'",
    "interest_missing": "14: purposes[support].legal_basis.interest: "
    "legitimate interest (Art. 6(1)(f)) needs 'interest:': the interest pursued, in nb and en",
    "consent_without_withdrawal": "16: purposes[support].legal_basis.consent.withdrawn: required field is "
    "missing; say how consent is withdrawn, as easily as it is given (Art. 7(3)), in nb and en",
    "legal_obligation_without_law": "14: purposes[support].legal_basis.law: legal obligation (Art. 6(1)(c)) "
    "needs 'law:': the statute and section, e.g. 'bokføringsloven § 13'",
    "transfer_without_safeguard": "26: recipients[helpdesk].safeguard: transfer to US, outside the EU/EEA, "
    "needs 'safeguard:' (adequacy, scc, bcr or derogation; Art. 44-49)",
    "invalid_orgnr": "5: controller.orgnr: '923456789' is not a valid Norwegian organisation number "
    "(9 digits with a mod-11 check digit); copy it from brreg.no",
    "marketing_without_channels": "20: purposes[support].marketing.channels: "
    "a marketing purpose must name its channels: email, sms, post, phone",
    "recipient_category_not_collected": "25: recipients[helpdesk].categories[1]: receives "
    "'user.contact.phone_number' but none of its purposes (support) collects it: "
    "add it to a purpose's categories or stop disclosing it",
    "bad_period": "19: purposes[support].retention: "
    "'3 parsecs' is not a period; write e.g. '36 months', '30 days', '3 years 6 months'",
    "unparseable_rule": "19: purposes[support].retention: 'as long as we need it' is not a retention rule; "
    "write e.g. '36 months after purchase.completed', 'until case.closed, at least 30 days' "
    "or 'bokforingsloven.primary after order.placed'",
    "yaml_syntax": "13: (yaml): expected ',' or '}', but got '<scalar>' "
    "(while parsing a flow mapping that starts on line 12)",
    "unknown_field": "14: purposes[support].legal_basiss: unknown field; did you mean 'legal_basis'?",
    "duplicate_purpose_key": "20: purposes[support].key: "
    "duplicate key 'support': give each of the purposes its own key",
    "reduce_without_keep": "19: purposes[support].retention: "
    "'then: reduce' needs 'keep': the categories that stay",
    "marketing_unknown_sale_event": "20: purposes[newsletter].marketing.sale_events[0]: unknown event "
    "'purchase.complete'; did you mean 'purchase.completed'?",
    "marketing_without_customer_for": "17: purposes[newsletter].marketing.customer_for: say how long after the "
    "last purchase the customer relationship lasts for marketing, e.g. '24 months' (the exception ends with the "
    "relationship; the business must declare it)",
    "special_categories_without_condition": "16: purposes[alarm].special_condition: special categories "
    "(Art. 9(1) GDPR) need the condition of Art. 9(2) that allows them: add 'special_condition:' with 'point:' "
    "(a explicit consent, b employment law, c vital interests, f legal claims, ...) besides the Art. 6 basis",
    "optional_outside_later_of": "19: purposes[support].retention: 'optional' applies to a part of later_of: "
    "a rule of its own that may never end is not optional; give it a 'default:' anchor instead",
    "bare_duration": "19: purposes[support].retention: '5 years' counts from what? write '5 years after "
    "collection' (from when the data was collected) or '5 years after <event>' with an event declared under "
    "'events:'",
    "national_id_without_category": "19: purposes[support].identifiers[1]: stores national_id but "
    "'user.government_id.national_identification_number' is not among the purpose's categories (TP14): "
    "add it to categories only where secure identification is clearly needed (personopplysningsloven § 12), "
    "else remove national_id",
}

WARNINGS = {
    "warning_shorter_than_statute": "20: purposes[bookkeeping].retention: warning: shorter than "
    "bokføringsloven § 13 første ledd nr. 1 requires (5 years from the end of the accounting year); "
    "write 'bokforingsloven.primary after <event>'",
    "warning_no_bookkeeping": "17: purposes[orders].categories: warning: collects "
    "user.behavior.purchase_history (orders, invoices, receipts) but no purpose keeps them under "
    "bokføringsloven § 13: add a purpose with legal_basis article c and "
    "'retention: bokforingsloven.primary after <event>'",
    "warning_later_of_waits_for_ever": "24: purposes[invoicing].retention.later_of[1]: warning: waits for "
    "'payment.last': if it is never recorded, the rule never ends although later_of[0] would; mark the part "
    "'optional: true' (left out while 'payment.last' is not recorded) or give it 'default:' (the anchor to "
    "count from instead)",
    "warning_longer_than_statute": "20: purposes[bookkeeping].retention: warning: keeps longer than "
    "bokføringsloven § 13 første ledd nr. 1 requires (5 years from the end of the accounting year), with no "
    "reason of its own: give 'reason:' (nb and en, shown in the notice) or write "
    "'bokforingsloven.primary after <event>'",
    "warning_can_end_before_statute": "20: purposes[bookkeeping].retention: warning: can end before "
    "bokføringsloven § 13 første ledd nr. 1 requires (5 years from the end of the accounting year): a minimum "
    "or an event that may come first ends it sooner; make the minimum at least the statute's or write "
    "'bokforingsloven.primary after <event>'",
    "warning_period_from_collection": "20: purposes[contract].retention: warning: a period counted from "
    "collection, but this purpose's data has the event customer.relationship_ended: say from what the period "
    "runs, e.g. '... after customer.relationship_ended', or give 'reason:' for counting from collection",
    "warning_placeholder_controller": "7: controller.email: warning: 'personvern@example.no' is an example "
    "address (reserved for examples, RFC 2606): write the business's own, where the subjects can reach it "
    "(Art. 13(1)(a))",
    "warning_marketing_without_consent": "15: purposes[newsletter].marketing: warning: marketing by email "
    "needs prior consent (article a) or, for existing customers, 'soft_opt_in: true' "
    "(markedsføringsloven § 15)",
}


def _cases(table: dict[str, str]) -> list[object]:
    return [pytest.param(name, marks=pytest.mark.promise("TP14")) if "national_id" in name else name
            for name in sorted(table)]


@pytest.fixture(autouse=True)
def _in_fixtures(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run in the fixture folder, so lines start with the bare file name as a user would type it."""
    monkeypatch.chdir(BROKEN)


def _check(*args: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(app, ["check", *args])
    return result.exit_code, result.stderr.splitlines()


def test_fixture_table_covers_every_fixture() -> None:
    assert sorted(p.stem for p in BROKEN.glob("*.yaml")) == sorted([*ERRORS, *WARNINGS])


@pytest.mark.parametrize("name", _cases(ERRORS))
def test_load_policy_reports_the_problem_on_its_line(name: str) -> None:
    with pytest.raises(PolicyError) as raised:
        load_policy(f"{name}.yaml")
    assert [str(p) for p in raised.value.problems] == [f"{name}.yaml:{ERRORS[name]}"]


@pytest.mark.parametrize("name", _cases(ERRORS))
def test_check_prints_the_problem_and_exits_1(name: str) -> None:
    code, lines = _check(f"{name}.yaml")
    assert code == 1
    assert lines == [f"{name}.yaml:{ERRORS[name]}"]


def test_check_prints_one_line_per_problem_however_long() -> None:
    code, lines = _check("unknown_category.yaml", "no_legal_basis.yaml")
    assert code == 1
    assert lines == [f"unknown_category.yaml:{ERRORS['unknown_category']}",
                     f"no_legal_basis.yaml:{ERRORS['no_legal_basis']}"]


@pytest.mark.parametrize("name", sorted(WARNINGS))
def test_a_warning_loads_and_is_listed(name: str) -> None:
    loaded = load_policy(f"{name}.yaml")
    assert [str(w) for w in loaded.warnings] == [f"{name}.yaml:{WARNINGS[name]}"]


@pytest.mark.parametrize("name", sorted(WARNINGS))
def test_check_prints_a_warning_and_exits_0(name: str) -> None:
    code, lines = _check(f"{name}.yaml")
    assert code == 0
    assert lines == [f"{name}.yaml:{WARNINGS[name]}"]


@pytest.mark.parametrize("name", sorted(WARNINGS))
def test_strict_makes_a_warning_an_error(name: str) -> None:
    with pytest.raises(PolicyError) as raised:
        load_policy(f"{name}.yaml", strict=True)
    assert [str(p) for p in raised.value.problems] == [f"{name}.yaml:{WARNINGS[name]}"]
    code, lines = _check("--strict", f"{name}.yaml")
    assert code == 1
    assert lines == [f"{name}.yaml:{WARNINGS[name]}"]


def test_every_problem_of_a_file_is_listed_in_file_order(tmp_path: Path) -> None:
    text = (BROKEN / "unknown_category.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "two.yaml"
    broken.write_text(text.replace("subjects: [customer]", "subjects: [customr]"), encoding="utf-8")
    with pytest.raises(PolicyError) as raised:
        load_policy(broken)
    assert [(p.line, p.field) for p in raised.value.problems] == [
        (17, "purposes[support].categories[1]"),
        (18, "purposes[support].subjects[0]"),
    ]
    assert raised.value.problems[1].message == "unknown data subject 'customr'; did you mean 'customer'?"


def test_a_retention_mapping_reports_the_field_inside_it(tmp_path: Path) -> None:
    text = (BROKEN / "bad_period.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "mapping.yaml"
    broken.write_text(text.replace("retention: 3 parsecs after case.closed",
                                   "retention:\n      after: case.closed\n      period: 3 parsecs"),
                      encoding="utf-8")
    with pytest.raises(PolicyError) as raised:
        load_policy(broken)
    assert [(p.line, p.field) for p in raised.value.problems] == [(21, "purposes[support].retention.period")]


def test_a_mapping_of_no_rule_form_says_which_forms_there_are(tmp_path: Path) -> None:
    text = (BROKEN / "bad_period.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "mapping.yaml"
    broken.write_text(text.replace("3 parsecs after case.closed", "{afterr: case.closed, period: 3 months}"),
                      encoding="utf-8")
    with pytest.raises(PolicyError) as raised:
        load_policy(broken)
    assert [str(p) for p in raised.value.problems] == [
        f"{broken}:19: purposes[support].retention: not a retention rule (found afterr, period): "
        "a rule mapping has one of after, until, statute, later_of, earlier_of, by_category, with_consent or "
        "until_asked"]


def test_the_example_policies_pass_check() -> None:
    files = sorted(str(p) for p in POLICIES.glob("*.yaml"))
    assert len(files) >= 1
    result = CliRunner().invoke(app, ["check", *files])
    assert result.exit_code == 0, result.stderr
    assert len(result.stdout.splitlines()) == len(files)
