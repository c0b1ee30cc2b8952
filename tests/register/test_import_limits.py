"""Import files as Norwegian offices have them, and hostile ones (issue 18): Latin-1/Windows-1252 and UTF-8
with or without a BOM, ``;`` or ``,``, an ``--encoding`` override; every bad row as FILE:LINE: field: reason;
unknown columns refuse the file unless ``--ignore-unknown``; NUL bytes, over-long lines and fields, deep JSON
and objects where a name belongs are refused; nothing is written for a refused row.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from personvern.register import Register
from personvern.register import schema as t
from personvern.register._import_read import MAX_DEPTH, MAX_FIELD_CHARS, MAX_LINE_CHARS
from personvern.register.ingest import import_file

HEADER = "subject;kind;email;purpose;categories;collected;data.user.name"
ROW = 'c1;customer;kari@example.no;customer_profile;user.name;2021-03-14;Kåre Ødegård Blåbær'


def count(reg: Register, table: Any) -> int:
    with reg.engine.connect() as c:
        return int(c.execute(select(func.count()).select_from(table)).scalar_one())


def names(reg: Register) -> list[str]:
    [ref] = reg.find("email", "kari@example.no")
    return [r.payload["user.name"] for r in reg.read(ref, "customer_profile")]  # type: ignore[index]


@pytest.mark.parametrize(("encoding", "bom"), [("cp1252", b""), ("latin-1", b""), ("utf-8", b""),
                                                ("utf-8", b"\xef\xbb\xbf")])
def test_excel_csv_in_each_encoding_loads_with_aeoeaa(reg: Register, tmp_path: Path, encoding: str,
                                                      bom: bytes) -> None:
    path = tmp_path / "kunder.csv"
    path.write_bytes(bom + f"{HEADER}\r\n{ROW}\r\n".encode(encoding))
    report = import_file(reg, path)
    assert report.errors == [] and report.records == 1
    assert names(reg) == ["Kåre Ødegård Blåbær"]


def test_the_encoding_can_be_given(reg: Register, tmp_path: Path) -> None:
    path = tmp_path / "kunder.csv"
    path.write_bytes(f"{HEADER}\n{ROW}\n".encode())
    report = import_file(reg, path, encoding="cp1252")  # wrong on purpose: mojibake, but no crash
    assert report.records == 1 and names(reg) == ["KÃ¥re Ã˜degÃ¥rd BlÃ¥bÃ¦r"]


def test_an_unknown_encoding_is_a_clear_error(reg: Register, tmp_path: Path) -> None:
    from personvern.errors import ImportRowError

    path = tmp_path / "kunder.csv"
    path.write_text(f"{HEADER}\n{ROW}\n", encoding="utf-8")
    with pytest.raises(ImportRowError, match="unknown encoding 'klingon'"):
        import_file(reg, path, encoding="klingon")


def test_the_cli_reads_latin1_and_names_file_and_line(reg: Register, tmp_path: Path, db_url: str,
                                                      policy_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from personvern.cli import app

    monkeypatch.setenv("PERSONVERN_MASTER_KEY", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")  # conftest's key
    path = tmp_path / "kunder.csv"
    bad = "c2;customer;ikke-en-adresse;customer_profile;user.name;2021-03-14;Åse"
    path.write_bytes(f"{HEADER}\r\n{ROW}\r\n{bad}\r\n".encode("cp1252"))
    result = CliRunner().invoke(app, ["import", str(path), "--policy", str(policy_path), "--db", db_url])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert f"{path}:3: email:" in result.output and "1 subjects, 1 records" in result.output


def test_unknown_columns_refuse_the_file_unless_ignored(reg: Register, tmp_path: Path) -> None:
    path = tmp_path / "kunder.csv"
    path.write_text(f"{HEADER};favourite_colour\n{ROW};blå\n", encoding="utf-8")
    report = import_file(reg, path)
    assert [(e.line, e.field) for e in report.errors] == [(1, "favourite_colour")]
    assert "--ignore-unknown" in report.errors[0].reason and count(reg, t.subjects) == 0
    report = import_file(reg, path, ignore_unknown=True)
    assert report.errors == [] and report.records == 1


def test_unknown_json_fields_are_refused_unless_ignored(reg: Register, tmp_path: Path) -> None:
    path = tmp_path / "kunder.jsonl"
    path.write_text(json.dumps({"type": "subject", "id": "c1", "kind": "customer", "email": "kari@example.no",
                                "shoe_size": 42}) + "\n", encoding="utf-8")
    assert [e.field for e in import_file(reg, path).errors] == ["shoe_size"]
    assert import_file(reg, path, ignore_unknown=True).subjects == 1


def _jsonl(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "kunder.jsonl"
    path.write_text("".join(r + "\n" for r in rows), encoding="utf-8")
    return path


GOOD = json.dumps({"type": "subject", "id": "c1", "kind": "customer", "email": "kari@example.no"})


@pytest.mark.parametrize(("row", "field", "reason"), [
    ('{"type": "subject", "id": "c2", "kind": "customer", "email": "a\\u0000@example.no"}', "email", "NUL"),
    (json.dumps({"type": "subject", "id": "c2", "kind": "customer", "email": {"first": "x@example.no"}}),
     "email", "not an object"),
    (json.dumps({"type": "record", "subject": "c1", "purpose": "customer_profile", "categories": ["user.name"],
                 "payload": {"user.name": {"first": "Kari", "evil": ["x"]}}}), "payload.user.name", "not an object"),
    (json.dumps({"type": "record", "subject": "c1", "purpose": "customer_profile", "categories": ["user.name"],
                 "payload": {"user.name": "x" * (MAX_FIELD_CHARS + 1)}}), "payload.user.name", "longer than"),
    (json.dumps({"type": "record", "subject": "c1", "purpose": "customer_profile", "categories": ["custom.x"],
                 "payload": {"custom.x": json.loads("[" * (MAX_DEPTH + 2) + "]" * (MAX_DEPTH + 2))}}),
     "payload.custom.x", "nested deeper"),
    ('{"type": "subject", "payload": ' + "[" * 20_000 + "]" * 20_000 + "}", "-", "nested deeper"),
    ('{"type": "subject", "id": "c2", "kind": "customer", "email": "x@example.no"}\x00', "-", "NUL"),
    (json.dumps({"type": "subject", "id": "c2", "kind": "customer", "customer_number": "9" * MAX_LINE_CHARS}),
     "-", "longer than"),
], ids=["nul-escape", "object-as-identifier", "object-as-name", "long-field", "deep-payload", "deep-json",
        "nul-byte", "long-line"])
def test_hostile_rows_are_refused_with_line_field_and_reason(reg: Register, tmp_path: Path, row: str, field: str,
                                                             reason: str) -> None:
    report = import_file(reg, _jsonl(tmp_path, GOOD, row))
    assert [e.line for e in report.errors] == [2], report.errors
    assert report.errors[0].field.startswith(field) and reason in report.errors[0].reason
    assert report.subjects == 1 and count(reg, t.identifiers) == 1  # the good row went in, the bad did not


def test_a_nul_byte_in_a_csv_is_refused_on_its_line(reg: Register, tmp_path: Path) -> None:
    path = tmp_path / "kunder.csv"
    path.write_bytes(f"{HEADER}\n{ROW}\nc2;customer;ola@example.no;customer_profile;user.name;2021-03-14;O\x00la\n"
                     .encode())
    report = import_file(reg, path)
    assert [(e.line, e.field) for e in report.errors] == [(3, "-")] and "NUL" in report.errors[0].reason
    assert report.records == 1
