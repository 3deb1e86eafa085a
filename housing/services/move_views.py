"""Reading moves: a county's or a unit's coming move-ins and move-outs, transfers waiting for a
decision, recent moves, and two alerts (aftercare ending within 90 days, a place empty for
over 14 days); and one tenancy's page. A name is shown only to someone who may open the
person's page, and a protected person (turvakielto) is never tied to a place for the unit's
staff; every name shown is audited. Each list is one query, whatever its length.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from housing import audit, rules
from housing.extensions import db
from housing.models import (
    MoveKind,
    MoveRequest,
    MoveStatus,
    Offer,
    OfferStatus,
    Place,
    Role,
    Tenancy,
    Unit,
    User,
    YoungPerson,
)
from housing.services import moves, scope
from housing.services.errors import NotVisible

AFTERCARE_ALERT = timedelta(days=90)
EMPTY_ALERT_DAYS = 14
RECENT = timedelta(days=60)


@dataclass
class MoveRow:
    tenancy: Tenancy
    person: YoungPerson | None  # None: not shown to this user
    hidden: str | None  # "non_disclosure" or "other_county"
    day: date
    request: MoveRequest | None = None
    overdue: bool = False
    aftercare_ends: date | None = None


@dataclass
class EmptyPlace:
    place: Place
    days: int
    next_move_in: date | None
    offered: bool


@dataclass
class MovesOverview:
    units: list[Unit]
    unit: Unit | None
    move_ins: list[MoveRow] = field(default_factory=list)
    move_outs: list[MoveRow] = field(default_factory=list)
    transfers: list[MoveRow] = field(default_factory=list)
    recent: list[MoveRow] = field(default_factory=list)
    aftercare_ending: list[MoveRow] = field(default_factory=list)
    empty_places: list[EmptyPlace] = field(default_factory=list)


def units_in_scope(user: User) -> list[Unit]:
    return list(db.session.scalars(select(Unit).where(scope.unit_condition(user), Unit.active.is_(True))
                                   .order_by(Unit.name)))


def overview(user: User, today: date, unit_id: int | None = None) -> MovesOverview:
    units = units_in_scope(user)
    chosen = next((u for u in units if u.id == unit_id), None)
    if unit_id is not None and chosen is None:
        raise NotVisible("unit", unit_id)
    unit_ids = [chosen.id] if chosen else [u.id for u in units]
    view = MovesOverview(units, chosen)
    living = list(db.session.scalars(
        select(Tenancy).join(Place, Place.id == Tenancy.place_id)
        .where(Place.unit_id.in_(unit_ids), scope.not_ended(today))
        .order_by(Tenancy.move_in).options(selectinload(Tenancy.young_person),
                                           selectinload(Tenancy.place).selectinload(Place.unit))))
    requests = _requests(unit_ids, today)
    shown = _shown(user, [t.young_person for t in living] + [r.tenancy.young_person for r in requests], today)
    for tenancy in living:
        _sort_tenancy(view, tenancy, shown, today)
    for request in requests:
        row = _row(request.tenancy, shown, request.wanted_date or today, request)
        (view.transfers if request.status == MoveStatus.PENDING else view.recent).append(row)
    view.move_outs.sort(key=lambda row: row.day)
    view.aftercare_ending.sort(key=lambda row: row.aftercare_ends)
    view.empty_places = _empty_places(unit_ids, living, today)
    audit.record_list_view((row.person.id for row in _all_rows(view) if row.person), object_type="moves")
    return view


def _sort_tenancy(view: MovesOverview, tenancy: Tenancy, shown: dict[int, str | None], today: date) -> None:
    if not tenancy.moved_in:
        view.move_ins.append(_row(tenancy, shown, tenancy.move_in, overdue=tenancy.move_in < today))
        return
    if tenancy.planned_move_out is not None and tenancy.actual_move_out is None:
        view.move_outs.append(_row(tenancy, shown, tenancy.planned_move_out))
    ends = rules.aftercare_ends_on(tenancy.young_person.birth_date)
    if tenancy.is_current(today) and today <= ends <= today + AFTERCARE_ALERT:
        view.aftercare_ending.append(_row(tenancy, shown, ends, aftercare_ends=ends))


def _row(tenancy: Tenancy, shown: dict[int, str | None], day: date, request: MoveRequest | None = None,
         overdue: bool = False, aftercare_ends: date | None = None) -> MoveRow:
    hidden = shown.get(tenancy.young_person_id, "other_county")
    return MoveRow(tenancy, tenancy.young_person if hidden is None else None, hidden, day, request, overdue,
                   aftercare_ends)


def _all_rows(view: MovesOverview) -> list[MoveRow]:
    return view.move_ins + view.move_outs + view.transfers + view.recent + view.aftercare_ending


def _shown(user: User, people: list[YoungPerson], today: date) -> dict[int, str | None]:
    """Person id → None when the user may see them tied to their place, else why not."""
    visible = scope.visible_person_ids(user, (p.id for p in people), today)
    return {p.id: None if p.id in visible and scope.sees_protected_address(user, p)
            else ("non_disclosure" if p.id in visible else "other_county") for p in people}


def _requests(unit_ids: list[int], today: date) -> list[MoveRequest]:
    """Transfers waiting for a decision, and the moves decided lately (move-outs included)."""
    return list(db.session.scalars(
        select(MoveRequest).join(Tenancy, Tenancy.id == MoveRequest.tenancy_id)
        .join(Place, Place.id == Tenancy.place_id)
        .where(Place.unit_id.in_(unit_ids), or_(
            (MoveRequest.kind == MoveKind.TRANSFER) & (MoveRequest.status == MoveStatus.PENDING),
            MoveRequest.created_at >= _start(today - RECENT)))
        .order_by(MoveRequest.created_at.desc())
        .options(selectinload(MoveRequest.tenancy).selectinload(Tenancy.young_person),
                 selectinload(MoveRequest.tenancy).selectinload(Tenancy.place).selectinload(Place.unit),
                 selectinload(MoveRequest.target_unit), selectinload(MoveRequest.target_place),
                 selectinload(MoveRequest.requested_by), selectinload(MoveRequest.decided_by))))


def _start(day: date):
    from housing.services.round_problem import end_of_day

    return end_of_day(day - timedelta(days=1))


def _empty_places(unit_ids: list[int], living: list[Tenancy], today: date) -> list[EmptyPlace]:
    """Places in use that nobody lives in today, empty for over two weeks."""
    places = list(db.session.scalars(select(Place).where(Place.unit_id.in_(unit_ids), Place.out_of_use.is_(False))
                                     .options(selectinload(Place.unit))))
    ends = func.coalesce(Tenancy.actual_move_out, Tenancy.planned_move_out)
    last_end = dict(db.session.execute(
        select(Tenancy.place_id, func.max(ends)).where(Tenancy.place_id.in_([p.id for p in places]), ends <= today)
        .group_by(Tenancy.place_id)).all())
    offered = set(db.session.scalars(select(Offer.place_id).where(
        Offer.place_id.in_([p.id for p in places]), Offer.status == OfferStatus.PENDING)))
    occupied = {t.place_id for t in living if t.is_current(today)}
    coming = {}
    for tenancy in living:
        if tenancy.move_in > today:
            coming.setdefault(tenancy.place_id, tenancy.move_in)
    empty = []
    for place in places:
        if place.id in occupied:
            continue
        since = max(day for day in (last_end.get(place.id), place.available_from, place.created_at.date())
                    if day is not None)
        days = (today - since).days
        if days > EMPTY_ALERT_DAYS:
            empty.append(EmptyPlace(place, days, coming.get(place.id), place.id in offered))
    return sorted(empty, key=lambda e: -e.days)


# --------------------------------------------------------------------------- one tenancy


@dataclass
class TenancyView:
    tenancy: Tenancy
    person: YoungPerson
    place: Place
    requests: list[MoveRequest]
    next_tenancy: Tenancy | None
    may_move_in: bool
    may_move_out: bool
    may_request_transfer: bool
    pending_transfer: MoveRequest | None


def get_visible_tenancy(user: User, tenancy_id: int, for_change: bool = False) -> Tenancy:
    """A tenancy the user may open: in their scope, and a protected person's only for those
    who may know where they live."""
    tenancy = scope.get_tenancy(user, tenancy_id, for_change)
    if not scope.sees_protected_address(user, tenancy.young_person):
        raise NotVisible("tenancy", tenancy_id)
    if user.role.works_in_units and tenancy.young_person_id not in scope.visible_person_ids(
            user, [tenancy.young_person_id]):
        raise NotVisible("tenancy", tenancy_id)
    return tenancy


def view_tenancy(user: User, tenancy: Tenancy) -> TenancyView:
    audit.record(audit.Action.VIEW, object_type="tenancy", object_id=tenancy.id,
                 young_person_id=tenancy.young_person_id)
    requests = list(db.session.scalars(
        select(MoveRequest).where(MoveRequest.tenancy_id == tenancy.id).order_by(MoveRequest.created_at)
        .options(selectinload(MoveRequest.requested_by), selectinload(MoveRequest.decided_by),
                 selectinload(MoveRequest.target_unit), selectinload(MoveRequest.target_place))))
    pending = next((r for r in requests if r.kind == MoveKind.TRANSFER and r.status == MoveStatus.PENDING), None)
    following = next((r.new_tenancy for r in requests if r.new_tenancy_id), None)
    return TenancyView(
        tenancy=tenancy, person=tenancy.young_person, place=tenancy.place, requests=requests, next_tenancy=following,
        may_move_in=not tenancy.moved_in and moves.may_record_move_in(user, tenancy),
        may_move_out=tenancy.moved_in and tenancy.actual_move_out is None and tenancy.end_code != "transfer"
        and moves.may_record_move_out(user, tenancy),
        may_request_transfer=tenancy.moved_in and pending is None and tenancy.actual_move_out is None
        and tenancy.end_code != "transfer" and moves.may_request_transfer(user, tenancy),
        pending_transfer=pending if user.role == Role.COORDINATOR else None,
    )
