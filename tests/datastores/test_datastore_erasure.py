"""Erasure (Art. 17, TP13c, TZ4) in the shop's database: one transaction, foreign-key order, what the law
keeps kept with the person cleared, idempotent, and the shop's own models still load what is left."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from bench.shop.fill import Customer, Customers
from sqlalchemy import MetaData, select

from personvern.datastores import Bound, access, erase
from personvern.errors import DatastoreError
from personvern.policy import LoadedPolicy

ROOT = Path(__file__).resolve().parents[2]

KEY = bytes(range(32))


def _dump(store: Bound) -> dict[str, list[tuple[Any, ...]]]:
    meta = MetaData()
    meta.reflect(store.engine, only=store.names())
    with store.engine.connect() as c:
        return {n: sorted(map(tuple, c.execute(select(meta.tables[n])).all()), key=repr) for n in store.names()}


def _customer(customers: Customers) -> Customer:
    return customers.take(lambda c: c.id is not None and len(c.orders) >= 2)


@pytest.mark.promise("TZ4")
@pytest.mark.promise("TP13c")
def test_erasure_keeps_orders_findable_by_number_only_with_the_person_cleared(store: Bound, customers: Customers,
                                                                            tp: LoadedPolicy) -> None:
    kari = _customer(customers)
    result = erase(store, tp.policy, {"email": [kari.email]}, hash_key=KEY)
    outcome = {t.table: t.outcome for t in result.tables}
    assert outcome == {"auth_user": "deleted", "address_useraddress": "deleted", "basket_basket": "deleted",
                       "order_order": "kept", "order_line": "retained", "order_billingaddress": "kept",
                       "order_shippingaddress": "deleted", **({"reviews_productreview": "anonymised"}
                                                              if "reviews_productreview" in outcome else {})}
    assert next(t for t in result.tables if t.table == "order_order").why == "bokføringsloven § 13"
    assert access(store, {"email": [kari.email], "phone": [kari.phone]}).tables == ()
    by_number = access(store, {"order_number": kari.orders})
    orders = next(t for t in by_number.tables if t.table == "order_order").rows
    assert sorted(o["number"] for o in orders) == sorted(kari.orders)
    assert all(o["user_id"] is None and o["guest_email"] == "" and o["shipping_address_id"] is None
               for o in orders)
    bills = next(t for t in by_number.tables if t.table == "order_billingaddress").rows
    assert all(b["first_name"] == b["last_name"] == b["line1"] == b["postcode"] == "" for b in bills)
    lines = next(t for t in by_number.tables if t.table == "order_line").rows
    assert lines and all(line["title"] for line in lines)


def test_the_shop_still_loads_the_kept_orders_with_its_own_models(store: Bound, customers: Customers,
                                                                  tp: LoadedPolicy) -> None:
    kari = _customer(customers)
    erase(store, tp.policy, {"email": [kari.email]}, hash_key=KEY)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "src")])}
    out = subprocess.run([sys.executable, "-m", "bench.shop.load_orders", customers.shop.url, *kari.orders],
                         capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    shown = json.loads(out.stdout)
    assert [o["number"] for o in shown] == kari.orders
    assert all(o["user"] is None and not o["email"] and o["shipping"] is None and o["lines"] for o in shown)
    assert all(kari.email not in json.dumps(o) for o in shown)


def test_rerunning_a_completed_erasure_changes_nothing(store: Bound, customers: Customers, tp: LoadedPolicy) -> None:
    kari = _customer(customers)
    erase(store, tp.policy, {"email": [kari.email], "phone": [kari.phone]}, hash_key=KEY)
    before = _dump(store)
    again = erase(store, tp.policy, {"email": [kari.email], "phone": [kari.phone]}, hash_key=KEY)
    assert again.tables == []
    assert _dump(store) == before


def test_a_review_keeps_its_text_and_loses_its_author(store: Bound, customers: Customers, tp: LoadedPolicy) -> None:
    t = store.table("reviews_productreview")
    with store.engine.connect() as c:
        reviews = {r["user_id"]: r for r in c.execute(select(t)).mappings()}
    author = customers.take(lambda x: x.id in reviews)
    review = reviews[author.id]
    result = erase(store, tp.policy, {"email": [author.email]}, hash_key=KEY)
    assert {x.table: x.outcome for x in result.tables}["reviews_productreview"] == "anonymised"
    with store.engine.connect() as c:
        after = c.execute(select(t).where(t.c.id == review["id"])).mappings().one()
    assert (after["title"], after["body"]) == (review["title"], review["body"])
    assert after["user_id"] is None and after["name"] == "" and after["email"] == ""


def test_a_hold_keeps_everything_and_says_why(store: Bound, customers: Customers, tp: LoadedPolicy) -> None:
    kari = _customer(customers)
    before = _dump(store)
    result = erase(store, tp.policy, {"email": [kari.email]}, hash_key=KEY, held="legal_claim: tvist")
    assert {t.outcome for t in result.tables} == {"held"}
    assert all(t.why == "legal_claim: tvist" for t in result.tables)
    assert _dump(store) == before


def test_plan_prints_the_sql_in_foreign_key_order_and_changes_nothing(store: Bound, customers: Customers,
                                                                     tp: LoadedPolicy) -> None:
    kari = _customer(customers)
    before = _dump(store)
    plan = erase(store, tp.policy, {"email": [kari.email]}, hash_key=KEY, plan=True)
    assert _dump(store) == before
    sql = "\n".join(plan.statements)
    assert sql.index("UPDATE order_order") < sql.index("DELETE FROM auth_user")
    assert sql.index("DELETE FROM order_shippingaddress") > sql.index("UPDATE order_order")


def test_a_read_only_datastore_refuses_erasure(store: Bound, customers: Customers, tp: LoadedPolicy) -> None:
    read_only = Bound(store.store.model_copy(update={"read_only": True}), store.engine, store.meta)
    with pytest.raises(DatastoreError, match="read_only"):
        erase(read_only, tp.policy, {"email": [customers.take().email]}, hash_key=KEY)
