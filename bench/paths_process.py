"""The process paths: ``personvern --help`` start time and the RSS of ``personvern serve`` + ``personvern worker``.

- CLI start: wall time of ``personvern --help`` in a fresh interpreter, against ``python -c pass`` (the
  interpreter's own start); target ≤ 0.3 s. Engine independent: measured once per suite run.
- RSS: ``personvern serve --no-worker`` and ``personvern worker --capture`` started on a register of the
  smallest size; resident memory of both after start-up and after 200 requests (public pages, the console
  login, the portal), against two bare interpreters; target ≤ 150 MB together. A second row measures the
  default deployment, ``personvern serve`` alone, which runs the worker in a thread of the same process.
"""

from __future__ import annotations

import base64
import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from bench._common import CONFIG, KEY, ROOT, TEK_ZENCE, engine_name, loaded, median, row

HELP_TARGET_S = 0.3
RSS_TARGET_MB = 150.0
_help_done = False
CLI = "import sys; from personvern.cli import main; sys.argv[0] = 'personvern'; main()"


def run(engine_url: str, sizes: list[int]) -> list[dict[str, Any]]:
    global _help_done
    out = []
    if not _help_done:
        _help_done = True
        ours = [_wall([sys.executable, "-c", CLI, "--help"]) for _ in range(CONFIG.repeats + 2)]
        raw = [_wall([sys.executable, "-c", "pass"]) for _ in range(CONFIG.repeats + 2)]
        out.append(row("CLI --help start", "any", None, "s", ours, raw, f"≤ {HELP_TARGET_S:g} s",
                       median(ours) <= HELP_TARGET_S, "baseline: `python -c pass`"))
    size = min(sizes)
    with loaded(engine_url, size) as reg:
        url = str(reg.engine.url.render_as_string(hide_password=False))
        for name, worker_inside in (("serve+worker RSS", False), ("serve (worker thread) RSS", True)):
            started, after, bare = _rss(url, worker_inside)
            how = "one process, `personvern serve` with its worker thread" if worker_inside else \
                "two processes, `serve --no-worker` and `worker`"
            out.append(row(name, engine_name(engine_url), size, "MB", [after], [bare],
                           f"≤ {RSS_TARGET_MB:g} MB together", after <= RSS_TARGET_MB,
                           f"{how}: {started:.0f} MB after start-up, {after:.0f} MB after 200 requests; "
                           "baseline: bare interpreters"))
    return out


def _wall(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, capture_output=True, check=True, cwd=ROOT, env=_env())
    return time.perf_counter() - start


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), str(ROOT), env.get("PYTHONPATH", "")])
    env["PERSONVERN_MASTER_KEY"] = base64.b64encode(KEY).decode()
    return env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _rss(db_url: str, worker_inside: bool) -> tuple[float, float, float]:
    """RSS in MB of the personvern processes after start-up and after requests, and of as many bare ones."""
    port = _free_port()
    cli = [sys.executable, "-c", CLI]
    common = ["--policy", str(TEK_ZENCE), "--db", db_url]
    serve = [*cli, "serve", *common, "--port", str(port), "--log-level", "warning"]
    commands = [serve] if worker_inside else [[*serve, "--no-worker"],
                                              [*cli, "worker", *common, "--capture", "--interval", "0.5"]]
    ours = [subprocess.Popen(c, cwd=ROOT, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for c in commands]
    procs = ours + [subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"]) for _ in ours]
    try:
        base = f"http://127.0.0.1:{port}"
        _wait(base + "/")
        time.sleep(2)  # the worker's first rounds

        def mb(ps: list[subprocess.Popen[Any]]) -> float:
            return sum(_rss_kb(p.pid) for p in ps) / 1024

        started = mb(ours)
        for i in range(200):
            path = ("/", "/personvern", "/console/login", "/mine-sider/")[i % 4]
            with contextlib.suppress(OSError):  # a 4xx is still a request served
                urllib.request.urlopen(base + path, timeout=10).read()
        time.sleep(1)
        return started, mb(ours), mb(procs[len(ours):])
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(timeout=20)


def _rss_kb(pid: int) -> int:
    """Resident set size of a process (Linux /proc), in kB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _wait(url: str, timeout: float = 90.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"personvern serve did not answer {url} within {timeout:.0f} s")
