"""Weekly schedules: the problem built from the register, planning as a job, publishing,
keeping the previous week, re-planning after an absence."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from housing import jobs
from housing.extensions import db
from housing.models import (
    JobStatus,
    Role,
    ScheduleStatus,
    StaffAbsence,
    VisitOutcome,
    WeeklySchedule,
)
from housing.services import scheduling, visit_records
from housing.services.errors import RuleViolation
from housing.services.schedule_problem import LOCAL_TIME, build_problem, minute_of_week, moment
from tests.allocator.scheduling.schedule_checker import problems_with
from tests.factories import make_person, make_place, make_plan, make_staff, make_tenancy, make_unit, make_user

WEEK = date(2030, 1, 7)  # a Monday, far enough ahead for every test
BEFORE_THE_WEEK = datetime(2030, 1, 4, 12, 0, tzinfo=UTC)


class Unit:
    """A small unit: two workers, three residents (one with a turvakielto)."""

    def __init__(self, move_in: date = WEEK - timedelta(days=100)) -> None:
        self.unit = make_unit("PI", lat=61.4978, lon=23.761)
        self.nurse = make_staff(self.unit, skills=("nurse",), max_weekly_minutes=1200)
        self.evening = make_staff(self.unit, shifts=[(0, 720, 1200), (1, 720, 1200), (2, 720, 1200)],
                                  max_weekly_minutes=None)
        self.protected = make_person(None, lat=61.5, lon=23.8, non_disclosure=True, address="Salainen tie 1")
        self.resident = make_person(None)
        self.third = make_person(None, lat=61.49, lon=23.77)
        self.protected_tenancy = make_tenancy(self.protected, make_place(self.unit), move_in)
        self.resident_tenancy = make_tenancy(self.resident, make_place(self.unit), move_in)
        self.third_tenancy = make_tenancy(self.third, make_place(self.unit), move_in)
        self.nurse_plan = make_plan(self.protected_tenancy, self.nurse, visits_per_week=2, minutes_per_visit=60,
                                    skill_needed="nurse",
                                    preferred_times=[{"weekday": 0, "start": 540, "end": 720},
                                                     {"weekday": 2, "start": 540, "end": 720}])
        self.open_plan = make_plan(self.resident_tenancy, self.evening, visits_per_week=1, minutes_per_visit=45)
        self.third_plan = make_plan(self.third_tenancy, self.nurse, visits_per_week=3, minutes_per_visit=30,
                                    preferred_times=[{"weekday": d, "start": 600, "end": 900} for d in range(5)])
        self.manager = make_user(Role.UNIT_MANAGER, "PI", units=[self.unit])
        db.session.commit()


@pytest.fixture
def unit(app) -> Unit:
    return Unit()


def test_the_problem_is_built_from_the_register(unit):
    db.session.add(StaffAbsence(user_id=unit.evening.id, first_day=WEEK + timedelta(days=1),
                                last_day=WEEK + timedelta(days=1), reason="training"))
    db.session.flush()
    document, basis = build_problem(unit.unit, WEEK)
    n, e = unit.nurse.id, unit.evening.id
    p, r, t = unit.protected.id, unit.resident.id, unit.third.id
    u = unit.unit.id
    assert document == {
        "format": "support-schedule/1",
        "week_start": "2030-01-07",
        "travel": {"mode": "geo", "speed_kmh": 40, "road_factor": 1.3},
        "locations": [
            {"id": f"U{u}", "lat": 61.4978, "lon": 23.761},
            {"id": f"H{p}", "lat": 61.5, "lon": 23.8},
            {"id": f"H{r}", "lat": 61.4978, "lon": 23.761},  # no point of their own: the unit's
            {"id": f"H{t}", "lat": 61.49, "lon": 23.77},
        ],
        "staff": [
            {"id": f"S{n}", "skills": ["nurse"], "base": f"U{u}",
             "shifts": [{"start": d * 1440 + 480, "end": d * 1440 + 960} for d in range(5)], "max_minutes": 1200},
            # Tuesday is the day of the absence: no shift then.
            {"id": f"S{e}", "skills": [], "base": f"U{u}",
             "shifts": [{"start": 720, "end": 1200}, {"start": 2 * 1440 + 720, "end": 2 * 1440 + 1200}],
             "max_minutes": None},
        ],
        "visits": [
            {"id": f"P{unit.nurse_plan.id}.1", "resident": f"R{p}", "location": f"H{p}", "duration": 60,
             "skill": "nurse", "windows": [{"start": 540, "end": 720}, {"start": 3420, "end": 3600}],
             "key_worker": f"S{n}"},
            {"id": f"P{unit.nurse_plan.id}.2", "resident": f"R{p}", "location": f"H{p}", "duration": 60,
             "skill": "nurse", "windows": [{"start": 540, "end": 720}, {"start": 3420, "end": 3600}],
             "key_worker": f"S{n}"},
            {"id": f"P{unit.open_plan.id}.1", "resident": f"R{r}", "location": f"H{r}", "duration": 45,
             "skill": None, "windows": [{"start": d * 1440, "end": (d + 1) * 1440} for d in range(7)],
             "key_worker": f"S{e}"},
            *({"id": f"P{unit.third_plan.id}.{k}", "resident": f"R{t}", "location": f"H{t}", "duration": 30,
               "skill": None, "windows": [{"start": d * 1440 + 600, "end": d * 1440 + 900} for d in range(5)],
               "key_worker": f"S{n}"} for k in (1, 2, 3)),
        ],
        "previous": [],
    }
    assert basis.fixed == []
    text = json.dumps(document)
    assert "Salainen" not in text and unit.protected.last_name not in text  # no names, no addresses


def _plan(unit: Unit, week: date = WEEK, now: datetime = BEFORE_THE_WEEK) -> WeeklySchedule:
    schedule, job = scheduling.plan_week(unit.manager, unit.unit, week, now=now, seconds=5)
    db.session.commit()
    jobs.start(job)
    db.session.expire_all()
    assert scheduling.latest_job(schedule).status == JobStatus.DONE
    return db.session.get(WeeklySchedule, schedule.id)


def test_planning_stores_problem_result_and_the_visits(unit):
    schedule = _plan(unit)
    assert schedule.status == ScheduleStatus.DRAFT
    assert schedule.problem["format"] == "support-schedule/1"
    assert schedule.result["format"] == "support-schedule-result/1"
    assert schedule.result["objective"]["scheduled"] == len(schedule.visits) == 6
    assert problems_with(schedule.problem, schedule.result) == []
    first = schedule.visits[0]
    local = first.starts_at.astimezone(LOCAL_TIME)
    assignment = next(a for a in schedule.result["assignments"] if a["visit"] == first.visit_ref)
    assert local.date() == WEEK + timedelta(days=assignment["start"] // 1440)
    assert local.hour * 60 + local.minute == assignment["start"] % 1440
    assert first.staff_id == int(assignment["staff"][1:])


def test_only_a_monday_of_a_week_not_over_can_be_planned(unit):
    with pytest.raises(RuleViolation):
        scheduling.plan_week(unit.manager, unit.unit, WEEK + timedelta(days=1), now=BEFORE_THE_WEEK)
    with pytest.raises(RuleViolation):
        scheduling.plan_week(unit.manager, unit.unit, WEEK, now=datetime(2030, 1, 14, 0, 30, tzinfo=UTC))


def test_publishing_makes_the_week_the_one_staff_work_by_and_it_passes_the_checker(unit):
    schedule = _plan(unit)
    scheduling.publish(unit.manager, schedule, now=BEFORE_THE_WEEK)
    db.session.commit()
    assert schedule.status == ScheduleStatus.PUBLISHED and schedule.published_by_id == unit.manager.id
    assert problems_with(schedule.problem, scheduling.current_result(schedule)) == []
    with pytest.raises(RuleViolation):
        scheduling.publish(unit.manager, schedule, now=BEFORE_THE_WEEK)


def test_the_next_week_keeps_the_published_week(unit):
    first = _plan(unit)
    scheduling.publish(unit.manager, first, now=BEFORE_THE_WEEK)
    db.session.commit()
    second = _plan(unit, WEEK + timedelta(days=7))
    previous = second.problem["previous"]
    assert sorted(previous, key=lambda a: a["visit"]) == sorted(scheduling.current_result(first)["assignments"],
                                                                key=lambda a: a["visit"])
    assert second.result["objective"]["kept"] == len(previous) == 6


def test_replanning_after_an_absence_keeps_the_past_and_what_it_can(unit):
    week = _plan(unit)
    scheduling.publish(unit.manager, week, now=BEFORE_THE_WEEK)
    db.session.commit()
    # Monday 13:00: the morning's visits have been made; one is recorded as missed.
    monday_one = moment(WEEK, 13 * 60)
    past = [v for v in week.visits if v.starts_at < monday_one]
    assert past, "the solver put no visit on Monday morning"
    visit_records.record_visit(unit.nurse, _missed(), visit=past[0], now=monday_one)
    db.session.add(StaffAbsence(user_id=unit.nurse.id, first_day=WEEK + timedelta(days=2),
                                last_day=WEEK + timedelta(days=2), reason="sick_leave"))
    db.session.commit()
    replan = _plan(unit, now=monday_one)
    assert replan.replaces_id == week.id and replan.replan_from is not None
    cut = minute_of_week(WEEK, monday_one)
    assert all(visit["windows"][0]["start"] >= cut for visit in replan.problem["visits"] if visit["windows"])
    assert {p["visit"] for p in replan.problem["previous"]} <= {v.visit_ref for v in week.visits}
    fixed = scheduling.fixed_rows(replan)
    assert {(v.visit_ref, v.staff_id, v.starts_at) for v in fixed} == {(v.visit_ref, v.staff_id, v.starts_at)
                                                                        for v in past}
    wednesday = [a for a in replan.result["assignments"] if a["start"] // 1440 == 2]
    assert all(a["staff"] != f"S{unit.nurse.id}" for a in wednesday)
    scheduling.publish(unit.manager, replan, now=monday_one)
    db.session.commit()
    assert week.status == ScheduleStatus.SUPERSEDED
    moved = next(v for v in replan.visits if v.visit_ref == past[0].visit_ref)
    assert moved.record is not None and moved.record.outcome == VisitOutcome.MISSED


def test_a_stale_draft_cannot_be_published_over_a_newer_week(unit):
    older = _plan(unit)
    newer = _plan(unit)
    scheduling.publish(unit.manager, newer, now=BEFORE_THE_WEEK)
    db.session.commit()
    with pytest.raises(RuleViolation):
        scheduling.publish(unit.manager, older, now=BEFORE_THE_WEEK)


def test_absences_offer_a_replan_of_the_published_weeks_they_touch(unit):
    week = _plan(unit)
    scheduling.publish(unit.manager, week, now=BEFORE_THE_WEEK)
    absence = StaffAbsence(user_id=unit.nurse.id, first_day=WEEK, last_day=WEEK + timedelta(days=4),
                           reason="sick_leave")
    db.session.add(absence)
    db.session.commit()
    assert scheduling.weeks_touched_by_absence(absence, now=BEFORE_THE_WEEK) == [week]
    other = StaffAbsence(user_id=unit.evening.id, first_day=WEEK + timedelta(days=5),
                         last_day=WEEK + timedelta(days=6), reason="annual_leave")
    assert scheduling.weeks_touched_by_absence(other, now=BEFORE_THE_WEEK) == []


def _missed() -> dict:
    return {"outcome": "missed", "started_at": None, "actual_minutes": None, "visit_type": None,
            "cancelled_by": None, "themes": [], "notes": "Ei tavoitettu."}


def test_planning_runs_the_solver_only_through_its_entry_point():
    source = open(scheduling.__file__, encoding="utf-8").read()
    imports = [line for line in source.splitlines() if line.startswith(("from allocator", "import allocator"))]
    assert imports == ["from allocator.reading import InputError",
                       "from allocator.scheduling.api import schedule_document"]


def test_the_week_of_a_visit_is_counted_on_the_local_clock():
    # 23:30 in Helsinki on a Sunday is still the same week, whatever the UTC date.
    sunday_night = datetime(2030, 1, 13, 23, 30, tzinfo=LOCAL_TIME)
    assert minute_of_week(WEEK, sunday_night) == 6 * 1440 + 23 * 60 + 30
    assert moment(WEEK, 6 * 1440 + 23 * 60 + 30) == sunday_night
