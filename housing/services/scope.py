"""Object-level scoping: which young people and units an actor may see.

The one place that says "a social worker sees only their own clients, unit roles only
residents of their units, a coordinator only their county". Every query of client data
in routes goes through these functions, and lists agree with pages: a list names a young
person only to someone who may open that person's page (``visible_person_ids``), and a
protected person (turvakielto) is placed in a unit or place only for those who
``sees_protected_address``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, false, func, or_, select

from housing import localtime
from housing.extensions import db
from housing.models import (
    Application,
    Offer,
    OfferStatus,
    Place,
    Role,
    ServiceReferral,
    Tenancy,
    Unit,
    User,
    VisitRecord,
    YoungPerson,
)
from housing.services.errors import NotVisible


def not_ended(on: date) -> ColumnElement[bool]:
    """Tenancies that have not ended by ``on`` (current or starting later)."""
    ends = func.coalesce(Tenancy.actual_move_out, Tenancy.planned_move_out)
    return or_(ends.is_(None), ends > on)


def unit_resident_ids(unit_ids: set[int] | list[int], on: date) -> Any:
    """Subquery: young people living (or about to live) in any of the given units."""
    return (
        select(Tenancy.young_person_id)
        .join(Place, Place.id == Tenancy.place_id)
        .where(Place.unit_id.in_(unit_ids), not_ended(on))
    )


def young_person_condition(user: User, today: date | None = None) -> ColumnElement[bool]:
    today = today or localtime.today()
    if user.role == Role.SOCIAL_WORKER:
        return YoungPerson.responsible_worker_id == user.id
    if user.role == Role.COORDINATOR:
        return YoungPerson.placing_county_id == user.county_id if user.county_id else false()
    if user.role.works_in_units:
        return YoungPerson.id.in_(unit_resident_ids(user.unit_ids, today))
    return false()  # admins do not open client records


def visible_young_people(user: User) -> Any:
    return select(YoungPerson).where(young_person_condition(user))


def visible_person_ids(user: User, person_ids: Iterable[int], today: date | None = None) -> set[int]:
    """Which of these young people ``user`` may open (one query): a list shows only their names."""
    ids = set(person_ids)
    if not ids:
        return set()
    return set(db.session.scalars(
        select(YoungPerson.id).where(YoungPerson.id.in_(ids), young_person_condition(user, today))
    ))


def get_young_person(user: User, person_id: int) -> YoungPerson:
    person = db.session.scalar(
        select(YoungPerson).where(YoungPerson.id == person_id, young_person_condition(user))
    )
    if person is None:
        raise NotVisible("young_person", person_id)
    return person


def get_referral(user: User, referral_id: int, for_change: bool = False) -> ServiceReferral:
    """A referral of a young person the user may see (its service path is on their page).
    ``for_change``: lock the row until the commit, so two steps cannot cross."""
    query = (select(ServiceReferral).join(YoungPerson, YoungPerson.id == ServiceReferral.young_person_id)
             .where(ServiceReferral.id == referral_id, young_person_condition(user)))
    referral = db.session.scalar(query.with_for_update(of=ServiceReferral) if for_change else query)
    if referral is None:
        raise NotVisible("service_referral", referral_id)
    return referral


def unit_condition(user: User) -> ColumnElement[bool]:
    if user.role in (Role.COORDINATOR, Role.SOCIAL_WORKER):
        return Unit.county_id == user.county_id if user.county_id else false()
    if user.role.works_in_units:
        return Unit.id.in_(user.unit_ids) if user.unit_ids else false()
    return false()


def get_unit(user: User, unit_id: int) -> Unit:
    unit = db.session.scalar(select(Unit).where(Unit.id == unit_id, unit_condition(user)))
    if unit is None:
        raise NotVisible("unit", unit_id)
    return unit


def sees_protected_address(user: User, person: YoungPerson) -> bool:
    """Turvakielto: address, municipality, unit and place only for the responsible social
    worker and the coordinators of the placing county."""
    if not person.non_disclosure:
        return True
    if user.role == Role.SOCIAL_WORKER:
        return person.responsible_worker_id == user.id
    return user.role == Role.COORDINATOR and person.placing_county_id == user.county_id


def sees_resident_list(user: User, unit: Unit) -> bool:
    """Residents of a unit: the coordinator of its county and the unit's own staff."""
    if user.role == Role.COORDINATOR:
        return unit.county_id == user.county_id
    return user.role.works_in_units and unit.id in user.unit_ids


