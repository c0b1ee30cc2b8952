"""PostgreSQL: sweeping records partitioned by retention month (drop whole months, delete the edge month) against
batched keyset DELETEs of 10,000 rows on the same rows in an unpartitioned table (issue 13, "past one machine").

    python3 bench/bench_partition.py --pg postgresql://127.0.0.1:5432/test [--sizes 1000000,4000000]

Rows are made server-side (``generate_series``), ``retention_until`` spread evenly over 120 months; ``as_of``
falls mid-way through month 13 (about 10 % due) and, in a second run, month 61 (about 50 % due), so the table
shows how each cost grows with the number of expired rows. ``run(engine_url, sizes)`` returns the usual dicts
(path, engine, size, raw_s = batched DELETE, personvern_s = partition sweep, ratio); SQLite returns [].
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import uuid
from datetime import date
from typing import Any

from sqlalchemy import create_engine, text

from personvern.register.partitions import create_layout, sweep_partitions

FIRST, LAST = date(2020, 1, 1), date(2029, 12, 31)
CUTS = {"10%": date(2021, 1, 15), "50%": date(2025, 1, 15)}
BATCH = 10_000
FILL = ("INSERT INTO {t} (id, subject_id, purpose, retention_until, payload) SELECT g, g % 100000, 'p', "
        "DATE '2020-01-01' + (g::bigint * 3652 / :n)::int, NULL FROM generate_series(1, :n) g")


def batched_delete(engine: Any, table: str, as_of: date) -> int:
    """The row-by-row baseline: keyset batches over (retention_until, id), one transaction each."""
    total, after = 0, (date(1900, 1, 1), 0)
    while True:
        with engine.begin() as c:
            rows = c.execute(text(
                f"DELETE FROM {table} WHERE id IN (SELECT id FROM {table} WHERE retention_until <= :d AND "
                f"(retention_until, id) > (:a, :i) ORDER BY retention_until, id LIMIT {BATCH}) "
                "RETURNING retention_until, id"), {"d": as_of, "a": after[0], "i": after[1]}).all()
        total += len(rows)
        if len(rows) < BATCH:
            return total
        after = max((r[0], r[1]) for r in rows)


def run(engine_url: str, sizes: list[int]) -> list[dict[str, Any]]:
    if not engine_url.startswith("postgres"):
        return []
    out = []
    base = engine_url.replace("postgresql://", "postgresql+psycopg://", 1)
    for size in sizes:
        for label, as_of in CUTS.items():
            schema = f"pvb_part_{uuid.uuid4().hex[:8]}"
            admin = create_engine(base, isolation_level="AUTOCOMMIT")
            with admin.connect() as c:
                c.execute(text(f'CREATE SCHEMA "{schema}"'))
            engine = create_engine(f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}")
            try:
                with engine.begin() as c:
                    create_layout(c, "rec_part", FIRST, LAST)
                    c.execute(text("CREATE TABLE rec_flat (id bigint PRIMARY KEY, subject_id bigint, "
                                   "purpose varchar(64) NOT NULL, retention_until date, payload bytea)"))
                    c.execute(text("CREATE INDEX ix_rec_flat_retention ON rec_flat (retention_until, id)"))
                    for table in ("rec_part", "rec_flat"):
                        c.execute(text(FILL.format(t=table)), {"n": size})
                with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                    c.execute(text("VACUUM ANALYZE rec_part"))
                    c.execute(text("VACUUM ANALYZE rec_flat"))
                start = time.perf_counter()
                deleted = batched_delete(engine, "rec_flat", as_of)
                raw_s = time.perf_counter() - start
                start = time.perf_counter()
                with engine.begin() as c:
                    result = sweep_partitions(c, "rec_part", as_of, held="false")
                ours = time.perf_counter() - start
                assert result.dropped_rows + result.deleted_rows == deleted, (result, deleted)
                out.append({"path": f"partitioned sweep, {label} due", "engine": "postgresql", "size": size,
                            "raw_s": raw_s, "personvern_s": ours, "ratio": ours / raw_s, "expired": deleted,
                            "months_dropped": len(result.dropped), "edge_rows_deleted": result.deleted_rows})
            finally:
                engine.dispose()
                with admin.connect() as c:
                    c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
                admin.dispose()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pg", required=True)
    ap.add_argument("--sizes", default="1000000")
    args = ap.parse_args()
    for row in run(args.pg, [int(s) for s in args.sizes.split(",")]):
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    sys.exit(main())
