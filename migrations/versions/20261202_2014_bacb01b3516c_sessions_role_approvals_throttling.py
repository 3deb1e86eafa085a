"""session versions, role change approvals and atomic login throttling (issue 7)

- ``users.session_version``: part of every session's login token; raising it ends all
  sessions of the account at once (password change or reset, deactivation, new access).
- ``role_change_requests``: a new role or county that reads client records waits here
  for a second administrator's approval.
- ``login_throttles`` replaces ``login_attempts``: one counter per account and per
  address, counted by an atomic upsert before the password is checked, which a success
  never clears. The attempts themselves stay in the audit log (login, login_failed).

Revision ID: bacb01b3516c
Revises: 6ac3d50355f1
Create Date: 2026-12-02 20:14:15.303152

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'bacb01b3516c'
down_revision = '6ac3d50355f1'
branch_labels = None
depends_on = None

ROLES = ('admin', 'coordinator', 'social_worker', 'unit_manager', 'unit_staff')


def upgrade():
    op.create_table('login_throttles',
    sa.Column('key', sa.String(length=300), nullable=False),
    sa.Column('window_start', sa.DateTime(timezone=True), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_login_throttles'))
    )
    with op.batch_alter_table('login_throttles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_throttles_window_start'), ['window_start'], unique=False)

    op.create_table('role_change_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('role', sa.Enum(*ROLES, name='role', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('county_id', sa.String(length=8), nullable=True),
    sa.Column('unit_ids', sa.JSON(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'approved', 'rejected', 'replaced', name='role_change_status',
                                native_enum=False, create_constraint=True), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['county_id'], ['counties.id'], name=op.f('fk_role_change_requests_county_id_counties')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_role_change_requests_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_role_change_requests_requested_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_role_change_requests_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_role_change_requests'))
    )
    with op.batch_alter_table('role_change_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_role_change_requests_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_login_attempts_email_at')
        batch_op.drop_index('ix_login_attempts_ip_at')
    op.drop_table('login_attempts')

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='1', nullable=False))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_version')

    op.create_table('login_attempts',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('ip', sa.String(length=45), nullable=False),
    sa.Column('success', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_attempts'))
    )
    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.create_index('ix_login_attempts_email_at', ['email', 'at'], unique=False)
        batch_op.create_index('ix_login_attempts_ip_at', ['ip', 'at'], unique=False)

    with op.batch_alter_table('role_change_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_role_change_requests_user_id'))
    op.drop_table('role_change_requests')

    with op.batch_alter_table('login_throttles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_throttles_window_start'))
    op.drop_table('login_throttles')
