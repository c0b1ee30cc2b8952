"""login_failures: progressive delay and lockout of staff logins and API tokens (issue 18)

Revision ID: 0003_login_failures
Revises: 0003_audit_reads
"""

from alembic import op
import sqlalchemy as sa

revision = '0003_login_failures'
down_revision = '0003_audit_reads'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'login_failures',
        sa.Column('key_hash', sa.String(64), primary_key=True),
        sa.Column('kind', sa.String(8), nullable=False),
        sa.Column('label', sa.String(64)),
        sa.Column('failures', sa.Integer, nullable=False),
        sa.Column('last_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('locked_until', sa.DateTime(timezone=True)),
    )


def downgrade() -> None:
    op.drop_table('login_failures')
