"""ended sessions: logging out ends the session on the server too (issue 13)

Sessions live in a signed cookie, so a copy of one taken before logging out kept working
until it expired. Each login now gets a random session id; logging out records it in
``ended_sessions`` and every request of a recorded id is refused. Rows older than the
absolute session lifetime are deleted at the next logout (their cookies have expired).

Revision ID: f99412d75ccd
Revises: bacb01b3516c
Create Date: 2026-12-02 21:17:19.179649

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f99412d75ccd'
down_revision = 'bacb01b3516c'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('ended_sessions',
    sa.Column('session_id', sa.String(length=64), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('session_id', name=op.f('pk_ended_sessions'))
    )
    with op.batch_alter_table('ended_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ended_sessions_ended_at'), ['ended_at'], unique=False)



def downgrade():
    with op.batch_alter_table('ended_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ended_sessions_ended_at'))

    op.drop_table('ended_sessions')
