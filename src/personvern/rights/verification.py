"""Identity verification by e-mail: one-time codes for requests and single-use links for the portal.

Before anything is disclosed or changed, the requester shows control of an e-mail address the register
has for the subject (Art. 12(6), TP13a). A code is six digits, lives 30 minutes and allows five attempts;
only its SHA-256 is stored (table ``verifications``), with the HMAC of the address it went to (rate
limiting without clear text) and the masked address. The code itself travels only in the outbox body,
which is encrypted; ``destination`` is the masked address.

:func:`issue_token` / :func:`redeem_token` are the same mechanism for the portal's magic-link login
(issue 7): single use, short-lived, at most :data:`MAX_PER_HOUR` per address per hour.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from contextlib import nullcontext
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Row, func, insert, select, update

from personvern.audit import RequestStep
from personvern.errors import NotFound, RegisterError
from personvern.register import schema as t
from personvern.register.identifiers import normalise
from personvern.register.outbox import Email, send_email
from personvern.rights import requests

if TYPE_CHECKING:
    from personvern.register.store import Register

__all__ = ["CODE_DIGITS", "CODE_TTL", "MAX_ATTEMPTS", "MAX_PER_HOUR", "PURPOSES", "check_code", "issue_token",
           "redeem_token", "send_code"]

CODE_DIGITS = 6
CODE_TTL = timedelta(minutes=30)
MAX_ATTEMPTS = 5  # wrong guesses per code: 5 in 10^6 keeps guessing hopeless
MAX_PER_HOUR = 5  # codes or links per address per hour: no mail bombing through the register
PURPOSES = ("request", "portal_login")
v = t.verifications


def _hash(purpose: str, scope: str, token: str) -> str:
    return hashlib.sha256(f"{purpose}\x00{scope}\x00{token}".encode()).hexdigest()


def _scope(request_id: int | None, subject_id: int | None) -> str:
    """Short codes are only unique within what they verify; long link tokens are unique on their own."""
    return f"{request_id or ''}:{subject_id or ''}"


def issue_token(reg: Register, *, purpose: str, subject_id: int | None = None, request_id: int | None = None,
                address: str | None = None, ttl: timedelta, digits: int | None = None,
                conn: Connection | None = None) -> str:
    """A fresh one-time code (``digits``) or link token; only its hash is stored. Rate-limited per address."""
    if purpose not in PURPOSES:
        raise RegisterError(f"unknown verification purpose '{purpose}'; known: {', '.join(PURPOSES)}",
                            field="purpose")
    if ttl <= timedelta(0) or ttl > timedelta(days=1):
        raise RegisterError("a one-time code or link lives between a second and a day", field="ttl")
    ident = normalise("email", address) if address is not None else None
    lookup = reg.keys.lookup("email", ident.value) if ident else None
    now = reg.clock()
    with nullcontext(conn) if conn is not None else reg.transaction() as c:
        if lookup is not None:
            recent = c.execute(select(func.count()).select_from(v).where(
                v.c.lookup == lookup, v.c.created_at > now - timedelta(hours=1))).scalar_one()
            if recent >= MAX_PER_HOUR:
                raise RegisterError(f"too many codes or links were sent to this address in the last hour "
                                    f"(at most {MAX_PER_HOUR}); try again later", field="address")
        scope = _scope(request_id, subject_id) if digits else ""
        for _ in range(10):
            token = f"{secrets.randbelow(10 ** digits):0{digits}d}" if digits else secrets.token_urlsafe(32)
            digest = _hash(purpose, scope, token)
            if c.execute(select(v.c.id).where(v.c.token_hash == digest)).first() is None:
                break
        else:  # pragma: no cover - ten collisions in a row
            raise RegisterError("could not make a unique code; try again", field="code")
        c.execute(insert(v).values(purpose=purpose, token_hash=digest, subject_id=subject_id, request_id=request_id,
                                   lookup=lookup, sent_to=ident.masked if ident else None, created_at=now,
                                   expires_at=now + ttl, attempts=0))
    return token


def redeem_token(reg: Register, token: str, *, purpose: str) -> Row[Any]:
    """Use a link token once: its ``verifications`` row, or an error that does not say which check failed."""
    bad = RegisterError("the link is invalid, already used or expired; ask for a new one", field="token")
    if not token or len(token) > 128:
        raise bad
    now = reg.clock()
    with reg.transaction() as c:
        row = c.execute(select(v, (v.c.expires_at > now).label("live"))
                        .where(v.c.token_hash == _hash(purpose, "", token))).first()
        if row is None or row.purpose != purpose or row.used_at is not None or not row.live:
            raise bad
        done = c.execute(update(v).where(v.c.id == row.id, v.c.used_at.is_(None)).values(used_at=now))
        if done.rowcount != 1:
            raise bad
    return row


def send_code(reg: Register, ref: str, email: str) -> None:
    """E-mail a one-time code for a received request, to an address the register has for its subject."""
    ident = normalise("email", email)
    lookup = reg.keys.lookup("email", ident.value)
    with reg.transaction() as c:
        row = requests.load(c, ref)
        requests.require(row, ("received",), "send a code for")
        x = t.identifiers
        owners = set(c.execute(select(x.c.subject_id).where(x.c.kind == "email", x.c.lookup == lookup)).scalars())
        if row.subject_id is not None and row.subject_id not in owners:
            raise RegisterError("this address is not one the register has for the request's subject", field="email")
        if row.subject_id is None and len(owners) != 1:
            raise RegisterError("no single subject has this address: verify the request another way",
                                field="email")
        sid = row.subject_id or next(iter(owners))
        code = issue_token(reg, purpose="request", subject_id=sid, request_id=row.id, address=ident.value,
                           ttl=CODE_TTL, digits=CODE_DIGITS, conn=c)
        send_email(reg, c, _code_email(reg, ident.value, code), topic="verification_code",
                   idempotency_key=f"code:{row.ref}:{_hash('request', str(row.id), code)[:16]}",  # <= 64
                   masked_to=ident.masked, subject_ref=row.subject_ref, request_id=row.id)
        reg.audit(c, RequestStep(subject_ref=row.subject_ref, request_id=row.id, right=row.kind, step="code_sent"))


def _code_email(reg: Register, to: str, code: str) -> Email:
    name = reg.policy.controller.name
    minutes = int(CODE_TTL.total_seconds() // 60)
    return Email(to=to, subject=f"{name}: engangskode / one-time code",
                 text=(f"Koden din er {code}. Den gjelder i {minutes} minutter.\n"
                       "Har du ikke bedt om innsyn, sletting eller andre rettigheter hos oss, kan du se bort fra "
                       "denne e-posten.\n\n"
                       f"Your code is {code}. It is valid for {minutes} minutes.\n"
                       "If you did not make a request to us, you can ignore this e-mail.\n\n"
                       f"{name}"))


def check_code(reg: Register, ref: str, code: str, *, by: str = "subject") -> requests.RequestView:
    """Check a code sent with :func:`send_code`; the right code verifies the request (method ``email_code``).

    Every attempt counts, right or wrong, and is committed before a wrong code is refused."""
    now = reg.clock()
    with reg.transaction() as c:
        row = requests.load(c, ref)
        requests.require(row, ("received",), "verify")
        code_row = c.execute(select(v, (v.c.expires_at > now).label("live"))
                             .where(v.c.request_id == row.id, v.c.purpose == "request", v.c.used_at.is_(None))
                             .order_by(v.c.id.desc()).limit(1)).first()
        if code_row is None:
            raise NotFound("no code is waiting for this request; ask for one", field="code")
        if not code_row.live:
            raise RegisterError("the code has expired; ask for a new one", field="code")
        if code_row.attempts >= MAX_ATTEMPTS:
            raise RegisterError("too many wrong attempts; ask for a new code", field="code")
        digest = _hash("request", _scope(row.id, code_row.subject_id), code.strip())
        ok = hmac.compare_digest(digest, code_row.token_hash)
        c.execute(update(v).where(v.c.id == code_row.id).values(
            attempts=v.c.attempts + 1, used_at=now if ok else None))
        subject = c.execute(select(t.subjects.c.ref).where(t.subjects.c.id == code_row.subject_id)).scalar()
    if not ok:
        left = MAX_ATTEMPTS - code_row.attempts - 1
        raise RegisterError(f"wrong code ({left} attempt{'s' if left != 1 else ''} left)", field="code")
    return requests.verify(reg, ref, method="email_code", by=by, subject=subject)
