"""The ``housing-allocation/1`` problem of a round, built from the register (FORMATS.md §1).

What takes part: the county's places in use, in active units, free from the round's
``free_by`` day on (no tenancy on or after it, no offer waiting, available by then), and the
applications on the county's waiting list on the as-of day, unless the coordinator chose
fewer of either. Each unit gives the support hours still free when those places free up: its
weekly staff hours minus what the people living there then (or moving in) are planned to get
(their support plan, else the hours their application asked for). Not-with pairs name other
applicants of the round or people living in its units; either side naming the other is
enough. Applicants are listed in queue order, with ``waitlist.applicant_id`` ids, so the
allocator's order is the waiting list's.

Queries read plain columns, never whole objects: a county round of thousands of applications
is built in a fraction of a second.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import exists, func, or_, select

from housing import rules
from housing.extensions import db
from housing.localtime import LOCAL_TIME
from housing.models import (
    Application,
    ApplicationStatus,
    LocationWish,
    Offer,
    OfferStatus,
    Place,
    SupportPlan,
    Tenancy,
    Unit,
    YoungPerson,
    application_not_with,
)
from housing.services.waitlist import PRIORITY_ORDER, applicant_id

FORMAT = "housing-allocation/1"
ID_DIGITS = 9


def unit_code(unit_id: int) -> str:
    return f"U{unit_id:0{ID_DIGITS}d}"


def place_code(place_id: int) -> str:
    return f"P{place_id:0{ID_DIGITS}d}"


def resident_code(person_id: int) -> str:
    """A person living in a unit, in ``units[].residents`` and ``not_with``."""
    return f"Y{person_id:0{ID_DIGITS}d}"


def number_of(code: str) -> int:
    """The database id inside a problem id (``P000000012`` → 12)."""
    return int(code[1:])


def tenancy_ends():
    return func.coalesce(Tenancy.actual_move_out, Tenancy.planned_move_out)


def places_free_by(county_id: str, free_by: date, place_ids: list[int] | None = None) -> Any:
    """Query of the county's places that can take part: in use, free from ``free_by`` on."""
    taken_after = exists().where(Tenancy.place_id == Place.id,
                                 or_(tenancy_ends().is_(None), tenancy_ends() > free_by))
    offered = exists().where(Offer.place_id == Place.id, Offer.status == OfferStatus.PENDING)
    query = (
        select(Place).join(Unit, Unit.id == Place.unit_id)
        .where(Unit.county_id == county_id, Unit.active.is_(True), Place.out_of_use.is_(False),
               or_(Place.available_from.is_(None), Place.available_from <= free_by), ~taken_after, ~offered)
    )
    if place_ids is not None:
        query = query.where(Place.id.in_(place_ids))
    return query


def end_of_day(day: date) -> datetime:
    """The moment a day ends in Finland, whose days ``localtime.today()`` counts."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=LOCAL_TIME)


def waitlisted_by(county_id: str, as_of: date, application_ids: list[int] | None = None) -> Any:
    """Query of application ids on the county's waiting list on the as-of day, in queue order."""
    query = (
        select(Application.id).join(YoungPerson, YoungPerson.id == Application.young_person_id)
        .where(Application.status == ApplicationStatus.WAITLISTED, YoungPerson.placing_county_id == county_id,
               Application.waitlisted_at < end_of_day(as_of))
        .order_by(*PRIORITY_ORDER)
    )
    if application_ids is not None:
        query = query.where(Application.id.in_(application_ids))
    return query


@dataclass(frozen=True)
class RoundInput:
    county_id: str
    as_of: date
    free_by: date
    policy: dict[str, int]
    place_ids: list[int] | None = None
    application_ids: list[int] | None = None


