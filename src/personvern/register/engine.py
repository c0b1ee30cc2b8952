"""Engines for SQLite (the embedded default) and PostgreSQL (production, psycopg 3)."""

from __future__ import annotations

import os
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

DEFAULT_URL = "sqlite:///personvern.db"


def database_url(explicit: str | None = None) -> str:
    """``--db`` wins, then ``PERSONVERN_DATABASE_URL``, then an SQLite file in the working directory."""
    url = explicit or os.environ.get("PERSONVERN_DATABASE_URL") or DEFAULT_URL
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    # No pre-ping: it cost a round trip on every checkout, several per web request (issue 13). A connection the
    # server dropped fails its next use, which invalidates the whole pool; recycling after 30 minutes keeps
    # idle connections from meeting server-side timeouts in the first place.
    return create_engine(url, pool_pre_ping=False, pool_recycle=1800)
