"""Importing existing customers: rows checked like writes, bad rows reported by line, set-based inserts."""

from __future__ import annotations

import base64
import json
import stat
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from personvern.cli import app
from personvern.register import Register
from personvern.register import schema as t
from personvern.register.ingest import BadRow, import_file

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "import"
POLICY = ROOT / "examples" / "policies" / "tek-zence.yaml"


def count(reg: Register, table: Any) -> int:
    with reg.engine.connect() as c:
        return int(c.execute(select(func.count()).select_from(table)).scalar_one())


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def customers(n: int, start: int = 0) -> list[dict[str, Any]]:
    """n customers of four rows each: subject, profile, bookkeeping record, subject event."""
    rows: list[dict[str, Any]] = []
    for i in range(start, start + n):
        rows += [
            {"type": "subject", "id": f"c{i}", "kind": "customer", "email": f"c{i}@example.no",
             "customer_number": f"K-{i}"},
            {"type": "record", "subject": f"c{i}", "purpose": "customer_profile", "categories": ["user.name"],
             "payload": {"user.name": f"Kunde {i}"}, "collected": "2022-03-01",
             "events": {"purchase.made": "2022-03-01"}},
            {"type": "record", "subject": f"c{i}", "purpose": "bookkeeping", "categories": ["custom.order"],
             "payload": {"custom.order": "1 stk"}, "collected": "2022-03-01", "ref": f"ORD-{i}",
             "events": {"purchase.made": "2022-03-01"}},
            {"type": "event", "subject": f"c{i}", "event": "customer.relationship_ended",
             "date": "2023-01-01"},
        ]
    return rows


def test_the_json_lines_example_loads(reg: Register) -> None:
    report = import_file(reg, EXAMPLES / "tek-zence.jsonl")
    assert report.errors == []
    assert (report.rows, report.subjects, report.records, report.events) == (19, 6, 12, 12)
    assert (count(reg, t.subjects), count(reg, t.records), count(reg, t.identifiers)) == (6, 12, 12)


def test_the_csv_example_loads_and_merges_rows_of_one_subject(reg: Register) -> None:
    report = import_file(reg, EXAMPLES / "tek-zence.csv")
    assert report.errors == []
    assert (report.rows, report.subjects, report.records, report.events) == (7, 5, 6, 7)
    # "+47 975 27 747" and "0047 97527747" on two rows of c1 are one number of one subject
    [kari] = reg.find("phone", "975 27 747")
    assert reg.identifiers(kari)["phone"] == ["+47 *** ** 747"]
    assert reg.find("email", "KARI.NORDMANN@example.no") == [kari]
    assert {r.purpose for r in reg.read(kari)} == {"customer_profile", "bookkeeping"}


@pytest.mark.promise("TZ4")
def test_a_bad_row_is_reported_with_its_line_and_the_good_rows_go_in(reg: Register) -> None:
    report = import_file(reg, EXAMPLES / "bad-rows.jsonl")
    assert report.errors == [BadRow(3, "ref", "records of 'bookkeeping' are sealed on erasure and need "
                                    "'ref': the order or voucher number they are found by (TZ4)")]
    assert (report.subjects, report.records) == (2, 2)
    [kari] = reg.find("email", "kari.nordmann@example.no")
    assert [r.purpose for r in reg.read(kari)] == ["customer_profile"]


def test_strict_inserts_nothing_when_a_row_is_bad(reg: Register) -> None:
    report = import_file(reg, EXAMPLES / "bad-rows.jsonl", strict=True)
    assert [e.line for e in report.errors] == [3]
    assert (report.subjects, count(reg, t.subjects), count(reg, t.records)) == (0, 0, 0)


