"""The privacy notice says every Art. 13 and 14 item, for every example policy, in both languages."""

from __future__ import annotations

import html
import re
from functools import cache
from pathlib import Path

import pytest

from personvern.notice import describe_retention, render_notice
from personvern.notice.wording import article_ref
from personvern.policy import load_policy
from personvern.policy.model import Policy, Recipient, Text

POLICIES = Path(__file__).resolve().parents[2] / "examples" / "policies"
FILES = sorted(POLICIES.glob("*.yaml"))
CASES = [(f, lang, fmt) for f in FILES for lang in ("nb", "en") for fmt in ("md", "html")]
IDS = [f"{f.stem}-{lang}-{fmt}" for f, lang, fmt in CASES]
RIGHTS = {
    "nb": [
        "Innsyn (art. 15)",
        "Retting (art. 16)",
        "Sletting (art. 17)",
        "Begrensning (art. 18)",
        "Underretning (art. 19)",
        "Dataportabilitet (art. 20)",
        "Protest (art. 21)",
        "Trekke tilbake samtykke (art. 7 nr. 3)",
    ],
    "en": [
        "Access (Art. 15)",
        "Rectification (Art. 16)",
        "Erasure (Art. 17)",
        "Restriction (Art. 18)",
        "Notification (Art. 19)",
        "Data portability (Art. 20)",
        "Objection (Art. 21)",
        "Withdrawing consent (Art. 7(3))",
    ],
}


@cache
def policy(path: Path) -> Policy:
    return load_policy(path).policy


@cache
def rendered(path: Path, lang: str, fmt: str) -> str:
    """The notice as plain text: HTML tags stripped and entities decoded, Markdown escapes removed."""
    text = render_notice(policy(path), lang, fmt)  # type: ignore[arg-type]
    if fmt == "html":
        text = re.sub(r"</?a\b[^>]*>", "", text)  # links are inline: no space around them
        text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    else:
        text = re.sub(r"\\([\\`*\[\]<>])", r"\1", text)
    return " ".join(text.split())


def test_every_example_policy_is_covered() -> None:
    assert len(FILES) >= 1
    assert any(f.stem == "tek-zence" for f in FILES)


@pytest.mark.promise("SN6")
@pytest.mark.parametrize(("path", "lang", "fmt"), CASES, ids=IDS)
def test_notice_names_the_controller_and_its_contact(path: Path, lang: str, fmt: str) -> None:
    text = rendered(path, lang, fmt)
    c = policy(path).controller
    assert c.name in text
    assert c.orgnr in text
    assert c.address.street in text
    for contact in (c.email, c.phone, c.contact_form):
        if contact:
            assert contact in text


@pytest.mark.parametrize(("path", "lang", "fmt"), CASES, ids=IDS)
def test_notice_gives_every_purpose_with_its_legal_basis(path: Path, lang: str, fmt: str) -> None:
    text = rendered(path, lang, fmt)
    for p in policy(path).purposes:
        assert p.name(lang) in text
        for basis in (p.legal_basis, *p.also_based_on):
            assert article_ref(basis.article, lang) in text
            if basis.interest is not None:
                assert " ".join(basis.interest(lang).split()) in text
            if basis.consent is not None:
                assert " ".join(basis.consent.withdrawn(lang).rstrip(".").split()) in text


@pytest.mark.promise("TP10")
@pytest.mark.parametrize(("path", "lang", "fmt"), CASES, ids=IDS)
def test_notice_names_every_recipient(path: Path, lang: str, fmt: str) -> None:
    text = rendered(path, lang, fmt)
    for r in policy(path).recipients:
        assert r.name(lang) in text


@pytest.mark.parametrize(("path", "lang", "fmt"), CASES, ids=IDS)
def test_notice_states_the_retention_of_every_purpose(path: Path, lang: str, fmt: str) -> None:
    text = rendered(path, lang, fmt)
    pol = policy(path)
    for p in pol.purposes:
        assert p.retention is not None
        sentence = describe_retention(p.retention, pol, lang)
        assert sentence[1:] in text  # the first letter is capitalised in the notice


