"""Accounts fit for public money: mailed links of every purpose, confirmed addresses, second factors,
recovery codes, passkeys, signed-in sessions and expiring API tokens

Revision ID: 4f8d2b6a1c90
Revises: 9e4b7a1c2d58
Create Date: 2026-11-26 07:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '4f8d2b6a1c90'
down_revision = '9e4b7a1c2d58'
branch_labels = None
depends_on = None


def upgrade():
    # activation links become one kind of mailed link among three
    op.rename_table('invitations', 'account_links')
    op.add_column('account_links', sa.Column('purpose', sa.String(length=20), server_default='activation',
                                             nullable=False))
    # added in place (no copy of a table that others refer to)
    op.add_column('users', sa.Column('email_confirmed_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('users', sa.Column('totp_secret', sa.String(length=64), nullable=True))
    op.add_column('users', sa.Column('totp_last_step', sa.Integer(), server_default='0', nullable=False))
    op.add_column('users', sa.Column('second_factor_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('users', sa.Column('second_factor_failures', sa.Integer(), server_default='0',
                                     nullable=False))
    op.add_column('users', sa.Column('second_factor_locked_until', sa.DateTime(timezone=True), nullable=True))
    op.add_column('users', sa.Column('webauthn_challenge', sa.String(length=100), nullable=True))
    # accounts that exist already were opened through a mailed link (staff) or before confirmation
    # was asked (founders): their addresses count as confirmed
    op.execute("UPDATE users SET email_confirmed_at = created_at")
    op.add_column('api_tokens', sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        'recovery_codes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_recovery_codes_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_codes')),
    )
    op.create_index(op.f('ix_recovery_codes_user_id'), 'recovery_codes', ['user_id'])
    op.create_table(
        'passkeys',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('credential_id', sa.LargeBinary(length=1024), nullable=False),
        sa.Column('public_key', sa.LargeBinary(length=2048), nullable=False),
        sa.Column('sign_count', sa.BigInteger(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_passkeys_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_passkeys')),
        sa.UniqueConstraint('credential_id', name=op.f('uq_passkeys_credential_id')),
    )
    op.create_index(op.f('ix_passkeys_user_id'), 'passkeys', ['user_id'])
    op.create_table(
        'user_sessions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('secret_hash', sa.String(length=64), nullable=False),
        sa.Column('browser', sa.String(length=300), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_sessions_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_user_sessions')),
        sa.UniqueConstraint('secret_hash', name=op.f('uq_user_sessions_secret_hash')),
    )
    op.create_index(op.f('ix_user_sessions_user_id'), 'user_sessions', ['user_id'])


def downgrade():
    op.drop_index(op.f('ix_user_sessions_user_id'), table_name='user_sessions')
    op.drop_table('user_sessions')
    op.drop_index(op.f('ix_passkeys_user_id'), table_name='passkeys')
    op.drop_table('passkeys')
    op.drop_index(op.f('ix_recovery_codes_user_id'), table_name='recovery_codes')
    op.drop_table('recovery_codes')
    op.drop_column('api_tokens', 'expires_at')
    for column in ('webauthn_challenge', 'second_factor_locked_until', 'second_factor_failures', 'second_factor_at', 'totp_last_step',
                   'totp_secret', 'email_confirmed_at'):
        op.drop_column('users', column)
    op.execute("DELETE FROM account_links WHERE purpose != 'activation'")
    op.drop_column('account_links', 'purpose')
    op.rename_table('account_links', 'invitations')
