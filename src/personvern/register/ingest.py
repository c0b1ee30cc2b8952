"""Import a business's existing customers: subjects, their records per purpose and lifecycle events.

    report = import_file(reg, "customers.jsonl", strict=False, batch=1000)

Two formats (docs/import.md): JSON Lines, one object per line with ``"type"`` subject, record or event; and
CSV with one row per record. Every row gets the checks a ``Register.write`` gets (identifiers, subject kind,
purpose, categories, source, consent, seal reference) before its subject is written; a bad row is reported
as ``(line, field, reason)`` and the good rows go in, or with ``strict`` nothing goes in. A subject whose
identifier is already in the register, or given by an earlier subject of the file, is refused (an import run
twice does not double the customers).

The file is streamed (issue 13): a first pass keeps one int per subject (where its rows end), the second
checks and inserts subjects in batches as their last row is read, so memory holds a batch, not the file.
Inserts are set-based: per batch one transaction, one statement per table (``COPY`` on PostgreSQL, see
``register/_bulk.py``), retention computed from the facts in the file as ``records.recompute`` would.
"""

from __future__ import annotations

import csv
import itertools
import json
import uuid
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import Connection, insert, select

from personvern.audit import AuditEvent, RecordWritten, SubjectCreated
from personvern.audit.register_events import RecordsImported
from personvern.errors import ConsentRequired, RegisterError
from personvern.policy import taxonomy
from personvern.policy.retention import Facts, retention_end
from personvern.register import holds, records
from personvern.register import schema as t
from personvern.register._bulk import insert_rows
from personvern.register._import_read import check_row, delimiter_of, encoding_of, lines, parse_json
from personvern.register.crypto import encrypt
from personvern.register.hooks import Occurred, run_event_hooks_many
from personvern.register.identifiers import KINDS, Identifier

if TYPE_CHECKING:
    from personvern.register.store import Register

Progress = Callable[[int, int], None]  # (rows done, rows in total), called after each batch
Raw = dict[str, Any]
FIELDS = {"subject": {"type", "id", "kind", "national_id_purpose", *KINDS},
          "record": {"type", "subject", "purpose", "categories", "payload", "collected", "source", "ref",
                     "events", "consent"},
          "event": {"type", "subject", "event", "date"}}
CSV_COLUMNS = {"subject", "kind", "national_id_purpose", *KINDS, "purpose", "categories", "collected",
               "source", "ref", "consent.method", "consent.given"}
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
    purpose: str
    categories: list[str]
    payload: dict[str, Any] | None
    collected: date
    source: str
    ref: str | None
    events: dict[str, date]
    consent: tuple[str, date] | None
    line: int = 0


@dataclass
class _Subject:
    key: str
    line: int
    kind: str | None = None
    raw: list[tuple[int, str, Any]] = field(default_factory=list)  # (line, identifier kind, value)
    national_id_purpose: str | None = None
    refused: bool = False
    lines: set[int] = field(default_factory=set)
    record_rows: list[tuple[int, Raw]] = field(default_factory=list)
    event_rows: list[tuple[int, Raw]] = field(default_factory=list)
    idents: dict[bytes, Identifier] = field(default_factory=dict)  # by lookup hash: one per value
    records: list[_Record] = field(default_factory=list)
    events: list[tuple[str, date]] = field(default_factory=list)


def import_file(reg: Register, path: str | Path, *, strict: bool = False, batch: int = 1000,
                progress: Progress | None = None, encoding: str | None = None,
                ignore_unknown: bool = False) -> ImportReport:
    """Load a CSV or JSON Lines file into the register; see the module docstring. ``encoding`` overrides the
    detected one (``_import_read.encoding_of``); unknown columns or fields refuse the file (CSV) or the row
    (JSON Lines) unless ``ignore_unknown``.

    The file is streamed: a first pass notes the last line of each subject, the second checks and inserts
    subjects in batches as soon as their last row is read, so memory holds one batch, not the file (issue
    13). With ``strict`` every batch runs in one transaction that is rolled back if any row was bad."""
    path = Path(path)
    report = ImportReport()
    index = _index(path, encoding, ignore_unknown)
    done = 0
    try:
        with reg.transaction() if strict else nullcontext(None) as whole:
            for chunk in _batches(_read(path, report, encoding, ignore_unknown), index, report, max(batch, 1)):
                if whole is not None:
                    _load(reg, whole, chunk, report, insert_rows=not report.errors)
                else:
                    with reg.transaction() as conn:
                        _load(reg, conn, chunk, report, insert_rows=True)
                done += sum(len(s.lines) for s in chunk)
                if progress:
                    progress(done, index.rows)
            if strict and report.errors:
                raise _Rollback
    except _Rollback:
        report.subjects = report.records = report.events = report.consents = 0
    report.errors.sort()
    return report


