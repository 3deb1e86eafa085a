"""Support delivered: the minutes the published weeks planned against the minutes the workers
recorded as done, by week, per unit, staff member or resident (recommendation 2: the helping
relationship is the method).

- *planned*: visits of published weeks that were to start in the period, and before now;
- *delivered*: the recorded minutes of visits done in the period (planned or not);
- *missed rate*: missed visits among all recorded visits (done, missed or cancelled);
- *key-worker share*: among the done visits of a support plan, those made by the plan's key
  worker (a visit that was not planned has no plan to compare with, so it does not count).

Weeks begin on Monday; days are UTC calendar days, as everywhere in the reports.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import and_, case, func, select

from housing.extensions import db
from housing.models import (
    ScheduledVisit,
    ScheduleStatus,
    SupportPlan,
    VisitOutcome,
    VisitRecord,
    WeeklySchedule,
)
from housing.services.reports.period import Period
from housing.services.reports.sql import day_number, from_day_number, minutes_between, week_of

DIMENSIONS = ("unit", "staff", "resident")


@dataclass
class Delivery:
    """Planned and delivered support of one week, or one unit/worker/resident, or both."""

    planned_visits: int = 0
    planned_minutes: int = 0
    delivered_minutes: int = 0
    done: int = 0
    missed: int = 0
    recorded: int = 0
    planned_done: int = 0  # done visits of a support plan
    by_key_worker: int = 0  # … made by its key worker

    def add(self, other: Delivery) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def delivered_share(self) -> float | None:
        return self.delivered_minutes / self.planned_minutes if self.planned_minutes else None

    @property
    def missed_rate(self) -> float | None:
        return self.missed / self.recorded if self.recorded else None

    @property
    def key_worker_share(self) -> float | None:
        return self.by_key_worker / self.planned_done if self.planned_done else None


@dataclass
class SupportReport:
    """Totals by week and by unit/staff member/resident; with ``detailed``, also each week of
    each of them (``cells``, for the download)."""

    dimension: str
    weeks: dict[date, Delivery]
    keys: dict[int | None, Delivery]
    cells: dict[tuple[date, int | None], Delivery] = field(default_factory=dict)

    @property
    def total(self) -> Delivery:
        total = Delivery()
        for week in self.weeks.values():
            total.add(week)
        return total


def support_report(unit_ids: Iterable[int], period: Period, dimension: str, now: datetime,
                   detailed: bool = False) -> SupportReport:
    if dimension not in DIMENSIONS:
        raise ValueError(f"unknown dimension {dimension}")
    unit_ids = sorted(unit_ids)

    def grouped(by_week: bool, by_key: bool) -> dict:
        found: dict = {}
        for group, visits, minutes in _planned(unit_ids, period, dimension, now, by_week, by_key):
            cell = found.setdefault(_group(group, by_week, by_key), Delivery())
            cell.planned_visits, cell.planned_minutes = int(visits), int(minutes or 0)
        for group, *counts in _delivered(unit_ids, period, dimension, by_week, by_key):
            cell = found.setdefault(_group(group, by_week, by_key), Delivery())
            (cell.delivered_minutes, cell.done, cell.missed, cell.recorded, cell.planned_done,
             cell.by_key_worker) = (int(n or 0) for n in counts)
        return found

    return SupportReport(dimension, grouped(True, False), grouped(False, True),
                         grouped(True, True) if detailed else {})


def _group(group: tuple, by_week: bool, by_key: bool):
    """The dictionary key of a grouped row: a week's Monday, an id, or both."""
    if by_week and by_key:
        return from_day_number(group[0]), group[1]
    return from_day_number(group[0]) if by_week else group[0]


def _grouping(week, key, by_week: bool, by_key: bool) -> list:
    return [column for column, wanted in ((week, by_week), (key, by_key)) if wanted]


def _planned(unit_ids: list[int], period: Period, dimension: str, now: datetime, by_week: bool, by_key: bool):
    key = {"unit": WeeklySchedule.unit_id, "staff": ScheduledVisit.staff_id,
           "resident": ScheduledVisit.young_person_id}[dimension]
    columns = _grouping(week_of(day_number(ScheduledVisit.starts_at)), key, by_week, by_key)
    rows = db.session.execute(
        select(*columns, func.count(), func.sum(minutes_between(ScheduledVisit.starts_at, ScheduledVisit.ends_at)))
        .join(WeeklySchedule, WeeklySchedule.id == ScheduledVisit.schedule_id)
        .where(WeeklySchedule.unit_id.in_(unit_ids), WeeklySchedule.status == ScheduleStatus.PUBLISHED,
               ScheduledVisit.starts_at >= period.starts, ScheduledVisit.starts_at < min(period.ends, now))
        .group_by(*columns)
    ).all()
    return [(tuple(row[:len(columns)]), *row[len(columns):]) for row in rows]


def _delivered(unit_ids: list[int], period: Period, dimension: str, by_week: bool, by_key: bool):
    key = {"unit": VisitRecord.unit_id, "staff": VisitRecord.staff_id,
           "resident": VisitRecord.young_person_id}[dimension]
    columns = _grouping(week_of(day_number(VisitRecord.visit_at)), key, by_week, by_key)
    done = VisitRecord.outcome == VisitOutcome.DONE
    of_plan = and_(done, SupportPlan.id.is_not(None))
    rows = db.session.execute(
        select(*columns, func.sum(case((done, VisitRecord.actual_minutes), else_=0)),
               func.sum(case((done, 1), else_=0)),
               func.sum(case((VisitRecord.outcome == VisitOutcome.MISSED, 1), else_=0)),
               func.count(), func.sum(case((of_plan, 1), else_=0)),
               func.sum(case((and_(of_plan, SupportPlan.key_worker_id == VisitRecord.staff_id), 1), else_=0)))
        .outerjoin(ScheduledVisit, ScheduledVisit.id == VisitRecord.scheduled_visit_id)
        .outerjoin(SupportPlan, SupportPlan.id == ScheduledVisit.support_plan_id)
        .where(VisitRecord.unit_id.in_(unit_ids), VisitRecord.visit_at >= period.starts,
               VisitRecord.visit_at < period.ends)
        .group_by(*columns)
    ).all()
    return [(tuple(row[:len(columns)]), *row[len(columns):]) for row in rows]
