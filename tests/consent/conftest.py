"""Fixtures of the consent tests: TP's web shop with phone and post added to its marketing channels, so one
register exercises every channel rule, and a helper to make subjects."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest

from personvern.policy import load_policy
from personvern.register import MasterKey, Register

POLICIES = Path(__file__).resolve().parents[2] / "examples" / "policies"


@pytest.fixture
def shop(db_url: str, clock: Callable[[], object]) -> Iterator[Register]:
    """tp-ecommerce, its 'marketing' purpose (soft opt-in, Art. 6(1)(f)) declaring all four channels and
    calling reserved existing customers (markedsføringsloven § 13 third paragraph, its own setting)."""
    policy = load_policy(POLICIES / "tp-ecommerce.yaml").policy
    purposes = []
    for p in policy.purposes:
        if p.key == "marketing" and p.marketing is not None:
            p = p.model_copy(update={"marketing": p.marketing.model_copy(
                update={"channels": ["email", "sms", "post", "phone"], "reserved_existing_customers": ["phone"]})})
        purposes.append(p)
    reg = Register.open(policy.model_copy(update={"purposes": purposes}), db_url,
                        master_key=MasterKey(bytes(range(32))), clock=clock)  # type: ignore[arg-type]
    yield reg
    reg.close()


@pytest.fixture
def person(shop: Register) -> Callable[..., str]:
    """Make a subject of the shop: ``person(phone=..., email=..., bought=True)``."""
    counter = iter(range(1000, 9999))

    def _make(kind: str = "customer", *, bought: bool = False, email: str | None = None,
              phone: str | None = None) -> str:
        n = next(counter)
        ids = {"email": email or f"kunde{n}@example.no", "phone": phone or f"+47 975 2{n}"}
        ref = shop.add_subject(kind, ids)
        if bought:
            shop.record_event("purchase.completed", date(2026, 1, 2), subject=ref)
        return ref

    return _make
