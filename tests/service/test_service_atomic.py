"""A service action is one transaction: a failure after the record is written leaves nothing behind (Art. 5(2)).

The contact log, a case and an alarm contact each write a record and a row of their own with the audit entries;
a record without its log row (or the reverse) would be data no screen shows and no audit entry explains.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from personvern.register import Register
from personvern.register import schema as t
from personvern.service import add_alarm_contact, log_contact, open_case

alarm = sys.modules["personvern.service.alarm"]  # the modules (``service.cases`` is also a function's name)
case_module = sys.modules["personvern.service.cases"]
contact = sys.modules["personvern.service.contact"]


class Boom(Exception):
    pass


def _fail(*_: Any, **__: Any) -> Any:
    raise Boom("the step after the record write failed")


def _count(reg: Register, table: Any) -> int:
    with reg.engine.connect() as c:
        return int(c.execute(select(func.count()).select_from(table)).scalar_one())


def _state(reg: Register) -> dict[str, int]:
    state = {name: _count(reg, table) for name, table in [
        ("subjects", t.subjects), ("records", t.records), ("identifiers", t.identifiers),
        ("contact_log", t.contact_log), ("cases", t.cases), ("outbox", t.outbox), ("audit", t.audit_log)]}
    state["audit"] += _count(reg, t.audit_reads)  # audited reads wait in the journal until sealed (issue 13)
    return state


def test_a_failed_contact_log_leaves_no_record(reg: Register, monkeypatch: pytest.MonkeyPatch) -> None:
    ref = reg.add_subject("customer", {"email": "kari@example.no"})
    before = _state(reg)
    monkeypatch.setattr(contact, "ContactLogged", _fail)
    with pytest.raises(Boom):
        log_contact(reg, ref, channel="email", direction="in", purpose="customer_service", by="agent7",
                    text="Hei, jeg lurer på leveringen")
    assert _state(reg) == before


def test_a_failed_case_leaves_neither_record_nor_new_profile(reg: Register, monkeypatch: pytest.MonkeyPatch) -> None:
    before = _state(reg)
    monkeypatch.setattr(case_module, "CaseOpened", _fail)
    with pytest.raises(Boom):
        open_case(reg, identifiers={"phone": "+47 975 27 747"}, kind="complaint", purpose="customer_service",
                  by="agent7")
    after = _state(reg)
    assert after.pop("audit") == before.pop("audit") + 1  # only the lookup that found no profile (TP12)
    assert after == before


@pytest.mark.promise("SN2d")
def test_a_failed_alarm_contact_leaves_no_contact(open_register: Callable[[str], Register],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    sn = open_register("sensornordic")
    customer = sn.add_subject("customer", {"email": "eier@example.no"})
    before = _state(sn)
    monkeypatch.setattr(alarm, "_send_notice", _fail)
    with pytest.raises(Boom):
        add_alarm_contact(sn, customer, {"email": "nabo@example.no"}, name="Nils Nabo", informed_confirmed=True,
                          by="agent7")
    assert _state(sn) == before
