"""What every benchmark module shares: databases, a loaded register per size, timing and the result row.

An *engine URL* names where a module may create its databases: ``sqlite:///<directory>`` (files inside it) or
``postgresql://host:port/db`` (throw-away schemas inside that database, dropped afterwards). A module's
``run(engine_url, sizes)`` returns rows made with :func:`row`.

``loaded(engine_url, size)`` gives a register of ``size`` synthetic TEK-Zence customers (bench/generate.py,
seed 1). The first call per engine and size imports the file once into a template; every call then gets its
own copy (a file copy on SQLite, ``INSERT … SELECT`` into a fresh schema on PostgreSQL), so a module may
delete what it likes.
"""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
TEK_ZENCE = ROOT / "examples" / "policies" / "tek-zence.yaml"
SEED = 1
KEY = bytes(range(32))  # a fixed master key: templates are copied between registers


@dataclass
class Config:
    """Set by ``python -m bench``: repeats of each measurement and operations sampled per repeat."""

    repeats: int = 3
    samples: int = 200
    work: Path = field(default_factory=lambda: Path(tempfile.gettempdir()))


CONFIG = Config()


def engine_name(url: str) -> str:
    return "postgresql" if url.startswith("postgresql") else "sqlite"


def row(path: str, engine: str, size: int | None, unit: str, ours: list[float], raw: list[float] | None,
        target: str, met: bool | None, note: str = "") -> dict[str, Any]:
    """One line of BENCHMARKS.md: samples of personvern and of the raw-SQL baseline (same unit)."""
    return {"path": path, "engine": engine, "size": size, "unit": unit, "ours": ours, "raw": raw or [],
            "target": target, "met": met, "note": note, "load": os.getloadavg()[0]}


def median(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


def pct(xs: list[float], p: float) -> float:
    if not xs:
        return float("nan")
    s = sorted(xs)
    return s[min(len(s) - 1, round(p / 100 * (len(s) - 1)))]


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


# -- databases ----------------------------------------------------------------------------------------------

def _psycopg(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


def _in_schema(url: str, schema: str) -> str:
    base = _psycopg(url)
    return f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"


@contextmanager
def database(engine_url: str) -> Iterator[str]:
    """A fresh, empty database of the engine; dropped afterwards."""
    if engine_name(engine_url) == "sqlite":
        folder = Path(engine_url.removeprefix("sqlite:///"))
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"bench-{uuid.uuid4().hex[:10]}.db"
        try:
            yield f"sqlite:///{path}"
        finally:
            for p in folder.glob(path.name + "*"):
                p.unlink()
        return
    schema = _create_schema(engine_url)
    try:
        yield _in_schema(engine_url, schema)
    finally:
        _drop_schema(engine_url, schema)


def _create_schema(engine_url: str) -> str:
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(_psycopg(engine_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    return schema


def _drop_schema(engine_url: str, schema: str) -> None:
    admin = create_engine(_psycopg(engine_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


def data_file(size: int) -> Path:
    """The generated import file of ``size`` customers (cached in the work folder for this run)."""
    path = CONFIG.work / f"customers-{size}-seed{SEED}.jsonl"
    if not path.exists():
        from bench.generate import generate

        tmp = path.with_suffix(".part")
        with tmp.open("w", encoding="utf-8") as f:
            generate(size, SEED, f)
        tmp.rename(path)
    return path


def open_register(url: str, clock: Callable[[], Any] | None = None) -> Any:
    from personvern.register import MasterKey, Register

    return Register.open(TEK_ZENCE, url, master_key=MasterKey(KEY), clock=clock) if clock else \
        Register.open(TEK_ZENCE, url, master_key=MasterKey(KEY))


_templates: dict[tuple[str, int], str] = {}


def _template(engine_url: str, size: int) -> str:
    """The URL of a register loaded with ``size`` customers, made once per engine and size."""
    if (engine_url, size) in _templates:
        return _templates[(engine_url, size)]
    from personvern.register.ingest import import_file

    if engine_name(engine_url) == "sqlite":
        folder = Path(engine_url.removeprefix("sqlite:///"))
        folder.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{folder / f'template-{size}.db'}"
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    else:
        url = _in_schema(engine_url, _create_schema(engine_url))
    with open_register(url) as reg:
        report = import_file(reg, data_file(size), batch=2000)
        assert not report.errors, report.errors[:3]
        with reg.engine.connect() as c:
            c.execute(text("ANALYZE"))
            c.commit()
    _templates[(engine_url, size)] = url
    return url


@contextmanager
def loaded(engine_url: str, size: int) -> Iterator[Any]:
    """An open Register with its own copy of ``size`` customers; dropped afterwards."""
    source = _template(engine_url, size)
    with database(engine_url) as url:
        if engine_name(engine_url) == "sqlite":
            shutil.copyfile(source.removeprefix("sqlite:///"), url.removeprefix("sqlite:///"))
        if engine_name(engine_url) == "postgresql":
            with open_register(url) as empty:  # the migrated, empty schema
                _copy_rows(source, empty.engine)
        reg = open_register(url)  # opened after the copy: it reads the template's keyring
        try:
            yield reg
        finally:
            reg.close()


def _copy_rows(source: str, engine: Any) -> None:
    """Every table of the template into the (empty, migrated) schema of ``engine``; sequences moved on."""
    from personvern.register import schema as t

    src_schema = source.rsplit("%3D", 1)[1]
    with engine.begin() as c:
        dst_schema = c.execute(text("SELECT current_schema()")).scalar_one()
        tables = [tb.name for tb in t.metadata.sorted_tables]
        for name in reversed(tables):
            c.execute(text(f'DELETE FROM "{dst_schema}"."{name}"'))  # rows the migration seeded (keyring)
        for name in tables:
            c.execute(text(f'INSERT INTO "{dst_schema}"."{name}" SELECT * FROM "{src_schema}"."{name}"'))
            seq = c.execute(text("SELECT pg_get_serial_sequence(:t, 'id')"),
                            {"t": f'"{dst_schema}"."{name}"'}).scalar() if "id" in t.metadata.tables[
                name].c else None
            if seq:
                c.execute(text(f'SELECT setval(:s, COALESCE((SELECT max(id) FROM "{dst_schema}"."{name}"), 0) + 1, '
                               'false)'), {"s": seq})
    with engine.connect() as c:
        c.execute(text("ANALYZE"))
        c.commit()


def cleanup() -> None:
    """Drop the templates made in this run (these and ``bench.hotdata``'s)."""
    import sys

    hot = sys.modules.get("bench.hotdata")
    if hot is not None:
        hot.drop_templates()
    for (engine_url, _), url in list(_templates.items()):
        if engine_name(engine_url) == "postgresql":
            _drop_schema(engine_url, url.rsplit("%3D", 1)[1])
        else:
            Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    _templates.clear()
