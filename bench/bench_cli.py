"""How fast the CLI answers (issue 15): every `--help` within 0.3 s, every command started within 0.5 s.

    python3 bench/bench_cli.py            # N=10 runs of each; min and median wall and CPU time

hyperfine-like, with the standard library only: each command runs N times as a subprocess; CPU time (user +
system of the child) is reported beside wall time because a shared CI machine stretches wall time.
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = (
    ["--help"], ["requests", "show", "--help"], ["audit", "show", "--help"], ["demo", "--help"],
    ["serve", "--help"], ["check", str(ROOT / "examples" / "policies" / "tek-zence.yaml")],
)


def measure(argv: list[str], n: int) -> tuple[list[float], list[float]]:
    walls, cpus = [], []
    for _ in range(n):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        walls.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return walls, cpus


def main() -> None:
    n = int(os.environ.get("N", "10"))
    exe = shutil.which("personvern") or sys.exit("personvern is not installed")
    print(f"| command | wall min | wall median | CPU min | CPU median |  (N={n})")
    print("|---|---|---|---|---|")
    for args in COMMANDS:
        walls, cpus = measure([exe, *args], n)
        label = " ".join(a if "/" not in a else Path(a).name for a in args)
        print(f"| personvern {label} | {min(walls):.3f} s | {statistics.median(walls):.3f} s | {min(cpus):.3f} s "
              f"| {statistics.median(cpus):.3f} s |")


if __name__ == "__main__":
    main()
