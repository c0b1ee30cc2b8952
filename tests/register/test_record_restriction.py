"""Restrictions of single records (Art. 18(1)(a)/(d), TP13d) are enforced by ``Register.read`` and ``write``.

An objection to a legitimate-interest purpose restricts each record of that purpose (rights/handle.py
``object_to``); a contested record is restricted alone. Ordinary use leaves those records out; the uses
Art. 18(2) allows still see them.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from personvern import audit
from personvern.errors import RestrictedProcessing
from personvern.register import Register, holds
from personvern.register import schema as t
from personvern.rights import handle
from personvern.rights import requests as rq


def _kari_with_two_purposes(reg: Register) -> tuple[str, int, int]:
    ref = reg.add_subject("customer", {"email": "kari@example.no"})
    profile = reg.write(ref, "customer_profile", ["user.name"], {"user.name": "Kari"})
    service = reg.write(ref, "customer_service", ["custom.correspondence"], {"custom.correspondence": "Hei"})
    return ref, profile, service


@pytest.mark.promise("TP13d")
def test_a_restricted_record_is_left_out_of_ordinary_reads_but_not_of_legal_claims(reg: Register) -> None:
    ref, profile, service = _kari_with_two_purposes(reg)
    holds.restrict(reg, ref, ground="accuracy", reason="kunden bestrider navnet", by="po", record=profile)
    assert [r.id for r in reg.read(ref)] == [service]
    assert reg.read(ref, "customer_profile") == []
    assert [r.id for r in reg.read(ref, use="legal_claims")] == [profile, service]
    assert [r.id for r in reg.read(ref, "customer_profile", use="storage")] == [profile]
    with pytest.raises(RestrictedProcessing, match="kunden bestrider navnet"):
        reg.check_use(ref, "customer_profile", record=profile)
    reg.check_use(ref, "customer_service", record=service)


def test_the_read_audit_entry_names_only_the_records_read(reg: Register) -> None:
    ref, profile, service = _kari_with_two_purposes(reg)
    holds.restrict(reg, ref, ground="accuracy", reason="bestridt", by="po", record=profile)
    reg.read(ref)
    with reg.engine.connect() as c:
        [last] = audit.entries(c, ref, actions=["record.read"], newest_first=True, limit=1)
    assert last.record_ids == (service,)


def test_a_read_with_restricted_records_costs_no_extra_query(reg: Register) -> None:
    ref, profile, service = _kari_with_two_purposes(reg)
    with reg.trace() as before:
        reg.read(ref)
    for _ in range(3):  # several restrictions, on several records: still one records query
        holds.restrict(reg, ref, ground="accuracy", reason="bestridt", by="po", record=profile)
    holds.restrict(reg, ref, ground="accuracy", reason="bestridt", by="po", record=service)
    with reg.trace() as after:
        assert reg.read(ref) == []
    assert len(after) <= len(before)  # (no rows read: not even the key is fetched)


def test_a_record_kept_for_its_own_purpose_is_read_for_that_purpose(reg: Register) -> None:
    ref, profile, _ = _kari_with_two_purposes(reg)
    holds.restrict(reg, ref, ground="erasure_blocked", reason="kept", by="po", record=profile,
                 except_purpose="customer_profile")
    assert [r.id for r in reg.read(ref, "customer_profile")] == [profile]


@pytest.mark.promise("TP13d")
def test_an_objection_to_a_purpose_stops_reads_and_writes_of_it_until_decided(reg: Register) -> None:
    ref, profile, service = _kari_with_two_purposes(reg)
    opened = rq.open_request(reg, "objection", subject=ref, channel="email")
    req = rq.verify(reg, opened.ref, method="id_document", by="ola").ref
    handle.object_to(reg, req, purpose="customer_profile", by="ola")
    assert reg.read(ref, "customer_profile") == []
    assert [r.id for r in reg.read(ref)] == [service]
    with pytest.raises(RestrictedProcessing, match=r"objected to 'customer_profile'.*Art. 18\(1\)\(d\)") as err:
        reg.write(ref, "customer_profile", ["user.name"], {"user.name": "Kari N."})
    assert err.value.field == "purpose"
    reg.write(ref, "customer_service", ["custom.correspondence"], {"custom.correspondence": "Takk"})
    handle.decide_objection(reg, req, False, "garantioppfølging veier tyngre", by="po")
    assert [r.id for r in reg.read(ref, "customer_profile")] == [profile]
    reg.write(ref, "customer_profile", ["user.name"], {"user.name": "Kari N."})


def test_a_contested_record_does_not_stop_new_records_of_its_purpose(reg: Register) -> None:
    ref, profile, _ = _kari_with_two_purposes(reg)
    holds.restrict(reg, ref, ground="accuracy", reason="bestridt", by="po", record=profile)
    new = reg.write(ref, "customer_profile", ["user.name"], {"user.name": "Kari Nordmann"})
    assert [r.id for r in reg.read(ref, "customer_profile")] == [new]
    with reg.engine.connect() as c:
        assert c.execute(select(t.records.c.id).where(t.records.c.id == profile)).scalar() == profile
