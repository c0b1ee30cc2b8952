"""Phone lookups over HTTP on loopback: requests per second and p50/p99 at concurrency 4 and 16, idle and while a
retention sweep runs in another process (issue 13: audited reads must not queue behind the sweep).

    python -m bench.load_http [--pg postgresql://127.0.0.1:5432/test] [--size 100000] [--seconds 10]

The server is the real app (``create_app``) under uvicorn, one process, in a subprocess; the clients are threads
with keep-alive connections (``http.client``), so the client's own CPU shares the machine with the server: on 2
cores the numbers are a floor. ``run(engine_url, sizes)`` returns one dict per size × concurrency × idle/sweep
with path, engine, size, personvern_s (p99), rps and p50_s; there is no raw baseline for HTTP (raw_s None).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from typing import Any

from bench.hotdata import AS_OF, KEY, POLICY, drop, engines, load, open_fresh, phone_of

SERVER = """
import sys, uvicorn
from personvern.register import MasterKey, Register
from personvern.web.app import WebConfig, create_app
reg = Register.open(sys.argv[1], sys.argv[2], master_key=MasterKey(bytes(range(32))), migrate=False)
uvicorn.run(create_app(reg, WebConfig(secure_cookies=False)), host="127.0.0.1", port=int(sys.argv[3]),
            log_level="warning", access_log=False)
"""
SWEEPER = """
import sys
from datetime import date
from personvern.register import MasterKey, Register
reg = Register.open(sys.argv[1], sys.argv[2], master_key=MasterKey(bytes(range(32))), migrate=False)
reg.sweep(date.fromisoformat(sys.argv[3]), batch=1000)
"""


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(port: int, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError("the server exited")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not start")


def hammer(port: int, token: str, size: int, concurrency: int, seconds: float) -> dict[str, float]:
    """``concurrency`` keep-alive clients posting lookups for ``seconds``; latencies of every answered request."""
    stop = time.monotonic() + seconds
    latencies: list[list[float]] = [[] for _ in range(concurrency)]
    errors = [0] * concurrency

    def client(k: int) -> None:
        rng = random.Random(k)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        while time.monotonic() < stop:
            p = phone_of(rng.randrange(size))
            body = json.dumps({"query": f"+47 {p[:3]} {p[3:5]} {p[5:]}", "purpose": "customer_service"})
            start = time.perf_counter()
            conn.request("POST", "/api/service/lookup", body, headers)
            res = conn.getresponse()
            res.read()
            latencies[k].append(time.perf_counter() - start)
            errors[k] += res.status != 200
        conn.close()

    threads = [threading.Thread(target=client, args=(k,)) for k in range(concurrency)]
    began = time.monotonic()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    took = time.monotonic() - began
    flat = sorted(x for lat in latencies for x in lat)
    return {"rps": len(flat) / took, "p50": statistics.median(flat), "p99": flat[int(0.99 * (len(flat) - 1))],
            "errors": sum(errors), "requests": len(flat)}


def run(engine_url: str, sizes: list[int], *, seconds: float = 10.0,
        concurrencies: tuple[int, ...] = (4, 16)) -> list[dict[str, Any]]:
    from personvern.web import auth

    out = []
    for size in sizes:
        reg = open_fresh(engine_url, label="http")
        url = reg.engine.url.render_as_string(hide_password=False)
        try:
            load(reg, size, due=0.5, records_per=2)  # half the records due: the sweep lasts through a measurement
            token = auth.create_token(reg, "bench", "agent", by="bench")
            port = _port()
            env = {**os.environ}
            server = subprocess.Popen([sys.executable, "-c", SERVER, str(POLICY), url, str(port)], env=env)
            try:
                _wait(port, server)
                hammer(port, token, size, 4, 1.0)  # warm up
                for sweeping in (False, True):
                    for conc in concurrencies:
                        sweeper = None
                        if sweeping:
                            sweeper = subprocess.Popen([sys.executable, "-c", SWEEPER, str(POLICY), url,
                                                        AS_OF.isoformat()], env=env)
                            time.sleep(0.5)
                        m = hammer(port, token, size, conc, seconds)
                        still = sweeper is not None and sweeper.poll() is None
                        if sweeper is not None:
                            sweeper.wait()
                        out.append({"path": f"HTTP phone lookup c={conc}{' during sweep' if sweeping else ''}",
                                    "engine": reg.engine.dialect.name, "size": size, "raw_s": None,
                                    "personvern_s": m["p99"], "ratio": None, "rps": m["rps"], "p50_s": m["p50"],
                                    "errors": m["errors"], "requests": m["requests"],
                                    "sweep_outlasted_load": still if sweeping else None})
                        if sweeping:  # the next round needs due rows again
                            load(reg, size // 2, due=0.5, records_per=2, start=size * (2 + conc), seed=conc)
            finally:
                server.terminate()
                server.wait()
        finally:
            drop(reg)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pg", default=None)
    ap.add_argument("--size", type=int, default=100_000)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--sqlite", action=argparse.BooleanOptionalAction, default=True)
    args = ap.parse_args()
    for url in engines(args.pg):
        if url == "sqlite" and not args.sqlite:
            continue
        for row in run(url, [args.size], seconds=args.seconds):
            print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()


__all__ = ["KEY", "hammer", "run"]
