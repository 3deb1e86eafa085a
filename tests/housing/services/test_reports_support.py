"""Support delivered against planned, on hand-made weeks whose minutes are known."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from housing.extensions import db
from housing.models import ScheduledVisit, ScheduleStatus, VisitOutcome, VisitRecord, WeeklySchedule
from housing.services.reports.period import Period
from housing.services.reports.support import support_report
from tests.factories import make_person, make_place, make_plan, make_staff, make_tenancy, make_unit

PERIOD = Period(date(2026, 11, 1), date(2026, 11, 30))
NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)
WEEK_1, WEEK_2 = date(2026, 11, 2), date(2026, 11, 9)


class Unit:
    def __init__(self) -> None:
        self.unit = make_unit("PI")
        self.key_worker, self.other = make_staff(self.unit), make_staff(self.unit)
        self.resident = make_person(None, "PI")
        tenancy = make_tenancy(self.resident, make_place(self.unit), date(2026, 6, 1))
        self.plan = make_plan(tenancy, self.key_worker)
        weeks = {monday: self._week(self.unit, monday, ScheduleStatus.PUBLISHED) for monday in (WEEK_1, WEEK_2)}
        weeks[date(2026, 11, 23)] = self._week(self.unit, date(2026, 11, 23), ScheduleStatus.PUBLISHED)
        v1 = self._visit(weeks[WEEK_1], self.key_worker, WEEK_1, 9 * 60, 60)
        v2 = self._visit(weeks[WEEK_1], self.other, WEEK_1 + timedelta(days=2), 9 * 60, 90)
        v3 = self._visit(weeks[WEEK_1], self.key_worker, WEEK_1 + timedelta(days=4), 12 * 60, 45)
        v4 = self._visit(weeks[WEEK_2], self.key_worker, WEEK_2, 9 * 60, 60)
        self._visit(weeks[date(2026, 11, 23)], self.key_worker, date(2026, 11, 23), 9 * 60, 60)  # after now
        draft = self._week(self.unit, WEEK_2, ScheduleStatus.DRAFT)
        self._visit(draft, self.other, WEEK_2 + timedelta(days=1), 9 * 60, 120)  # never published
        self._record(v1, VisitOutcome.DONE, 50)
        self._record(v2, VisitOutcome.DONE, 90)
        self._record(v3, VisitOutcome.MISSED)
        self._record(v4, VisitOutcome.CANCELLED)
        db.session.add(VisitRecord(young_person_id=self.resident.id, unit_id=self.unit.id, staff_id=self.other.id,
                                   visit_at=datetime(2026, 11, 10, 14, tzinfo=UTC), outcome=VisitOutcome.DONE,
                                   actual_minutes=30, themes=[]))  # not planned
        elsewhere = make_unit("PI")
        self._visit(self._week(elsewhere, WEEK_1, ScheduleStatus.PUBLISHED), make_staff(elsewhere), WEEK_1, 600, 60)
        db.session.commit()

    @staticmethod
    def _week(unit, monday, status):
        week = WeeklySchedule(unit_id=unit.id, week_start=monday, status=status)
        db.session.add(week)
        db.session.flush()
        return week

    def _visit(self, week, staff, day, minute, minutes):
        starts = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(minutes=minute)
        visit = ScheduledVisit(schedule_id=week.id, support_plan_id=self.plan.id, young_person_id=self.resident.id,
                               staff_id=staff.id, starts_at=starts, ends_at=starts + timedelta(minutes=minutes))
        db.session.add(visit)
        db.session.flush()
        return visit

    def _record(self, visit, outcome, minutes=None):
        db.session.add(VisitRecord(scheduled_visit_id=visit.id, young_person_id=visit.young_person_id,
                                   unit_id=self.unit.id, staff_id=visit.staff_id, visit_at=visit.starts_at,
                                   outcome=outcome, actual_minutes=minutes, themes=[]))
        db.session.flush()


@pytest.fixture
def unit(app) -> Unit:
    return Unit()


def test_planned_and_delivered_minutes_by_week(unit):
    report = support_report([unit.unit.id], PERIOD, "unit", NOW, detailed=True)
    assert report.cells[(WEEK_1, unit.unit.id)] == report.weeks[WEEK_1]
    first, second = report.weeks[WEEK_1], report.weeks[WEEK_2]
    assert (first.planned_visits, first.planned_minutes, first.delivered_minutes) == (3, 195, 140)
    assert (first.done, first.missed, first.recorded, first.planned_done, first.by_key_worker) == (2, 1, 3, 2, 1)
    assert (second.planned_visits, second.planned_minutes, second.delivered_minutes) == (1, 60, 30)
    assert (second.done, second.recorded, second.planned_done) == (1, 2, 0)  # the unplanned visit has no plan
    assert set(report.weeks) == {WEEK_1, WEEK_2}  # the week after now is not yet due
    total = report.total
    assert (total.planned_minutes, total.delivered_minutes) == (255, 170)
    assert total.delivered_share == pytest.approx(170 / 255)
    assert total.missed_rate == pytest.approx(1 / 5) and total.key_worker_share == pytest.approx(1 / 2)
    assert report.keys == {unit.unit.id: total}


def test_by_staff_member_and_resident(unit):
    by_staff = support_report([unit.unit.id], PERIOD, "staff", NOW, detailed=True)
    key, other = by_staff.cells[(WEEK_1, unit.key_worker.id)], by_staff.cells[(WEEK_1, unit.other.id)]
    assert (key.planned_visits, key.planned_minutes, key.delivered_minutes, key.missed, key.by_key_worker) == (
        2, 105, 50, 1, 1)
    assert (other.planned_minutes, other.delivered_minutes, other.planned_done, other.by_key_worker) == (90, 90, 1, 0)
    assert by_staff.keys[unit.other.id].delivered_minutes == 120  # 90 planned and 30 not
    by_resident = support_report([unit.unit.id], PERIOD, "resident", NOW)
    assert list(by_resident.keys) == [unit.resident.id]
    assert by_resident.keys[unit.resident.id].planned_minutes == 255


def test_no_units_no_support(unit):
    report = support_report([], PERIOD, "unit", NOW)
    assert report.cells == {} and report.total.delivered_share is None
