"""The datastore routes of the REST API: a privacy officer looks a person up in the shop and reviews the SQL
an erasure would run; the sweep runs only for admins."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from bench.shop.fill import Customers

from personvern.datastores import Bound
from personvern.register import Register

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))
from web_api_support import make_api


@pytest.fixture
def api_reg(open_register: Callable[[str], Register], store: Bound, monkeypatch: pytest.MonkeyPatch) -> Register:
    monkeypatch.setenv("SHOP_DATABASE_URL", store.engine.url.render_as_string(hide_password=False))
    return open_register("tp-ecommerce")


def test_an_officer_sees_a_persons_shop_rows_and_the_erasure_sql(api_reg: Register, customers: Customers) -> None:
    api = make_api(api_reg)
    kari = customers.take(lambda c: c.id is not None and len(c.orders) >= 1)
    [store] = api.call("GET", "/api/datastores", "privacy_officer").json()
    assert store["name"] == "shop" and store["reachable"] and "order_order" in store["tables"]
    got = api.call("POST", "/api/datastores/shop/access", "privacy_officer", json={"email": [kari.email]})
    assert got.status_code == 200
    tables = {t["table"]: t for t in got.json()["tables"]}
    assert {r["number"] for r in tables["order_order"]["rows"]} == set(kari.orders)
    plan = api.call("POST", "/api/datastores/shop/erasure-plan", "privacy_officer", json={"email": [kari.email]})
    assert plan.status_code == 200 and any(s.startswith("DELETE FROM auth_user") for s in plan.json()["statements"])
    again = api.call("POST", "/api/datastores/shop/access", "privacy_officer", json={"email": [kari.email]})
    assert again.json() == got.json()  # a plan changes nothing
    assert api.call("POST", "/api/datastores/shop/access", "agent", json={"email": [kari.email]}).status_code == 403
    assert api.call("POST", "/api/datastores/shop/sweep/run", "privacy_officer", json={}).status_code == 403
    preview = api.call("POST", "/api/datastores/shop/sweep/preview", "privacy_officer", json={"as_of": "2026-12-01"})
    assert preview.status_code == 200 and preview.json()["dry_run"] is True
    assert api.call("POST", "/api/datastores/nope/access", "privacy_officer", json={}).status_code == 404
