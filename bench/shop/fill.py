"""Fill an oscar database with synthetic Norwegian customers, deterministic by seed.

Users with an address, a basket and 0-3 orders (each with 1-3 lines and its own billing and shipping
address), some guest orders (no user, only ``guest_email``) and product reviews. Names, streets, places and
mobile series come from ``personvern.demo``, so every generator of the project makes the same kind of person.
``fill`` returns who was made, so tests can ask for one customer's rows and check nobody else's came along.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    Connection,
    Date,
    DateTime,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    insert,
    text,
)

from personvern.datastores import engine_for
from personvern.demo import FIRST, GOODS, LAST, MOBILE, PLACES, STREETS

TABLES = ("auth_user", "address_country", "address_useraddress", "basket_basket", "order_billingaddress",
          "order_shippingaddress", "order_order", "order_line", "catalogue_productclass", "catalogue_product",
          "reviews_productreview", "partner_partner")


@dataclass
class Customer:
    id: int | None  # auth_user.id; None for a guest
    email: str
    phone: str
    orders: list[str] = field(default_factory=list)  # order numbers
    order_dates: list[date] = field(default_factory=list)


@dataclass
class Shop:
    url: str
    customers: list[Customer]
    today: date

    def registered(self) -> list[Customer]:
        return [c for c in self.customers if c.id is not None]


class Customers:
    """The shared shop's customers, handed out once each, so tests that erase share one database."""

    def __init__(self, shop: Shop) -> None:
        self.shop = shop
        self.taken: set[str] = set()

    def take(self, test: Callable[[Customer], bool] = lambda c: True) -> Customer:
        found = next(c for c in self.shop.customers if c.email not in self.taken and test(c))
        self.taken.add(found.email)
        return found


def _default(column: Any) -> Any:
    kind = column.type
    if isinstance(kind, Boolean):
        return False
    if isinstance(kind, DateTime):
        return datetime(2020, 1, 1, tzinfo=UTC)
    if isinstance(kind, Date):
        return date(2020, 1, 1)
    if isinstance(kind, Numeric):
        return Decimal("0")
    if isinstance(kind, Integer):
        return 0
    if isinstance(kind, String | Text):
        return ""
    return ""


