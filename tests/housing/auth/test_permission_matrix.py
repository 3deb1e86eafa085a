"""Every registered route × every role (and anonymous): the expected answer.

A route missing from ``EXPECTED`` fails the suite: declare its permission and add it here.
"""

from __future__ import annotations

import pytest
from flask import Flask, url_for

from housing import localtime
from housing.auth.permissions import declared_permission
from housing.extensions import db
from housing.models import Role
from tests.factories import make_application, make_referral

ADMIN, COORD, SW, UM, US = (Role.ADMIN, Role.COORDINATOR, Role.SOCIAL_WORKER, Role.UNIT_MANAGER, Role.UNIT_STAFF)
EVERYONE = frozenset(Role)
UNIT_ROLES = frozenset({UM, US})
CLIENT_READERS = frozenset({COORD, SW, UM, US})

# endpoint → roles that get in (others: 403; anonymous: redirected to the login page)
EXPECTED: dict[str, frozenset[Role]] = {
    "main.dashboard": EVERYONE,
    "auth.logout": EVERYONE,
    "auth.change_password": EVERYONE,
    "young_people.index": CLIENT_READERS,
    "young_people.detail": CLIENT_READERS,
    "young_people.create": frozenset({COORD, SW}),
    "young_people.edit": frozenset({COORD, SW}),
    "young_people.show_identity_code": frozenset({COORD, SW}),
    "units.index": CLIENT_READERS,
    "units.detail": CLIENT_READERS,
    "units.create": frozenset({COORD}),
    "units.edit": frozenset({COORD}),
    "units.create_place": frozenset({COORD}),
    "units.edit_place": frozenset({COORD}),
    "admin.users": frozenset({ADMIN}),
    "admin.create_user": frozenset({ADMIN}),
    "admin.edit_user": frozenset({ADMIN}),
    "admin.set_user_active": frozenset({ADMIN}),
    "admin.reset_password": frozenset({ADMIN}),
    "admin.decide_role_change": frozenset({ADMIN}),
    "admin.audit_log": frozenset({ADMIN}),
    "admin.person_report_lookup": frozenset({ADMIN, SW}),
    "admin.person_report": frozenset({ADMIN, SW}),
    "admin.person_report_csv": frozenset({ADMIN, SW}),
    "applications.index": frozenset({COORD, SW}),
    "applications.create": frozenset({SW}),
    "applications.detail": frozenset({COORD, SW}),
    "applications.edit": frozenset({COORD, SW}),
    "applications.sheet": frozenset({COORD, SW}),
    "applications.return_with_question": frozenset({COORD}),
    "applications.put_on_waitlist": frozenset({COORD}),
    "applications.close": frozenset({COORD}),
    "applications.withdraw": frozenset({SW}),
    "waitlist.index": frozenset({COORD}),
    "waitlist.export": frozenset({COORD}),
    "schedules.index": UNIT_ROLES,
    "schedules.create": frozenset({UM}),
    "schedules.detail": UNIT_ROLES,
    "schedules.progress": UNIT_ROLES,
    "schedules.rerun": frozenset({UM}),
    "schedules.publish": frozenset({UM}),
    "schedules.replan": frozenset({UM}),
    "schedules.discard": frozenset({UM}),
    "schedules.visit": frozenset({UM}),
    "schedules.swap": frozenset({UM}),
    "schedules.remove": frozenset({UM}),
    "support.index": frozenset({UM}),
    "support.unit": frozenset({UM}),
    "support.edit_staff": frozenset({UM}),
    "support.add_absence": frozenset({UM}),
    "support.delete_absence": frozenset({UM}),
    "support.edit_plan": frozenset({UM}),
    "visits.my_day": UNIT_ROLES,
    "visits.record": UNIT_ROLES,
    "visits.record_unplanned": UNIT_ROLES,
    "visits.show_record": CLIENT_READERS,
    "visits.edit_record": UNIT_ROLES,
    "visits.person_visits": CLIENT_READERS,
    "rounds.index": frozenset({COORD}),
    "rounds.create": frozenset({COORD}),
    "rounds.detail": frozenset({COORD}),
    "rounds.progress": frozenset({COORD}),
    "rounds.download": frozenset({COORD}),
    "rounds.run_again": frozenset({COORD}),
    "rounds.rerun": frozenset({COORD}),
    "rounds.close": frozenset({COORD}),
    "rounds.approve_all": frozenset({COORD}),
    "rounds.approve": frozenset({COORD}),
    "rounds.reject": frozenset({COORD}),
    "rounds.override": frozenset({COORD}),
    "rounds.policies": frozenset({ADMIN, COORD}),
    "rounds.policy": frozenset({ADMIN, COORD}),
    "offers.detail": frozenset({COORD, SW}),
    "offers.decision": frozenset({COORD, SW}),
    "offers.accept": frozenset({COORD, SW}),
    "offers.decline": frozenset({COORD, SW}),
    "moves.index": frozenset({COORD, UM, US}),
    "moves.tenancy": CLIENT_READERS,
    "moves.move_in": frozenset({COORD, UM, US}),
    "moves.move_out": frozenset({COORD, SW, UM}),
    "moves.request_transfer": frozenset({SW, UM}),
    "moves.decide_transfer": frozenset({COORD}),
    "moves.register_resident": frozenset({COORD}),
    # The service path: the responsible worker keeps it; the county and the unit where the
    # young person lives read it.
    "referrals.create": frozenset({SW}),
    "referrals.detail": CLIENT_READERS,
    "referrals.edit": frozenset({SW}),
    "referrals.record_step": frozenset({SW}),
    "admin.research_export": frozenset({ADMIN}),
    "reports.index": frozenset({COORD, SW, UM}),
    "reports.equity": frozenset({COORD}),
    "reports.equity_csv": frozenset({COORD}),
    "reports.support": frozenset({COORD, UM}),
    "reports.support_csv": frozenset({COORD, UM}),
    "reports.caseload": frozenset({COORD, SW}),
    "reports.caseload_csv": frozenset({COORD, SW}),
    "reports.occupancy": frozenset({COORD, UM}),
    "reports.occupancy_csv": frozenset({COORD, UM}),
    "reports.allocation": frozenset({COORD}),
    "reports.allocation_csv": frozenset({COORD}),
}
PUBLIC = {"static", "auth.login", "main.healthz", "main.set_language"}


