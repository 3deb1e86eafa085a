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

from sqlalchemy import Integer, Select, and_, case, cast, func, literal, null, select, union_all

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
from housing.services.reports.sql import from_day_number, minutes_between, monday_of

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
    report = SupportReport(dimension, {}, {})
    targets = {"week": report.weeks, "key": report.keys, "cell": report.cells}
    for level, week, key, visits, minutes in _planned(unit_ids, period, dimension, now, detailed):
        cell = _cell(targets, level, week, key)
        cell.planned_visits, cell.planned_minutes = int(visits), int(minutes or 0)
    for level, week, key, *counts in _delivered(unit_ids, period, dimension, detailed):
        cell = _cell(targets, level, week, key)
        (cell.delivered_minutes, cell.done, cell.missed, cell.recorded, cell.planned_done,
         cell.by_key_worker) = (int(n or 0) for n in counts)
    return report


def _cell(targets: dict[str, dict], level: str, week: int | None, key: int | None) -> Delivery:
    place = {"week": lambda: from_day_number(week), "key": lambda: key,
             "cell": lambda: (from_day_number(week), key)}[level]()
    return targets[level].setdefault(place, Delivery())


def _rolled_up(cells: Select, detailed: bool):
    """Totals by week and by key from one grouped scan (``cells``: week, key, then the sums),
    each row led by its level; with ``detailed`` the cells themselves too."""
    base = cells.cte("cells")
    measures = [column for column in base.c if column.name not in ("week", "key")]
    parts = [
        select(literal("week").label("level"), base.c.week, cast(null(), Integer).label("key"),
               *(func.sum(m) for m in measures)).group_by(base.c.week),
        select(literal("key"), cast(null(), Integer), base.c.key, *(func.sum(m) for m in measures))
        .group_by(base.c.key),
    ]
    if detailed:
        parts.append(select(literal("cell"), base.c.week, base.c.key, *measures))
    return db.session.execute(union_all(*parts)).all()


def _planned(unit_ids: list[int], period: Period, dimension: str, now: datetime, detailed: bool):
    key = {"unit": WeeklySchedule.unit_id, "staff": ScheduledVisit.staff_id,
           "resident": ScheduledVisit.young_person_id}[dimension]
    week = monday_of(ScheduledVisit.starts_at)
    return _rolled_up(
        select(week.label("week"), key.label("key"), func.count().label("visits"),
               func.sum(minutes_between(ScheduledVisit.starts_at, ScheduledVisit.ends_at)).label("minutes"))
        .join(WeeklySchedule, WeeklySchedule.id == ScheduledVisit.schedule_id)
        .where(WeeklySchedule.unit_id.in_(unit_ids), WeeklySchedule.status == ScheduleStatus.PUBLISHED,
               ScheduledVisit.starts_at >= period.starts, ScheduledVisit.starts_at < min(period.ends, now))
        .group_by(week, key), detailed)


def _delivered(unit_ids: list[int], period: Period, dimension: str, detailed: bool):
    key = {"unit": VisitRecord.unit_id, "staff": VisitRecord.staff_id,
           "resident": VisitRecord.young_person_id}[dimension]
    week = monday_of(VisitRecord.visit_at)
    done = VisitRecord.outcome == VisitOutcome.DONE
    of_plan = and_(done, SupportPlan.id.is_not(None))
    return _rolled_up(
        select(week.label("week"), key.label("key"),
               func.sum(case((done, VisitRecord.actual_minutes), else_=0)).label("minutes"),
               func.sum(case((done, 1), else_=0)).label("done"),
               func.sum(case((VisitRecord.outcome == VisitOutcome.MISSED, 1), else_=0)).label("missed"),
               func.count().label("recorded"), func.sum(case((of_plan, 1), else_=0)).label("planned_done"),
               func.sum(case((and_(of_plan, SupportPlan.key_worker_id == VisitRecord.staff_id), 1), else_=0))
               .label("by_key_worker"))
        .outerjoin(ScheduledVisit, ScheduledVisit.id == VisitRecord.scheduled_visit_id)
        .outerjoin(SupportPlan, SupportPlan.id == ScheduledVisit.support_plan_id)
        .where(VisitRecord.unit_id.in_(unit_ids), VisitRecord.visit_at >= period.starts,
               VisitRecord.visit_at < period.ends)
        .group_by(week, key), detailed)
