"""Import of N synthetic customers through the policy checks, against a raw insert of the same rows.

personvern: ``import_file`` of the generated JSON Lines file (parse, validate identifiers, check purposes,
categories, sources and seals against the policy, wrap a key per subject, encrypt identifiers and payloads,
hash lookups, compute retention, audit, run the event hooks). Raw SQL: the very rows it stored (already
encrypted) read back and inserted into an empty register with DB-API ``executemany``, one commit per table
batch: no validation, no encryption, no retention, no audit.

Three rows per engine and size: the time against the raw insert (target ≤ 2×), subjects per second of this
process's CPU (target ≥ 10,000 per core; PostgreSQL's own CPU is not counted) and the peak RSS of a fresh
process importing the file (target: flat in the file's size).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
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
        wall, cpu, raw = [], [], []
        repeats = CONFIG.repeats if size <= 20_000 else 1
        for _ in range(repeats):
            with database(engine_url) as url, database(engine_url) as raw_url:
                reg, raw_reg = open_register(url), open_register(raw_url)
                try:
                    start = time.process_time()
                    took, report = timed(lambda reg=reg, size=size: _import(reg, size))
                    cpu.append(report.subjects / (time.process_time() - start))
                    wall.append(took)
                    rows = _dump(reg)
                    raw.append(timed(lambda raw_reg=raw_reg, rows=rows: _raw_insert(raw_reg, rows))[0])
                finally:
                    reg.close()
                    raw_reg.close()
        ratio = median(wall) / median(raw)
        out.append(row("ingest", eng, size, "s", wall, raw, f"≤ {RAW_RATIO:g}× raw insert", ratio <= RAW_RATIO,
                       f"{size / median(wall):,.0f} subjects/s wall; {repeats} run(s)"))
        out.append(row("ingest CPU throughput", eng, size, "subjects/s", cpu, None,
                       f"≥ {SUBJECTS_PER_CPU_SECOND:,} per core", median(cpu) >= SUBJECTS_PER_CPU_SECOND,
                       "subjects per second of the importing process's CPU time"))
        rss = _peak_rss(engine_url, size)
        out.append(row("ingest peak RSS", eng, size, "MB", [rss], None, "flat in file size", None,
                       f"fresh process importing {_lines(size):,} lines"))
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
import json, resource, sys
sys.path.insert(0, {root!r})
from pathlib import Path
from bench._common import CONFIG, database, open_register
from personvern.register.ingest import import_file
CONFIG.work = Path({work!r})
with database({url!r}) as url:
    with open_register(url) as reg:
        report = import_file(reg, {path!r}, batch=1000)
print(json.dumps({{"rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "subjects": report.subjects}}))
"""


def _peak_rss(engine_url: str, size: int) -> float:
    code = CHILD.format(root=str(ROOT), work=str(CONFIG.work), url=engine_url, path=str(data_file(size)))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    return float(json.loads(done.stdout.strip().splitlines()[-1])["rss_kb"]) / 1024
