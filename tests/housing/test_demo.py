"""The demo county: its size, its consistency with the rules, and the demo logins.

Seeding takes a moment, so the module seeds once and reads the result in every test; the
autouse ``clean_database`` is replaced here and the tables are emptied when the module ends.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from housing import localtime, rules
from housing.demo import seed
from housing.extensions import db
from housing.localtime import LOCAL_TIME
from housing.models import (
    AllocationRound,
    Application,
    ApplicationStatus,
    AuditEvent,
    Base,
    MoveRequest,
    Offer,
    OfferStatus,
    Place,
    Proposal,
    ProposalDecision,
    Role,
    RoundStatus,
    ScheduledVisit,
    ScheduleStatus,
    ServiceReferral,
    ServiceReferralStep,
    ShiftPattern,
    SupportPlan,
    Tenancy,
    Unit,
    User,
    VisitOutcome,
    WeeklySchedule,
    YoungPerson,
    utcnow,
)
from housing.services import accounts, moves, offers, referrals, rounds, tenancies, units, young_people
from tests.housing.conftest import empty_client_tables

NAMED_ACCOUNTS = {
    "admin@demo.fi": (Role.ADMIN, None),
    "coordinator@demo.fi": (Role.COORDINATOR, "PI"),
    "social.worker@demo.fi": (Role.SOCIAL_WORKER, "PI"),
    "unit.manager@demo.fi": (Role.UNIT_MANAGER, "PI"),
    "unit.staff@demo.fi": (Role.UNIT_STAFF, "PI"),
}


@dataclass(frozen=True)
class Seeded:
    summary: str
    audit_events: int
    service_calls: Counter  # calls of the services the demo must go through, by function name


SERVICES_THE_DEMO_USES = ((accounts, "create_user"), (units, "create_unit"), (units, "add_place"),
                          (young_people, "create_person"), (rounds, "create_round"), (offers, "send_offer"),
                          (tenancies, "start_tenancy"), (moves, "record_move_out"), (moves, "request_transfer"),
                          (referrals, "add"))


@pytest.fixture(scope="module")
def seeded(app) -> Iterator[Seeded]:
    calls: Counter = Counter()
    with pytest.MonkeyPatch.context() as patch:
        for module, name in SERVICES_THE_DEMO_USES:
            patch.setattr(module, name, _counted(getattr(module, name), calls))
        summary = seed()
    db.session.commit()
    audit_events = db.session.scalar(select(func.count()).select_from(AuditEvent))
    yield Seeded(summary, audit_events, calls)
    db.session.rollback()
    empty_client_tables()
    db.session.remove()


def _counted(function, calls: Counter):
    def counting(*args, **kwargs):
        calls[function.__name__] += 1
        return function(*args, **kwargs)

    return counting


@pytest.fixture(autouse=True)
def clean_database() -> Iterator[None]:
    """Keeps the module's demo between tests; ``seeded`` empties the tables at the end."""
    yield
    db.session.rollback()


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _all(model) -> list:
    return list(db.session.scalars(select(model)))


def test_the_demo_county_has_the_expected_size(seeded):
    assert 14 <= _count(Unit) <= 18
    assert 75 <= _count(Place) <= 90
    assert 140 <= _count(YoungPerson) <= 160
    assert 110 <= _count(Application) <= 130
    assert 50 <= _count(User) <= 90
    units_by_county = Counter(unit.county_id for unit in _all(Unit))
    assert units_by_county["PI"] >= 9 and units_by_county["HKI"] >= 4
    assert {unit.support_level for unit in _all(Unit)} == {1, 2, 3, 4}
    assert f"{_count(Unit)} units" in seeded.summary and f"{_count(YoungPerson)} young people" in seeded.summary


def test_seeding_writes_no_audit_events(seeded):
    assert seeded.audit_events == 0


def test_accounts_units_places_people_rounds_offers_and_moves_are_made_by_their_services(seeded):
    """The demo holds no account, unit, place, young person, round, offer, tenancy or move the
    product could not make."""
    requests = Counter(request.kind.value for request in _all(MoveRequest))
    assert seeded.service_calls == {
        "create_user": _count(User), "create_unit": _count(Unit), "add_place": _count(Place),
        "create_person": _count(YoungPerson), "create_round": _count(AllocationRound),
        "send_offer": _count(Offer), "start_tenancy": _count(Tenancy), "record_move_out": requests["move_out"],
        "request_transfer": requests["transfer"], "add": _count(ServiceReferral),
    }


