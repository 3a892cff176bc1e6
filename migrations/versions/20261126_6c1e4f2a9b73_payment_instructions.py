"""What a partner's treasury needs to pay a call: the fund's payment instructions and contact

Revision ID: 6c1e4f2a9b73
Revises: 5d2f8a7c3e19
Create Date: 2026-11-26 04:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '6c1e4f2a9b73'
down_revision = '5d2f8a7c3e19'
branch_labels = None
depends_on = None


def upgrade():
    # added in place (no copy of a table that others refer to)
    op.add_column('funds', sa.Column('payment_instructions', sa.Text(), server_default='', nullable=False))
    op.add_column('funds', sa.Column('contact_email', sa.String(length=254), server_default='', nullable=False))


def downgrade():
    op.drop_column('funds', 'contact_email')
    op.drop_column('funds', 'payment_instructions')
