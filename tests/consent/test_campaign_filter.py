"""The campaign filter agrees with may_contact for every subject of a mixed population, in a fixed number of
queries whatever the population's size."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from personvern.consent import campaign, give, import_reservations, may_contact, object_to_marketing, suppress
from personvern.consent.campaign import decisions
from personvern.consent.decision import plan_for
from personvern.consent.ledger import withdraw as _withdraw
from personvern.register import Register, holds

CHANNELS = ("email", "sms", "post", "phone")
MOMENTS = (datetime(2026, 1, 5, 12, tzinfo=UTC),  # Monday 13:00 Oslo, fresh wash
           datetime(2026, 1, 10, 12, tzinfo=UTC),  # Saturday
           datetime(2026, 3, 2, 12, tzinfo=UTC))  # Monday, the wash is now stale


def population(reg: Register, tmp_path: Path, n: int, seed: int, clock) -> list[str]:  # type: ignore[no-untyped-def]
    """n subjects with every combination of the facts the rules look at, drawn at random."""
    rnd = random.Random(seed)
    refs, reserved = [], []
    for i in range(n):
        clock.now += timedelta(seconds=1)
        kind = rnd.choice(["customer", "customer", "customer", "participant"])
        phone = f"+47 975 2{1000 + i}"
        ref = reg.add_subject(kind, {"email": f"p{i}@example.no", "phone": phone})
        refs.append(ref)
        if kind == "customer" and rnd.random() < 0.5:
            reg.record_event("purchase.completed", date(2026, 1, 2), subject=ref)
        if kind == "customer":
            for ch in CHANNELS:
                if rnd.random() < 0.3:
                    give(reg, ref, "marketing", channel=ch, method="web_form", text="Ja takk.")
        roll = rnd.random() if i >= 5 else (0.05, 0.12, 0.17, 0.22, 0.9)[i]  # each fact at least once
        if roll < 0.1:
            object_to_marketing(reg, ref, by="subject")
            if kind == "customer" and rnd.random() < 0.6:  # a new, explicit consent after the objection
                clock.now += timedelta(minutes=1)
                give(reg, ref, "marketing", channel=rnd.choice(CHANNELS), method="web_form", text="Ja igjen.")
        elif roll < 0.15:
            suppress(reg, None, kind="phone", value=phone, reason="sperreliste")
        elif roll < 0.2:
            holds.restrict(reg, ref, ground="accuracy", reason="contested", by="agent")
        elif roll < 0.25 and kind == "customer":
            _withdraw(reg, ref, "marketing", by="subject", channel=rnd.choice(CHANNELS))
        if rnd.random() < 0.4:
            reserved.append(f"phone,{phone},{rnd.choice(['phone', 'post', 'phone;post'])}")
    f = tmp_path / f"rr{seed}.csv"
    f.write_text("kind,value,channels\n" + "\n".join(reserved) + "\n")
    import_reservations(reg, f, by="po")
    return refs


@pytest.mark.promise("TP13f")
def test_campaign_agrees_with_may_contact_for_every_subject(shop: Register, tmp_path: Path, clock) -> None:  # type: ignore[no-untyped-def]
    refs = population(shop, tmp_path, 20, 1, clock)
    clock.now += timedelta(minutes=1)
    seen = set()
    for at in MOMENTS:
        for ch in CHANNELS:
            plan = plan_for(shop, "marketing", ch, at)
            with shop.engine.connect() as c:
                batch = {ref: code for _id, ref, code in c.execute(decisions(shop, plan))}
            single = {ref: may_contact(shop, ref, "marketing", ch, at=at).code for ref in refs}
            assert batch == single, (at, ch)
            result = campaign(shop, "marketing", ch, at=at)
            assert result.allowed == [r for r in refs if may_contact(shop, r, "marketing", ch, at=at).allowed]
            assert result.total == len(refs)
            seen |= set(single.values())
    # the population exercised the rules, not just one of them
    assert {"consent", "soft_opt_in", "objected", "restricted", "not_a_customer", "subject_not_covered",
            "outside_calling_hours", "reservation_wash_stale"} <= seen


def test_campaign_for_a_service_message_and_for_alarm_contacts(open_register) -> None:  # type: ignore[no-untyped-def]
    sn = open_register("sensornordic")
    customer = sn.add_subject("customer", {"phone": "+47 975 27 747"})
    contact = sn.add_subject("alarm_contact", {"phone": "+47 975 27 748"}, linked_to=customer)
    sn.record_event("alarm_contact.trained", date(2026, 1, 5), subject=contact)
    alarm = {"alarm_triggered": True, "customer_unreachable": True}
    result = campaign(sn, "alarm_contacts", "phone", context=alarm)
    assert (result.counts, result.allowed) == ({"alarm": 1, "subject_not_covered": 1}, [contact])
    assert campaign(sn, "alarm_contacts", "phone").counts == {"alarm_not_triggered": 1, "subject_not_covered": 1}


def test_campaign_runs_a_fixed_number_of_queries(shop: Register, tmp_path: Path, clock) -> None:  # type: ignore[no-untyped-def]
    population(shop, tmp_path, 3, 7, clock)
    with shop.trace() as small:
        campaign(shop, "marketing", "phone")
    population(shop, tmp_path, 12, 8, clock)
    with shop.trace() as large:
        result = campaign(shop, "marketing", "phone")
    assert result.total == 15
    assert len(large) == len(small)
    ours = [q for q in large if "reservation_washes" in q or "anon_1" in q]
    assert len(ours) == 3, ours  # last wash, counts per code, allowed refs; the rest is the audit append
