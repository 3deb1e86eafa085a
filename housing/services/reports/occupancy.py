"""Occupancy: how the units' places were used in the period.

- *place-days*: the unit's places in use (not marked out of use) times the days of the period;
- *occupied days*: the days of the period some tenancy held each of those places (from the
  move-in day to the day before the move-out, planned or actual: a place promised to someone
  who is moving in is not empty);
- *empty-place days*: place-days less occupied days;
- *occupied*: places held by a tenancy on the period's last day;
- *move-outs*: tenancies that ended in the period (actual move-out day), by reason.

The register keeps no history of when a place was out of use, so a place out of use today is
left out of the whole period.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import and_, case, func, or_, select

from housing.extensions import db
from housing.models import Place, Tenancy
from housing.services.reports.period import Period
from housing.services.reports.sql import day_number, greatest, least, to_day_number

OPEN_END = 10**6  # a day number beyond any period: a tenancy with no end day


@dataclass(frozen=True)
class UnitOccupancy:
    unit_id: int
    places: int
    place_days: int
    occupied_days: int
    occupied_at_end: int

    @property
    def empty_days(self) -> int:
        return max(self.place_days - self.occupied_days, 0)

    @property
    def occupancy(self) -> float | None:
        return self.occupied_days / self.place_days if self.place_days else None


@dataclass(frozen=True)
class MoveOuts:
    unit_id: int
    code: str | None
    count: int


@dataclass(frozen=True)
class OccupancyReport:
    units: list[UnitOccupancy]
    move_outs: list[MoveOuts]

    @property
    def total(self) -> UnitOccupancy:
        return UnitOccupancy(0, *(sum(getattr(u, name) for u in self.units)
                                  for name in ("places", "place_days", "occupied_days", "occupied_at_end")))


def occupancy_report(unit_ids: Iterable[int], period: Period) -> OccupancyReport:
    unit_ids = sorted(unit_ids)
    places = dict(db.session.execute(
        select(Place.unit_id, func.count()).where(Place.unit_id.in_(unit_ids), Place.out_of_use.is_(False))
        .group_by(Place.unit_id)
    ).all())
    occupied = {unit_id: (int(days or 0), int(at_end or 0)) for unit_id, days, at_end in _occupied(unit_ids, period)}
    units = [UnitOccupancy(unit_id, places.get(unit_id, 0), places.get(unit_id, 0) * period.days,
                           *occupied.get(unit_id, (0, 0))) for unit_id in unit_ids]
    return OccupancyReport(units, _move_outs(unit_ids, period))


def _occupied(unit_ids: list[int], period: Period):
    ends = day_number(func.coalesce(Tenancy.actual_move_out, Tenancy.planned_move_out))
    end = func.coalesce(ends, OPEN_END)
    overlap = least(end, period.end_number) - greatest(day_number(Tenancy.move_in), period.first_number)
    last_day = to_day_number(period.last)
    held_at_end = and_(day_number(Tenancy.move_in) <= last_day, or_(ends.is_(None), ends > last_day))
    return db.session.execute(
        select(Place.unit_id, func.sum(greatest(overlap, 0)), func.sum(case((held_at_end, 1), else_=0)))
        .join(Place, Place.id == Tenancy.place_id)
        .where(Place.unit_id.in_(unit_ids), Place.out_of_use.is_(False))
        .group_by(Place.unit_id)
    ).all()


def _move_outs(unit_ids: list[int], period: Period) -> list[MoveOuts]:
    rows = db.session.execute(
        select(Place.unit_id, Tenancy.end_code, func.count())
        .join(Place, Place.id == Tenancy.place_id)
        .where(Place.unit_id.in_(unit_ids), Tenancy.actual_move_out >= period.first,
               Tenancy.actual_move_out <= period.last)
        .group_by(Place.unit_id, Tenancy.end_code)
    ).all()
    return sorted((MoveOuts(unit_id, code, int(n)) for unit_id, code, n in rows),
                  key=lambda m: (m.unit_id, -m.count, m.code or ""))