def test_real_rounds_of_both_counties_made_every_offer(seeded):
    found = _all(AllocationRound)
    assert {r.county_id for r in found} == {"PI", "HKI"} and all(r.status == RoundStatus.CLOSED for r in found)
    for allocation_round in found:
        assert allocation_round.solver_status == "OPTIMAL" and allocation_round.result["assignments"]
        assert allocation_round.comparison["optimal"]["housed"] == len(allocation_round.result["assignments"])
    proposals = {p.id: p for p in _all(Proposal)}
    for offer in _all(Offer):
        proposal = proposals[offer.proposal_id]
        assert proposal.decision == ProposalDecision.APPROVED and proposal.place_id == offer.place_id
    housed_now = [t for t in _all(Tenancy) if t.offer_id is not None and t.is_current(localtime.today())]
    assert housed_now and all(t.moved_in and t.moved_in_recorded_by.role == Role.UNIT_STAFF for t in housed_now)


def test_a_second_seed_changes_nothing(seeded):
    before = {table.name: db.session.scalar(select(func.count()).select_from(table))
              for table in Base.metadata.sorted_tables}
    message = seed()
    db.session.commit()
    after = {table.name: db.session.scalar(select(func.count()).select_from(table))
             for table in Base.metadata.sorted_tables}
    assert "already" in message
    assert after == before


def test_identity_codes_are_valid_temporary_and_match_the_person(seeded):
    people = _all(YoungPerson)
    assert len({person.identity_code for person in people}) == len(people)
    for person in people:
        parsed = rules.parse_identity_code(person.identity_code, today=localtime.today())
        assert parsed.temporary, person.identity_code
        assert parsed.birth_date == person.birth_date
        if person.gender in ("f", "m"):
            assert parsed.sex == person.gender
        assert 17 <= rules.age_on(person.birth_date, localtime.today()) <= 24


def test_young_people_show_every_situation_the_rules_know(seeded):
    people = _all(YoungPerson)
    entitlements = Counter(rules.aftercare_entitlement(p.placement_type, p.placement_start, p.placement_end,
                                                       p.placed_alone) for p in people)
    assert entitlements[rules.Entitlement.MANDATORY] > entitlements[rules.Entitlement.DISCRETIONARY] > 0
    today = localtime.today()
    assert {rules.client_plan_state(p.client_plan_date, today) for p in people} == set(rules.ClientPlanState)
    assert any(p.non_disclosure for p in people) and any(p.housing_lack_recorded_on for p in people)
    assert {p.language for p in people} == {"fi", "sv"}
    for person in people:
        assert person.placement_end is None or person.placement_start is None \
            or person.placement_start <= person.placement_end
        assert person.responsible_worker.role == Role.SOCIAL_WORKER
        assert person.responsible_worker.county_id == person.placing_county_id


def test_applications_are_in_every_state_with_a_consistent_history(seeded):
    applications = _all(Application)
    assert {a.status for a in applications} == set(ApplicationStatus)
    statuses = Counter(a.status for a in applications)
    assert statuses.most_common(1)[0][0] == ApplicationStatus.WAITLISTED
    assert {a.urgency_band for a in applications if a.status == ApplicationStatus.WAITLISTED} == {1, 2, 3}
    coordinators = {u.county_id: u.id for u in _all(User) if u.role == Role.COORDINATOR}
    now = utcnow()
    for application in applications:
        _check_application(application, coordinators, now)


def _check_application(application: Application, coordinators: dict[str, int], now: datetime) -> None:
    person = application.young_person
    assert application.created_by_id == person.responsible_worker_id
    assert 0 <= application.tiebreak < 1 and 1 <= len(application.wishes) <= 3
    assert (application.urgency_reason is not None) == (application.urgency_band < 3)
    assert application.household_size == 1 + person.children_in_household
    if person.housing_lack_recorded_on and application.status in (ApplicationStatus.WAITLISTED,
                                                                   ApplicationStatus.SUBMITTED):
        assert application.urgency_band <= rules.minimum_urgency_band(True)
    changes = application.status_changes
    assert changes[0].from_status is None and changes[0].to_status == ApplicationStatus.DRAFT
    assert changes[-1].to_status == application.status
    movers = _unit_people(application)
    for previous, change in zip(changes, changes[1:], strict=False):
        assert change.from_status == previous.to_status and previous.at < change.at <= now
        if change.to_status == ApplicationStatus.HOUSED:  # the receiving unit records the move-in
            assert change.by_id in movers
        elif change.by_id is None:  # an offer expired: the command put them back in the queue
            assert (change.from_status, change.to_status) == (ApplicationStatus.OFFERED, ApplicationStatus.WAITLISTED)
        else:
            assert change.by_id in (coordinators[person.placing_county_id], person.responsible_worker_id)
    if application.status == ApplicationStatus.CLOSED:
        assert application.closed_reason
    if application.status not in (ApplicationStatus.DRAFT, ApplicationStatus.RETURNED):
        assert application.submitted_at is not None