class _Rollback(Exception):
    """A strict import found a bad row: nothing of the file goes in."""


@dataclass
class _Index:
    """Per subject key its last row (the n-th row read; a CSV line gives several), times two, plus one when the
    file has a subject row for it: one int per subject is all the import keeps of the whole file."""

    last: dict[str, int]
    rows: int

    def ends(self, key: str, n: int) -> bool:
        return self.last.get(key, -1) >> 1 == n

    def has_subject(self, key: str) -> bool:
        return bool(self.last.get(key, 0) & 1)


def _index(path: Path, encoding: str | None = None, ignore_unknown: bool = False) -> _Index:
    """First pass: where each subject's rows end, so the second pass can insert it then (rows in any order)."""
    index = _Index({}, 0)
    previous = 0
    for n, (line, row) in enumerate(_read(path, ImportReport(), encoding, ignore_unknown)):
        index.rows += line != previous  # a CSV line gives several rows: count it once
        previous = line
        is_subject = row["type"] == "subject"
        key = str(row.get("id" if is_subject else "subject") or "")
        index.last[key] = n << 1 | (index.last.get(key, 0) & 1) | is_subject
    return index


# -- reading: both formats become (line, row) in the JSON Lines shape -----------------------------------

def _read(path: Path, report: ImportReport, encoding: str | None = None,
          ignore_unknown: bool = False) -> Iterator[tuple[int, Raw]]:
    """Rows of either format, each checked by ``_import_read`` (encoding, NUL, lengths, depth, shapes)."""
    def bad(line: int, field: str, reason: str) -> None:
        report.errors.append(BadRow(line, field, reason))

    text = lines(path, encoding_of(path, encoding), bad)
    rows = _csv_rows(text, report, ignore_unknown) if path.suffix.lower() == ".csv" else _json_rows(
        text, report, ignore_unknown)
    for line, row in rows:
        problem = check_row(row)
        if problem is not None:
            bad(line, *problem)
            continue
        yield line, row


def _json_rows(text: Iterator[str], report: ImportReport, ignore_unknown: bool) -> Iterator[tuple[int, Raw]]:
    for line, chunk in enumerate(text, start=1):
        if not chunk.strip():
            continue
        report.rows += 1
        try:
            row = parse_json(chunk)
        except json.JSONDecodeError as exc:
            report.errors.append(BadRow(line, "-", f"not JSON: {exc.msg} (column {exc.colno})"))
            continue
        except ValueError as exc:
            report.errors.append(BadRow(line, "-", str(exc)))
            continue
        if not isinstance(row, dict) or row.get("type") not in FIELDS:
            report.errors.append(BadRow(line, "type", "each line is an object with type subject, record "
                                        "or event"))
            continue
        if unknown := sorted(set(row) - FIELDS[row["type"]]):
            if not ignore_unknown:
                report.errors.append(BadRow(line, unknown[0], f"unknown field for a {row['type']} row "
                                            "(--ignore-unknown skips unknown fields)"))
                continue
            row = {k: v for k, v in row.items() if k in FIELDS[row["type"]]}
        yield line, row


def _known_column(col: str) -> bool:
    return col in CSV_COLUMNS or col.startswith(CSV_PREFIXES)


