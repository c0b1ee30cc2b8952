"""Phone lookup in-process: ``personvern.service.lookup`` (one SELECT over every kind + one journal insert) against a
raw indexed SELECT with the keyed hash computed beforehand, p50 and p99 over ``LOOKUPS`` numbers.

    python3 bench/bench_lookup.py [--pg postgresql://127.0.0.1:5432/test] [--sizes 10000,100000]

``run(engine_url, sizes)`` is what ``python -m bench`` calls; each dict has path, engine, size, raw_s and
personvern_s (the p99 in seconds), ratio, and the p50s. The numbers are typed as people type them
("+47 9xx xx xxx"), so normalising and hashing are part of personvern's time and not of the raw one.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).parent))
from hotdata import drop, engines, load, open_fresh, phone_of

from personvern.service import lookup

LOOKUPS = 2000
RAW = ("SELECT s.ref FROM identifiers i JOIN subjects s ON s.id = i.subject_id "
       "WHERE i.kind = :kind AND i.lookup = :lookup")


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def measure(reg: Any, size: int, n: int = LOOKUPS, seed: int = 7) -> dict[str, float]:
    rng = random.Random(seed)
    picks = [rng.randrange(size) for _ in range(n)]
    typed = [f"+47 {p[:3]} {p[3:5]} {p[5:]}" for p in (phone_of(i) for i in picks)]
    ours: list[float] = []
    for number in typed:
        start = time.perf_counter()
        hits = lookup(reg, number, purpose="customer_service", by="bench")
        ours.append(time.perf_counter() - start)
        assert len(hits) == 1, number
    hashes = [reg.keys.lookup("phone", "+47" + phone_of(i)) for i in picks]
    raw: list[float] = []
    with reg.engine.connect() as c:
        stmt = text(RAW)
        for h in hashes:
            start = time.perf_counter()
            found = c.execute(stmt, {"kind": "phone", "lookup": h}).all()
            raw.append(time.perf_counter() - start)
            assert len(found) == 1
    return {"p50": statistics.median(ours), "p99": pct(ours, 99), "raw_p50": statistics.median(raw),
            "raw_p99": pct(raw, 99)}


def run(engine_url: str, sizes: list[int]) -> list[dict[str, Any]]:
    out = []
    for size in sizes:
        reg = open_fresh(engine_url, label="lookup")
        try:
            load(reg, size, records_per=1)
            m = measure(reg, size)
            out.append({"path": "phone lookup in-process p99", "engine": reg.engine.dialect.name, "size": size,
                        "raw_s": m["raw_p99"], "personvern_s": m["p99"], "ratio": m["p99"] / m["raw_p99"],
                        "personvern_p50_s": m["p50"], "raw_p50_s": m["raw_p50"]})
        finally:
            drop(reg)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pg", default=None)
    ap.add_argument("--sizes", default="10000,100000")
    args = ap.parse_args()
    for url in engines(args.pg):
        for row in run(url, [int(s) for s in args.sizes.split(",")]):
            print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
