"""service path: the steps of each referral and its last progress

Issue 12 (recommendations 3 and 4 of the aftercare policy). Each referral to another service
keeps its steps (``service_referral_steps``: added, referred, started, ended, refused, followed
up), each with the day it happened, who recorded it and when. ``last_progress_on`` is the
latest such day: a referral still open with no progress for 30 days is flagged on the social
worker's front page. A refused referral keeps its reason as a code.

Referrals recorded before this revision have no steps; their last progress is the latest of
their own dates (ended, started, referred, else the day they were recorded).

Revision ID: 1f8f3bc6fb12
Revises: 4427d43a1367
Create Date: 2026-12-03 07:41:06.198085

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1f8f3bc6fb12'
down_revision = '4427d43a1367'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('service_referral_steps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.String(length=20), nullable=False),
    sa.Column('status', sa.Enum('planned', 'referred', 'in_progress', 'completed', 'declined', name='referral_step_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('happened_on', sa.Date(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_service_referral_steps_recorded_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['referral_id'], ['service_referrals.id'], name=op.f('fk_service_referral_steps_referral_id_service_referrals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_referral_steps'))
    )
    with op.batch_alter_table('service_referral_steps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_referral_steps_referral_id'), ['referral_id'], unique=False)

    with op.batch_alter_table('service_referrals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_progress_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('refusal_reason', sa.String(length=40), nullable=True))

    recorded_on = "CAST(created_at AS DATE)" if op.get_bind().dialect.name == "postgresql" else "date(created_at)"
    op.execute("UPDATE service_referrals SET last_progress_on = "
               f"COALESCE(ended_on, started_on, referred_on, {recorded_on})")
    with op.batch_alter_table('service_referrals', schema=None) as batch_op:
        batch_op.alter_column('last_progress_on', existing_type=sa.Date(), nullable=False)


def downgrade():
    with op.batch_alter_table('service_referrals', schema=None) as batch_op:
        batch_op.drop_column('refusal_reason')
        batch_op.drop_column('last_progress_on')

    with op.batch_alter_table('service_referral_steps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_referral_steps_referral_id'))

    op.drop_table('service_referral_steps')
