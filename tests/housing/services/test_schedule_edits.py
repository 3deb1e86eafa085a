"""The manager's hand edits: every rule a move or a swap can break is refused with a reason,
and nothing changes; what is allowed is saved and still passes the independent checker."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask_babel import force_locale

from housing.extensions import db
from housing.models import ScheduleStatus, StaffAbsence, WeeklySchedule
from housing.services import schedule_edits, scheduling
from housing.services.errors import RuleViolation
from housing.services.schedule_problem import build_problem
from tests.allocator.scheduling.schedule_checker import problems_with
from tests.factories import make_person, make_place, make_plan, make_staff, make_tenancy
from tests.housing.services.test_scheduling import WEEK, Unit

MONDAY, TUESDAY, THURSDAY, SATURDAY = 0, 1, 3, 5


@pytest.fixture
def unit(app) -> Unit:
    return Unit()


def draft(unit: Unit, assignments: list[tuple[str, object, int]]) -> WeeklySchedule:
    """A planned draft whose visits are exactly ``assignments`` (visit id, worker, minute of the week)."""
    document, basis = build_problem(unit.unit, WEEK)
    schedule = WeeklySchedule(unit_id=unit.unit.id, week_start=WEEK, status=ScheduleStatus.DRAFT)
    db.session.add(schedule)
    placed = [{"visit": ref, "staff": f"S{user.id}", "start": start} for ref, user, start in assignments]
    result = {"format": "support-schedule-result/1", "status": "FEASIBLE", "assignments": placed,
              "unscheduled": [{"visit": v["id"], "reason": "Could not fit with the other visits."}
                              for v in document["visits"] if v["id"] not in {a[0] for a in assignments}],
              "objective": {}, "stats": {"seconds": 0.0, "solver": "test"}}
    scheduling.store_result(schedule, document, result, basis)
    db.session.commit()
    return schedule


def at(day: int, hour: int, minute: int = 0) -> int:
    return day * 1440 + hour * 60 + minute


def ref(plan, n: int = 1) -> str:
    return f"P{plan.id}.{n}"


def refused(schedule: WeeklySchedule, message: str, edit) -> None:
    before = {(v.visit_ref, v.staff_id, v.starts_at) for v in schedule.visits}
    with force_locale("en"), pytest.raises(RuleViolation) as refusal:
        edit()
    db.session.rollback()
    db.session.expire_all()
    with force_locale("en"):
        assert message in str(refusal.value.message)
    assert {(v.visit_ref, v.staff_id, v.starts_at) for v in schedule.visits} == before


def test_a_move_to_a_worker_without_the_skill_is_refused(unit):
    schedule = draft(unit, [(ref(unit.nurse_plan), unit.nurse, at(MONDAY, 9))])
    refused(schedule, "needs the skill “Nursing”", lambda: schedule_edits.move_visit(
        unit.manager, schedule, ref(unit.nurse_plan), unit.evening.id, MONDAY, 12 * 60))


def test_a_move_outside_the_workers_shift_is_refused(unit):
    schedule = draft(unit, [(ref(unit.open_plan), unit.evening, at(MONDAY, 13))])
    refused(schedule, "is not at work then", lambda: schedule_edits.move_visit(
        unit.manager, schedule, ref(unit.open_plan), unit.nurse.id, MONDAY, 17 * 60))
    refused(schedule, "has no shift on Saturday", lambda: schedule_edits.move_visit(
        unit.manager, schedule, ref(unit.open_plan), unit.nurse.id, SATURDAY, 10 * 60))


def test_a_move_to_a_worker_away_all_week_is_refused(unit):
    away = make_staff(unit.unit)
    db.session.add(StaffAbsence(user_id=away.id, first_day=WEEK, last_day=WEEK + timedelta(days=6),
                                reason="annual_leave"))
    db.session.commit()
    schedule = draft(unit, [(ref(unit.open_plan), unit.evening, at(MONDAY, 13))])
    refused(schedule, "has no shift this week", lambda: schedule_edits.move_visit(
        unit.manager, schedule, ref(unit.open_plan), away.id, MONDAY, 13 * 60))


def test_a_move_outside_the_residents_preferred_times_is_refused(unit):
    schedule = draft(unit, [(ref(unit.third_plan), unit.nurse, at(MONDAY, 10))])
    refused(schedule, "outside", lambda: schedule_edits.move_visit(
        unit.manager, schedule, ref(unit.third_plan), unit.nurse.id, MONDAY, 8 * 60))


def test_a_second_visit_on_the_same_day_is_refused(unit):
    schedule = draft(unit, [(ref(unit.third_plan, 1), unit.nurse, at(MONDAY, 10)),
                            (ref(unit.third_plan, 2), unit.nurse, at(TUESDAY, 10))])
    refused(schedule, "already has a visit on Monday", lambda: schedule_edits.move_visit(
        unit.manager, schedule, ref(unit.third_plan, 2), unit.nurse.id, MONDAY, 14 * 60))


def test_overlapping_visits_of_one_worker_are_refused(unit):
    schedule = draft(unit, [(ref(unit.third_plan), unit.nurse, at(MONDAY, 10)),
                            (ref(unit.open_plan), unit.evening, at(MONDAY, 13))])
    refused(schedule, "already has a visit at that time", lambda: schedule_edits.move_visit(
        unit.manager, schedule, ref(unit.open_plan), unit.nurse.id, MONDAY, 10 * 60 + 15))


def test_a_move_without_time_to_travel_is_refused(unit):
    schedule = draft(unit, [(ref(unit.third_plan), unit.nurse, at(MONDAY, 10)),
                            (ref(unit.nurse_plan), unit.nurse, at(MONDAY, 11))])
    # The visit before ends at 10.30 two kilometres away: 10.30 itself is too early.
    refused(schedule, "Not enough time to get there", lambda: schedule_edits.move_visit(
        unit.manager, schedule, ref(unit.nurse_plan), unit.nurse.id, MONDAY, 10 * 60 + 30))


def test_a_visit_that_leaves_no_time_to_get_back_is_refused(unit):
    far = make_person(None, lat=61.62, lon=23.95)
    plan = make_plan(make_tenancy(far, make_place(unit.unit), WEEK - timedelta(days=30)), unit.evening,
                     visits_per_week=1, minutes_per_visit=60)
    db.session.commit()
    schedule = draft(unit, [(ref(plan), unit.evening, at(MONDAY, 14))])
    refused(schedule, "back at base", lambda: schedule_edits.move_visit(
        unit.manager, schedule, ref(plan), unit.evening.id, MONDAY, 19 * 60))


def test_more_visit_minutes_than_the_worker_has_are_refused(unit):
    unit.nurse.max_weekly_minutes = 80
    db.session.commit()
    schedule = draft(unit, [(ref(unit.nurse_plan), unit.nurse, at(MONDAY, 9))])
    refused(schedule, "more than the 80 they have", lambda: schedule_edits.move_visit(
        unit.manager, schedule, ref(unit.third_plan), unit.nurse.id, TUESDAY, 10 * 60))


def test_an_allowed_move_is_saved_and_the_week_still_passes_the_checker(unit):
    schedule = draft(unit, [(ref(unit.third_plan), unit.nurse, at(MONDAY, 10)),
                            (ref(unit.open_plan), unit.evening, at(MONDAY, 13))])
    row = schedule_edits.move_visit(unit.manager, schedule, ref(unit.open_plan), unit.nurse.id, THURSDAY, 9 * 60)
    db.session.commit()
    assert (row.staff_id, scheduling.placements(schedule)[ref(unit.open_plan)].start) == (unit.nurse.id,
                                                                                       at(THURSDAY, 9))
    assert problems_with(schedule.problem, scheduling.current_result(schedule)) == []


def test_an_unscheduled_visit_can_be_placed_by_hand(unit):
    schedule = draft(unit, [])
    schedule_edits.move_visit(unit.manager, schedule, ref(unit.nurse_plan), unit.nurse.id, MONDAY, 9 * 60)
    db.session.commit()
    assert [v.visit_ref for v in schedule.visits] == [ref(unit.nurse_plan)]


def test_a_swap_is_checked_like_a_move(unit):
    schedule = draft(unit, [(ref(unit.nurse_plan), unit.nurse, at(MONDAY, 9)),
                            (ref(unit.open_plan), unit.evening, at(MONDAY, 13))])
    refused(schedule, "needs the skill", lambda: schedule_edits.swap_visits(
        unit.manager, schedule, ref(unit.nurse_plan), ref(unit.open_plan)))
    swappable = draft(unit, [(ref(unit.third_plan), unit.nurse, at(TUESDAY, 10)),
                             (ref(unit.open_plan), unit.evening, at(TUESDAY, 13))])
    schedule_edits.swap_visits(unit.manager, swappable, ref(unit.third_plan), ref(unit.open_plan))
    db.session.commit()
    placed = scheduling.placements(swappable)
    assert placed[ref(unit.third_plan)].staff == f"S{unit.evening.id}"
    assert placed[ref(unit.open_plan)].start == at(TUESDAY, 10)
    assert problems_with(swappable.problem, scheduling.current_result(swappable)) == []


def test_a_removed_visit_is_unscheduled_and_only_drafts_change(unit):
    schedule = draft(unit, [(ref(unit.nurse_plan), unit.nurse, at(MONDAY, 9))])
    schedule_edits.remove_visit(unit.manager, schedule, ref(unit.nurse_plan))
    db.session.commit()
    assert schedule.visits == []
    schedule.status = ScheduleStatus.PUBLISHED
    db.session.commit()
    refused(schedule, "Only a planned draft can be changed", lambda: schedule_edits.move_visit(
        unit.manager, schedule, ref(unit.nurse_plan), unit.nurse.id, MONDAY, 9 * 60))