def _unit_people(application: Application) -> set[int]:
    tenancy = db.session.scalar(select(Tenancy).where(Tenancy.application_id == application.id).limit(1))
    if tenancy is None:
        return set()
    return {u.id for u in _all(User) if tenancy.place.unit_id in u.unit_ids}


def test_offers_follow_the_applications(seeded):
    today = localtime.today()
    offers = defaultdict(list)
    for offer in _all(Offer):
        offers[offer.application_id].append(offer)
    assert {o.status for group in offers.values() for o in group} >= {
        OfferStatus.PENDING, OfferStatus.ACCEPTED, OfferStatus.DECLINED, OfferStatus.EXPIRED}
    for application in _all(Application):
        statuses = [o.status for o in offers[application.id]]
        if application.status == ApplicationStatus.OFFERED:  # waiting for an answer, or accepted and moving in
            [open_offer] = [o for o in offers[application.id] if o.status in (OfferStatus.PENDING,
                                                                              OfferStatus.ACCEPTED)]
            assert open_offer.status == OfferStatus.ACCEPTED or open_offer.respond_by >= today
            assert not _lived_in(open_offer.place, today)
        elif application.status == ApplicationStatus.HOUSED:
            assert statuses.count(OfferStatus.ACCEPTED) == 1
        else:
            assert OfferStatus.PENDING not in statuses and OfferStatus.ACCEPTED not in statuses
    for offer in _all(Offer):
        if offer.status == OfferStatus.DECLINED:
            assert offer.decline_reason and offer.responded_at is not None


def _lived_in(place: Place, day: date) -> bool:
    return any(t.is_current(day) for t in db.session.scalars(select(Tenancy).where(Tenancy.place_id == place.id)))


def test_tenancies_never_overlap_and_most_places_are_lived_in(seeded):
    today = localtime.today()
    by_place = defaultdict(list)
    for tenancy in _all(Tenancy):
        by_place[tenancy.place_id].append(tenancy)
    for of_place in by_place.values():
        of_place.sort(key=lambda t: t.move_in)
        for earlier, later in zip(of_place, of_place[1:], strict=False):
            assert earlier.ends is not None and earlier.ends <= later.move_in
    current = [t for t in _all(Tenancy) if t.is_current(today)]
    assert 0.60 <= len(current) / _count(Place) <= 0.70
    assert any(t.planned_move_out for t in current)
    assert any(t.actual_move_out and t.actual_move_out <= today for t in _all(Tenancy))
    for tenancy in current:
        unit, person = tenancy.place.unit, tenancy.young_person
        assert not tenancy.place.out_of_use
        assert unit.min_age <= rules.age_on(person.birth_date, today) <= unit.max_age
        assert person.language in unit.languages and unit.gender_restriction in (None, person.gender)
        assert tenancy.place.max_household >= 1 + person.children_in_household
    housed = {a.young_person_id for a in _all(Application) if a.status == ApplicationStatus.HOUSED}
    assert housed <= {t.young_person_id for t in _all(Tenancy) if t.offer_id is not None}


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def test_demo_accounts_have_their_roles_counties_and_units(seeded):
    for email, (role, county_id) in NAMED_ACCOUNTS.items():
        user = _user(email)
        assert (user.role, user.county_id, user.is_demo) == (role, county_id, True)
    assert all(user.is_demo for user in _all(User))
    manager, staff = _user("unit.manager@demo.fi"), _user("unit.staff@demo.fi")
    assert len(manager.units) == 2 and len(staff.units) == 1 and staff.units[0] in manager.units
    today = localtime.today()
    for unit in manager.units:
        assert any(_lived_in(place, today) for place in unit.places), unit.name
    worker_id = _user("social.worker@demo.fi").id
    caseload = db.session.scalar(select(func.count()).where(YoungPerson.responsible_worker_id == worker_id))
    assert 22 <= caseload <= rules.CASELOAD_WARNING_DEFAULT  # just at the edge of the warning
    assert {u.county_id for u in _all(User) if u.role == Role.COORDINATOR} == {"PI", "HKI"}


