"""TP E-commerce Norway (Teknikproffset), a web-shop customer's journey through the public API (TP1-TP16).

Lise joins "Mine sider", buys a TV and chooses her marketing channels (TP13f; GDPR Art. 7, markedsføringsloven
§ 15). She asks for a copy of the register (TP13a, Art. 15), corrects her address (TP13b, Art. 16, 19), opens a
support case (TP3), takes her data elsewhere (TP13g, Art. 20), is told of a material policy change (TP16,
Art. 12-14), objects to direct marketing (TP13e, Art. 21(2)-(3)) and finally asks for erasure, which the law
blocks in part (TP13c, Art. 17(3)(b)). A child's account is erased on Art. 17(1)(f) (TP13c).
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from personvern.consent import current, give, may_contact, withdraw
from personvern.errors import NationalIdNotAllowed, RegisterError, RestrictedProcessing
from personvern.register import Register
from personvern.register import schema as t
from personvern.register.outbox import body_of
from personvern.rights import handle
from personvern.rights import requests as rq
from personvern.rights.notify import record_disclosure
from personvern.rights.verification import check_code, send_code
from personvern.service import activate_policy, close_case, open_case
from personvern.worker import CaptureMailer, Worker

Open = Callable[[str], Register]
LISE = {"email": "lise.berg@example.no", "phone": "+47 912 34 567", "customer_number": "K-100234"}
POLICY = Path(__file__).resolve().parents[2] / "examples" / "policies" / "tp-ecommerce.yaml"


def _outbox(reg: Register, topic: str) -> list[Any]:
    with reg.engine.connect() as c:
        return list(c.execute(select(t.outbox).where(t.outbox.c.topic == topic).order_by(t.outbox.c.id)))


def _verified_by_code(reg: Register, kind: str, subject: str, mailer: CaptureMailer) -> str:
    """Open a request on the web and verify it with the code e-mailed to the customer (Art. 12(6))."""
    req = rq.open_request(reg, kind, subject=subject, channel="portal")
    send_code(reg, req.ref, LISE["email"])
    worker = Worker(reg, mailer)
    try:
        worker.run_once()
    finally:
        worker.close()
    found = re.search(r"Koden din er (\d{6})", mailer.sent[-1]["text"])
    assert found is not None and mailer.sent[-1]["to"] == LISE["email"]
    return check_code(reg, req.ref, found.group(1)).ref


def _lise(reg: Register) -> tuple[str, int]:
    lise = reg.add_subject("customer", LISE)
    reg.write(lise, "membership", ["user.name", "user.contact.email", "custom.favourites"],
              {"user.name": "Lise Berg", "custom.favourites": ["OLED 55"]})
    order = reg.write(lise, "order", ["user.name", "user.contact.address", "user.behavior.purchase_history"],
                      {"user.name": "Lise Berg", "user.contact.address": "Kirkegata 2, 0153 Oslo",
                       "user.behavior.purchase_history": "OLED 55, ordre 77001"})
    return lise, order


@pytest.mark.promise("TP1")
@pytest.mark.promise("TP3")
@pytest.mark.promise("TP13a")
@pytest.mark.promise("TP13b")
@pytest.mark.promise("TP13c")
@pytest.mark.promise("TP13e")
@pytest.mark.promise("TP13f")
@pytest.mark.promise("TP13g")
@pytest.mark.promise("TP14")
@pytest.mark.promise("TP15")
@pytest.mark.promise("TP16")
def test_lise_shops_chooses_channels_uses_every_right_and_is_erased_where_the_law_allows(
        open_register: Open, clock: Any) -> None:
    """Art. 6(1)(a), (b), (c), (f); Art. 7, 12(3), 12(6), 15, 16, 17, 19, 20, 21(2)-(3)."""
    reg = open_register("tp-ecommerce")
    mailer = CaptureMailer()
    clock.set(date(2026, 2, 2))
    lise, order = _lise(reg)

    # -- TP14: the national id only where it is clearly needed (the identity and credit check of an order) --
    with pytest.raises(NationalIdNotAllowed) as refused:
        reg.add_identifiers(lise, {"national_id": "01019010046"}, purpose="customer_service")
    assert refused.value.field == "national_id"
    reg.add_identifiers(lise, {"national_id": "01019010046"}, purpose="order")
    assert reg.identifiers(lise)["national_id"] == ["010190 *****"]

    # -- TP13f: newsletter by e-mail yes, SMS no; order messages are not marketing -------------------------
    give(reg, lise, "marketing", channel="email", method="web_form", text=None)
    withdraw(reg, lise, "marketing", channel="sms", by="subject")  # she unticked SMS on "Mine sider"
    assert may_contact(reg, lise, "marketing", "email").code == "consent"
    sms = may_contact(reg, lise, "marketing", "sms")
    assert not sms.allowed and sms.code == "objected" and "opted out" in sms.reason
    assert {(s.channel, s.state) for s in current(reg, lise) if s.purpose == "marketing"} == {
        ("email", "given"), ("sms", "never")}  # never consented; the opt-out is on the suppression list
    delivery_sms = may_contact(reg, lise, "order_messages", "sms")
    assert delivery_sms.allowed and not delivery_sms.marketing and delivery_sms.code == "transactional"
    # a new sign-up who ticked nothing and never bought: no consent, no exception (mfl. § 15)
    guest = reg.add_subject("customer", {"email": "gjest@example.no"})
    no = may_contact(reg, guest, "marketing", "sms")
    assert (no.allowed, no.code) == (False, "not_a_customer") and "sale" in no.reason

    # -- TP13a: access, identity verified first, with the Art. 12(3) deadline ------------------------------
    req = _verified_by_code(reg, "access", lise, mailer)
    assert rq.get_request(reg, req).due_on == date(2026, 3, 2)
    done = handle.answer_access(reg, req, by="kundeservice", langs=("en",))
    assert done.status == "completed" and done.completed_at is not None
    copy = json.loads(rq.artifact(reg, req, "registerkopi.en.json")[1])
    by_key = {p["key"]: p for p in copy["purposes"]}
    order_copy = by_key["order"]
    assert order_copy["legal_basis"]["article"] == "6(1)(b)"
    assert {"payment_processors", "logistics_companies"} <= {r["key"] for r in order_copy["recipients"]}
    assert "36 months" in order_copy["retention"]["rule"]
    assert {s["key"] for s in order_copy["sources"]} >= {"credit_bureau", "public_register"}  # TP9
    assert order_copy["automated_decision"] is False and order_copy["complaint_to"]  # TP15: Datatilsynet
    assert "Datatilsynet" in order_copy["complaint_to"]
    assert order_copy["records"][0]["data"]["user.contact.address"] == "Kirkegata 2, 0153 Oslo"
    assert copy["subject"]["identifiers"]["national_id"] == ["NO:01019010046"]  # her own copy, unmasked
    assert rq.artifact(reg, req, "registerkopi.en.pdf")[1].startswith(b"%PDF")

    # -- TP13b: she moved; the carrier that got the old address is told (Art. 19) ---------------------------
    record_disclosure(reg, lise, "transport_processors", "order", ["user.name", "user.contact.address"],
                      record=order)
    req = _verified_by_code(reg, "rectification", lise, mailer)
    handle.rectify(reg, req, {order: {"user.contact.address": "Storgata 9, 0155 Oslo"}}, by="kundeservice")
    assert reg.read(lise, "order")[0].payload["user.contact.address"] == "Storgata 9, 0155 Oslo"
    [notice] = _outbox(reg, "art19.rectification")
    assert notice.recipient == "transport_processors" and "Storgata" not in json.dumps(body_of(reg, notice))

    # -- TP3: a support case is kept until it is closed, and at least 30 days --------------------------------
    clock.set(date(2026, 2, 10))
    case = open_case(reg, subject=lise, kind="warranty", purpose="customer_service", by="kundeservice")
    assert case.retention_until is None
    clock.set(date(2026, 2, 12))
    closed = close_case(reg, case.ref, by="kundeservice")
    assert closed.retention_until == date(2026, 3, 13)  # closed after 2 days: the 30-day floor holds
    assert reg.sweep(date(2026, 3, 12), dry_run=True).deleted.get("customer_service") is None
    assert reg.sweep(date(2026, 3, 13), dry_run=True).deleted.get("customer_service") == 1

    # -- TP13g: portability covers what she gave under contract or consent, not the support case (Art. 20) ---
    req = _verified_by_code(reg, "portability", lise, mailer)
    handle.answer_portability(reg, req, by="kundeservice")
    archive = zipfile.ZipFile(io.BytesIO(rq.artifact(reg, req, "dataportabilitet.zip")[1]))
    data = json.loads(archive.read("data.json"))
    assert {p["key"] for p in data["purposes"]} == {"membership", "order"}
    assert "membership.csv" in archive.namelist() and data["contact"]["email"] == [LISE["email"]]

    # -- TP16: a material change (orders kept longer) is e-mailed to the customers it touches -----------------
    clock.set(date(2026, 3, 1))
    text = POLICY.read_text(encoding="utf-8")
    changed = (text.replace('version: "2021-05-07"', 'version: "2026-03-01"')
               .replace("effective: 2021-05-07", "effective: 2026-03-01")
               .replace("retention: 36 months after purchase.completed   # TP1",
                        "retention: 48 months after purchase.completed   # TP1"))
    assert changed != text
    activation = activate_policy(reg, changed, by="personvernombud")
    assert activation.version == "2026-03-01" and activation.material and activation.notified == 1
    [announcement] = _outbox(reg, "policy_change")
    mail = body_of(reg, announcement)
    assert mail["to"] == LISE["email"] and "1. mars 2026" in mail["text"]
    assert activate_policy(reg, changed, by="personvernombud").notified == 0  # told once

    # -- TP13e: the objection to direct marketing is absolute and ends every channel --------------------------
    req = _verified_by_code(reg, "objection", lise, mailer)
    done = handle.object_to(reg, req, by="kundeservice")
    assert done.status == "completed" and done.details["objection"] == "direct_marketing"
    assert may_contact(reg, lise, "marketing", "email").code == "objected"
    assert may_contact(reg, lise, "order_messages", "email").allowed  # her order still gets its messages

    # -- TP13c: erasure; what the law keeps is restricted to the purpose that keeps it ------------------------
    reg.write(lise, "legal_obligations", ["custom.purchase_details"], {"custom.purchase_details": "OLED 55"})
    reg.write(lise, "bookkeeping", ["user.behavior.purchase_history"],
              {"user.behavior.purchase_history": "faktura 77001"}, ref="77001")
    req = _verified_by_code(reg, "erasure", lise, mailer)
    done = handle.erase(reg, req, ground="a", by="kundeservice")
    kept = {k: v for k, v in done.details.items() if k in ("erased", "subject_removed")}
    assert kept["subject_removed"] is False and "membership" in kept["erased"]
    assert [r.purpose for r in reg.read(lise, use="storage")] == ["legal_obligations"]
    assert [r.purpose for r in reg.read(lise, "legal_obligations")] == ["legal_obligations"]
    with pytest.raises(RestrictedProcessing):
        reg.read(lise, "customer_service")  # restricted to the purpose that blocks the erasure
    assert not may_contact(reg, lise, "order_messages", "email").allowed
    assert [r.purpose for r in reg.find_sealed("77001")] == ["bookkeeping"]
    explanation = rq.artifact(reg, req, "erasure-explanation.nb.txt")[1].decode()
    assert "Rettslige forpliktelser" in explanation and "bokføringsloven" in explanation


@pytest.mark.promise("TP13c")
def test_a_child_under_13_has_the_account_erased_on_art_17_1_f(open_register: Open) -> None:
    """Art. 8(1), 17(1)(f); personopplysningsloven § 5: the age of consent online is 13."""
    reg = open_register("tp-ecommerce")
    child = reg.add_subject("customer", {"email": "gamer2014@example.no"})
    reg.write(child, "membership", ["user.account.username"], {"user.account.username": "gamer2014"})
    req = rq.open_request(reg, "erasure", subject=child, channel="email")
    rq.verify(reg, req.ref, method="email_link", by="kundeservice")
    with pytest.raises(RegisterError) as too_old:
        handle.erase(reg, req.ref, ground="f", by="kundeservice", age_at_collection=13)
    assert too_old.value.field == "age_at_collection"
    done = handle.erase(reg, req.ref, ground="f", by="kundeservice", age_at_collection=12)
    assert done.details == {**done.details, "ground": "f", "subject_removed": True}
    assert reg.find("email", "gamer2014@example.no") == []
