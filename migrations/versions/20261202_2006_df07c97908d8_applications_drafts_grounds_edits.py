"""applications: half-filled drafts, urgency ground, versioned edits

A social worker saves a draft before every fact is known, so ``support_level`` and
``need_since`` may be empty until the application is submitted (the service checks them
then). ``urgency_ground`` records why a band 1 or 2 application is urgent, as a code of the
published urgency policy. ``application_edits`` keeps each change made after submission:
its number, who, when and each changed field's value before and after.

Downgrading deletes the drafts that still lack those facts (the old schema cannot hold them).

Revision ID: df07c97908d8
Revises: ede986a92ee4
Create Date: 2026-12-02 20:06:33.560545

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'df07c97908d8'
down_revision = 'ede986a92ee4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('application_edits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('draft', 'submitted', 'returned', 'waitlisted', 'offered', 'housed', 'withdrawn', 'closed', name='edit_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_application_edits_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['by_id'], ['users.id'], name=op.f('fk_application_edits_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application_edits')),
    sa.UniqueConstraint('application_id', 'version', name=op.f('uq_application_edits_application_id_version'))
    )
    with op.batch_alter_table('application_edits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_application_edits_application_id'), ['application_id'], unique=False)

    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('urgency_ground', sa.String(length=30), nullable=True))
        batch_op.alter_column('support_level',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.alter_column('need_since',
               existing_type=sa.DATE(),
               nullable=True)



def downgrade():
    op.execute("DELETE FROM applications WHERE support_level IS NULL OR need_since IS NULL")
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.alter_column('need_since',
               existing_type=sa.DATE(),
               nullable=False)
        batch_op.alter_column('support_level',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('urgency_ground')

    with op.batch_alter_table('application_edits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_application_edits_application_id'))

    op.drop_table('application_edits')
