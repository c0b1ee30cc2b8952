"""Datastores against the raw SQL a skilled developer would write for the same rows, on the oscar shop.

    python3 bench/datastores.py [--engine postgresql://127.0.0.1:5432/test] [--sizes 100000] [--out FILE]

For each size, a django-oscar database (bench/shop) with that many customers (and 10 % guests), the identity
columns indexed as ``personvern check`` advises (both sides use the indexes), then, median over customers
with two orders each:
  access        ``datastores.access`` vs 8 hand-written SELECTs in one REPEATABLE READ transaction;
  erasure       ``datastores.erase`` vs the hand-written UPDATE/DELETE statements in one transaction;
  request       the whole erasure request through ``rights`` (request record, verification, Art. 19 notices,
                audit entries, the register's own erasure, the shop's) vs the same raw erasure;
  sweep         ``datastores.sweep`` with 10 % of the orders past the order purpose's 36 months, vs raw
                set-based DELETE/UPDATE statements in one transaction, on two identical copies.
``run(engine_url, sizes)`` returns one dict per measurement: path, engine, size, raw_s, personvern_s, ratio.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import text

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from bench.shop.fill import Customer, Shop, fill  # noqa: E402
from bench.shop.schema import drop_shop, new_shop  # noqa: E402
from personvern.datastores import Bound, access, erase, open_datastore, sweep  # noqa: E402
from personvern.datastores._engine import dispose_all  # noqa: E402
from personvern.policy import LoadedPolicy, load_policy  # noqa: E402

POLICY = ROOT / "examples" / "policies" / "tp-ecommerce.yaml"
INDEXES = [("auth_user", "email"), ("order_order", "guest_email"), ("address_useraddress", "phone_number"),
           ("order_shippingaddress", "phone_number"), ("reviews_productreview", "email")]
KEY = bytes(32)
SAMPLES = 15


def _indexes(b: Bound) -> None:
    with b.engine.begin() as c:
        for table, column in INDEXES:
            c.execute(text(f"CREATE INDEX pv_{table}_{column} ON {table} ({column})"))
        if b.dialect == "postgresql":
            c.execute(text("ANALYZE"))


def _median(fn: Callable[[Customer], Any], people: list[Customer]) -> float:
    times = []
    for person in people:
        start = time.perf_counter()
        fn(person)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _paired(raw: Callable[[Customer], Any], ours: Callable[[Customer], Any], first: list[Customer],
            second: list[Customer]) -> tuple[float, float]:
    """Medians of raw and ours, run alternately (raw on ``first[i]``, then ours on ``second[i]``), so a machine
    shared with other work loads both sides alike."""
    raw_t, ours_t = [], []
    for a, b in zip(first, second, strict=False):
        raw_t.append(_median(raw, [a]))
        ours_t.append(_median(ours, [b]))
    return statistics.median(raw_t), statistics.median(ours_t)


def raw_access(b: Bound, person: Customer) -> dict[str, list[Any]]:
    """What a developer writes by hand for one customer's rows: one SELECT per table, ids passed along."""
    out: dict[str, list[Any]] = {}
    with b.engine.connect() as c:
        if b.dialect != "sqlite":
            c = c.execution_options(isolation_level="REPEATABLE READ")
        with c.begin():
            users = [r[0] for r in c.execute(text("SELECT * FROM auth_user WHERE email = :e"), {"e": person.email})]
            out["auth_user"] = users
            uid = users[0] if users else -1
            out["address_useraddress"] = list(c.execute(text(
                "SELECT * FROM address_useraddress WHERE user_id = :u OR phone_number = :p"),
                {"u": uid, "p": person.phone}))
            out["basket_basket"] = list(c.execute(text("SELECT * FROM basket_basket WHERE owner_id = :u"),
                                                  {"u": uid}))
            orders = list(c.execute(text("SELECT * FROM order_order WHERE user_id = :u OR guest_email = :e"),
                                    {"u": uid, "e": person.email}).mappings())
            out["order_order"] = orders
            ids = [o["id"] for o in orders] or [-1]
            out["order_line"] = list(c.execute(text(
                f"SELECT * FROM order_line WHERE order_id IN ({','.join(map(str, ids))})")))
            bill = [o["billing_address_id"] for o in orders if o["billing_address_id"]] or [-1]
            ship = [o["shipping_address_id"] for o in orders if o["shipping_address_id"]] or [-1]
            out["order_billingaddress"] = list(c.execute(text(
                f"SELECT * FROM order_billingaddress WHERE id IN ({','.join(map(str, bill))})")))
            out["order_shippingaddress"] = list(c.execute(text(
                f"SELECT * FROM order_shippingaddress WHERE id IN ({','.join(map(str, ship))}) "
                "OR phone_number = :p"), {"p": person.phone}))
            out["reviews_productreview"] = list(c.execute(text(
                "SELECT * FROM reviews_productreview WHERE user_id = :u OR email = :e"), {"u": uid, "e": person.email}))
    return out


