"""A bounded schemathesis run over every /api operation (issue 18): generated requests, a few per operation,
through the ASGI app (no network); no answer may be a 5xx, and every answer must match the OpenAPI document
(status declared, body of the declared schema, declared content type).
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from web_api_support import make_api

from personvern.register import Register

TOKENS: dict[str, str] = {}
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance, content_type_conformance]


@pytest.fixture
def api_schema(reg: Register) -> Any:
    api = make_api(reg)
    TOKENS["admin"] = api.tokens["admin"]
    return schemathesis.openapi.from_asgi("/api/openapi.json", api.app)


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_5xx_and_no_schema_violation(case: Any) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {TOKENS['admin']}"}, checks=CHECKS)
