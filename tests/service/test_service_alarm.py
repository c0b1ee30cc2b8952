"""Alarm contacts (SN2d): linked to the customer, informed, sent the privacy notice once, trained once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import func, select

from personvern.errors import RegisterError
from personvern.register import Register
from personvern.register import schema as t
from personvern.register.outbox import body_of
from personvern.service import add_alarm_contact, alarm_contacts, lookup, profile, record_training


@pytest.fixture
def sn(open_register: Callable[[str], Register]) -> Register:
    return open_register("sensornordic")


def _outbox(reg: Register) -> list:  # type: ignore[type-arg]
    with reg.engine.connect() as c:
        return list(c.execute(select(t.outbox).order_by(t.outbox.c.id)).all())


@pytest.mark.promise("SN2d")
def test_an_alarm_contact_is_linked_informed_and_sent_the_notice(sn: Register) -> None:
    customer = sn.add_subject("customer", {"email": "eier@example.no"})
    contact = add_alarm_contact(sn, customer, {"email": "Nabo@Example.no", "phone": "+47 975 27 747"},
                                name="Nils Nabo", informed_confirmed=True, by="agent7")
    [view] = alarm_contacts(sn, customer)
    assert view.subject == contact and view.informed_at is not None and view.notice_sent_at is not None
    assert view.identifiers == {"email": ["n***@example.no"], "phone": ["+47 *** ** 747"]}
    assert profile(sn, contact, purpose="alarm_contacts").linked_to == customer
    assert profile(sn, contact, purpose="alarm_contacts").name == "Nils Nabo"
    [row] = _outbox(sn)
    assert (row.kind, row.topic, row.destination, row.subject_ref) == ("email", "privacy_notice",
                                                                       "n***@example.no", contact)
    body = body_of(sn, row)
    assert body["to"] == "nabo@example.no" and "SensorNordic AS" in body["text"]
    assert "Alarmkontakter" in body["text"]  # the notice itself, in Norwegian
    [record] = sn.read(contact)
    assert (record.purpose, record.source) == ("alarm_contacts", "customer")  # Art. 14: not from the contact


@pytest.mark.promise("SN2d")
def test_the_notice_is_sent_once_to_a_person_named_by_two_customers(sn: Register) -> None:
    a, b = sn.add_subject("customer"), sn.add_subject("customer")
    add_alarm_contact(sn, a, {"email": "nabo@example.no"}, name="Nils", informed_confirmed=True, by="agent7")
    second = add_alarm_contact(sn, b, {"email": "NABO@example.no"}, name="Nils", informed_confirmed=True,
                               by="agent7")
    assert len(_outbox(sn)) == 1
    assert alarm_contacts(sn, b)[0].notice_sent_at is not None  # they already have it
    assert {h.subject for h in lookup(sn, "nabo@example.no", purpose="alarm_contacts")} >= {second}


@pytest.mark.promise("SN2d")
def test_no_email_no_notice(sn: Register) -> None:
    customer = sn.add_subject("customer")
    add_alarm_contact(sn, customer, {"phone": "+47 975 27 747"}, name="Nils", informed_confirmed=True, by="a")
    assert _outbox(sn) == [] and alarm_contacts(sn, customer)[0].notice_sent_at is None


@pytest.mark.promise("SN2d")
def test_without_the_customers_confirmation_nothing_is_stored(sn: Register) -> None:
    customer = sn.add_subject("customer")
    with pytest.raises(RegisterError) as err:
        add_alarm_contact(sn, customer, {"email": "nabo@example.no"}, name="Nils", informed_confirmed=False,
                          by="agent7")
    assert err.value.field == "informed_confirmed" and "SN2d" in str(err.value)
    with sn.engine.connect() as c:
        assert c.execute(select(func.count()).select_from(t.subjects)).scalar_one() == 1
    assert _outbox(sn) == []


def test_bad_contact_details_are_refused_before_anything_is_written(sn: Register) -> None:
    customer = sn.add_subject("customer")
    for identifiers, name, field in [({"email": "not-an-address"}, "Nils", "email"), ({}, "Nils", "identifiers"),
                                     ({"national_id": "15076500565"}, "Nils", "identifiers"),
                                     ({"phone": "+47 975 27 747"}, " ", "name")]:
        with pytest.raises(RegisterError) as err:
            add_alarm_contact(sn, customer, identifiers, name=name, informed_confirmed=True, by="agent7")
        assert err.value.field == field, identifiers
    with sn.engine.connect() as c:
        assert c.execute(select(func.count()).select_from(t.subjects)).scalar_one() == 1


@pytest.mark.promise("SN2d")
def test_the_training_is_recorded_once_as_a_policy_event(sn: Register) -> None:
    customer = sn.add_subject("customer")
    contact = add_alarm_contact(sn, customer, {"phone": "+47 975 27 747"}, name="Nils", informed_confirmed=True,
                                by="agent7")
    assert alarm_contacts(sn, customer)[0].trained_on is None
    record_training(sn, contact, by="agent7", on=date(2026, 1, 9))
    assert alarm_contacts(sn, customer)[0].trained_on == date(2026, 1, 9)
    with sn.engine.connect() as c:
        names = c.execute(select(t.events.c.event).where(t.events.c.event == "alarm_contact.trained")).scalars()
        assert list(names) == ["alarm_contact.trained"]
    with pytest.raises(RegisterError):
        record_training(sn, customer, by="agent7")  # a customer is not an alarm contact


def test_a_policy_without_alarm_contacts_refuses(reg: Register) -> None:
    customer = reg.add_subject("customer")
    with pytest.raises(RegisterError) as err:
        add_alarm_contact(reg, customer, {"phone": "+47 975 27 747"}, name="Nils", informed_confirmed=True, by="a")
    assert err.value.field == "kind"
