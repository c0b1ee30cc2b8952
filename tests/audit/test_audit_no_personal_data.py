"""Audit entries carry ids, codes and counts: personal values and free text are refused."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from typing import ClassVar

import pytest
from audit_samples import SUBJECT
from sqlalchemy import Engine

from personvern.audit import (
    EVENTS,
    AuditEvent,
    RecordRead,
    RequestStep,
    SubjectLookedUp,
    append,
    check_no_personal_data,
    entries,
    head,
    register_event,
)


@pytest.mark.parametrize(
    "value",
    [
        "kari.nordmann@example.no",
        "+47 912 34 567",
        "91234567",
        "15076500565",
        "150765 00565",
        15076500565,
        "Kari Nordmann",
        "bought a red bike",
        1.5,
        {"who": "kari@example.no"},
        {"Kari Nordmann": 1},
        ["ok", "+4791234567"],
        b"bytes",
    ],
)
def test_personal_values_and_free_text_are_refused(value: object) -> None:
    with pytest.raises(ValueError, match=r"audit entries carry ids|not allowed"):
        check_no_personal_data(value)


@pytest.mark.parametrize(
    "value",
    [None, True, 0, 42, 12345678, "order_fulfilment", "art17", "2024-03-01", "2024-03-01T09:00:00Z",
     SUBJECT, date(2024, 3, 1), {"deleted": 3, "sealed": 0}, [1, 2, 3]],
)
def test_ids_codes_counts_and_dates_pass(value: object) -> None:
    check_no_personal_data(value)


def test_a_fodselsnummer_is_named_as_such() -> None:
    with pytest.raises(ValueError, match="fødselsnummer"):
        check_no_personal_data("15076500565", "details.by")


@pytest.mark.parametrize(
    ("event", "actor", "message"),
    [
        (SubjectLookedUp(subject_ref=SUBJECT, by="kari@example.no"), "kari", "details.by: looks like an e-"),
        (RecordRead(subject_ref="15076500565"), "kari", r"subject_ref: .* not a subject's public uuid"),
        (RecordRead(subject_ref=SUBJECT, purpose="call +47 91234567"), "kari", "purpose: looks like"),
        (RecordRead(subject_ref=SUBJECT), "kari@tek-zence.no", "actor: looks like an e-mail"),
        (RecordRead(subject_ref=SUBJECT, record_ids=("7",)), "kari", "record_ids: must be integers"),  # type: ignore[arg-type]
        (RequestStep(subject_ref=SUBJECT, request_id=1, right="access", step="answered by phone"), "kari",
         r"details.step: .* free text"),
    ],
)
def test_append_refuses_personal_data_and_writes_nothing(
    engine: Engine, event: AuditEvent, actor: str, message: str
) -> None:
    with engine.begin() as conn:
        with pytest.raises(ValueError, match=message):
            append(conn, event, actor=actor, role="support")
        assert entries(conn) == [] and head(conn) is None


def test_every_built_in_event_is_named_documented_frozen_and_free_of_personal_fields() -> None:
    assert len(EVENTS) >= 15
    for name, cls in EVENTS.items():
        assert cls.name == name and cls.__doc__
        assert cls.__dataclass_params__.frozen  # type: ignore[attr-defined]
        assert {"subject_ref", "purpose", "record_ids"} <= {f.name for f in fields(cls)}
        assert not {"email", "phone", "national_id", "name"} & {f.name for f in fields(cls)}


def test_an_add_on_registers_its_own_event_the_same_way() -> None:
    @register_event
    @dataclass(frozen=True, kw_only=True)
    class InvoiceSent(AuditEvent):
        """An invoice was sent to the subject."""

        name: ClassVar[str] = "acme.invoice_sent"
        invoice_id: int

    try:
        assert EVENTS["acme.invoice_sent"] is InvoiceSent
        assert InvoiceSent(subject_ref=SUBJECT, invoice_id=7).details() == {"invoice_id": 7}
    finally:
        del EVENTS["acme.invoice_sent"]


def test_registering_refuses_personal_fields_duplicates_and_undocumented_events() -> None:
    @dataclass(frozen=True, kw_only=True)
    class WithEmail(AuditEvent):
        """Carries an e-mail."""

        name: ClassVar[str] = "acme.with_email"
        email: str

    @dataclass(frozen=True, kw_only=True)
    class Duplicate(AuditEvent):
        """Same name as a built-in."""

        name: ClassVar[str] = "record.read"

    @dataclass(frozen=True, kw_only=True)
    class Undocumented(AuditEvent):
        name: ClassVar[str] = "acme.undocumented"

    class Plain:
        """Not a dataclass."""

        name: ClassVar[str] = "acme.plain"

    for cls, message in [(WithEmail, "personal data"), (Duplicate, "is taken"), (Undocumented, "docstring"),
                         (Plain, "frozen dataclass")]:
        with pytest.raises(ValueError, match=message):
            register_event(cls)
    assert "acme.with_email" not in EVENTS


def test_a_uuid_inside_a_code_is_an_id_not_a_phone_number() -> None:
    """The portal acts as ``subject:<uuid>``; a uuid whose hex has 8+ digits in a row must still pass,
    while a phone number in the same position is refused."""
    check_no_personal_data("subject:12345678-1234-4234-8234-123456789012", "actor")
    with pytest.raises(ValueError, match="phone or national id"):
        check_no_personal_data("subject:97527747", "actor")
