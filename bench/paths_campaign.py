"""The campaign filter over N subjects against a hand-written SQL statement on the same data, same run.

Data and the raw statement are those of bench/bench_campaign.py (KL Miljøvarme, set-based generation):
``campaign(reg, 'marketing', 'email', count_only=True)`` against the same counts written by hand.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from bench._common import CONFIG, database, engine_name, median, row, timed

TARGET_RATIO = 1.5
TARGET_RATE = 100_000


def run(engine_url: str, sizes: list[int]) -> list[dict[str, Any]]:
    from bench.bench_campaign import NOW, POLICY, generate, raw_sql
    from personvern.consent import campaign
    from personvern.register import MasterKey, Register

    out = []
    for size in sizes:
        with database(engine_url) as url:
            reg = Register.open(POLICY, url, master_key=MasterKey(bytes(range(32))), clock=lambda: NOW)
            try:
                generate(reg.engine, size)
                ours, raw, same = [], [], True
                for _ in range(CONFIG.repeats):
                    took, result = timed(lambda reg=reg: campaign(reg, "marketing", "email", count_only=True))
                    ours.append(took)
                    with reg.engine.connect() as c:
                        took, counts = timed(lambda c=c: {k: int(n) for k, n in c.execute(text(raw_sql("email")))})
                    raw.append(took)
                    same = same and counts == result.counts
                if not same:  # the two sides did different work: the ratio would mean nothing
                    raise AssertionError(f"campaign counts differ from the raw SQL: {result.counts} vs {counts}")
            finally:
                reg.close()
        ratio, rate = median(ours) / median(raw), size / median(ours)
        out.append(row("campaign filter", engine_name(engine_url), size, "s", ours, raw,
                       f"≤ {TARGET_RATIO:g}× raw, ≥ {TARGET_RATE:,} subjects/s",
                       ratio <= TARGET_RATIO and rate >= TARGET_RATE,
                       f"{rate:,.0f} subjects/s; counts {'equal' if same else 'DIFFER'}"))
    return out
