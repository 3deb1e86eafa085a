"""Equity: does a young person wait longer, or get housed less often, depending on where they
wish to live, where they live or how urgent their need is? (Recommendation 4: equal treatment
whatever the municipality.)

The cohort is the county's applications put on the waiting list in the period. For each
group: how many; how long from the waiting list to the first offer and to moving in (median,
90th percentile, how many got that far); offers, declines and expired offers; and the share
housed within 90 days, counted among those listed at least 90 days before today (the others
have not had their 90 days yet). A young person with a non-disclosure for safety is never
grouped by a place: they count under "not shown" when grouping by municipality or county.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import String, and_, case, cast, func, literal, select

from housing.extensions import db
from housing.models import Application, LocationWish, Offer, OfferStatus, Tenancy, YoungPerson
from housing.services.reports.period import Period
from housing.services.reports.sql import Spread, day_number, percentiles, to_day_number

GROUPINGS = ("municipality", "county", "band")
HOUSED_WITHIN_DAYS = 90
NOT_SHOWN = "not_shown"  # non-disclosure: no place is attached to them in a report
NO_PLACE = "none"  # a wish given as a point, or no county of residence recorded
TOTAL = "total"
NO_SPREAD = Spread(0, (None, None))


@dataclass(frozen=True)
class EquityRow:
    key: str
    applications: int
    offers: int
    declined: int
    expired: int
    housed_in_time: int  # housed within 90 days, among the measured
    measured: int  # listed at least 90 days before today
    to_offer: Spread
    to_move_in: Spread

    @property
    def housed_share(self) -> float | None:
        return self.housed_in_time / self.measured if self.measured else None


@dataclass(frozen=True)
class Decline:
    key: str
    declined_by: str | None
    code: str | None
    count: int


@dataclass(frozen=True)
class EquityReport:
    grouping: str
    total: EquityRow
    rows: list[EquityRow]
    declines: list[Decline]


def equity_report(county_id: str, period: Period, grouping: str, today: date) -> EquityReport:
    if grouping not in GROUPINGS:
        raise ValueError(f"unknown grouping {grouping}")
    rows = _rows(county_id, period, _group_key(grouping), today)
    total = _rows(county_id, period, literal(TOTAL), today)
    return EquityReport(grouping, total[0] if total else _empty(TOTAL), rows,
                        _declines(county_id, period, _group_key(grouping)))


def _group_key(grouping: str):
    if grouping == "band":
        return cast(Application.urgency_band, String)
    place = LocationWish.municipality_code if grouping == "municipality" else YoungPerson.residence_county_id
    return case((YoungPerson.non_disclosure.is_(True), NOT_SHOWN), else_=func.coalesce(place, NO_PLACE))


def _cohort(county_id: str, period: Period, key):
    """The county's applications listed in the period: id, group and the day listed."""
    return (
        select(Application.id.label("id"), key.label("key"), day_number(Application.waitlisted_at).label("listed"))
        .join(YoungPerson, YoungPerson.id == Application.young_person_id)
        .outerjoin(LocationWish, and_(LocationWish.application_id == Application.id, LocationWish.rank == 0))
        .where(YoungPerson.placing_county_id == county_id, Application.waitlisted_at >= period.starts,
               Application.waitlisted_at < period.ends)
        .subquery()
    )


def _offers():
    """Per application: the day of the first offer sent, how many offers, declined and expired."""
    return (
        select(Offer.application_id, func.min(day_number(Offer.sent_at)).label("first"),
               func.count().label("offers"),
               func.sum(case((Offer.status == OfferStatus.DECLINED, 1), else_=0)).label("declined"),
               func.sum(case((Offer.status == OfferStatus.EXPIRED, 1), else_=0)).label("expired"))
        .where(Offer.sent_at.is_not(None)).group_by(Offer.application_id).subquery()
    )


def _move_ins():
    """Per application: the day the young person actually moved in (the first, if transferred since)."""
    return (
        select(Tenancy.application_id, func.min(day_number(Tenancy.actual_move_in)).label("day"))
        .where(Tenancy.application_id.is_not(None), Tenancy.actual_move_in.is_not(None))
        .group_by(Tenancy.application_id).subquery()
    )


def _rows(county_id: str, period: Period, key, today: date) -> list[EquityRow]:
    cohort, offers, move_ins = _cohort(county_id, period, key), _offers(), _move_ins()
    measured_by = to_day_number(today) - HOUSED_WITHIN_DAYS
    measured = cohort.c.listed <= measured_by
    in_time = and_(measured, move_ins.c.day - cohort.c.listed <= HOUSED_WITHIN_DAYS)
    counts = db.session.execute(
        select(cohort.c.key, func.count(cohort.c.id), func.coalesce(func.sum(offers.c.offers), 0),
               func.coalesce(func.sum(offers.c.declined), 0), func.coalesce(func.sum(offers.c.expired), 0),
               func.sum(case((in_time, 1), else_=0)), func.sum(case((measured, 1), else_=0)))
        .outerjoin(offers, offers.c.application_id == cohort.c.id)
        .outerjoin(move_ins, move_ins.c.application_id == cohort.c.id)
        .group_by(cohort.c.key)
    ).all()
    to_offer = percentiles(select(cohort.c.key.label("key"), (offers.c.first - cohort.c.listed).label("value"))
                           .join(offers, offers.c.application_id == cohort.c.id))
    to_move_in = percentiles(select(cohort.c.key.label("key"), (move_ins.c.day - cohort.c.listed).label("value"))
                             .join(move_ins, move_ins.c.application_id == cohort.c.id))
    return [EquityRow(str(k), int(n), int(o), int(d), int(e), int(h or 0), int(m or 0),
                      to_offer.get(k, NO_SPREAD), to_move_in.get(k, NO_SPREAD))
            for k, n, o, d, e, h, m in counts]


def _declines(county_id: str, period: Period, key) -> list[Decline]:
    cohort = _cohort(county_id, period, key)
    rows = db.session.execute(
        select(cohort.c.key, Offer.declined_by, Offer.decline_code, func.count())
        .join(Offer, Offer.application_id == cohort.c.id).where(Offer.status == OfferStatus.DECLINED)
        .group_by(cohort.c.key, Offer.declined_by, Offer.decline_code)
    ).all()
    return sorted((Decline(str(k), by, code, int(n)) for k, by, code, n in rows),
                  key=lambda d: (d.key, -d.count, d.code or ""))


def _empty(key: str) -> EquityRow:
    return EquityRow(key, 0, 0, 0, 0, 0, 0, NO_SPREAD, NO_SPREAD)
