"""TEK-Zence AS, one customer's journey end to end through the public API (TZ1-TZ11, ../shared/PROMISES.md).

Kari buys a heat pump with installation on 5 January 2026. She gets the installation e-mail (a service message,
TZ7; GDPR Art. 6(1)(b)) over a real local SMTP server, calls customer service from a number written another way
(TZ10), e-mails a complaint that is stored on her profile (TZ11, TZ8, TZ9; Art. 6(1)(f)). The installer gets her
address (TZ6, Art. 28) and, when the job is done, a deletion instruction is delivered by the worker. She then asks
for erasure (Art. 17), proves her identity with a code e-mailed to her (Art. 12(6)), and is gone except for the
receipt bokføringsloven § 13 keeps (Art. 17(3)(b)): sealed, found by the order number only (TZ4), and swept when
the period ends (Art. 5(1)(e)).
"""

from __future__ import annotations

import email
import email.policy
import json
import re
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from personvern.consent import may_contact
from personvern.errors import RegisterError
from personvern.register import Register
from personvern.register.identifiers import normalise
from personvern.register.outbox import Email, send_email
from personvern.rights import erase_subject, handle
from personvern.rights import requests as rq
from personvern.rights.notify import record_disclosure
from personvern.rights.verification import check_code, send_code
from personvern.service import close_case, log_contact, lookup, open_case, profile
from personvern.worker import Jobs, SmtpMailer, Worker, list_outbox


@dataclass
class Mailbox:
    """A real SMTP server on localhost (aiosmtpd) that keeps what it receives."""

    host: str
    port: int
    messages: list[email.message.EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))  # type: ignore[arg-type]
        return "250 OK"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    box = Mailbox("127.0.0.1", port)
    controller = Controller(box, hostname=box.host, port=box.port)
    controller.start()
    yield box
    controller.stop()


