"""Policy diffs (TP16): what changed, and which changes must be told to the data subjects directly."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from personvern.notice import diff_policies
from personvern.policy import Retention, load_policy
from personvern.policy.model import Consent, LegalBasis, Policy, Recipient, SpecialCondition, Text, Transfer

POLICIES = Path(__file__).resolve().parents[2] / "examples" / "policies"
FILES = sorted(POLICIES.glob("*.yaml"))


@cache
def tz() -> Policy:
    return load_policy(POLICIES / "tek-zence.yaml").policy


def with_purpose(policy: Policy, key: str, **update: object) -> Policy:
    purposes = [p.model_copy(update=update) if p.key == key else p for p in policy.purposes]
    return policy.model_copy(update={"purposes": purposes})


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_a_policy_has_no_changes_against_itself(path: Path) -> None:
    policy = load_policy(path).policy
    assert not diff_policies(policy, policy)


@pytest.mark.promise("TP16")
def test_new_purpose_is_material_and_its_removal_is_not() -> None:
    old = tz()
    extra = old.purposes[0].model_copy(
        update={"key": "newsletter", "name": Text(nb="Nyhetsbrev", en="Newsletter")}
    )
    new = old.model_copy(update={"purposes": [*old.purposes, extra]})
    added = diff_policies(old, new)
    assert [(c.kind, c.key, c.material) for c in added] == [("purpose_added", "newsletter", True)]
    assert "Newsletter" in added.changes[0].description
    removed = diff_policies(new, old)
    assert [(c.kind, c.material) for c in removed] == [("purpose_removed", False)]
    assert not removed.has_material


@pytest.mark.promise("TP16")
def test_another_art_9_2_condition_is_material() -> None:
    """Art. 9(2): the condition that allows special categories is part of the basis the notice states."""
    old = with_purpose(tz(), "customer_profile", special_categories=["user.health_and_medical"],
                       special_condition=SpecialCondition(point="a"))
    new = with_purpose(old, "customer_profile", special_condition=SpecialCondition(point="f"))
    changes = diff_policies(old, new)
    assert [(c.kind, c.material) for c in changes] == [("special_condition_changed", True)]
    assert "legal claims, GDPR Art. 9(2)(f)" in changes.changes[0].description


def test_new_recipient_is_material() -> None:
    old = tz()
    insurer = Recipient(
        key="insurer",
        name=Text(nb="Forsikring", en="Insurer"),
        role="independent_controller",
        purposes=["customer_profile"],
        categories=["user.name"],
    )
    diff = diff_policies(old, old.model_copy(update={"recipients": [*old.recipients, insurer]}))
    assert diff.kinds() == {"recipient_added"}
    assert diff.has_material


@pytest.mark.promise("TP16")
@pytest.mark.promise("TP11")
def test_moving_a_recipient_outside_the_eea_is_a_material_transfer() -> None:
    old = tz()
    moved = [r.model_copy(update={"country": "US", "safeguard": "scc"}) for r in old.recipients]
    diff = diff_policies(old, old.model_copy(update={"recipients": moved}))
    transfer = [c for c in diff if c.kind == "transfer_added"]
    assert transfer and transfer[0].material
    assert "US" in transfer[0].description


@pytest.mark.promise("TP16")
@pytest.mark.promise("TP11")
def test_an_occasional_transfer_outside_the_eea_is_material_and_its_removal_is_not() -> None:
    old = tz()
    sometimes = Transfer(when=Text(nb="ved support", en="for support"), safeguards=["scc"])
    new = old.model_copy(update={"recipients": [r.model_copy(update={"transfer": sometimes})
                                                for r in old.recipients]})
    added = diff_policies(old, new)
    assert [(c.kind, c.material) for c in added] == [("transfer_added", True)]
    assert "for support" in added.changes[0].description
    assert not diff_policies(new, old).has_material


@pytest.mark.promise("TP16")
@pytest.mark.promise("SN5")
def test_dropping_the_never_sold_promise_is_material_and_making_it_is_not() -> None:
    old = load_policy(POLICIES / "sensornordic.yaml").policy
    new = old.model_copy(update={"commitments": old.commitments.model_copy(update={"never_sold": False})})
    dropped = diff_policies(old, new)
    assert [(c.kind, c.key, c.material) for c in dropped] == [("commitment_changed", "never_sold", True)]
    assert not diff_policies(new, old).has_material


@pytest.mark.promise("TP16")
def test_longer_retention_is_material_and_shorter_is_not() -> None:
    old = tz()
    longer = with_purpose(
        old,
        "delivery_installation",
        retention=Retention.model_validate("6 months after installation.completed"),
    )
    diff = diff_policies(old, longer)
    assert [(c.kind, c.material) for c in diff] == [("retention_longer", True)]
    assert "3 months after the delivery or installation is done" in diff.changes[0].description
    shorter = with_purpose(
        old,
        "delivery_installation",
        retention=Retention.model_validate("1 month after installation.completed"),
    )
    assert [(c.kind, c.material) for c in diff_policies(old, shorter)] == [("retention_shorter", False)]


def test_retention_that_is_neither_longer_nor_shorter_counts_as_material() -> None:
    old = tz()
    other = with_purpose(
        old, "delivery_installation", retention=Retention.model_validate("until case.closed")
    )
    diff = diff_policies(old, other)
    assert [(c.kind, c.material) for c in diff] == [("retention_changed", True)]


def test_dropping_the_open_ended_part_of_later_of_is_shorter() -> None:
    old = tz()
    statute_only = with_purpose(
        old,
        "customer_profile",
        retention=Retention.model_validate("forbrukerkjopsloven.complaint_long after purchase.made"),
    )
    assert [(c.kind, c.material) for c in diff_policies(old, statute_only)] == [("retention_shorter", False)]


@pytest.mark.promise("TP16")
def test_changed_legal_basis_is_material() -> None:
    old = tz()
    consent = LegalBasis(
        article="a",
        consent=Consent(
            given=Text(nb="Avkryssing", en="Tick box"), withdrawn=Text(nb="Min side", en="My page")
        ),
    )
    diff = diff_policies(old, with_purpose(old, "customer_profile", legal_basis=consent))
    assert [(c.kind, c.material) for c in diff] == [("basis_changed", True)]
    assert "legitimate interest" in diff.changes[0].description
    assert "consent" in diff.changes[0].description


@pytest.mark.promise("TP16")
def test_new_category_is_material() -> None:
    old = tz()
    purpose = old.purpose("customer_profile")
    assert purpose is not None
    new = with_purpose(
        old, "customer_profile", categories=[*purpose.categories, "user.demographic.date_of_birth"]
    )
    diff = diff_policies(old, new)
    assert [(c.kind, c.material) for c in diff] == [("category_added", True)]


@pytest.mark.promise("TP16")
def test_wording_change_is_listed_but_not_material() -> None:
    old = tz()
    reworded = with_purpose(old, "customer_profile", description=Text(nb="Ny tekst.", en="New text."))
    diff = diff_policies(old, reworded)
    assert [(c.kind, c.material) for c in diff] == [("wording", False)]
    assert not diff.has_material
    assert diff.material == []


def test_new_automated_decision_is_material() -> None:
    old = tz()
    diff = diff_policies(old, with_purpose(old, "customer_profile", automated_decision=True))
    assert [(c.kind, c.material) for c in diff] == [("automated_decision_added", True)]


def test_descriptions_use_names_in_the_requested_language() -> None:
    old = tz()
    extra = old.purposes[0].model_copy(
        update={"key": "newsletter", "name": Text(nb="Nyhetsbrev", en="Newsletter")}
    )
    diff = diff_policies(old, old.model_copy(update={"purposes": [*old.purposes, extra]}), lang="nb")
    assert "Nyhetsbrev" in diff.changes[0].description
