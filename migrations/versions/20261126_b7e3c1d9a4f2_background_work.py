"""Work in the background: the outbox sent by a worker with retries, notifications in the app, reminders
sent once per period, reminders a user turned off, and long jobs with their progress

Revision ID: b7e3c1d9a4f2
Revises: 4f8d2b6a1c90
Create Date: 2026-11-26 10:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b7e3c1d9a4f2'
down_revision = '4f8d2b6a1c90'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('outbox_messages', sa.Column('status', sa.String(length=10), server_default='pending',
                                               nullable=False))
    op.add_column('outbox_messages', sa.Column('tries', sa.Integer(), server_default='0', nullable=False))
    op.add_column('outbox_messages', sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('outbox_messages', sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True))
    op.add_column('outbox_messages', sa.Column('last_error', sa.String(length=500), nullable=True))
    op.add_column('outbox_messages', sa.Column('send_key', sa.String(length=64), nullable=True))
    # messages mailed before are sent; the others wait for the worker, each under a key of its own
    op.execute("UPDATE outbox_messages SET status = 'sent', tries = 1 WHERE sent_at IS NOT NULL")
    op.execute("UPDATE outbox_messages SET send_key = 'outbox-' || CAST(id AS VARCHAR(20))")
    with op.batch_alter_table('outbox_messages') as batch_op:
        batch_op.alter_column('send_key', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint('uq_outbox_messages_send_key', ['send_key'])
        batch_op.create_index('ix_outbox_messages_due', ['status', 'next_attempt_at'], unique=False)
    op.create_table(
        'notifications',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('link', sa.String(length=300), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notifications_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications')),
    )
    op.create_index('ix_notifications_unread', 'notifications', ['user_id', 'read_at'], unique=False)
    op.create_table(
        'reminders_sent',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('rule', sa.String(length=30), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('subject_key', sa.String(length=60), nullable=False),
        sa.Column('period', sa.String(length=20), nullable=False),
        sa.Column('sent_on', sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_reminders_sent_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reminders_sent')),
        sa.UniqueConstraint('rule', 'user_id', 'subject_key', 'period',
                            name=op.f('uq_reminders_sent_rule')),
    )
    op.create_index(op.f('ix_reminders_sent_user_id'), 'reminders_sent', ['user_id'], unique=False)
    op.create_table(
        'muted_reminders',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('rule', sa.String(length=30), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_muted_reminders_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'rule', name=op.f('pk_muted_reminders')),
    )
    op.create_table(
        'background_jobs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('fund_id', sa.Integer(), nullable=True),
        sa.Column('params', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('done', sa.Integer(), nullable=False),
        sa.Column('total', sa.Integer(), nullable=False),
        sa.Column('tries', sa.Integer(), nullable=False),
        sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True),
        sa.Column('outcome', sa.Text(), nullable=True),
        sa.Column('result_file', sa.String(length=200), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_background_jobs_user_id_users'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['fund_id'], ['funds.id'], name=op.f('fk_background_jobs_fund_id_funds')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_background_jobs')),
    )
    op.create_index('ix_background_jobs_due', 'background_jobs', ['status', 'claimed_until'], unique=False)
    op.create_index(op.f('ix_background_jobs_user_id'), 'background_jobs', ['user_id'], unique=False)


def downgrade():
    op.drop_table('background_jobs')
    op.drop_table('muted_reminders')
    op.drop_table('reminders_sent')
    op.drop_index('ix_notifications_unread', table_name='notifications')
    op.drop_table('notifications')
    with op.batch_alter_table('outbox_messages') as batch_op:
        batch_op.drop_index('ix_outbox_messages_due')
        batch_op.drop_constraint('uq_outbox_messages_send_key', type_='unique')
    for column in ('send_key', 'last_error', 'claimed_until', 'next_attempt_at', 'tries', 'status'):
        op.drop_column('outbox_messages', column)
