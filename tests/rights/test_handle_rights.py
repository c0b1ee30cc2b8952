"""Each right carried out through a verified request (Art. 15-21), per seed where the seeds differ."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from personvern import audit
from personvern.consent import may_contact
from personvern.errors import CategoryNotAllowed, NotFound, RegisterError, RestrictedProcessing
from personvern.register import Register, holds
from personvern.register import schema as t
from personvern.rights import handle
from personvern.rights import requests as rq
from personvern.rights.notify import record_disclosure


def _verified(reg: Register, kind: str, subject: str) -> str:
    v = rq.open_request(reg, kind, subject=subject, channel="email")
    return rq.verify(reg, v.ref, method="id_document", by="ola").ref


def _outbox(reg: Register, topic: str) -> list[Any]:
    with reg.engine.connect() as c:
        return c.execute(select(t.outbox).where(t.outbox.c.topic == topic)).all()


def _kari(reg: Register) -> str:
    return reg.add_subject("customer", {"email": "kari@example.no", "phone": "+47 975 27 747"})


@pytest.mark.promise("TP13a")
def test_access_holds_the_sweep_until_the_register_copy_is_answered(reg: Register) -> None:
    ref = _kari(reg)
    rid = reg.write(ref, "delivery_installation", ["user.contact.address"], {"user.contact.address": "Vei 1"},
                    events={"installation.completed": date(2025, 9, 1)})  # its 3 months ended 2025-12-01
    v = rq.open_request(reg, "access", subject=ref, channel="email")
    report = reg.sweep(dry_run=True)
    assert report.held["delivery_installation"]["access_request"] == 1 and report.total == 0
    assert reg.sweep().total == 0
    with pytest.raises(RegisterError, match="not verified"):
        handle.answer_access(reg, v.ref, by="ola")
    rq.verify(reg, v.ref, method="email_code", by="subject")
    done = handle.answer_access(reg, v.ref, by="ola", langs=["nb"])
    assert done.status == "completed"
    media, body = rq.artifact(reg, v.ref, "registerkopi.nb.pdf")
    assert media == "application/pdf" and body.startswith(b"%PDF")
    copy = json.loads(rq.artifact(reg, v.ref, "registerkopi.nb.json")[1])
    assert "Vei 1" in json.dumps(copy, ensure_ascii=False)  # the copy reflects the data as it was
    with reg.engine.connect() as c:  # the hold covers the day it is lifted (issue 14: as a period's last day)
        assert c.execute(select(t.records.c.id).where(t.records.c.id == rid)).first() is not None
    assert reg.sweep(as_of=reg.today() + timedelta(days=1)).deleted == {"delivery_installation": 1}
    with reg.engine.connect() as c:  # the next day the held deletion goes ahead
        assert c.execute(select(t.records.c.id).where(t.records.c.id == rid)).first() is None


@pytest.mark.promise("TP13g")
def test_portability_stores_the_zip_of_what_the_subject_provided(reg: Register) -> None:
    ref = _kari(reg)
    reg.write(ref, "delivery_installation", ["user.contact.address"], {"user.contact.address": "Vei 1"})
    done = handle.answer_portability(reg, _verified(reg, "portability", ref), by="ola")
    media, body = rq.artifact(reg, done.ref, "dataportabilitet.zip")
    assert media == "application/zip" and zipfile.ZipFile(io.BytesIO(body)).namelist()


@pytest.mark.promise("TP13b")
@pytest.mark.promise("TZ6")
def test_tp13b_rectification_reencrypts_and_notifies_the_recipient_that_got_the_data(reg: Register) -> None:
    ref = _kari(reg)
    rid = reg.write(ref, "delivery_installation", ["user.contact.address"], {"user.contact.address": "Gammel 1"})
    record_disclosure(reg, ref, "delivery_partners", "delivery_installation", ["user.contact.address"], record=rid)
    req = _verified(reg, "rectification", ref)
    with pytest.raises(CategoryNotAllowed):
        handle.rectify(reg, req, {rid: {"user.financial": "x"}}, by="ola")
    done = handle.rectify(reg, req, {rid: {"user.contact.address": "Ny vei 2", "user.name": "Kari N"}}, by="ola")
    assert done.status == "completed" and done.details["record_ids"] == [rid]
    [record] = reg.read(ref, "delivery_installation")
    assert record.payload == {"user.contact.address": "Ny vei 2", "user.name": "Kari N"}
    assert "user.name" in record.categories  # completion (Art. 16 second sentence)
    [notice] = _outbox(reg, "art19.rectification")
    assert notice.recipient == "delivery_partners" and notice.request_id == done.id
    assert "Ny vei" not in notice.destination


@pytest.mark.promise("TZ4")
@pytest.mark.promise("TP13c")
def test_tz4_erasure_seals_bookkeeping_and_explains_what_was_kept(reg: Register) -> None:
    ref = _kari(reg)
    reg.write(ref, "customer_profile", ["user.name"], {"user.name": "Kari"}, events={"purchase.made": date(2026, 1, 5)})
    reg.write(ref, "bookkeeping", ["custom.order"], {"custom.order": "ordre 5521"}, ref="5521",
              events={"purchase.made": date(2026, 1, 5)})
    complaint = reg.write(ref, "complaints", ["custom.correspondence"], {"custom.correspondence": "defekt"},
                          events={"purchase.made": date(2026, 1, 5)})
    req = _verified(reg, "erasure", ref)
    done = handle.erase(reg, req, ground="a", by="ola")
    assert done.status == "completed" and done.details["erased"] == {"customer_profile": 1}
    assert [r.purpose for r in reg.find_sealed("5521")] == ["bookkeeping"]
    assert reg.find("email", "kari@example.no") == [ref]  # still a subject: the complaint is kept, restricted
    with pytest.raises(RestrictedProcessing):
        reg.check_use(ref, "customer_service")
    explained = json.loads(rq.artifact(reg, req, "erasure-explanation.json")[1])
    kept = {k["purpose"]: k for k in explained["kept"]}
    assert kept["bookkeeping"]["outcome"] == "sealed"
    assert kept["bookkeeping"]["citation"] == "bokføringsloven § 13 første ledd nr. 1"
    assert kept["bookkeeping"]["until"] == "2032-01-01"
    assert kept["complaints"]["record"] == complaint and kept["complaints"]["ground"] == "forbrukerkjøpsloven § 27"
    nb = rq.artifact(reg, req, "erasure-explanation.nb.txt")[1].decode()
    en = rq.artifact(reg, req, "erasure-explanation.en.txt")[1].decode()
    assert "forseglet" in nb and "Regnskap og bokføring" in nb and "2032-01-01" in nb
    assert "sealed" in en and "Accounting and bookkeeping" in en


@pytest.mark.promise("TP13c")
def test_tp13c_erasure_of_data_collected_from_a_child_under_13(open_register: Callable[[str], Register]) -> None:
    reg = open_register("tp-ecommerce")
    ref = reg.add_subject("customer", {"email": "barn@example.no"})
    req = _verified(reg, "erasure", ref)
    for ground, age in (("f", None), ("f", 13), ("g", 10)):
        with pytest.raises(RegisterError) as err:
            handle.erase(reg, req, ground=ground, by="ola", age_at_collection=age)
        assert err.value.field == ("ground" if ground == "g" else "age_at_collection")
    done = handle.erase(reg, req, ground="f", by="ola", age_at_collection=12)
    assert done.status == "completed" and done.details["subject_removed"] is True
    assert reg.find("email", "barn@example.no") == []
    assert done.subject_ref == ref  # the request stays as proof that it was handled


@pytest.mark.promise("TP13e")
@pytest.mark.promise("KL7")
def test_tp13e_objection_to_direct_marketing_is_absolute_and_immediate(
        open_register: Callable[[str], Register]) -> None:
    reg = open_register("tp-ecommerce")
    ref = reg.add_subject("customer", {"email": "kari@example.no"})
    done = handle.object_to(reg, _verified(reg, "objection", ref), by="ola")
    assert done.status == "completed" and "marketing" in done.details["marketing_purposes"]
    assert not may_contact(reg, ref, "marketing", "email").allowed


@pytest.mark.promise("TP13d")
def test_objection_to_legitimate_interest_restricts_until_a_recorded_decision(reg: Register) -> None:
    ref = _kari(reg)
    rid = reg.write(ref, "customer_profile", ["user.name"], {"user.name": "Kari"})
    req = _verified(reg, "objection", ref)
    with pytest.raises(RegisterError, match=r"Art\. 6\(1\)\(b\)"):
        handle.object_to(reg, req, purpose="delivery_installation", by="ola")
    pending = handle.object_to(reg, req, purpose="customer_profile", by="ola")
    assert pending.status == "in_progress"
    with reg.engine.connect() as c:
        sid = reg.subject_id(c, ref)
    with pytest.raises(RestrictedProcessing):
        holds.check_use(reg, sid, "customer_profile", "processing", record=rid)
    done = handle.decide_objection(reg, req, True, "no overriding interest", by="po")
    assert done.status == "completed" and done.details["deleted_records"] == [rid]
    assert reg.find("email", "kari@example.no") == []  # nothing else was kept: the subject went too


def test_an_objection_that_is_not_upheld_lifts_the_restriction(reg: Register) -> None:
    ref = _kari(reg)
    rid = reg.write(ref, "customer_profile", ["user.name"], {"user.name": "Kari"})
    req = _verified(reg, "objection", ref)
    handle.object_to(reg, req, purpose="customer_profile", by="ola")
    done = handle.decide_objection(reg, req, False, "warranty follow-up outweighs", by="po")
    assert (done.status, done.refusal_reason) == ("refused", "warranty follow-up outweighs")
    with reg.engine.connect() as c:
        holds.check_use(reg, reg.subject_id(c, ref), "customer_profile", "processing", record=rid)


@pytest.mark.promise("TP13d")
def test_restriction_while_accuracy_is_contested_tells_the_recipients(reg: Register) -> None:
    ref = _kari(reg)
    rid = reg.write(ref, "delivery_installation", ["user.contact.address"], {"user.contact.address": "Vei 1"})
    record_disclosure(reg, ref, "delivery_partners", "delivery_installation", ["user.contact.address"], record=rid)
    req = _verified(reg, "restriction", ref)
    with pytest.raises(RegisterError) as err:
        handle.restrict(reg, req, ground="boredom", reason="x", by="ola")
    assert err.value.field == "ground"
    done = handle.restrict(reg, req, ground="accuracy", reason="address disputed", by="ola")
    assert done.status == "completed" and len(done.details["restriction_ids"]) == 1
    with pytest.raises(RestrictedProcessing):
        reg.read(ref)
    assert reg.read(ref, use="storage")
    [notice] = _outbox(reg, "art19.restriction")
    assert notice.recipient == "delivery_partners"


@pytest.mark.promise("TP13a")
@pytest.mark.promise("TP13g")
def test_each_answered_copy_is_one_export_entry_whatever_the_formats_stored(reg: Register) -> None:
    """Art. 5(2): one ``export.created`` per produced document; handle adds none beside access/portability."""
    ref = _kari(reg)
    reg.write(ref, "delivery_installation", ["user.contact.address"], {"user.contact.address": "Vei 1"})
    handle.answer_access(reg, _verified(reg, "access", ref), by="ola", langs=["nb", "en"])
    with reg.engine.connect() as c:
        entries = audit.entries(c, ref, actions=["export.created"])
    assert [(e.details["kind"], e.details["fmt"]) for e in entries] == [("access", "report")]  # 4 files, one copy
    handle.answer_portability(reg, _verified(reg, "portability", ref), by="ola")
    with reg.engine.connect() as c:
        kinds = [e.details["kind"] for e in audit.entries(c, ref, actions=["export.created"])]
    assert sorted(kinds) == ["access", "portability"]


def test_access_answer_stores_json_and_html_and_renders_the_pdf_on_first_download(
        reg: Register, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 13 item 3: no PDF on the request's critical path; the PDF is made once, when first fetched."""
    import personvern.rights._access_render as render

    ref = _kari(reg)
    calls: list[int] = []
    real = render.pdf_from_html

    def counting(html: bytes) -> bytes:
        calls.append(1)
        return real(html)

    monkeypatch.setattr(render, "pdf_from_html", counting)
    done = handle.answer_access(reg, _verified(reg, "access", ref), by="ola", langs=["nb", "en"])
    assert calls == []  # answering renders no PDF
    assert {a.name for a in rq.artifacts(reg, done.ref)} == {
        "registerkopi.nb.json", "registerkopi.nb.html", "registerkopi.en.json", "registerkopi.en.html"}
    assert b"kari@example.no" in rq.artifact(reg, done.ref, "registerkopi.nb.html")[1]
    media, body = rq.artifact(reg, done.ref, "registerkopi.en.pdf")
    assert media == "application/pdf" and body.startswith(b"%PDF") and calls == [1]
    assert rq.artifact(reg, done.ref, "registerkopi.en.pdf") == (media, body) and calls == [1]  # stored, once
    assert "registerkopi.en.pdf" in {a.name for a in rq.artifacts(reg, done.ref)}
    with reg.engine.connect() as c:  # stored encrypted, like every artifact
        stored = c.execute(select(t.request_artifacts.c.body).where(
            t.request_artifacts.c.name == "registerkopi.en.pdf")).scalar_one()
    assert not bytes(stored).startswith(b"%PDF")
    with pytest.raises(NotFound):
        rq.artifact(reg, done.ref, "registerkopi.de.pdf")
