"""audit_reads journal; sweep keyset index; partial indexes on sealed order numbers and record holds (issue 13)

Revision ID: 0003_audit_reads
Revises: 0003_h12_erasure_records
Create Date: 2026-12-04 18:30:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0003_audit_reads'
down_revision = '0003_h12_erasure_records'
branch_labels = None
depends_on = None

_SEALED = "seal_ref IS NOT NULL"
_ON_RECORD = "record_id IS NOT NULL"


def upgrade() -> None:
    op.create_table('audit_reads',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('subject_ref', sa.String(length=36), nullable=True),
    sa.Column('purpose', sa.String(length=64), nullable=True),
    sa.Column('record_ids', sa.JSON(), nullable=True),
    sa.Column('details', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_reads'))
    )
    # the sweep walks (retention_until, id) by keyset: never from the start of the table again
    op.drop_index('ix_records_retention', table_name='records')
    op.create_index('ix_records_retention', 'records', ['retention_until', 'id'], unique=False)
    # almost every seal_ref is NULL: analysed SQLite stopped using a full index for the order-number lookup
    op.drop_index('ix_records_seal_ref', table_name='records')
    op.create_index('ix_records_seal_ref', 'records', ['seal_ref'], unique=False,
                    sqlite_where=sa.text(_SEALED), postgresql_where=sa.text(_SEALED))
    # most holds are on a whole subject: a full index on record_id is mostly NULLs, which analysed SQLite skips
    op.drop_index('ix_holds_record', table_name='holds')
    op.create_index('ix_holds_record', 'holds', ['record_id', 'lifted_at'], unique=False,
                    sqlite_where=sa.text(_ON_RECORD), postgresql_where=sa.text(_ON_RECORD))


def downgrade() -> None:
    op.drop_index('ix_holds_record', table_name='holds')
    op.create_index('ix_holds_record', 'holds', ['record_id', 'lifted_at'], unique=False)
    op.drop_index('ix_records_seal_ref', table_name='records')
    op.create_index('ix_records_seal_ref', 'records', ['seal_ref'], unique=False)
    op.drop_index('ix_records_retention', table_name='records')
    op.create_index('ix_records_retention', 'records', ['retention_until', 'state'], unique=False)
    op.drop_table('audit_reads')