def build_problem(spec: RoundInput) -> dict[str, Any]:
    places = db.session.execute(
        places_free_by(spec.county_id, spec.free_by, spec.place_ids).with_only_columns(
            Place.id, Place.unit_id, Place.max_household, Place.accessible).order_by(Place.id)
    ).all()
    unit_ids = sorted({unit_id for _, unit_id, _, _ in places})
    residents = _residents(unit_ids, spec.free_by)
    applicants = _applicants(spec)
    _add_not_with(applicants, residents, waitlisted_by(spec.county_id, spec.as_of, spec.application_ids))
    locations = _unit_locations(unit_ids)
    return {
        "format": FORMAT,
        "as_of": spec.as_of.isoformat(),
        "policy": dict(spec.policy),
        "units": _units(unit_ids, residents),
        "places": [_place(row, locations) for row in places],
        "applicants": [applicant.document() for applicant in applicants],
    }


def _unit_locations(unit_ids: list[int]) -> dict[int, tuple[float, float]]:
    """A place lies at its unit's address (scattered flats share the unit's point)."""
    return {uid: (lat, lon) for uid, lat, lon in db.session.execute(
        select(Unit.id, Unit.lat, Unit.lon).where(Unit.id.in_(unit_ids)))}


def _place(row: Any, locations: dict[int, tuple[float, float]]) -> dict[str, Any]:
    place_id, unit_id, max_household, accessible = row
    lat, lon = locations[unit_id]
    return {"id": place_code(place_id), "unit": unit_code(unit_id), "lat": lat, "lon": lon,
            "max_household": max_household, "accessible": bool(accessible)}


@dataclass
class Residents:
    """Who lives in each unit when the places free up, and the support hours they use."""

    people: dict[int, list[int]]  # unit id → young person ids
    hours: dict[int, int]  # unit id → weekly hours planned for them
    person_ids: set[int]


def _residents(unit_ids: list[int], on: date) -> Residents:
    rows = db.session.execute(
        select(Tenancy.id, Place.unit_id, Tenancy.young_person_id, Tenancy.application_id)
        .join(Place, Place.id == Tenancy.place_id)
        .where(Place.unit_id.in_(unit_ids), or_(tenancy_ends().is_(None), tenancy_ends() > on))
    ).all()
    plan_minutes = dict(db.session.execute(
        select(SupportPlan.tenancy_id, func.sum(SupportPlan.visits_per_week * SupportPlan.minutes_per_visit))
        .where(SupportPlan.tenancy_id.in_([row[0] for row in rows]), SupportPlan.valid_from <= on,
               or_(SupportPlan.valid_until.is_(None), SupportPlan.valid_until >= on))
        .group_by(SupportPlan.tenancy_id)
    ).all()) if rows else {}
    asked = dict(db.session.execute(
        select(Application.id, Application.support_hours)
        .where(Application.id.in_([row[3] for row in rows if row[3] is not None]))
    ).all()) if rows else {}
    people: dict[int, list[int]] = defaultdict(list)
    hours: dict[int, int] = defaultdict(int)
    for tenancy_id, unit_id, person_id, application_id in rows:
        people[unit_id].append(person_id)
        if tenancy_id in plan_minutes:
            hours[unit_id] += math.ceil(plan_minutes[tenancy_id] / 60)
        else:
            hours[unit_id] += asked.get(application_id, 0)
    return Residents(dict(people), dict(hours), {person for _, _, person, _ in rows})


def _units(unit_ids: list[int], residents: Residents) -> list[dict[str, Any]]:
    units = db.session.scalars(select(Unit).where(Unit.id.in_(unit_ids)).order_by(Unit.id))
    return [{
        "id": unit_code(unit.id),
        "support_level": unit.support_level,
        "services": sorted(set(unit.services or [])),
        "support_hours": max(0, unit.staff_support_hours - residents.hours.get(unit.id, 0)),
        "min_age": unit.min_age,
        "max_age": unit.max_age,
        "gender": unit.gender_restriction or None,
        "languages": sorted(set(unit.languages)) if unit.languages else None,
        "residents": sorted(resident_code(p) for p in set(residents.people.get(unit.id, []))) or None,
    } for unit in units]


