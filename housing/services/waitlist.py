"""The county's waiting list: one fair queue, in exactly the allocator's priority order.

Priority (DESIGN.md §6, FORMATS.md): urgency band, then the date the need arose, then the
tie-break stored once per application, then the id. ``PRIORITY_ORDER`` is that key for SQL
and ``priority_key`` the same key for one application in Python; ``applicant_id`` is the
id an allocation round gives the application in its ``housing-allocation/1`` problem
(zero-padded, so the allocator's string order of ids is the order of the numbers). The
waiting list, the positions shown to the young person and the round builder all use
these three and nothing else.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import contains_eager, selectinload

from housing import audit, localtime, rules
from housing.extensions import db
from housing.models import Application, ApplicationStatus, LocationWish, Municipality, User, YoungPerson

PRIORITY_ORDER: tuple[Any, ...] = (Application.urgency_band, Application.need_since, Application.tiebreak,
                                   Application.id)
APPLICANT_ID_DIGITS = 9
PAGE_SIZE = 50

AFTERCARE_ENDING_WITHIN = timedelta(days=183)  # about six months
LONG_WAIT = timedelta(days=91)  # about three months
ACUTE_LONG_WAIT = timedelta(days=7)


def applicant_id(application_id: int) -> str:
    """The application's id in an allocation problem: ``A000000042``."""
    return f"A{application_id:0{APPLICANT_ID_DIGITS}d}"


def priority_key(application: Application) -> tuple[int, date, float, str]:
    """The allocator's ``Applicant.priority`` for this application (smaller ranks first)."""
    return (application.urgency_band, application.need_since, application.tiebreak, applicant_id(application.id))


def _queue(county_id: str | None) -> Any:
    """Subquery: the county's waitlisted applications with their 1-based position."""
    return (
        select(Application.id.label("id"), func.row_number().over(order_by=PRIORITY_ORDER).label("position"))
        .join(YoungPerson, YoungPerson.id == Application.young_person_id)
        .where(Application.status == ApplicationStatus.WAITLISTED, YoungPerson.placing_county_id == county_id)
        .subquery()
    )


def queue_size(county_id: str | None) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Application).join(YoungPerson, YoungPerson.id == Application.young_person_id)
        .where(Application.status == ApplicationStatus.WAITLISTED, YoungPerson.placing_county_id == county_id)
    ) or 0


def positions(county_id: str | None, application_ids: Iterable[int]) -> dict[int, int]:
    """Queue positions of the given applications (those waitlisted), in one query."""
    ids = list(set(application_ids))
    if not ids:
        return {}
    queue = _queue(county_id)
    return dict(db.session.execute(select(queue.c.id, queue.c.position).where(queue.c.id.in_(ids))).all())


# --------------------------------------------------------------------------- the coordinator's list


@dataclass(frozen=True)
class Filters:
    band: int | None = None
    support_level: int | None = None
    municipality_code: str | None = None
    waited_over_days: int | None = None
    household_size: int | None = None

    def conditions(self, now: datetime) -> list[ColumnElement[bool]]:
        conditions = []
        if self.band:
            conditions.append(Application.urgency_band == self.band)
        if self.support_level:
            conditions.append(Application.support_level == self.support_level)
        if self.household_size:
            conditions.append(Application.household_size == self.household_size)
        if self.waited_over_days:
            conditions.append(Application.waitlisted_at <= now - timedelta(days=self.waited_over_days))
        if self.municipality_code:
            conditions.append(Application.id.in_(
                select(LocationWish.application_id).where(LocationWish.municipality_code == self.municipality_code)))
        return conditions


# Sort keys: (columns ascending, columns descending); the queue order always breaks ties.
SORTS: dict[str, Callable[[bool], list[Any]]] = {
    "position": lambda desc: [c.desc() if desc else c for c in PRIORITY_ORDER],
    "waiting": lambda desc: [Application.waitlisted_at.desc() if desc else Application.waitlisted_at],
    # Aftercare ends in the order of birth dates: the dated age limit never reverses it.
    "aftercare": lambda desc: [YoungPerson.birth_date.desc() if desc else YoungPerson.birth_date],
    "support": lambda desc: [Application.support_level.desc() if desc else Application.support_level],
}
# Natural first direction of each column: longest waits, soonest endings, most support first.
DEFAULT_DESCENDING = {"position": False, "waiting": False, "aftercare": False, "support": True}


@dataclass
class WaitlistRow:
    application: Application
    person: YoungPerson
    position: int
    waiting_days: int
    aftercare_ends: date
    warnings: list[str]

    @property
    def first_wish(self) -> LocationWish | None:
        return self.application.wishes[0] if self.application.wishes else None