def _url_arguments(world) -> dict[str, int | str]:
    application = make_application(world.person)
    referral = make_referral(world.person, referred_on=localtime.today())
    db.session.commit()
    return {"person_id": world.person.id, "referral_id": referral.id, "unit_id": world.unit.id,
            "place_id": world.place.id,
            "user_id": world.other_worker.id, "application_id": application.id, "filename": "css/app.css",
            "change_id": 1, "decision": "reject", **_support_objects(world), **_round_objects(world)}


def _support_objects(world) -> dict[str, int | str]:
    """A plan, a published week with a recorded visit and one to record, a draft, an absence."""
    from datetime import timedelta

    from sqlalchemy import select

    from housing.extensions import db
    from housing.models import ScheduleStatus, ShiftPattern, StaffAbsence, Tenancy
    from tests.factories import make_plan, make_visit_record, make_week

    staff = world.unit_staff
    db.session.add_all(ShiftPattern(user_id=staff.id, weekday=d, start_minute=480, end_minute=960) for d in range(5))
    tenancy = db.session.scalar(select(Tenancy).where(Tenancy.young_person_id == world.person.id))
    plan = make_plan(tenancy, staff, visits_per_week=2, preferred_times=[])
    monday = localtime.today() - timedelta(days=localtime.today().weekday()) + timedelta(days=7)
    visits = [(f"P{plan.id}.1", staff, 600), (f"P{plan.id}.2", staff, 1440 + 600)]
    published = make_week(world.unit, monday, visits, status=ScheduleStatus.PUBLISHED)
    draft = make_week(world.unit, monday + timedelta(days=7), visits)
    record = make_visit_record(published.visits[0])
    absence = StaffAbsence(user_id=staff.id, first_day=monday + timedelta(days=30),
                           last_day=monday + timedelta(days=31), reason="training")
    db.session.add(absence)
    db.session.commit()
    return {"schedule_id": published.id, "draft_id": draft.id, "ref": f"P{plan.id}.1", "staff_id": staff.id,
            "tenancy_id": tenancy.id, "absence_id": absence.id, "visit_id": published.visits[1].id,
            "record_id": record.id}


