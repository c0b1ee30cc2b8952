"""One-click unsubscribe for direct marketing (markedsføringsloven § 15 fourth paragraph: every marketing
message must offer a simple, free way to opt out; RFC 8058 one-click via List-Unsubscribe-Post).

    links = unsubscribe_links(reg, "https://example.no", "marketing", "email", refs)
    for link in links:   # one per recipient: a URL and the two header values for the business's mail tool
        link.url, link.headers["List-Unsubscribe"], link.headers["List-Unsubscribe-Post"]
    done = unsubscribe(reg, token)       # what the page at the URL does, without a login

The token is opaque: AES-GCM under a key derived from the register's keyring (so it is signed and reveals
nothing), holding the subject's pseudonymous ref, the purpose and the channel. No address, name or number is
in the URL. Honouring it is a withdrawal in the consent ledger (``consent.withdraw``: soft opt-in stops too,
through the suppression list), by the subject, so the ledger shows when and how.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from personvern.errors import CryptoError, RegisterError
from personvern.register import Register
from personvern.register.crypto import decrypt, derive, encrypt

__all__ = ["UnsubscribeLink", "Unsubscribed", "read_token", "unsubscribe", "unsubscribe_links", "unsubscribe_token"]

PATH = "/avmelding/"
_USE = "unsubscribe-link-v1"


@dataclass(frozen=True)
class UnsubscribeLink:
    subject: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)  # List-Unsubscribe, List-Unsubscribe-Post (RFC 8058)


@dataclass(frozen=True)
class Unsubscribed:
    subject: str
    purpose: str
    channel: str
    withdrawn: int  # consents withdrawn now (0 when it was soft opt-in, or already off: the opt-out still holds)


def _key(reg: Register) -> bytes:
    return derive(reg.keys.lookup("unsubscribe", _USE), _USE)


def unsubscribe_token(reg: Register, subject: str, purpose: str, channel: str) -> str:
    """An opaque, authenticated token naming the subject, purpose and channel to opt out of."""
    if reg.policy.purpose(purpose) is None:
        raise RegisterError(f"'{purpose}' is not a purpose of this policy", field="purpose")
    body = json.dumps([subject, purpose, channel], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(encrypt(_key(reg), body, _USE.encode())).decode().rstrip("=")


def read_token(reg: Register, token: str) -> tuple[str, str, str]:
    """The (subject, purpose, channel) of a token this register made; a RegisterError for anything else."""
    try:
        blob = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        subject, purpose, channel = json.loads(decrypt(_key(reg), blob, _USE.encode()))
    except (ValueError, TypeError, CryptoError) as exc:  # bad base64 or JSON, a forged or foreign token
        raise RegisterError("the unsubscribe link is invalid or damaged", field="token") from exc
    return str(subject), str(purpose), str(channel)


def unsubscribe_links(reg: Register, base_url: str, purpose: str, channel: str,
                      subjects: Iterable[str]) -> list[UnsubscribeLink]:
    """A link per recipient of a campaign, with the RFC 8058 header values (for e-mail)."""
    out = []
    for subject in subjects:
        url = f"{base_url.rstrip('/')}{PATH}{unsubscribe_token(reg, subject, purpose, channel)}"
        headers = {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"} if (
            channel == "email") else {}
        out.append(UnsubscribeLink(subject, url, headers))
    return out


def unsubscribe(reg: Register, token: str) -> Unsubscribed:
    """Honour a link: withdraw the purpose on the channel, by the subject, in the consent ledger."""
    from personvern.consent.ledger import withdraw

    subject, purpose, channel = read_token(reg, token)
    n = withdraw(reg, subject, purpose, channel=channel, by="subject")
    return Unsubscribed(subject, purpose, channel, n)
