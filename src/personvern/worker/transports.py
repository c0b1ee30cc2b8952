"""How the worker delivers an outbox row: SMTP e-mail, a signed webhook, or a file in the archive directory.

Webhooks (GDPR Art. 19 notices, TZ6 deletion instructions) are POSTed as JSON with three headers:

- ``X-Personvern-Timestamp``: Unix seconds when it was signed;
- ``X-Personvern-Signature``: ``sha256=`` + hex HMAC-SHA256 over ``f"{timestamp}.{body}"``;
- ``Idempotency-Key``: the outbox row's key; a receiver that sees a key twice drops the repeat.

The HMAC secret of a recipient is the environment variable ``PERSONVERN_WEBHOOK_SECRET_<KEY>`` (the
recipient key upper-cased, e.g. ``PERSONVERN_WEBHOOK_SECRET_DELIVERY_PARTNERS``) when it is set, else a key
derived (HKDF) from the register's outbox key and the recipient key: stable for the database, different per
recipient; ``personvern outbox secret RECIPIENT`` prints it to hand to the recipient. A receiver checks a
request with :func:`verify_signature`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import smtplib
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import SMTPUTF8
from email.policy import default as email_default
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import unquote, urlsplit

import idna

from personvern.errors import RegisterError
from personvern.register.crypto import derive

if TYPE_CHECKING:
    import httpx

    from personvern.register.store import Register

WEBHOOK_TIMEOUT = 10.0  # seconds, connect and read


class DeliveryFailed(Exception):
    """A delivery attempt failed; ``str()`` is safe to store as ``last_error`` (no personal data)."""


class PermanentFailure(DeliveryFailed):
    """A delivery that cannot succeed by retrying (a 5xx refusal, an address the server cannot take): the row
    goes dead at once with this reason, instead of looping through retries."""


class NotConfigured(DeliveryFailed):
    """The transport is not configured: the row stays pending without using up an attempt."""


class Mailer(Protocol):
    def send(self, body: dict[str, Any], *, idempotency_key: str) -> None: ...


# -- e-mail --------------------------------------------------------------------------------------------


@dataclass
class SmtpMailer:
    """E-mail over SMTP (smtplib). ``from_env()`` reads ``PERSONVERN_SMTP_URL`` (``smtp://[user:pass@]host:port``,
    ``smtp+starttls://`` for STARTTLS) and ``PERSONVERN_MAIL_FROM``."""

    host: str
    port: int
    sender: str
    starttls: bool = False
    user: str | None = None
    password: str | None = None
    timeout: float = 30.0

    @classmethod
    def from_env(cls) -> SmtpMailer | None:
        url = os.environ.get("PERSONVERN_SMTP_URL")
        if not url:
            return None
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtp+starttls") or not parts.hostname:
            raise RegisterError("PERSONVERN_SMTP_URL must look like smtp://host:port or smtp+starttls://host:port",
                                field="PERSONVERN_SMTP_URL")
        sender = os.environ.get("PERSONVERN_MAIL_FROM")
        if not sender:
            raise RegisterError("PERSONVERN_MAIL_FROM (the sender address) is not set", field="PERSONVERN_MAIL_FROM")
        return cls(parts.hostname, parts.port or 25, sender, starttls=parts.scheme == "smtp+starttls",
                   user=unquote(parts.username) if parts.username else None,
                   password=unquote(parts.password) if parts.password else None)

    def send(self, body: dict[str, Any], *, idempotency_key: str) -> None:
        to = ascii_domain(body["to"])
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls()
                if self.user:
                    smtp.login(self.user, self.password or "")
                smtp.ehlo_or_helo_if_needed()
                utf8 = not to.isascii() or not self.sender.isascii()
                if utf8 and not smtp.has_extn("smtputf8"):
                    raise PermanentFailure("SMTP server does not offer SMTPUTF8, which the recipient's address "
                                           "(non-ASCII before the @) needs; send to another address")
                msg = build_message(body, self.sender, idempotency_key, to=to)
                smtp.send_message(msg, mail_options=("SMTPUTF8",) if utf8 else ())
        except smtplib.SMTPResponseException as exc:
            if 500 <= exc.smtp_code < 600:  # a permanent refusal: retrying cannot help (RFC 5321 § 4.2.1)
                raise PermanentFailure(f"SMTP {exc.smtp_code}") from None
            raise DeliveryFailed(f"SMTP {exc.smtp_code}") from None
        except smtplib.SMTPRecipientsRefused as exc:
            codes = sorted({code for code, _ in exc.recipients.values()})
            error = PermanentFailure if all(500 <= c < 600 for c in codes) else DeliveryFailed
            raise error(f"SMTP recipient refused {','.join(map(str, codes))}") from None
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryFailed(f"SMTP {type(exc).__name__}") from None  # never the message: it names addresses


def ascii_domain(address: str) -> str:
    """``address`` with its domain in IDNA (``kari@blåbær.no`` → ``kari@xn--blbr-xoa4a.no``): every relay takes
    that; a non-ASCII local part is left as it is (it needs SMTPUTF8)."""
    local, at, domain = address.rpartition("@")
    if not at or domain.isascii():
        return address
    try:
        return f"{local}@{idna.encode(domain, uts46=True).decode('ascii')}"
    except idna.IDNAError:
        raise PermanentFailure("the recipient's domain is not a valid internationalised domain name") from None


def build_message(body: dict[str, Any], sender: str, idempotency_key: str, *, to: str | None = None,
                  now: datetime | None = None) -> EmailMessage:
    """The MIME message for an outbox e-mail, as relays and spam filters expect (RFC 5322, issue 18): a
    ``Date``, a ``Message-ID`` on the sender's domain, a text/plain part (and text/html beside it when the
    body has one), UTF-8 where the text needs it."""
    msg = EmailMessage(policy=SMTPUTF8 if not (to or body["to"]).isascii() else email_default)
    msg["From"], msg["To"], msg["Subject"] = sender, to or ascii_domain(body["to"]), body["subject"]
    msg["Date"] = format_datetime(now or datetime.now(UTC))
    domain = ascii_domain("x@" + sender.rpartition("@")[2].strip(">")).rpartition("@")[2] or "localhost"
    msg["Message-ID"] = make_msgid(idstring=hashlib.sha256(idempotency_key.encode()).hexdigest()[:24], domain=domain)
    msg["X-Personvern-Idempotency-Key"] = idempotency_key
    msg.set_content(body["text"])
    if body.get("html"):
        msg.add_alternative(body["html"], subtype="html")
    return msg


@dataclass
class CaptureMailer:
    """Demo and test mode: marks e-mail delivered without sending it. The demo's mailbox page shows the
    delivered rows (``register.outbox.body_of``); ``sent`` keeps what this process captured."""

    sent: list[dict[str, Any]] = field(default_factory=list)

    def send(self, body: dict[str, Any], *, idempotency_key: str) -> None:
        self.sent.append({**body, "idempotency_key": idempotency_key})


# -- webhooks ------------------------------------------------------------------------------------------


def sign(secret: bytes | str, timestamp: int | str, body: bytes | str) -> str:
    """The ``X-Personvern-Signature`` header value for a body sent at ``timestamp``."""
    key = secret.encode() if isinstance(secret, str) else secret
    data = body.encode() if isinstance(body, str) else body
    return "sha256=" + hmac.new(key, str(timestamp).encode() + b"." + data, hashlib.sha256).hexdigest()


def verify_signature(secret: bytes | str, timestamp: int | str, body: bytes | str, header: str, *,
                     tolerance: int = 300, now: float | None = None) -> bool:
    """For receivers: True when ``header`` signs ``body`` at ``timestamp`` and the timestamp is within
    ``tolerance`` seconds of now (a replayed old request fails)."""
    try:
        sent = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs((time.time() if now is None else now) - sent) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, sent, body), header or "")


