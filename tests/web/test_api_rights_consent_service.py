"""Rights requests, consent, customer service and the outbox through the API (Art. 7, 12–21; TZ8–TZ11)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import pytest
from sqlalchemy import select
from web_api_support import Api, make_api

from personvern.register import Register
from personvern.register import schema as t
from personvern.register.outbox import enqueue
from personvern.worker import sign, webhook_secret


@pytest.fixture
def api(reg: Register) -> Api:
    return make_api(reg)


@pytest.fixture
def shop(open_register: Callable[[str], Register]) -> Api:
    """TP E-commerce: the policy with a marketing purpose."""
    return make_api(open_register("tp-ecommerce"))


def opened(api: Api, kind: str, role: str = "agent") -> dict[str, object]:
    res = api.call("POST", "/api/requests", role, json={"kind": kind, "subject": api.subject, "channel": "phone"})
    assert res.status_code == 201, res.text
    body: dict[str, object] = res.json()
    return body


@pytest.mark.promise("TP13a")
def test_an_access_request_from_opening_to_the_register_copy(api: Api) -> None:
    request = opened(api, "access")
    ref = request["ref"]
    assert request["status"] == "received" and request["due_on"] == "2026-02-05"  # Art. 12(3): one month
    queue = api.call("GET", "/api/requests?status=open", "privacy_officer").json()
    assert [r["ref"] for r in queue] == [ref]
    res = api.call("POST", f"/api/requests/{ref}/access", "privacy_officer", json={})
    assert res.status_code == 403 and "verif" in res.json()["error"]  # nothing before identity (Art. 12(6))
    res = api.call("POST", f"/api/requests/{ref}/verify", "privacy_officer", json={"method": "id_document"})
    assert res.json()["verified_by"] == "token:test-privacy_officer"
    done = api.call("POST", f"/api/requests/{ref}/access", "privacy_officer", json={"langs": ["nb"]}).json()
    assert done["status"] == "completed"
    files = {a["name"]: a for a in api.call("GET", f"/api/requests/{ref}/artifacts", "privacy_officer").json()}
    name = next(n for n in files if n.endswith(".json"))
    copy = api.call("GET", f"/api/requests/{ref}/artifacts/{name}", "privacy_officer")
    assert copy.status_code == 200 and "attachment" in copy.headers["content-disposition"]
    assert json.loads(copy.content)
    assert api.call("GET", f"/api/requests/{ref}/artifacts/nope.pdf", "privacy_officer").status_code == 404


def test_requests_are_extended_refused_and_unknown_ones_are_404(api: Api) -> None:
    ref = opened(api, "rectification")["ref"]
    res = api.call("POST", f"/api/requests/{ref}/extend", "privacy_officer", json={"reason": "mange saker"})
    assert res.json()["extended_to"] == "2026-04-07"  # three months from receipt, next working day
    res = api.call("POST", f"/api/requests/{ref}/refuse", "privacy_officer", json={"reason": "åpenbart grunnløs"})
    assert res.json()["status"] == "refused"
    res = api.call("GET", "/api/requests/00000000-0000-4000-8000-000000000000", "privacy_officer")
    assert res.status_code == 404
    res = api.call("POST", "/api/requests", "agent", json={"kind": "gossip", "subject": api.subject})
    assert res.status_code == 422 and res.json()["field"] == "kind"


@pytest.mark.promise("TP13c")
def test_an_erasure_request_carried_out(api: Api) -> None:
    ref = opened(api, "erasure")["ref"]
    api.call("POST", f"/api/requests/{ref}/verify", "privacy_officer", json={"method": "id_document"})
    res = api.call("POST", f"/api/requests/{ref}/erase", "privacy_officer", json={"ground": "a"})
    assert res.status_code == 200, res.text
    assert res.json()["status"] == "completed"
    assert api.call("GET", f"/api/subjects/{api.subject}", "agent").status_code == 404


@pytest.mark.promise("TP13e")
def test_consent_given_checked_and_withdrawn(shop: Api) -> None:
    ref = shop.subject
    res = shop.call("POST", f"/api/subjects/{ref}/consents", "agent",
                    json={"purpose": "marketing", "channel": "email", "method": "phone"})
    assert res.status_code == 201, res.text
    states = {(s["purpose"], s["channel"]): s["state"]
              for s in shop.call("GET", f"/api/subjects/{ref}/consents", "agent").json()}
    assert states[("marketing", "email")] == "given"
    decision = shop.call("POST", f"/api/subjects/{ref}/may-contact", "agent",
                         json={"purpose": "marketing", "channel": "email"}).json()
    assert decision["allowed"] is True, decision
    assert shop.call("POST", f"/api/subjects/{ref}/consents/withdraw", "agent",
                     json={"purpose": "marketing", "channel": "email"}).json() == {"withdrawn": 1}
    decision = shop.call("POST", f"/api/subjects/{ref}/may-contact", "agent",
                         json={"purpose": "marketing", "channel": "email"}).json()
    assert decision["allowed"] is False and decision["code"]
    history = shop.call("GET", f"/api/subjects/{ref}/consents/history", "agent").json()
    assert [h["action"] for h in history] == ["given", "withdrawn"]
    count = shop.call("POST", "/api/campaign/count", "privacy_officer",
                      json={"purpose": "marketing", "channel": "email"}).json()
    assert count["total"] >= 1 and count["allowed_count"] == 0
    res = shop.call("POST", f"/api/subjects/{ref}/consents", "agent",
                    json={"purpose": "nope", "channel": "email", "method": "phone"})
    assert res.status_code == 422 and res.json()["field"] == "purpose"


@pytest.mark.promise("TZ10")
def test_an_agent_finds_the_caller_logs_the_call_and_opens_a_case(api: Api) -> None:
    hits = api.call("POST", "/api/service/lookup", "agent",
                    json={"query": "975 27 747", "purpose": "customer_service"}).json()
    assert [h["subject"] for h in hits] == [api.subject]
    assert "kari" not in json.dumps(hits).lower()  # masked
    profile = api.call("GET", f"/api/service/profile/{api.subject}?purpose=customer_service", "agent").json()
    assert profile["subject"] == api.subject
    case = api.call("POST", "/api/cases", "agent",
                    json={"subject": api.subject, "kind": "service", "purpose": "customer_service"})
    assert case.status_code == 201, case.text
    res = api.call("POST", f"/api/subjects/{api.subject}/contacts", "agent",
                   json={"channel": "phone", "direction": "in", "purpose": "customer_service",
                         "case": case.json()["ref"]})
    assert res.status_code == 201, res.text
    assert [c["channel"] for c in api.call("GET", f"/api/subjects/{api.subject}/contacts", "agent").json()] == [
        "phone"]
    closed = api.call("POST", f"/api/cases/{case.json()['ref']}/close", "agent", json={}).json()
    assert closed["closed_at"] is not None
    assert [c["ref"] for c in api.call("GET", f"/api/subjects/{api.subject}/cases", "agent").json()] == [
        case.json()["ref"]]


def _webhook(api: Api, recipient: str = "delivery_partners") -> str:
    with api.reg.transaction() as c:
        enqueue(api.reg, c, kind="webhook", topic="erasure", destination="https://partner.example/hook",
                body={"subject": "x"}, idempotency_key="ack-test-1", recipient=recipient)
    return "ack-test-1"


def _signed(api: Api, body: bytes, secret: bytes, at: int | None = None) -> object:
    at = at or int(time.time())
    return api.client.post("/api/outbox/ack", content=body, headers={
        "content-type": "application/json", "X-Personvern-Timestamp": str(at),
        "X-Personvern-Signature": sign(secret, at, body)})


@pytest.mark.promise("TZ6")
def test_a_recipient_acknowledges_with_a_signed_request(api: Api) -> None:
    key = _webhook(api)
    secret = webhook_secret(api.reg, "delivery_partners")
    body = json.dumps({"recipient": "delivery_partners", "idempotency_key": key}).encode()
    api.client.cookies.clear()
    assert _signed(api, body, b"wrong-secret").status_code == 401  # type: ignore[attr-defined]
    assert _signed(api, body, secret, at=int(time.time()) - 3600).status_code == 401  # type: ignore[attr-defined]
    other = json.dumps({"recipient": "delivery_partners", "idempotency_key": "not-ours"}).encode()
    assert _signed(api, other, secret).status_code == 401  # type: ignore[attr-defined]
    res = _signed(api, body, secret)
    assert res.status_code == 200 and res.json() == {"acknowledged": True}  # type: ignore[attr-defined]
    with api.reg.engine.connect() as c:
        acked = c.execute(select(t.outbox.c.acknowledged_at).where(t.outbox.c.idempotency_key == key)).scalar()
    assert acked is not None
    listed = api.call("GET", "/api/outbox", "privacy_officer").json()
    assert listed[0]["acknowledged_at"] is not None
    assert api.call("GET", "/api/outbox/dead", "privacy_officer").json() == []
    res = api.client.post("/api/outbox/ack", content=b"[]", headers={"content-type": "application/json"})
    assert res.status_code == 400 and res.json()["field"] == "body"


def test_a_dead_letter_is_retried(api: Api) -> None:
    _webhook(api)
    with api.reg.transaction() as c:
        c.execute(t.outbox.update().values(status="dead", attempts=8, last_error="timeout"))
    [dead] = api.call("GET", "/api/outbox/dead", "privacy_officer").json()
    assert api.call("POST", f"/api/outbox/{dead['id']}/retry", "privacy_officer").json() == {"retried": True}
    assert api.call("POST", f"/api/outbox/{dead['id']}/retry", "privacy_officer").json() == {"retried": False}
    assert api.call("GET", "/api/outbox?status=pending", "privacy_officer").json()[0]["attempts"] == 0
