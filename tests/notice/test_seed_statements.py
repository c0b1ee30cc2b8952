"""Each seed's own statements, as its generated notice (nb and en) says them (issue 14 item 11).

Every test quotes the seed sentence (``../shared/seeds/``) it holds the notice to, and asserts on the rendered
Markdown, so a policy file or a notice phrase that drops the statement fails here.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from personvern.notice import render_notice
from personvern.notice.ropa import ropa_rows
from personvern.policy import load_policy
from personvern.policy.model import Policy

POLICIES = Path(__file__).resolve().parents[2] / "examples" / "policies"


@cache
def policy(name: str) -> Policy:
    return load_policy(POLICIES / name).policy


@cache
def notice(name: str, lang: str) -> str:
    return " ".join(render_notice(policy(name), lang, "md").split())  # one line: phrases wrap anywhere


def section(text: str, heading: str) -> str:
    """The notice text from ``heading`` up to the next heading of the same or a higher level."""
    start = text.index(heading)
    nxt = re.search(r" #{2,3} ", text[start + len(heading):])
    return text[start:start + len(heading) + (nxt.start() if nxt else len(text))]


# --- "we never sell your data" (SN5, TP, PI5) ------------------------------------------------------------

@pytest.mark.parametrize("name", ["sensornordic.yaml", "tp-ecommerce.yaml", "pilaro.yaml"])
def test_never_sold_is_stated_in_both_languages(name: str) -> None:
    # SN: "Vi selger aldri informasjonen din til tredjepart."
    # TP: "Teknikproffset.se vil aldri selge dine personopplysninger til en tredjepart"
    # PI: "Vi selger ikke informasjonen videre til tredjeparter."
    assert "Vi selger aldri personopplysningene dine" in notice(name, "nb")
    assert "We never sell your personal data" in notice(name, "en")


@pytest.mark.parametrize("name", ["tek-zence.yaml", "kl-miljovarme.yaml"])
def test_no_never_sold_claim_where_the_seed_makes_none(name: str) -> None:
    assert "selger aldri" not in notice(name, "nb") and "never sell" not in notice(name, "en")


def test_pilaro_only_we_have_access() -> None:
    # PI: "Det er kun vi som har tilgang til personopplysningene. ... Nødvendig informasjon vil bli gitt
    # eventuelle samarbeidspartnere ved behov."
    assert "Det er bare vi i Pilaro AS som har tilgang til personopplysningene" in notice("pilaro.yaml", "nb")
    assert "Only we at Pilaro AS have access to the personal data" in notice("pilaro.yaml", "en")


def test_tp_only_those_who_need_it_have_access() -> None:
    # TP: "Bare de personene som faktisk trenger å behandle dine personopplysninger for at vi skal oppfylle
    # våre forpliktelser, har tilgang til dem."
    assert "Bare de som trenger opplysningene" in notice("tp-ecommerce.yaml", "nb")
    assert "Only the people who need the data" in notice("tp-ecommerce.yaml", "en")


# --- TP11: support and maintenance may transfer data outside the EU/EEA -----------------------------------

def test_tp_notice_states_the_possible_transfer_with_its_safeguards() -> None:
    # TP: "I noen tilfeller, som ved support og vedlikehold kan vi iblant være tvunget til å overføre
    # informasjonen til et land utenfor EU ... garanteres sikkerhetsnivået enten gjennom bestemmelse fra
    # EU-kommisjonen ... eller gjennom bruk av passende forholdsregler."
    nb = section(notice("tp-ecommerce.yaml", "nb"), "## Overføring til land utenfor EU/EØS")
    en = section(notice("tp-ecommerce.yaml", "en"), "## Transfers outside the EU/EEA")
    assert "Vi overfører dem ikke" not in nb and "We do not transfer" not in en
    assert "ved support og vedlikehold kan opplysninger overføres til land utenfor EU/EØS" in nb
    assert "for support and maintenance, data may be transferred to countries outside the EU/EEA" in en
    assert "art. 45" in nb and "art. 46 nr. 2 bokstav c" in nb
    assert "Art. 45" in en and "Art. 46(2)(c)" in en


def test_tp_record_of_processing_lists_the_transfer() -> None:
    transfers = {row.key: row.cells["transfers"] for row in ropa_rows(policy("tp-ecommerce.yaml"), "en")}
    assert "Art. 46(2)(c)" in transfers["order"] and "support and maintenance" in transfers["order"]


@pytest.mark.parametrize("name", ["tek-zence.yaml", "kl-miljovarme.yaml", "pilaro.yaml", "sensornordic.yaml"])
def test_no_transfer_stated_where_the_seed_names_none(name: str) -> None:
    assert "Vi overfører dem ikke" in notice(name, "nb")


# --- Art. 13(2)(e) per purpose ------------------------------------------------------------------------------

def test_kl_invoicing_is_a_statutory_requirement_not_voluntary() -> None:
    # KL: "Rettslige krav for håndtering av fakturering."
    nb = section(notice("kl-miljovarme.yaml", "nb"), "## Må du gi oss opplysningene?")
    en = section(notice("kl-miljovarme.yaml", "en"), "## Do you have to give us your data?")
    assert "Du har ingen plikt" not in nb and "You are not obliged to give us personal data" not in en
    assert re.search(r"Fakturering og administrasjon:\*\* Loven krever", nb)
    assert re.search(r"Invoicing and administration:\*\* The law requires", en)


@pytest.mark.parametrize("name", sorted(p.name for p in POLICIES.glob("*.yaml")))
@pytest.mark.parametrize("lang", ["nb", "en"])
def test_every_purpose_says_whether_the_data_is_required(name: str, lang: str) -> None:
    required = section(notice(name, lang), "## Må du gi oss opplysningene?" if lang == "nb"
                       else "## Do you have to give us your data?")
    for p in policy(name).purposes:
        assert p.name(lang) in required, p.key


def test_tp_orders_say_the_consequence_the_seed_gives() -> None:
    # TP: "Hvis informasjonen ikke oppgis, kan våre forpliktelser ikke oppfylles, og vi er derfor tvunget til å
    # nekte deg kjøpet."
    assert "vi må nekte deg kjøpet" in notice("tp-ecommerce.yaml", "nb")


def test_pilaro_bookkeeping_is_statutory() -> None:
    # PI: "Oppfylle rettslige forpliktelser (herunder bokføring).GDPR, artikkel 6, nr, 1 bokstav c."
    nb = section(notice("pilaro.yaml", "nb"), "## Må du gi oss opplysningene?")
    assert re.search(r"Rettslige forpliktelser, herunder bokføring:\*\* Loven krever", nb)


# --- TZ9: complaint records ----------------------------------------------------------------------------------

def test_tz_complaints_rest_on_legitimate_interest_counted_from_the_day_the_goods_were_taken_over() -> None:
    # TZ: "Videre vil vi noen ganger ha rettslig plikt til å registrere og lagre informasjon om ditt
    # kundeforhold, for eksempel dersom du reklamere på et produkt." forbrukerkjøpsloven § 27 is a deadline to
    # complain, not a duty to store (../shared/LEGAL.md): the basis is (f), counted from the take-over.
    complaints = policy("tek-zence.yaml").purpose("complaints")
    assert complaints is not None and complaints.legal_basis.article == "f"
    nb = section(notice("tek-zence.yaml", "nb"), "### Reklamasjoner")
    en = section(notice("tek-zence.yaml", "en"), "### Complaints about goods")
    assert "berettiget interesse" in nb.lower() and "forbrukerkjøpsloven § 27" in nb
    assert "legitimate interest" in en.lower() and "forbrukerkjøpsloven § 27" in en
    retention_nb = section(notice("tek-zence.yaml", "nb"), "## Hvor lenge vi lagrer opplysningene")
    retention_en = section(notice("tek-zence.yaml", "en"), "## How long we keep your data")
    assert "5 år etter at du overtok varen (forbrukerkjøpsloven § 27" in retention_nb
    # kept on an erasure request for legal claims (Art. 17(3)(e)), not because a law requires it (17(3)(b))
    assert ("beholder vi likevel opplysningene til «Reklamasjoner» så lenge de trengs for å fastsette, gjøre "
            "gjeldende eller forsvare rettskrav") in retention_nb
    assert "«Reklamasjoner» så lenge loven krever det" not in retention_nb
    assert ("we still keep the data for “Complaints about goods” for as long as it is needed to establish, "
            "exercise or defend legal claims") in retention_en


# --- KL: analyses on legitimate interest (EDPB Guidelines 2/2019) -------------------------------------------

def test_kl_analyses_rest_on_legitimate_interest_with_a_balancing_note() -> None:
    # KL: "... med støtte av rettslig grunn når vi håndterer ordre, ... og analyser." EDPB Guidelines 2/2019
    # (paras 48-57): analyses are not necessary for performing the contract; Art. 6(1)(f) with a balancing.
    follow_up = policy("kl-miljovarme.yaml").purpose("customer_follow_up")
    assert follow_up is not None and follow_up.legal_basis.article == "f"
    nb = section(notice("kl-miljovarme.yaml", "nb"), "### Kundeoppfølging, kundeanalyser og statistikk")
    en = section(notice("kl-miljovarme.yaml", "en"), "### Customer follow-up, analyses and statistics")
    assert "berettiget interesse" in nb.lower() and "avveid" in nb
    assert "legitimate interest" in en.lower() and "weighed" in en


# --- marketing to existing customers: customer_for and the phone exception ---------------------------------

@pytest.mark.parametrize("name", ["kl-miljovarme.yaml", "pilaro.yaml", "sensornordic.yaml", "tp-ecommerce.yaml"])
def test_existing_customer_marketing_states_how_long_the_relationship_lasts(name: str) -> None:
    assert "i 24 måneder etter siste kjøp" in notice(name, "nb")
    assert "for 24 months after your last purchase" in notice(name, "en")


def test_the_phone_exception_for_reserved_customers_is_stated() -> None:
    p = load_policy(POLICIES / "pilaro.yaml").policy
    m = p.purpose("marketing_existing_customers")
    assert m is not None and m.marketing is not None
    phoned = p.model_copy(update={"purposes": [
        q.model_copy(update={"marketing": m.marketing.model_copy(update={"reserved_existing_customers": ["phone"]})})
        if q.key == m.key else q for q in p.purposes]})
    nb = " ".join(render_notice(phoned, "nb", "md").split())
    en = " ".join(render_notice(phoned, "en", "md").split())
    assert "ringe deg selv om du har reservert deg i Reservasjonsregisteret" in nb
    assert "call you even if you are listed in the Reservation Register" in en
    assert "ringe deg selv om" not in notice("pilaro.yaml", "nb")