def raw_erase(b: Bound, person: Customer) -> None:
    """The hand-written erasure: the same outcome as the oscar mapping, in one transaction."""
    with b.engine.begin() as c:
        uid = c.execute(text("SELECT id FROM auth_user WHERE email = :e"), {"e": person.email}).scalar() or -1
        orders = c.execute(text("SELECT id, shipping_address_id, billing_address_id FROM order_order "
                                "WHERE user_id = :u OR guest_email = :e"), {"u": uid, "e": person.email}).all()
        ids = ",".join(str(o[0]) for o in orders) or "-1"
        ship = ",".join(str(o[1]) for o in orders if o[1]) or "-1"
        bill = ",".join(str(o[2]) for o in orders if o[2]) or "-1"
        c.execute(text(f"UPDATE order_order SET user_id = NULL, guest_email = '', basket_id = NULL, "
                       f"shipping_address_id = NULL WHERE id IN ({ids})"))
        c.execute(text(f"UPDATE order_billingaddress SET first_name = '', last_name = '', line1 = '', line2 = '', "
                       f"line3 = '', line4 = '', state = '', postcode = '', search_text = '' WHERE id IN ({bill})"))
        c.execute(text(f"DELETE FROM order_shippingaddress WHERE id IN ({ship}) OR phone_number = :p"),
                  {"p": person.phone})
        c.execute(text("DELETE FROM address_useraddress WHERE user_id = :u OR phone_number = :p"),
                  {"u": uid, "p": person.phone})
        c.execute(text("DELETE FROM basket_basket WHERE owner_id = :u"), {"u": uid})
        c.execute(text("UPDATE reviews_productreview SET user_id = NULL, name = '', email = '' "
                       "WHERE user_id = :u OR email = :e"), {"u": uid, "e": person.email})
        c.execute(text("DELETE FROM auth_user WHERE id = :u"), {"u": uid})


def _people(shop: Shop, n: int, skip: set[str]) -> list[Customer]:
    chosen = [c for c in shop.registered() if len(c.orders) == 2 and c.email not in skip][:n]
    skip.update(c.email for c in chosen)
    return chosen


def _row(path: str, engine: str, size: int, raw: float, ours: float) -> dict[str, Any]:
    return {"path": path, "engine": engine, "size": size, "raw_s": round(raw, 6), "personvern_s": round(ours, 6),
            "ratio": round(ours / raw, 2) if raw else None}


