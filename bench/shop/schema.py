"""django-oscar's schema, migrated once per engine with oscar's own migrations and copied per test.

- SQLite: the migrated file is cached under the system temp folder and copied.
- PostgreSQL: the migrated database ``pv_oscar_<version>`` is the TEMPLATE of each new database.
- MariaDB: the migrated database ``pv_oscar_<version>`` is copied table by table (SHOW CREATE TABLE, then
  INSERT ... SELECT for the rows the migrations wrote), MariaDB having no template databases; 93 InnoDB tables
  take 3-5 s to create on a loaded machine, so the test suite asks for ``pooled`` databases instead
  (bench/shop/pool.py: reused across sessions, reset to the template's state in well under a second).
Running Django's migrations takes 10-60 s per engine; a copy takes well under a second (SQLite, PostgreSQL).
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import oscar
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[2]
VERSION = "_".join(str(p) for p in oscar.VERSION[:3])
TEMPLATE = f"pv_oscar_{VERSION}"
CACHE = Path(tempfile.gettempdir()) / "personvern-shop"


def _migrate(url: str) -> None:
    """Run oscar's migrations in a fresh process (Django configures itself once per process)."""
    env = {**os.environ, "SHOP_DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "bench.shop.django_settings",
           "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    subprocess.run([sys.executable, "-m", "django", "migrate", "-v0", "--no-input"], env=env, check=True,
                   cwd=ROOT)


@contextmanager
def _lock(name: str) -> Iterator[None]:
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE / f"{name}.lock", "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _with_db(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}", query=""))


def _driver(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    scheme = {"postgresql": "postgresql+psycopg", "mysql": "mysql+pymysql", "mariadb": "mysql+pymysql"}.get(
        scheme, scheme)
    return f"{scheme}{sep}{rest}"


def new_shop(engine_url: str, workdir: Path, *, pooled: bool = False) -> str:
    """A new, empty (migrated) oscar database on the engine of ``engine_url``; returns its URL.

    ``engine_url``: ``sqlite`` or a server URL (postgresql://127.0.0.1:5432/test, mysql://root@127.0.0.1/test).
    ``pooled`` (MariaDB): a pool database reset to the template's state, held until ``drop_shop``.
    """
    if engine_url == "sqlite" or engine_url.startswith("sqlite"):
        cached = CACHE / f"{TEMPLATE}.sqlite"
        with _lock(TEMPLATE + "-sqlite"):
            if not cached.exists():
                partial = cached.with_suffix(".partial")
                partial.unlink(missing_ok=True)
                _migrate(f"sqlite:///{partial}")
                partial.rename(cached)
        target = workdir / f"shop-{uuid.uuid4().hex[:8]}.sqlite"
        shutil.copyfile(cached, target)
        return f"sqlite:///{target}"
    name = f"pv_shop_{uuid.uuid4().hex[:12]}"
    if engine_url.startswith("postgres"):
        _pg_template(engine_url)
        admin = create_engine(_driver(engine_url), isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE}"'))
        admin.dispose()
        return _with_db(engine_url, name)
    _mariadb_template(engine_url)
    if pooled:
        from bench.shop import pool

        return _with_db(engine_url, pool.take(engine_url, TEMPLATE, CACHE, _driver, _with_db))
    _mariadb_copy(engine_url, name)
    return _with_db(engine_url, name)


def drop_shop(engine_url: str, url: str) -> None:
    if url.startswith("sqlite"):
        return
    name = urlsplit(url).path.lstrip("/")
    from bench.shop import pool

    if pool.release(name):  # a pool database stays for the next session
        return
    admin = create_engine(_driver(engine_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        if engine_url.startswith("postgres"):
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        else:
            c.execute(text(f"DROP DATABASE IF EXISTS `{name}`"))
    admin.dispose()


def _pg_template(engine_url: str) -> None:
    with _lock(TEMPLATE + "-pg"):
        admin = create_engine(_driver(engine_url), isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            ready = c.execute(text("SELECT datistemplate FROM pg_database WHERE datname = :n"),
                              {"n": TEMPLATE}).scalar()
            if not ready:
                c.execute(text(f'DROP DATABASE IF EXISTS "{TEMPLATE}" WITH (FORCE)'))
                c.execute(text(f'CREATE DATABASE "{TEMPLATE}"'))
                _migrate(_with_db(engine_url, TEMPLATE))
                c.execute(text(f"UPDATE pg_database SET datistemplate = true WHERE datname = '{TEMPLATE}'"))
        admin.dispose()


def _mariadb_template(engine_url: str) -> None:
    marker = f"{TEMPLATE}_ready"
    with _lock(TEMPLATE + "-mariadb"):
        admin = create_engine(_driver(engine_url), isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            if c.execute(text("SELECT 1 FROM information_schema.schemata WHERE schema_name = :n"),
                         {"n": marker}).scalar():
                return
            c.execute(text(f"DROP DATABASE IF EXISTS `{TEMPLATE}`"))
            c.execute(text(f"CREATE DATABASE `{TEMPLATE}` CHARACTER SET utf8mb4"))
            _migrate(_with_db(engine_url, TEMPLATE))
            c.execute(text(f"CREATE DATABASE `{marker}`"))
        admin.dispose()


def _mariadb_copy(engine_url: str, name: str) -> None:
    admin = create_engine(_driver(_with_db(engine_url, TEMPLATE)), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        tables = [r[0] for r in c.execute(text(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = :s AND table_type = 'BASE TABLE'"),
            {"s": TEMPLATE})]
        filled = [r[0] for r in c.execute(text(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = :s AND table_rows > 0"),
            {"s": TEMPLATE})]
        creates = [c.execute(text(f"SHOW CREATE TABLE `{TEMPLATE}`.`{t}`")).one()[1] for t in tables]
        c.execute(text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4"))
        c.execute(text(f"USE `{name}`"))
        c.execute(text("SET FOREIGN_KEY_CHECKS = 0"))
        for ddl in creates:
            c.execute(text(ddl))
        for t in tables:
            if t in filled or t in ("django_migrations", "django_content_type", "auth_permission", "django_site"):
                c.execute(text(f"INSERT INTO `{name}`.`{t}` SELECT * FROM `{TEMPLATE}`.`{t}`"))
        c.execute(text("SET FOREIGN_KEY_CHECKS = 1"))
    admin.dispose()
