"""Applications keep their company's sector, read from the pipeline's index: the pipeline counts sectors from the applications alone

Revision ID: dbbc298ccd8f
Revises: 2a42ef7b6bb0
Create Date: 2026-11-25 04:25:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'dbbc298ccd8f'
down_revision = '2a42ef7b6bb0'
branch_labels = None
depends_on = None

BACKFILL = """
UPDATE applications SET sector = (SELECT companies.sector FROM companies WHERE companies.id = applications.company_id)
"""


def upgrade():
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sector', sa.String(length=30), server_default='', nullable=False))
        batch_op.drop_index('ix_applications_pipeline')
    op.execute(BACKFILL)
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.create_index('ix_applications_pipeline', ['fund_id', 'submitted_at', 'state', 'normalized_score',
                                                           'sector', 'decided_at', 'decision'], unique=False)


def downgrade():
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_index('ix_applications_pipeline')
        batch_op.create_index('ix_applications_pipeline', ['fund_id', 'submitted_at', 'state', 'normalized_score',
                                                           'company_id', 'decided_at', 'decision'], unique=False)
    # dropped in place (SQLite 3.35+), not by copying a table that others refer to
    op.drop_column('applications', 'sector')
