"""A reviewer who declares a conflict says why; managers read the reason beside the recusal

Revision ID: 7e2f3a9b5c14
Revises: 6c1d2e8f4a90
Create Date: 2026-11-25 22:40:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '7e2f3a9b5c14'
down_revision = '6c1d2e8f4a90'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('conflict_reason', sa.Text(), server_default='', nullable=False))


def downgrade():
    # dropped in place (SQLite 3.35+), not by copying a table that others refer to
    op.drop_column('assignments', 'conflict_reason')