def webhook_secret(reg: Register, recipient: str) -> bytes:
    """The HMAC secret for a recipient: ``PERSONVERN_WEBHOOK_SECRET_<KEY>`` or derived from the outbox key."""
    env = os.environ.get("PERSONVERN_WEBHOOK_SECRET_" + re.sub(r"[^A-Z0-9]", "_", recipient.upper()))
    return env.encode() if env else derive(reg.keys.outbox_key, f"webhook-secret:{recipient}").hex().encode()


class WebhookSender:
    """POSTs signed JSON with httpx (timeout 10 s); any 2xx is delivered, anything else is retried.

    httpx (≈ 16 MB resident with its dependencies) is imported on the first webhook, not by every worker."""

    def __init__(self, reg: Register, client: httpx.Client | None = None) -> None:
        self.reg = reg
        self._client = client

    @property
    def client(self) -> httpx.Client:
        if self._client is None:
            import httpx

            self._client = httpx.Client(timeout=WEBHOOK_TIMEOUT, follow_redirects=False)
        return self._client

    def send(self, url: str, recipient: str | None, body: dict[str, Any], *, idempotency_key: str,
             timestamp: int) -> None:
        data = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        secret = webhook_secret(self.reg, recipient or "")
        headers = {"Content-Type": "application/json", "Idempotency-Key": idempotency_key,
                   "X-Personvern-Timestamp": str(timestamp), "X-Personvern-Signature": sign(secret, timestamp, data)}
        import httpx

        try:
            response = self.client.post(url, content=data.encode(), headers=headers)
        except httpx.HTTPError as exc:
            raise DeliveryFailed(f"webhook {type(exc).__name__}") from None
        if not 200 <= response.status_code < 300:
            raise DeliveryFailed(f"webhook HTTP {response.status_code}")

    def close(self) -> None:
        if self._client is not None:
            self._client.close()


# -- archive hand-over ---------------------------------------------------------------------------------


def deliver_to_archive(directory: str | Path | None, destination: str, idempotency_key: str,
                       body: dict[str, Any]) -> Path:
    """Write a hand-over (the sweep's ``hand_over`` action) as ``<dir>/<archive>/<key>.json``, atomically: a
    repeat overwrites the same file. Without ``PERSONVERN_ARCHIVE_DIR`` the row waits (NotConfigured)."""
    if not directory:
        raise NotConfigured("PERSONVERN_ARCHIVE_DIR is not set: archive hand-overs wait until it is")
    folder = Path(directory) / _safe_name(destination)
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / f"{_safe_name(idempotency_key)}.json"
    tmp = final.with_suffix(".json.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(body, fh, ensure_ascii=False, indent=2, default=str)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, final)
    return final


def _safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._") or "archive"
