"""Past one request: phone lookups over HTTP (idle and during a sweep), the partitioned sweep and several workers.

- HTTP phone lookup: the real app under uvicorn (one process) on loopback, ``POST /api/service/lookup`` with a
  bearer token, keep-alive clients in threads of the benchmark process (they share the 2 cores with the
  server, so the numbers are a floor); requests per second and p99 at concurrency 16, idle and while a
  retention sweep of half the records runs in another process (bench/load_http.py). Target: ≥ 2,000 req/s,
  p99 ≤ 20 ms; during a sweep p99 ≤ 2× idle.
- Partitioned sweep (PostgreSQL only): records range-partitioned by retention month; whole expired months are
  dropped, the edge month deleted row by row (``personvern.register.partitions``), against batched keyset
  DELETEs of 10,000 rows on the same rows in an unpartitioned table (bench/bench_partition.py), 10 % and 50 %
  due. Target: ≥ 10× faster and flat in the number of expired rows (the issue asks it at 10M rows).
- Workers: 1, 2 and 4 ``Worker`` processes draining one outbox of 10 messages per 100 subjects with a 10 ms
  send (bench/bench_workers.py); messages per second and how many were sent twice (must be 0) or not at all.
"""

from __future__ import annotations

from typing import Any

from bench._common import CONFIG, engine_name, row

HTTP_RPS, HTTP_P99_MS = 2000, 20.0


def run(engine_url: str, sizes: list[int]) -> list[dict[str, Any]]:
    from bench import bench_partition, bench_workers, load_http

    quick = CONFIG.samples < 50
    engine = engine_name(engine_url)
    url = "sqlite" if engine == "sqlite" else engine_url
    out: list[dict[str, Any]] = []
    for size in sizes:
        found = load_http.run(url, [size], seconds=2.0 if quick else 10.0, concurrencies=(16,))
        idle = next(r for r in found if "during" not in r["path"])
        busy = next(r for r in found if "during" in r["path"])
        for r, target in ((idle, f"≥ {HTTP_RPS:,} req/s, p99 ≤ {HTTP_P99_MS:g} ms"),
                          (busy, f"p99 ≤ 2× idle ({2 * idle['personvern_s'] * 1000:.1f} ms)")):
            p99 = r["personvern_s"] * 1000
            met = (r["rps"] >= HTTP_RPS and p99 <= HTTP_P99_MS) if r is idle else p99 <= 2 * idle["personvern_s"] * 1000
            out.append(row("HTTP lookup c=16" + (" during sweep" if r is busy else ""), engine, size, "req/s",
                           [r["rps"]], None, target, met and not r["errors"],
                           f"p50 {r['p50_s'] * 1000:.1f} ms, p99 {p99:.1f} ms, {r['requests']:,} requests, "
                           f"{r['errors']} errors" + (", the sweep outlasted the load" if r.get("sweep_outlasted_load")
                                                      else "")))
    if engine == "postgresql":
        for r in bench_partition.run(engine_url, [10 * s for s in sizes]):
            out.append(row(r["path"], engine, r["size"], "s", [r["personvern_s"]], [r["raw_s"]],
                           "≥ 10× faster than batched DELETE", r["raw_s"] >= 10 * r["personvern_s"],
                           f"{r['expired']:,} rows expired; {r['months_dropped']} months dropped, "
                           f"{r['edge_rows_deleted']:,} rows deleted in the edge month; rows = 10 × register size"))
    messages = 40 if quick else 400
    for r in bench_workers.run(url, [messages], workers=(1, 2) if quick else (1, 2, 4)):
        out.append(row(r["path"], engine, None, "msg/s", [r["per_second"]], None, "no message twice or lost",
                       r["duplicates"] == 0 and r["not_delivered"] == 0,
                       f"{r['delivered']} of {messages} delivered, {r['duplicates']} twice, "
                       f"{r['not_delivered']} not delivered; {r['send_ms']:g} ms per send"))
    return out
