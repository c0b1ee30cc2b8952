"""``python -m bench --quick`` runs, so the benchmarks do not rot (issue 13). No timing is asserted."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PG_URL = os.environ.get("PERSONVERN_TEST_DATABASE_URL", "")


@pytest.mark.slow
def test_quick_benchmark_writes_a_row_for_every_path_and_engine(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT))
    try:
        from bench.__main__ import PATHS
    finally:
        sys.path.remove(str(ROOT))
    engines = ["sqlite", "postgresql"] if PG_URL else ["sqlite"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    done = subprocess.run([sys.executable, "-m", "bench", "--quick", "--engines", ",".join(engines),
                           "--pg", PG_URL or "postgresql://unused", "--out", str(tmp_path)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, done.stderr[-3000:]
    table = [line.split(" | ") for line in (tmp_path / "BENCHMARKS.md").read_text().splitlines()
             if line.startswith("| ") and not line.startswith(("| path", "|---"))]
    seen = {(cells[0].removeprefix("| "), cells[1]) for cells in table}
    for path in PATHS:
        for engine in (["any"] if path == "CLI --help start" else engines):
            assert (path, engine) in seen, (path, engine)
    assert all(cells[4].strip() for cells in table)  # every row has a personvern median
    assert (tmp_path / "bench" / "latency.png").read_bytes().startswith(b"\x89PNG")
