"""The first decision on each application and when it was taken, kept on the application and read from the pipeline's index: the pipeline counts decisions from the applications alone

Revision ID: 2a42ef7b6bb0
Revises: 18ccef596e9a
Create Date: 2026-11-25 03:49:39.655625

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '2a42ef7b6bb0'
down_revision = '18ccef596e9a'
branch_labels = None
depends_on = None

# each application's first decision, from the state history, which stays the record
BACKFILL = """
UPDATE applications SET
    decided_at = (SELECT state_changes.at FROM state_changes
                  WHERE state_changes.application_id = applications.id
                    AND state_changes.to_state IN ('approved', 'declined')
                  ORDER BY state_changes.id LIMIT 1),
    decision = (SELECT state_changes.to_state FROM state_changes
                WHERE state_changes.application_id = applications.id
                  AND state_changes.to_state IN ('approved', 'declined')
                ORDER BY state_changes.id LIMIT 1)
"""


def upgrade():
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('decision', sa.String(length=20), nullable=True))
        batch_op.drop_index('ix_applications_pipeline')
    op.execute(BACKFILL)
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.create_index('ix_applications_pipeline', ['fund_id', 'submitted_at', 'state', 'normalized_score',
                                                           'company_id', 'decided_at', 'decision'], unique=False)
    with op.batch_alter_table('state_changes', schema=None) as batch_op:
        batch_op.drop_index('ix_state_changes_decisions')


def downgrade():
    with op.batch_alter_table('state_changes', schema=None) as batch_op:
        batch_op.create_index('ix_state_changes_decisions', ['to_state', 'at', 'application_id'], unique=False)
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_index('ix_applications_pipeline')
        batch_op.create_index('ix_applications_pipeline', ['fund_id', 'submitted_at', 'state', 'normalized_score',
                                                           'company_id'], unique=False)
    # dropped in place (SQLite 3.35+), not by copying a table that others refer to
    op.drop_column('applications', 'decision')
    op.drop_column('applications', 'decided_at')
