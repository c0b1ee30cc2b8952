"""E-mail that relays accept (issue 18; RFC 5322, RFC 6531, RFC 5890): every message the system sends has a
``Date``, a ``Message-ID`` on the sender's domain and a text/plain part; a domain with æøå goes out in IDNA;
a local part with æøå goes out with SMTPUTF8 when the server offers it, and is otherwise a dead letter at once,
with the reason, not a retry loop.

The messages are real outbox rows (a portal login link, a request's one-time code, an Art. 19 notice in
HTML and text), delivered by the worker to a real local SMTP server (aiosmtpd) and parsed back.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_string
from email.message import EmailMessage
from email.policy import default
from email.utils import parsedate_to_datetime
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from personvern.register import Register
from personvern.register import schema as t
from personvern.register.outbox import Email, send_email
from personvern.worker import SmtpMailer, Worker

SENDER = "personvern@tek-zence.no"


class Smtp:
    def __init__(self) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.host, self.port = "127.0.0.1", int(s.getsockname()[1])
        self.messages: list[dict[str, Any]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append({"to": list(envelope.rcpt_tos), "data": envelope.content.decode("utf-8", "replace")})
        return "250 OK"


def _server(utf8: bool) -> Iterator[Smtp]:
    handler = Smtp()
    controller = Controller(handler, hostname=handler.host, port=handler.port, enable_SMTPUTF8=utf8)
    controller.start()
    yield handler
    controller.stop()


@pytest.fixture
def smtp_utf8() -> Iterator[Smtp]:
    yield from _server(True)


@pytest.fixture
def smtp_ascii() -> Iterator[Smtp]:
    """A relay that does not offer SMTPUTF8 (aiosmtpd's controller offers it unless told not to)."""
    yield from _server(False)


def _queue_each_kind(reg: Register) -> list[str]:
    """One row of each kind the system sends, through the code paths that send them."""
    from personvern.rights import requests
    from personvern.rights.verification import send_code
    from personvern.web.portal import _send_login_link

    ref = reg.add_subject("customer", {"email": "kari.nordmann@example.no"})
    _send_login_link(reg, ref, "kari.nordmann@example.no", "nb", "https://tek-zence.no")
    req = requests.open_request(reg, "access", subject=ref, channel="email")
    send_code(reg, req.ref, "kari.nordmann@example.no")
    with reg.transaction() as c:
        send_email(reg, c, Email("ola@example.no", "Endring / change", "Tekst: æøå", html="<p>æøå</p>"),
                   topic="art19.erasure", idempotency_key="art19:1", masked_to="o***@example.no")
    return ["portal_login", "verification_code", "art19.erasure"]


def _parse(raw: str) -> EmailMessage:
    msg = message_from_string(raw, policy=default)
    assert isinstance(msg, EmailMessage)
    return msg


def test_every_kind_of_message_parses_with_date_message_id_and_text(reg: Register, smtp_ascii: Smtp) -> None:
    topics = _queue_each_kind(reg)
    report = Worker(reg, SmtpMailer(smtp_ascii.host, smtp_ascii.port, SENDER)).run_once()
    assert report.delivered == len(smtp_ascii.messages) >= len(topics)  # opening a request mails a receipt too
    for raw in smtp_ascii.messages:
        msg = _parse(raw["data"])
        assert parsedate_to_datetime(str(msg["Date"])).tzinfo is not None
        assert str(msg["Message-ID"]).endswith("@tek-zence.no>")
        assert msg["From"] == SENDER and msg["Subject"]
        text = msg.get_body(preferencelist=("plain",))
        assert text is not None and text.get_content_type() == "text/plain" and text.get_content().strip()
    html = [m for m in map(_parse, (r["data"] for r in smtp_ascii.messages)) if m.is_multipart()]
    assert len(html) == 1 and html[0].get_body(preferencelist=("html",)) is not None


def _one(reg: Register, to: str) -> int:
    with reg.transaction() as c:
        oid = send_email(reg, c, Email(to, "Koden din", "Koden er 123456"), topic="verification_code",
                         idempotency_key=f"code:{to}", masked_to="k***")
    assert oid is not None
    return oid


def _row(reg: Register, oid: int) -> Any:
    with reg.engine.connect() as c:
        return c.execute(select(t.outbox).where(t.outbox.c.id == oid)).one()


def test_a_domain_with_aeoeaa_goes_out_in_idna(reg: Register, smtp_ascii: Smtp) -> None:
    _one(reg, "kari@blåbær.no")
    assert Worker(reg, SmtpMailer(smtp_ascii.host, smtp_ascii.port, SENDER)).run_once().delivered == 1
    [msg] = smtp_ascii.messages
    assert msg["to"] == ["kari@xn--blbr-roah.no"]
    assert _parse(msg["data"])["To"] == "kari@xn--blbr-roah.no"


def test_a_local_part_with_aeoeaa_uses_smtputf8_when_offered(reg: Register, smtp_utf8: Smtp) -> None:
    _one(reg, "kåre@example.no")
    assert Worker(reg, SmtpMailer(smtp_utf8.host, smtp_utf8.port, SENDER)).run_once().delivered == 1
    [msg] = smtp_utf8.messages
    assert msg["to"] == ["kåre@example.no"]


def test_a_local_part_with_aeoeaa_without_smtputf8_is_dead_at_once_with_the_reason(reg: Register,
                                                                                    smtp_ascii: Smtp) -> None:
    oid = _one(reg, "kåre@example.no")
    report = Worker(reg, SmtpMailer(smtp_ascii.host, smtp_ascii.port, SENDER)).run_once()
    assert (report.dead, report.retried, report.delivered) == (1, 0, 0)
    row = _row(reg, oid)
    assert row.status == "dead" and "SMTPUTF8" in row.last_error and "kåre" not in row.last_error
    assert smtp_ascii.messages == []
