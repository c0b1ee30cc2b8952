"""Data portability (Art. 20): TP13g, KL6. Only what the subject provided, under consent or contract."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from personvern import audit
from personvern.consent.ledger import give as _give
from personvern.errors import NotFound
from personvern.policy import load_policy
from personvern.register import Register, holds
from personvern.rights.portability import portable_data, portable_purposes

Open = Callable[[str], Register]
POLICIES = Path(__file__).resolve().parents[2] / "examples" / "policies"


def unzip(archive: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        assert z.testzip() is None
        return {name: z.read(name).decode("utf-8") for name in z.namelist()}


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.promise("TP13g")
def test_only_provided_data_under_contract_or_consent(open_register: Open) -> None:
    reg = open_register("tp-ecommerce")
    ref = reg.add_subject("customer", {"email": "kari@example.no", "phone": "+47 975 27 747"})
    order = reg.write(ref, "order", ["user.name", "user.contact.address"],
                      {"user.name": "Kari Nordmann", "user.contact.address": "Storgata 1, 0155 Oslo"},
                      collected=date(2026, 1, 5))
    reg.write(ref, "order", ["custom.credit_information"], {"custom.credit_information": "score 7"},
              source="credit_bureau")  # from a third party: not provided by the subject
    member = reg.write(ref, "membership", ["user.name"], {"user.name": "Kari N."}, collected=date(2026, 1, 6))
    reg.write(ref, "customer_service", ["custom.correspondence"], {"custom.correspondence": "hei"})  # (f)
    reg.write(ref, "legal_obligations", ["user.name"], {"user.name": "Kari"})  # (c)
    reg.write(ref, "marketing", ["user.behavior.purchase_history"],  # (f) with consent as an extra basis, profiling
              {"user.behavior.purchase_history": "segment: gadgets"})
    files = unzip(portable_data(reg, ref))
    assert sorted(files) == ["README.txt", "data.json", "membership.csv", "order.csv"]

    doc = json.loads(files["data.json"])
    assert [p["key"] for p in doc["purposes"]] == ["order", "membership"]
    assert [p["legal_basis"]["article"] for p in doc["purposes"]] == ["6(1)(b)", "6(1)(b)"]
    [order_row] = doc["purposes"][0]["records"]
    assert order_row["id"] == order and order_row["collected_at"] == "2026-01-05"
    assert order_row["data"] == {"user.name": "Kari Nordmann", "user.contact.address": "Storgata 1, 0155 Oslo"}
    assert doc["contact"] == {"email": ["kari@example.no"], "phone": ["+4797527747"]}
    text = files["data.json"] + "".join(files[n] for n in files if n.endswith(".csv"))
    for absent in ("score 7", "hei", "segment: gadgets"):
        assert absent not in text

    assert rows(files["order.csv"]) == [{"record_id": str(order), "collected_at": "2026-01-05", "source": "subject",
                                         "user.contact.address": "Storgata 1, 0155 Oslo",
                                         "user.name": "Kari Nordmann"}]
    assert rows(files["membership.csv"])[0]["record_id"] == str(member)


@pytest.mark.promise("TP13g")
def test_the_readme_explains_the_files_in_both_languages(open_register: Open) -> None:
    reg = open_register("tp-ecommerce")
    ref = reg.add_subject("customer")
    reg.write(ref, "membership", ["user.name"], {"user.name": "Kari"})
    readme = unzip(portable_data(reg, ref))["README.txt"]
    assert "TP E-commerce Norway" in readme
    assert "personopplysningene du selv har gitt" in readme and "the personal data you gave" in readme
    assert "data.json" in readme and ".csv" in readme


@pytest.mark.promise("KL6")
def test_kl_gives_what_the_customer_provided_for_orders_not_marketing(open_register: Open) -> None:
    reg = open_register("kl-miljovarme")
    ref = reg.add_subject("customer", {"phone": "+47 975 27 747"})
    orders = reg.policy.purpose("orders")
    marketing = reg.policy.purpose("marketing")
    assert orders and marketing and marketing.legal_basis.article == "f"
    reg.write(ref, "orders", [orders.categories[0]], {orders.categories[0]: "Kjell, 975 27 747"})
    reg.write(ref, "marketing", [marketing.categories[0]], {marketing.categories[0]: "vil ha tilbud"})
    files = unzip(portable_data(reg, ref))
    assert sorted(files) == ["README.txt", "data.json", "orders.csv"]
    assert rows(files["orders.csv"])[0][orders.categories[0]] == "Kjell, 975 27 747"


@pytest.mark.promise("TP13g")
def test_consent_based_data_from_a_web_form_is_portable(open_register: Open) -> None:
    reg = open_register("pilaro")
    ref = reg.add_subject("prospect", {"email": "innkjop@bedrift.no"})
    _give(reg, ref, "leads", channel=None, text=None, method="web_form")
    reg.write(ref, "leads", ["user.contact.email", "user.contact.phone_number"],
              {"user.contact.email": "innkjop@bedrift.no", "user.contact.phone_number": ["+47 22 00 00 00", 1]},
              source="web_form")
    [row] = rows(unzip(portable_data(reg, ref))["leads.csv"])
    assert row["source"] == "web_form" and row["user.contact.phone_number"] == '["+47 22 00 00 00", 1]'


@pytest.mark.promise("TP13g")
def test_restricted_data_is_included_and_the_export_is_audited(reg: Register) -> None:
    ref = reg.add_subject("customer")
    rid = reg.write(ref, "delivery_installation", ["user.name"], {"user.name": "Kari"})
    reg.write(ref, "customer_profile", ["user.name"], {"user.name": "Kari"})  # legitimate interest
    holds.restrict(reg, ref, ground="accuracy", reason="disputed", by="privacy-officer")
    doc = json.loads(unzip(portable_data(reg, ref))["data.json"])
    assert [r["id"] for p in doc["purposes"] for r in p["records"]] == [rid]
    with reg.engine.connect() as c:
        [entry] = audit.entries(c, ref, actions=["export.created"])
    assert entry.details == {"kind": "portability", "fmt": "zip"} and list(entry.record_ids) == [rid]


def test_nothing_portable_gives_an_archive_that_says_so(reg: Register) -> None:
    ref = reg.add_subject("customer", {"email": "kari@example.no"})
    reg.write(ref, "customer_profile", ["user.name"], {"user.name": "Kari"})
    files = unzip(portable_data(reg, ref))
    assert sorted(files) == ["README.txt", "data.json"]
    doc = json.loads(files["data.json"])
    assert doc["purposes"] == [] and doc["contact"] == {}


def test_an_unknown_subject_is_a_clear_error(reg: Register) -> None:
    with pytest.raises(NotFound) as missing:
        portable_data(reg, "00000000-0000-0000-0000-000000000000")
    assert missing.value.field == "subject"


@pytest.mark.parametrize("company", ["tek-zence", "tp-ecommerce", "kl-miljovarme", "sensornordic", "pilaro"])
def test_portable_purposes_rest_on_consent_or_contract(company: str) -> None:
    policy = load_policy(POLICIES / f"{company}.yaml").policy
    keys = {p.key for p in portable_purposes(policy)}
    assert keys, "every seed company has a purpose under consent or contract"
    for p in policy.purposes:
        assert (p.key in keys) == (p.legal_basis.article in ("a", "b") and not p.profiling)
