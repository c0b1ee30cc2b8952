"""The register through the API: subjects and identifiers (masked by default), records, events, holds,
restriction, erasure with sealing, the sweep preview, audit, policy; errors as JSON with the right 4xx."""

from __future__ import annotations

from pathlib import Path

import pytest
from web_api_support import Api, make_api

from personvern.register import Register

ORDER = "TZ-10042"


@pytest.fixture
def api(reg: Register) -> Api:
    return make_api(reg)


def customer(api: Api) -> str:
    res = api.call("POST", "/api/subjects", "agent", json={
        "kind": "customer", "identifiers": {"email": "ola@example.no", "phone": "+47 412 34 567",
                                            "order_number": ORDER}})
    assert res.status_code == 201, res.text
    ref = str(res.json()["ref"])
    for purpose, cats, payload, order in [
            ("customer_profile", ["user.name"], {"user.name": "Ola Nordmann"}, None),
            ("bookkeeping", ["custom.order"], {"custom.order": {"order": ORDER, "total": "990"}}, ORDER)]:
        res = api.call("POST", f"/api/subjects/{ref}/records", "agent",
                       json={"purpose": purpose, "categories": cats, "payload": payload, "ref": order})
        assert res.status_code == 201, res.text
    res = api.call("POST", "/api/events", "agent", json={"name": "purchase.made", "on": "2026-01-05", "subject": ref})
    assert res.status_code == 204, res.text
    return ref


def test_identifiers_are_masked_unless_an_officer_asks(api: Api) -> None:
    ref = customer(api)
    shown = api.call("GET", f"/api/subjects/{ref}", "agent").json()
    assert shown["kind"] == "customer"
    assert "ola@example.no" not in str(shown) and shown["identifiers"]["email"]
    clear = api.call("GET", f"/api/subjects/{ref}/identifiers/clear", "privacy_officer").json()
    assert clear["identifiers"]["email"] == ["ola@example.no"]
    assert api.call("GET", f"/api/subjects/{ref}/identifiers/clear", "agent").status_code == 403


def test_search_by_phone_in_any_format(api: Api) -> None:
    ref = customer(api)
    for typed in ("41234567", "+47 412 34 567", "0047 412-34-567"):
        res = api.call("POST", "/api/subjects/search", "agent", json={"kind": "phone", "value": typed})
        assert res.json() == {"refs": [ref]}


def test_records_read_and_written_with_retention(api: Api) -> None:
    ref = customer(api)
    records = api.call("GET", f"/api/subjects/{ref}/records", "agent").json()
    by_purpose = {r["purpose"]: r for r in records}
    assert by_purpose["customer_profile"]["payload"] == {"user.name": "Ola Nordmann"}
    assert by_purpose["bookkeeping"]["retention_until"] == "2032-01-01"  # bokføringsloven § 13: 5 years


def test_a_write_the_policy_refuses_is_a_422_naming_the_field(api: Api) -> None:
    ref = customer(api)
    res = api.call("POST", f"/api/subjects/{ref}/records", "agent",
                   json={"purpose": "customer_profile", "categories": ["user.health"]})
    assert res.status_code == 422
    assert res.json()["field"] == "categories" and "does not collect" in res.json()["error"]
    res = api.call("POST", f"/api/subjects/{ref}/records", "agent", json={"purpose": "nope", "categories": ["x"]})
    assert (res.status_code, res.json()["field"]) == (422, "purpose")


def test_bad_identifiers_and_unknown_subjects(api: Api) -> None:
    res = api.call("POST", "/api/subjects", "agent", json={"kind": "customer", "identifiers": {"email": "nope"}})
    assert res.status_code == 422 and res.json()["field"] == "email"
    res = api.call("GET", "/api/subjects/00000000-0000-4000-8000-000000000000", "agent")
    assert res.status_code == 404 and res.json() == {
        "error": "subject: no subject 00000000-0000-4000-8000-000000000000", "field": "subject"}


