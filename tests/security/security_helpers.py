"""Shared by the security tests: real-looking personal data, and taking and restoring a database backup.

A backup is what an operator has: on SQLite a copy of the database file (sqlite3's online backup, which
is consistent under WAL); on PostgreSQL a copy of every table of the register's schema into a second schema.
Restoring puts those rows back, as a restore from the backup would.
"""

from __future__ import annotations

import re
import sqlite3
import uuid
from pathlib import Path

from sqlalchemy import Engine, text

from personvern.register.schema import metadata

FNR = "15076500565"  # a valid fødselsnummer (check digits), not a real person's as far as we know
FNR_SPACED = "150765 00565"
EMAIL = "kari.nordmann@example.no"
PHONE = "+47 975 27 747"
PHONE_COMPACT = "97527747"
NAME = "Kari Nordmann"
LEAKS = [FNR, FNR_SPACED, EMAIL, EMAIL.split("@")[0], PHONE, PHONE_COMPACT, "975 27 747", NAME]


def leaked(text_: str) -> list[str]:
    """The personal values of this module that appear in ``text_`` (the e-mail's local part counts)."""
    compact = re.sub(r"\s", "", text_)
    return [v for v in LEAKS if v in text_ or (re.sub(r"\s", "", v) in compact and v[0].isdigit())]


class Backup:
    """A copy of the register's database taken now; :meth:`restore` puts it back over the live one."""

    def __init__(self, engine: Engine, tmp: Path) -> None:
        self.engine = engine
        self.sqlite = engine.dialect.name == "sqlite"
        if self.sqlite:
            self.file = tmp / f"backup-{uuid.uuid4().hex[:8]}.db"
            with engine.connect() as conn:
                raw = conn.connection.driver_connection
                with sqlite3.connect(self.file) as dst:
                    raw.backup(dst)
                dst.close()
        else:
            self.schema = f"bak_{uuid.uuid4().hex[:12]}"
            with engine.begin() as conn:
                conn.execute(text(f'CREATE SCHEMA "{self.schema}"'))
                for table in metadata.sorted_tables:
                    conn.execute(text(f'CREATE TABLE "{self.schema}"."{table.name}" AS TABLE "{table.name}"'))

    def restore(self) -> None:
        tables = metadata.sorted_tables
        if self.sqlite:
            with self.engine.connect() as conn:
                raw = conn.connection.driver_connection
                raw.execute("ATTACH DATABASE ? AS bak", (str(self.file),))
                for table in reversed(tables):
                    raw.execute(f'DELETE FROM "{table.name}"')
                for table in tables:
                    raw.execute(f'INSERT INTO "{table.name}" SELECT * FROM bak."{table.name}"')
                raw.commit()
                raw.execute("DETACH DATABASE bak")
            return
        with self.engine.begin() as conn:
            for table in reversed(tables):
                conn.execute(text(f'DELETE FROM "{table.name}"'))
            for table in tables:
                conn.execute(text(f'INSERT INTO "{table.name}" SELECT * FROM "{self.schema}"."{table.name}"'))

    def drop(self) -> None:
        if not self.sqlite:
            with self.engine.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{self.schema}" CASCADE'))
            # the engine may be a register's that was already closed: using it opened a fresh pool, which
            # would otherwise leave its connection to the garbage collector (psycopg's __del__ warning)
            self.engine.dispose()

    def rows(self, table: str) -> list[dict[str, object]]:
        """Rows of one table as they are in the backup (what an attacker holding the copy would read)."""
        if self.sqlite:
            with sqlite3.connect(self.file) as conn:
                conn.row_factory = sqlite3.Row
                found = [dict(r) for r in conn.execute(f'SELECT * FROM "{table}"')]
            conn.close()
            return found
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(text(f'SELECT * FROM "{self.schema}"."{table}"'))]
