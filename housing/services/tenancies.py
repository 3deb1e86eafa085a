"""Tenancies: who lives in which place and when.

A place never has two tenancies that overlap in time. Every change that gives a place a
tenancy (an accepted offer, a recorded move-in, an approved transfer, a registered resident)
first locks the place's row, so concurrent attempts on one place take turns and the later
one is told clearly that the place is taken. PostgreSQL's exclusion constraint is the last
word: should anything slip past the lock, the database refuses the overlap and the user gets
the same message (``_flush_or_taken``). SQLite, the embedded default, has neither row locks
nor the constraint; it allows one writer at a time.

A tenancy is *planned* until the unit records the actual move-in (``actual_move_in``).
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from housing import audit
from housing.extensions import db
from housing.models import Application, Offer, Place, Role, Tenancy, Unit, User, YoungPerson, utcnow
from housing.services.errors import RuleViolation

TAKEN_CONSTRAINT = "ex_tenancies_place_period"


def place_taken_message(day: date) -> RuleViolation:
    return RuleViolation(_l("The place is already taken from %(day)s. Choose another place or another day.",
                            day=day.strftime("%d.%m.%Y")), field="move_in")


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


def lock_place(place_id: int) -> Place:
    """Hold the place's row until the commit: whoever comes next for it waits, then sees our tenancy."""
    return db.session.scalar(select(Place).where(Place.id == place_id).with_for_update())


def _check_free(place: Place, move_in: date, ends: date | None, excluding_id: int | None = None) -> None:
    if ends is not None and ends <= move_in:
        raise RuleViolation(_l("The move-out day must be after the move-in day."), field="planned_move_out")
    clash = overlapping_tenancy(place.id, move_in, ends, excluding_id)
    if clash is not None:
        raise place_taken_message(max(clash.move_in, move_in))


def _flush_or_taken(day: date) -> None:
    """The database's refusal of an overlap becomes the usual message (the caller rolls back,
    as for every refusal; work done in a savepoint keeps the rest of the transaction)."""
    try:
        db.session.flush()
    except IntegrityError as error:
        if TAKEN_CONSTRAINT in str(error.orig):
            raise place_taken_message(day) from None
        raise


def start_tenancy(person: YoungPerson, place: Place, move_in: date, planned_move_out: date | None = None,
                  offer: Offer | None = None, *, application: Application | None = None,
                  moved_in_by: User | None = None, at: datetime | None = None) -> Tenancy:
    """Record that a young person will live in a place from ``move_in`` (planned), or lives
    there already (``moved_in_by``: who recorded it)."""
    lock_place(place.id)
    _check_free(place, move_in, planned_move_out)
    tenancy = Tenancy(young_person_id=person.id, place_id=place.id, move_in=move_in,
                      planned_move_out=planned_move_out, offer_id=offer.id if offer else None,
                      application_id=application.id if application else None)
    if moved_in_by is not None:
        tenancy.actual_move_in, tenancy.moved_in_recorded_by_id = move_in, moved_in_by.id
        tenancy.moved_in_recorded_at = at or utcnow()
    db.session.add(tenancy)
    _flush_or_taken(move_in)
    audit.record(audit.Action.CREATE, object_type="tenancy", object_id=tenancy.id, young_person_id=person.id,
                 user=moved_in_by)
    return tenancy


def register_resident(actor: User, person: YoungPerson, place: Place, move_in: date, today: date,
                      at: datetime | None = None) -> Tenancy:
    """A coordinator records someone who already lives in a place (from before the service)."""
    unit = db.session.get(Unit, place.unit_id)
    if actor.role != Role.COORDINATOR or unit.county_id != actor.county_id \
            or person.placing_county_id != actor.county_id:
        raise RuleViolation(_l("Only a housing coordinator of the county can record its residents."))
    if move_in > today:
        raise RuleViolation(_l("A resident who moves in later comes through an offer."), field="move_in")
    if living_somewhere(person.id, move_in) is not None:
        raise RuleViolation(_l("The young person already lives in another place then."), field="young_person_id")
    return start_tenancy(person, place, move_in, moved_in_by=actor, at=at)


def living_somewhere(person_id: int, on: date, excluding_id: int | None = None) -> Tenancy | None:
    """The person's tenancy that has not ended by ``on`` (current or planned)."""
    ends = func.coalesce(Tenancy.actual_move_out, Tenancy.planned_move_out)
    query = select(Tenancy).where(Tenancy.young_person_id == person_id, or_(ends.is_(None), ends > on))
    if excluding_id is not None:
        query = query.where(Tenancy.id != excluding_id)
    return db.session.scalars(query.limit(1)).first()


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
    place = lock_place(tenancy.place_id)
    _check_free(place, tenancy.move_in, tenancy.actual_move_out or planned_move_out, excluding_id=tenancy.id)
    tenancy.planned_move_out = planned_move_out
    _flush_or_taken(tenancy.move_in)
    audit.record(audit.Action.UPDATE, object_type="tenancy", object_id=tenancy.id,
                 young_person_id=tenancy.young_person_id, detail={"changed": ["planned_move_out"]})
    return tenancy


def move_in_earlier_or_later(tenancy: Tenancy, day: date) -> None:
    """A recorded move-in on another day than planned: the period starts then, if the place is free."""
    place = lock_place(tenancy.place_id)
    _check_free(place, day, tenancy.ends, excluding_id=tenancy.id)
    tenancy.move_in = day
    _flush_or_taken(day)