def _request(tp: LoadedPolicy, b: Bound, engine_url: str, people: list[Customer], work: Path) -> float:
    """The whole erasure request through rights, median over ``people`` (register on the same engine)."""
    import os
    import uuid

    from personvern.register import MasterKey, Register
    from personvern.rights import handle
    from personvern.rights import requests as rq

    os.environ["SHOP_DATABASE_URL"] = b.engine.url.render_as_string(hide_password=False)
    from personvern.datastores import engine_for

    schema = None
    admin = engine_for(engine_url) if engine_url.startswith("postgres") else None
    if admin is not None:
        schema = f"pv_bench_{uuid.uuid4().hex[:10]}"
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.execute(text(f'CREATE SCHEMA "{schema}"'))
        db = engine_url.replace("postgresql://", "postgresql+psycopg://") + f"?options=-csearch_path%3D{schema}"
    else:
        db = f"sqlite:///{work / 'register.db'}"
    reg = Register.open(tp, db, master_key=MasterKey(bytes(range(32))))
    try:
        refs = {p.email: reg.add_subject("customer", {"email": p.email}) for p in people}

        def one(p: Customer) -> None:
            v = rq.open_request(reg, "erasure", subject=refs[p.email], channel="email")
            rq.verify(reg, v.ref, method="id_document", by="bench")
            handle.erase(reg, v.ref, ground="c", by="bench")

        return _median(one, people)
    finally:
        reg.close()
        if admin is not None:
            with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


