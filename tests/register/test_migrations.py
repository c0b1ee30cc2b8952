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


def test_a_register_at_head_opens_without_importing_alembic(db_url: str) -> None:
    """Issue 13: serve and worker processes do not carry Alembic (~17 MB) when there is nothing to migrate."""
    import subprocess
    import sys
    from pathlib import Path

    from personvern.register import MasterKey, Register
    from personvern.register.migrate import at_head, head

    policy = Path(__file__).resolve().parents[2] / "examples" / "policies" / "tek-zence.yaml"
    key = MasterKey.generate()
    with Register.open(policy, db_url, master_key=key) as reg:
        assert head() is not None and at_head(reg.engine)
    code = ("import sys, base64; from personvern.register import Register, MasterKey; "
            f"Register.open({str(policy)!r}, {db_url!r}, master_key=MasterKey({key.key!r})).close(); "
            "print('alembic' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
