"""Ingest, sweep and lookup of the register against raw SQL on the same data, in the same run.

    python3 bench/bench_register.py --n 20000 [--pg postgresql://127.0.0.1:5432/test] [--out bench/results.md]

For each engine (SQLite; PostgreSQL when ``--pg`` is given, in throw-away schemas):
  (a) ``import_file`` of N synthetic customers (bench/generate.py), validated, encrypted, retention computed;
  (b) raw SQL: the very rows (a) stored, read back as tuples, inserted into an empty copy of the schema with
      plain DB-API ``executemany`` (no validation, no encryption, no retention), one commit per batch;
  (c) ``Register.sweep`` of everything due by 2100-01-01 on the register of (a);
  (d) raw ``DELETE FROM records WHERE retention_until <= ?`` on the copy of (b);
  (e) ``Register.find("phone", ...)`` vs a raw indexed SELECT on ``identifiers(kind, lookup)`` with the hash
      computed beforehand: median of 1000 lookups of numbers as the file spells them.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).parent))
from generate import generate

from personvern.register import MasterKey, Register
from personvern.register.identifiers import normalise
from personvern.register.ingest import import_file

ROOT = Path(__file__).resolve().parent.parent
POLICY = ROOT / "examples" / "policies" / "tek-zence.yaml"
TABLES = {  # table -> columns, in foreign-key order
    "subjects": "id, ref, kind, linked_to, created_at, last_activity",
    "subject_keys": "subject_id, wrapped, master_id",
    "identifiers": "id, subject_id, kind, lookup, value, masked, purpose",
    "records": "id, subject_id, purpose, categories, source, payload, reduced, state, collected_at, "
               "retention_until, seal_ref, ref, updated_at",
    "events": "id, subject_id, record_id, event, occurred_on, recorded_at",
}
FAR = date(2100, 1, 1)


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


@contextmanager
def databases(pg: str | None, tmp: Path) -> Iterator[tuple[str, str]]:
    """Two empty databases of one engine: one for the register, one for the raw-SQL copy."""
    if pg is None:
        yield f"sqlite:///{tmp / 'register.db'}", f"sqlite:///{tmp / 'raw.db'}"
        return
    base = pg.replace("postgresql://", "postgresql+psycopg://", 1)
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    schemas = [f"bench_{uuid.uuid4().hex[:12]}" for _ in range(2)]
    with admin.connect() as c:
        for s in schemas:
            c.execute(text(f'CREATE SCHEMA "{s}"'))
    try:
        sep = "&" if "?" in base else "?"
        yield tuple(f"{base}{sep}options=-csearch_path%3D{s}" for s in schemas)  # type: ignore[misc]
    finally:
        with admin.connect() as c:
            for s in schemas:
                c.execute(text(f'DROP SCHEMA "{s}" CASCADE'))
        admin.dispose()


def dump(reg: Register) -> dict[str, list[tuple[Any, ...]]]:
    """Every row the import stored, as the driver returns it."""
    raw = reg.engine.raw_connection()
    try:
        cur = raw.cursor()
        out = {}
        for table, cols in TABLES.items():
            cur.execute(f"SELECT {cols} FROM {table} ORDER BY 1")
            out[table] = [tuple(r) for r in cur.fetchall()]
        return out
    finally:
        raw.close()


def raw_insert(reg: Register, rows: dict[str, list[tuple[Any, ...]]], pg: bool, batch: int) -> None:
    """Plain executemany of pre-built tuples, one commit per batch of rows."""
    if pg:
        from psycopg.types.json import Json

        rows = {t: [tuple(Json(v) if isinstance(v, list | dict) else v for v in r) for r in rs]
                for t, rs in rows.items()}
    raw = reg.engine.raw_connection()
    mark = "%s" if pg else "?"
    try:
        cur = raw.cursor()
        for table, cols in TABLES.items():
            sql = f"INSERT INTO {table} ({cols}) VALUES ({', '.join([mark] * len(cols.split(',')))})"
            for i in range(0, len(rows[table]), batch):
                cur.executemany(sql, rows[table][i:i + batch])
                raw.commit()
    finally:
        raw.close()


def raw_delete(reg: Register, pg: bool) -> int:
    raw = reg.engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute(f"DELETE FROM records WHERE retention_until <= {'%s' if pg else '?'}",
                    (FAR if pg else FAR.isoformat(),))
        n = cur.rowcount
        raw.commit()
        return int(n)
    finally:
        raw.close()


def lookups(reg: Register, raw_reg: Register, phones: list[str], pg: bool) -> tuple[float, float]:
    """Median seconds per lookup: the register's ``find`` and a raw SELECT with a precomputed hash."""
    through: list[float] = []
    for p in phones:
        took, found = timed(lambda p=p: reg.find("phone", p))
        assert len(found) == 1, p
        through.append(took)
    hashes = [reg.keys.lookup("phone", normalise("phone", p).value) for p in phones]
    sql = ("SELECT s.ref FROM identifiers i JOIN subjects s ON s.id = i.subject_id "
           "WHERE i.kind = {0} AND i.lookup = {0}").format("%s" if pg else "?")
    raw = raw_reg.engine.raw_connection()
    direct: list[float] = []
    try:
        cur = raw.cursor()
        for h in hashes:
            took, found = timed(lambda h=h: cur.execute(sql, ("phone", h)).fetchall())
            assert len(found) == 1
            direct.append(took)
        raw.rollback()
    finally:
        raw.close()
    return statistics.median(through), statistics.median(direct)