def test_each_kind_of_bad_row_names_line_field_and_reason(reg: Register, tmp_path: Path) -> None:
    rows: list[Any] = [
        {"type": "subject", "id": "ok", "kind": "customer", "email": "ok@example.no"},
        {"type": "subject", "id": "bad", "kind": "customer", "phone": "12"},
        {"type": "record", "subject": "bad", "purpose": "customer_profile", "categories": ["user.name"]},
        {"type": "record", "subject": "ok", "purpose": "marketing", "categories": ["user.name"]},
        {"type": "record", "subject": "ok", "purpose": "customer_profile", "categories": ["user.financial"]},
        {"type": "record", "subject": "ok", "purpose": "customer_service", "categories": ["user.name"],
         "source": "fax"},
        {"type": "record", "subject": "ok", "purpose": "customer_profile", "categories": ["user.name"],
         "collected": "14.03.2021"},
        {"type": "event", "subject": "ok", "event": "customer.left", "date": "2024-01-01"},
        {"type": "event", "subject": "nobody", "event": "case.closed", "date": "2024-01-01"},
        {"type": "subject", "id": "nid", "kind": "customer", "national_id": "01010012356"},
        {"type": "subject", "id": "x", "kind": "customer", "emial": "x@example.no"},
    ]
    path = write_jsonl(tmp_path / "rows.jsonl", rows)
    with path.open("a") as f:
        f.write("{not json\n")
    report = import_file(reg, path)
    assert [(e.line, e.field) for e in report.errors] == [
        (2, "phone"), (3, "subject"), (4, "purpose"), (5, "categories"), (6, "source"), (7, "collected"),
        (8, "event"), (9, "subject"), (10, "national_id"), (11, "emial"), (12, "-")]
    reasons = {e.line: e.reason for e in report.errors}
    assert "'marketing' is not a purpose of this policy" in reasons[4]
    assert "does not collect 'user.financial'" in reasons[5]
    assert "TP14" in reasons[10]
    assert report.subjects == 1 and count(reg, t.records) == 0


def test_a_consent_based_purpose_needs_a_consent_on_the_row(open_register: Callable[[str], Register],
                                                            tmp_path: Path) -> None:
    reg = open_register("tp-ecommerce")
    record = {"type": "record", "subject": "v", "purpose": "contact_form", "categories": ["user.name"],
              "payload": {"user.name": "Vera"}, "collected": "2025-01-02"}
    path = write_jsonl(tmp_path / "c.jsonl", [
        {"type": "subject", "id": "v", "kind": "visitor", "email": "vera@example.no"}, record,
        {"type": "subject", "id": "w", "kind": "visitor", "email": "wenche@example.no"},
        {**record, "subject": "w", "consent": {"method": "web_form", "given": "2025-01-02"}}])
    report = import_file(reg, path)
    assert [(e.line, e.field) for e in report.errors] == [(2, "consent")]
    assert "Art. 6(1)(a)" in report.errors[0].reason
    assert (report.records, report.consents, count(reg, t.consents)) == (1, 1, 1)


def test_imported_retention_equals_what_write_computes(reg: Register) -> None:
    lines = [json.loads(x) for x in (EXAMPLES / "tek-zence.jsonl").read_text().splitlines()]
    refs = {r["id"]: reg.add_subject(r["kind"]) for r in lines if r["type"] == "subject"}
    for r in lines:
        if r["type"] == "record":
            reg.write(refs[r["subject"]], r["purpose"], r["categories"], r["payload"],
                      source=r.get("source", "subject"), collected=date.fromisoformat(r["collected"]),
                      ref=r.get("ref"),
                      events={k: date.fromisoformat(v) for k, v in r.get("events", {}).items()})
        elif r["type"] == "event":
            reg.record_event(r["event"], date.fromisoformat(r["date"]), subject=refs[r["subject"]])
    written = set(refs.values())
    assert import_file(reg, EXAMPLES / "tek-zence.jsonl").errors == []
    with reg.engine.connect() as c:
        rows = c.execute(select(t.subjects.c.ref, t.records.c.purpose, t.records.c.collected_at,
                                t.records.c.ref, t.records.c.retention_until)
                         .join(t.records, t.records.c.subject_id == t.subjects.c.id)).all()
    by_write = sorted(tuple(r[1:]) for r in rows if r[0] in written)
    by_import = sorted(tuple(r[1:]) for r in rows if r[0] not in written)
    assert by_import == by_write and len(by_import) == 12
    assert any(r[-1] is not None for r in by_import)


def test_import_is_set_based(open_register: Callable[[str], Register], tmp_path: Path) -> None:
    reg = open_register("tek-zence")
    small = write_jsonl(tmp_path / "small.jsonl", customers(25))  # 100 rows
    large = write_jsonl(tmp_path / "large.jsonl", customers(250, start=100))  # 1000 rows
    larger = write_jsonl(tmp_path / "larger.jsonl", customers(250, start=1000))
    reg.add_subject("customer")  # the audit trail's first entry costs three more statements (no head yet)
    with reg.trace() as q100:
        assert import_file(reg, small, batch=1000).records == 50
    with reg.trace() as q1000:
        assert import_file(reg, large, batch=1000).records == 500
    assert len(q1000) == len(q100)  # the same statements, whatever the row count
    with reg.trace() as batched:
        assert import_file(reg, larger, batch=25).records == 500  # ten batches
    assert len(batched) <= 10 * len(q100)


