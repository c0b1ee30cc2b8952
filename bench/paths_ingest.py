"""Import of N synthetic customers through the policy checks, against a raw insert of the same rows.

personvern: ``import_file`` of the generated JSON Lines file (parse, validate identifiers, check purposes,
categories, sources and seals against the policy, wrap a key per subject, encrypt identifiers and payloads,
hash lookups, compute retention, audit, run the event hooks). Raw SQL: the very rows it stored (already
encrypted) read back and inserted into an empty register with DB-API ``executemany``, one commit per table
batch: no validation, no encryption, no retention, no audit.

Three rows per engine and size: the time against the raw insert (target ≤ 2×), subjects per second of this
process's CPU (target ≥ 10,000 per core; PostgreSQL's own CPU is not counted) and the peak RSS of the
process importing the file (target: flat in the file's size). Each import runs in a fresh process.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from bench._common import CONFIG, ROOT, data_file, database, engine_name, median, open_register, row, timed

TABLES = {  # table -> columns, in foreign-key order
    "subjects": "id, ref, kind, linked_to, created_at, last_activity",
    "subject_keys": "subject_id, wrapped, master_id",
    "identifiers": "id, subject_id, kind, lookup, value, masked, purpose",
    "records": "id, subject_id, purpose, categories, source, payload, reduced, state, collected_at, "
               "retention_until, seal_ref, ref, updated_at",
    "events": "id, subject_id, record_id, event, occurred_on, recorded_at",
}
SUBJECTS_PER_CPU_SECOND = 10_000
RAW_RATIO = 2.0


def run(engine_url: str, sizes: list[int]) -> list[dict[str, Any]]:
    out = []
    eng = engine_name(engine_url)
    for size in sizes:
        wall, cpu, raw, rss = [], [], [], []
        repeats = CONFIG.repeats if size <= 20_000 else 1
        for _ in range(repeats):
            with database(engine_url) as url, database(engine_url) as raw_url:
                took, per_cpu, peak = _child_import(url, size)  # a fresh process: its peak RSS is the import's
                wall.append(took)
                cpu.append(per_cpu)
                rss.append(peak)
                with open_register(url) as reg:
                    rows = _dump(reg)
                with open_register(raw_url) as raw_reg:
                    raw.append(timed(lambda raw_reg=raw_reg, rows=rows: _raw_insert(raw_reg, rows))[0])
        ratio = median(wall) / median(raw)
        out.append(row("ingest", eng, size, "s", wall, raw, f"≤ {RAW_RATIO:g}× raw insert", ratio <= RAW_RATIO,
                       f"{size / median(wall):,.0f} subjects/s wall; {repeats} run(s)"))
        out.append(row("ingest CPU throughput", eng, size, "subjects/s", cpu, None,
                       f"≥ {SUBJECTS_PER_CPU_SECOND:,} per core", median(cpu) >= SUBJECTS_PER_CPU_SECOND,
                       "subjects per second of the importing process's CPU time"))
        out.append(row("ingest peak RSS", eng, size, "MB", rss, None, "flat in file size", None,
                       f"peak of the importing process, {_lines(size):,} lines"))
    return out


def _import(reg: Any, size: int) -> Any:
    from personvern.register.ingest import import_file

    report = import_file(reg, data_file(size), batch=1000)
    assert not report.errors, report.errors[:3]
    return report


def _lines(size: int) -> int:
    with data_file(size).open("rb") as f:
        return sum(1 for _ in f)


def _dump(reg: Any) -> dict[str, list[tuple[Any, ...]]]:
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


def _raw_insert(reg: Any, rows: dict[str, list[tuple[Any, ...]]], batch: int = 3000) -> None:
    pg = reg.engine.dialect.name == "postgresql"
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


CHILD = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
from pathlib import Path
from bench._common import open_register
from personvern.register.ingest import import_file
with open_register({url!r}) as reg:
    start, cpu = time.perf_counter(), time.process_time()
    report = import_file(reg, {path!r}, batch=1000)
    took, cpu = time.perf_counter() - start, time.process_time() - cpu
assert not report.errors, report.errors[:3]
print(json.dumps({{"wall": took, "per_cpu": report.subjects / cpu,
                  "rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}}))
"""


def _child_import(url: str, size: int) -> tuple[float, float, float]:
    """Import the file in a fresh process: wall seconds, subjects per CPU second, peak RSS in MB."""
    code = CHILD.format(root=str(ROOT), url=url, path=str(data_file(size)))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    if done.returncode:
        raise RuntimeError(done.stderr[-2000:])
    got = json.loads(done.stdout.strip().splitlines()[-1])
    return float(got["wall"]), float(got["per_cpu"]), float(got["rss_kb"]) / 1024
