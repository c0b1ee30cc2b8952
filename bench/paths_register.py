"""Phone lookup and the retention sweep of 10 % due records, against raw SQL on the same data.

- phone lookup: ``service.lookup`` of a number as the import file spells it (normalised, keyed hash, one
  audit entry) against the bare indexed ``SELECT`` on ``identifiers(kind, lookup)`` with the hash computed
  beforehand; per lookup, p99 against the target.
- sweep: the day on which 10 % of the records are due is found first; ``Register.sweep(as_of=that day)``
  on one copy of the register against ``DELETE FROM records WHERE retention_until <= that day`` on another.
"""

from __future__ import annotations

import json
import random
from datetime import date
from typing import Any

from sqlalchemy import text

from bench._common import CONFIG, data_file, engine_name, loaded, median, pct, row, timed

LOOKUP_TARGET_MS = 2.0
SWEEP_TARGET_RATIO = 1.3


def run(engine_url: str, sizes: list[int]) -> list[dict[str, Any]]:
    out = []
    for size in sizes:
        out.append(_lookup(engine_url, size))
        out.append(_sweep(engine_url, size))
    return out


def _phones(size: int, n: int) -> list[str]:
    with data_file(size).open(encoding="utf-8") as f:
        phones = [r["phone"] for r in map(json.loads, f) if r["type"] == "subject"]
    return random.Random(size).sample(phones, min(n, len(phones)))


def _lookup(engine_url: str, size: int) -> dict[str, Any]:
    from personvern.register.identifiers import normalise
    from personvern.service.lookup import lookup

    phones = _phones(size, CONFIG.samples)
    ours: list[float] = []
    raw: list[float] = []
    with loaded(engine_url, size) as reg:
        staff = reg.acting("bench", "agent")
        lookup(staff, phones[0], purpose="customer_service")  # warm: plans, policy caches
        for p in phones:
            took, found = timed(lambda p=p: lookup(staff, p, purpose="customer_service"))
            assert len(found) == 1, p
            ours.append(took * 1000)
        hashes = [reg.keys.lookup("phone", normalise("phone", p).value) for p in phones]
        sql = text("SELECT s.ref FROM identifiers i JOIN subjects s ON s.id = i.subject_id "
                   "WHERE i.kind = 'phone' AND i.lookup = :h")
        with reg.engine.connect() as c:
            for h in hashes:
                took, found = timed(lambda h=h: c.execute(sql, {"h": h}).all())
                assert len(found) == 1
                raw.append(took * 1000)
    p99 = pct(ours, 99)
    return row("phone lookup", engine_name(engine_url), size, "ms", ours, raw, f"p99 ≤ {LOOKUP_TARGET_MS:g} ms",
               p99 <= LOOKUP_TARGET_MS, f"p99 {p99:.2f} ms (raw {pct(raw, 99):.2f}) over {len(ours)} lookups")


def _tenth_due(reg: Any) -> tuple[date, int]:
    """The day by which 10 % of the records are due, and the number of records."""
    with reg.engine.connect() as c:
        n = c.execute(text("SELECT count(*) FROM records")).scalar_one()
        day = c.execute(text("SELECT retention_until FROM records WHERE retention_until IS NOT NULL "
                             "ORDER BY retention_until LIMIT 1 OFFSET :k"), {"k": max(n // 10 - 1, 0)}).scalar_one()
    return (day if isinstance(day, date) else date.fromisoformat(str(day))), int(n)


def _sweep(engine_url: str, size: int) -> dict[str, Any]:
    ours: list[float] = []
    raw: list[float] = []
    counts = []
    for _ in range(CONFIG.repeats if size <= 20_000 else min(CONFIG.repeats, 2)):
        with loaded(engine_url, size) as reg:
            as_of, total = _tenth_due(reg)
            took, report = timed(lambda reg=reg, as_of=as_of: reg.sweep(as_of=as_of))
            ours.append(took)
            counts.append(sum(report.deleted.values()))
        with loaded(engine_url, size) as reg, reg.engine.begin() as c:
            took, res = timed(lambda c=c, as_of=as_of: c.execute(
                text("DELETE FROM records WHERE retention_until <= :d"), {"d": as_of}))
            raw.append(took)
    ratio = median(ours) / median(raw)
    return row("sweep 10 % due", engine_name(engine_url), size, "s", ours, raw,
               f"≤ {SWEEP_TARGET_RATIO:g}× raw", ratio <= SWEEP_TARGET_RATIO,
               f"{counts[0]:,} of {total:,} records deleted; raw DELETE {res.rowcount:,}")
