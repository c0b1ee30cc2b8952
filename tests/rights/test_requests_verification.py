"""Identity verification by e-mail: one-time codes for requests, single-use links for the portal."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from personvern.errors import NotFound, RegisterError
from personvern.register import Register
from personvern.register import schema as t
from personvern.register.outbox import body_of
from personvern.rights import requests as rq
from personvern.rights import verification as vf


def _last_code(reg: Register) -> tuple[Any, str]:
    with reg.engine.connect() as c:
        row = c.execute(select(t.outbox).where(t.outbox.c.topic == "verification_code")
                        .order_by(t.outbox.c.id.desc())).first()
    match = re.search(r"\b(\d{6})\b", body_of(reg, row)["text"])
    assert match
    return row, match.group(1)


@pytest.mark.promise("TP13a")
def test_a_code_sent_by_email_verifies_the_request(reg: Register) -> None:
    ref = reg.add_subject("customer", {"email": "kari@example.no"})
    v = rq.open_request(reg, "access", subject=ref, channel="portal")
    vf.send_code(reg, v.ref, " Kari@Example.no ")
    row, code = _last_code(reg)
    assert row.destination == "k***@example.no" and row.request_id == v.id and row.kind == "email"
    with reg.engine.connect() as c:
        stored = c.execute(select(t.verifications)).one()
    assert code not in stored.token_hash and stored.sent_to == "k***@example.no"
    v = vf.check_code(reg, v.ref, code)
    assert (v.status, v.verification_method, v.verified_by) == ("verified", "email_code", "subject")


def test_the_code_goes_only_to_an_address_the_register_has_for_the_subject(reg: Register) -> None:
    ref = reg.add_subject("customer", {"email": "kari@example.no"})
    reg.add_subject("customer", {"email": "ola@example.no"})
    v = rq.open_request(reg, "access", subject=ref, channel="email")
    with pytest.raises(RegisterError, match="not one the register has") as err:
        vf.send_code(reg, v.ref, "ola@example.no")
    assert err.value.field == "email"
    with pytest.raises(RegisterError) as err:
        vf.send_code(reg, v.ref, "not an address")
    assert err.value.field == "email"


def test_an_anonymous_request_is_tied_to_the_subject_whose_address_verified_it(reg: Register) -> None:
    ref = reg.add_subject("customer", {"email": "kari@example.no"})
    v = rq.open_request(reg, "access", subject=None, channel="email")
    vf.send_code(reg, v.ref, "kari@example.no")
    _row, code = _last_code(reg)
    assert vf.check_code(reg, v.ref, code).subject_ref == ref


def test_wrong_codes_count_and_five_are_the_limit(reg: Register) -> None:
    ref = reg.add_subject("customer", {"email": "kari@example.no"})
    v = rq.open_request(reg, "access", subject=ref, channel="email")
    vf.send_code(reg, v.ref, "kari@example.no")
    _row, code = _last_code(reg)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for left in (4, 3, 2, 1, 0):
        with pytest.raises(RegisterError, match=f"wrong code \\({left} attempt"):
            vf.check_code(reg, v.ref, wrong)
    with pytest.raises(RegisterError, match="too many wrong attempts"):
        vf.check_code(reg, v.ref, code)  # even the right code, now
    assert rq.get_request(reg, v.ref).status == "received"


def test_a_code_expires_after_thirty_minutes(reg: Register, clock: Any) -> None:
    ref = reg.add_subject("customer", {"email": "kari@example.no"})
    v = rq.open_request(reg, "access", subject=ref, channel="email")
    vf.send_code(reg, v.ref, "kari@example.no")
    _row, code = _last_code(reg)
    clock.now = clock.now + timedelta(minutes=31)
    with pytest.raises(RegisterError, match="expired"):
        vf.check_code(reg, v.ref, code)
    with pytest.raises(NotFound):
        vf.check_code(reg, rq.open_request(reg, "erasure", subject=ref, channel="email").ref, code)


def test_magic_links_are_single_use_short_lived_and_rate_limited(reg: Register, clock: Any) -> None:
    ref = reg.add_subject("customer", {"email": "kari@example.no"})
    with reg.engine.connect() as c:
        sid = reg.subject_id(c, ref)
    token = vf.issue_token(reg, purpose="portal_login", subject_id=sid, address="kari@example.no",
                           ttl=timedelta(minutes=15))
    with pytest.raises(RegisterError, match="invalid, already used or expired"):
        vf.redeem_token(reg, token, purpose="request")
    assert vf.redeem_token(reg, token, purpose="portal_login").subject_id == sid
    with pytest.raises(RegisterError, match="invalid, already used or expired"):
        vf.redeem_token(reg, token, purpose="portal_login")
    late = vf.issue_token(reg, purpose="portal_login", subject_id=sid, address="kari@example.no",
                          ttl=timedelta(minutes=15))
    clock.now = clock.now + timedelta(minutes=16)
    with pytest.raises(RegisterError, match="expired"):
        vf.redeem_token(reg, late, purpose="portal_login")
    for _ in range(vf.MAX_PER_HOUR - 2):  # two links went to this address already
        vf.issue_token(reg, purpose="portal_login", address="KARI@example.no", ttl=timedelta(minutes=15))
    with pytest.raises(RegisterError, match="too many") as err:
        vf.issue_token(reg, purpose="portal_login", address="kari@example.no", ttl=timedelta(minutes=15))
    assert err.value.field == "address"
    clock.now = clock.now + timedelta(hours=1)
    assert vf.issue_token(reg, purpose="portal_login", address="kari@example.no", ttl=timedelta(minutes=15))
    assert isinstance(clock.now, datetime)
