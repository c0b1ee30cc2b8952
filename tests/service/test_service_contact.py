"""The contact log: calls as facts with at most a short typed note (SN4), e-mails stored under their purpose with
its retention (TZ9, TZ11, SN4)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from personvern.errors import NotFound, RegisterError
from personvern.policy import load_policy
from personvern.policy.model import Calls
from personvern.register import MasterKey, Register
from personvern.register import schema as t
from personvern.service import contacts, log_contact, open_case
from personvern.service.contact import CALL_NOTE_MAX

POLICIES = Path(__file__).resolve().parents[2] / "examples" / "policies"


@pytest.fixture
def sn(open_register: Callable[[str], Register]) -> Register:
    return open_register("sensornordic")


@pytest.mark.promise("SN4")
def test_a_support_email_is_stored_encrypted_for_three_years(sn: Register) -> None:
    ref = sn.add_subject("customer", {"email": "kari@example.no"})
    cid = log_contact(sn, ref, channel="email", direction="in", purpose="support_email", by="agent7",
                      text="Alarmen piper om natta")
    [view] = contacts(sn, ref)
    assert (view.id, view.channel, view.direction, view.actor) == (cid, "email", "in", "agent7")
    [record] = sn.read(ref, "support_email")
    assert view.record == record.id
    assert record.payload == {"custom.support_case": "Alarmen piper om natta"} and record.source == "email"
    # SN4: "lagres i 3 år": the 3 years end with 5 January 2029; due the day after (1182/71 art. 3(2)(c))
    assert record.retention_until == date(2029, 1, 6)
    with sn.engine.connect() as c:
        blob = c.execute(select(t.records.c.payload).where(t.records.c.id == record.id)).scalar_one()
    assert b"piper" not in blob
    assert sn.sweep(date(2029, 1, 5)).total == 0  # the last day of the 3 years
    assert sn.sweep(date(2029, 1, 6)).deleted == {"support_email": 1}
    with sn.engine.connect() as c:  # the log row goes with its record (and the empty subject with it)
        assert c.execute(select(func.count()).select_from(t.contact_log)).scalar_one() == 0


@pytest.mark.promise("SN4")
def test_a_call_is_not_recorded_but_the_agent_may_keep_a_short_typed_note(sn: Register) -> None:
    """SN4 "Telefonsamtaler med kundeservice tas ikke opp og lagres ikke": the call itself (its sound) is not
    recorded; the summary an agent types is a record under the purpose, like an e-mail's text."""
    assert sn.policy.settings.calls.recorded is False and sn.policy.settings.calls.notes == "allowed"
    ref = sn.add_subject("customer", {"phone": "+47 6790 4848"})
    log_contact(sn, ref, channel="phone", direction="in", purpose="support_email", by="agent7")
    [view] = contacts(sn, ref)
    assert view.record is None and view.channel == "phone"
    assert sn.read(ref) == []
    log_contact(sn, ref, channel="phone", direction="in", purpose="support_email", by="agent7",
                text="Spurte om batteribytte i røykvarsleren")
    [noted, _] = contacts(sn, ref)
    [record] = sn.read(ref, "support_email")
    assert noted.record == record.id and record.payload == {"custom.support_case": "Spurte om batteribytte i "
                                                                                   "røykvarsleren"}
    with pytest.raises(RegisterError) as long:  # a note, not a transcript
        log_contact(sn, ref, channel="phone", direction="in", purpose="support_email", by="agent7",
                    text="x" * (CALL_NOTE_MAX + 1))
    assert long.value.field == "text" and str(CALL_NOTE_MAX) in str(long.value)
    assert len(contacts(sn, ref)) == 2


def test_a_policy_that_forbids_call_notes_logs_a_call_as_a_fact_only(db_url: str) -> None:
    loaded = load_policy(POLICIES / "sensornordic.yaml").policy
    strict = loaded.model_copy(update={"settings": loaded.settings.model_copy(
        update={"calls": Calls(recorded=False, notes="forbidden")})})
    with Register.open(strict, db_url, master_key=MasterKey(bytes(range(32)))) as sn:
        ref = sn.add_subject("customer", {"phone": "+47 6790 4848"})
        with pytest.raises(RegisterError) as err:
            log_contact(sn, ref, channel="phone", direction="in", purpose="support_email", by="agent7",
                        text="Kunden sa at ...")
        assert err.value.field == "text" and "settings.calls.notes" in str(err.value)
        assert contacts(sn, ref) == [] and sn.read(ref) == []
        log_contact(sn, ref, channel="email", direction="in", purpose="support_email", by="agent7", text="Hei")
        assert len(contacts(sn, ref)) == 1  # written channels keep their text


