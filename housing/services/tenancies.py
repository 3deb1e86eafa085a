"""Tenancies: who lives in which place and when.

A place never has two tenancies that overlap in time. PostgreSQL enforces it with an
exclusion constraint; this module checks it on every database first, so the user gets a
clear message instead of a database error (and SQLite, which has no such constraint, is
protected too).
"""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from housing import audit
from housing.extensions import db
from housing.models import Offer, Place, Tenancy, YoungPerson
from housing.services.errors import RuleViolation


def overlapping_tenancy(place_id: int, move_in: date, ends: date | None,
                        excluding_id: int | None = None) -> Tenancy | None:
    """A tenancy of the place that shares at least one day with [move_in, ends)."""
    other_ends = func.coalesce(Tenancy.actual_move_out, Tenancy.planned_move_out)
    query = select(Tenancy).where(Tenancy.place_id == place_id, or_(other_ends.is_(None), other_ends > move_in))
    if ends is not None:
        query = query.where(Tenancy.move_in < ends)
    if excluding_id is not None:
        query = query.where(Tenancy.id != excluding_id)
    return db.session.scalars(query.order_by(Tenancy.move_in).limit(1)).first()


def _check_free(place: Place, move_in: date, ends: date | None, excluding_id: int | None = None) -> None:
    if ends is not None and ends <= move_in:
        raise RuleViolation(_l("The move-out day must be after the move-in day."), field="planned_move_out")
    clash = overlapping_tenancy(place.id, move_in, ends, excluding_id)
    if clash is not None:
        raise RuleViolation(_l("The place is already taken from %(day)s. Choose another place or another day.",
                               day=max(clash.move_in, move_in).strftime("%d.%m.%Y")), field="move_in")


def start_tenancy(person: YoungPerson, place: Place, move_in: date, planned_move_out: date | None = None,
                  offer: Offer | None = None) -> Tenancy:
    """Record that a young person moves into a place (usually after accepting an offer)."""
    _check_free(place, move_in, planned_move_out)
    tenancy = Tenancy(young_person_id=person.id, place_id=place.id, move_in=move_in,
                      planned_move_out=planned_move_out, offer_id=offer.id if offer else None)
    db.session.add(tenancy)
    db.session.flush()
    audit.record(audit.Action.CREATE, object_type="tenancy", object_id=tenancy.id, young_person_id=person.id)
    return tenancy


def end_tenancy(tenancy: Tenancy, actual_move_out: date, reason: str) -> Tenancy:
    """Record the day the place was left (it is free again that day) and why."""
    if actual_move_out <= tenancy.move_in:
        raise RuleViolation(_l("The move-out day must be after the move-in day."), field="actual_move_out")
    tenancy.actual_move_out = actual_move_out
    tenancy.end_reason = reason.strip() or None
    db.session.flush()
    audit.record(audit.Action.UPDATE, object_type="tenancy", object_id=tenancy.id,
                 young_person_id=tenancy.young_person_id, detail={"changed": ["actual_move_out", "end_reason"]})
    return tenancy


def extend_tenancy(tenancy: Tenancy, planned_move_out: date | None) -> Tenancy:
    """Move the planned move-out day (None: until further notice), if the place is free then."""
    place = db.session.get(Place, tenancy.place_id)
    _check_free(place, tenancy.move_in, tenancy.actual_move_out or planned_move_out, excluding_id=tenancy.id)
    tenancy.planned_move_out = planned_move_out
    db.session.flush()
    audit.record(audit.Action.UPDATE, object_type="tenancy", object_id=tenancy.id,
                 young_person_id=tenancy.young_person_id, detail={"changed": ["planned_move_out"]})
    return tenancy
