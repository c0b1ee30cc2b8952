"""KL Miljøvarme (sole trader, heating), a customer's journey through the public API (KL1-KL7).

Ingrid orders a pellet stove (KL2, GDPR Art. 6(1)(b)) and is invoiced (Art. 6(1)(c), bokføringsloven § 13). She
sends a signed letter with a copy of her ID asking what is registered about her (KL6, Art. 15, Art. 12(6)), stops
the e-mail marketing (KL7, Art. 21(2)-(3), markedsføringsloven § 15), takes the data she gave with her (KL6,
Art. 20) and asks for erasure: refused while the contract needs the data, later granted except for the invoice the
law keeps, explained record by record (KL6, Art. 17(1)(a), 17(3)(b), Art. 12(4)).
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date
from typing import Any

import pytest

from personvern.consent import may_contact
from personvern.errors import NotFound, RegisterError
from personvern.register import Register
from personvern.rights import handle
from personvern.rights import requests as rq

ID_COPY = b"%PDF-1.4 skannet kopi av forerkort (test)"


def _ingrid(reg: Register) -> tuple[str, dict[str, int]]:
    ingrid = reg.add_subject("customer", {"email": "ingrid.moe@example.no", "phone": "+47 958 12 345"})
    ids = {
        "orders": reg.write(ingrid, "orders", ["custom.contact_person", "user.contact.address", "custom.order"],
                            {"custom.contact_person": "Ingrid Moe", "user.contact.address": "Fjellvegen 3, 8646 Korgen",
                             "custom.order": "pelletsovn PX-8 med montering"}),
        "delivery": reg.write(ingrid, "delivery", ["user.contact.address"],
                              {"user.contact.address": "Fjellvegen 3, 8646 Korgen"}),
        "invoicing": reg.write(ingrid, "invoicing", ["custom.invoice"], {"custom.invoice": "faktura 2026-014"},
                               events={"invoice.issued": date(2026, 2, 1)}),
        "support": reg.write(ingrid, "customer_support", ["custom.correspondence"],
                             {"custom.correspondence": "Når kommer montøren?"}, source="email"),
    }
    return ingrid, ids


@pytest.mark.promise("KL1")
@pytest.mark.promise("KL6")
@pytest.mark.promise("KL7")
def test_ingrid_asks_by_signed_letter_stops_marketing_and_is_erased_except_her_invoice(
        open_register: Any, clock: Any) -> None:
    """Art. 12(3), 12(4), 12(6), 15, 17(1)(a), 17(3)(b), 20, 21(2)-(3)."""
    reg: Register = open_register("kl-miljovarme")
    clock.set(date(2026, 2, 1))
    ingrid, ids = _ingrid(reg)

    # -- KL6: a signed letter with a copy of ID; the sender is matched and verified by staff -------------------
    clock.set(date(2026, 2, 9))
    letter = rq.open_request(reg, "access", subject=None, channel="letter")  # opened at the post, sender unknown
    assert letter.subject_ref is None and letter.due_on == date(2026, 3, 9)
    with pytest.raises(RegisterError, match="not verified"):
        handle.answer_access(reg, letter.ref, by="kjell")
    verified = rq.verify(reg, letter.ref, method="id_document", by="kjell", subject=ingrid, document=ID_COPY)
    assert (verified.status, verified.verification_method, verified.verified_by) == ("verified", "id_document", "kjell")
    assert rq.artifact(reg, letter.ref, "id-document") == ("application/pdf", ID_COPY)  # the evidence is kept
    done = handle.answer_access(reg, letter.ref, by="kjell")
    copy = json.loads(rq.artifact(reg, letter.ref, "registerkopi.nb.json")[1])
    assert {p["key"] for p in copy["purposes"]} == {"orders", "delivery", "invoicing", "customer_support"}
    kept_by_law = next(p for p in copy["purposes"] if p["key"] == "invoicing")
    assert kept_by_law["legal_basis"]["article"] == "6(1)(c)" and kept_by_law["retention"]["on_erasure"] == "keep"
    assert copy["subject"]["identifiers"]["phone"]  # KL1: address, phone, e-mail, contact person
    # the request and the ID copy are themselves kept only for the limitation period (foreldelsesloven § 2)
    assert done.retention_until == date(2029, 2, 10)

    # -- KL7: e-mail marketing stops on request; every marketing channel with it -----------------------------
    offer = may_contact(reg, ingrid, "marketing", "email")
    assert (offer.allowed, offer.code) == (True, "soft_opt_in")
    stop = rq.open_request(reg, "objection", subject=ingrid, channel="email")
    rq.verify(reg, stop.ref, method="email_link", by="kjell")
    done = handle.object_to(reg, stop.ref, purpose="marketing", by="kjell")
    assert done.status == "completed" and done.details["marketing_purposes"] == ["marketing"]
    for channel in ("email", "sms", "post"):
        refused = may_contact(reg, ingrid, "marketing", channel)
        assert (refused.allowed, refused.code) == (False, "objected"), channel

    # -- KL6: portability of what she provided under the contract, not the invoice the law makes us keep ------
    move = rq.open_request(reg, "portability", subject=ingrid, channel="email")
    rq.verify(reg, move.ref, method="id_document", by="kjell")
    handle.answer_portability(reg, move.ref, by="kjell")
    data = json.loads(zipfile.ZipFile(io.BytesIO(rq.artifact(reg, move.ref, "dataportabilitet.zip")[1]))
                      .read("data.json"))
    assert {p["key"] for p in data["purposes"]} == {"orders", "delivery", "customer_support"}

    # -- KL6: erasure refused while the stove is not yet installed (the contract needs the data) --------------
    early = rq.open_request(reg, "erasure", subject=ingrid, channel="email")
    rq.verify(reg, early.ref, method="id_document", by="kjell")
    refused_req = rq.refuse(reg, early.ref, by="kjell",
                            reason="Vi trenger opplysningene for å montere ovnen du har bestilt (kjøpsavtalen).")
    assert refused_req.status == "refused" and "kjøpsavtalen" in (refused_req.refusal_reason or "")
    assert len(reg.read(ingrid)) == 4

    # -- after the relationship ends: erased, except the invoice, explained record by record --------------------
    clock.set(date(2026, 6, 1))
    reg.record_event("customer.relationship_ended", date(2026, 6, 1), subject=ingrid)
    late = rq.open_request(reg, "erasure", subject=ingrid, channel="letter")
    rq.verify(reg, late.ref, method="id_document", by="kjell")
    done = handle.erase(reg, late.ref, ground="a", by="kjell")
    assert done.details["erased"] == {"orders": 1, "delivery": 1, "customer_support": 1}
    assert done.details["kept_records"] == [ids["invoicing"]] and done.details["subject_removed"] is False
    explained = json.loads(rq.artifact(reg, late.ref, "erasure-explanation.json")[1])
    [kept] = explained["kept"]
    assert (kept["record"], kept["purpose"], kept["outcome"]) == (ids["invoicing"], "invoicing", "kept")
    assert kept["citation"].startswith("bokføringsloven § 13") and kept["until"] == "2032-01-01"
    text = rq.artifact(reg, late.ref, "erasure-explanation.nb.txt")[1].decode()
    assert "- Fakturering og administrasjon" in text and "2032-01-01" in text
    assert f"#{ids['invoicing']}" not in text  # the subject reads words, never the register's record numbers
    assert may_contact(reg, ingrid, "marketing", "post").allowed is False

    # -- the ID copy goes with the request when its own retention ends (Art. 5(1)(c), (e)) --------------------
    assert rq.sweep_requests(reg, date(2029, 2, 9)) == 0  # the last day of its period is kept (1182/71)
    assert rq.sweep_requests(reg, date(2029, 2, 10)) >= 1
    with pytest.raises(NotFound):
        rq.artifact(reg, letter.ref, "id-document")


@pytest.mark.promise("KL6")
def test_erasure_on_ground_a_keeps_what_a_running_contract_still_needs(open_register: Any, clock: Any) -> None:
    """KL6: 'not erased while we need it to carry out a contract with you' (Art. 17(1)(a) does not apply)."""
    reg: Register = open_register("kl-miljovarme")
    clock.set(date(2026, 2, 1))
    ingrid, ids = _ingrid(reg)
    req = rq.open_request(reg, "erasure", subject=ingrid, channel="email")
    rq.verify(reg, req.ref, method="id_document", by="kjell")
    try:
        done = handle.erase(reg, req.ref, ground="a", by="kjell")
    except RegisterError as refused:  # refusing with a clear reason is a fix too
        assert refused.field == "ground"
        return
    assert ids["orders"] in done.details["kept_records"]
