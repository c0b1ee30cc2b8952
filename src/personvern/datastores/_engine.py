"""Engines for business databases: URL from the environment, real transactions on SQLite, reflection."""

from __future__ import annotations

import os
from typing import Any

from sqlalchemy import Engine, MetaData, create_engine, event

from personvern.errors import DatastoreError
from personvern.policy.datastores import Datastore

_DRIVERS = {"postgresql": "postgresql+psycopg", "postgres": "postgresql+psycopg",
            "mysql": "mysql+pymysql", "mariadb": "mysql+pymysql"}


def normalise_url(url: str) -> str:
    """``postgresql://`` → psycopg 3, ``mysql://`` / ``mariadb://`` → PyMySQL (pure Python, no C client)."""
    scheme, sep, rest = url.partition("://")
    return f"{_DRIVERS.get(scheme, scheme)}{sep}{rest}"


def url_of(store: Datastore) -> str:
    url = os.environ.get(store.url_env, "")
    if not url:
        raise DatastoreError(f"datastore '{store.name}': the environment variable {store.url_env} is not set",
                             field=store.url_env)
    return url


def engine_for(url: str) -> Engine:
    """An engine whose transactions are real transactions on every engine (SQLite included: pysqlite would
    otherwise run reads outside any transaction, and an access copy would not be one snapshot)."""
    url = normalise_url(url)
    if url not in _ENGINES:
        _ENGINES[url] = _create(url)
    return _ENGINES[url]


_ENGINES: dict[str, Engine] = {}


def _create(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"isolation_level": None})

        @event.listens_for(engine, "connect")
        def _connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.execute("PRAGMA foreign_keys = ON")

        @event.listens_for(engine, "begin")
        def _begin(conn: Any) -> None:
            conn.exec_driver_sql("BEGIN")

        return engine
    return create_engine(url, pool_pre_ping=True)


def dispose_all() -> None:
    """Close every pooled connection (tests dropping their databases)."""
    from personvern.datastores import _BOUND

    _BOUND.clear()
    while _ENGINES:
        _ENGINES.popitem()[1].dispose()


def reflect(engine: Engine, tables: list[str]) -> MetaData:
    """The named tables as the database has them (columns, keys, foreign keys); missing ones are absent."""
    from sqlalchemy import inspect

    present = set(inspect(engine).get_table_names())
    meta = MetaData()
    meta.reflect(engine, only=[t for t in tables if t in present], resolve_fks=False)
    return meta
