"""Alembic environment: the engine comes from ``personvern.register.migrate``."""

from alembic import context

from personvern.register.schema import metadata

engine = context.config.attributes["engine"]
with engine.begin() as connection:
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
