"""Erasure with its statutory exceptions (TZ4, TP13c) and restriction of processing (Art. 18, TP13d)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from personvern.errors import CryptoError, NotFound, RestrictedProcessing
from personvern.register import MasterKey, Register, holds
from personvern.register import schema as t
from personvern.register.keys import Keys
from personvern.rights import erase_subject


def _customer_with_order(reg: Register) -> str:
    ref = reg.add_subject("customer", {"email": "kari@example.no", "phone": "+47 975 27 747",
                                       "order_number": "TZ-10042", "customer_number": "K-77"})
    reg.write(ref, "customer_profile", ["user.name", "user.contact.email"],
              {"user.name": "Kari Nordmann", "user.contact.email": "kari@example.no"})
    reg.write(ref, "bookkeeping", ["user.name", "custom.order"],
              {"user.name": "Kari Nordmann", "custom.order": {"order": "TZ-10042", "total": "12 990"}},
              ref="TZ-10042")
    reg.record_event("purchase.made", date(2026, 1, 5), subject=ref)
    return ref


@pytest.mark.promise("TZ4")
def test_erasure_seals_bookkeeping_found_only_by_order_number_until_bokforingsloven_ends(reg: Register) -> None:
    ref = _customer_with_order(reg)
    result = erase_subject(reg, ref, ground="a", by="privacy-officer")
    assert result.erased == {"customer_profile": 1}
    [kept] = result.kept
    assert (kept.purpose, kept.outcome, kept.ground) == ("bookkeeping", "sealed", "bokføringsloven § 13")
    # 5 years from the end of the accounting year of the purchase (bokføringsloven § 13)
    assert kept.until == date(2032, 1, 1)  # kept to the close of 31 Dec 2031
    assert result.subject_removed
    # no name, e-mail, phone or customer number finds anything
    for kind, value in [("email", "kari@example.no"), ("phone", "97527747"), ("customer_number", "K-77"),
                        ("order_number", "TZ-10042")]:
        assert reg.find(kind, value) == []
    # the order number on the original voucher does, and only it opens the sealed payload
    [sealed] = reg.find_sealed("tz-10042")
    assert sealed.payload == {"user.name": "Kari Nordmann", "custom.order": {"order": "TZ-10042", "total": "12 990"}}
    with pytest.raises(NotFound):
        reg.find_sealed("TZ-10043")
    with reg.engine.connect() as c:
        row = c.execute(select(t.records).where(t.records.c.state == "sealed")).one()
    assert row.subject_id is None and row.ref is None and b"Kari" not in row.payload
    # ... until the statutory period ends
    assert reg.sweep(date(2031, 12, 31)).total == 0
    assert reg.sweep(date(2032, 1, 1)).deleted == {"bookkeeping": 1}
    with pytest.raises(NotFound):
        reg.find_sealed("TZ-10042")


@pytest.mark.promise("TZ4")
def test_erasure_shreds_the_subjects_key_in_the_live_database(reg: Register) -> None:
    """Crypto-shredding in the live database: the subject's wrapped key row is deleted, so nothing encrypted
    under it can be decrypted from this database any more. It does not reach a backup taken before the
    erasure, which still holds the wrapped key (docs/security.md, "The limit: backups"; replay after restore
    is tests/security/test_security_erasure_replay.py)."""
    ref = _customer_with_order(reg)
    with reg.engine.connect() as c:
        sid = reg.subject_id(c, ref)
        wrapped = c.execute(select(t.subject_keys.c.wrapped).where(t.subject_keys.c.subject_id == sid)).scalar()
    assert wrapped is not None
    erase_subject(reg, ref, ground="a", by="po")
    with reg.engine.connect() as c:
        assert c.execute(select(t.subject_keys).where(t.subject_keys.c.subject_id == sid)).first() is None
        with pytest.raises(CryptoError, match="crypto-shredded"):
            reg.keys.subject_key(c, sid)


@pytest.mark.promise("TP13c")
def test_erasure_blocked_by_a_legal_obligation_keeps_the_record_restricted_to_that_purpose(reg: Register) -> None:
    ref = reg.add_subject("customer", {"email": "kari@example.no"})
    reg.write(ref, "complaints", ["custom.correspondence"], {"custom.correspondence": "Reklamasjon på TV"})
    reg.write(ref, "customer_profile", ["user.name"], {"user.name": "Kari"})
    result = erase_subject(reg, ref, ground="a", by="po")
    assert result.erased == {"customer_profile": 1}
    assert [(k.purpose, k.outcome, k.ground) for k in result.kept] == [
        ("complaints", "kept", "forbrukerkjøpsloven § 27")]
    assert not result.subject_removed
    with pytest.raises(RestrictedProcessing, match="may only be used for 'complaints'"):
        reg.read(ref, "customer_profile")
    assert [r.purpose for r in reg.read(ref, "complaints")] == ["complaints"]


def test_a_hold_on_the_subject_keeps_everything_through_erasure_and_says_why(reg: Register) -> None:
    ref = _customer_with_order(reg)
    reg.place_hold(subject=ref, reason="rettstvist, Oslo tingrett 26-1234", by="po")
    result = erase_subject(reg, ref, ground="a", by="po")
    assert result.erased == {} and {k.outcome for k in result.kept} == {"held"}
    assert all("rettstvist" in k.ground for k in result.kept)


@pytest.mark.promise("TP13d")
def test_restricted_subject_refuses_ordinary_use_but_allows_storage_and_legal_claims(reg: Register) -> None:
    ref = reg.add_subject("customer")
    reg.write(ref, "customer_profile", ["user.name"], {"user.name": "Kari"})
    holds.restrict(reg, ref, ground="accuracy", reason="kunden bestrider adressen", by="po")
    with pytest.raises(RestrictedProcessing, match=r"accuracy: kunden bestrider adressen.*Art. 18\(2\)"):
        reg.read(ref)
    with pytest.raises(RestrictedProcessing):
        reg.write(ref, "customer_profile", ["user.name"], {"user.name": "Kari N."})
    assert len(reg.read(ref, use="storage")) == 1
    assert len(reg.read(ref, use="legal_claims")) == 1


def test_lifting_a_restriction_allows_use_again(reg: Register) -> None:
    from personvern.register.holds import lift_restriction

    ref = reg.add_subject("customer")
    rid = holds.restrict(reg, ref, ground="objection", reason="innsigelse vurderes", by="po")
    lift_restriction(reg, rid)
    assert reg.read(ref) == []
    with pytest.raises(NotFound):
        lift_restriction(reg, rid)


def test_a_wrong_master_key_is_refused_clearly(reg: Register) -> None:
    with reg.engine.begin() as c, pytest.raises(CryptoError, match="wrapped by master key"):
        Keys.load(c, MasterKey.generate())
