"""Rule shapes real policies use (issue 14 item 5): a period chosen by a record's category, retention extended by
a consent, "until the subject asks", and moving a record on through ``may_move_to``. Each loads, is checked with
``file:line`` errors, evaluates to the date the law's counting gives (Regulation 1182/71 art. 3, as
../shared/LEGAL.md), and reads in the notice in both languages.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from personvern.errors import PolicyError
from personvern.notice import describe_retention, render_notice
from personvern.policy import load_policy
from personvern.policy.model import Policy
from personvern.policy.retention import Facts, retention_end

SHAPES = Path(__file__).parent / "fixtures" / "shapes" / "shapes.yaml"
TEXT = SHAPES.read_text(encoding="utf-8")


def shapes() -> Policy:
    return load_policy(SHAPES).policy


def rule(key: str) -> object:
    p = shapes().purpose(key)
    assert p is not None and p.retention is not None
    return p.retention


def broken(tmp_path: Path, old: str, new: str) -> list[str]:
    assert old in TEXT, old
    path = tmp_path / "shapes.yaml"
    path.write_text(TEXT.replace(old, new), encoding="utf-8")
    with pytest.raises(PolicyError) as raised:
        load_policy(path)
    return [str(p).removeprefix(f"{path}:") for p in raised.value.problems]


def line_of(text: str) -> int:
    return TEXT[: TEXT.index(text)].count("\n") + 1


TAKEN_OVER = date(2026, 3, 10)


# --- (b) a period chosen by the record's category ----------------------------------------------------------

def test_a_complaint_case_is_kept_for_the_complaint_period_from_the_take_over() -> None:
    # forbrukerkjøpsloven § 27 første ledd: 2 years from the day the consumer took over the goods; the period
    # ends on 10 March 2028 and the record is due the day after.
    facts = Facts(TAKEN_OVER, {"goods.taken_over": TAKEN_OVER}, categories=frozenset({"custom.complaint"}))
    assert retention_end(rule("cases"), facts) == date(2028, 3, 11)


def test_a_warranty_case_is_kept_for_its_own_period() -> None:
    facts = Facts(TAKEN_OVER, {"goods.taken_over": TAKEN_OVER}, categories=frozenset({"custom.warranty_case"}))
    assert retention_end(rule("cases"), facts) == date(2031, 3, 11)


def test_a_record_of_neither_category_has_no_end_of_its_own() -> None:
    facts = Facts(TAKEN_OVER, {"goods.taken_over": TAKEN_OVER}, categories=frozenset({"user.name"}))
    assert retention_end(rule("cases"), facts) is None


def test_the_notice_explains_each_case_in_both_languages() -> None:
    policy = shapes()
    nb = describe_retention(rule("cases"), policy, "nb")
    en = describe_retention(rule("cases"), policy, "en")
    assert nb == ("for reklamasjonssaker: 2 år etter at du overtok varen (forbrukerkjøpsloven § 27 første ledd); "
                  "for garantisaker: 5 år etter at du overtok varen")
    assert en == ("for complaint cases: 2 years after you took over the goods (forbrukerkjøpsloven § 27 første "
                  "ledd); for warranty cases: 5 years after you took over the goods")


def test_a_case_category_the_purpose_does_not_collect_is_refused_on_its_line(tmp_path: Path) -> None:
    problems = broken(tmp_path, "        custom.warranty_case: 5 years", "        custom.warranty: 5 years")
    assert problems == [f"{line_of('        custom.warranty_case: 5 years')}: purposes[cases].retention.by_category"
                        ".custom.warranty: 'custom.warranty' is not among the purpose's categories: a period can "
                        "only be chosen by a category the purpose collects"]


def test_a_choice_of_one_case_is_refused(tmp_path: Path) -> None:
    problems = broken(tmp_path, "        custom.warranty_case: 5 years after goods.taken_over\n", "")
    assert len(problems) == 1 and "by_category" in problems[0] and "two or more" in problems[0]


# --- (c) retention extended by a consent -------------------------------------------------------------------

ENDED = date(2026, 5, 4)


def test_without_the_consent_the_ordinary_period_applies() -> None:
    # until the recruitment ended (4 May 2026), but at least 6 months after collection (10 March 2026): the 6
    # months end on 10 September 2026, due 11 September.
    facts = Facts(TAKEN_OVER, {"recruitment.ended": ENDED})
    assert retention_end(rule("job_applications"), facts) == date(2026, 9, 11)


def test_with_the_consent_the_application_is_kept_longer() -> None:
    facts = Facts(TAKEN_OVER, {"recruitment.ended": ENDED}, consents=frozenset({"talent_pool"}))
    assert retention_end(rule("job_applications"), facts) == date(2027, 5, 5)


def test_the_notice_says_the_consent_extends_and_withdrawal_brings_the_date_back() -> None:
    policy = shapes()
    nb = describe_retention(rule("job_applications"), policy, "nb")
    en = describe_retention(rule("job_applications"), policy, "en")
    assert nb.startswith("til rekrutteringen er avsluttet, men minst 6 måneder; samtykker du til «Kandidatbase», "
                         "12 måneder etter at rekrutteringen er avsluttet")
    assert "trekker du samtykket tilbake, gjelder den ordinære lagringstiden igjen" in nb
    assert en.startswith("until the recruitment has ended, but at least 6 months; if you consent to “Talent "
                         "pool”, 12 months after the recruitment has ended")
    assert "if you withdraw the consent, the ordinary period applies again" in en


def test_an_extension_needs_a_consent_based_purpose(tmp_path: Path) -> None:
    problems = broken(tmp_path, "      consent: talent_pool", "      consent: cases")
    assert problems == [f"{line_of('      consent: talent_pool')}: purposes[job_applications].retention.consent: "
                        "'cases' is not based on consent (Art. 6(1)(a)): name the consent-based purpose whose "
                        "consent extends the period"]


def test_an_extension_by_an_unknown_purpose_is_refused(tmp_path: Path) -> None:
    problems = broken(tmp_path, "      consent: talent_pool", "      consent: talent_pol")
    assert problems == [f"{line_of('      consent: talent_pool')}: purposes[job_applications].retention.consent: "
                        "unknown purpose 'talent_pol'; did you mean 'talent_pool'?"]


# --- (d) kept until the subject asks -----------------------------------------------------------------------

def test_until_the_subject_asks_never_ends_by_itself() -> None:
    assert retention_end(rule("talent_pool"), Facts(TAKEN_OVER, {})) is None


def test_the_notice_says_there_is_no_fixed_period_and_how_to_end_it() -> None:
    policy = shapes()
    assert describe_retention(rule("talent_pool"), policy, "nb") == (
        "til du ber oss slette dem; det er ingen fast lagringstid, og du kan be om sletting når som helst")
    assert describe_retention(rule("talent_pool"), policy, "en") == (
        "until you ask us to erase it; there is no fixed period, and you can ask at any time")


def test_until_asked_on_a_legal_obligation_is_refused(tmp_path: Path) -> None:
    old = """        given: {nb: "Du krysser av i søknadsskjemaet", en: "You tick the box in the application form"}
        withdrawn: {nb: "Skriv til oss", en: "Write to us"}
    categories: [user.name, user.contact.email]
    subjects: [job_applicant]
    retention: until the subject asks"""
    new = """        given: {nb: "Du krysser av i søknadsskjemaet", en: "You tick the box in the application form"}
        withdrawn: {nb: "Skriv til oss", en: "Write to us"}
      law: "arkivlova § 6"
    categories: [user.name, user.contact.email]
    subjects: [job_applicant]
    retention: until the subject asks"""
    text = TEXT.replace(old, new).replace("""      article: a
      consent:
        given: {nb: "Du krysser av""", """      article: c
      consent:
        given: {nb: "Du krysser av""")
    path = tmp_path / "shapes.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PolicyError) as raised:
        load_policy(path)
    messages = [p.message for p in raised.value.problems if p.field == "purposes[talent_pool].retention"]
    assert messages == ["a legal obligation (Art. 6(1)(c)) keeps data for the period the law sets, not until the "
                        "subject asks: write that period"]