@pytest.mark.promise("TP15")
@pytest.mark.promise("PI7")
@pytest.mark.parametrize(("path", "lang", "fmt"), CASES, ids=IDS)
def test_notice_tells_how_to_complain_to_datatilsynet(path: Path, lang: str, fmt: str) -> None:
    text = rendered(path, lang, fmt)
    assert "Datatilsynet" in text
    assert "Postboks 458 Sentrum, 0105 Oslo" in text
    assert "https://www.datatilsynet.no" in text


@pytest.mark.promise("TP13a")
@pytest.mark.parametrize(("path", "lang", "fmt"), CASES, ids=IDS)
def test_notice_names_every_right(path: Path, lang: str, fmt: str) -> None:
    text = rendered(path, lang, fmt)
    for right in RIGHTS[lang]:
        assert right in text
    assert ("én måned" if lang == "nb" else "one month") in text


@pytest.mark.promise("SN3")
@pytest.mark.parametrize(("path", "lang", "fmt"), CASES, ids=IDS)
def test_notice_says_explicitly_there_are_no_automated_decisions(path: Path, lang: str, fmt: str) -> None:
    text = rendered(path, lang, fmt)
    if not any(p.automated_decision for p in policy(path).purposes):
        expected = "Vi treffer ingen avgjørelser om deg" if lang == "nb" else "We make no decisions about you"
        assert expected in text
    assert ("GDPR art. 22" if lang == "nb" else "GDPR Art. 22") in text


@pytest.mark.promise("TP11")
@pytest.mark.parametrize(("path", "lang", "fmt"), CASES, ids=IDS)
def test_notice_says_where_the_data_is_processed(path: Path, lang: str, fmt: str) -> None:
    text = rendered(path, lang, fmt)
    if all(r.in_eea for r in policy(path).recipients):
        assert (
            "lagres og behandles i EU/EØS" if lang == "nb" else "stored and processed in the EU/EEA"
        ) in text


@pytest.mark.parametrize(("path", "lang", "fmt"), CASES, ids=IDS)
def test_notice_carries_version_and_effective_date(path: Path, lang: str, fmt: str) -> None:
    text = rendered(path, lang, fmt)
    meta = policy(path).policy
    assert meta.version in text
    assert str(meta.effective.year) in text


@pytest.mark.promise("TP11")
def test_transfer_outside_the_eea_is_named_with_its_safeguard() -> None:
    tz = policy(POLICIES / "tek-zence.yaml")
    cloud = Recipient(
        key="cloud",
        name=Text(nb="Skyleverandør", en="Cloud provider"),
        role="processor",
        purposes=["customer_profile"],
        categories=["user.name"],
        country="US",
        safeguard="scc",
        agreement=Text(nb="Databehandleravtale", en="Processing agreement"),
    )
    with_transfer = tz.model_copy(update={"recipients": [*tz.recipients, cloud]})
    nb = render_notice(with_transfer, "nb", "md")
    assert "Skyleverandør i USA, på grunnlag av EU-kommisjonens standard personvernbestemmelser" in nb
    en = render_notice(with_transfer, "en", "md")
    assert (
        "Cloud provider in United States, on the basis of the European Commission's standard contractual"
        in en
    )
    assert "stored and processed in the EU/EEA" not in en


def test_html_is_a_standalone_page_without_external_assets() -> None:
    page = render_notice(policy(POLICIES / "tek-zence.yaml"), "nb", "html")
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="nb">' in page
    assert "<style>" in page
    assert not re.search(r"<(link|script|img)\b", page)
    assert 'href="mailto:personvern@tek-zence.no"' in page


def test_html_escapes_policy_text() -> None:
    tz = policy(POLICIES / "tek-zence.yaml")
    purpose = tz.purposes[0].model_copy(update={"name": Text(nb="<script>x</script>", en="<b>y</b>")})
    page = render_notice(tz.model_copy(update={"purposes": [purpose, *tz.purposes[1:]]}), "nb", "html")
    assert "<script>x" not in page
    assert "&lt;script&gt;x" in page


def test_unknown_language_or_format_is_refused() -> None:
    tz = policy(POLICIES / "tek-zence.yaml")
    with pytest.raises(ValueError, match="language"):
        render_notice(tz, "sv", "md")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="format"):
        render_notice(tz, "nb", "pdf")  # type: ignore[arg-type]