class _Rows:
    """Rows for one table, with every NOT NULL column the caller leaves out given a neutral value (Django
    keeps its defaults in Python, not in the schema)."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.rows: list[dict[str, Any]] = []
        self.needed = {c.name: _default(c) for c in table.columns if not c.nullable and not c.primary_key}

    def add(self, **values: Any) -> None:
        self.rows.append({**self.needed, **values})

    def write(self, c: Connection, chunk: int = 5000) -> None:
        if not self.rows:
            return
        if c.dialect.name == "postgresql":  # COPY: the 100k-customer benchmark shop in seconds, not minutes
            cols = list(dict.fromkeys(k for r in self.rows[:50] for k in r))
            raw = c.connection.driver_connection
            with raw.cursor() as cur, cur.copy(  # type: ignore[union-attr]
                    f"COPY {self.table.name} ({', '.join(cols)}) FROM STDIN") as copy:
                for r in self.rows:
                    copy.write_row([r.get(k) for k in cols])
        else:
            for n in range(0, len(self.rows), chunk):
                c.execute(insert(self.table), self.rows[n:n + chunk])
        self.rows.clear()


def _phone(rng: random.Random, taken: set[str]) -> str:
    while True:
        number = f"+47{rng.choice(MOBILE)}{rng.randrange(10 ** 6):06d}"
        if number not in taken:
            taken.add(number)
            return number


def _person(rng: random.Random, n: int) -> tuple[str, str, str]:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    email = f"{first}.{last}.{n}@example.no".lower().replace("ø", "o").replace("å", "a").replace("æ", "ae")
    return first, last, email


def _address(rng: random.Random, first: str, last: str) -> dict[str, Any]:
    postcode, city = rng.choice(PLACES).split(" ", 1)
    line1 = f"{rng.choice(STREETS)} {rng.randrange(1, 120)}"
    return {"first_name": first, "last_name": last, "line1": line1, "line4": city, "postcode": postcode,
            "country_id": "NO", "search_text": f"{first} {last} {line1} {postcode} {city}"}


def fill(url: str, customers: int = 50, *, seed: int = 7, guests: int | None = None,
         today: date = date(2026, 12, 1), reviews: bool = True) -> Shop:
    """Fill the (empty, migrated) oscar database at ``url``; returns the customers made."""
    rng = random.Random(seed)
    engine = engine_for(url)
    meta = MetaData()
    meta.reflect(engine, only=list(TABLES))
    rows = {name: _Rows(meta.tables[name]) for name in TABLES}
    made: list[Customer] = []
    taken: set[str] = set()
    now = datetime(today.year, today.month, today.day, tzinfo=UTC)
    rows["address_country"].add(iso_3166_1_a2="NO", iso_3166_1_a3="NOR", iso_3166_1_numeric="578",
                                printable_name="Norge", name="Kongeriket Norge", display_order=0,
                                is_shipping_country=True)
    rows["partner_partner"].add(id=1, name="Lager", code="lager")
    rows["catalogue_productclass"].add(id=1, name="Varer", slug="varer", requires_shipping=True,
                                       track_stock=True)
    for p, title in enumerate(GOODS, start=1):
        rows["catalogue_product"].add(id=p, title=title, slug=f"vare-{p}", structure="standalone",
                                      product_class_id=1, is_public=True, is_discountable=True,
                                      date_created=now, date_updated=now, rating=None, upc=f"UPC{p}")
    ids = {"order": 0, "bill": 0, "ship": 0, "line": 0, "review": 0}
    guests = customers // 10 if guests is None else guests
    for n in range(1, customers + guests + 1):
        first, last, email = _person(rng, n)
        phone = _phone(rng, taken)
        user_id = n if n <= customers else None
        person = Customer(user_id, email, phone)
        made.append(person)
        joined = now - timedelta(days=rng.randrange(30, 3000))
        if user_id is not None:
            rows["auth_user"].add(id=user_id, username=f"kunde{n}", email=email, first_name=first, last_name=last,
                                  password="!", is_active=True, date_joined=joined, last_login=joined)
            rows["address_useraddress"].add(id=n, user_id=user_id, phone_number=phone, hash=f"h{n}",
                                            date_created=joined, is_default_for_shipping=True,
                                            **_address(rng, first, last))
            rows["basket_basket"].add(id=n, owner_id=user_id, status="Open", date_created=joined)
        for _ in range(rng.choice((0, 1, 1, 2, 3)) if user_id is not None else 1):
            ids["order"] += 1
            o = ids["order"]
            placed = now - timedelta(days=rng.randrange(1, 8 * 365), seconds=rng.randrange(86400))
            number = f"{100000 + o}"
            person.orders.append(number)
            person.order_dates.append(placed.date())
            address = _address(rng, first, last)
            ids["bill"] += 1
            rows["order_billingaddress"].add(id=ids["bill"], **address)
            ids["ship"] += 1
            rows["order_shippingaddress"].add(id=ids["ship"], phone_number=phone, **address)
            total = Decimal(0)
            for _line in range(rng.randrange(1, 4)):
                ids["line"] += 1
                p = rng.randrange(1, len(GOODS) + 1)
                price = Decimal(rng.randrange(100, 20000))
                total += price
                rows["order_line"].add(id=ids["line"], order_id=o, product_id=p, partner_id=1, title=GOODS[p - 1],
                                       quantity=1, line_price_incl_tax=price, line_price_excl_tax=price * 4 / 5,
                                       line_price_before_discounts_incl_tax=price,
                                       line_price_before_discounts_excl_tax=price * 4 / 5, status="Complete",
                                       partner_sku=f"SKU{p}")
            rows["order_order"].add(id=o, number=number, user_id=user_id, guest_email="" if user_id else email,
                                    billing_address_id=ids["bill"], shipping_address_id=ids["ship"],
                                    currency="NOK", total_incl_tax=total, total_excl_tax=total * 4 / 5,
                                    status="Complete", date_placed=placed, site_id=None,
                                    shipping_method="Posten", shipping_code="posten")
        if reviews and user_id is not None and rng.random() < 0.3:
            ids["review"] += 1
            rows["reviews_productreview"].add(id=ids["review"], product_id=rng.randrange(1, len(GOODS) + 1),
                                              user_id=user_id, name=f"{first} {last}", email=email, score=4,
                                              title="Fornøyd", body=f"Bra vare, rask levering. Hilsen {first}",
                                              status=1, date_created=joined)
    with engine.begin() as c:
        for name in ("address_country", "partner_partner", "catalogue_productclass", "catalogue_product",
                     "auth_user", "address_useraddress", "basket_basket", "order_billingaddress",
                     "order_shippingaddress", "order_order", "order_line", "reviews_productreview"):
            rows[name].write(c)
        _reset_sequences(c, meta)
    return Shop(url, made, today)


def _reset_sequences(c: Connection, meta: MetaData) -> None:
    """PostgreSQL: move each id sequence past the ids written, so the shop's own inserts still work."""
    if c.dialect.name != "postgresql":
        return
    for name in TABLES:
        if "id" in meta.tables[name].c:
            c.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                           f"COALESCE((SELECT MAX(id) FROM {name}), 0) + 1, false)"))


def iter_emails(shop: Shop) -> Iterator[str]:
    return (c.email for c in shop.customers)
