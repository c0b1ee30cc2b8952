"""The API says what it sends (issue 18): time-zone-aware timestamps on every engine, bearer auth and the
``{"error", "field"}`` error body declared in OpenAPI with the statuses each route can answer.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from web_api_support import Api, make_api

from personvern.register import Register


@pytest.fixture
def api(reg: Register) -> Api:
    return make_api(reg)


def _moments(value: Any, key: str = "") -> list[tuple[str, str]]:
    if isinstance(value, dict):
        return [m for k, v in value.items() for m in _moments(v, k)]
    if isinstance(value, list):
        return [m for v in value for m in _moments(v, key)]
    if isinstance(value, str) and key.endswith("_at") and "T" in value:
        return [(key, value)]
    return []


def test_timestamps_carry_a_time_zone_on_every_engine(api: Api) -> None:
    res = api.call("POST", "/api/requests", "privacy_officer", json={"kind": "access", "subject": api.subject,
                                                                      "channel": "email"})
    assert res.status_code == 201, res.text
    seen = _moments(res.json())
    seen += _moments(api.call("GET", "/api/requests", "privacy_officer").json())
    seen += _moments(api.call("GET", "/api/admin/tokens", "admin").json())
    assert {k for k, _ in seen} >= {"received_at", "created_at"}
    for key, value in seen:
        assert datetime.fromisoformat(value).tzinfo is not None, (key, value)


def test_openapi_declares_bearer_auth_and_the_error_body(api: Api) -> None:
    doc = api.client.get("/api/openapi.json").json()
    schemes = doc["components"]["securitySchemes"]
    assert schemes["bearer"] == {"type": "http", "scheme": "bearer"}
    error = doc["components"]["schemas"]["Error"]
    assert set(error["properties"]) == {"error", "field"} and error["required"] == ["error", "field"]
    assert "HTTPValidationError" not in doc["components"]["schemas"]
    for path, item in doc["paths"].items():
        for method, op in item.items():
            responses = op["responses"]
            public = op.get("security") == []
            assert public or op["security"] == [{"bearer": []}], (method, path)
            wanted = {"413", "422"} | (set() if public else {"401", "403"})
            assert wanted <= set(responses), (method, path, sorted(responses))
            for code in wanted:
                ref = responses[code]["content"]["application/json"]["schema"]["$ref"]
                assert ref == "#/components/schemas/Error"
            if "{" in path:
                assert "404" in responses, (method, path)


def test_a_409_is_declared_where_the_state_can_refuse(api: Api) -> None:
    doc = api.client.get("/api/openapi.json").json()
    assert "409" in doc["paths"]["/api/subjects/{ref}/records"]["post"]["responses"]