def test_a_malformed_body_is_a_422_with_the_field(api: Api) -> None:
    res = api.call("POST", "/api/subjects", "agent", json={"identifiers": {}})
    assert res.status_code == 422 and res.json()["field"] == "kind"
    res = api.call("POST", "/api/subjects", "agent", content=b"{not json", headers={"content-type": "application/json"})
    assert res.status_code == 422 and "error" in res.json()


@pytest.mark.promise("TP13d")
def test_restriction_blocks_ordinary_use_with_a_409(api: Api) -> None:
    ref = customer(api)
    res = api.call("POST", f"/api/subjects/{ref}/restrictions", "privacy_officer",
                   json={"ground": "accuracy", "reason": "kunden bestrider navnet"})
    assert res.status_code == 201
    restriction = res.json()["id"]
    assert [r["ground"] for r in api.call("GET", f"/api/subjects/{ref}/restrictions", "agent").json()] == ["accuracy"]
    res = api.call("GET", f"/api/subjects/{ref}/records", "agent")
    assert res.status_code == 409 and "Art. 18(2)" in res.json()["error"]
    assert api.call("GET", f"/api/subjects/{ref}/records?use=storage", "agent").status_code == 200
    assert api.call("DELETE", f"/api/restrictions/{restriction}", "privacy_officer").status_code == 204
    assert api.call("DELETE", f"/api/restrictions/{restriction}", "privacy_officer").status_code == 404
    assert api.call("GET", f"/api/subjects/{ref}/records", "agent").status_code == 200


def test_holds_are_placed_listed_and_lifted(api: Api) -> None:
    ref = customer(api)
    res = api.call("POST", "/api/holds", "privacy_officer", json={"subject": ref, "reason": "tvist 26-1234"})
    hold = res.json()["id"]
    assert [h["id"] for h in api.call("GET", f"/api/subjects/{ref}/holds", "privacy_officer").json()] == [hold]
    assert api.call("POST", f"/api/holds/{hold}/lift", "privacy_officer").json() == {"deleted": 0}
    res = api.call("POST", f"/api/holds/{hold}/lift", "privacy_officer")
    assert res.status_code == 409 and res.json()["field"] == "hold"


@pytest.mark.promise("TZ4")
def test_erasure_seals_the_receipt_found_by_order_number_only(api: Api) -> None:
    ref = customer(api)
    res = api.call("POST", f"/api/subjects/{ref}/erase", "privacy_officer", json={})
    assert res.status_code == 422 and res.json()["field"] == "ground"  # the officer chooses the Art. 17(1) ground
    res = api.call("POST", f"/api/subjects/{ref}/erase", "privacy_officer", json={"ground": "a"})
    assert res.status_code == 200
    result = res.json()
    assert result["erased"] == {"customer_profile": 1} and result["subject_removed"]
    assert [(k["purpose"], k["outcome"]) for k in result["kept"]] == [("bookkeeping", "sealed")]
    sealed = api.call("POST", "/api/sealed/search", "privacy_officer", json={"order_number": ORDER}).json()
    assert [r["purpose"] for r in sealed] == ["bookkeeping"]
    assert api.call("POST", "/api/subjects/search", "agent",
                    json={"kind": "email", "value": "ola@example.no"}).json() == {"refs": []}


def test_sweep_preview_for_a_date_changes_nothing(api: Api) -> None:
    ref = customer(api)
    preview = api.call("GET", "/api/sweep/preview?as_of=2032-01-02", "privacy_officer").json()
    assert preview["dry_run"] and preview["deleted"].get("bookkeeping") == 1
    assert len(api.call("GET", f"/api/subjects/{ref}/records", "agent").json()) == 2
    res = api.call("POST", "/api/sweep/run", "admin", json={"as_of": "2032-01-02"})
    assert res.status_code == 400 and res.json()["field"] == "as_of"
    assert api.call("POST", "/api/sweep/run", "admin", json={}).json()["dry_run"] is False


