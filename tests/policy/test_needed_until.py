"""``needed_until``: an erasure request on Art. 17(1)(a) waits for the event that ends the contract (KL6)."""

from __future__ import annotations

from pathlib import Path

import pytest

from personvern.errors import PolicyError
from personvern.policy import load_policy

KL = Path(__file__).resolve().parents[2] / "examples" / "policies" / "kl-miljovarme.yaml"


@pytest.mark.promise("KL6")
def test_the_seed_declares_it_for_the_contract_purposes() -> None:
    policy = load_policy(KL).policy
    assert {p.key: p.needed_until for p in policy.purposes if p.needed_until} == {
        "orders": "customer.relationship_ended", "delivery": "customer.relationship_ended"}


def test_an_undeclared_event_is_refused_naming_purpose_and_event(tmp_path: Path) -> None:
    broken = tmp_path / "kl.yaml"
    broken.write_text(KL.read_text(encoding="utf-8").replace(
        "needed_until: customer.relationship_ended      # KL6", "needed_until: contract.endd"), encoding="utf-8")
    with pytest.raises(PolicyError) as error:
        load_policy(broken)
    assert "purposes[delivery].needed_until: unknown event 'contract.endd'" in str(error.value.problems[0])
