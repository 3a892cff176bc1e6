"""Each submission of an application is a revision; managers and reviewers are shown what changed since the
one they saw last. Applications already submitted start at revision 1, as they stand.

Revision ID: 8a4c2d6e1f37
Revises: 7e2f3a9b5c14
Create Date: 2026-11-26 00:40:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '8a4c2d6e1f37'
down_revision = '7e2f3a9b5c14'
branch_labels = None
depends_on = None

REVISED = ("requested_amount", "stage", "pitch", "problem", "solution", "market", "business_model",
           "traction", "team", "use_of_funds", "full_time", "part_time", "jobs_expected")


def upgrade():
    revisions = op.create_table(
        'application_revisions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('application_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('values', sa.JSON(), nullable=False),
        sa.Column('changed', sa.JSON(), nullable=False),
        sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['application_id'], ['applications.id'],
                                name=op.f('fk_application_revisions_application_id_applications')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_application_revisions')),
        sa.UniqueConstraint('application_id', 'number',
                            name=op.f('uq_application_revisions_application_id_number')),
    )
    op.create_index(op.f('ix_application_revisions_application_id'), 'application_revisions',
                    ['application_id'], unique=False)
    op.create_table(
        'revision_reads',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('application_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['application_id'], ['applications.id'],
                                name=op.f('fk_revision_reads_application_id_applications')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_revision_reads_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_revision_reads')),
        sa.UniqueConstraint('application_id', 'user_id', name=op.f('uq_revision_reads_application_id_user_id')),
    )
    op.create_index(op.f('ix_revision_reads_application_id'), 'revision_reads', ['application_id'], unique=False)
    op.create_index(op.f('ix_revision_reads_user_id'), 'revision_reads', ['user_id'], unique=False)
    applications = sa.table('applications', sa.column('id'), sa.column('submitted_at', sa.DateTime()), sa.column('deck_filename'),
                            sa.column('deck_name'), *(sa.column(field) for field in REVISED))
    rows = op.get_bind().execute(sa.select(applications).where(applications.c.submitted_at.is_not(None)))
    batch = []
    for row in rows.mappings():
        values = {field: row[field] for field in REVISED} | {"deck": row["deck_filename"],
                                                             "deck_file": row["deck_name"]}
        batch.append({"application_id": row["id"], "number": 1, "values": values, "changed": [],
                      "submitted_at": row["submitted_at"]})
        if len(batch) == 5000:
            op.bulk_insert(revisions, batch)
            batch = []
    if batch:
        op.bulk_insert(revisions, batch)


def downgrade():
    op.drop_table('revision_reads')
    op.drop_table('application_revisions')
