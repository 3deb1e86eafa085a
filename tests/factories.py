"""Test data factories: small functions that build valid objects with overridable fields.

Each adds to the session and flushes (like services), so ids exist; tests commit when a
request must see the data.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

from housing import localtime, rules
from housing.extensions import db
from housing.models import (
    Application,
    ApplicationStatus,
    LocationWish,
    Place,
    PlacementType,
    Role,
    ScheduledVisit,
    ScheduleStatus,
    ServiceReferral,
    ShiftPattern,
    SupportPlan,
    Tenancy,
    Unit,
    UnitType,
    User,
    VisitOutcome,
    VisitRecord,
    WeeklySchedule,
    YoungPerson,
)
from housing.services.accounts import hash_password

PASSWORD = "correct horse battery"
_sequence = itertools.count(1)


def identity_code(birth: date, individual: int = 905) -> str:
    """A valid henkilötunnus (temporary individual numbers 900–999 belong to no one)."""
    sign = {1800: "+", 1900: "-", 2000: "A"}[birth.year // 100 * 100]
    ddmmyy = birth.strftime("%d%m%y")
    number = f"{individual:03d}"
    return f"{ddmmyy}{sign}{number}{rules.identity_code_check_character(ddmmyy, number)}"


def make_user(role: Role = Role.SOCIAL_WORKER, county_id: str | None = "PI", units: list[Unit] | None = None,
              **fields: Any) -> User:
    n = next(_sequence)
    user = User(
        email=fields.pop("email", f"user{n}@example.fi"), name=fields.pop("name", f"Test User {n}"),
        password_hash=hash_password(fields.pop("password", PASSWORD)), role=role,
        county_id=None if role == Role.ADMIN else county_id, language=fields.pop("language", "fi"),
        active=fields.pop("active", True), skills=[], **fields,
    )
    user.units = list(units or [])
    db.session.add(user)
    db.session.flush()
    return user


def make_unit(county_id: str = "PI", municipality_code: str = "837", **fields: Any) -> Unit:
    n = next(_sequence)
    values = dict(
        name=f"Unit {n}", unit_type=UnitType.SUPPORTED_HOUSING_UNIT, county_id=county_id,
        municipality_code=municipality_code, lat=61.4978, lon=23.761, support_level=2,
        services=["mental_health"], staff_support_hours=40, languages=["fi"], active=True,
    )
    values.update(fields)
    unit = Unit(**values)
    db.session.add(unit)
    db.session.flush()
    return unit


def make_place(unit: Unit, **fields: Any) -> Place:
    n = next(_sequence)
    values = dict(unit_id=unit.id, label=f"A{n}", bedrooms=1, max_household=1, accessible=False, out_of_use=False)
    values.update(fields)
    place = Place(**values)
    db.session.add(place)
    db.session.flush()
    return place


def make_person(worker: User | None = None, county_id: str = "PI", birth: date = date(2006, 3, 14),
                **fields: Any) -> YoungPerson:
    n = next(_sequence)
    values = dict(
        identity_code=identity_code(birth, 900 + n % 100), first_name=f"Aino{n}", last_name=f"Testinen{n}",
        birth_date=birth, language="fi", placing_county_id=county_id, residence_county_id=county_id,
        responsible_worker_id=worker.id if worker else None, placement_type=PlacementType.SUBSTITUTE_CARE,
        placed_alone=True, children_in_household=0, non_disclosure=False,
    )
    values.update(fields)
    person = YoungPerson(**values)
    db.session.add(person)
    db.session.flush()
    return person


def make_tenancy(person: YoungPerson, place: Place, move_in: date | None = None, **fields: Any) -> Tenancy:
    """A tenancy; one that began by today has its move-in recorded (unless ``actual_move_in`` is given)."""
    move_in = move_in or localtime.today() - timedelta(days=30)
    fields.setdefault("actual_move_in", move_in if move_in <= localtime.today() else None)
    tenancy = Tenancy(young_person_id=person.id, place_id=place.id, move_in=move_in, **fields)
    db.session.add(tenancy)
    db.session.flush()
    return tenancy


def make_application(person: YoungPerson, status: ApplicationStatus = ApplicationStatus.SUBMITTED,
                     **fields: Any) -> Application:
    values = dict(
        young_person_id=person.id, status=status, support_level=2, needs=["mental_health"], support_hours=4,
        urgency_band=2, need_since=localtime.today() - timedelta(days=60), max_distance_km=30, household_size=1,
        needs_accessible=False, acceptable_unit_types=[], consent=True, tiebreak=0.5,
    )
    values.update(fields)
    application = Application(**values)
    application.wishes = [LocationWish(rank=0, municipality_code="837", lat=61.4978, lon=23.761)]
    db.session.add(application)
    db.session.flush()
    return application


def application_data(**overrides: Any) -> dict[str, Any]:
    """What a social worker enters for a complete, standard (band 3) application."""
    from housing.services.applications import WishInput

    data: dict[str, Any] = dict(
        support_level=2, needs=["mental_health"], support_hours=4, urgency_band=3, urgency_ground=None,
        urgency_reason=None, need_since=localtime.today() - timedelta(days=30), max_distance_km=30, household_size=1,
        needs_accessible=False, acceptable_unit_types=[], own_words="Haluan asua lähellä koulua.", consent=True,
        wishes=[WishInput(municipality="837")], not_with_add=[],
    )
    data.update(overrides)
    return data


def apply_for(person: YoungPerson, status: ApplicationStatus = ApplicationStatus.WAITLISTED,
              coordinator: User | None = None, **data: Any) -> Application:
    """An application made through the service and taken to ``status`` the way people would."""
    from housing.services import applications as service

    worker = db.session.get(User, person.responsible_worker_id)
    coordinator = coordinator or make_user(Role.COORDINATOR, person.placing_county_id)
    today = localtime.today()
    application = service.create_draft(worker, person, application_data(**data), today)
    if status == ApplicationStatus.DRAFT:
        return application
    if status == ApplicationStatus.WITHDRAWN:
        service.withdraw(worker, application, "Ei enää tarvetta.")
        return application
    service.submit(worker, application, today)
    if status == ApplicationStatus.RETURNED:
        service.return_with_question(coordinator, application, "Tarkenna tuen tarve.")
    elif status == ApplicationStatus.CLOSED:
        service.close(coordinator, application, "Muutti toiselle alueelle.")
    elif status != ApplicationStatus.SUBMITTED:
        service.waitlist(coordinator, application, today, "Tarkistettu.")
        if status in (ApplicationStatus.OFFERED, ApplicationStatus.HOUSED):
            service.mark_offered(coordinator, application)
        if status == ApplicationStatus.HOUSED:
            service.mark_housed(worker, application)
    return application


WEEKDAY_SHIFTS = tuple((day, 8 * 60, 16 * 60) for day in range(5))


def make_staff(unit: Unit, skills: tuple[str, ...] = (), shifts=WEEKDAY_SHIFTS, max_weekly_minutes: int | None = 1200,
               **fields: Any) -> User:
    """A unit's support worker with a weekly pattern: (weekday, start minute, end minute) rows."""
    user = make_user(Role.UNIT_STAFF, unit.county_id, units=[unit], max_weekly_minutes=max_weekly_minutes,
                     base_unit_id=unit.id, **fields)
    user.skills = list(skills)
    db.session.add_all(ShiftPattern(user_id=user.id, weekday=day, start_minute=start, end_minute=end)
                       for day, start, end in shifts)
    db.session.flush()
    return user


