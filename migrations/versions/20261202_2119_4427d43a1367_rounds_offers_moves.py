"""allocation rounds, offers and moves: policies, selections, analysis, move-ins

Rounds reach people (issue 10). Each county gets ``allocation_policies``: its published fit
weights, the days to answer an offer and where a request for review goes. A round keeps what
the coordinator chose (the day places must be free by, the places and applications taking
part, the time limit), where it was run from, the solver's gap, the greedy comparison and the
latest re-run. Proposals keep the facts behind a reason, the wish and distance of a match and,
for an override that passes over applicants ranked higher, who they were. Offers keep the
move-in day, who declined and why, and when one expired; at most one offer per place and per
application is pending (partial unique indexes, so concurrent approvals cannot both succeed).
Tenancies are planned until the unit records the actual move-in (who, when), remember the
application that housed them and why they ended; move requests keep a reason code and, when
a transfer is approved, the place chosen and the tenancy that starts there.

Tenancies that began before today count as moved in on their first day.

Revision ID: 4427d43a1367
Revises: f99412d75ccd
Create Date: 2026-12-02 21:19:59.169345

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4427d43a1367'
down_revision = 'f99412d75ccd'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('allocation_policies',
    sa.Column('county_id', sa.String(length=8), nullable=False),
    sa.Column('w_wish', sa.Integer(), nullable=False),
    sa.Column('w_services', sa.Integer(), nullable=False),
    sa.Column('w_over', sa.Integer(), nullable=False),
    sa.Column('w_km', sa.Integer(), nullable=False),
    sa.Column('w_spare', sa.Integer(), nullable=False),
    sa.Column('respond_days', sa.Integer(), nullable=False),
    sa.Column('review_body', sa.Text(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('respond_days BETWEEN 1 AND 60', name=op.f('ck_allocation_policies_respond_days_range')),
    sa.CheckConstraint('w_wish >= 0 AND w_services >= 0 AND w_over >= 0 AND w_km >= 0 AND w_spare >= 0', name=op.f('ck_allocation_policies_weights_non_negative')),
    sa.ForeignKeyConstraint(['county_id'], ['counties.id'], name=op.f('fk_allocation_policies_county_id_counties')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_allocation_policies_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('county_id', name=op.f('pk_allocation_policies'))
    )
    with op.batch_alter_table('allocation_rounds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('free_by', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('selection', sa.JSON(), nullable=False, server_default='{}'))
        batch_op.add_column(sa.Column('time_limit_seconds', sa.Integer(), nullable=False, server_default='30'))
        batch_op.add_column(sa.Column('run_from', sa.String(length=10), nullable=False, server_default='web'))
        batch_op.add_column(sa.Column('gap', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('comparison', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('rerun', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('closed_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_allocation_rounds_closed_by_id_users'), 'users', ['closed_by_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('move_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reason_code', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('target_place_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('new_tenancy_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_move_requests_new_tenancy_id_tenancies'), 'tenancies', ['new_tenancy_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_move_requests_target_place_id_places'), 'places', ['target_place_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('offers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('move_in_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('declined_by', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('decline_code', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('expired_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('uq_offers_pending_application', ['application_id'], unique=True, sqlite_where=sa.text("status = 'pending'"), postgresql_where=sa.text("status = 'pending'"))
        batch_op.create_index('uq_offers_pending_place', ['place_id'], unique=True, sqlite_where=sa.text("status = 'pending'"), postgresql_where=sa.text("status = 'pending'"))

    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('facts', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('wish_rank', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('km', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('passed_over', sa.JSON(), nullable=True))

    with op.batch_alter_table('tenancies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('application_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('actual_move_in', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('moved_in_recorded_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('moved_in_recorded_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('end_code', sa.String(length=40), nullable=True))
        batch_op.create_index(batch_op.f('ix_tenancies_application_id'), ['application_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_tenancies_application_id_applications'), 'applications', ['application_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_tenancies_moved_in_recorded_by_id_users'), 'users', ['moved_in_recorded_by_id'], ['id'], ondelete='SET NULL')

    today = "CURRENT_DATE" if op.get_bind().dialect.name == "postgresql" else "date('now')"
    op.execute(f"UPDATE tenancies SET actual_move_in = move_in WHERE move_in <= {today}")


def downgrade():
    with op.batch_alter_table('tenancies', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_tenancies_moved_in_recorded_by_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_tenancies_application_id_applications'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_tenancies_application_id'))
        batch_op.drop_column('end_code')
        batch_op.drop_column('moved_in_recorded_by_id')
        batch_op.drop_column('moved_in_recorded_at')
        batch_op.drop_column('actual_move_in')
        batch_op.drop_column('application_id')

    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.drop_column('passed_over')
        batch_op.drop_column('km')
        batch_op.drop_column('wish_rank')
        batch_op.drop_column('facts')

    with op.batch_alter_table('offers', schema=None) as batch_op:
        batch_op.drop_index('uq_offers_pending_place', sqlite_where=sa.text("status = 'pending'"), postgresql_where=sa.text("status = 'pending'"))
        batch_op.drop_index('uq_offers_pending_application', sqlite_where=sa.text("status = 'pending'"), postgresql_where=sa.text("status = 'pending'"))
        batch_op.drop_column('expired_at')
        batch_op.drop_column('decline_code')
        batch_op.drop_column('declined_by')
        batch_op.drop_column('move_in_on')

    with op.batch_alter_table('move_requests', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_move_requests_target_place_id_places'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_move_requests_new_tenancy_id_tenancies'), type_='foreignkey')
        batch_op.drop_column('new_tenancy_id')
        batch_op.drop_column('target_place_id')
        batch_op.drop_column('reason_code')

    with op.batch_alter_table('allocation_rounds', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_allocation_rounds_closed_by_id_users'), type_='foreignkey')
        batch_op.drop_column('closed_by_id')
        batch_op.drop_column('closed_at')
        batch_op.drop_column('rerun')
        batch_op.drop_column('comparison')
        batch_op.drop_column('gap')
        batch_op.drop_column('run_from')
        batch_op.drop_column('time_limit_seconds')
        batch_op.drop_column('selection')
        batch_op.drop_column('free_by')

    op.drop_table('allocation_policies')
