"""The durable outbox: every outgoing message is a row written in the transaction of the change that caused it.

``enqueue`` is the only way to send anything (verification codes, register copies, Art. 19 notices to
recipients, TZ6 deletion instructions, TP16 policy-change e-mails, archive hand-overs). The body is
AES-GCM under the keyring's outbox key because it may carry personal data (an e-mail address, a copy);
``destination`` is what is safe to show and log: a URL, a masked address, an archive name.
``personvern worker`` (``personvern.worker``) delivers rows at least once; the idempotency key lets the
receiver drop a repeat, and a repeated ``enqueue`` with the same key is a no-op here too.
``enqueue_many`` queues a batch set-based (one existence check, one multi-row insert): TP16 policy-change
e-mails to every affected subject go through it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import Connection, Row, insert, select

from personvern.register import schema as t
from personvern.register.crypto import decrypt, encrypt

if TYPE_CHECKING:
    from personvern.register.store import Register

Kind = Literal["email", "webhook", "archive", "manual"]  # manual: no channel declared; the officer tells the recipient


@dataclass(frozen=True)
class Email:
    """An e-mail body as stored in the outbox. ``to`` is the clear address: it lives only encrypted."""

    to: str
    subject: str
    text: str
    html: str | None = None

    def body(self) -> dict[str, Any]:
        return {"to": self.to, "subject": self.subject, "text": self.text, "html": self.html}


def enqueue(reg: Register, conn: Connection, *, kind: Kind, topic: str, destination: str,
            body: dict[str, Any], idempotency_key: str, recipient: str | None = None,
            subject_ref: str | None = None, request_id: int | None = None,
            not_before: datetime | None = None, fresh: bool = False, status: str = "pending") -> int | None:
    """Add a message inside the caller's transaction; returns its id, or None if the key was already used.

    ``destination`` must not be clear personal data: for e-mail pass the masked address and put the
    real one in ``body['to']`` (see :class:`Email`). ``fresh``: the caller knows the key cannot have been used
    (a request's one answer, queued as the request closes): the check is skipped, the unique key still holds.
    ``status="manual"``: a message the worker never sends, for the officer to deliver by hand (a letter)."""
    if not fresh:
        have = conn.execute(select(t.outbox.c.id).where(t.outbox.c.idempotency_key == idempotency_key)).scalar()
        if have is not None:
            return None
    now = reg.clock()
    blob = encrypt(reg.keys.outbox_key, json.dumps(body, ensure_ascii=False, default=str).encode(), b"outbox")
    return int(conn.execute(insert(t.outbox).values(
        kind=kind, topic=topic, destination=destination, recipient=recipient, subject_ref=subject_ref,
        request_id=request_id, body=blob, idempotency_key=idempotency_key, status=status, attempts=0,
        next_attempt_at=not_before or now, created_at=now).returning(t.outbox.c.id)).scalar_one())


@dataclass(frozen=True)
class Message:
    """One message for :func:`enqueue_many`: the arguments of :func:`enqueue`."""

    kind: Kind
    topic: str
    destination: str
    body: dict[str, Any]
    idempotency_key: str
    recipient: str | None = None
    subject_ref: str | None = None
    request_id: int | None = None
    not_before: datetime | None = None

    @classmethod
    def email(cls, email: Email, *, topic: str, idempotency_key: str, masked_to: str,
              subject_ref: str | None = None, request_id: int | None = None,
              recipient: str | None = None) -> Message:
        """An e-mail, as :func:`send_email` queues it (``masked_to`` is the destination shown and logged)."""
        return cls("email", topic, masked_to, email.body(), idempotency_key, recipient, subject_ref, request_id)


def enqueue_many(reg: Register, conn: Connection, messages: Sequence[Message]) -> list[int | None]:
    """Add a batch of messages inside the caller's transaction, set-based: one existence check with IN and one
    multi-row insert per chunk of ``CHUNK``. Returns, per message in order, its id, or None when its
    idempotency key was already used (in the outbox, or earlier in ``messages``)."""
    out: list[int | None] = []
    for start in range(0, len(messages), CHUNK):
        out += _enqueue_chunk(reg, conn, messages[start:start + CHUNK])
    return out


CHUNK = 1000  # keys per IN list and rows per insert: well inside SQLite's and PostgreSQL's parameter limits


def _enqueue_chunk(reg: Register, conn: Connection, messages: Sequence[Message]) -> list[int | None]:
    o = t.outbox
    keys = [m.idempotency_key for m in messages]
    used = set(conn.execute(select(o.c.idempotency_key).where(o.c.idempotency_key.in_(set(keys)))).scalars())
    now = reg.clock()
    rows: dict[str, dict[str, Any]] = {}
    for m in messages:
        if m.idempotency_key in used or m.idempotency_key in rows:
            continue
        blob = encrypt(reg.keys.outbox_key, json.dumps(m.body, ensure_ascii=False, default=str).encode(), b"outbox")
        rows[m.idempotency_key] = {
            "kind": m.kind, "topic": m.topic, "destination": m.destination, "recipient": m.recipient,
            "subject_ref": m.subject_ref, "request_id": m.request_id, "body": blob,
            "idempotency_key": m.idempotency_key, "status": "pending", "attempts": 0,
            "next_attempt_at": m.not_before or now, "created_at": now}
    ids: dict[str, int] = {}
    if rows:  # RETURNING the key with the id: rows may come back in any order
        ids = {k: int(i) for i, k in conn.execute(insert(o).returning(o.c.id, o.c.idempotency_key),
                                                  list(rows.values()))}
    seen: set[str] = set()
    out: list[int | None] = []
    for key in keys:
        out.append(ids.get(key) if key not in seen else None)
        seen.add(key)
    return out


def send_email(reg: Register, conn: Connection, email: Email, *, topic: str, idempotency_key: str,
               masked_to: str, subject_ref: str | None = None, request_id: int | None = None,
               recipient: str | None = None) -> int | None:
    """Queue an e-mail (delivered by the worker over SMTP)."""
    return enqueue(reg, conn, kind="email", topic=topic, destination=masked_to, body=email.body(),
                   idempotency_key=idempotency_key, subject_ref=subject_ref, request_id=request_id,
                   recipient=recipient)


def body_of(reg: Register, row: Row[Any]) -> dict[str, Any]:
    """The decrypted body of an outbox row."""
    return dict(json.loads(decrypt(reg.keys.outbox_key, row.body, b"outbox")))
