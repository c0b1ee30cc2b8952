"""Access and erasure requests end to end (open, verify, answer) against the same work in raw SQL.

personvern: ``open_request`` → ``verify`` → ``answer_access`` (register copy as JSON and HTML, stored
encrypted; the PDF waits for its first download) or ``erase`` (ground d). Raw SQL: insert the request, mark it
verified, read the subject's identifiers and records (access) or delete its rows (erasure), store a result
row and complete the request: the same round trips with no policy, audit, encryption or hold.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import text

from bench._common import CONFIG, engine_name, loaded, median, pct, row, timed

ACCESS_TARGET_MS = 30.0
ERASURE_TARGET_MS = 15.0


def run(engine_url: str, sizes: list[int]) -> list[dict[str, Any]]:
    out = []
    for size in sizes:
        with loaded(engine_url, size) as reg:
            with reg.engine.connect() as c:
                subjects = c.execute(text("SELECT id, ref FROM subjects ORDER BY id")).all()
            n = min(len(subjects) // 4, CONFIG.samples // 4 + 1)
            picked = random.Random(size).sample(subjects, 4 * n)  # ours and raw never touch the same subject
            for k, (name, ours_fn, raw_fn, target) in enumerate((
                    ("access request e2e", _access, _raw_access, ACCESS_TARGET_MS),
                    ("erasure request e2e", _erasure, _raw_erasure, ERASURE_TARGET_MS))):
                ours, raw = [], []
                mine, theirs = picked[2 * k * n:(2 * k + 1) * n], picked[(2 * k + 1) * n:(2 * k + 2) * n]
                for (_, ref), (sid, _) in zip(mine, theirs, strict=True):
                    ours.append(timed(lambda ref=ref, f=ours_fn: f(reg, ref))[0] * 1000)
                    raw.append(timed(lambda sid=sid, f=raw_fn: f(reg, sid))[0] * 1000)
                ours, raw = ours[1:], raw[1:]  # the first of each warms caches (templates, plans)
                out.append(row(name, engine_name(engine_url), size, "ms", ours, raw, f"≤ {target:g} ms",
                               median(ours) <= target, f"p99 {pct(ours, 99):.1f} ms over {len(ours)} requests"))
    return out


def _access(reg: Any, ref: str) -> None:
    from personvern.rights import handle
    from personvern.rights import requests as rq

    v = rq.open_request(reg, "access", subject=ref, channel="email")
    rq.verify(reg, v.ref, method="email_code", by="subject")
    handle.answer_access(reg, v.ref, by="bench")


def _erasure(reg: Any, ref: str) -> None:
    from personvern.rights import handle
    from personvern.rights import requests as rq

    v = rq.open_request(reg, "erasure", subject=ref, channel="email")
    rq.verify(reg, v.ref, method="email_code", by="subject")
    handle.erase(reg, v.ref, ground="d", by="bench")


def _open_raw(c: Any, sid: int, kind: str) -> int:
    now = datetime.now(UTC)
    c.execute(text("INSERT INTO requests (ref, kind, subject_id, subject_ref, status, channel, received_at, due_on, "
                   "details) VALUES (:ref, :kind, :sid, :ref, 'received', 'email', :now, :due, '{}')"),
              {"ref": str(uuid.uuid4()), "kind": kind, "sid": sid, "now": now, "due": date(2030, 1, 1)})
    return int(c.execute(text("SELECT max(id) FROM requests")).scalar_one())


def _raw_access(reg: Any, sid: int) -> None:
    with reg.engine.begin() as c:
        rid = _open_raw(c, sid, "access")
    with reg.engine.begin() as c:
        c.execute(text("UPDATE requests SET status = 'verified' WHERE id = :id"), {"id": rid})
    with reg.engine.begin() as c:
        ids = c.execute(text("SELECT kind, value FROM identifiers WHERE subject_id = :s"), {"s": sid}).all()
        recs = c.execute(text("SELECT * FROM records WHERE subject_id = :s"), {"s": sid}).all()
        body = repr((ids, recs)).encode()
        c.execute(text("INSERT INTO request_artifacts (request_id, name, media_type, body, created_at) "
                       "VALUES (:r, 'copy.json', 'application/json', :b, :now)"),
                  {"r": rid, "b": body, "now": datetime.now(UTC)})
        c.execute(text("UPDATE requests SET status = 'completed' WHERE id = :id"), {"id": rid})


def _raw_erasure(reg: Any, sid: int) -> None:
    with reg.engine.begin() as c:
        rid = _open_raw(c, sid, "erasure")
    with reg.engine.begin() as c:
        c.execute(text("UPDATE requests SET status = 'verified' WHERE id = :id"), {"id": rid})
    with reg.engine.begin() as c:
        for table in ("events", "identifiers", "records", "subject_keys"):
            c.execute(text(f"DELETE FROM {table} WHERE subject_id = :s"), {"s": sid})
        c.execute(text("UPDATE requests SET subject_id = NULL, status = 'completed' WHERE id = :id"), {"id": rid})
        c.execute(text("DELETE FROM subjects WHERE id = :s"), {"s": sid})
