"""SensorNordic AS, an alarm customer's journey through the public API (SN2a-SN5, ../shared/PROMISES.md).

Per signs an alarm contract (SN2a, GDPR Art. 6(1)(b)) and names his neighbour Siri as an alarm contact (SN2d,
Art. 6(1)(d), Art. 14: she gets the privacy notice once). Siri is trained once and afterwards reached only when
the alarm goes off and Per cannot be reached. Per gets offers by e-mail and SMS and opts out (SN2e, Art. 21(2)-(3),
markedsføringsloven § 15). His support e-mail is kept three years; his calls are never recorded, only an
agent's short typed note is kept (SN4).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from personvern.consent import may_contact, object_to_marketing, withdraw
from personvern.errors import RegisterError
from personvern.register import Register
from personvern.rights.access import access_report
from personvern.rights.notify import record_disclosure
from personvern.service import add_alarm_contact, alarm_contacts, contacts, log_contact, record_training
from personvern.worker import CaptureMailer, Worker

ALARM = {"alarm_triggered": True, "customer_unreachable": True}


def _deliver(reg: Register) -> list[dict[str, Any]]:
    mailer = CaptureMailer()
    worker = Worker(reg, mailer)
    try:
        worker.run_once()
    finally:
        worker.close()
    return mailer.sent


@pytest.mark.promise("SN2a")
@pytest.mark.promise("SN2d")
@pytest.mark.promise("SN5")
def test_an_alarm_contact_is_told_once_trained_once_and_called_only_for_an_alarm(
        open_register: Any, clock: Any) -> None:
    """Art. 6(1)(d) vital interests; Art. 14(1)-(3) notice to a person whose data came from someone else."""
    reg: Register = open_register("sensornordic")
    clock.set(date(2026, 1, 6))
    per = reg.add_subject("customer", {"email": "per.hansen@example.no", "phone": "+47 900 11 222"})
    reg.write(per, "alarm_service", ["user.name", "custom.contract"],
              {"user.name": "Per Hansen", "custom.contract": "Alarm Basis, 36 mnd"})

    with pytest.raises(RegisterError) as unconfirmed:
        add_alarm_contact(reg, per, {"phone": "+47 913 00 000"}, name="Siri Dahl", informed_confirmed=False,
                          by="montør")
    assert unconfirmed.value.field == "informed_confirmed"
    siri = add_alarm_contact(reg, per, {"email": "siri.dahl@example.no", "phone": "+47 913 00 000"},
                             name="Siri Dahl", informed_confirmed=True, by="montør")
    [notice] = _deliver(reg)
    assert notice["to"] == "siri.dahl@example.no" and "alarmkontakt" in notice["text"]
    assert "SensorNordic AS" in notice["text"]  # the privacy notice itself, Art. 14
    # the neighbour across the road names Siri too: she already has the notice
    eva = reg.add_subject("customer", {"email": "eva@example.no"})
    add_alarm_contact(reg, eva, {"email": "Siri.Dahl@example.no"}, name="Siri Dahl", informed_confirmed=True,
                      by="montør")
    assert _deliver(reg) == []
    [view] = alarm_contacts(reg, per)
    assert view.subject == siri and view.notice_sent_at is not None and view.trained_on is None
    assert view.identifiers["email"] != ["siri.dahl@example.no"]  # masked

    # -- contacted once for training, afterwards only for an alarm when Per cannot be reached --------------
    assert may_contact(reg, siri, "alarm_contacts", "phone").code == "alarm_not_triggered"
    assert may_contact(reg, siri, "alarm_contacts", "phone", context=ALARM).code == "alarm_contact_not_trained"
    training = may_contact(reg, siri, "alarm_contacts", "phone", context={"training": True})
    assert training.allowed and training.code == "alarm_training"
    record_training(reg, siri, by="montør", on=date(2026, 1, 8))
    assert alarm_contacts(reg, per)[0].trained_on == date(2026, 1, 8)
    again = may_contact(reg, siri, "alarm_contacts", "phone", context={"training": True})
    assert not again.allowed and again.code == "alarm_contact_already_trained"
    assert not may_contact(reg, siri, "alarm_contacts", "phone",
                           context={"alarm_triggered": True, "customer_unreachable": False}).allowed
    call = may_contact(reg, siri, "alarm_contacts", "phone", context=ALARM)
    assert (call.allowed, call.code, call.basis, call.marketing) == (True, "alarm", "Art. 6(1)(d)", False)
    assert not may_contact(reg, siri, "marketing", "email").allowed  # an alarm contact is no customer

    # -- SN5: emergency services for vital interests; nobody undeclared ------------------------------------
    record_disclosure(reg, siri, "emergency_services", "alarm_contacts", ["user.name", "user.contact.phone_number"])
    with pytest.raises(RegisterError) as undeclared:
        record_disclosure(reg, per, "data_broker", "alarm_service", ["user.name"])
    assert undeclared.value.field == "recipient"


@pytest.mark.promise("SN2e")
@pytest.mark.promise("SN3")
@pytest.mark.promise("SN4")
def test_offers_stop_on_opt_out_support_mail_lives_three_years_calls_are_never_recorded(
        open_register: Any, clock: Any) -> None:
    """Art. 21(2)-(3), markedsføringsloven § 15 second paragraph; Art. 5(1)(e); Art. 22 (SN3)."""
    reg: Register = open_register("sensornordic")
    clock.set(date(2026, 1, 6))
    per = reg.add_subject("customer", {"email": "per.hansen@example.no", "phone": "+47 900 11 222"})
    reg.write(per, "alarm_service", ["user.name", "custom.contract"], {"user.name": "Per Hansen"})
    reg.write(per, "price_adjustment", ["custom.contract"], {"custom.contract": "kategori: privat, 36 mnd"})
    reg.record_event("invoice.issued", date(2026, 1, 6), subject=per)  # a sale: an existing customer (§ 15)

    # -- SN2e: an existing customer gets offers by e-mail and SMS until he opts out ------------------------
    for channel in ("email", "sms"):
        offer = may_contact(reg, per, "marketing", channel)
        assert (offer.allowed, offer.code) == (True, "soft_opt_in") and "opt-out" in offer.reason
    withdraw(reg, per, "marketing", channel="sms", by="subject")  # "STOPP" answered to an SMS
    assert may_contact(reg, per, "marketing", "sms").code == "objected"
    assert may_contact(reg, per, "marketing", "email").allowed
    stopped = object_to_marketing(reg, per, by="subject")  # the unsubscribe link: everything stops
    assert stopped.purposes == ["marketing"]
    assert may_contact(reg, per, "marketing", "email").code == "objected"

    # -- SN4: support by e-mail kept 3 years; calls logged as facts only -----------------------------------
    log_contact(reg, per, channel="email", direction="in", purpose="support_email", by="support",
                text="Sensoren i gangen piper. Hilsen Per")
    log_contact(reg, per, channel="phone", direction="in", purpose="support_email", by="support")
    with pytest.raises(RegisterError) as transcript:  # the call is not recorded: a note, not what was said
        log_contact(reg, per, channel="phone", direction="in", purpose="support_email", by="support",
                    text="Kunden sa: " + "... " * 200)
    assert transcript.value.field == "text"
    log_contact(reg, per, channel="phone", direction="in", purpose="support_email", by="support",
                text="Ba om ny sensor til gangen")  # the agent's typed summary, kept as the e-mail is
    assert [(c.channel, c.record is not None) for c in contacts(reg, per)] == [
        ("phone", True), ("phone", False), ("email", True)]
    mail, note = reg.read(per, "support_email")
    assert mail.retention_until == note.retention_until == date(2029, 1, 7)  # 3 years from 6 January 2026
    assert reg.sweep(date(2029, 1, 6)).total == 0
    assert reg.sweep(date(2029, 1, 7)).deleted == {"support_email": 2}
    assert [c.channel for c in contacts(reg, per)] == ["phone"]  # the e-mail and the note went with their records

    # -- SN3: the register copy says no purpose decides by automated means alone -----------------------------
    report = access_report(reg, per)
    assert report.purposes and not any(p.automated_decision for p in report.purposes)
    assert [p.key for p in report.purposes if p.profiling] == ["price_adjustment"]  # SN2b: profiling, by people