def test_every_unit_has_two_to_four_staff_with_working_hours(seeded):
    staff_by_unit = Counter(unit.id for user in _all(User) if user.role == Role.UNIT_STAFF for unit in user.units)
    assert set(staff_by_unit) == {unit.id for unit in _all(Unit)}
    assert all(2 <= count <= 4 for count in staff_by_unit.values())
    shifts = Counter(shift.user_id for shift in _all(ShiftPattern))
    for user in _all(User):
        if user.role == Role.UNIT_STAFF:
            assert shifts[user.id] == 5 and user.max_weekly_minutes and user.base_unit_id in user.unit_ids


def test_demo_accounts_log_in_with_the_demo_password(seeded, app):
    for email in NAMED_ACCOUNTS:
        client = app.test_client()
        response = client.post("/login", data={"email": email, "password": "demo"})
        assert response.status_code == 302, email
        with client.session_transaction() as session:
            assert session["_user_id"] == _user(email).get_id()
        db.session.rollback()


def test_every_current_tenancy_has_a_support_plan_with_a_key_worker_of_its_unit(seeded):
    today = localtime.today()
    plans = defaultdict(list)
    for plan in _all(SupportPlan):
        plans[plan.tenancy_id].append(plan)
    for tenancy in _all(Tenancy):
        if tenancy.is_current(today):
            [plan] = plans[tenancy.id]
            assert tenancy.place.unit_id in plan.key_worker.unit_ids
            assert plan.key_worker.role == Role.UNIT_STAFF and 1 <= plan.visits_per_week <= 3
            assert plan.skill_needed is None or plan.skill_needed in plan.key_worker.skills


def test_published_schedules_keep_shifts_windows_and_one_place_at_a_time(seeded):
    schedules = _all(WeeklySchedule)
    this_monday = localtime.today() - timedelta(days=localtime.today().weekday())
    assert {s.week_start for s in schedules} >= {this_monday}
    assert {s.unit for s in schedules} == set(_user("unit.manager@demo.fi").units)
    shifts = {(s.user_id, s.weekday): (s.start_minute, s.end_minute) for s in _all(ShiftPattern)}
    unit_staff = defaultdict(set)
    for user in _all(User):
        for unit_id in user.unit_ids:
            unit_staff[unit_id].add(user.id)
    busy = defaultdict(list)
    resident_days = Counter()
    for schedule in schedules:
        assert schedule.status == ScheduleStatus.PUBLISHED and schedule.week_start.weekday() == 0
        for visit in schedule.visits:
            start, end, day = _local_minutes(visit)
            plan = db.session.get(SupportPlan, visit.support_plan_id)
            shift_start, shift_end = shifts[(visit.staff_id, day.weekday())]
            assert shift_start <= start < end <= shift_end
            assert any(w["weekday"] == day.weekday() and w["start"] <= start and end <= w["end"]
                       for w in plan.preferred_times)
            assert visit.young_person_id == plan.tenancy.young_person_id
            assert visit.staff_id in unit_staff[schedule.unit_id]
            busy[(visit.staff_id, day)].append((start, end))
            resident_days[(visit.young_person_id, day)] += 1
            if visit.ends_at.astimezone(LOCAL_TIME).date() < localtime.today():  # today's are the workers' to record
                assert visit.record is not None and visit.record.staff_id == visit.staff_id
    assert max(resident_days.values()) == 1
    for periods in busy.values():
        periods.sort()
        assert all(a_end <= b_start for (_, a_end), (b_start, _) in zip(periods, periods[1:], strict=False))
    outcomes = Counter(v.record.outcome for v in _all(ScheduledVisit) if v.record is not None)
    assert outcomes.most_common(1)[0][0] == VisitOutcome.DONE


def _local_minutes(visit: ScheduledVisit) -> tuple[int, int, date]:
    starts, ends = visit.starts_at.astimezone(LOCAL_TIME), visit.ends_at.astimezone(LOCAL_TIME)
    return starts.hour * 60 + starts.minute, ends.hour * 60 + ends.minute, starts.date()


def test_service_paths_keep_their_steps_and_the_demo_worker_has_a_stalled_referral(seeded):
    steps = _all(ServiceReferralStep)
    assert len(steps) >= _count(ServiceReferral) and all(s.recorded_by_id for s in steps)
    for referral in _all(ServiceReferral):
        assert referral.last_progress_on == max(step.happened_on for step in referral.steps)
        assert referral.steps[-1].status == referral.status
    stalled = referrals.stalled_referrals_of_worker(_user("social.worker@demo.fi"), localtime.today())
    assert any(row.referral.service == "income" and row.days_without_progress == 45 for row in stalled)
