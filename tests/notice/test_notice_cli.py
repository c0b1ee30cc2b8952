"""The notice, ropa and diff commands: thin shells over render_notice, render_ropa and diff_policies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from personvern.cli import app
from personvern.policy import load_policy

POLICIES = Path(__file__).resolve().parents[2] / "examples" / "policies"
TZ = POLICIES / "tek-zence.yaml"
runner = CliRunner()


def test_notice_prints_markdown_in_norwegian_by_default() -> None:
    result = runner.invoke(app, ["notice", str(TZ)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("# Personvernerklæring for TEK-Zence AS")
    assert "Datatilsynet" in result.output


@pytest.mark.promise("SN6")
def test_notice_writes_an_english_html_page(tmp_path: Path) -> None:
    out = tmp_path / "notice.html"
    result = runner.invoke(app, ["notice", str(TZ), "--lang", "en", "--format", "html", "--output", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text("utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "Privacy notice of TEK-Zence AS" in page
    assert "923456783" in page


def test_notice_refuses_an_unknown_language() -> None:
    result = runner.invoke(app, ["notice", str(TZ), "--lang", "sv"])
    assert result.exit_code == 2


def test_ropa_writes_xlsx(tmp_path: Path) -> None:
    out = tmp_path / "ropa.xlsx"
    result = runner.invoke(app, ["ropa", str(TZ), "--format", "xlsx", "--output", str(out)])
    assert result.exit_code == 0, result.output
    ws = load_workbook(out).active
    assert ws is not None
    assert ws.max_row == len(load_policy(TZ).policy.purposes) + 1


def test_ropa_xlsx_needs_an_output_file() -> None:
    result = runner.invoke(app, ["ropa", str(TZ), "--format", "xlsx"])
    assert result.exit_code == 2
    assert "--output" in result.output


@pytest.mark.parametrize("fmt", ["json", "jsonld"])
def test_ropa_prints_json_formats(fmt: str) -> None:
    result = runner.invoke(app, ["ropa", str(TZ), "--format", fmt])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)


def test_ropa_csv_to_stdout_flags_missing_fields() -> None:
    result = runner.invoke(app, ["ropa", str(TZ), "--format", "csv", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("\ufeffProcessing activity;")  # Norwegian Excel: BOM and ';'
    assert "MANGLER / MISSING" in result.output  # the TEK-Zence policy declares no security measures
    plain = runner.invoke(app, ["ropa", str(TZ), "--format", "csv", "--lang", "en", "--csv", "plain"])
    assert plain.exit_code == 0, plain.output
    assert plain.output.startswith("Processing activity,")


def test_notice_of_an_invalid_policy_exits_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("personvern: 1\ncontroller: {name: X}\n", "utf-8")
    result = runner.invoke(app, ["notice", str(bad)])
    assert result.exit_code == 1


def _changed_copy(tmp_path: Path, old: str, new: str) -> Path:
    text = TZ.read_text("utf-8")
    assert old in text
    path = tmp_path / "tek-zence-new.yaml"
    path.write_text(text.replace(old, new, 1), "utf-8")
    return path


def test_diff_of_identical_policies_is_empty() -> None:
    result = runner.invoke(app, ["diff", str(TZ), str(TZ), "--fail-on-material"])
    assert result.exit_code == 0, result.output
    assert "0 changes, 0 material" in result.output


@pytest.mark.promise("TP16")
def test_diff_flags_material_changes_and_can_fail_on_them(tmp_path: Path) -> None:
    new = _changed_copy(
        tmp_path,
        "retention: 3 months after installation.completed",
        "retention: 12 months after installation.completed",
    )
    result = runner.invoke(app, ["diff", str(TZ), str(new)])
    assert result.exit_code == 0, result.output
    assert "MATERIAL retention_longer" in result.output
    assert "1 changes, 1 material" in result.output
    failing = runner.invoke(app, ["diff", str(TZ), str(new), "--fail-on-material"])
    assert failing.exit_code == 2


@pytest.mark.promise("TP16")
def test_diff_of_a_wording_change_does_not_fail(tmp_path: Path) -> None:
    new = _changed_copy(
        tmp_path,
        'name: {nb: "Kundeprofil", en: "Customer profile"}',
        'name: {nb: "Din kundeprofil", en: "Your customer profile"}',
    )
    result = runner.invoke(app, ["diff", str(TZ), str(new), "--fail-on-material"])
    assert result.exit_code == 0, result.output
    assert "wording" in result.output
    assert "MATERIAL" not in result.output
