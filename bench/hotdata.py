"""A register of N customers loaded fast and deterministically, for the hot-path benchmarks (issue 13).

    reg = open_fresh(engine_url)           # a new SQLite file or PostgreSQL schema, migrated
    info = load(reg, 100_000, seed=1)      # subjects, identifiers, keys, records, holds
    with cloned(engine_url, 100_000) as reg:   # a copy of a template loaded once per engine and size
        ...

Every subject has a mobile number (+47 9…, unique), a customer number and a wrapped key, so the register's own
paths (lookup, sweep, erasure) work on the data; ``records_per`` records each, of which ``due`` (default 10 %)
are past their retention on ``AS_OF``, spread at random over the ids (so a sweep that walks the primary key
meets the kept rows between them); ``held`` (default 1 %) of the subjects carry a legal-claim hold, so some due
rows must stay. Rows go in with set-based executemany, not through the policy checks: this is a fixture, not
an ingest benchmark (h13b's ``bench/ingest`` measures that).
"""

from __future__ import annotations

import os
import random
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, insert, text

from personvern.register import MasterKey, Register
from personvern.register import schema as t
from personvern.register.crypto import encrypt

ROOT = Path(__file__).resolve().parent.parent
POLICY = ROOT / "examples" / "policies" / "tek-zence.yaml"
AS_OF = date(2026, 6, 1)
KEY = MasterKey(bytes(range(32)))
PURPOSES = ("customer_service", "bookkeeping", "complaints")


def phone_of(i: int) -> str:
    """The i-th customer's mobile number, 8 digits (unique for i < 10**7: 7919 is prime to 10**7)."""
    return f"9{(i * 7919) % 10**7:07d}"


def open_fresh(engine_url: str, *, label: str = "bench") -> Register:
    """A migrated register in a new SQLite file (``sqlite``/``sqlite:///dir``) or a new PostgreSQL schema."""
    if engine_url.startswith("sqlite"):
        folder = engine_url.removeprefix("sqlite:///") if engine_url.startswith("sqlite:///") else ""
        folder = folder or tempfile.mkdtemp(prefix="pv-bench-")
        Path(folder).mkdir(parents=True, exist_ok=True)
        path = Path(folder) / f"{label}-{uuid.uuid4().hex[:8]}.db"
        url = f"sqlite:///{path}"
    else:
        base = engine_url.replace("postgresql://", "postgresql+psycopg://", 1)
        schema = f"pvb_{label}_{uuid.uuid4().hex[:8]}"
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            c.execute(text(f'CREATE SCHEMA "{schema}"'))
        admin.dispose()
        url = f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    return Register.open(POLICY, url, master_key=KEY)


def drop(reg: Register) -> None:
    """Remove what :func:`open_fresh` made."""
    url = reg.engine.url
    reg.close()
    if url.get_backend_name() == "sqlite":
        for suffix in ("", "-wal", "-shm", ".key"):
            Path(f"{url.database}{suffix}").unlink(missing_ok=True)
        return
    schema = str(url.query.get("options", "")).split("%3D")[-1].split("=")[-1]
    admin = create_engine(url.set(query={}), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


def load(reg: Register, n: int, *, seed: int = 1, due: float = 0.10, held: float = 0.01, records_per: int = 3,
         batch: int = 5000, start: int = 0) -> dict[str, Any]:
    """Insert customers ``start .. start+n-1``; returns counts (subjects, records, due, held, due_held)."""
    rng = random.Random(seed * 1_000_003 + start)
    now = datetime(2026, 5, 1, 12, tzinfo=UTC)
    counts = {"subjects": 0, "records": 0, "due": 0, "held_subjects": 0, "due_held": 0}
    for lo in range(start, start + n, batch):
        hi = min(lo + batch, start + n)
        with reg.transaction() as c:
            subjects = [{"ref": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "kind": "customer",
                         "created_at": now, "last_activity": AS_OF - timedelta(days=30)} for _ in range(lo, hi)]
            sids = list(c.execute(insert(t.subjects).returning(t.subjects.c.id, sort_by_parameter_order=True),
                                  subjects).scalars())
            keys = reg.keys.create_subject_keys(c, sids)
            idents, records, holds = [], [], []
            for i, sid in zip(range(lo, hi), sids, strict=True):
                key = keys[sid]
                phone, number = "+47" + phone_of(i), f"K-{i:07d}"
                for kind, value, masked in (("phone", phone, f"+47 *** ** {phone[-3:]}"),
                                            ("customer_number", number, number)):
                    idents.append({"subject_id": sid, "kind": kind, "lookup": reg.keys.lookup(kind, value),
                                   "value": encrypt(key, value.encode(), kind.encode()), "masked": masked})
                is_held = rng.random() < held
                if is_held:
                    holds.append({"subject_id": sid, "kind": "legal_claim", "reason": "bench",
                                  "placed_by": "bench", "placed_at": now})
                    counts["held_subjects"] += 1
                for _ in range(records_per):
                    is_due = rng.random() < due
                    until = AS_OF - timedelta(days=rng.randrange(1, 3000)) if is_due else \
                        AS_OF + timedelta(days=rng.randrange(1, 3000))
                    counts["due"] += is_due
                    counts["due_held"] += is_due and is_held
                    records.append({"subject_id": sid, "purpose": rng.choice(PURPOSES), "categories": ["user.name"],
                                    "source": "bench", "payload": None, "state": "active",
                                    "collected_at": until - timedelta(days=1100), "retention_until": until,
                                    "updated_at": now})
            c.execute(insert(t.identifiers), idents)
            c.execute(insert(t.records), records)
            if holds:
                c.execute(insert(t.holds), holds)
        counts["subjects"] += hi - lo
        counts["records"] += len(records)
    with reg.engine.begin() as c:
        c.execute(text("ANALYZE"))
    return counts


_templates: dict[tuple[str, int], Register] = {}


@contextmanager
def cloned(engine_url: str, size: int) -> Iterator[Register]:
    """A register of its own holding a copy of ``size`` loaded customers (a file copy on SQLite, ``INSERT …
    SELECT`` into a fresh schema on PostgreSQL); the template is loaded once per engine and size and dropped by
    :func:`drop_templates`."""
    import shutil

    from bench._common import _copy_rows

    if (engine_url, size) not in _templates:
        template = open_fresh(engine_url, label=f"tpl{size}")
        load(template, size)
        template.close()
        _templates[(engine_url, size)] = template
    source = _templates[(engine_url, size)].engine.url
    reg = open_fresh(engine_url, label="copy")
    try:
        if source.get_backend_name() == "sqlite":
            target = reg.engine.url.database
            reg.close()
            for suffix in ("-wal", "-shm"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)
            shutil.copyfile(str(source.database), str(target))
        else:
            _copy_rows(source.render_as_string(hide_password=False), reg.engine)
            reg.close()
        copy = Register.open(POLICY, reg.engine.url.render_as_string(hide_password=False), master_key=KEY)
        try:
            yield copy
        finally:
            copy.close()
    finally:
        drop(reg)


def drop_templates() -> None:
    for template in _templates.values():
        drop(template)
    _templates.clear()


def engines(pg_url: str | None) -> list[str]:
    """SQLite always; PostgreSQL when a URL is given or ``PERSONVERN_BENCH_PG`` names one."""
    pg = pg_url or os.environ.get("PERSONVERN_BENCH_PG")
    return ["sqlite", *([pg] if pg else [])]