def _round_objects(world) -> dict[str, int | str]:
    """A solved round of the county, an offer from it, the world's tenancy with a transfer asked for."""

    from sqlalchemy import select

    from housing.models import Tenancy
    from housing.services import moves, proposals
    from tests.factories import apply_for, make_person, run_round

    waiting = apply_for(make_person(world.social_worker, "PI"), coordinator=world.coordinator)
    apply_for(make_person(world.social_worker, "PI"), coordinator=world.coordinator)
    db.session.commit()
    solved = run_round(world.coordinator)
    proposal = next(p for p in solved.proposals if p.application_id == waiting.id) if any(
        p.application_id == waiting.id and p.place_id for p in solved.proposals) else next(
        p for p in solved.proposals if p.place_id)
    offer = proposals.approve(world.coordinator, proposal, localtime.today())
    tenancy = db.session.scalar(select(Tenancy).where(Tenancy.young_person_id == world.person.id))
    transfer = moves.request_transfer(world.social_worker, tenancy, "other", "Lähemmäs koulua.", None, None,
                                      localtime.today())
    db.session.commit()
    return {"round_id": solved.id, "proposal_id": proposal.id, "which": "problem", "offer_id": offer.id,
            "tenancy_id": tenancy.id, "request_id": transfer.id, "county_id": "PI"}


def _routes(app: Flask):
    for rule in app.url_map.iter_rules():
        methods = sorted(m for m in rule.methods if m in {"GET", "POST"})
        yield rule, methods


def test_every_route_declares_a_permission_and_is_in_the_matrix(app):
    missing = []
    for rule, _methods in _routes(app):
        if rule.endpoint in PUBLIC:
            continue
        with app.test_request_context():
            if declared_permission(rule.endpoint) is None or rule.endpoint not in EXPECTED:
                missing.append(rule.endpoint)
    assert not missing, f"routes without a declared permission or a row in EXPECTED: {missing}"


def test_public_routes_are_only_the_intended_ones(app):
    with app.test_request_context():
        public = {rule.endpoint for rule, _ in _routes(app) if declared_permission(rule.endpoint) == "public"}
    assert public == PUBLIC


@pytest.mark.parametrize("role", [None, *Role], ids=lambda r: str(r or "anonymous"))
def test_each_role_gets_exactly_the_routes_it_may(app, client, login, world, role):
    arguments = _url_arguments(world)
    with app.test_request_context():
        routes = [(rule, url_for(rule.endpoint, **{k: arguments[k] for k in rule.arguments}), methods)
                  for rule, methods in _routes(app) if rule.endpoint not in PUBLIC]
    wrong = []
    for rule, url, methods in routes:
        for method in methods:
            if role is not None:
                login(world.user(role))  # again each time: one of the routes is logout
            status = client.open(url, method=method).status_code
            if role is None:
                ok = status == 302
            elif role in EXPECTED[rule.endpoint]:
                ok = status != 403 and status < 500 and (method == "POST" or status == 200)
            else:
                ok = status == 403
            if not ok:
                wrong.append(f"{method} {url} → {status}")
    assert not wrong, f"{role or 'anonymous'}: {wrong}"


def test_anonymous_users_are_sent_to_the_login_page(client, world):
    response = client.get(f"/young-people/{world.person.id}")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