def test_until_asked_with_an_end_action_is_refused(tmp_path: Path) -> None:
    problems = broken(tmp_path, "    retention: until the subject asks",
                      "    retention: {rule: until the subject asks, then: review}")
    assert problems == [f"{line_of('    retention: until the subject asks')}: purposes[talent_pool].retention: "
                        "'then: review' never runs: the rule ends only when the subject asks, and the data is "
                        "then erased (Art. 17)"]


# --- (a) may_move_to ------------------------------------------------------------------------------------------

def test_a_move_to_a_purpose_that_does_not_collect_the_records_categories_is_refused(tmp_path: Path) -> None:
    problems = broken(tmp_path, "    categories: [user.name, user.contact.email, user.contact.phone_number]",
                      "    categories: [user.name, user.contact.phone_number]")
    assert problems == [f"{line_of('    may_move_to: [membership]')}: purposes[trial].may_move_to[0]: "
                        "'membership' does not collect user.contact.email, which records of 'trial' hold: a "
                        "record keeps its categories when it moves"]


def test_a_purpose_cannot_move_to_itself(tmp_path: Path) -> None:
    problems = broken(tmp_path, "    may_move_to: [membership]", "    may_move_to: [trial]")
    assert problems == [f"{line_of('    may_move_to: [membership]')}: purposes[trial].may_move_to[0]: "
                        "a purpose cannot move to itself"]


