"""The console's datastores page (issue 16): the privacy officer sees each datastore of the policy — reached or
not, and why not — with each table's purpose, mapped columns and erasure action, and previews the sweep (counts
per table and rule, the SQL in a collapsible block); only an admin runs the sweep, after confirming."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from bench.shop.fill import fill
from sqlalchemy import func, select

from personvern.datastores import Bound, open_datastore, sweep
from personvern.policy import LoadedPolicy
from personvern.register import Register

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))
from web_ui_support import Site, form_token, make_site, staff_login

LATER = date(2040, 1, 1)  # every order of the synthetic shop is past the 36 months, many past § 13's 5 years


def _url(b: Bound) -> str:
    return b.engine.url.render_as_string(hide_password=False)


@pytest.fixture
def site(open_register: Callable[[str], Register], store: Bound, monkeypatch: pytest.MonkeyPatch) -> Site:
    monkeypatch.setenv("SHOP_DATABASE_URL", _url(store))
    return make_site(open_register("tp-ecommerce"), monkeypatch, customers=4)


def _visible(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S))


def _due(html: str) -> dict[str, int]:
    """Due rows per table as the preview shows them (a table may have one row per rule)."""
    found: dict[str, int] = {}
    for table, n in re.findall(r'<tr data-table="(\w+)">.*?<td class="due">(\d+)</td>', html, flags=re.S):
        found[table] = found.get(table, 0) + int(n)
    return found


def test_the_officer_sees_tables_purposes_columns_erasure_and_the_sweep_preview(site: Site, store: Bound,
                                                                               tp: LoadedPolicy) -> None:
    officer = site.client()
    staff_login(officer, "privacy_officer")
    got = officer.get("/console/datastores", params={"as_of": LATER.isoformat()})
    assert got.status_code == 200
    text = _visible(got.text)
    assert "shop" in text and "Nådd" in text and "ikke nådd" not in text
    order = tp.policy.purpose("bookkeeping")
    assert order is not None and order.name.nb in text
    assert "order_order" in text and "guest_email" in text and "Ordrenr." in text  # identity column, by kind
    assert "Beholdes uten personopplysninger" in text and "Slettes" in text  # keep (TZ4) and delete, in words
    expected = sweep(store, tp.policy, LATER, dry_run=True)
    assert _due(got.text) == {t.table: t.due for t in expected.tables}
    assert sum(_due(got.text).values()) > 0
    sql = re.search(r"<details[^>]*class=\"plan\".*?</details>", got.text, flags=re.S)
    assert sql and "SELECT" in sql.group(0) and "order_order" in sql.group(0)
    assert 'href="/console/requests"' in got.text  # one customer's rows: the register copy of a request
    assert 'action="/console/datastores/shop/sweep"' not in got.text  # running it is the admin's
    assert "Traceback" not in got.text
    agent = site.client()
    staff_login(agent, "agent")
    assert agent.get("/console/datastores").status_code == 403


def test_a_datastore_not_reached_says_why_and_never_shows_a_traceback(site: Site,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    officer = site.client()
    staff_login(officer, "privacy_officer")
    monkeypatch.delenv("SHOP_DATABASE_URL")
    unset = officer.get("/console/datastores")
    assert unset.status_code == 200
    assert "ikke nådd" in _visible(unset.text) and "SHOP_DATABASE_URL" in _visible(unset.text)
    assert "order_order" in _visible(unset.text)  # the mapping is shown all the same
    monkeypatch.setenv("SHOP_DATABASE_URL", "postgresql://personvern:hemmelig@127.0.0.1:1/shop")  # nobody listens
    down = officer.get("/console/datastores?lang=en")
    assert down.status_code == 200 and "not reached" in _visible(down.text)
    assert "database did not answer" in _visible(down.text)
    assert "Traceback" not in down.text and "hemmelig" not in down.text  # the password never reaches the page


def test_only_an_admin_runs_the_sweep_and_only_after_confirming(open_register: Callable[[str], Register],
                                                                new_shop_url: Callable[[], str],
                                                                tp: LoadedPolicy,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    shop = fill(new_shop_url(), 12, seed=3)
    b = open_datastore(tp.datastores[0], shop.url)
    monkeypatch.setenv("SHOP_DATABASE_URL", _url(b))
    site = make_site(open_register("tp-ecommerce"), monkeypatch, customers=4)
    due = {t.table: t.due for t in sweep(b, tp.policy, LATER, dry_run=True).tables}
    orders = _count(b, "order_order")
    assert due["order_order"] > 0

    officer = site.client()
    staff_login(officer, "privacy_officer")
    token = form_token(officer.get("/console/datastores").text)
    form = {"csrf": token, "as_of": LATER.isoformat(), "confirm": "yes"}
    assert officer.post("/console/datastores/shop/sweep", data=form).status_code == 403
    admin = site.client()
    staff_login(admin, "admin")
    page = admin.get("/console/datastores", params={"as_of": LATER.isoformat()}).text
    assert 'action="/console/datastores/shop/sweep"' in page
    unconfirmed = admin.post("/console/datastores/shop/sweep", data={**form, "csrf": form_token(page),
                                                                       "confirm": ""})
    assert unconfirmed.status_code == 400 and "Kryss av" in _visible(unconfirmed.text)
    assert _count(b, "order_order") == orders  # nothing ran
    done = admin.post("/console/datastores/shop/sweep", data={**form, "csrf": form_token(page)})
    assert done.status_code == 200 and "Traceback" not in done.text
    assert _count(b, "order_order") == orders - due["order_order"]
    assert f"{due['order_order']}" in _visible(done.text)
    assert admin.post("/console/datastores/nope/sweep", data={**form, "csrf": form_token(page)}).status_code == 404


def _count(b: Bound, table: str) -> int:
    with b.engine.connect() as c:
        return int(c.execute(select(func.count()).select_from(b.table(table))).scalar_one())