@dataclass
class WaitlistPage:
    rows: list[WaitlistRow]
    total: int  # rows matching the filters
    queue_size: int  # the whole county queue
    page: int
    pages: int

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def _rows_query(user: User, filters: Filters, sort: str, descending: bool, now: datetime) -> Select:
    """Every matching application with its young person and queue position (for the export)."""
    queue = _queue(user.county_id)
    return (
        select(Application, queue.c.position)
        .join(queue, queue.c.id == Application.id)
        .join(YoungPerson, YoungPerson.id == Application.young_person_id)
        .where(*filters.conditions(now))
        .options(contains_eager(Application.young_person),
                 selectinload(Application.wishes).selectinload(LocationWish.municipality))
        .order_by(*SORTS.get(sort, SORTS["position"])(descending), queue.c.position)
    )


def waitlist_page(user: User, filters: Filters, sort: str = "position", descending: bool = False, page: int = 1,
                  today: date | None = None, now: datetime | None = None) -> WaitlistPage:
    """One page of the coordinator's county queue; every person shown is audited as seen in a list.

    The page is found on narrow rows (ids and positions) and only its rows are loaded whole:
    sorting thousands of full rows to keep fifty cost more than the rest of the page.
    """
    today, now = today or localtime.today(), now or datetime.now(UTC)
    total = _count(user, filters, now)
    pages = max(1, math.ceil(total / PAGE_SIZE))
    page = min(max(1, page), pages)
    queue = _queue(user.county_id)
    chosen = db.session.execute(
        select(queue.c.id, queue.c.position)
        .join(Application, Application.id == queue.c.id)
        .join(YoungPerson, YoungPerson.id == Application.young_person_id)
        .where(*filters.conditions(now))
        .order_by(*SORTS.get(sort, SORTS["position"])(descending), queue.c.position)
        .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ).all()
    loaded = {a.id: a for a in db.session.scalars(
        select(Application).where(Application.id.in_([application_id for application_id, _ in chosen]))
        .options(selectinload(Application.young_person),
                 selectinload(Application.wishes).selectinload(LocationWish.municipality)))}
    rows = [_row(loaded[application_id], position, today, now) for application_id, position in chosen]
    audit.record_list_view((row.person.id for row in rows), object_type="waitlist")
    return WaitlistPage(rows, total, queue_size(user.county_id), page, pages)


def _count(user: User, filters: Filters, now: datetime) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Application).join(YoungPerson, YoungPerson.id == Application.young_person_id)
        .where(Application.status == ApplicationStatus.WAITLISTED, YoungPerson.placing_county_id == user.county_id,
               *filters.conditions(now))
    ) or 0


def _row(application: Application, position: int, today: date, now: datetime) -> WaitlistRow:
    person = application.young_person
    waiting = (now - application.waitlisted_at).days if application.waitlisted_at else 0
    ends = rules.aftercare_ends_on(person.birth_date)
    found = warnings(application, person, ends, waiting, today)
    return WaitlistRow(application, person, position, waiting, ends, found)


def warnings(application: Application, person: YoungPerson, aftercare_ends: date, waiting_days: int,
             today: date) -> list[str]:
    """What needs the coordinator's attention, as codes the page and the export both name."""
    found = []
    if aftercare_ends <= today + AFTERCARE_ENDING_WITHIN:
        found.append("aftercare_ending")
    if waiting_days > LONG_WAIT.days:
        found.append("waiting_long")
    if application.urgency_band == 1 and waiting_days > ACUTE_LONG_WAIT.days:
        found.append("acute_waiting")
    plan = rules.client_plan_state(person.client_plan_date, today)
    if plan != rules.ClientPlanState.CURRENT:
        found.append(f"plan_{plan.value}")
    return found


def municipality_named(name: str) -> Municipality | None:
    """The municipality a filter names, by its Finnish or Swedish name or its code."""
    wanted = name.strip().lower()
    return db.session.scalar(select(Municipality).where(or_(
        func.lower(Municipality.name_fi) == wanted, func.lower(Municipality.name_sv) == wanted,
        Municipality.code == wanted)))


# --------------------------------------------------------------------------- the export


def export_rows(user: User, filters: Filters, sort: str, descending: bool, today: date | None = None,
                now: datetime | None = None) -> list[WaitlistRow]:
    """Every row matching the filters, for a CSV file; each person is audited as exported."""
    today, now = today or localtime.today(), now or datetime.now(UTC)
    rows = [_row(application, position, today, now) for application, position in
            db.session.execute(_rows_query(user, filters, sort, descending, now)).unique().all()]
    audit.record_list_view((row.person.id for row in rows), object_type="waitlist_export", action=audit.Action.EXPORT)
    return rows
