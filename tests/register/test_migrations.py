"""The Alembic migrations build exactly the tables ``register/schema.py`` declares, on both engines."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from personvern.register.engine import make_engine
from personvern.register.migrate import upgrade
from personvern.register.schema import metadata


def test_upgrade_to_head_matches_the_schema(empty_db_url: str) -> None:
    engine = make_engine(empty_db_url)
    upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    engine.dispose()
    assert diff == []
