"""The consent ledger: per purpose and channel, with proof; withdrawal as easy as giving (Art. 7)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from personvern import audit
from personvern.consent import current, give, history, may_contact, withdraw
from personvern.consent.ledger import give as _give
from personvern.consent.ledger import withdraw as _withdraw
from personvern.errors import ConsentRequired, RegisterError
from personvern.register import Register
from personvern.register import schema as t

SHOWN = "Ja takk, send meg nyhetsbrev på e-post. Du kan melde deg av i hver e-post."


def test_give_keeps_the_exact_text_by_its_hash_with_policy_version_and_method(shop: Register, person) -> None:  # type: ignore[no-untyped-def]
    ref = person()
    cid = give(shop, ref, "marketing", channel="email", method="web_form", text=SHOWN, lang="nb")
    digest = hashlib.sha256(SHOWN.encode()).hexdigest()
    with shop.engine.connect() as c:
        row = c.execute(select(t.consents).where(t.consents.c.id == cid)).one()
        stored = c.execute(select(t.consent_texts).where(t.consent_texts.c.hash == digest)).one()
    assert (row.text_hash, row.method, row.actor, row.channel) == (digest, "web_form", "subject", "email")
    assert row.policy_version == shop.policy.policy.version
    assert (stored.text, stored.lang) == (SHOWN, "nb")
    [e] = history(shop, ref)
    assert (e.action, e.text_hash, e.policy_version, e.by) == ("given", digest, shop.policy.policy.version,
                                                                 "subject")


def test_the_same_text_is_stored_once(shop: Register, person) -> None:  # type: ignore[no-untyped-def]
    a, b = person(), person()
    give(shop, a, "marketing", channel="email", method="web_form", text=SHOWN)
    give(shop, b, "marketing", channel="sms", method="web_form", text=SHOWN)
    with shop.engine.connect() as c:
        assert c.execute(select(func.count()).select_from(t.consent_texts)).scalar_one() == 1


@pytest.mark.promise("TP13f")
def test_current_state_is_per_channel_and_derived_from_history(shop: Register, person, clock) -> None:  # type: ignore[no-untyped-def]
    ref = person()
    give(shop, ref, "marketing", channel="email", method="web_form", text=SHOWN)
    give(shop, ref, "marketing", channel="sms", method="web_form", text=SHOWN)
    clock.now += timedelta(days=3)
    assert withdraw(shop, ref, "marketing", channel="sms", by="subject") == 1
    states = {(s.purpose, s.channel): s.state for s in current(shop, ref)}
    assert states[("marketing", "email")] == "given"
    assert states[("marketing", "sms")] == "withdrawn"
    assert states[("marketing", "post")] == "never"
    assert [(e.channel, e.action) for e in history(shop, ref)] == [
        ("email", "given"), ("sms", "given"), ("sms", "withdrawn")]
    assert may_contact(shop, ref, "marketing", "email").code == "consent"
    assert may_contact(shop, ref, "marketing", "sms").code == "objected"


@pytest.mark.promise("KL7")
def test_withdrawing_every_channel_is_one_call(shop: Register, person) -> None:  # type: ignore[no-untyped-def]
    ref = person()
    for ch in ("email", "sms", "phone"):
        give(shop, ref, "marketing", channel=ch, method="web_form", text=SHOWN)
    assert withdraw(shop, ref, "marketing", by="agent:ola") == 3
    assert {s.state for s in current(shop, ref) if s.purpose == "marketing"} == {"withdrawn", "never"}
    assert {e.by for e in history(shop, ref) if e.action == "withdrawn"} == {"agent:ola"}


def test_giving_and_withdrawing_are_audited_with_codes_only(shop: Register, person) -> None:  # type: ignore[no-untyped-def]
    ref = person()
    cid = give(shop, ref, "marketing", channel="email", method="skjema på nettsiden", text=SHOWN)
    withdraw(shop, ref, "marketing", channel="email", by="subject")
    with shop.engine.connect() as c:
        actions = [(e.action, e.details.get("consent_id")) for e in audit.entries(c, ref)]
    assert ("consent.given", cid) in actions and ("consent.withdrawn", cid) in actions


@pytest.mark.parametrize(("purpose", "channel", "field", "words"), [
    ("order", None, "purpose", "not based on consent"),
    ("marketing", "fax", "channel", "unknown channel"),
    ("marketing", None, "channel", "names its channel"),
    ("contact_form", "email", "channel", "does not declare the channel 'email'"),
    ("nonsense", None, "purpose", "not a purpose"),
])
def test_refusals_name_the_field_and_the_reason(shop: Register, person, purpose, channel, field, words) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RegisterError, match=words) as exc:
        give(shop, person(), purpose, channel=channel, method="web_form", text=SHOWN)
    assert exc.value.field == field


def test_a_channel_the_purpose_does_not_declare_is_refused(open_register: Callable[[str], Register]) -> None:
    kl = open_register("kl-miljovarme")  # marketing by post, e-mail and SMS; not by phone
    ref = kl.add_subject("customer", {"email": "a@example.no"})
    with pytest.raises(RegisterError, match="does not declare the channel 'phone'") as exc:
        give(kl, ref, "marketing", channel="phone", method="web_form", text=SHOWN)
    assert exc.value.field == "channel"


@pytest.mark.parametrize(("purpose", "channel", "age", "refused"), [
    ("contact_form", None, 12, "under 13"),  # personopplysningsloven § 5
    ("contact_form", None, 13, None),
    ("marketing", "email", 14, "under 15"),  # Forbrukertilsynet: marketing consent from 15
    ("marketing", "email", 15, None),
])
def test_a_child_below_the_configured_age_cannot_consent(shop: Register, person, purpose, channel, age,
                                                         refused) -> None:  # type: ignore[no-untyped-def]
    ref = person()
    if refused is None:
        assert give(shop, ref, purpose, channel=channel, method="web_form", text=SHOWN, age=age) > 0
        return
    with pytest.raises(RegisterError, match=refused) as exc:
        give(shop, ref, purpose, channel=channel, method="web_form", text=SHOWN, age=age)
    assert exc.value.field == "age"
    assert history(shop, ref) == []


def test_the_ages_are_policy_settings(shop: Register, person) -> None:  # type: ignore[no-untyped-def]
    shop.policy = shop.policy.model_copy(update={"settings": shop.policy.settings.model_copy(
        update={"child_age_online_consent": 15})})
    with pytest.raises(RegisterError, match="under 15"):
        give(shop, person(), "contact_form", channel=None, method="web_form", text=SHOWN, age=14)


def test_consent_is_given_through_the_consent_package_not_the_register(  # type: ignore[no-untyped-def]
        shop: Register, person) -> None:
    """One owner per table (issue 12): consent is not reached through ``Register`` any more."""
    assert not hasattr(shop, "give_consent") and not hasattr(shop, "withdraw_consent")
    ref = person()
    cid = _give(shop, ref, "contact_form", channel=None, text=None, method="web form")  # the policy's wording
    shop.write(ref, "contact_form", ["user.contact.email"], {"user.contact.email": "x"})
    [e] = history(shop, ref)
    assert e.consent_id == cid and e.text_hash is not None
    with pytest.raises(RegisterError, match="names its channel"):
        _give(shop, ref, "marketing", channel=None, text=None, method="web form")
    assert _withdraw(shop, ref, "contact_form", by="subject") == 1
    with pytest.raises(ConsentRequired):
        shop.write(ref, "contact_form", ["user.contact.email"], {"user.contact.email": "x"})