def _sweep_as_of(b: Bound) -> date:
    """The day on which 10 % of the orders are past the order purpose's 36 months."""
    with b.engine.connect() as c:
        dates = sorted(r[0] for r in c.execute(text("SELECT date_placed FROM order_order")))
    tenth = dates[len(dates) // 10]
    day = tenth.date() if isinstance(tenth, datetime) else date.fromisoformat(str(tenth)[:10])
    return day + relativedelta(months=36)


def raw_sweep(b: Bound, as_of: date) -> None:
    """Hand-written set-based sweep with the same outcome, in one transaction."""
    c36 = datetime.combine(as_of - relativedelta(months=36), datetime.min.time(), UTC)  # due the day after
    c_book = datetime(as_of.year - 5, 1, 1, tzinfo=UTC)  # 5 years after the end of the year of the sale
    if b.dialect != "postgresql":
        c36, c_book = c36.replace(tzinfo=None), c_book.replace(tzinfo=None)
    with b.engine.begin() as c:
        ship = [r[0] for r in c.execute(text("SELECT shipping_address_id FROM order_order WHERE date_placed < :c "
                                             "AND shipping_address_id IS NOT NULL"), {"c": c36})]
        c.execute(text("UPDATE order_order SET shipping_address_id = NULL WHERE date_placed < :c"), {"c": c36})
        for n in range(0, len(ship), 10000):
            c.execute(text(f"DELETE FROM order_shippingaddress WHERE id IN ({','.join(map(str, ship[n:n + 10000]))})"))
        due = c.execute(text("SELECT id, billing_address_id FROM order_order WHERE date_placed < :c"),
                        {"c": c_book}).all()
        ids = ",".join(str(r[0]) for r in due) or "-1"
        bill = ",".join(str(r[1]) for r in due if r[1]) or "-1"
        c.execute(text(f"DELETE FROM order_line WHERE order_id IN ({ids})"))
        c.execute(text(f"UPDATE order_order SET billing_address_id = NULL WHERE id IN ({ids})"))
        c.execute(text(f"DELETE FROM order_billingaddress WHERE id IN ({bill})"))
        c.execute(text(f"DELETE FROM order_order WHERE id IN ({ids})"))
        c.execute(text("DELETE FROM reviews_productreview WHERE date_created < :c"), {"c": c36})


def run(engine_url: str, sizes: list[int], *, samples: int = SAMPLES) -> list[dict[str, Any]]:
    """Measure every path at every size on one engine (``sqlite`` or a server URL)."""
    tp = load_policy(POLICY)
    engine = engine_url.split(":")[0].split("+")[0]
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for size in sizes:
            urls = [new_shop(engine_url, work / f"a{size}"), new_shop(engine_url, work / f"b{size}")] \
                if engine_url != "sqlite" else []
            if engine_url == "sqlite":
                for name in ("a", "b"):
                    (work / f"{name}{size}").mkdir()
                    urls.append(new_shop(engine_url, work / f"{name}{size}"))
            try:
                shop = fill(urls[0], size, seed=1)
                b = open_datastore(tp.datastores[0], shop.url)
                _indexes(b)
                used: set[str] = set()
                people = _people(shop, samples, used)
                for p in people[:3]:  # warm the caches and the engine's plans on both sides
                    raw_access(b, p)
                    access(b, {"email": [p.email]})
                raw, ours = _paired(lambda p, b=b: raw_access(b, p),  # type: ignore[misc]
                                    lambda p, b=b: access(b, {"email": [p.email]}), people, people)  # type: ignore[misc]
                rows.append(_row("datastore.access", engine, size, raw, ours))
                raw, ours = _paired(lambda p, b=b: raw_erase(b, p),  # type: ignore[misc]
                                    lambda p, b=b: erase(b, tp.policy, {"email": [p.email]}, hash_key=KEY),  # type: ignore[misc]
                                    _people(shop, samples, used), _people(shop, samples, used))
                rows.append(_row("datastore.erase", engine, size, raw, ours))
                request = _request(tp, b, engine_url, _people(shop, samples, used), work)
                rows.append(_row("rights.erase+datastore (request e2e)", engine, size, raw, request))
                rows.append(_sweep(tp, engine, size, urls[1]))
            finally:
                dispose_all()
                for url in urls:
                    drop_shop(engine_url, url)
    return rows


def _sweep(tp: LoadedPolicy, engine: str, size: int, url: str) -> dict[str, Any]:
    """Sweep on two identical copies: one filled with seed 2 swept by hand, one refilled and swept by us."""
    shop = fill(url, size, seed=2)
    b = open_datastore(tp.datastores[0], shop.url)
    _indexes(b)
    as_of = _sweep_as_of(b)
    snapshot = _copy_counts(b)
    start = time.perf_counter()
    raw_sweep(b, as_of)
    raw = time.perf_counter() - start
    after_raw = _copy_counts(b)
    _reset(url, b)
    shop = fill(url, size, seed=2)
    b = open_datastore(tp.datastores[0], shop.url)
    _indexes(b)
    assert _copy_counts(b) == snapshot
    start = time.perf_counter()
    sweep(b, tp.policy, as_of)
    ours = time.perf_counter() - start
    assert _copy_counts(b) == after_raw, (after_raw, _copy_counts(b))
    return _row(f"datastore.sweep ({snapshot['order_shippingaddress'] - after_raw['order_shippingaddress']} "
                "due)", engine, size, raw, ours)


def _copy_counts(b: Bound) -> dict[str, int]:
    with b.engine.connect() as c:
        return {n: int(c.execute(text(f"SELECT count(*) FROM {n}")).scalar_one()) for n in b.names()}


def _reset(url: str, b: Bound) -> None:
    """Empty the shop's filled tables again (children first), for the second copy of the sweep."""
    from bench.shop.fill import TABLES

    order = ["reviews_productreview", "order_line", "order_order", "order_shippingaddress", "order_billingaddress",
             "basket_basket", "address_useraddress", "auth_user", "catalogue_product", "catalogue_productclass",
             "partner_partner", "address_country"]
    assert set(order) == set(TABLES)
    with b.engine.begin() as c:
        for name in order:
            c.execute(text(f"DELETE FROM {name}"))
        for table, column in INDEXES:
            c.execute(text(f"DROP INDEX pv_{table}_{column}" + (f" ON {table}" if b.dialect == "mysql" else "")))
    dispose_all()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", default="sqlite")
    parser.add_argument("--sizes", default="100000")
    parser.add_argument("--samples", type=int, default=SAMPLES)
    parser.add_argument("--out")
    args = parser.parse_args()
    rows = run(args.engine, [int(s) for s in args.sizes.split(",")], samples=args.samples)
    text_out = json.dumps(rows, indent=2)
    print(text_out)
    if args.out:
        Path(args.out).write_text(text_out + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
