"""Phone lookup and the retention sweep (10 % due, 1 % of subjects held) against raw SQL on the same data.

Data: ``bench/hotdata.py`` (seed 1), loaded set-based — every subject a unique mobile number and a customer
number, three records each, 10 % of the records past their retention, 1 % of the subjects under a legal-claim
hold — so a 1,000,000-subject register loads in minutes, not through the import (``paths_ingest`` measures that).
One template per engine and size; each measurement gets its own copy.

- phone lookup: ``service.lookup`` of a number as a caller says it ("+47 9xx xx xxx": normalised, keyed hash,
  one statement for the hits, one for their names, one journal insert) against the bare indexed ``SELECT`` on
  ``identifiers(kind, lookup)`` with the hash computed beforehand; per lookup, p99 against the target.
- sweep: ``Register.sweep`` (keyset batches of 1,000 over ``(retention_until, id)``, holds, one audit entry per
  purpose and batch, empty subjects removed) on one copy against one hand-written ``DELETE … WHERE`` of the same
  rows (due and not held) on another copy, committed — a DELETE that is not committed has deleted nothing.
- audit verify: after the lookups (every read journalled, then sealed into the chain) and after the sweep,
  ``audit.verify`` over the whole chain: the trail must still verify after the load (issue 13's done-when).
"""

from __future__ import annotations

import random
from typing import Any

from sqlalchemy import text

from bench._common import CONFIG, engine_name, median, pct, row, timed

LOOKUP_TARGET_MS = 2.0
SWEEP_TARGET_RATIO = 1.3


def run(engine_url: str, sizes: list[int]) -> list[dict[str, Any]]:
    out = []
    for size in sizes:
        out += _lookup(engine_url, size)
        out += _sweep(engine_url, size)
    return out


def _spoken(phone: str) -> str:
    return f"+47 {phone[:3]} {phone[3:5]} {phone[5:]}"


def _lookup(engine_url: str, size: int) -> list[dict[str, Any]]:
    from bench.hotdata import cloned, phone_of
    from personvern.register.identifiers import normalise
    from personvern.service.lookup import lookup

    picks = random.Random(size).sample(range(size), min(CONFIG.samples, size))
    ours: list[float] = []
    raw: list[float] = []
    with cloned(engine_url, size) as reg:
        staff = reg.acting("bench", "agent")
        for i in picks[:10]:  # warm: plans, policy caches, prepared statements
            lookup(staff, _spoken(phone_of(i)), purpose="customer_service")
        hashes = [reg.keys.lookup("phone", normalise("phone", "+47" + phone_of(i)).value) for i in picks]
        sql = text("SELECT s.ref FROM identifiers i JOIN subjects s ON s.id = i.subject_id "
                   "WHERE i.kind = 'phone' AND i.lookup = :h")
        with reg.engine.connect() as c:
            for i, h in zip(picks, hashes, strict=True):  # interleaved: both sides see the same moment's load
                took, found = timed(lambda i=i: lookup(staff, _spoken(phone_of(i)), purpose="customer_service"))
                assert len(found) == 1, i
                ours.append(took * 1000)
                took, hit = timed(lambda h=h: c.execute(sql, {"h": h}).all())
                assert len(hit) == 1
                raw.append(took * 1000)
        verified = _verify(reg)
    p99 = pct(ours, 99)
    return [row("phone lookup", engine_name(engine_url), size, "ms", ours, raw, f"p99 ≤ {LOOKUP_TARGET_MS:g} ms",
                p99 <= LOOKUP_TARGET_MS, f"p99 {p99:.2f} ms (raw {pct(raw, 99):.2f}) over {len(ours)} lookups"),
            _verified_row("after lookups", engine_url, size, verified)]


def _sweep(engine_url: str, size: int) -> list[dict[str, Any]]:
    from bench.bench_sweep import RAW
    from bench.hotdata import AS_OF, cloned

    ours: list[float] = []
    raw: list[float] = []
    deleted = raw_n = 0
    verified = (True, "")
    for _ in range(CONFIG.repeats if size <= 100_000 else 1):
        with cloned(engine_url, size) as reg:
            with reg.engine.connect() as c:
                took, n = timed(lambda c=c: (c.execute(text(RAW), {"as_of": AS_OF}).rowcount, c.commit())[0])
            raw.append(took)
            raw_n = int(n)
        with cloned(engine_url, size) as reg:
            took, report = timed(lambda reg=reg: reg.sweep(AS_OF, batch=1000))
            ours.append(took)
            deleted = sum(report.deleted.values())
            verified = _verify(reg)
        assert deleted == raw_n, (deleted, raw_n)  # the same rows, or the ratio means nothing
    ratio = median(ours) / median(raw)
    return [row("sweep 10 % due", engine_name(engine_url), size, "s", ours, raw, f"≤ {SWEEP_TARGET_RATIO:g}× raw",
                ratio <= SWEEP_TARGET_RATIO, f"{deleted:,} of {size * 3:,} records deleted (1 % of subjects held); "
                f"raw DELETE … WHERE + COMMIT of the same {raw_n:,}"),
            _verified_row("after sweep", engine_url, size, verified)]


def _verify(reg: Any) -> tuple[bool, str]:
    from personvern.audit import seal_all, verify

    took, _ = timed(lambda: seal_all(reg.engine))
    with reg.engine.connect() as c:
        took2, result = timed(lambda: verify(c))
    return bool(result.ok), f"{result.entries:,} entries (after sealing the read journal) in {took + took2:.1f} s"


def _verified_row(when: str, engine_url: str, size: int, verified: tuple[bool, str]) -> dict[str, Any]:
    ok, note = verified
    return row(f"audit verify {when}", engine_name(engine_url), size, "ok", [1.0 if ok else 0.0], None,
               "the chain verifies", ok, note)