@dataclass
class _Applicant:
    application_id: int
    person_id: int
    fields: dict[str, Any]
    not_with: set[str]

    def document(self) -> dict[str, Any]:
        return {"id": applicant_id(self.application_id), **self.fields, "not_with": sorted(self.not_with)}


APPLICANT_COLUMNS = (
    Application.id, Application.urgency_band, Application.need_since, Application.tiebreak,
    Application.household_size, Application.needs_accessible, Application.support_level,
    Application.support_hours, Application.needs, Application.max_distance_km,
    YoungPerson.id, YoungPerson.birth_date, YoungPerson.gender, YoungPerson.language,
)


def _applicants(spec: RoundInput) -> list[_Applicant]:
    chosen = waitlisted_by(spec.county_id, spec.as_of, spec.application_ids)
    rows = db.session.execute(
        chosen.with_only_columns(*APPLICANT_COLUMNS).order_by(None).order_by(*PRIORITY_ORDER)
    ).all()
    ids = chosen.order_by(None).subquery()
    wishes: dict[int, list[dict[str, float]]] = defaultdict(list)
    for application, lat, lon in db.session.execute(
            select(LocationWish.application_id, LocationWish.lat, LocationWish.lon)
            .where(LocationWish.application_id.in_(select(ids.c.id)))
            .order_by(LocationWish.application_id, LocationWish.rank)):
        wishes[application].append({"lat": lat, "lon": lon})
    return [_Applicant(row[0], row[10], _applicant_fields(row, spec.as_of, wishes[row[0]]), set()) for row in rows]


def _applicant_fields(row: Any, as_of: date, locations: list[dict[str, float]]) -> dict[str, Any]:
    (_, band, need_since, tiebreak, household, accessible, level, hours, needs, distance, _,
     birth_date, gender, language) = row
    return {
        "band": band, "need_since": need_since.isoformat(), "tiebreak": tiebreak,
        "age": rules.age_on(birth_date, as_of), "gender": gender if gender in ("f", "m", "x") else None,
        "language": language or None, "household": household, "needs_accessible": bool(accessible),
        "support_level": level, "support_hours": hours, "needs": sorted(set(needs or [])),
        "locations": locations, "max_distance_km": distance,
    }


def _add_not_with(applicants: list[_Applicant], residents: Residents, chosen: Any) -> None:
    """Each application's named people, as applicant ids of this round or resident ids; and a
    resident whose own application named an applicant keeps them apart too. ``chosen`` is the
    query of the round's application ids (a subquery: thousands of ids bound one by one cost
    more than the query)."""
    by_person = {a.person_id: a for a in applicants}
    by_application = {a.application_id: a for a in applicants}
    if not applicants:
        return
    ids = chosen.order_by(None).subquery()
    named = db.session.execute(
        select(application_not_with.c.application_id, application_not_with.c.young_person_id)
        .where(application_not_with.c.application_id.in_(select(ids.c.id)))
    ).all()
    for application_id, person_id in named:
        applicant = by_application[application_id]
        if person_id in by_person and by_person[person_id] is not applicant:
            applicant.not_with.add(applicant_id(by_person[person_id].application_id))
        elif person_id in residents.person_ids:
            applicant.not_with.add(resident_code(person_id))
    if residents.person_ids:
        _add_residents_naming(by_person, residents.person_ids)


def _add_residents_naming(by_person: dict[int, _Applicant], resident_ids: set[int]) -> None:
    rows = db.session.execute(
        select(Application.young_person_id, application_not_with.c.young_person_id)
        .join(application_not_with, application_not_with.c.application_id == Application.id)
        .where(Application.young_person_id.in_(resident_ids))
    ).all()
    for resident_id, named_person_id in rows:
        if named_person_id in by_person:
            by_person[named_person_id].not_with.add(resident_code(resident_id))