def _csv_rows(text: Iterator[str], report: ImportReport, ignore_unknown: bool = False) -> Iterator[tuple[int, Raw]]:
    first = next(text, "")
    reader = csv.reader(itertools.chain([first], text), delimiter=delimiter_of(first, _known_column))
    header: list[str] = [c.strip() for c in next(reader, [])]
    unknown = [col for col in header if not _known_column(col)]
    if unknown and not ignore_unknown:  # a column that would be dropped silently: refuse the file
        report.errors += [BadRow(1, col, "unknown column: nothing is imported (rename it, or pass "
                                         "--ignore-unknown to leave it out)") for col in unknown]
        return
    header = [col if _known_column(col) else "" for col in header]
    line = reader.line_num
    for values in reader:
        start, line = line + 1, reader.line_num
        if not any(v.strip() for v in values):
            continue
        report.rows += 1
        if any(v.strip() for v in values[len(header):]):  # a value with no column: never dropped silently
            report.errors.append(BadRow(start, "-", f"{len(values)} fields but {len(header)} columns"))
            continue
        row = {k: v.strip() for k, v in zip(header, values, strict=False) if k and v.strip()}
        key = row.get("subject", "")
        yield start, {"type": "subject", "id": key, **{k: row[k] for k in row if k in FIELDS["subject"]
                                                       and k != "subject"}}
        if "purpose" in row:
            consent = {k[8:]: row[k] for k in ("consent.method", "consent.given") if k in row}
            yield start, {"type": "record", "subject": key, "purpose": row["purpose"],
                          "categories": [c.strip() for c in row.get("categories", "").split(";") if c],
                          "payload": {k[5:]: v for k, v in row.items() if k.startswith("data.")} or None,
                          "events": {k[6:]: v for k, v in row.items() if k.startswith("event.")},
                          "consent": consent or None,
                          **{k: row[k] for k in ("collected", "source", "ref") if k in row}}
        for k, v in row.items():
            if k.startswith("subject_event."):
                yield start, {"type": "event", "subject": key, "event": k[14:], "date": v}


def _batches(rows: Iterator[tuple[int, Raw]], index: _Index, report: ImportReport,
             size: int) -> Iterator[list[_Subject]]:
    """Group rows by subject (rows with the same id are one subject, their identifiers merged) and yield
    batches of ``size`` subjects whose last row has been read."""
    pending: dict[str, _Subject] = {}
    ready: list[_Subject] = []
    for n, (line, row) in enumerate(rows):
        if row["type"] == "subject":
            key = str(row.get("id") or "")
            if not key:
                report.errors.append(BadRow(line, "id", "a subject needs an id"))
                continue
            _merge(pending.setdefault(key, _Subject(key, line)), line, row, report)
        else:
            key = str(row.get("subject") or "")
            if not index.has_subject(key):
                report.errors.append(BadRow(line, "subject", f"no subject '{row.get('subject', '')}' in this file"))
                continue
            s = pending.setdefault(key, _Subject(key, 0))
            (s.record_rows if row["type"] == "record" else s.event_rows).append((line, row))
            s.lines.add(line)
        if index.ends(key, n):
            ready.append(pending.pop(key))
            if len(ready) >= size:
                yield ready
                ready = []
    if ready:
        yield ready


def _merge(s: _Subject, line: int, row: Raw, report: ImportReport) -> None:
    """A subject row into its subject: the first row gives the line errors about the subject name."""
    s.line = s.line or line
    s.lines.add(line)
    if row.get("kind") and s.kind and row["kind"] != s.kind:
        report.errors.append(BadRow(line, "kind", f"subject '{s.key}' is '{s.kind}' on line {s.line}"))
        s.refused = True
    s.kind = s.kind or row.get("kind")
    s.national_id_purpose = s.national_id_purpose or row.get("national_id_purpose")
    for kind in KINDS:
        if kind in row:
            value = row[kind]
            s.raw += [(line, kind, v) for v in (value if isinstance(value, list) else [value])]


# -- validation: the register's own checks, row by row -------------------------------------------------------

def _load(reg: Register, conn: Connection, chunk: list[_Subject], report: ImportReport, *,
          insert_rows: bool) -> None:
    """Check one batch of subjects and insert the good ones in the caller's transaction."""
    first_error = len(report.errors)
    for s in chunk:
        _check_subject(reg, s, report)
    _refuse_known(reg, conn, [s for s in chunk if not s.refused], report)
    good, reported = [], {e.line for e in report.errors[first_error:]}
    for s in chunk:
        if s.refused:
            lines = {line for line, _ in s.record_rows + s.event_rows} - reported
            report.errors += [BadRow(line, "subject", f"subject '{s.key}' (line {s.line}) was refused")
                              for line in sorted(lines)]
            continue
        _check_rows(reg, s, report)
        good.append(s)
    _refuse_objected(reg, conn, good, report)
    if good and insert_rows:
        _insert(reg, conn, good, report)


