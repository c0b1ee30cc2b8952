"""Regenerate the newest Alembic migration from ``register/schema.py`` (development only).

    python3 scripts/regen_migration.py 0002 "requests consent contact web"

Deletes ``versions/<rev>_*.py``, upgrades a scratch SQLite database to the revision before it, and
autogenerates the revision again. Deterministic for the same schema.py, so it is safe to rerun.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from alembic import command

from personvern.register.engine import make_engine
from personvern.register.migrate import HERE, config


def main(rev: str, message: str) -> None:
    for old in (HERE / "versions").glob(f"{rev}_*.py"):
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'scratch.db'}")
        cfg = config(engine)
        command.upgrade(cfg, "head")
        command.revision(cfg, message=message, autogenerate=True, rev_id=rev)
        engine.dispose()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
