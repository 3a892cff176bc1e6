"""A published report's tables stored with it, and the digest of what it says

Revision ID: 9e4b7a1c2d58
Revises: 6c1e4f2a9b73
Create Date: 2026-11-26 04:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '9e4b7a1c2d58'
down_revision = '6c1e4f2a9b73'
branch_labels = None
depends_on = None


def upgrade():
    # added in place: the published rows keep their values (and their seals, see QuarterlyReport.content)
    op.add_column('quarterly_reports', sa.Column('tables', sa.JSON(), nullable=True))
    op.add_column('quarterly_reports', sa.Column('content_sha256', sa.String(length=64), nullable=True))


def downgrade():
    op.drop_column('quarterly_reports', 'content_sha256')
    op.drop_column('quarterly_reports', 'tables')
