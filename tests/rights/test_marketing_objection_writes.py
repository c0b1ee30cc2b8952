"""Art. 21(3): after an objection to direct marketing 'the personal data shall no longer be processed for such
purposes' — every way of writing data under a marketing purpose refuses it with the same reason: the single
write and the bulk import (issue 12). The rule has one home, ``register.holds``; the import asks it once per
batch. A person who only shares a phone number with the objector (a household's phone) is not refused."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from personvern.errors import RestrictedProcessing
from personvern.register import Register
from personvern.register import schema as t
from personvern.register.ingest import import_file
from personvern.rights import handle
from personvern.rights import requests as rq

REASON = "objected to direct marketing (Art. 21(3))"


def _objected(reg: Register) -> str:
    """Kari objects to direct marketing; her only record was a marketing one, so she leaves the register."""
    ref = reg.add_subject("customer", {"email": "kari@example.no", "phone": "+47 975 27 747"})
    reg.write(ref, "marketing", ["user.behavior.purchase_history"], {"user.behavior.purchase_history": "x"})
    v = rq.open_request(reg, "objection", subject=ref, channel="email")
    rq.verify(reg, v.ref, method="email_code", by="subject")
    done = handle.object_to(reg, v.ref, by="po")
    assert done.status == "completed" and done.details["subject_removed"] is True
    return ref


def _file(tmp_path: Path, email: str, phone: str | None = None) -> Path:
    subject: dict[str, Any] = {"type": "subject", "id": "k1", "kind": "customer", "email": email}
    if phone:
        subject["phone"] = phone
    rows = [subject,
            {"type": "record", "subject": "k1", "purpose": "marketing",
             "categories": ["user.behavior.purchase_history"],
             "payload": {"user.behavior.purchase_history": "y"}, "collected": "2025-12-01"},
            {"type": "record", "subject": "k1", "purpose": "customer_service", "categories": ["user.name"],
             "payload": {"user.name": "Kari"}, "collected": "2025-12-01"}]
    path = tmp_path / "customers.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _records(reg: Register, purpose: str) -> int:
    with reg.engine.connect() as c:
        return int(c.execute(select(func.count()).select_from(t.records).where(t.records.c.purpose == purpose))
                   .scalar_one())


@pytest.mark.promise("TP13e")
@pytest.mark.promise("KL7")
def test_an_import_refuses_marketing_records_of_a_subject_who_objected(
        open_register: Callable[[str], Register], tmp_path: Path) -> None:
    reg = open_register("tp-ecommerce")
    _objected(reg)
    report = import_file(reg, _file(tmp_path, "Kari@Example.no"))
    assert [(e.line, e.field) for e in report.errors] == [(2, "purpose")]
    assert REASON in report.errors[0].reason and "'marketing'" in report.errors[0].reason
    assert (report.subjects, report.records) == (1, 1)  # the customer service record goes in
    assert _records(reg, "marketing") == 0 and _records(reg, "customer_service") == 1


def test_a_strict_import_with_such_a_row_imports_nothing(open_register: Callable[[str], Register],
                                                         tmp_path: Path) -> None:
    reg = open_register("tp-ecommerce")
    _objected(reg)
    report = import_file(reg, _file(tmp_path, "kari@example.no"), strict=True)
    assert report.errors and report.records == 0 and _records(reg, "customer_service") == 0


def test_the_single_write_refuses_with_the_same_reason_for_the_same_person(
        open_register: Callable[[str], Register]) -> None:
    reg = open_register("tp-ecommerce")
    _objected(reg)
    again = reg.add_subject("customer", {"email": "kari@example.no"})
    with pytest.raises(RestrictedProcessing, match=REASON.replace("(", r"\(").replace(")", r"\)")):
        reg.write(again, "marketing", ["user.behavior.purchase_history"], {"user.behavior.purchase_history": "y"})


def test_a_household_member_sharing_only_the_phone_is_not_refused(open_register: Callable[[str], Register],
                                                                  tmp_path: Path) -> None:
    reg = open_register("tp-ecommerce")
    _objected(reg)
    report = import_file(reg, _file(tmp_path, "ola@example.no", phone="97527747"))
    assert report.errors == [] and _records(reg, "marketing") == 1
    ola = reg.add_subject("customer", {"email": "per@example.no", "phone": "+4797527747"})
    reg.write(ola, "marketing", ["user.behavior.purchase_history"], {"user.behavior.purchase_history": "z"})