def handles_applications_of(user: User, person: YoungPerson) -> bool:
    """Housing applications: the young person's responsible worker and their county's coordinator."""
    if user.role == Role.SOCIAL_WORKER:
        return person.responsible_worker_id == user.id
    return user.role == Role.COORDINATOR and user.county_id is not None and person.placing_county_id == user.county_id


def application_condition(user: User) -> ColumnElement[bool]:
    """Applications whose young person the user handles (join ``YoungPerson`` in the query)."""
    if user.role in (Role.SOCIAL_WORKER, Role.COORDINATOR):
        return young_person_condition(user)
    return false()


def get_application(user: User, application_id: int, for_change: bool = False) -> Application:
    """``for_change``: lock the row until the commit, so two people cannot take a step at once."""
    query = (select(Application).join(YoungPerson, YoungPerson.id == Application.young_person_id)
             .where(Application.id == application_id, application_condition(user)))
    application = db.session.scalar(query.with_for_update(of=Application) if for_change else query)
    if application is None:
        raise NotVisible("application", application_id)
    return application


def visit_record_condition(user: User) -> ColumnElement[bool]:
    """Visit records (and their notes): the unit's own staff, the responsible social worker
    and the placing county's coordinator. Queries join ``YoungPerson``."""
    if user.role == Role.SOCIAL_WORKER:
        return YoungPerson.responsible_worker_id == user.id
    if user.role == Role.COORDINATOR:
        return YoungPerson.placing_county_id == user.county_id if user.county_id else false()
    if user.role.works_in_units:
        return VisitRecord.unit_id.in_(user.unit_ids) if user.unit_ids else false()


def receives_resident(user: User, application: Application) -> bool:
    """Unit roles: the young person has accepted a place in one of the user's units."""
    if not user.role.works_in_units or not user.unit_ids:
        return False
    return db.session.scalar(
        select(Offer.id).join(Place, Place.id == Offer.place_id)
        .where(Offer.application_id == application.id, Offer.status == OfferStatus.ACCEPTED,
               Place.unit_id.in_(user.unit_ids)).limit(1)
    ) is not None


def tenancy_unit_condition(user: User) -> ColumnElement[bool]:
    """Tenancies by their place's unit (join ``Place``): the coordinator's county, a unit role's units."""
    if user.role == Role.COORDINATOR:
        return Place.unit_id.in_(select(Unit.id).where(Unit.county_id == user.county_id)) if user.county_id \
            else false()
    if user.role.works_in_units:
        return Place.unit_id.in_(user.unit_ids) if user.unit_ids else false()
    return false()


def get_tenancy(user: User, tenancy_id: int, for_change: bool = False) -> Tenancy:
    """A tenancy the user may act on: their unit's, their county's, or their own client's."""
    query = (select(Tenancy).join(Place, Place.id == Tenancy.place_id)
             .join(YoungPerson, YoungPerson.id == Tenancy.young_person_id)
             .where(Tenancy.id == tenancy_id,
                    or_(tenancy_unit_condition(user), _placed_by_user(user))))
    tenancy = db.session.scalar(query.with_for_update(of=Tenancy) if for_change else query)
    if tenancy is None:
        raise NotVisible("tenancy", tenancy_id)
    return tenancy


def _placed_by_user(user: User) -> ColumnElement[bool]:
    if user.role == Role.SOCIAL_WORKER:
        return YoungPerson.responsible_worker_id == user.id
    if user.role == Role.COORDINATOR and user.county_id:
        return YoungPerson.placing_county_id == user.county_id
    return false()


def report_unit_ids(user: User) -> list[int]:
    """Units whose support and occupancy a user's reports cover: the coordinator's county's,
    a unit manager's own. Nobody else's."""
    if user.role == Role.COORDINATOR and user.county_id:
        return list(db.session.scalars(select(Unit.id).where(Unit.county_id == user.county_id).order_by(Unit.id)))
    if user.role == Role.UNIT_MANAGER:
        return sorted(user.unit_ids)
    return []


def caseload_worker_condition(user: User) -> ColumnElement[bool]:
    """Whose caseload a user sees: the coordinator every social worker of the county, a social
    worker their own row only."""
    if user.role == Role.COORDINATOR and user.county_id:
        return (User.role == Role.SOCIAL_WORKER) & (User.county_id == user.county_id)
    if user.role == Role.SOCIAL_WORKER:
        return User.id == user.id
    return false()