def _text(message: email.message.EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    return str(body.get_content())


def _deliver(reg: Register, mailbox: Mailbox) -> int:
    worker = Worker(reg, SmtpMailer(mailbox.host, mailbox.port, "ikke-svar@tek-zence.no"))
    try:
        report = worker.run_once()
    finally:
        worker.close()
    assert report.dead == 0 and report.retried == 0, report.errors
    return report.delivered


KARI = {"email": "kari.nordmann@example.no", "phone": "+47 975 27 747"}


@pytest.mark.promise("TZ1")
@pytest.mark.promise("TZ4")
@pytest.mark.promise("TZ5")
@pytest.mark.promise("TZ6")
@pytest.mark.promise("TZ7")
@pytest.mark.promise("TZ8")
@pytest.mark.promise("TZ9")
@pytest.mark.promise("TZ10")
@pytest.mark.promise("TZ11")
def test_kari_buys_is_installed_complains_and_is_erased_but_her_receipt_stays_sealed(
        reg: Register, clock: Any, mailbox: Mailbox) -> None:
    """Art. 6(1)(b), (c), (f); Art. 12(6), 17, 19, 28; bokføringsloven § 13 (TZ4)."""
    # -- 5 January 2026: the purchase (TZ1, TZ5) -------------------------------------------------------------
    clock.set(date(2026, 1, 5))
    kari = reg.add_subject("customer", KARI)
    reg.write(kari, "customer_profile", ["user.name", "user.behavior.purchase_history"],
              {"user.name": "Kari Nordmann", "user.behavior.purchase_history": "varmepumpe"})
    reg.write(kari, "bookkeeping", ["custom.order"], {"custom.order": "ordre 5521, varmepumpe 24 990 kr"},
              ref="5521")
    job = reg.write(kari, "delivery_installation", ["user.contact.address", "custom.delivery_conditions"],
                    {"user.contact.address": "Storgata 1, 0155 Oslo",
                     "custom.delivery_conditions": "3. etasje, ingen heis"})
    reg.record_event("purchase.made", date(2026, 1, 5), subject=kari)

    # -- TZ7: the installation e-mail is a service message; marketing has no basis without consent ---------
    notice = may_contact(reg, kari, "installation_notice", "email")
    assert (notice.allowed, notice.code, notice.marketing) == (True, "transactional", False)
    assert notice.basis == "Art. 6(1)(b)"
    marketing = may_contact(reg, kari, "customer_profile", "email")  # TEK-Zence declares no marketing purpose
    assert not marketing.allowed and marketing.code == "not_a_contact_purpose"
    with reg.transaction() as c:
        to = normalise("email", KARI["email"])
        send_email(reg, c, Email(to=to.value, subject="Før installasjonen 20. januar",
                                 text="Sørg for at montøren kommer til i 3. etasje."),
                   topic="installation_notice", idempotency_key=f"installation-notice:{kari}",
                   masked_to=to.masked, subject_ref=kari)
    assert _deliver(reg, mailbox) == 1
    [sent] = mailbox.to(KARI["email"])
    assert sent["Subject"] == "Før installasjonen 20. januar" and "3. etasje" in _text(sent)

    # -- TZ10: she calls from her number written another way; the agent finds her and the call is logged ----
    clock.set(date(2026, 1, 12))
    [hit] = lookup(reg, "0047 975-27-747", purpose="customer_service", by="agent-anne")
    assert hit.subject == kari and hit.matched_by == "phone"
    assert hit.identifiers["email"] != [KARI["email"]]  # the agent sees masked identifiers
    log_contact(reg, kari, channel="phone", direction="in", purpose="customer_service", by="agent-anne")
    with pytest.raises(RegisterError, match="not recorded"):  # a call is a fact and a short note, never a recording
        log_contact(reg, kari, channel="phone", direction="in", purpose="customer_service", by="agent-anne",
                    text="hun sa at ... " * 100)

    # -- TZ8, TZ9, TZ11: a complaint case; her e-mail about it is stored on the profile ------------------------
    case = open_case(reg, subject=kari, kind="complaint", purpose="customer_service", by="agent-anne")
    assert not case.profile_created and case.retention_until is None  # awaits the closing
    log_contact(reg, kari, channel="email", direction="in", purpose="customer_service", by="agent-anne",
                text="Varmepumpen bråker om natta. Mvh Kari", case=case.ref)
    seen = profile(reg, kari, purpose="customer_service", by="agent-anne")
    assert seen.name == "Kari Nordmann" and [c.ref for c in seen.open_cases] == [case.ref]
    assert [(x.channel, x.has_text) for x in seen.last_contacts] == [("email", True), ("phone", False)]
    [mail_record] = [r for r in reg.read(kari, "customer_service") if r.payload]  # the case record is empty
    assert mail_record.payload == {"custom.correspondence": "Varmepumpen bråker om natta. Mvh Kari"}
    closed = close_case(reg, case.ref, by="agent-anne", on=date(2026, 1, 19))
    assert closed.retention_until == date(2029, 1, 20)  # foreldelsesloven § 2: 3 years after the case closed
    assert {r.retention_until for r in reg.read(kari, "customer_service") if r.id == mail_record.id} == {
        date(2029, 1, 20)}  # the e-mail logged on the case follows it (TZ9)
    # a stranger's reklamasjon by phone creates a profile (TZ8); a complaint is kept by law even on erasure (TZ9)
    ola = open_case(reg, identifiers={"phone": "+47 412 34 567"}, kind="complaint", purpose="complaints",
                    by="agent-anne")
    assert ola.profile_created and lookup(reg, "41234567", purpose="customer_service")[0].subject == ola.subject
    [kept_complaint] = erase_subject(reg, ola.subject, ground="a", by="personvernombud").kept
    assert (kept_complaint.purpose, kept_complaint.outcome, kept_complaint.ground) == (
        "complaints", "kept", "forbrukerkjøpsloven § 27")

    # -- TZ6: the installer gets what it needs; when the job is done it is told to delete it ------------------
    clock.set(date(2026, 1, 20))
    record_disclosure(reg, kari, "delivery_partners", "delivery_installation",
                      ["user.contact.address", "custom.delivery_conditions"], record=job)
    reg.record_event("installation.completed", date(2026, 1, 20), record=job)
    assert _deliver(reg, mailbox) == 1
    [instruction] = mailbox.to("personvern@tek-zence.no")
    assert "[delivery_partners]" in instruction["Subject"] and "Slett" in _text(instruction)
    assert "Storgata" not in _text(instruction)  # the instruction carries references, not the address
    assert reg.sweep(date(2026, 4, 20)).total == 0  # the 3 months (TZ5) end with 20 April
    assert reg.sweep(date(2026, 4, 21)).deleted == {"delivery_installation": 1}

    # -- TZ4: erasure on request, identity shown by an e-mailed code (Art. 12(6), 17) --------------------------
    clock.set(date(2026, 3, 2))
    req = rq.open_request(reg, "erasure", subject=kari, channel="email")
    # Art. 12(3): one month from receipt is Maundy Thursday; Regulation 1182/71 art. 3(4) moves it past Easter
    assert (req.target_on, req.due_on) == (date(2026, 4, 2), date(2026, 4, 7))
    send_code(reg, req.ref, "KARI.Nordmann@example.no")
    assert _deliver(reg, mailbox) == 2  # the receipt (Art. 12(3): what she asked, by when) and the code
    [receipt] = [m for m in mailbox.to(KARI["email"]) if "mottatt henvendelsen" in m["Subject"]]
    assert "2026-04-07" in _text(receipt) and "sletting" in _text(receipt)
    code_mail = [m for m in mailbox.to(KARI["email"]) if "engangskode" in m["Subject"]]
    code = re.search(r"Koden din er (\d{6})", _text(code_mail[0]))
    assert code is not None
    check_code(reg, req.ref, code.group(1))
    done = handle.erase(reg, req.ref, ground="a", by="personvernombud")
    assert done.status == "completed" and done.details["subject_removed"] is True
    assert done.details["erased"] == {"customer_profile": 1, "customer_service": 2}
    explained = json.loads(rq.artifact(reg, req.ref, "erasure-explanation.json")[1])
    [kept] = explained["kept"]
    assert _deliver(reg, mailbox) == 2  # Art. 19: the installer that got her data is told of the erasure ...
    assert "Erasure" in mailbox.to("personvern@tek-zence.no")[-1]["Subject"]
    [answer] = [m for m in mailbox.to(KARI["email"]) if "behandlet" in m["Subject"]]  # ... and Kari of the outcome
    assert "bokføringsloven" in _text(answer) and "2032-01-01" in _text(answer)  # what was kept, why, until when
    assert (kept["purpose"], kept["outcome"], kept["until"]) == ("bookkeeping", "sealed", "2032-01-01")

    # ... the receipt is found by the order number on the voucher and by nothing else
    assert reg.find("email", KARI["email"]) == [] and reg.find("phone", "97527747") == []
    assert lookup(reg, "97527747", kind="phone", purpose="customer_service") == []
    [sealed] = lookup(reg, "5521", purpose="bookkeeping", by="regnskap")
    assert sealed.subject is None and sealed.kind == "sealed" and len(sealed.sealed_records) == 1
    assert reg.find_sealed("5521")[0].payload == {"custom.order": "ordre 5521, varmepumpe 24 990 kr"}

    # nothing personal in the outbox's visible columns (Art. 5(1)(f))
    for row in list_outbox(reg):
        assert "kari" not in row.destination.lower() and "Storgata" not in row.destination
        assert row.status == "delivered"

    # -- the nightly sweep when bokføringsloven § 13's five years are over (Art. 5(1)(e)) ---------------------
    jobs = Jobs(reg)
    assert jobs.run_due(datetime(2031, 12, 31, 3, tzinfo=UTC))["sweep"]["deleted"].get("bookkeeping") is None
    assert reg.find_sealed("5521")
    result = jobs.run_due(datetime(2032, 1, 1, 3, tzinfo=UTC))
    assert result["sweep"]["deleted"]["bookkeeping"] == 1
    assert lookup(reg, "5521", purpose="bookkeeping") == []
