"""Several ``personvern worker`` processes on one outbox: messages delivered per second with 1, 2 and 4 workers,
and proof of no double delivery (issue 13, "past one machine").

    python -m bench.bench_workers --pg postgresql://127.0.0.1:5432/test [--messages 2000] [--send-ms 10]

N e-mails are queued; k processes each run ``Worker.run_once`` (claim a batch with ``FOR UPDATE SKIP LOCKED``
and a lease, send, record) until nothing is due. The mailer appends each idempotency key to one shared file
(``O_APPEND``) after sleeping ``send-ms`` — an SMTP round trip — so the file says how often each message was
sent. ``run(engine_url, sizes)`` takes sizes as message counts and returns path, engine, size, personvern_s
(wall time to drain), per-second rates and ``duplicates`` (must be 0). SQLite is measured too: its claims are
serialised by the database lock, which the numbers show.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench.hotdata import POLICY, drop, engines, open_fresh

WORKER = """
import os, sys, time
from personvern.register import MasterKey, Register
from personvern.worker import Worker

class FileMailer:
    def send(self, body, *, idempotency_key):
        time.sleep(float(sys.argv[4]) / 1000)
        fd = os.open(sys.argv[3], os.O_WRONLY | os.O_APPEND | os.O_CREAT)
        os.write(fd, (idempotency_key + "\\n").encode())
        os.close(fd)

reg = Register.open(sys.argv[1], sys.argv[2], master_key=MasterKey(bytes(range(32))), migrate=False)
Worker(reg, FileMailer(), batch=20).run_once()
reg.close()
"""


def queue(reg: Any, n: int) -> None:
    from personvern.register.outbox import Email, Message, enqueue_many

    with reg.transaction() as c:
        enqueue_many(reg, c, [Message.email(Email(f"k{i}@example.no", "Hei", "tekst"), topic="bench",
                                            idempotency_key=f"bench-{i}", masked_to="k***@example.no")
                              for i in range(n)])


def run(engine_url: str, sizes: list[int], *, send_ms: float = 10.0,
        workers: tuple[int, ...] = (1, 2, 4)) -> list[dict[str, Any]]:
    out = []
    for n in sizes:
        for k in workers:
            reg = open_fresh(engine_url, label="workers")
            url = reg.engine.url.render_as_string(hide_password=False)
            try:
                queue(reg, n)
                with tempfile.TemporaryDirectory() as tmp:
                    log = os.path.join(tmp, "sent.log")
                    start = time.perf_counter()
                    procs = [subprocess.Popen([sys.executable, "-c", WORKER, str(POLICY), url, log, str(send_ms)])
                             for _ in range(k)]
                    codes = [p.wait() for p in procs]
                    took = time.perf_counter() - start
                    sent = Counter(Path(log).read_text().split()) if Path(log).exists() else Counter()
                assert codes == [0] * k, codes
                with reg.engine.connect() as c:
                    from sqlalchemy import func, select

                    from personvern.register import schema as t
                    pending = c.execute(select(func.count()).select_from(t.outbox)
                                        .where(t.outbox.c.status != "delivered")).scalar_one()
                out.append({"path": f"outbox delivery, {k} worker{'s' if k > 1 else ''}",
                            "engine": reg.engine.dialect.name, "size": n, "raw_s": None, "personvern_s": took,
                            "ratio": None, "per_second": n / took, "send_ms": send_ms,
                            "delivered": len(sent), "duplicates": sum(v - 1 for v in sent.values() if v > 1),
                            "not_delivered": int(pending)})
            finally:
                drop(reg)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pg", default=None)
    ap.add_argument("--messages", type=int, default=2000)
    ap.add_argument("--send-ms", type=float, default=10.0)
    args = ap.parse_args()
    for url in engines(args.pg):
        for row in run(url, [args.messages], send_ms=args.send_ms):
            print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
