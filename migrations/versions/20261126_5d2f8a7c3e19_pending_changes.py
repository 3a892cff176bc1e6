"""While the fund waits for the changes it asked, the founder's edits are kept apart from what the fund
received, until the founder resubmits

Revision ID: 5d2f8a7c3e19
Revises: 3b7e9c1d5a28
Create Date: 2026-11-26 01:20:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '5d2f8a7c3e19'
down_revision = '3b7e9c1d5a28'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pending', sa.JSON(), nullable=True))


def downgrade():
    # dropped in place (SQLite 3.35+), not by copying a table that others refer to
    op.drop_column('applications', 'pending')
