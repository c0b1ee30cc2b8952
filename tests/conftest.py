"""Fixtures shared by the whole suite. Few and composable (STYLE.md habit 13).

Every test that touches a database gets its own: a fresh SQLite file, or — when
PERSONVERN_TEST_DATABASE_URL names a PostgreSQL server — a fresh schema on it, dropped afterwards.
"""

from __future__ import annotations

import functools
import os
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import create_engine, text

from personvern.register import MasterKey, Register

ROOT = Path(__file__).resolve().parent.parent
POLICIES = ROOT / "examples" / "policies"
PG_URL = os.environ.get("PERSONVERN_TEST_DATABASE_URL", "")

# CI machines have 2 cores shared by two xdist workers: generation speed is not what these tests check.
settings.register_profile("personvern", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("personvern")


def pytest_report_header() -> str:
    return f"personvern database: {'postgresql ' + PG_URL if PG_URL else 'sqlite'}"


@pytest.fixture
def empty_db_url(tmp_path: Path) -> Iterator[str]:
    """A URL to an empty database of the engine under test (no tables)."""
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'personvern.db'}"
        return
    base = PG_URL.replace("postgresql://", "postgresql+psycopg://", 1)
    schema = f"pv_{uuid.uuid4().hex[:16]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@functools.cache
def _head_revision() -> str:
    from alembic.script import ScriptDirectory

    from personvern.register.migrate import HERE

    head = ScriptDirectory(str(HERE)).get_current_head()
    assert head is not None
    return head


@pytest.fixture
def db_url(empty_db_url: str) -> str:
    """A URL to a database of the engine under test holding the register's tables at the migrations' head.

    The tables come from ``schema.metadata`` and the revision is stamped, which is several times faster than
    running the migrations for every test; tests/register/test_migrations.py proves the migrations build
    exactly these tables (it uses ``empty_db_url``)."""
    from sqlalchemy import Column, MetaData, String, Table

    from personvern.register.schema import metadata

    engine = create_engine(empty_db_url.replace("postgresql://", "postgresql+psycopg://", 1))
    version = Table("alembic_version", MetaData(), Column("version_num", String(32), primary_key=True))
    with engine.begin() as conn:
        metadata.create_all(conn, checkfirst=False)
        version.create(conn)
        conn.execute(version.insert().values(version_num=_head_revision()))
    engine.dispose()
    return empty_db_url


@pytest.fixture
def policy_path() -> Path:
    """TEK-Zence's policy: the default company of the demo and of most register tests."""
    return POLICIES / "tek-zence.yaml"


class Clock:
    """A settable clock: the test seam for 'now' (STYLE.md habit 15)."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def set(self, day: date) -> None:
        self.now = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


TEST_KEY = MasterKey(bytes(range(32)))


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 1, 5, 12, tzinfo=UTC))


@pytest.fixture
def open_register(db_url: str, clock: Clock) -> Iterator[Callable[[str], Register]]:
    """Open a register on the test database for one of the example companies."""
    opened: list[Register] = []

    def _open(company: str = "tek-zence") -> Register:
        reg = Register.open(POLICIES / f"{company}.yaml", db_url, master_key=TEST_KEY, clock=clock)
        opened.append(reg)
        return reg

    yield _open
    for reg in opened:
        reg.close()


@pytest.fixture
def reg(open_register: Callable[[str], Register]) -> Register:
    """TEK-Zence's register on a fresh database."""
    return open_register("tek-zence")