Row = tuple[str, float, float]


def run(engine: str, pg: str | None, data: Path, phones: list[str], batch: int) -> list[Row]:
    key = MasterKey.generate()
    with tempfile.TemporaryDirectory() as tmp, databases(pg, Path(tmp)) as (url, raw_url):
        reg = Register.open(POLICY, url, master_key=key)
        raw_reg = Register.open(POLICY, raw_url, master_key=key)
        with reg, raw_reg:
            t_ingest, report = timed(lambda: import_file(reg, data, batch=batch))
            assert not report.errors, report.errors[:5]
            rows = dump(reg)
            t_raw, _ = timed(lambda: raw_insert(raw_reg, rows, pg is not None, batch * 3))
            print(f"{engine}: {report.rows} rows: {report.subjects} subjects, {report.records} records, "
                  f"{report.events} events", file=sys.stderr)
            find, select = lookups(reg, raw_reg, phones, pg is not None)
            t_sweep, swept = timed(lambda: reg.sweep(as_of=FAR, batch=batch))
            t_delete, deleted = timed(lambda: raw_delete(raw_reg, pg is not None))
            assert sum(swept.deleted.values()) == deleted, (swept.deleted, deleted)
            print(f"{engine}: swept {deleted} records, {swept.subjects_removed} subjects removed",
                  file=sys.stderr)
    return [(f"ingest {report.rows:,} rows ({report.subjects:,} subjects, {report.records:,} records)",
             t_ingest, t_raw),
            (f"sweep {deleted:,} due records (+{swept.subjects_removed:,} emptied subjects)", t_sweep,
             t_delete),
            ("lookup by phone, median of 1000 (ms)", find * 1000, select * 1000)]


def machine(pg: str | None) -> list[str]:
    info = Path("/proc/cpuinfo")
    names = [x.split(":", 1)[1].strip() for x in info.read_text().splitlines()
             if x.startswith("model name")] if info.exists() else []
    cpu = names[0] if names else platform.processor()
    lines = [f"- date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
             f"- machine: {os.cpu_count()} CPUs (nproc), {cpu}, {platform.system()} {platform.release()}",
             f"- python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"]
    if pg:
        eng = create_engine(pg.replace("postgresql://", "postgresql+psycopg://", 1))
        with eng.connect() as c:
            version = c.execute(text("SHOW server_version")).scalar()
        lines.append(f"- PostgreSQL {version} (same machine, TCP)")
        eng.dispose()
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20_000, help="customers (about 3 records each)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--batch", type=int, default=1000, help="subjects per import transaction; sweep batch")
    ap.add_argument("--pg", help="PostgreSQL URL; the benchmark creates and drops its own schemas")
    ap.add_argument("--out", type=Path, help="write the results as Markdown here (e.g. bench/results.md)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "customers.jsonl"
        with data.open("w", encoding="utf-8") as f:
            generate(args.n, args.seed, f)
        subjects = [json.loads(line) for line in data.read_text(encoding="utf-8").splitlines()]
        phones = [r["phone"] for r in subjects if r["type"] == "subject"]
        phones = random.Random(args.seed).sample(phones, min(1000, len(phones)))
        results = {"SQLite": run("SQLite", None, data, phones, args.batch)}
        if args.pg:
            results["PostgreSQL"] = run("PostgreSQL", args.pg, data, phones, args.batch)
    table = io.StringIO()
    table.write("| engine | operation | personvern | raw SQL | ratio |\n|---|---|---:|---:|---:|\n")
    for engine, rows in results.items():
        for name, ours, raw in rows:
            unit = "" if "(ms)" in name else " s"
            table.write(f"| {engine} | {name} | {ours:.3f}{unit} | {raw:.3f}{unit} | {ours / raw:.1f}× |"
                        "\n")
    print(table.getvalue())
    if args.out:
        command = f"python3 bench/bench_register.py --n {args.n} --seed {args.seed}"
        body = ["# Register benchmark", "", f"`{command}{' --pg URL' if args.pg else ''} --out {args.out}`", "",
                *machine(args.pg), "", table.getvalue(), NOTES]
        args.out.write_text("\n".join(body), encoding="utf-8")


NOTES = """What the ratios mean:
- ingest: personvern parses the file, validates every identifier (email-validator, phonenumbers), checks
  purpose, categories, source and seal reference against the policy, wraps a key per subject, encrypts every
  identifier and payload (AES-GCM), hashes lookups (HMAC) and computes retention; the raw baseline inserts the
  finished rows. The ratio is the price of enforcement, not of SQL.
- sweep: the register also excludes held records, removes subjects left empty (erasure ledger, key shredded)
  and logs the run; the raw baseline deletes the same records and nothing else.
- lookup: `find` normalises the number and computes its HMAC per call, then runs the same indexed query.
"""


if __name__ == "__main__":
    main()
