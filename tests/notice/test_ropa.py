"""The record of processing (Art. 30): one row per purpose, Datatilsynet's columns, gaps flagged not fatal."""

from __future__ import annotations

import csv
import io
import json
from functools import cache
from pathlib import Path

import pytest
from openpyxl import load_workbook

from personvern.notice import render_ropa
from personvern.notice.ropa import COLUMNS, MISSING
from personvern.policy import load_policy
from personvern.policy.model import Policy, Text

POLICIES = Path(__file__).resolve().parents[2] / "examples" / "policies"
FILES = sorted(POLICIES.glob("*.yaml"))
IDS = [f.stem for f in FILES]
MANDATORY = {
    "activity",
    "controller",
    "joint_controllers",
    "representative",
    "dpo",
    "purpose",
    "data_subjects",
    "data_categories",
    "recipients",
    "transfers",
    "erasure",
    "security",
}
DPV_BASIS = {
    "a": "dpv:Consent",
    "b": "dpv:Contract",
    "c": "dpv:LegalObligation",
    "d": "dpv:VitalInterest",
    "e": "dpv:PublicInterest",
    "f": "dpv:LegitimateInterest",
}


@cache
def policy(path: Path) -> Policy:
    return load_policy(path).policy


def test_columns_cover_art_30_1_a_to_g() -> None:
    assert {c.key for c in COLUMNS if c.mandatory} == MANDATORY
    letters = {c.article for c in COLUMNS if c.mandatory}
    assert letters == {f"30(1)({x})" for x in "abcdefg"}


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_csv_has_one_row_per_purpose_with_the_columns(path: Path) -> None:
    pol = policy(path)
    rows = list(csv.reader(io.StringIO(str(render_ropa(pol, "csv")))))
    assert rows[0] == [c.nb for c in COLUMNS] + ["Mangler / Missing"]
    assert [r[0] for r in rows[1:]] == [p.name.nb for p in pol.purposes]
    for row, p in zip(rows[1:], pol.purposes, strict=True):
        cells = dict(zip([c.key for c in COLUMNS], row, strict=False))
        assert pol.controller.orgnr in cells["controller"]
        assert f"bokstav {p.legal_basis.article}" in cells["legal_basis"]
        for r in pol.recipients_of(p.key):
            assert r.name.nb in cells["recipients"]


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_json_lists_activities_and_missing_fields(path: Path) -> None:
    pol = policy(path)
    doc = json.loads(render_ropa(pol, "json", "en"))
    assert [a["key"] for a in doc["activities"]] == [p.key for p in pol.purposes]
    assert doc["controller"]["orgnr"] == pol.controller.orgnr
    for activity in doc["activities"]:
        assert set(activity) >= {c.key for c in COLUMNS} | {"missing"}
        for field in activity["missing"]:
            assert {"purpose": activity["key"], "field": field} in doc["missing"]
        for key in MANDATORY:
            assert activity[key].strip(), f"{activity['key']}.{key} is empty and not flagged"


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_xlsx_opens_with_a_bold_frozen_header_and_the_rows(path: Path, tmp_path: Path) -> None:
    pol = policy(path)
    data = render_ropa(pol, "xlsx")
    assert isinstance(data, bytes)
    file = tmp_path / "ropa.xlsx"
    file.write_bytes(data)
    ws = load_workbook(file).active
    assert ws is not None
    assert ws.max_row == len(pol.purposes) + 1
    assert [c.value for c in ws[1]][: len(COLUMNS)] == [c.nb for c in COLUMNS]
    assert all(c.font.bold for c in ws[1])
    assert ws.freeze_panes == "B2"
    assert [ws.cell(row=i + 2, column=1).value for i in range(len(pol.purposes))] == [
        p.name.nb for p in pol.purposes
    ]
    assert ws.column_dimensions["A"].width >= 14


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_jsonld_maps_purposes_and_legal_bases_to_dpv(path: Path) -> None:
    pol = policy(path)
    doc = json.loads(render_ropa(pol, "jsonld"))
    assert doc["@context"]["dpv"] == "https://w3id.org/dpv#"
    processes = [n for n in doc["@graph"] if n.get("@type") == "dpv:Process"]
    assert len(processes) == len(pol.purposes)
    for node, p in zip(processes, pol.purposes, strict=True):
        assert node["dpv:hasPurpose"]["@type"] == "dpv:Purpose"
        assert node["dpv:hasPurpose"]["skos:broader"]["@id"].startswith("dpv:")
        bases = {b["@id"] for b in node["dpv:hasLegalBasis"]}
        assert DPV_BASIS[p.legal_basis.article] in bases
        assert f"eu-gdpr:A6-1-{p.legal_basis.article}" in bases


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_html_is_a_table_with_every_purpose(path: Path) -> None:
    pol = policy(path)
    page = str(render_ropa(pol, "html"))
    assert page.startswith("<!DOCTYPE html>")
    assert page.count("<tr id=") == len(pol.purposes)
    for p in pol.purposes:
        assert f'<tr id="{p.key}">' in page