def _check_subject(reg: Register, s: _Subject, report: ImportReport) -> None:
    if s.kind not in taxonomy.subjects(reg.policy):
        reason = f"unknown subject kind '{s.kind}' for this policy" if s.kind else "a subject needs a kind"
        report.errors.append(BadRow(s.line, "kind", reason))
        s.refused = True
    for line, kind, value in s.raw:
        text = str(value) if isinstance(value, int | float) else value if isinstance(value, str) else ""
        try:
            for ident in reg.parse_identifiers({kind: text}, s.national_id_purpose):
                s.idents.setdefault(reg.keys.lookup(ident.kind, ident.value), ident)
        except RegisterError as exc:
            report.errors.append(_bad(line, exc, kind))
            s.refused = True


def _refuse_known(reg: Register, conn: Connection, subjects: list[_Subject], report: ImportReport) -> None:
    """Refuse subjects with an identifier already in the register (imported before, or earlier in this
    file): one SELECT per batch."""
    owner: dict[bytes, _Subject] = {}
    for s in subjects:
        for lookup, ident in s.idents.items():
            first = owner.setdefault(lookup, s)
            if first is not s and not s.refused:
                report.errors.append(BadRow(s.line, ident.kind, f"{ident.kind} is also given for subject "
                                            f"'{first.key}' (line {first.line})"))
                s.refused = True
    if not owner:
        return
    found = conn.execute(select(t.identifiers.c.lookup).where(t.identifiers.c.lookup.in_(list(owner)))).scalars()
    for lookup in found:
        s = owner[bytes(lookup)]
        if not s.refused:
            kind = s.idents[bytes(lookup)].kind
            report.errors.append(BadRow(s.line, kind, f"{kind} already belongs to a subject in the "
                                        "register (imported before?)"))
            s.refused = True


def _refuse_objected(reg: Register, conn: Connection, subjects: list[_Subject], report: ImportReport) -> None:
    """Art. 21(3): records under a marketing purpose of a person who objected to direct marketing are refused
    with the single write's reason (``register.holds``, the rule's one home): one SELECT per batch, for the
    e-mail addresses of subjects that bring marketing records."""
    marketing = {p.key for p in reg.policy.purposes if p.marketing is not None}
    asking = [s for s in subjects if any(r.purpose in marketing for r in s.records)]
    wanted = {lookup for s in asking for lookup, i in s.idents.items() if i.kind in holds.OBJECTED_KINDS}
    found = holds.marketing_objections(conn, wanted) if wanted else {}
    for s in asking:
        barred: set[str | None] = set().union(*(found.get(lookup, set()) for lookup in s.idents))
        if not barred:
            continue
        refused = [r for r in s.records if r.purpose in marketing and holds.objected(barred, r.purpose)]
        report.errors += [BadRow(r.line, "purpose", holds.marketing_refusal(r.purpose)) for r in refused]
        s.records = [r for r in s.records if r not in refused]


def _check_rows(reg: Register, s: _Subject, report: ImportReport) -> None:
    assert s.kind is not None
    consented = {row.get("purpose") for _, row in s.record_rows if row.get("consent")}
    for line, row in s.record_rows:
        try:
            s.records.append(_record(reg, s.kind, row, consented, line))
        except RegisterError as exc:
            report.errors.append(_bad(line, exc, "record"))
    for line, row in s.event_rows:
        try:
            s.events.append((_event(reg, row.get("event"), "event"), _date(row.get("date"), "date")))
        except RegisterError as exc:
            report.errors.append(_bad(line, exc, "event"))


