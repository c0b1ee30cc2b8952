"""The built-in categories and subjects are fideslang's keys, with Norwegian and English labels."""

from __future__ import annotations

from importlib.resources import files

import pytest
from fideslang.default_taxonomy import DEFAULT_TAXONOMY
from ruamel.yaml import YAML

from personvern.policy import taxonomy

RAW = YAML(typ="safe").load(files("personvern.policy").joinpath("taxonomy.yaml").read_text("utf-8"))
FIDES = {
    "categories": {c.fides_key for c in DEFAULT_TAXONOMY.data_category},
    "subjects": {s.fides_key for s in DEFAULT_TAXONOMY.data_subject},
}


@pytest.mark.parametrize("kind", ["categories", "subjects"])
def test_every_key_is_in_fideslangs_default_taxonomy(kind: str) -> None:
    assert sorted(set(RAW[kind]) - FIDES[kind]) == []


@pytest.mark.parametrize("kind", ["categories", "subjects"])
def test_every_parent_of_a_key_is_a_key(kind: str) -> None:
    keys = set(RAW[kind])
    assert sorted(k for k in keys if "." in k and k.rsplit(".", 1)[0] not in keys) == []


@pytest.mark.parametrize("kind", ["categories", "subjects"])
def test_norwegian_labels_are_translated(kind: str) -> None:
    assert {k: v["en"] for k, v in RAW[kind].items() if v["nb"] == v["en"]} == {}


@pytest.mark.parametrize("kind", ["categories", "subjects"])
def test_labels_read_inside_a_sentence(kind: str) -> None:
    """Lower case, as in "we keep your e-mail address"; abbreviations such as IP and ID stay capitals."""
    for lang in ("nb", "en"):
        labels = [v[lang] for v in RAW[kind].values()]
        capitalised = [t for t in labels if t[:1].isupper() and not t[:2].isupper()]
        assert capitalised == [], lang


@pytest.mark.parametrize(("key", "nb", "en"), [
    ("user.contact.email", "e-postadresse", "e-mail address"),
    ("user.government_id.national_identification_number", "fødselsnummer eller D-nummer",
     "national identity number"),
    ("user.behavior.purchase_history", "kjøpshistorikk", "purchase history"),
])
def test_category_labels(key: str, nb: str, en: str) -> None:
    label = taxonomy.builtin_categories()[key]
    assert (label.nb, label.en) == (nb, en)


@pytest.mark.parametrize(("key", "nb"), [
    ("customer", "kunder"), ("job_applicant", "jobbsøkere"), ("prospect", "potensielle kunder"),
    ("next_of_kin", "pårørende"),
])
def test_subject_labels(key: str, nb: str) -> None:
    assert taxonomy.builtin_subjects()[key].nb == nb
