"""erasure ledger: the records each erasure deleted, sealed and kept (issue 12)

Revision ID: 0003_h12_erasure_records
Revises: 0002
Create Date: 2026-12-04 18:30:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0003_h12_erasure_records'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('erasures') as batch:
        batch.add_column(sa.Column('records', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('erasures') as batch:
        batch.drop_column('records')