def _record(reg: Register, kind: str, row: Raw, consented: set[Any], line: int = 0) -> _Record:
    payload = row.get("payload") or None
    if payload is not None and not isinstance(payload, dict):
        raise RegisterError("an object of category: value", field="payload")
    cats = row.get("categories") or sorted(payload or {})
    if not isinstance(cats, list) or not cats or not all(isinstance(c, str) for c in cats):
        raise RegisterError("a record names at least one category", field="categories")
    purpose = str(row.get("purpose") or "")
    p = records.purpose_for_write(reg, purpose, cats, kind)
    source = str(row.get("source") or "subject")
    records.check_source(reg, p, source)
    for key in payload or {}:
        if not taxonomy.covers(key, set(cats)):
            raise RegisterError(f"'{key}' is not among the record's categories", field=f"payload.{key}")
    if p.on_erasure == "seal" and not row.get("ref"):
        raise RegisterError(f"records of '{purpose}' are sealed on erasure and need 'ref': the order or "
                            "voucher number they are found by (TZ4)", field="ref")
    consent = _consent(row.get("consent"))
    if p.legal_basis.article == "a" and purpose not in consented:
        raise ConsentRequired(f"purpose '{purpose}' is based on consent (Art. 6(1)(a)): give the row a "
                              "consent with method and date", field="consent")
    events = row.get("events") or {}
    if not isinstance(events, dict):
        raise RegisterError("an object of event: date", field="events")
    on = {_event(reg, k, f"events.{k}"): _date(v, f"events.{k}") for k, v in events.items()}
    collected = _date(row.get("collected"), "collected", reg.today())
    ref = str(row["ref"]) if row.get("ref") else None
    return _Record(purpose, sorted(cats), payload, collected, source, ref, on, consent, line)


def _consent(raw: Any) -> tuple[str, date] | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or not isinstance(raw.get("method"), str) or not raw["method"]:
        raise RegisterError("a consent is {\"method\": ..., \"given\": date}", field="consent")
    return raw["method"], _date(raw.get("given"), "consent.given")


def _event(reg: Register, name: Any, where: str) -> str:
    if name not in reg.policy.events:
        known = ", ".join(reg.policy.events) or "none declared"
        raise RegisterError(f"unknown event '{name}'; the policy declares: {known}", field=where)
    return str(name)


def _date(value: Any, where: str, default: date | None = None) -> date:
    if value in (None, "") and default is not None:
        return default
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise RegisterError(f"not a date (YYYY-MM-DD): {value!r}", field=where) from None


def _bad(line: int, exc: RegisterError, default: str) -> BadRow:
    return BadRow(line, exc.field or default, str(exc).removeprefix(f"{exc.field}: "))


# -- inserting: one transaction per batch, one statement per table ---------------------------------------

def _insert(reg: Register, conn: Connection, chunk: list[_Subject], report: ImportReport) -> None:
    now, today = reg.clock(), reg.today()
    # ids are read back by ref rather than by RETURNING: SQLite executes an ordered RETURNING row by row
    refs = [str(uuid.uuid4()) for _ in chunk]
    activity = [_last_activity(s, today) for s in chunk]
    insert_rows(reg, conn, t.subjects, ("ref", "kind", "created_at", "last_activity"),
                [(ref, s.kind, now, on) for ref, s, on in zip(refs, chunk, activity, strict=True)])
    sc = t.subjects.c
    ids = dict(conn.execute(select(sc.ref, sc.id).where(sc.ref.in_(refs))).all())
    sids = [int(ids[ref]) for ref in refs]
    keys = reg.keys.create_subject_keys(conn, sids)
    idents: list[tuple[Any, ...]] = []
    recs: list[tuple[Any, ...]] = []
    evs: list[tuple[Any, ...]] = []
    consents: dict[tuple[int, str, str, date], None] = {}
    for sid, s, on in zip(sids, chunk, activity, strict=True):
        key = keys[sid]
        idents += [(sid, i.kind, lookup, encrypt(key, i.value.encode(), i.kind.encode()), i.masked,
                    s.national_id_purpose if i.kind == "national_id" else None) for lookup, i in s.idents.items()]
        lived = _latest(s.events)
        recs += [(sid, r.purpose, r.categories, r.source, records.payload_blob(key, r.payload), "active",
                  r.collected, _retention(reg, r, lived, on), r.ref, now) for r in s.records]
        evs += [(sid, None, n, d, now) for n, d in s.events]
        consents.update({(sid, r.purpose, *r.consent): None for r in s.records if r.consent})
    written = _insert_records(reg, conn, sids, chunk, recs, evs, now)
    insert_rows(reg, conn, t.identifiers, ("subject_id", "kind", "lookup", "value", "masked", "purpose"), idents)
    insert_rows(reg, conn, t.events, ("subject_id", "record_id", "event", "occurred_on", "recorded_at"), evs)
    if consents:
        conn.execute(insert(t.consents), [
            {"subject_id": sid, "purpose": purpose, "channel": None, "method": method, "text_hash": None,
             "given_at": datetime.combine(given, time(), UTC), "policy_version": reg.policy.policy.version,
             "actor": "import"} for sid, purpose, method, given in consents])
    reg.audit(conn, *_import_events(refs, sids, chunk, written, len(recs), len(evs), len(consents)))
    # what record_event does for one event, for the batch: TZ6 deletion instructions and add-on hooks
    run_event_hooks_many(reg, conn, [Occurred(e[2], e[0], e[1]) for e in evs])
    report.subjects += len(sids)
    report.records += len(recs)
    report.events += len(evs)
    report.consents += len(consents)


