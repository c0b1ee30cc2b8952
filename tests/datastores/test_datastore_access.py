"""Access (Art. 15, TP13a) in the shop's own database: every row of one customer, nobody else's, in a
bounded number of queries (one per mapped table), in one snapshot."""

from __future__ import annotations

from typing import Any

import pytest
from bench.shop.fill import Customer, Customers
from sqlalchemy import bindparam, event, text

from personvern.datastores import Bound, access

pytestmark = pytest.mark.promise("TP13a")


def _expected(store: Bound, c: Customer) -> dict[str, set[Any]]:
    """The customer's rows, found by hand-written SQL, table by table."""
    orders = [int(n) - 100000 for n in c.orders]
    q = {
        "auth_user": ("SELECT id FROM auth_user WHERE email = :e", {"e": c.email}),
        "address_useraddress": ("SELECT id FROM address_useraddress WHERE user_id = :u OR phone_number = :p",
                                {"u": c.id or -1, "p": c.phone}),
        "basket_basket": ("SELECT id FROM basket_basket WHERE owner_id = :u", {"u": c.id or -1}),
        "reviews_productreview": ("SELECT id FROM reviews_productreview WHERE user_id = :u OR email = :e",
                                  {"u": c.id or -1, "e": c.email}),
    }
    with store.engine.connect() as conn:
        out = {t: set(conn.execute(text(sql), p).scalars()) for t, (sql, p) in q.items()}
        out["order_order"] = set(orders)
        out["order_line"] = set(conn.execute(text("SELECT id FROM order_line WHERE order_id IN :o").bindparams(
            bindparam("o", expanding=True)), {"o": orders or [-1]}).scalars())
        for kind in ("billing", "shipping"):
            out[f"order_{kind}address"] = set(conn.execute(text(
                f"SELECT {kind}_address_id FROM order_order WHERE id IN :o").bindparams(
                bindparam("o", expanding=True)), {"o": orders or [-1]}).scalars())
    return {t: ids for t, ids in out.items() if ids}


def _found(store: Bound, identifiers: dict[str, list[str]]) -> dict[str, set[Any]]:
    copy = access(store, identifiers)
    return {t.table: {r["id"] for r in t.rows} for t in copy.tables}


def test_access_finds_every_row_of_one_customer_and_nothing_of_another(store: Bound,
                                                                        customers: Customers) -> None:
    one = customers.take(lambda c: c.id is not None and len(c.orders) >= 2)
    other = customers.take(lambda c: c.id is not None and len(c.orders) >= 2)
    found = _found(store, {"email": [one.email.upper()], "phone": [one.phone]})
    assert found == _expected(store, one)
    assert {"auth_user", "address_useraddress", "order_order", "order_line", "order_billingaddress",
            "order_shippingaddress", "basket_basket"} <= set(found)
    theirs = _expected(store, other)
    assert all(not (found.get(t, set()) & ids) for t, ids in theirs.items())


def test_a_guest_is_found_by_the_email_on_the_order_and_a_phone_in_any_spelling(store: Bound,
                                                                                 customers: Customers) -> None:
    guest = customers.take(lambda c: c.id is None)
    found = _found(store, {"email": [guest.email]})
    assert found["order_order"] == {int(n) - 100000 for n in guest.orders}
    national = guest.phone.removeprefix("+47")
    spaced = f"{national[:3]} {national[3:5]} {national[5:]}"
    by_phone = _found(store, {"phone": [spaced]})
    assert by_phone["order_shippingaddress"] == _expected(store, guest)["order_shippingaddress"]


def test_access_is_one_query_per_mapped_table_whatever_the_number_of_rows(store: Bound,
                                                                           customers: Customers) -> None:
    statements: list[str] = []

    def _count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    event.listen(store.engine, "before_cursor_execute", _count)
    try:
        few = customers.take(lambda c: c.id is not None and not c.orders)
        many = customers.take(lambda c: c.id is not None and len(c.orders) == 3)
        access(store, {"email": [few.email]})
        first = len(statements)
        access(store, {"email": [many.email]})
    finally:
        event.remove(store.engine, "before_cursor_execute", _count)
    assert first <= len(store.store.tables)
    assert len(statements) - first <= len(store.store.tables)


def test_an_unknown_person_has_no_rows(store: Bound) -> None:
    assert access(store, {"email": ["ingen@example.no"]}).tables == ()