def test_the_notice_says_where_a_record_may_move() -> None:
    nb = " ".join(render_notice(shapes(), "nb", "md").split())
    en = " ".join(render_notice(shapes(), "en", "md").split())
    assert ("Går du over til «Medlemskap», flytter vi opplysningene dit, og lagringstiden for «Medlemskap» "
            "gjelder fra da") in nb
    assert ("If you move on to “Membership”, we move the data there, and the retention of “Membership” "
            "applies from then on") in en


def test_the_fixture_loads_without_problems() -> None:
    assert load_policy(SHAPES).warnings == []


def test_the_notice_renders_every_shape() -> None:
    for lang in ("nb", "en"):
        text = render_notice(shapes(), lang, "md")  # type: ignore[arg-type]
        assert "ingen fast lagringstid" in text or "no fixed period" in text


# --- transfer: a recipient's occasional transfer outside the EU/EEA (TP11) -----------------------------------

RECIPIENT = """
recipients:
  - key: it
    name: {nb: "IT-drift", en: "IT operations"}
    role: processor
    purposes: [membership]
    categories: [user.name]
    country: "SE"
    transfer:
      when: {nb: "ved support", en: "for support"}
"""


def _with_recipient(tmp_path: Path, transfer: str) -> list[str]:
    path = tmp_path / "shapes.yaml"
    path.write_text(TEXT + RECIPIENT + transfer, encoding="utf-8")
    with pytest.raises(PolicyError) as raised:
        load_policy(path)
    return [str(p).removeprefix(f"{path}:") for p in raised.value.problems]


def test_a_transfer_to_a_country_inside_the_eea_is_refused_on_its_line(tmp_path: Path) -> None:
    problems = _with_recipient(tmp_path, "      countries: [US, SE]\n      safeguards: [scc]\n")
    line = (TEXT + RECIPIENT).count("\n") + 1
    assert problems == [f"{line}: recipients[it].transfer.countries[1]: 'SE' is not a country outside the EU/EEA "
                        "(an ISO 3166-1 code such as 'US'): a transfer inside the EU/EEA needs no 'transfer:'"]


def test_a_transfer_on_a_derogation_must_say_which(tmp_path: Path) -> None:
    problems = _with_recipient(tmp_path, "      safeguards: [derogation]\n")
    line = (TEXT + RECIPIENT).count("\n") + 1
    assert problems == [f"{line}: recipients[it].transfer.note: a derogation (Art. 49) must say which one and "
                        "why in 'note:', in nb and en"]


def test_a_transfer_needs_a_safeguard(tmp_path: Path) -> None:
    problems = _with_recipient(tmp_path, "      safeguards: []\n")
    assert len(problems) == 1 and "recipients[it].transfer.safeguards" in problems[0]