def _insert_records(reg: Register, conn: Connection, sids: list[int], chunk: list[_Subject],
                    recs: list[tuple[Any, ...]], evs: list[tuple[Any, ...]], now: datetime) -> dict[int, list[int]]:
    """Insert the records; add their events to ``evs``; returns the record ids per subject."""
    if not recs:
        return {}
    insert_rows(reg, conn, t.records, ("subject_id", "purpose", "categories", "source", "payload", "state",
                                       "collected_at", "retention_until", "ref", "updated_at"), recs)
    # the subjects are new: their records' ids, in id order, are the rows just inserted, in order
    rids = conn.execute(select(t.records.c.id, t.records.c.subject_id).where(
        t.records.c.subject_id.in_(sids)).order_by(t.records.c.subject_id, t.records.c.id)).all()
    by_id = sorted(zip(sids, chunk, strict=True), key=lambda x: x[0])
    in_id_order = (r for _, s in by_id for r in s.records)
    evs += [(sid, rid, n, on, now) for (rid, sid), r in zip(rids, in_id_order, strict=True)
            for n, on in r.events.items()]
    written: dict[int, list[int]] = {}
    for rid, sid in rids:
        written.setdefault(sid, []).append(int(rid))
    return written


def _latest(events: list[tuple[str, date]]) -> dict[str, date]:
    out: dict[str, date] = {}
    for name, on in events:
        out[name] = max(on, out.get(name, on))
    return out


def _retention(reg: Register, r: _Record, subject_events: dict[str, date], activity: date) -> date | None:
    """``retention_until`` as ``records.recompute`` computes it, from the facts in the file (no reads)."""
    purpose = reg.policy.purpose(r.purpose)
    if purpose is None or purpose.retention is None:
        return None
    return retention_end(purpose.retention, Facts(r.collected, {**subject_events, **r.events}, activity))


def _import_events(refs: list[str], sids: list[int], chunk: list[_Subject], written: dict[int, list[int]],
                   n_records: int, n_events: int, n_consents: int) -> list[AuditEvent]:
    """The batch's audit entries (Art. 5(2)): each subject created and its records written, then the counts;
    appended with one ``append_many`` per batch, whatever its size."""
    events: list[AuditEvent] = []
    for ref, sid, s in zip(refs, sids, chunk, strict=True):
        events.append(SubjectCreated(subject_ref=ref, purpose=s.national_id_purpose, kind=str(s.kind)))
        if sid in written:
            events.append(RecordWritten(subject_ref=ref, record_ids=tuple(written[sid]), change="imported"))
    counts = {"subjects": len(sids), "records": n_records, "events": n_events, "consents": n_consents}
    return [*events, RecordsImported(counts=counts)]


def _last_activity(s: _Subject, today: date) -> date:
    """The latest dated fact of the subject in the file (not today: an old customer is not a new one)."""
    dates = [d for r in s.records for d in (r.collected, *r.events.values())] + [on for _, on in s.events]
    return max((d for d in dates if d <= today), default=today)
