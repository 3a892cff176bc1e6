"""Messages to founders apart from internal reasons: each step keeps the message the founder was sent
(decisions), never the manager's reason; each fund keeps its approval and decline messages, which a
manager edits before sending

Revision ID: 6c1d2e8f4a90
Revises: 15afbed249ae
Create Date: 2026-11-25 22:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '6c1d2e8f4a90'
down_revision = '15afbed249ae'
branch_labels = None
depends_on = None

FUND_MESSAGES = ('approval_message', 'decline_message')


def upgrade():
    with op.batch_alter_table('state_changes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('message', sa.Text(), server_default='', nullable=False))
    with op.batch_alter_table('funds', schema=None) as batch_op:
        for column in FUND_MESSAGES:
            batch_op.add_column(sa.Column(column, sa.Text(), server_default='', nullable=False))


def downgrade():
    # dropped in place (SQLite 3.35+), not by copying tables that others refer to
    for column in FUND_MESSAGES:
        op.drop_column('funds', column)
    op.drop_column('state_changes', 'message')