def test_missing_security_is_flagged_not_fatal() -> None:
    tz = policy(POLICIES / "tek-zence.yaml")
    bare = tz.model_copy(update={"purposes": [p.model_copy(update={"security": None}) for p in tz.purposes]})
    doc = json.loads(render_ropa(bare, "json"))
    assert all(a["security"] == MISSING for a in doc["activities"])
    assert {"purpose": "bookkeeping", "field": "security"} in doc["missing"]
    assert MISSING in str(render_ropa(bare, "csv"))
    assert MISSING in str(render_ropa(bare, "html"))


def test_declared_security_is_exported_and_not_flagged() -> None:
    tz = policy(POLICIES / "tek-zence.yaml")
    secured = tz.model_copy(
        update={
            "purposes": [
                p.model_copy(
                    update={
                        "security": Text(
                            nb="Tilgangsstyring og kryptering", en="Access control and encryption"
                        )
                    }
                )
                for p in tz.purposes
            ]
        }
    )
    doc = json.loads(render_ropa(secured, "json"))
    assert all(a["security"] == "Tilgangsstyring og kryptering" for a in doc["activities"])
    assert all("security" not in a["missing"] for a in doc["activities"])


def test_missing_retention_and_controller_contact_are_flagged(tmp_path: Path) -> None:
    tz = policy(POLICIES / "tek-zence.yaml")
    controller = tz.controller.model_copy(update={"email": None, "phone": None, "contact_form": None})
    purposes = [tz.purposes[0].model_copy(update={"retention": None}), *tz.purposes[1:]]
    broken = tz.model_copy(update={"controller": controller, "purposes": purposes})
    doc = json.loads(render_ropa(broken, "json"))
    first = doc["activities"][0]
    assert first["erasure"] == MISSING
    assert "erasure" in first["missing"]
    assert "controller" in first["missing"]
    assert MISSING in first["controller"]
    file = tmp_path / "r.xlsx"
    file.write_bytes(bytes(render_ropa(broken, "xlsx")))
    ws = load_workbook(file).active
    assert ws is not None
    erasure_col = [c.key for c in COLUMNS].index("erasure") + 1
    assert ws.cell(row=2, column=erasure_col).value == MISSING
    assert ws.cell(row=2, column=erasure_col).fill.fgColor.rgb.endswith("F8CBAD")


def test_processor_without_agreement_is_flagged() -> None:
    tz = policy(POLICIES / "tek-zence.yaml")
    recipients = [r.model_copy(update={"agreement": None}) for r in tz.recipients]
    doc = json.loads(render_ropa(tz.model_copy(update={"recipients": recipients}), "json"))
    delivery = next(a for a in doc["activities"] if a["key"] == "delivery_installation")
    assert "processors.delivery_partners.agreement" in delivery["missing"]
    assert MISSING in delivery["processors"]


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="format"):
        render_ropa(policy(POLICIES / "tek-zence.yaml"), "pdf")  # type: ignore[arg-type]


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_jsonld_is_a_default_graph_without_invented_dpv_terms(path: Path) -> None:
    """Issue 14 item 12: dpv:hasContract, dpv:hasProcessingContext, eu-gdpr:A47-1 and eu-gdpr:A49-1 are not
    terms of the W3C DPV vocabulary; a top-level @id beside @graph would make the graph a named one."""
    text = render_ropa(policy(path), "jsonld")
    doc = json.loads(text)
    assert set(doc) == {"@context", "@graph"}
    for invented in ("dpv:hasContract", "dpv:hasProcessingContext", "eu-gdpr:A47-1", '"eu-gdpr:A49-1"'):
        assert invented not in text
    assert any(n.get("dct:title") for n in doc["@graph"])
