"""Alembic migrations, run from code: ``Register.open`` upgrades to head unless told not to.

A database already at head is recognised without importing Alembic: the head revision is read from the
migration files and compared with ``alembic_version`` in one SELECT. Every ``personvern serve`` and
``personvern worker`` opens the register, and Alembic (with the SQLAlchemy ORM it pulls in) is ~17 MB of
resident memory that a process at head never needs (issue 13). Anything unexpected goes to Alembic.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

if TYPE_CHECKING:
    from alembic.config import Config

HERE = Path(__file__).parent / "migrations"
_REVISION = re.compile(r"^(down_revision|revision)\s*(?::[^=]*)?=\s*(.+?)\s*$", re.MULTILINE)


def config(engine: Engine) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    if revision == "head" and at_head(engine):
        return
    from alembic import command

    command.upgrade(config(engine), revision)


@cache
def head() -> str | None:
    """The one head revision of the migration files, or None when it cannot be told simply (then Alembic)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (HERE / "versions").glob("*.py"):
        found = {m.group(1): m.group(2) for m in _REVISION.finditer(path.read_text(encoding="utf-8"))}
        rev, down = found.get("revision", ""), found.get("down_revision", "None")
        if not re.fullmatch(r"['\"][\w-]+['\"]", rev) or not re.fullmatch(r"None|['\"][\w-]+['\"]", down):
            return None  # a merge revision (a tuple) or something unusual
        revisions.add(rev.strip("'\""))
        if down != "None":
            parents.add(down.strip("'\""))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def at_head(engine: Engine) -> bool:
    """Whether the database's ``alembic_version`` is the files' one head."""
    expected = head()
    if expected is None:
        return False
    try:
        with engine.connect() as conn:
            found = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    except SQLAlchemyError:
        return False  # a new database: no table yet
    return found == [expected]
