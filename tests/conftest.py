"""Fixtures shared by the whole suite. Few and composable (STYLE.md habit 13).

Every test that touches a database gets its own: a fresh SQLite file, or — when
PERSONVERN_TEST_DATABASE_URL names a PostgreSQL server — a fresh schema on it, dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
POLICIES = ROOT / "examples" / "policies"
PG_URL = os.environ.get("PERSONVERN_TEST_DATABASE_URL", "")


def pytest_report_header() -> str:
    return f"personvern database: {'postgresql ' + PG_URL if PG_URL else 'sqlite'}"


@pytest.fixture
def db_url(tmp_path: Path) -> Iterator[str]:
    """A URL to an empty database of the engine under test."""
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


@pytest.fixture
def policy_path() -> Path:
    """TEK-Zence's policy: the default company of the demo and of most register tests."""
    return POLICIES / "tek-zence.yaml"
