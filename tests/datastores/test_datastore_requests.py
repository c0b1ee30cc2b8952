"""The one path of each right reaches the shop's database: an erasure request erases there in the same
request, the register copy of an access request shows the shop's rows (TP13a, TP13c, TZ4)."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from bench.shop.fill import Customers, fill
from sqlalchemy import select

from personvern import audit, rights
from personvern.datastores import Bound, access, open_datastore
from personvern.datastores.requests import replay_datastores
from personvern.policy import LoadedPolicy
from personvern.register import Register
from personvern.register.ledger import ledger
from personvern.rights import handle
from personvern.rights import requests as rq


def _verified(reg: Register, kind: str, subject: str) -> str:
    v = rq.open_request(reg, kind, subject=subject, channel="email")
    return rq.verify(reg, v.ref, method="id_document", by="ola").ref


@pytest.fixture
def tp_reg(open_register: Callable[[str], Register], store: Bound, monkeypatch: pytest.MonkeyPatch) -> Register:
    monkeypatch.setenv("SHOP_DATABASE_URL", str(store.engine.url.render_as_string(hide_password=False)))
    return open_register("tp-ecommerce")


@pytest.mark.promise("TP13c")
@pytest.mark.promise("TZ4")
def test_an_erasure_request_erases_in_the_shop_in_the_same_request(tp_reg: Register, store: Bound,
                                                                  customers: Customers) -> None:
    kari = customers.take(lambda c: c.id is not None and len(c.orders) >= 2)
    ref = tp_reg.add_subject("customer", {"email": kari.email})
    done = handle.erase(tp_reg, _verified(tp_reg, "erasure", ref), ground="a", by="ola")
    shop = {x["table"]: x for x in done.details["datastores"]["shop"]}
    assert shop["auth_user"]["outcome"] == "deleted"
    assert shop["order_order"]["outcome"] == "kept" and shop["order_order"]["why"] == "bokføringsloven § 13"
    assert access(store, {"email": [kari.email], "phone": [kari.phone]}).tables == ()
    assert {r["number"] for t in access(store, {"order_number": kari.orders}).tables if t.table == "order_order"
            for r in t.rows} == set(kari.orders)
    with tp_reg.engine.connect() as c:
        [entry] = audit.entries(c, ref, actions=["datastore.erased"])
    assert entry.details["datastore"] == "shop" and entry.details["counts"]["deleted"] >= 3


@pytest.mark.promise("TP13a")
def test_the_register_copy_shows_the_shops_rows(tp_reg: Register, customers: Customers) -> None:
    ola = customers.take(lambda c: c.id is not None and len(c.orders) >= 1)
    ref = tp_reg.add_subject("customer", {"email": ola.email, "phone": ola.phone})
    done = handle.answer_access(tp_reg, _verified(tp_reg, "access", ref), by="ola", langs=["nb"])
    body = dict((a.name, a) for a in rq.artifacts(tp_reg, done.ref))
    _, data = rq.artifact(tp_reg, done.ref, "registerkopi.nb.json")
    copy = json.loads(data)
    tables = {t["table"]: t for d in copy["datastores"] for t in d["tables"]}
    assert {r["number"] for r in tables["order_order"]["rows"]} == set(ola.orders)
    assert [r["email"] for r in tables["auth_user"]["rows"]] == [ola.email]
    assert "registerkopi.nb.html" in body and "registerkopi.nb.pdf" not in body  # the PDF waits for a download
    media, pdf = rq.artifact(tp_reg, done.ref, "registerkopi.nb.pdf")
    assert media == "application/pdf" and pdf.startswith(b"%PDF")


def test_an_erasure_with_the_shop_unreachable_says_so(open_register: Callable[[str], Register],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SHOP_DATABASE_URL", raising=False)
    reg = open_register("tp-ecommerce")
    ref = reg.add_subject("customer", {"email": "per@example.no"})
    done = handle.erase(reg, _verified(reg, "erasure", ref), ground="a", by="ola")
    assert done.details["datastores"] == {"shop": "not reached: SHOP_DATABASE_URL is not set"}


def test_a_held_subject_keeps_its_shop_rows(tp_reg: Register, store: Bound, customers: Customers) -> None:
    liv = customers.take(lambda c: c.id is not None and len(c.orders) >= 1)
    ref = tp_reg.add_subject("customer", {"email": liv.email})
    tp_reg.place_hold(subject=ref, reason="tvist om kjøpet", by="ola")
    before = access(store, {"email": [liv.email]})
    done = handle.erase(tp_reg, _verified(tp_reg, "erasure", ref), ground="a", by="ola")
    assert {x["outcome"] for x in done.details["datastores"]["shop"]} == {"held"}
    assert access(store, {"email": [liv.email]}) == before
    with store.engine.connect() as c:
        assert c.execute(select(store.table("auth_user").c.id).where(
            store.table("auth_user").c.email == liv.email)).all()


@pytest.mark.promise("TP13c")
def test_erasures_replay_erases_again_in_a_restored_shop(open_register: Callable[[str], Register],
                                                         new_shop_url: Callable[[], str], tp: LoadedPolicy,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    shop = fill(new_shop_url(), 20, seed=3)
    backup = fill(new_shop_url(), 20, seed=3)  # the same shop, as the backup taken before the erasure
    monkeypatch.setenv("SHOP_DATABASE_URL", shop.url)
    reg = open_register("tp-ecommerce")
    kari = next(c for c in shop.registered() if c.orders)
    ref = reg.add_subject("customer", {"email": kari.email})
    handle.erase(reg, _verified(reg, "erasure", ref), ground="a", by="ola")
    restored = open_datastore(tp.datastores[0], backup.url)
    assert access(restored, {"email": [kari.email]}).tables != ()
    monkeypatch.setenv("SHOP_DATABASE_URL", backup.url)  # the shop's database restored from the backup
    dry = replay_datastores(reg, ledger(reg), dry_run=True)
    assert dry["shop"]["people"] == 1 and access(restored, {"email": [kari.email]}).tables != ()
    done = replay_datastores(reg, ledger(reg))
    assert done["shop"]["people"] == 1 and done["shop"]["rows"]["deleted"] >= 3
    assert access(restored, {"email": [kari.email]}).tables == ()
    assert replay_datastores(reg, ledger(reg))["shop"]["people"] == 0  # idempotent


@pytest.mark.promise("TP13c")
def test_every_deleting_path_keeps_a_held_customers_shop_rows(open_register: Callable[[str], Register],
                                                               new_shop_url: Callable[[], str], tp: LoadedPolicy,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Holds win over every path that deletes or reduces data (issue 12 item 2; Art. 17(3)(e)) — in the shop's
    database too: the retention sweep (held people computed once per sweep from the register, excluded in SQL)
    and the erasure, staff or requested. The register side is ``tests/rights/test_one_path.py``."""
    from datetime import date

    from personvern.datastores.requests import sweep_datastore

    shop = fill(new_shop_url(), 12, seed=5)
    monkeypatch.setenv("SHOP_DATABASE_URL", shop.url)
    store = open_datastore(tp.datastores[0], shop.url)
    reg = open_register("tp-ecommerce")
    liv, per = [c for c in shop.registered() if c.orders][:2]
    ref = reg.add_subject("customer", {"email": liv.email, "phone": liv.phone})
    reg.place_hold(subject=ref, reason="tvist om kjøpet", by="ola")
    before = access(store, {"email": [liv.email]})
    assert before.tables != () and access(store, {"email": [per.email]}).tables != ()
    dry = sweep_datastore(reg, reg.datastores[0], date(2040, 1, 1), dry_run=True)
    done = sweep_datastore(reg, reg.datastores[0], date(2040, 1, 1), batch=3)  # long after every rule has run out
    assert sum(t.done for t in done.tables) > 0 and [t.due for t in dry.tables] == [t.due for t in done.tables]
    assert access(store, {"email": [liv.email]}) == before  # held: every row stays
    assert {r["number"] for t in access(store, {"order_number": liv.orders}).tables if t.table == "order_order"
            for r in t.rows} == set(liv.orders)
    gone = access(store, {"email": [per.email], "order_number": per.orders}).tables
    assert all(t.table in ("auth_user", "address_useraddress", "basket_basket") for t in gone)  # not held: swept
    rights.erase_subject(reg, ref, ground="d", by="ola")
    assert access(store, {"email": [liv.email]}) == before


