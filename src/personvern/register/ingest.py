"""Import a business's existing customers: subjects, their records per purpose and lifecycle events.

    report = import_file(reg, "customers.jsonl", strict=False, batch=1000)

Two formats (docs/import.md): JSON Lines, one object per line with ``"type"`` subject, record or event; and
CSV with one row per record. Every row gets the checks a ``Register.write`` gets (identifiers, subject kind,
purpose, categories, source, consent, seal reference) before anything is written; a bad row is reported as
``(line, field, reason)`` and the good rows go in, or with ``strict`` nothing goes in. A subject whose
identifier is already in the register is refused (an import run twice does not double the customers).
Inserts are set-based: per batch of subjects one transaction, one executemany per table, one ``recompute``.
"""

from __future__ import annotations

import csv
import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import Connection, insert, select

from personvern.errors import ConsentRequired, RegisterError
from personvern.policy import taxonomy
from personvern.register import records
from personvern.register import schema as t
from personvern.register.crypto import encrypt
from personvern.register.identifiers import KINDS, Identifier

if TYPE_CHECKING:
    from personvern.register.store import Register

Progress = Callable[[int, int], None]  # (rows done, rows in total), called after each batch
Raw = dict[str, Any]
FIELDS = {"subject": {"type", "id", "kind", "national_id_purpose", *KINDS},
          "record": {"type", "subject", "purpose", "categories", "payload", "collected", "source", "ref",
                     "events", "consent"},
          "event": {"type", "subject", "event", "date"}}
CSV_COLUMNS = {"subject", "kind", "national_id_purpose", *KINDS, "purpose", "categories", "collected", "source",
               "ref", "consent.method", "consent.given"}
CSV_PREFIXES = ("data.", "event.", "subject_event.")


class BadRow(NamedTuple):
    line: int
    field: str
    reason: str


@dataclass
class ImportReport:
    rows: int = 0
    subjects: int = 0
    records: int = 0
    events: int = 0
    consents: int = 0
    errors: list[BadRow] = field(default_factory=list)


@dataclass
class _Record:
    line: int
    purpose: str
    categories: list[str]
    payload: dict[str, Any] | None
    collected: date
    source: str
    ref: str | None
    events: dict[str, date]
    consent: tuple[str, date] | None


@dataclass
class _Subject:
    key: str
    line: int
    kind: str | None = None
    raw: dict[str, list[Any]] = field(default_factory=dict)
    national_id_purpose: str | None = None
    lines: set[int] = field(default_factory=set)
    record_rows: list[tuple[int, Raw]] = field(default_factory=list)
    event_rows: list[tuple[int, Raw]] = field(default_factory=list)
    idents: list[Identifier] = field(default_factory=list)
    records: list[_Record] = field(default_factory=list)
    events: list[tuple[str, date]] = field(default_factory=list)


def import_file(reg: Register, path: str | Path, *, strict: bool = False, batch: int = 1000,
                progress: Progress | None = None) -> ImportReport:
    """Load a CSV or JSON Lines file into the register; see the module docstring."""
    report = ImportReport()
    subjects = _assemble(_read(Path(path), report), report)
    good = _validate(reg, subjects, report)
    report.errors.sort()
    if strict and report.errors:
        return report
    total, done = sum(len(s.lines) for s in good), 0
    for start in range(0, len(good), max(batch, 1)):
        chunk = good[start:start + max(batch, 1)]
        with reg.transaction() as conn:
            _insert(reg, conn, chunk, report)
        done += sum(len(s.lines) for s in chunk)
        if progress:
            progress(done, total)
    return report


# -- reading: both formats become (line, row) with the JSON Lines shape ---------------------------------------

def _read(path: Path, report: ImportReport) -> Iterator[tuple[int, Raw]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        if path.suffix.lower() == ".csv":
            yield from _csv_rows(csv.reader(f), report)
            return
        for line, text in enumerate(f, start=1):
            if not text.strip():
                continue
            report.rows += 1
            try:
                row = json.loads(text)
            except json.JSONDecodeError as exc:
                report.errors.append(BadRow(line, "-", f"not JSON: {exc.msg} (column {exc.colno})"))
                continue
            if not isinstance(row, dict) or row.get("type") not in FIELDS:
                report.errors.append(BadRow(line, "type", "each line is an object with type subject, record "
                                            "or event"))
                continue
            if unknown := sorted(set(row) - FIELDS[row["type"]]):
                report.errors.append(BadRow(line, unknown[0], f"unknown field for a {row['type']} row"))
                continue
            yield line, row


def _csv_rows(reader: Any, report: ImportReport) -> Iterator[tuple[int, Raw]]:
    header = next(reader, [])
    for col in header:
        if col not in CSV_COLUMNS and not col.startswith(CSV_PREFIXES):
            report.errors.append(BadRow(1, col, "unknown column"))
    line = reader.line_num
    for values in reader:
        start, line = line + 1, reader.line_num
        if not any(v.strip() for v in values):
            continue
        report.rows += 1
        row = {k: v.strip() for k, v in zip(header, values, strict=False) if v.strip()}
        key = row.get("subject", "")
        yield start, {"type": "subject", "id": key, **{k: row[k] for k in row if k in FIELDS["subject"]
                                                       and k != "subject"}}
        if "purpose" in row:
            consent = {k[8:]: row[k] for k in ("consent.method", "consent.given") if k in row}
            yield start, {"type": "record", "subject": key, "purpose": row["purpose"],
                          "categories": [c.strip() for c in row.get("categories", "").split(";") if c.strip()],
                          "payload": {k[5:]: v for k, v in row.items() if k.startswith("data.")} or None,
                          "events": {k[6:]: v for k, v in row.items() if k.startswith("event.")},
                          "consent": consent or None,
                          **{k: row[k] for k in ("collected", "source", "ref") if k in row}}
        for k, v in row.items():
            if k.startswith("subject_event."):
                yield start, {"type": "event", "subject": key, "event": k[14:], "date": v}


def _assemble(rows: Iterator[tuple[int, Raw]], report: ImportReport) -> list[_Subject]:
    """Group rows by subject: rows with the same id are one subject, their identifiers merged."""
    subjects: dict[str, _Subject] = {}
    pending: list[tuple[int, Raw]] = []
    for line, row in rows:
        if row["type"] != "subject":
            pending.append((line, row))
            continue
        key = str(row.get("id") or "")
        if not key:
            report.errors.append(BadRow(line, "id", "a subject needs an id"))
            continue
        s = subjects.setdefault(key, _Subject(key, line))
        s.lines.add(line)
        if row.get("kind") and s.kind and row["kind"] != s.kind:
            report.errors.append(BadRow(line, "kind", f"subject '{key}' is '{s.kind}' on line {s.line}"))
        s.kind = s.kind or row.get("kind")
        s.national_id_purpose = s.national_id_purpose or row.get("national_id_purpose")
        for kind in KINDS:
            if kind in row:
                value = row[kind]
                s.raw.setdefault(kind, []).extend(value if isinstance(value, list) else [value])
    for line, row in pending:
        found = subjects.get(str(row.get("subject") or ""))
        if found is None:
            report.errors.append(BadRow(line, "subject", f"no subject '{row.get('subject', '')}' in this file"))
            continue
        (found.record_rows if row["type"] == "record" else found.event_rows).append((line, row))
        found.lines.add(line)
    return list(subjects.values())