def make_plan(tenancy: Tenancy, key_worker: User | None, **fields: Any) -> SupportPlan:
    values = dict(tenancy_id=tenancy.id, key_worker_id=key_worker.id if key_worker else None, visits_per_week=2,
                  minutes_per_visit=60, skill_needed=None, preferred_times=[], goals="Arjen taidot.",
                  valid_from=tenancy.move_in)
    values.update(fields)
    plan = SupportPlan(**values)
    db.session.add(plan)
    db.session.flush()
    return plan


def make_week(unit: Unit, week_start: date, placed=(), status: ScheduleStatus = ScheduleStatus.DRAFT) -> WeeklySchedule:
    """A planned week of the unit (its problem built from the register) whose visits are exactly
    ``placed``: (visit id, worker, minute of the week). No solver runs."""
    from housing.services import scheduling
    from housing.services.schedule_problem import build_problem

    document, basis = build_problem(unit, week_start)
    schedule = WeeklySchedule(unit_id=unit.id, week_start=week_start, status=status)
    db.session.add(schedule)
    assignments = [{"visit": ref, "staff": f"S{user.id}", "start": start} for ref, user, start in placed]
    result = {"format": "support-schedule-result/1", "status": "FEASIBLE", "assignments": assignments,
              "unscheduled": [{"visit": v["id"], "reason": "Could not fit with the other visits."}
                              for v in document["visits"] if v["id"] not in {a["visit"] for a in assignments}],
              "objective": {}, "stats": {"seconds": 0.0, "solver": "test"}}
    scheduling.store_result(schedule, document, result, basis)
    return schedule


