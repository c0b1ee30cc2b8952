"""MariaDB shop databases for the test suite, reused across sessions instead of made and dropped each time.

MariaDB has no template databases, so a new shop is ``CREATE TABLE`` × 93 (oscar's schema): 3-5 s on a
loaded 2-core machine (each InnoDB table is a file and a data-dictionary write), and its ``DROP DATABASE``
another 1.5-2 s. A test session takes pool databases ``pv_shop_pool_<oscar version>_<n>`` instead, each held
by a file lock while in use (so xdist workers and parallel sessions never share one), and resets one to the
template's state when it takes it: tables a test added are dropped, tables whose columns or indexes differ
from the template's are made again, every table that holds a row is emptied (found by one ``EXISTS`` query
over all tables), the rows the migrations wrote are copied back and the AUTO_INCREMENT counters set to the
template's. Released at the end of the session, the database stays for the next one.
"""

from __future__ import annotations

import fcntl
from typing import IO, Any

from sqlalchemy import Connection, create_engine, text

SEEDED = ("django_migrations", "django_content_type", "auth_permission", "django_site")
SLOTS = 64
_held: dict[str, IO[str]] = {}


def take(engine_url: str, template: str, cache: Any, driver: Any, with_db: Any) -> str:
    """A pool database in the template's state, locked for this process until ``release``; returns its name."""
    for n in range(SLOTS):
        name = f"pv_shop_pool_{template.removeprefix('pv_oscar_')}_{n}"
        f = open(cache / f"{name}.lock", "w")  # noqa: SIM115 - held open until release: it is the lock
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            f.close()
            continue
        _held[name] = f
        admin = create_engine(driver(with_db(engine_url, template)), isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as c:
                _reset(c, template, name)
        except BaseException:
            release(name)
            raise
        finally:
            admin.dispose()
        return name
    raise RuntimeError(f"all {SLOTS} pool databases are in use")


def release(name: str) -> bool:
    """Unlock a pool database (it stays, for the next session); False if ``name`` is not one this process holds."""
    f = _held.pop(name, None)
    if f is None:
        return False
    fcntl.flock(f, fcntl.LOCK_UN)
    f.close()
    return True


def _tables(c: Connection, schema: str) -> dict[str, str]:
    """table → signature (its columns and indexes), to see whether a test changed one. Flat GROUP BY queries:
    correlated subqueries over information_schema take seconds on MariaDB."""
    c.execute(text("SET SESSION group_concat_max_len = 1000000"))
    found = {r[0]: "" for r in c.execute(text(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = :s AND table_type = 'BASE TABLE'"),
        {"s": schema})}
    for query in (
            "SELECT table_name, GROUP_CONCAT(CONCAT_WS(':', column_name, column_type, is_nullable, extra) "
            "ORDER BY ordinal_position SEPARATOR ',') FROM information_schema.columns WHERE table_schema = :s "
            "GROUP BY table_name",
            "SELECT table_name, GROUP_CONCAT(CONCAT_WS(':', index_name, seq_in_index, column_name, non_unique) "
            "ORDER BY index_name, seq_in_index SEPARATOR ',') FROM information_schema.statistics "
            "WHERE table_schema = :s GROUP BY table_name"):
        for name, signature in c.execute(text(query), {"s": schema}):
            if name in found:
                found[name] += f"|{signature}"
    return found


def _counters(c: Connection, schema: str) -> dict[str, int | None]:
    rows = c.execute(text("SELECT table_name, auto_increment FROM information_schema.tables "
                          "WHERE table_schema = :s AND table_type = 'BASE TABLE'"), {"s": schema})
    return {r[0]: r[1] for r in rows}


def _reset(c: Connection, template: str, name: str) -> None:
    want = _tables(c, template)
    c.execute(text(f"CREATE DATABASE IF NOT EXISTS `{name}` CHARACTER SET utf8mb4"))
    c.execute(text(f"USE `{name}`"))
    c.execute(text("SET FOREIGN_KEY_CHECKS = 0"))
    have = _tables(c, name)
    for table in sorted(set(have) - set(want)):  # added by a test
        c.execute(text(f"DROP TABLE `{table}`"))
    for table in sorted(want):
        if have.get(table) != want[table]:  # missing, or its columns or indexes changed
            if table in have:
                c.execute(text(f"DROP TABLE `{table}`"))
            ddl = c.execute(text(f"SHOW CREATE TABLE `{template}`.`{table}`")).one()[1]
            c.execute(text(ddl))
    probe = " UNION ALL ".join(f"SELECT '{t}' FROM DUAL WHERE EXISTS (SELECT 1 FROM `{name}`.`{t}`)" for t in want)
    filled = {r[0] for r in c.execute(text(probe))}
    seeded = {t for t in want if t in SEEDED} | {
        r[0] for r in c.execute(text(probe.replace(f"`{name}`.", f"`{template}`.")))}
    for table in sorted(filled | seeded):
        c.execute(text(f"DELETE FROM `{table}`"))
    for table in sorted(seeded):
        c.execute(text(f"INSERT INTO `{table}` SELECT * FROM `{template}`.`{table}`"))
    counters = _counters(c, template)
    for table, value in _counters(c, name).items():
        if value != counters.get(table) and counters.get(table) is not None:
            c.execute(text(f"ALTER TABLE `{table}` AUTO_INCREMENT = {int(counters[table] or 1)}"))
    c.execute(text("SET FOREIGN_KEY_CHECKS = 1"))