def test_cli_imports_and_prints_bad_rows_as_file_line_field_reason(db_url: str,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PERSONVERN_MASTER_KEY", base64.b64encode(bytes(range(32))).decode())
    bad = EXAMPLES / "bad-rows.jsonl"
    result = CliRunner().invoke(app, ["import", str(bad), "--policy", str(POLICY), "--db", db_url])
    assert result.exit_code == 1
    assert f"{bad}:3: ref: records of 'bookkeeping' are sealed on erasure" in result.stderr
    assert "5 rows read; 2 subjects, 2 records, 2 events inserted; bad rows: 1" in result.stdout


def test_cli_creates_a_master_key_beside_a_new_sqlite_file(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PERSONVERN_MASTER_KEY", raising=False)
    monkeypatch.delenv("PERSONVERN_MASTER_KEY_FILE", raising=False)
    db = tmp_path / "new.db"
    args = ["import", str(EXAMPLES / "tek-zence.csv"), "--policy", str(POLICY), "--db", f"sqlite:///{db}",
            "--batch", "2"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.stderr
    key = tmp_path / "new.db.key"
    assert f"created master key {key}" in result.stderr
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    again = CliRunner().invoke(app, args)  # the key is read back; the customers are already there
    assert again.exit_code == 1 and "already belongs to a subject in the register" in again.stderr


def test_rows_in_any_order_still_make_whole_subjects_across_batches(reg: Register, tmp_path: Path) -> None:
    """docs/import.md: lines may come in any order. The import streams in batches (issue 13), so a subject
    is inserted once its last row is read, wherever its rows are."""
    rows = customers(6)
    shuffled = rows[1::4] + rows[3::4] + rows[0::4] + rows[2::4]  # records and events before their subjects
    report = import_file(reg, write_jsonl(tmp_path / "any-order.jsonl", shuffled), batch=2)
    assert report.errors == [] and (report.subjects, report.records, report.events) == (6, 12, 18)
    with reg.engine.connect() as c:
        per_subject = c.execute(select(t.records.c.subject_id, func.count()).group_by(t.records.c.subject_id)).all()
    assert sorted(n for _, n in per_subject) == [2] * 6


def test_strict_rolls_back_earlier_batches_when_a_late_row_is_bad(reg: Register, tmp_path: Path) -> None:
    rows = customers(6)
    rows[-2] = {**rows[-2], "purpose": "no_such_purpose"}
    report = import_file(reg, write_jsonl(tmp_path / "late-bad.jsonl", rows), strict=True, batch=2)
    assert [(e.line, e.field) for e in report.errors] == [(23, "purpose")]
    assert (report.subjects, count(reg, t.subjects), count(reg, t.records)) == (0, 0, 0)


def test_an_identifier_given_twice_in_one_file_is_refused_the_second_time(reg: Register, tmp_path: Path) -> None:
    rows = customers(4)
    rows[12] = {**rows[12], "email": "c0@example.no"}  # c3 gives c0's address
    report = import_file(reg, write_jsonl(tmp_path / "twice.jsonl", rows), batch=2)
    assert [(e.line, e.field) for e in report.errors][:1] == [(13, "email")]
    assert count(reg, t.subjects) == 3


def test_memory_of_an_import_does_not_grow_with_the_file(reg: Register, tmp_path: Path) -> None:
    """Streaming (issue 13): the import keeps one batch, not the file. Before, every row stayed in memory
    (about 7 kB more peak per customer of the file); now what grows with the file is one int per subject."""
    import tracemalloc

    def peak(n: int, start: int) -> int:
        path = write_jsonl(tmp_path / f"c{n}.jsonl", customers(n, start=start))
        tracemalloc.start()
        try:
            assert import_file(reg, path, batch=50).subjects == n
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    peak(50, 10_000)  # warm: caches of the policy, SQLAlchemy's compiled statements
    small, large = peak(400, 0), peak(1600, 1000)
    assert (large - small) / 1200 < 1500, (small, large)  # bytes per customer more
