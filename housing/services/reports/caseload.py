"""Caseload: each social worker's clients at the end of each month of the period, against the
limit the law set on that day (``rules.caseload_limit``; recommendation 2: worker resources).

A worker's clients are the young people whose responsible worker they are, as on their front
page. The register keeps no history of reassignments, so a young person counts from the day
they became a client, the earlier of the end of their placement and their registration, for
the worker responsible for them today.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, case, func, select

from housing import rules
from housing.extensions import db
from housing.models import User, YoungPerson
from housing.services.reports.period import Period
from housing.services.reports.sql import day_number, least, to_day_number


@dataclass(frozen=True)
class Point:
    day: date
    clients: int
    limit: int | None
    state: rules.CaseloadState


@dataclass(frozen=True)
class WorkerCaseload:
    worker_id: int
    name: str
    points: list[Point]

    @property
    def last(self) -> Point:
        return self.points[-1]


@dataclass(frozen=True)
class CaseloadReport:
    days: list[date]
    limits: list[int | None]
    workers: list[WorkerCaseload]
    warning_at: int


def caseload_report(workers: ColumnElement[bool], period: Period, warning_at: int) -> CaseloadReport:
    """``workers``: which social workers' rows (the caller's scope: a county, or oneself)."""
    days = period.month_ends()
    created = day_number(YoungPerson.created_at)
    client_since = least(func.coalesce(day_number(YoungPerson.placement_end), created), created)
    counts = [func.sum(case((client_since <= to_day_number(day), 1), else_=0)) for day in days]
    rows = db.session.execute(
        select(User.id, User.name, *counts)
        .outerjoin(YoungPerson, YoungPerson.responsible_worker_id == User.id)
        .where(workers).group_by(User.id, User.name).order_by(User.name, User.id)
    ).all()
    limits = [rules.caseload_limit(day) for day in days]
    return CaseloadReport(days, limits, [
        WorkerCaseload(worker_id, name, [
            Point(day, int(n or 0), limit, rules.caseload_state(int(n or 0), day, warning_at))
            for day, limit, n in zip(days, limits, clients, strict=True)])
        for worker_id, name, *clients in rows
    ], warning_at)
