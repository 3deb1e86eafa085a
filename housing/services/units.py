"""Units and their places: listing with occupancy, creating and editing (coordinators)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from housing import audit
from housing.extensions import db
from housing.models import Municipality, Place, Tenancy, Unit, User, YoungPerson
from housing.services.errors import RuleViolation
from housing.services.scope import not_ended, sees_protected_address, unit_condition, visible_person_ids

UNIT_FIELDS = (
    "name", "operator", "unit_type", "municipality_code", "address", "postal_code", "lat", "lon",
    "support_level", "services", "staff_support_hours", "min_age", "max_age", "gender_restriction",
    "languages", "phone", "description", "active",
)
PLACE_FIELDS = ("label", "bedrooms", "max_household", "accessible", "available_from", "out_of_use",
                "out_of_use_reason")


@dataclass(frozen=True)
class UnitRow:
    unit: Unit
    places: int
    free: int


def list_units(user: User, today: date, search: str = "", support_level: int | None = None) -> list[UnitRow]:
    occupied = select(Tenancy.place_id).where(Tenancy.move_in <= today, not_ended(today))
    free_place = (Place.out_of_use.is_(False)) & (Place.id.not_in(occupied))
    query = (
        select(Unit, func.count(Place.id), func.count(Place.id).filter(free_place))
        .outerjoin(Place, Place.unit_id == Unit.id)
        .where(unit_condition(user))
        .group_by(Unit.id)
        .order_by(Unit.active.desc(), Unit.name)
        .options(selectinload(Unit.municipality))
    )
    if search:
        query = query.where(Unit.name.ilike(f"%{search}%"))
    if support_level:
        query = query.where(Unit.support_level == support_level)
    return [UnitRow(unit, places, free) for unit, places, free in db.session.execute(query)]


def _apply(obj: Any, fields: tuple[str, ...], data: dict[str, Any]) -> list[str]:
    changed = []
    for name in fields:
        if name in data and getattr(obj, name) != data[name]:
            setattr(obj, name, data[name])
            changed.append(name)
    return changed


def _check_unit(data: dict[str, Any], county_id: str) -> None:
    municipality = db.session.get(Municipality, data["municipality_code"])
    if municipality is None or municipality.county_id != county_id:
        raise RuleViolation(_l("Choose a municipality in your county."), field="municipality_code")
    if data.get("lat") is None or data.get("lon") is None:
        # Without an exact location the municipality's centre stands in for distances.
        data["lat"], data["lon"] = municipality.lat, municipality.lon
    if data.get("min_age") is not None and data.get("max_age") is not None and data["min_age"] > data["max_age"]:
        raise RuleViolation(_l("The minimum age cannot be above the maximum age."), field="max_age")


def create_unit(actor: User, data: dict[str, Any]) -> Unit:
    _check_unit(data, actor.county_id)
    unit = Unit(county_id=actor.county_id, services=[], languages=[])
    _apply(unit, UNIT_FIELDS, data)
    db.session.add(unit)
    db.session.flush()
    audit.record(audit.Action.CREATE, object_type="unit", object_id=unit.id)
    return unit


def update_unit(unit: Unit, data: dict[str, Any]) -> list[str]:
    _check_unit(data, unit.county_id)
    changed = _apply(unit, UNIT_FIELDS, data)
    db.session.flush()
    audit.record(audit.Action.UPDATE, object_type="unit", object_id=unit.id, detail={"changed": changed})
    return changed


def _check_place(unit: Unit, data: dict[str, Any], place: Place | None = None) -> None:
    clash = db.session.scalar(
        select(Place.id).where(Place.unit_id == unit.id, func.lower(Place.label) == data["label"].lower(),
                               Place.id != (place.id if place else -1))
    )
    if clash:
        raise RuleViolation(_l("The unit already has a place with this name."), field="label")
    if data.get("out_of_use") and not (data.get("out_of_use_reason") or "").strip():
        raise RuleViolation(_l("Say why the place is out of use."), field="out_of_use_reason")
    if data["max_household"] > max(1, data["bedrooms"]) * 2 + 1:
        raise RuleViolation(_l("That many people cannot live in so few bedrooms."), field="max_household")


def add_place(unit: Unit, data: dict[str, Any]) -> Place:
    _check_place(unit, data)
    place = Place(unit_id=unit.id)
    _apply(place, PLACE_FIELDS, data)
    db.session.add(place)
    db.session.flush()
    audit.record(audit.Action.CREATE, object_type="place", object_id=place.id, detail={"unit": unit.id})
    return place


def update_place(place: Place, data: dict[str, Any]) -> list[str]:
    _check_place(place.unit, data, place)
    changed = _apply(place, PLACE_FIELDS, data)
    db.session.flush()
    audit.record(audit.Action.UPDATE, object_type="place", object_id=place.id, detail={"changed": changed})
    return changed


class HiddenResident(enum.StrEnum):
    """Why a list of a unit's places shows that a place is lived in, but not by whom."""

    OTHER_COUNTY = "other_county"  # a client the viewer may not open (placed by another county)
    NON_DISCLOSURE = "non_disclosure"  # turvakielto: the place is not tied to the name


@dataclass(frozen=True)
class PlaceRow:
    place: Place
    tenancy: Tenancy | None  # current or next tenancy
    resident: YoungPerson | None  # shown by name
    hidden: HiddenResident | None = None


def places_with_tenancies(user: User, unit: Unit, today: date, show_residents: bool) -> list[PlaceRow]:
    """Each place with its current (or next) tenancy, in three queries. A resident is named
    only to someone who may open their page, and a protected one only to those who may see
    where they live; each name shown is written to the audit log."""
    places = list(db.session.scalars(select(Place).where(Place.unit_id == unit.id).order_by(Place.label)))
    tenancies = db.session.scalars(
        select(Tenancy).where(Tenancy.place_id.in_([p.id for p in places]), not_ended(today))
        .order_by(Tenancy.move_in).options(selectinload(Tenancy.young_person))
    )
    first: dict[int, Tenancy] = {}
    for tenancy in tenancies:
        first.setdefault(tenancy.place_id, tenancy)
    visible = visible_person_ids(user, (t.young_person_id for t in first.values()), today) if show_residents else set()
    rows = [_place_row(user, place, first.get(place.id), visible, show_residents) for place in places]
    audit.record_list_view(row.resident.id for row in rows if row.resident)
    return rows


def _place_row(user: User, place: Place, tenancy: Tenancy | None, visible: set[int], show_residents: bool) -> PlaceRow:
    if tenancy is None or not show_residents:
        return PlaceRow(place, tenancy, None)
    person = tenancy.young_person
    if person.id not in visible:
        return PlaceRow(place, tenancy, None, HiddenResident.OTHER_COUNTY)
    if not sees_protected_address(user, person):
        return PlaceRow(place, tenancy, None, HiddenResident.NON_DISCLOSURE)
    return PlaceRow(place, tenancy, person)
