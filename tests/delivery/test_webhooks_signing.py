"""Webhook signing (GDPR Art. 19 notices, TZ6 instructions): HMAC-SHA256 over "timestamp.body", checked by
receivers with verify_signature; delivered to a real local HTTP server."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from personvern.register import Register
from personvern.register.outbox import enqueue
from personvern.worker import CaptureMailer, Worker, sign, verify_signature, webhook_secret

SECRET = b"s3cret-for-tests"


def test_signature_verifies_and_tampering_fails() -> None:
    now = time.time()
    ts = int(now)
    body = '{"type":"personvern.art19.erasure"}'
    header = sign(SECRET, ts, body)
    assert header.startswith("sha256=") and len(header) == 7 + 64
    assert verify_signature(SECRET, ts, body, header, now=now)
    assert verify_signature(SECRET.decode(), str(ts), body.encode(), header, now=now)
    assert not verify_signature(SECRET, ts, body.replace("erasure", "rectification"), header, now=now)
    assert not verify_signature(b"another secret", ts, body, header, now=now)
    assert not verify_signature(SECRET, ts + 1, body, header, now=now)  # the timestamp is signed too
    assert not verify_signature(SECRET, ts, body, "sha256=" + "0" * 64, now=now)
    assert not verify_signature(SECRET, "not a number", body, header, now=now)
    assert not verify_signature(SECRET, ts, body, "", now=now)


def test_old_or_future_timestamp_fails() -> None:
    ts = 1_700_000_000
    header = sign(SECRET, ts, "{}")
    assert verify_signature(SECRET, ts, "{}", header, now=ts + 300)
    assert not verify_signature(SECRET, ts, "{}", header, now=ts + 301)  # replayed later
    assert not verify_signature(SECRET, ts, "{}", header, now=ts - 301)
    assert verify_signature(SECRET, ts, "{}", header, now=ts + 3000, tolerance=3600)


def _queue(reg: Register, url: str, key: str, recipient: str = "delivery_partners") -> None:
    with reg.transaction() as c:
        enqueue(reg, c, kind="webhook", topic="art19.erasure", destination=url, recipient=recipient,
                body={"type": "personvern.art19.erasure", "references": ["5521"]}, idempotency_key=key)


@pytest.mark.promise("TZ6")
def test_worker_signs_webhook_with_derived_secret(reg: Register, receiver: Any) -> None:
    _queue(reg, receiver.url, "art19:erasure:1:delivery_partners")
    report = Worker(reg, CaptureMailer()).run_once()
    assert report.delivered == 1
    [got] = receiver.requests
    h = got["headers"]
    assert h["idempotency-key"] == "art19:erasure:1:delivery_partners"
    assert h["content-type"] == "application/json"
    secret = webhook_secret(reg, "delivery_partners")
    assert verify_signature(secret, h["x-personvern-timestamp"], got["body"], h["x-personvern-signature"])
    assert not verify_signature(webhook_secret(reg, "other"), h["x-personvern-timestamp"], got["body"],
                                h["x-personvern-signature"])  # a secret per recipient
    assert json.loads(got["body"])["references"] == ["5521"]


def test_secret_from_environment_wins(reg: Register, receiver: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PERSONVERN_WEBHOOK_SECRET_DELIVERY_PARTNERS", "from-the-env")
    assert webhook_secret(reg, "delivery_partners") == b"from-the-env"
    _queue(reg, receiver.url, "k-env")
    Worker(reg, CaptureMailer()).run_once()
    [got] = receiver.requests
    h = got["headers"]
    assert verify_signature("from-the-env", h["x-personvern-timestamp"], got["body"], h["x-personvern-signature"])
