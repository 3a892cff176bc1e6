"""The investment committee: members declare conflicts and vote on applications before it; a fund's quorum;
the justification of a decision against the majority of votes

Revision ID: 3b7e9c1d5a28
Revises: 8a4c2d6e1f37
Create Date: 2026-11-26 01:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '3b7e9c1d5a28'
down_revision = '8a4c2d6e1f37'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'committee_votes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('application_id', sa.Integer(), nullable=False),
        sa.Column('fund_id', sa.Integer(), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=False),
        sa.Column('conflict', sa.Boolean(), nullable=False),
        sa.Column('conflict_reason', sa.Text(), nullable=False),
        sa.Column('declared_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('vote', sa.String(length=10), nullable=True),
        sa.Column('comment', sa.Text(), nullable=False),
        sa.Column('voted_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['application_id'], ['applications.id'],
                                name=op.f('fk_committee_votes_application_id_applications')),
        sa.ForeignKeyConstraint(['fund_id'], ['funds.id'], name=op.f('fk_committee_votes_fund_id_funds')),
        sa.ForeignKeyConstraint(['member_id'], ['users.id'], name=op.f('fk_committee_votes_member_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_committee_votes')),
        sa.UniqueConstraint('application_id', 'member_id', name=op.f('uq_committee_votes_application_id_member_id')),
    )
    for column in ('application_id', 'fund_id', 'member_id'):
        op.create_index(op.f(f'ix_committee_votes_{column}'), 'committee_votes', [column], unique=False)
    with op.batch_alter_table('funds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('committee_quorum', sa.Integer(), nullable=True))
    with op.batch_alter_table('state_changes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('justification', sa.Text(), server_default='', nullable=False))


def downgrade():
    # dropped in place (SQLite 3.35+), not by copying tables that others refer to
    op.drop_column('state_changes', 'justification')
    op.drop_column('funds', 'committee_quorum')
    op.drop_table('committee_votes')