def test_a_datastore_sweep_is_audited_and_a_preview_is_not(open_register: Callable[[str], Register],
                                                            new_shop_url: Callable[[], str],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """The shop's retention sweep leaves an audit entry like the register's own (Art. 5(2), 30): which datastore,
    for which day, rows acted on per table; a dry run or a plan changes nothing and writes none."""
    from datetime import date

    from personvern.audit import entries
    from personvern.datastores.requests import sweep_datastore

    shop = fill(new_shop_url(), 8, seed=6)
    monkeypatch.setenv("SHOP_DATABASE_URL", shop.url)
    reg = open_register("tp-ecommerce")
    sweep_datastore(reg, reg.datastores[0], date(2040, 1, 1), dry_run=True)
    sweep_datastore(reg, reg.datastores[0], date(2040, 1, 1), plan=True)
    with reg.engine.connect() as c:
        assert not entries(c, actions=["datastore.swept"])
    done = sweep_datastore(reg, reg.datastores[0], date(2040, 1, 1))
    with reg.engine.connect() as c:
        [entry] = entries(c, actions=["datastore.swept"])
    assert entry.details["datastore"] == reg.datastores[0].store.name and entry.details["as_of"] == "2040-01-01"
    assert entry.details["counts"] == {t.table: t.done for t in done.tables if t.done} != {}
