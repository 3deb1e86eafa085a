"""Weekly schedules as the unit manager and staff use them: plan a week, read the calendar,
move a visit (and be refused an illegal move), publish, re-plan after an absence."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from housing import localtime
from housing.extensions import db
from housing.models import AuditEvent, BackgroundJob, JobStatus, Role, ScheduleStatus, StaffAbsence, WeeklySchedule
from housing.services.schedule_problem import monday_of
from tests.factories import make_user, make_week
from tests.housing.services.test_scheduling import Unit

NEXT_MONDAY = monday_of(localtime.today()) + timedelta(days=7)


@pytest.fixture
def unit(app, monkeypatch) -> Unit:
    monkeypatch.setitem(app.config, "SCHEDULE_SECONDS", 3)
    monkeypatch.setitem(app.config, "SCHEDULE_REPLAN_SECONDS", 3)
    return Unit(move_in=localtime.today() - timedelta(days=60))


def ref(plan, n: int = 1) -> str:
    return f"P{plan.id}.{n}"


def _planned(page, unit: Unit) -> WeeklySchedule:
    page(unit.manager, "/schedules/new", method="POST", status=302,
         data={"unit_id": unit.unit.id, "week": NEXT_MONDAY.isoformat()})
    db.session.expire_all()
    return db.session.scalars(select(WeeklySchedule).order_by(WeeklySchedule.id.desc())).first()


def test_the_manager_plans_a_week_and_reads_it_by_worker_and_by_resident(page, unit):
    schedule = _planned(page, unit)
    assert schedule.status == ScheduleStatus.DRAFT and schedule.week_start == NEXT_MONDAY
    calendar = page(unit.manager, f"/schedules/{schedule.id}", language="en")
    assert calendar.select_one("h1").text.strip() == unit.unit.name
    figures = [f.text.split()[0] for f in calendar.select(".figures .figure")]
    assert figures[0] == str(len(schedule.visits)) and calendar.select_one(".figures").text.count("/ 6")
    workers = [row.select_one("th").contents[0].strip() for row in calendar.select(".calendar tbody tr")]
    assert workers == sorted([unit.nurse.name, unit.evening.name])
    resident_view = page(unit.manager, f"/schedules/{schedule.id}?view=residents")
    names = resident_view.select(".calendar tbody th")
    assert {n.contents[0].strip() for n in names} == {unit.protected.full_name, unit.resident.full_name,
                                                       unit.third.full_name}
    listed = db.session.scalars(select(AuditEvent.young_person_id).where(AuditEvent.action == "list"))
    assert set(listed) >= {unit.protected.id, unit.resident.id, unit.third.id}


def test_the_planning_page_shows_progress_until_the_week_is_planned(page, unit, client):
    schedule = WeeklySchedule(unit_id=unit.unit.id, week_start=NEXT_MONDAY, status=ScheduleStatus.DRAFT)
    db.session.add(schedule)
    db.session.commit()
    waiting = page(unit.manager, f"/schedules/{schedule.id}", language="en")
    assert "being planned" in waiting.select_one("#progress-title").text
    assert waiting.select_one("[data-progress-url]")["data-progress-url"] == f"/schedules/{schedule.id}/progress"
    assert client.get(f"/schedules/{schedule.id}/progress").get_json() == {"status": "none", "finished": False}


def test_every_visit_left_out_is_listed_with_its_reason(page, unit):
    schedule = make_week(unit.unit, NEXT_MONDAY, [(ref(unit.nurse_plan), unit.nurse, 600)])
    db.session.commit()
    calendar = page(unit.manager, f"/schedules/{schedule.id}", language="en")
    rows = calendar.select("#unscheduled + .hds-table-container tbody tr")
    assert len(rows) == 5
    assert all("did not fit with the other visits" in row.text for row in rows)
    assert calendar.select_one(".figures").text.count("1 / 6")


def test_an_illegal_move_is_refused_next_to_the_field_and_a_legal_one_is_saved(page, unit):
    schedule = make_week(unit.unit, NEXT_MONDAY, [(ref(unit.nurse_plan), unit.nurse, 600),
                                                 (ref(unit.open_plan), unit.evening, 800)])
    db.session.commit()
    url = f"/schedules/{schedule.id}/visits/{ref(unit.nurse_plan)}"
    refused = page(unit.manager, url, method="POST", status=400, language="en",
                   data={"move-staff_id": unit.evening.id, "move-day": 0, "move-start": "12:00"})
    assert "needs the skill “Nursing”" in refused.select_one("#move-staff_id-error").text
    db.session.expire_all()
    assert {(v.visit_ref, v.staff_id) for v in schedule.visits} == {(ref(unit.nurse_plan), unit.nurse.id),
                                                                    (ref(unit.open_plan), unit.evening.id)}
    page(unit.manager, url, method="POST", status=302,
         data={"move-staff_id": unit.nurse.id, "move-day": 2, "move-start": "09:30"})
    db.session.expire_all()
    moved = next(v for v in schedule.visits if v.visit_ref == ref(unit.nurse_plan))
    assert moved.starts_at.date() == NEXT_MONDAY + timedelta(days=2)


def test_a_refused_swap_says_why(page, unit):
    schedule = make_week(unit.unit, NEXT_MONDAY, [(ref(unit.nurse_plan), unit.nurse, 600),
                                                 (ref(unit.open_plan), unit.evening, 800)])
    db.session.commit()
    refused = page(unit.manager, f"/schedules/{schedule.id}/visits/{ref(unit.nurse_plan)}/swap", method="POST",
                   status=400, language="en", data={"swap-other": ref(unit.open_plan)})
    assert "needs the skill" in refused.select_one(".error-summary").text


def test_publishing_shows_the_week_to_staff_who_never_see_drafts(page, unit):
    staff = make_user(Role.UNIT_STAFF, "PI", units=[unit.unit])
    schedule = make_week(unit.unit, NEXT_MONDAY, [(ref(unit.nurse_plan), unit.nurse, 600)])
    db.session.commit()
    page(staff, f"/schedules/{schedule.id}", status=404)
    assert page(staff, "/schedules/").select(".hds-table tbody tr") == []
    page(unit.manager, f"/schedules/{schedule.id}/publish", method="POST", status=302)
    published = page(staff, f"/schedules/{schedule.id}", language="en")
    assert "Published" in published.select_one(".lead").text
    assert published.select_one("form[action$='/publish']") is None  # staff only read it


def test_an_absence_in_a_published_week_offers_a_replan_that_shows_every_change(page, unit):
    schedule = make_week(unit.unit, NEXT_MONDAY, [(ref(unit.nurse_plan), unit.nurse, 600),
                                                 (ref(unit.third_plan), unit.nurse, 2 * 1440 + 600)],
                         status=ScheduleStatus.PUBLISHED)
    db.session.commit()
    page(unit.manager, f"/support/units/{unit.unit.id}/staff/{unit.nurse.id}/absences/new", method="POST",
         status=302, data={"first_day": (NEXT_MONDAY + timedelta(days=2)).isoformat(),
                           "last_day": (NEXT_MONDAY + timedelta(days=2)).isoformat(), "reason": "sick_leave"})
    staff_page = page(unit.manager, f"/support/units/{unit.unit.id}", language="en")
    offer = staff_page.select_one(".replan-offer")
    assert unit.nurse.name in offer.text and offer.select_one("form")["action"] == f"/schedules/{schedule.id}/replan"
    week = page(unit.manager, f"/schedules/{schedule.id}")
    assert unit.nurse.name in week.select_one("#absent-title").find_parent("section").text
    page(unit.manager, f"/schedules/{schedule.id}/replan", method="POST", status=302)
    draft = db.session.scalars(select(WeeklySchedule).order_by(WeeklySchedule.id.desc())).first()
    assert draft.replaces_id == schedule.id
    changes = page(unit.manager, f"/schedules/{draft.id}", language="en").select("#changes-title ~ div tbody tr")
    # The nurse's Wednesday visit cannot stay: it is moved, given to someone else, or dropped.
    before = f"Wednesday 10:00–10:30, {unit.nurse.name}"
    wednesday = [" ".join(row.text.split()) for row in changes if before in " ".join(row.text.split())]
    assert len(wednesday) == 1 and unit.third.full_name in wednesday[0]
    assert any(kind in wednesday[0] for kind in ("Another worker", "Moved to another time", "Dropped"))
    assert db.session.scalar(select(func.count()).select_from(StaffAbsence)) == 1


def test_a_published_week_cannot_be_changed_by_hand(page, unit):
    schedule = make_week(unit.unit, NEXT_MONDAY, [(ref(unit.nurse_plan), unit.nurse, 600)],
                         status=ScheduleStatus.PUBLISHED)
    db.session.commit()
    page(unit.manager, f"/schedules/{schedule.id}/visits/{ref(unit.nurse_plan)}", status=404)


def test_a_week_of_another_unit_is_not_found(page, unit):
    other_manager = make_user(unit.manager.role, "PI", units=[])
    schedule = make_week(unit.unit, NEXT_MONDAY, [], status=ScheduleStatus.PUBLISHED)
    db.session.commit()
    page(other_manager, f"/schedules/{schedule.id}", status=404)


def test_a_failed_planning_says_so_and_can_be_run_again(page, unit):
    schedule = WeeklySchedule(unit_id=unit.unit.id, week_start=NEXT_MONDAY, status=ScheduleStatus.DRAFT)
    db.session.add(schedule)
    db.session.flush()
    db.session.add(BackgroundJob(kind="support_schedule", subject_id=schedule.id, status=JobStatus.FAILED,
                                 runner="thread", time_limit_seconds=3, error_code="worker_lost"))
    db.session.commit()
    failed = page(unit.manager, f"/schedules/{schedule.id}", language="en")
    assert "its worker was stopped" in failed.select_one("#job-failed-title").find_parent("section").text
    page(unit.manager, f"/schedules/{schedule.id}/rerun", method="POST", status=302)
    planned = page(unit.manager, f"/schedules/{schedule.id}", language="en")
    assert planned.select_one(".figures") is not None


def test_a_week_first_planned_after_it_began_is_a_draft_planned_from_then_not_a_replan(page, unit):
    this_monday = monday_of(localtime.today())
    page(unit.manager, "/schedules/new", method="POST", status=302,
         data={"unit_id": unit.unit.id, "week": this_monday.isoformat()})
    schedule = db.session.scalars(select(WeeklySchedule).order_by(WeeklySchedule.id.desc())).first()
    assert schedule.replan_from is not None and schedule.replaces_id is None
    week = page(unit.manager, f"/schedules/{schedule.id}", language="en")
    assert week.select_one(".lead .hds-status-label").text.strip() == "Draft"
    assert "Planned from" in week.select_one("main").text and "Re-planned" not in week.select_one("main").text
    listed = page(unit.manager, "/schedules/", language="en").select_one(".hds-table tbody tr")
    assert "re-plan" not in listed.text and "Draft" in listed.text


def test_each_worker_line_says_their_visit_minutes_and_limit_or_that_there_is_none(page, unit):
    schedule = make_week(unit.unit, NEXT_MONDAY, [(ref(unit.nurse_plan), unit.nurse, 600),
                                                 (ref(unit.open_plan), unit.evening, 800)])
    db.session.commit()
    calendar = page(unit.manager, f"/schedules/{schedule.id}", language="en")
    lines = {row.select_one("th").contents[0].strip(): row.select_one("th .calendar__meta").text
             for row in calendar.select(".calendar tbody tr")}
    assert lines == {unit.nurse.name: "60 of 1200 visit minutes", unit.evening.name: "45 visit minutes, no limit"}
