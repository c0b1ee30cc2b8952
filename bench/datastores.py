"""Datastores (issue 16): access, erasure and the retention sweep in the business's own database — an oscar shop
(bench/shop, django-oscar migrated with its own migrations) of N customers and 10 % guests, the identity
columns indexed as ``personvern check`` advises — against the SQL a skilled developer would write by hand for
the same rows, on the same database.

- datastore access e2e: one access request through ``rights`` for a customer with two orders (request record,
  verification, the register copy as JSON and HTML with the shop's rows found by one ``SELECT`` per mapped
  table in one snapshot, audit entries), against the 8 hand-written ``SELECT`` statements in one REPEATABLE
  READ transaction. The note gives the shop's part alone (``datastores.access``).
- datastore erasure e2e: one erasure request through ``rights`` (request record, verification, Art. 19
  notices, audit and outbox entries, the register's own erasure and the shop's: orders kept for bokføringsloven
  § 13 with the person cleared, the rest deleted), against the hand-written ``UPDATE``/``DELETE`` statements
  with the same outcome in one transaction. The note gives the shop's part alone (``datastores.erase``).
- datastore sweep 10 % due: ``datastores.sweep`` on the day 10 % of the orders are past the order purpose's
  36 months, against set-based ``DELETE``/``UPDATE`` statements with the same outcome, on two identical copies
  (one run each; the row counts after both must agree).

Targets (issue 16): access ≤ 3 ms and erasure ≤ 5 ms (≤ 2× the raw SQL at 1M customers on PostgreSQL), the
sweep ≤ 1.3× the raw statements. ``run(engine_url, sizes)`` (rows made with ``bench._common.row``) is what
``python -m bench`` calls; ``python3 bench/datastores.py --engine mysql://root@127.0.0.1:3306/test`` runs the
same on MariaDB on its own.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from bench._common import CONFIG, median, pct, row, timed  # noqa: E402
from bench.shop.fill import Customer, Shop, fill  # noqa: E402
from bench.shop.schema import drop_shop, new_shop  # noqa: E402
from personvern.datastores import Bound, access, erase, open_datastore, sweep  # noqa: E402
from personvern.datastores._engine import dispose_all  # noqa: E402
from personvern.policy import LoadedPolicy, load_policy  # noqa: E402

POLICY = ROOT / "examples" / "policies" / "tp-ecommerce.yaml"
INDEXES = [("auth_user", "email"), ("order_order", "guest_email"), ("address_useraddress", "phone_number"),
           ("order_shippingaddress", "phone_number"), ("reviews_productreview", "email")]
KEY = bytes(32)
ACCESS_TARGET_MS = 3.0  # issue 16: ≤ 2× the raw SQL, i.e. access ≤ 3 ms and erasure ≤ 5 ms at 1M customers
ERASURE_TARGET_MS = 5.0
SWEEP_TARGET_RATIO = 1.3


def _indexes(b: Bound) -> None:
    with b.engine.begin() as c:
        for table, column in INDEXES:
            c.execute(text(f"CREATE INDEX pv_{table}_{column} ON {table} ({column})"))
        if b.dialect == "postgresql":
            c.execute(text("ANALYZE"))


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


def _engine(engine_url: str) -> str:
    scheme = engine_url.split(":")[0].split("+")[0]
    return {"mysql": "mariadb", "postgres": "postgresql"}.get(scheme, scheme)


@contextmanager
def _register(tp: LoadedPolicy, b: Bound, engine_url: str, work: Path) -> Iterator[Any]:
    """TP E-commerce's register on the same engine (a throw-away schema on PostgreSQL, a file otherwise),
    reaching the shop through SHOP_DATABASE_URL as a deployment does."""
    from personvern.register import MasterKey, Register

    os.environ["SHOP_DATABASE_URL"] = b.engine.url.render_as_string(hide_password=False)
    schema, db = None, f"sqlite:///{work / f'register-{uuid.uuid4().hex[:8]}.db'}"
    if engine_url.startswith("postgres"):
        schema = f"pv_bench_{uuid.uuid4().hex[:10]}"
        admin = create_engine(engine_url.replace("postgresql://", "postgresql+psycopg://", 1),
                              isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            c.execute(text(f'CREATE SCHEMA "{schema}"'))
        db = engine_url.replace("postgresql://", "postgresql+psycopg://", 1) + f"?options=-csearch_path%3D{schema}"
    reg = Register.open(tp, db, master_key=MasterKey(bytes(range(32))))
    try:
        yield reg
    finally:
        reg.close()
        os.environ.pop("SHOP_DATABASE_URL", None)
        if schema is not None:
            with admin.connect() as c:
                c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


def _request(reg: Any, kind: str, ref: str) -> None:
    from personvern.rights import handle
    from personvern.rights import requests as rq

    v = rq.open_request(reg, kind, subject=ref, channel="email")
    rq.verify(reg, v.ref, method="id_document", by="bench")
    if kind == "access":
        handle.answer_access(reg, v.ref, by="bench")
    else:
        handle.erase(reg, v.ref, ground="c", by="bench")


def _ms(fn: Callable[[Customer], Any], person: Customer) -> float:
    return timed(lambda: fn(person))[0] * 1000


def _requests(tp: LoadedPolicy, engine_url: str, size: int, url: str, work: Path) -> list[dict[str, Any]]:
    """Access and erasure e2e on one shop; raw and ours alternate per sample so shared load hits both alike."""
    shop = fill(url, size, seed=1)
    b = open_datastore(tp.datastores[0], shop.url)
    _indexes(b)
    used: set[str] = set()
    n = max(3, min(CONFIG.samples, len([c for c in shop.registered() if len(c.orders) == 2]) // 4))
    readers, erased, raw_erased, alone_erased = (_people(shop, n, used) for _ in range(4))
    engine, out = _engine(engine_url), []
    with _register(tp, b, engine_url, work) as reg:
        refs = {p.email: reg.add_subject("customer", {"email": p.email}) for p in readers + erased}
        alone: dict[str, list[float]] = {"access": [], "erasure": []}
        ours: dict[str, list[float]] = {"access": [], "erasure": []}
        raw: dict[str, list[float]] = {"access": [], "erasure": []}
        for p in readers:
            raw["access"].append(_ms(lambda x: raw_access(b, x), p))
            ours["access"].append(_ms(lambda x: _request(reg, "access", refs[x.email]), p))
            alone["access"].append(_ms(lambda x: access(b, {"email": [x.email]}), p))
        for p, q, r in zip(erased, raw_erased, alone_erased, strict=False):
            raw["erasure"].append(_ms(lambda x: raw_erase(b, x), q))
            ours["erasure"].append(_ms(lambda x: _request(reg, "erasure", refs[x.email]), p))
            alone["erasure"].append(_ms(lambda x: erase(b, tp.policy, {"email": [x.email]}, hash_key=KEY), r))
    for kind, target in (("access", ACCESS_TARGET_MS), ("erasure", ERASURE_TARGET_MS)):
        mine, theirs = ours[kind][1:], raw[kind][1:]  # the first of each warms caches and plans
        part = "datastores.access" if kind == "access" else "datastores.erase"
        out.append(row(f"datastore {kind} e2e", engine, size, "ms", mine, theirs, f"≤ {target:g} ms",
                       median(mine) <= target, f"p99 {pct(mine, 99):.1f} ms over {len(mine)} requests; the shop's "
                       f"part alone ({part}) {median(alone[kind][1:]):.2f} ms"))
    return out


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


def run(engine_url: str, sizes: list[int]) -> list[dict[str, Any]]:
    """Every path at every size on one engine: ``sqlite:///<folder>`` (or ``sqlite``) or a server URL, in
    which two shop databases per size are made and dropped."""
    tp = load_policy(POLICY)
    server = "sqlite" if engine_url.startswith("sqlite") else engine_url
    out: list[dict[str, Any]] = []
    for size in sizes:
        work = CONFIG.work / f"shop-{size}-{uuid.uuid4().hex[:8]}"
        work.mkdir(parents=True)
        urls = [new_shop(server, work), new_shop(server, work)]
        try:
            out += _requests(tp, engine_url, size, urls[0], work)
            out.append(_sweep(tp, _engine(engine_url), size, urls[1]))
        finally:
            dispose_all()
            for url in urls:
                drop_shop(server, url)
    return out


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
    same = _copy_counts(b) == after_raw
    due = snapshot["order_shippingaddress"] - after_raw["order_shippingaddress"]
    return row("datastore sweep 10 % due", engine, size, "s", [ours], [raw], f"≤ {SWEEP_TARGET_RATIO:g}× raw",
               same and ours <= SWEEP_TARGET_RATIO * raw,
               f"{due:,} of {snapshot['order_order']:,} orders due; one run each; rows after both "
               f"{'equal' if same else 'DIFFER'}")


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
    parser.add_argument("--engine", default="sqlite", help="sqlite, or a PostgreSQL or MariaDB server URL")
    parser.add_argument("--sizes", default="100000")
    parser.add_argument("--samples", type=int, default=CONFIG.samples)
    parser.add_argument("--out")
    args = parser.parse_args()
    CONFIG.samples = args.samples
    with tempfile.TemporaryDirectory(prefix="pv-bench-") as tmp:
        CONFIG.work = Path(tmp)
        rows = run(args.engine, [int(s) for s in args.sizes.split(",")])
    text_out = json.dumps(rows, indent=2)
    print(text_out)
    if args.out:
        Path(args.out).write_text(text_out + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
