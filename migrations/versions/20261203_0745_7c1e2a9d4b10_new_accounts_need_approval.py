"""new accounts that read client records wait for a second administrator (issue 7, point 3)

One administrator could give themselves client access by creating a second account with a
client role. Such an account is now created deactivated with a pending access request
marked ``new_account``; approving it by another administrator activates the account.

Revision ID: 7c1e2a9d4b10
Revises: 1f8f3bc6fb12
Create Date: 2026-12-03 07:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c1e2a9d4b10'
down_revision = '1f8f3bc6fb12'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('role_change_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('new_account', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('role_change_requests', schema=None) as batch_op:
        batch_op.drop_column('new_account')
