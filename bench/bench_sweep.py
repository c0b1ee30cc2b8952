"""The retention sweep against a raw ``DELETE … WHERE`` on the same data, 10 % due and 1 % of subjects held.

    python -m bench.bench_sweep [--pg postgresql://127.0.0.1:5432/test] [--sizes 10000,100000]

``run(engine_url, sizes)`` is what ``python -m bench`` calls: one dict per size with path, engine, size, raw_s,
personvern_s and ratio. The raw baseline deletes exactly the rows the sweep deletes (due and not held) in one
statement inside a transaction that is then rolled back (its commit is not timed); the sweep then runs for real
on the same rows, in batches of 1000 with its audit entries and the removal of subjects left empty.
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

from sqlalchemy import text

from bench.hotdata import AS_OF, drop, engines, load, open_fresh

RAW = ("DELETE FROM records WHERE retention_until <= :as_of AND state IN ('active', 'sealed') AND NOT EXISTS "
       "(SELECT 1 FROM holds h WHERE h.lifted_at IS NULL AND h.record_id = records.id) AND NOT EXISTS "
       "(SELECT 1 FROM holds h WHERE h.lifted_at IS NULL AND h.record_id IS NULL "
       "AND h.subject_id = records.subject_id)")


def raw_delete(reg: Any) -> tuple[float, int]:
    with reg.engine.connect() as c:
        start = time.perf_counter()
        n = c.execute(text(RAW), {"as_of": AS_OF}).rowcount
        took = time.perf_counter() - start
        c.rollback()
    return took, int(n)


def run(engine_url: str, sizes: list[int]) -> list[dict[str, Any]]:
    out = []
    for size in sizes:
        reg = open_fresh(engine_url, label="sweep")
        try:
            info = load(reg, size)
            raw_s, raw_n = raw_delete(reg)
            start = time.perf_counter()
            report = reg.sweep(AS_OF, batch=1000)
            ours = time.perf_counter() - start
            deleted = sum(report.deleted.values())
            assert deleted == raw_n, (deleted, raw_n)
            out.append({"path": "sweep 10% due, 1% held", "engine": reg.engine.dialect.name, "size": size,
                        "raw_s": raw_s, "personvern_s": ours, "ratio": ours / raw_s if raw_s else None,
                        "deleted": deleted, "held_due": info["due_held"],
                        "subjects_removed": report.subjects_removed, "records": info["records"]})
        finally:
            drop(reg)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pg", default=None)
    ap.add_argument("--sizes", default="10000,100000")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    for url in engines(args.pg):
        for row in run(url, sizes):
            print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
