"""The register copy (Art. 15): TP13a, KL6, PI7, TZ4. What the subject sees, in JSON, HTML and PDF."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import insert

from personvern import audit
from personvern.audit import SubjectViewed
from personvern.consent.ledger import give as _give
from personvern.consent.ledger import withdraw as _withdraw
from personvern.errors import NotFound, RegisterError, RestrictedProcessing
from personvern.register import Register, holds
from personvern.register import schema as t
from personvern.rights import erase_subject
from personvern.rights.access import AccessRecord, access_report, render_access_report

Open = Callable[[str], Register]
COMPANIES = ["tek-zence", "tp-ecommerce", "kl-miljovarme", "sensornordic", "pilaro"]


def populate(reg: Register, kind: str = "customer") -> tuple[str, dict[str, int]]:
    """A subject with one record under every purpose that covers its kind; consent first where needed."""
    ref = reg.add_subject(kind, {"email": "kari.nordmann@example.no", "phone": "+47 975 27 747"})
    ids = {}
    for n, p in enumerate(reg.policy.purposes):
        if kind not in p.subjects:
            continue
        if p.legal_basis.article == "a":
            _give(reg, ref, p.key, channel=None, text=None, method="checkbox")
        source = "subject" if "subject" in p.sources else p.sources[0]
        ids[p.key] = reg.write(ref, p.key, [p.categories[0]], {p.categories[0]: f"verdi {n} for {p.key}"},
                               source=source, ref=f"55{n:02d}" if p.on_erasure == "seal" else None,
                               collected=date(2026, 1, 5))
    return ref, ids


@pytest.mark.promise("TP13a")
@pytest.mark.promise("KL6")
@pytest.mark.promise("PI7")
@pytest.mark.parametrize("company", COMPANIES)
def test_every_purpose_answers_article_15_1_a_to_h(open_register: Open, company: str) -> None:
    reg = open_register(company)
    ref, ids = populate(reg)
    report = access_report(reg, ref)
    assert [p.key for p in report.purposes] == list(ids)
    doc = json.loads(render_access_report(report, "json", "en"))
    for p, j in zip(report.purposes, doc["purposes"], strict=True):
        declared = reg.policy.purpose(p.key)
        assert declared is not None
        assert j["name"] == declared.name.en and j["description"] == declared.description.en  # (a)
        assert j["legal_basis"]["article"] == f"6(1)({declared.legal_basis.article})"
        assert f"Art. 6(1)({declared.legal_basis.article})" in j["legal_basis"]["text"]
        assert [c["key"] for c in j["categories"]] == declared.categories + declared.special_categories  # (b)
        assert all(c["label"] and c["label"] != c["key"] for c in j["categories"])
        assert [r["key"] for r in j["recipients"]] == [r.key for r in reg.policy.recipients_of(p.key)]  # (c)
        assert all({"country", "in_eea", "safeguard"} <= set(r) for r in j["recipients"])
        assert j["retention"]["rule"]  # (d) the rule in words, and the date per record
        assert [r["retention_until"] for r in j["records"]] == [
            x.retention_until.isoformat() if x.retention_until else None for x in p.records]
        assert {"Art. 15", "Art. 16", "Art. 17", "Art. 18", "Art. 19"} <= set(j["rights"])  # (e)
        assert j["complaint_to"] == "Datatilsynet"  # (f)
        assert [s["key"] for s in j["sources"]] == declared.sources and j["sources"][0]["label"]  # (g)
        assert j["automated_decision"] is declared.automated_decision  # (h)
        assert j["profiling"] is declared.profiling
        assert [r["id"] for r in j["records"]] == [ids[p.key]]
    html = render_access_report(report, "html", "nb").decode()
    for p in report.purposes:
        assert f'id="purpose-{p.key}"' in html and p.name("nb") in html


@pytest.mark.promise("TP13a")
def test_payloads_are_decrypted_and_identifiers_unmasked(reg: Register) -> None:
    ref = reg.add_subject("customer", {"email": "kari.nordmann@example.no", "phone": "+47 975 27 747"})
    reg.write(ref, "delivery_installation", ["user.contact.address", "custom.delivery_conditions"],
              {"user.contact.address": "Storgata 1, 0155 Oslo", "custom.delivery_conditions": "3. etasje, ingen heis"})
    report = access_report(reg, ref)
    [record] = report.records
    assert record.payload == {"user.contact.address": "Storgata 1, 0155 Oslo",
                              "custom.delivery_conditions": "3. etasje, ingen heis"}
    assert report.identifiers == {"email": ("kari.nordmann@example.no",), "phone": ("+4797527747",)}
    html = render_access_report(report, "html", "nb").decode()
    assert "Storgata 1, 0155 Oslo" in html and "kari.nordmann@example.no" in html and "+47 97 52 77 47" in html
    assert "Leveringsforhold på adressen" in html  # the payload key shown by its label, not 'custom.…'


@pytest.mark.promise("TP13a")
def test_restricted_records_are_in_the_copy(reg: Register) -> None:
    ref = reg.add_subject("customer")
    reg.write(ref, "customer_profile", ["user.name"], {"user.name": "Kari"})
    holds.restrict(reg, ref, ground="accuracy", reason="the subject disputes the name", by="privacy-officer")
    with pytest.raises(RestrictedProcessing):
        reg.read(ref)
    [record] = access_report(reg, ref).records
    assert record.payload == {"user.name": "Kari"} and record.restricted == "accuracy"
    html = render_access_report(access_report(reg, ref), "html", "en").decode()
    assert "Its use is restricted (Art. 18): we are checking whether the data is accurate." in html


@pytest.mark.promise("TZ4")
def test_sealed_bookkeeping_is_only_in_the_copy_with_its_order_number(reg: Register) -> None:
    ref = reg.add_subject("customer", {"email": "ola@example.no"})
    reg.write(ref, "bookkeeping", ["custom.order"], {"custom.order": "ordre 5521, 8 990 kr"}, ref="5521")
    reg.write(ref, "complaints", ["custom.correspondence"], {"custom.correspondence": "reklamasjon"})
    assert sorted(r.purpose for r in access_report(reg, ref).records) == ["bookkeeping", "complaints"]  # not sealed yet
    other = reg.add_subject("customer")
    reg.write(other, "bookkeeping", ["custom.order"], {"custom.order": "ordre 7000"}, ref="7000")
    erase_subject(reg, other, ground="a", by="kundeservice")
    erase_subject(reg, ref, ground="a", by="kundeservice")  # the complaint is kept (restricted), the receipt sealed

    plain = access_report(reg, ref)
    assert [r.purpose for r in plain.records] == ["complaints"] and plain.sealed == ()
    assert "8 990" not in render_access_report(plain, "html", "nb").decode()

    asked = access_report(reg, ref, order_numbers=["5521", "1234"])
    assert [(r.purpose, r.payload) for r in asked.sealed] == [("bookkeeping", {"custom.order": "ordre 5521, 8 990 kr"})]
    assert asked.sealed_not_found == ("1234",)
    html = render_access_report(asked, "html", "nb").decode()
    assert "ordre 5521, 8 990 kr" in html and "ordre 7000" not in html
    assert "Ingen bilag funnet for ordrenummer: 1234." in html


@pytest.mark.promise("TP13a")
def test_consent_and_disclosure_history_with_dates(open_register: Open, clock: object) -> None:
    reg = open_register("pilaro")
    ref = reg.add_subject("prospect", {"email": "innkjop@bedrift.no"})
    _give(reg, ref, "leads", channel=None, text=None, method="web_form")
    reg.write(ref, "leads", ["user.contact.email"], {"user.contact.email": "innkjop@bedrift.no"}, source="web_form")
    clock.set(date(2026, 2, 10))  # type: ignore[attr-defined]
    _withdraw(reg, ref, "leads", by="subject")
    with reg.transaction() as c:
        sid = reg.subject_id(c, ref)
        c.execute(insert(t.disclosures).values(subject_id=sid, recipient="authorities", purpose="leads",
                                               categories=["user.contact.email"],
                                               disclosed_at=datetime(2026, 2, 3, 9, tzinfo=UTC)))
        c.execute(insert(t.contact_log).values(subject_id=sid, channel="email", direction="out", purpose="leads",
                                               at=datetime(2026, 1, 20, 9, tzinfo=UTC), actor="selger"))
    report = access_report(reg, ref)
    doc = json.loads(render_access_report(report, "json", "en"))
    [consent] = doc["consents"]
    assert consent["given_at"] == "2026-01-05T12:00:00+00:00"
    assert consent["withdrawn_at"] == "2026-02-10T12:00:00+00:00"
    [disclosure] = doc["disclosures"]
    assert disclosure["recipient"] == "authorities" and disclosure["disclosed_at"] == "2026-02-03T09:00:00+00:00"
    assert doc["contact_log"][0]["at"] == "2026-01-20T09:00:00+00:00"
    nb = render_access_report(report, "html", "nb").decode()
    en = render_access_report(report, "html", "en").decode()
    assert "5. jan. 2026" in nb and "10. feb. 2026" in nb and "3. feb. 2026" in nb
    assert "5 Jan 2026" in en and "10 Feb 2026" in en and "3 Feb 2026" in en


@pytest.mark.promise("TP13a")
def test_nb_and_en_copies_say_the_same_in_their_own_language(reg: Register) -> None:
    ref, _ = populate(reg)
    report = access_report(reg, ref)
    nb = render_access_report(report, "html", "nb").decode()
    en = render_access_report(report, "html", "en").decode()
    assert nb != en
    assert '<html lang="nb">' in nb and '<html lang="en">' in en
    for text in ("Innsyn i personopplysninger", "Rettslig grunnlag", "Lagringstid", "Klage til Datatilsynet",
                 "Kundeprofil", "berettiget interesse, GDPR art. 6 nr. 1 bokstav f"):
        assert text in nb and text not in en
    for text in ("Your personal data", "Legal basis", "Kept for", "Complaints to Datatilsynet",
                 "Customer profile", "legitimate interest, GDPR Art. 6(1)(f)"):
        assert text in en and text not in nb
    assert json.loads(render_access_report(report, "json", "nb"))["purposes"][0]["name"] == "Kundeprofil"


@pytest.mark.promise("TP13a")
def test_the_pdf_renders(reg: Register, tmp_path: Path) -> None:
    ref = reg.add_subject("customer", {"email": "kari.nordmann@example.no"})
    reg.write(ref, "customer_profile", ["user.name"], {"user.name": "Kari Nordmann"})
    pdf = render_access_report(access_report(reg, ref), "pdf", "nb")
    assert pdf.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        (tmp_path / "copy.pdf").write_bytes(pdf)
        text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "copy.pdf"), "-"], capture_output=True,
                              text=True, check=True).stdout
        assert "Innsyn i personopplysninger" in text and "Kari Nordmann" in text
        assert re.search(r"Side 1 av \d", text)
    else:
        from weasyprint import HTML

        assert len(HTML(string=render_access_report(access_report(reg, ref), "html", "nb").decode())
                   .render().pages) >= 1


@pytest.mark.promise("TP13a")
def test_who_looked_shows_roles_not_employees_and_the_copy_is_audited(reg: Register) -> None:
    ref = reg.add_subject("customer")
    reg.write(ref, "customer_profile", ["user.name"], {"user.name": "Kari"})
    agent = reg.acting("ola.hansen", "agent")
    with agent.transaction() as c:
        agent.audit(c, SubjectViewed(subject_ref=ref))
    report = access_report(agent, ref)
    assert [(a["role"], a["action"]) for a in report.accesses] == [("agent", "subject.viewed")]
    html = render_access_report(report, "html", "nb").decode()
    assert "kundeservice" in html and "ola.hansen" not in html
    with reg.engine.connect() as c:
        [entry] = audit.entries(c, ref, actions=["export.created"])
    assert entry.actor == "ola.hansen" and entry.details["kind"] == "access"
    assert list(entry.record_ids) == [r.id for r in report.records]
    assert [a["action"] for a in access_report(reg, ref).accesses] == ["subject.viewed", "export.created"]


def test_the_number_of_queries_does_not_grow_with_the_data(reg: Register) -> None:
    small = reg.add_subject("customer")
    reg.write(small, "customer_profile", ["user.name"], {"user.name": "A"})
    big = reg.add_subject("customer", {"email": "b@example.no", "phone": "+47 975 27 747"})
    for n in range(6):
        reg.write(big, "customer_profile", ["user.name"], {"user.name": f"B{n}"})
        reg.write(big, "customer_service", ["custom.correspondence"], {"custom.correspondence": f"e-post {n}"})
    with reg.trace() as few:
        access_report(reg, small)
    with reg.trace() as many:
        access_report(reg, big)
    assert len(many) == len(few) <= 20


def test_an_unknown_subject_or_format_is_a_clear_error(reg: Register) -> None:
    with pytest.raises(NotFound) as missing:
        access_report(reg, "00000000-0000-0000-0000-000000000000")
    assert missing.value.field == "subject"
    report = access_report(reg, reg.add_subject("customer"))
    with pytest.raises(RegisterError) as fmt:
        render_access_report(report, "docx", "nb")  # type: ignore[arg-type]
    assert fmt.value.field == "fmt"
    with pytest.raises(RegisterError) as lang:
        render_access_report(report, "html", "de")  # type: ignore[arg-type]
    assert lang.value.field == "lang"


def test_json_has_stable_keys(reg: Register) -> None:
    ref, _ = populate(reg)
    first = render_access_report(access_report(reg, ref), "json", "en")
    doc = json.loads(first)
    assert list(doc) == ["format", "lang", "generated_at", "as_of", "controller", "subject", "purposes",
                         "sealed_records", "sealed_not_found", "consents", "disclosures", "contact_log", "cases",
                         "requests", "accesses", "datastores"]
    assert list(doc["purposes"][0]["records"][0]) == ["id", "purpose", "categories", "source", "collected_at",
                                                      "retention_until", "state", "ref", "restricted", "data"]


@given(collected=st.dates(date(1990, 1, 1), date(2100, 12, 31)),
       until=st.none() | st.dates(date(1990, 1, 1), date(2100, 12, 31)),
       at=st.datetimes(datetime(1990, 1, 1), datetime(2100, 1, 1)))
def test_dates_and_times_come_out_as_iso_8601_in_utc(collected: date, until: date | None, at: datetime) -> None:
    from personvern.rights._access_render import _record_json, _times

    record = AccessRecord(1, "p", ("user.name",), "subject", {}, collected, until, "active", None, None)
    out = json.loads(json.dumps(_record_json(record), default=lambda v: v.isoformat()))
    assert date.fromisoformat(out["collected_at"]) == collected
    assert out["retention_until"] == (until.isoformat() if until else None)
    stamped = _times({"at": at})["at"]  # SQLite hands back naive UTC
    assert stamped.tzinfo is not None and stamped.replace(tzinfo=None) == at


@pytest.mark.promise("TP11")
def test_the_register_copy_names_a_transfer_that_happens_in_some_cases(
        open_register: Callable[[str], Register]) -> None:
    """Art. 15(2): the copy says what the notice says about TP's IT services (support and maintenance may reach
    the data from outside the EU/EEA, on an adequacy decision or the standard contractual clauses)."""
    tp = open_register("tp-ecommerce")
    ref = tp.add_subject("customer", {"email": "lise@example.no"})
    tp.write(ref, "order", ["user.name"], {"user.name": "Lise"})
    report = access_report(tp, ref)
    html_nb = " ".join(render_access_report(report, "html", "nb").decode().split())
    html_en = " ".join(render_access_report(report, "html", "en").decode().split())
    assert "ved support og vedlikehold kan opplysninger overføres til land utenfor EU/EØS" in html_nb
    assert "for support and maintenance, data may be transferred to countries outside the EU/EEA" in html_en
    assert "(art. 46 nr. 2 bokstav c)" in html_nb and "(Art. 46(2)(c))" in html_en
    order = next(p for p in json.loads(render_access_report(report, "json", "en"))["purposes"] if p["key"] == "order")
    it = next(r for r in order["recipients"] if r["key"] == "it_services")
    assert it["transfer"] == {"when": "for support and maintenance", "countries": [], "safeguards": ["adequacy", "scc"]}