@pytest.mark.promise("TZ10")
@pytest.mark.promise("TZ11")
@pytest.mark.promise("TZ9")
def test_tek_zence_logs_the_call_and_stores_the_email_on_the_profile(reg: Register) -> None:
    ref = reg.add_subject("customer", {"phone": "+47 975 27 747"})
    case = open_case(reg, subject=ref, kind="complaint", purpose="customer_service", by="agent7")
    at = datetime(2026, 1, 6, 9, 30, tzinfo=UTC)
    log_contact(reg, ref, channel="phone", direction="in", purpose="customer_service", by="agent7", at=at)
    log_contact(reg, ref, channel="email", direction="in", purpose="customer_service", by="agent7",
                text="TV-en er død etter to uker", case=case.ref, at=datetime(2026, 1, 7, 10, tzinfo=UTC))
    views = contacts(reg, ref)
    assert [(v.channel, v.case, v.record is not None) for v in views] == [
        ("email", case.ref, True), ("phone", None, False)]
    assert views[1].at.replace(tzinfo=UTC) == at
    emails = [r for r in reg.read(ref, "customer_service") if r.payload]
    assert emails[0].payload == {"custom.correspondence": "TV-en er død etter to uker"}
    assert emails[0].retention_until is None  # until the case is closed, then the limitation period


@pytest.mark.promise("TZ10")
def test_tek_zence_keeps_a_call_note_under_its_call_log_not_as_correspondence(reg: Register) -> None:
    """TEK-Zence declares ``custom.call_log``: "log of phone calls (no recordings)"; the agent's note goes there."""
    ref = reg.add_subject("customer", {"phone": "+47 975 27 747"})
    log_contact(reg, ref, channel="phone", direction="in", purpose="customer_service", by="agent7",
                text="Lurte på leveringsdato")
    [note] = [r for r in reg.read(ref, "customer_service") if r.payload]
    assert note.payload == {"custom.call_log": "Lurte på leveringsdato"}


BAD_INPUT = [({"channel": "pigeon"}, "channel"), ({"direction": "sideways"}, "direction"),
             ({"purpose": "curiosity"}, "purpose"), ({"text": "  "}, "text"), ({"case": "nope"}, "case"),
             ({"purpose": "bookkeeping", "text": "hei"}, "purpose")]


def test_bad_input_is_refused_with_its_field_and_nothing_is_logged(reg: Register) -> None:
    ref = reg.add_subject("customer")
    for kw, field in BAD_INPUT:
        args = {"channel": "email", "direction": "in", "purpose": "customer_service", "by": "agent7", **kw}
        with pytest.raises(RegisterError) as err:
            log_contact(reg, ref, **args)  # type: ignore[arg-type]
        assert err.value.field == field, kw
    with reg.engine.connect() as c:
        assert c.execute(select(func.count()).select_from(t.contact_log)).scalar_one() == 0
        assert c.execute(select(func.count()).select_from(t.records)).scalar_one() == 0


def test_a_case_of_another_subject_is_not_found(reg: Register) -> None:
    a, b = reg.add_subject("customer"), reg.add_subject("customer")
    case = open_case(reg, subject=a, kind="service", purpose="customer_service", by="agent7")
    with pytest.raises(NotFound):
        log_contact(reg, b, channel="phone", direction="in", purpose="customer_service", by="agent7",
                    case=case.ref)


def test_the_contact_is_audited_without_its_text(sn: Register) -> None:
    ref = sn.add_subject("customer")
    log_contact(sn, ref, channel="email", direction="in", purpose="support_email", by="agent7",
                text="hemmelig innhold")
    with sn.engine.connect() as c:
        rows = c.execute(select(t.audit_log).where(t.audit_log.c.action == "contact.logged")).all()
    assert [(r.actor, r.purpose, r.subject_ref) for r in rows] == [("agent7", "support_email", ref)]
    assert "hemmelig" not in str(rows[0].details)
