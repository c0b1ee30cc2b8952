"""Reading legal prose: retention sentences, bases, controller details, HTML/Markdown/PDF, negations."""

from __future__ import annotations

from pathlib import Path

import pytest

from personvern.draft import _retention, draft_notice, read_notice, render
from personvern.draft._purposes import bases
from personvern.draft._text import NoticeError, from_lines

HERE = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize(("sentence", "rule"), [
    ("Kvitteringer lagres i 36 måneder etter kjøpet.", "36 months after purchase.made"),
    ("Bilag oppbevares i 5 år etter utgangen av regnskapsåret.", "5 years after end of year of invoice.issued"),
    ("Henvendelser lagres til saken er avsluttet.", "until case.closed"),
    ("Til saken er avsluttet, men minst 30 dager.", "until case.closed, at least 30 days"),
    ("Søknader lagres i tre år.", "3 years after collection"),
    ("Fra innsamling til 36 måneder etter.", "36 months after collection"),
    ("Til kjøpet er fullført (inkludert levering), og 36 måneder etter.", "36 months after purchase.completed"),
    ("Til medlemskapet avsluttes.", "until membership.ended"),
    ("Opplysningene spares så lenge du er kunde hos oss.", "until customer.relationship_ended"),
    ("Orders are kept for 24 months after the purchase.", "24 months after purchase.made"),
    ("Supportsaker innsendt på mail lagres i 3 år.", "3 years after collection"),
])
def test_retention_sentences(sentence: str, rule: str) -> None:
    found = _retention.read(sentence.lower())
    assert isinstance(found, _retention.Found)
    assert found.rule == rule


def test_a_period_that_is_an_age_or_a_deadline_for_asking_is_no_retention() -> None:
    assert _retention.read("barn (under 13 år) som du har foreldreansvar for".lower()) is None
    assert _retention.read("du kan be om sletting før det har gått fem år".lower()) is None


def test_as_long_as_necessary_is_asked_not_guessed() -> None:
    assert isinstance(_retention.read("vi lagrer opplysningene så lenge som nødvendig"), _retention.Vague)


@pytest.mark.parametrize(("text", "article"), [
    ("behandlingen er basert på ditt samtykke", "a"),
    ("nødvendig for å oppfylle kjøpsavtalen", "b"),
    ("vi har en rettslig forpliktelse etter bokføringsloven", "c"),
    ("innsamlingen er lovpålagt", "c"),
    ("for å beskytte dine vitale interesser", "d"),
    ("vi har en berettiget interesse i å følge deg opp", "f"),
    ("gdpr, artikkel 6, nr, 1 bokstav f.", "f"),
    ("jf. gdpr art. 6 (1) b", "b"),
    ("this is based on our legitimate interest", "f"),
    ("necessary to perform the contract with you", "b"),
])
def test_bases_from_the_words_people_use(text: str, article: str) -> None:
    assert [b[2] for b in bases(text)] == [article]


def test_a_bare_avtalen_is_no_basis() -> None:
    assert bases("tredjepartene sletter opplysningene når de har gjort sin del av avtalen") == []


def test_html_lines_are_the_source_lines_and_scripts_are_left_out() -> None:
    notice = read_notice(HERE / "fjordbakst.html")
    source = (HERE / "fjordbakst.html").read_text(encoding="utf-8").splitlines()
    assert notice.sentences
    for s in notice.sentences:
        assert s.text.split()[0].strip("•").strip() in source[s.line - 1] or s.text.split()[0] in source[s.line - 1]
    assert not any("99 år" in s.text for s in notice.sentences)  # the <script> says "lagres i 99 år"


def test_html_notice_drafts_the_stated_rules() -> None:
    text = render(draft_notice(HERE / "fjordbakst.html"))
    assert 'orgnr: "923609016"' in text
    assert "retention: 3 years after purchase.made  # L26 «tre år»" in text
    assert "retention: 5 years after end of year of invoice.issued" in text
    assert "retention: until case.closed, at least 30 days" in text
    assert "99 years" not in text


def test_english_markdown_notice() -> None:
    text = render(draft_notice(HERE / "harbour-books.md", "en"))
    assert "article: b" in text and "article: a" in text
    assert "retention: 36 months after purchase.made" in text
    assert 'en: "Orders and delivery of books.' in text


def test_pdf_notice(tmp_path: Path) -> None:
    pytest.importorskip("pypdf")
    weasyprint = pytest.importorskip("weasyprint")
    pdf = tmp_path / "notice.pdf"
    weasyprint.HTML(filename=str(HERE / "fjordbakst.html")).write_pdf(str(pdf))
    text = render(draft_notice(pdf))
    assert 'orgnr: "923609016"' in text
    assert "3 years after purchase.made" in text


def test_an_invalid_org_number_becomes_a_question() -> None:
    from personvern.draft import draft_from

    line = "Eksempel AS, organisasjonsnummer 923 609 017, er behandlingsansvarlig."
    draft = draft_from(from_lines("x.txt", [(1, line)]))
    assert draft.controller["orgnr"].open
    assert "923609017" in (draft.controller["orgnr"].question or "")


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(NoticeError, match="cannot read"):
        read_notice(tmp_path / "nope.txt")


def test_a_sentence_saying_data_is_not_collected_adds_no_category() -> None:
    text = render(draft_notice(HERE / "seeds" / "pilaro.txt"))
    assert "national_identification_number" not in text  # "Vi ber ikke om ... personnummer"


def test_an_email_with_a_top_level_domain_that_does_not_exist_becomes_a_question() -> None:
    from personvern.draft import draft_from

    draft = draft_from(from_lines("x.txt", [(1, "Eksempel AS"), (2, "e-post: post@eksempel.nofbpx")]))
    assert draft.controller["email"].open
    assert "nofbpx" in (draft.controller["email"].question or "")