def make_visit_record(visit: ScheduledVisit, outcome: VisitOutcome = VisitOutcome.DONE, **fields: Any) -> VisitRecord:
    values = dict(scheduled_visit_id=visit.id, young_person_id=visit.young_person_id, unit_id=visit.schedule.unit_id,
                  staff_id=visit.staff_id, visit_at=visit.starts_at, outcome=outcome, themes=[],
                  notes="Käytiin läpi viikon asiat.", recorded_by_id=visit.staff_id)
    if outcome == VisitOutcome.DONE:
        values.update(started_at=visit.starts_at, actual_minutes=60, visit_type="home_visit")
    values.update(fields)
    record = VisitRecord(**values)
    db.session.add(record)
    db.session.flush()
    return record


def run_round(coordinator: User, today: date | None = None, **choice: Any):
    """A round of the coordinator's county, created and solved as the page does (job run at once)."""
    from housing import jobs
    from housing.models import AllocationRound
    from housing.services import allocation_policy, rounds

    today = today or localtime.today()
    values = dict(as_of=today, free_by=today,
                  weights=allocation_policy.weights_of(allocation_policy.policy_for(coordinator.county_id)))
    values.update(choice)
    started, job = rounds.create_round(coordinator, coordinator.county_id, rounds.RoundChoice(**values), today)
    db.session.commit()
    jobs.run(job.id)
    finished = db.session.get(AllocationRound, started.id)
    rounds.refresh(finished)
    db.session.commit()
    return finished


def make_support_plan(tenancy: Tenancy, visits_per_week: int = 2, minutes_per_visit: int = 60, **fields: Any):
    from housing.models import SupportPlan

    plan = SupportPlan(tenancy_id=tenancy.id, visits_per_week=visits_per_week, minutes_per_visit=minutes_per_visit,
                       preferred_times=[], valid_from=fields.pop("valid_from", tenancy.move_in), **fields)
    db.session.add(plan)
    db.session.flush()
    return plan


def make_referral(person: YoungPerson, service: str = "mental_health", referred_on: date | None = None,
                  **steps: date) -> ServiceReferral:
    """A referral made by the person's worker through the service; ``steps`` take their steps in
    order, e.g. ``start=day`` or ``follow_up=day``."""
    from housing.services import referrals

    worker = db.session.get(User, person.responsible_worker_id)
    today = localtime.today()
    referral = referrals.add(worker, person, {"service": service, "provider": "Nuorisoasema",
                                              "contact": "Hoitaja Maija, 040 123 4567", "referred_on": referred_on},
                             today)
    for step, day in steps.items():
        referrals.take_step(worker, referral, step, day, today,
                            refusal_reason="young_person_declined" if step == "refuse" else None)
    return referral