def test_sweep_preview_lists_records_with_no_due_date(api: Api) -> None:
    ref = customer(api)
    res = api.call("POST", f"/api/subjects/{ref}/records", "agent",
                   json={"purpose": "customer_service", "categories": ["custom.call_log"], "payload": {}})
    assert res.status_code == 201, res.text
    preview = api.call("GET", "/api/sweep/preview?as_of=2040-01-01", "privacy_officer").json()
    assert preview["waiting"] == {  # TZ3: an active customer's profile waits for the relationship to end
        "customer_profile": {"records": 1, "events": ["customer.relationship_ended"]},
        "customer_service": {"records": 1, "events": ["case.closed"]}}


def test_the_audit_trail_verifies_and_names_the_token(api: Api) -> None:
    ref = customer(api)
    assert api.call("GET", "/api/audit/verify", "privacy_officer").json()["ok"] is True
    entries = api.call("GET", f"/api/subjects/{ref}/audit", "privacy_officer").json()
    assert {e["actor"] for e in entries} == {"token:test-agent"}
    assert "subject.created" in {e["action"] for e in entries}
    res = api.call("GET", "/api/audit/entries?action=subject.created&limit=5", "privacy_officer").json()
    assert ref in {e["subject_ref"] for e in res}
    api.call("GET", f"/api/subjects/{ref}/records", "agent")
    seen = api.call("GET", f"/api/subjects/{ref}/accesses", "privacy_officer").json()
    assert "record.read" in {e["action"] for e in seen}
    res = api.call("GET", "/api/audit/entries?since=2026-01-01T00:00:00", "privacy_officer")
    assert res.status_code == 400 and res.json()["field"] == "since"


def test_policy_notice_and_ropa(api: Api) -> None:
    policy = api.call("GET", "/api/policy", "agent").json()
    assert "bookkeeping" in {p["key"] for p in policy["purposes"]}
    notice = api.call("GET", "/api/policy/notice?lang=en&format=md", "agent")
    assert notice.headers["content-type"].startswith("text/markdown") and "bookkeeping" in notice.text.lower()
    ropa = api.call("GET", "/api/policy/ropa?format=xlsx", "privacy_officer")
    assert ropa.content[:2] == b"PK" and "attachment" in ropa.headers["content-disposition"]
    assert api.call("GET", "/api/policy/ropa?format=pdf", "privacy_officer").status_code == 422


@pytest.mark.promise("TP16")
def test_an_admin_activates_a_policy_version_and_gets_problems_by_line(api: Api, policy_path: Path) -> None:
    text = policy_path.read_text(encoding="utf-8")
    yaml = {"content-type": "application/yaml"}
    res = api.call("POST", "/api/policy/activate", "admin", content=text.encode(), headers=yaml)
    assert res.status_code == 200 and res.json()["material"] == [] and not res.json()["already_active"]
    res = api.call("POST", "/api/policy/activate", "admin", content=b"policy: [", headers=yaml)
    assert res.status_code == 422 and "policy.yaml:1" in res.json()["error"]


def test_openapi_lists_every_area_with_tags(api: Api) -> None:
    spec = api.client.get("/api/openapi.json").json()
    tags = {tag for path in spec["paths"].values() for op in path.values() for tag in op.get("tags", [])}
    assert {"subjects", "retention", "requests", "consent", "service", "outbox", "audit", "policy", "admin"} <= tags
    assert "/api/subjects/{ref}/erase" in spec["paths"]


def test_no_response_ever_carries_a_traceback(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    from personvern.register import store

    def broken(*_: object, **__: object) -> None:
        raise ZeroDivisionError("secret detail kari@example.no")

    monkeypatch.setattr(store.Register, "subject_kind", broken)
    res = api.call("GET", f"/api/subjects/{api.subject}", "agent")
    assert res.status_code == 500
    assert res.json() == {"error": "internal error; it has been logged", "field": None}
    html = api.client.get("/console/", headers={"accept": "text/html"})
    for r in (res, html):
        assert "Traceback" not in r.text and "kari@example.no" not in r.text and "ZeroDivision" not in r.text
