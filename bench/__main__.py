"""personvern's benchmark suite: every hot path against raw SQL on the same data, per engine and size.

    python -m bench [--sizes 10000,100000] [--engines sqlite,postgresql] [--pg URL] [--repeats 3]
    python -m bench --quick --out /tmp/x      # tiny sizes, seconds: what the test suite runs

Writes ``BENCHMARKS.md`` (and ``bench/latency.png``, the latency of the per-request paths against register
size) into ``--out`` (default: the repository root). Each module in ``MODULES`` has
``run(engine_url, sizes) -> list[dict]`` (rows made with ``bench._common.row``); an engine URL is
``sqlite:///<folder>`` or a PostgreSQL server URL, in which the module makes and drops its own databases.
Data: bench/generate.py, seed 1 (deterministic). matplotlib (the plot) comes with the ``[bench]`` extra.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import _common
from bench._common import CONFIG, ROOT, median, pct

# Add a module here to add its rows. Each must return rows for every size it is given.
MODULES = [
    "bench.paths_register",  # phone lookup, sweep 10 % due (1 % held), audit verify after both
    "bench.paths_rights",  # access and erasure requests end to end
    "bench.paths_ingest",  # import: time vs raw insert, CPU throughput, peak RSS
    "bench.paths_campaign",  # campaign filter
    "bench.paths_scale",  # HTTP lookups idle and during a sweep, partitioned sweep (PostgreSQL), workers
    "bench.paths_process",  # CLI start, serve + worker RSS
    "bench.datastores",  # access, erasure and sweep in the business's own database (an oscar shop)
]
PATHS = ["phone lookup", "sweep 10 % due", "audit verify after lookups", "audit verify after sweep",
         "access request e2e", "erasure request e2e", "ingest", "campaign filter", "HTTP lookup c=16",
         "HTTP lookup c=16 during sweep", "outbox delivery, 1 worker", "CLI --help start",
         "serve+worker RSS", "datastore access e2e", "datastore erasure e2e",
         "datastore sweep 10 % due"]  # rows BENCHMARKS.md must have
ORDER = ["phone lookup", "HTTP lookup c=16", "HTTP lookup c=16 during sweep", "sweep 10 % due",
         "partitioned sweep, 10% due", "partitioned sweep, 50% due", "audit verify after lookups",
         "audit verify after sweep", "access request e2e", "erasure request e2e", "ingest", "ingest CPU throughput",
         "ingest peak RSS", "campaign filter", "outbox delivery, 1 worker", "outbox delivery, 2 workers",
         "outbox delivery, 4 workers", "CLI --help start", "serve+worker RSS", "serve (worker thread) RSS",
         "datastore access e2e", "datastore erasure e2e", "datastore sweep 10 % due"]
PLOTTED = ("phone lookup", "access request e2e", "erasure request e2e")
PG_DEFAULT = os.environ.get("PERSONVERN_BENCH_DATABASE_URL", "postgresql://127.0.0.1:5432/test")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000,100000", help="register sizes (subjects), comma-separated; "
                    "1000000 takes long on 2 cores")
    ap.add_argument("--engines", default="sqlite,postgresql")
    ap.add_argument("--pg", default=PG_DEFAULT, help="PostgreSQL server URL (schemas are made and dropped)")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--samples", type=int, default=200, help="requests or lookups sampled per size")
    ap.add_argument("--only", default="", help="module names to run, comma-separated (default: all)")
    ap.add_argument("--quick", action="store_true", help="sizes 100,200, 2 repeats, few samples: seconds")
    ap.add_argument("--out", type=Path, default=ROOT)
    ap.add_argument("--merge", type=Path, nargs="*", default=None, metavar="ROWS_JSON",
                    help="write the report from bench-rows.json files of earlier runs (e.g. one per engine, run "
                    "side by side) instead of measuring")
    args = ap.parse_args(argv)
    if args.merge:
        merged = {(r["path"], r["engine"], r["size"]): r for f in reversed(args.merge)
                  for r in json.loads(f.read_text(encoding="utf-8"))["rows"]}  # a row twice: the first file's
        rows = list(merged.values())
        command = " + ".join(json.loads(f.read_text(encoding="utf-8"))["command"] for f in args.merge)
        seconds = max(json.loads(f.read_text(encoding="utf-8"))["seconds"] for f in args.merge)
        _write(rows, command, seconds, args.out)
        return 0
    sizes = [100, 200] if args.quick else [int(x) for x in args.sizes.split(",") if x]
    CONFIG.repeats, CONFIG.samples = (2, 12) if args.quick else (args.repeats, args.samples)
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    modules = [m for m in MODULES if not args.only or m.rsplit(".", 1)[1] in args.only.split(",")]
    args.out.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, Any]] = []
    started = time.time()
    command = "python -m bench " + ("--quick" if args.quick else f"--sizes {','.join(map(str, sizes))} "
                                    f"--engines {','.join(engines)} --repeats {args.repeats}")
    with tempfile.TemporaryDirectory(prefix="pv-bench-") as tmp:
        CONFIG.work = Path(tmp)
        try:
            for engine in engines:
                url = f"sqlite:///{Path(tmp) / 'sqlite'}" if engine == "sqlite" else args.pg
                for name in modules:
                    print(f"bench: {name} on {engine}, sizes {sizes}", file=sys.stderr, flush=True)
                    rows += importlib.import_module(name).run(url, sizes)
                    _save(rows, command, started, args.out)  # what is done survives a run cut short
        finally:
            _common.cleanup()
    _write(rows, command, time.time() - started, args.out)
    return 0


def _save(rows: list[dict[str, Any]], command: str, started: float, out: Path) -> None:
    (out / "bench-rows.json").write_text(json.dumps(
        {"command": command, "seconds": time.time() - started, "rows": rows}), encoding="utf-8")


def _write(rows: list[dict[str, Any]], command: str, seconds: float, out: Path) -> None:
    plot = _plot(rows, out / "bench" / "latency.png")
    text = report(rows, command, seconds, plot, out)
    (out / "BENCHMARKS.md").write_text(text, encoding="utf-8")
    print(text)


def _fmt(x: float, unit: str) -> str:
    if x != x:  # nan
        return ""
    if unit in ("subjects/s", "req/s"):
        return f"{x:,.0f}"
    if unit == "ok":
        return "ok" if x else "BROKEN"
    return f"{x:.3f}" if abs(x) < 10 else f"{x:,.1f}"


def _ratio(x: float) -> str:
    return f"{x:.1f}×" if x >= 0.1 else f"{x:.3f}×"  # a partition drop is a few hundredths of a DELETE


def report(rows: list[dict[str, Any]], command: str, seconds: float, plot: Path | None, out: Path) -> str:
    """BENCHMARKS.md: one table, then how each path is measured (the modules' docstrings say it in full)."""
    lines = ["# Benchmarks", "", f"`{command}` ({seconds / 60:.0f} min)", "", *_machine(), "",
             "Per path, engine and register size (subjects): personvern and the raw-SQL baseline doing the same "
             "work, median and spread (min–max) over the samples, their ratio, the target and whether it is met. "
             "`load` is the 1-minute load average when the row was measured (2 cores; other work was running).",
             "", "| path | engine | size | unit | personvern median | spread | raw SQL median | ratio | target | met "
             "| load | note |", "|---|---|---:|---|---:|---:|---:|---:|---|---|---:|---|"]
    order = {p: i for i, p in enumerate(ORDER)}
    for r in sorted(rows, key=lambda r: (order.get(r["path"], 99), r["path"], r["engine"], r["size"] or 0)):
        ours, raw, unit = r["ours"], r["raw"], r["unit"]
        ratio = _ratio(median(ours) / median(raw)) if raw and median(raw) else ""
        met = {True: "yes", False: "**no**", None: "see note"}[r["met"]]
        size = f"{r['size']:,}" if r["size"] else "–"
        spread = f"{_fmt(min(ours), unit)}–{_fmt(max(ours), unit)}" if len(ours) > 1 else ""
        lines.append(f"| {r['path']} | {r['engine']} | {size} | {unit} | {_fmt(median(ours), unit)} | {spread} | "
                     f"{_fmt(median(raw), unit) if raw else ''} | {ratio} | {r['target']} | {met} | "
                     f"{r['load']:.1f} | {r['note']} |")
    if plot is not None:
        lines += ["", f"![latency against register size]({plot.relative_to(out).as_posix()})"]
    findings = Path(__file__).with_name("FINDINGS.md")
    if findings.exists():
        lines += ["", findings.read_text(encoding="utf-8").strip()]
    lines += ["", "## How each path is measured", ""]
    for name in MODULES:
        doc = (importlib.import_module(name).__doc__ or "").strip()
        lines += [f"### `{name}`", "", doc, ""]
    return "\n".join(lines) + "\n"


def _machine() -> list[str]:
    info = Path("/proc/cpuinfo")
    names = [x.split(":", 1)[1].strip() for x in info.read_text().splitlines()
             if x.startswith("model name")] if info.exists() else []
    return [f"- date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
            f"- machine: {os.cpu_count()} CPUs, {names[0] if names else platform.processor()}, "
            f"{platform.system()} {platform.release()}",
            f"- python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"]


def _plot(rows: list[dict[str, Any]], path: Path) -> Path | None:
    """Median (and p99) latency of the per-request paths against register size, one line per engine."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(PLOTTED), figsize=(4 * len(PLOTTED), 3.4))
    for ax, name in zip(axes, PLOTTED, strict=True):
        for engine in sorted({r["engine"] for r in rows if r["path"] == name}):
            pts = sorted((r["size"], median(r["ours"]), pct(r["ours"], 99)) for r in rows
                         if r["path"] == name and r["engine"] == engine)
            if pts:
                xs = [p[0] for p in pts]
                ax.plot(xs, [p[1] for p in pts], marker="o", label=f"{engine} median")
                ax.plot(xs, [p[2] for p in pts], marker="x", linestyle="--", label=f"{engine} p99")
        ax.set_xscale("log")
        ax.set_title(name)
        ax.set_xlabel("subjects")
        ax.set_ylabel("ms")
        ax.legend(fontsize=7)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


if __name__ == "__main__":
    sys.exit(main())
