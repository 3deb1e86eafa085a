"""Reading applications: one application with its history, the social worker's and the
coordinator's lists, and the young person's sheet.

Every read is audited here, so a page cannot forget it. Lists load what they show in a
fixed number of queries, whatever their length.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import case, func, select
from sqlalchemy.orm import contains_eager, selectinload

from housing import audit, rules
from housing.extensions import db
from housing.models import (
    Application,
    ApplicationStatus,
    ApplicationStatusChange,
    Municipality,
    Offer,
    OfferStatus,
    Place,
    Tenancy,
    User,
    YoungPerson,
)
from housing.services import applications, housing_history, offers, scope, waitlist

Status = ApplicationStatus
PAGE_SIZE = 50


@dataclass
class HistoryEntry:
    at: Any
    by: User | None
    from_status: Status | None = None
    to_status: Status | None = None
    reason: str | None = None
    version: int | None = None
    changes: dict[str, list] = field(default_factory=dict)
    event: str | None = None  # a step after the waiting list (housing.services.housing_history)
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def is_edit(self) -> bool:
        return self.version is not None


@dataclass
class ApplicationView:
    application: Application
    person: YoungPerson
    age: int
    entitlement: rules.Entitlement
    aftercare_ends: date
    position: int | None
    queue_size: int
    history: list[HistoryEntry]
    not_with: list[YoungPerson]
    question: str | None  # the coordinator's open question, while returned
    offer: Offer | None  # the offer waiting for an answer, or accepted and not yet moved into
    declines: int  # offers the young person has declined
    steps: list[str]
    may_edit: bool
    person_names: dict[int, str]  # not-with people named in the history
    municipalities: dict[str, Municipality]


def view_application(actor: User, application: Application, today: date) -> ApplicationView:
    person = application.young_person
    audit.record(audit.Action.VIEW, object_type="application", object_id=application.id, young_person_id=person.id)
    history = _history(application)
    named = {pid for entry in history for pid in _not_with_ids(entry.changes)} | {p.id for p in application.not_with}
    person_names = _names(named)
    audit.record_list_view(named, object_type="application_not_with")
    position = waitlist.positions(person.placing_county_id, [application.id]).get(application.id)
    return ApplicationView(
        application=application, person=person, age=rules.age_on(person.birth_date, today),
        entitlement=applications.entitlement_of(person, today),
        aftercare_ends=rules.aftercare_ends_on(person.birth_date),
        position=position, queue_size=waitlist.queue_size(person.placing_county_id) if position else 0,
        history=history, not_with=list(application.not_with), question=_open_question(application),
        offer=_pending_offer(application), steps=applications.steps_for(actor, application),
        declines=offers.declines_of([application.id]).get(application.id, 0),
        may_edit=applications.may_edit(actor, application), person_names=person_names,
        municipalities=_municipalities_in(application, history),
    )


def _history(application: Application) -> list[HistoryEntry]:
    changes = db.session.scalars(
        select(ApplicationStatusChange).where(ApplicationStatusChange.application_id == application.id)
        .options(selectinload(ApplicationStatusChange.by)).order_by(ApplicationStatusChange.at)
    )
    entries = [HistoryEntry(c.at, c.by, c.from_status, c.to_status, c.reason) for c in changes]
    entries += [HistoryEntry(e.at, e.by, to_status=e.status, version=e.version, changes=e.changes)
                for e in application.edits]
    entries += housing_history.events(application)
    # A step and the status change it made share a moment: the step's own entry comes first.
    return sorted(entries, key=lambda entry: (entry.at, entry.event is None, entry.version or 0))


def _not_with_ids(changes: dict[str, list]) -> set[int]:
    before, after = changes.get("not_with", [[], []])
    return set(before or []) | set(after or [])


def _names(person_ids: set[int]) -> dict[int, str]:
    if not person_ids:
        return {}
    rows = db.session.execute(select(YoungPerson.id, YoungPerson.first_name, YoungPerson.last_name)
                              .where(YoungPerson.id.in_(person_ids)))
    return {pid: f"{first} {last}" for pid, first, last in rows}


def _municipalities_in(application: Application, history: list[HistoryEntry]) -> dict[str, Municipality]:
    codes = {w.municipality_code for w in application.wishes if w.municipality_code}
    for entry in history:
        for wishes in entry.changes.get("wishes", []):
            codes |= {w["municipality"] for w in wishes or [] if w.get("municipality")}
    if not codes:
        return {}
    return {m.code: m for m in db.session.scalars(select(Municipality).where(Municipality.code.in_(codes)))}


def _open_question(application: Application) -> str | None:
    if application.status != Status.RETURNED or not application.status_changes:
        return None
    return application.status_changes[-1].reason


def _pending_offer(application: Application) -> Offer | None:
    """While the application is offered: the offer waiting for an answer, or the accepted one
    whose move-in the unit has not recorded yet."""
    if application.status != Status.OFFERED:
        return None
    return db.session.scalar(
        select(Offer).where(Offer.application_id == application.id,
                            Offer.status.in_([OfferStatus.PENDING, OfferStatus.ACCEPTED]))
        .order_by(Offer.id.desc()).limit(1)
        .options(selectinload(Offer.place).selectinload(Place.unit))
    )


# --------------------------------------------------------------------------- lists


@dataclass
class ApplicationRow:
    application: Application
    person: YoungPerson
    position: int | None = None
    question: str | None = None
    respond_by: date | None = None


@dataclass
class ApplicationList:
    rows: list[ApplicationRow]
    total: int
    page: int
    pages: int
    needs_action: list[ApplicationRow] = field(default_factory=list)
    needs_action_total: int = 0
    caseload: int = 0
    caseload_limit: int | None = None
    caseload_state: rules.CaseloadState = rules.CaseloadState.OK
    counts: dict[str, int] = field(default_factory=dict)

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


# The social worker's order: what waits for them first, then what is moving, then the rest.
ACTION_ORDER = case(
    (Application.status == Status.RETURNED, 0), (Application.status == Status.OFFERED, 1),
    (Application.status == Status.DRAFT, 2), (Application.status == Status.SUBMITTED, 3),
    (Application.status == Status.WAITLISTED, 4), else_=5,
)
NEEDS_WORKER = (Status.RETURNED, Status.OFFERED, Status.DRAFT)
NEEDS_ACTION_SHOWN = 20  # the rest are in the full list below, in the same order


def _base(user: User) -> Any:
    return (
        select(Application).join(YoungPerson, YoungPerson.id == Application.young_person_id)
        .where(scope.application_condition(user))
        .options(contains_eager(Application.young_person).selectinload(YoungPerson.responsible_worker))
    )


def worker_applications(user: User, today: date, page: int = 1) -> ApplicationList:
    """The social worker's clients' applications, what waits for them, and their caseload."""
    listing = _paged(_base(user).order_by(ACTION_ORDER, Application.updated_at.desc(), Application.id), page)
    waiting = _base(user).where(Application.status.in_(NEEDS_WORKER))
    needs_action = [ApplicationRow(a, a.young_person) for a in db.session.scalars(
        waiting.order_by(ACTION_ORDER, Application.updated_at, Application.id).limit(NEEDS_ACTION_SHOWN))]
    listing.needs_action_total = db.session.scalar(select(func.count()).select_from(
        waiting.order_by(None).subquery())) or 0
    _annotate(listing.rows + needs_action)
    clients = db.session.scalar(select(func.count()).select_from(YoungPerson)
                                .where(YoungPerson.responsible_worker_id == user.id)) or 0
    warning_at = current_app.config.get("CASELOAD_WARNING", rules.CASELOAD_WARNING_DEFAULT)
    listing.needs_action = needs_action
    listing.caseload, listing.caseload_limit = clients, rules.caseload_limit(today)
    listing.caseload_state = rules.caseload_state(clients, today, warning_at)
    audit.record_list_view({row.person.id for row in listing.rows + needs_action}, object_type="application")
    return listing


def county_applications(user: User, status: Status | None, page: int = 1) -> ApplicationList:
    """The coordinator's county applications, one status at a time (submitted: to review)."""
    query = _base(user)
    if status is not None:
        query = query.where(Application.status == status)
    submitted_first = func.coalesce(Application.submitted_at, Application.created_at)
    listing = _paged(query.order_by(submitted_first, Application.id), page)
    _annotate(listing.rows)
    listing.counts = {str(s): n for s, n in db.session.execute(
        select(Application.status, func.count()).join(YoungPerson, YoungPerson.id == Application.young_person_id)
        .where(scope.application_condition(user)).group_by(Application.status))}
    audit.record_list_view({row.person.id for row in listing.rows}, object_type="application")
    return listing


def _paged(query: Any, page: int) -> ApplicationList:
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    pages = max(1, math.ceil(total / PAGE_SIZE))
    page = min(max(1, page), pages)
    found = db.session.scalars(query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).unique()
    return ApplicationList([ApplicationRow(a, a.young_person) for a in found], total, page, pages)


def _annotate(rows: list[ApplicationRow]) -> None:
    """Queue positions, open questions and answer dates for the rows, a query each."""
    waiting = [r for r in rows if r.application.status == Status.WAITLISTED]
    for county_id in {r.person.placing_county_id for r in waiting}:
        found = waitlist.positions(county_id, [r.application.id for r in waiting if r.person.placing_county_id
                                               == county_id])
        for row in waiting:
            row.position = found.get(row.application.id, row.position)
    returned = {r.application.id for r in rows if r.application.status == Status.RETURNED}
    if returned:
        latest = (select(ApplicationStatusChange.application_id, func.max(ApplicationStatusChange.at).label("at"))
                  .where(ApplicationStatusChange.application_id.in_(returned),
                         ApplicationStatusChange.to_status == Status.RETURNED)
                  .group_by(ApplicationStatusChange.application_id).subquery())
        questions = dict(db.session.execute(
            select(ApplicationStatusChange.application_id, ApplicationStatusChange.reason)
            .join(latest, (latest.c.application_id == ApplicationStatusChange.application_id)
                  & (latest.c.at == ApplicationStatusChange.at))).all())
        for row in rows:
            row.question = questions.get(row.application.id, row.question)
    offered = {r.application.id for r in rows if r.application.status == Status.OFFERED}
    if offered:
        answer_by = dict(db.session.execute(select(Offer.application_id, Offer.respond_by).where(
            Offer.application_id.in_(offered), Offer.status == OfferStatus.PENDING)).all())
        for row in rows:
            row.respond_by = answer_by.get(row.application.id, row.respond_by)


# --------------------------------------------------------------------------- the young person's sheet


@dataclass
class Sheet:
    application: Application
    person: YoungPerson
    position: int | None
    queue_size: int
    aftercare_ends: date
    respond_by: date | None
    moves_in_on: date | None  # the offer is accepted: the day they move in
    county_name: dict[str, str]
    worker: User | None


def sheet(application: Application, today: date) -> Sheet:
    """What the young person is owed in writing: status, place in the queue, next steps, rights."""
    person = application.young_person
    audit.record(audit.Action.VIEW, object_type="application", object_id=application.id, young_person_id=person.id,
                 detail={"sheet": True})
    position = waitlist.positions(person.placing_county_id, [application.id]).get(application.id)
    offer = _pending_offer(application)
    county = person.placing_county
    pending = offer is not None and offer.status == OfferStatus.PENDING
    return Sheet(application, person, position, waitlist.queue_size(person.placing_county_id) if position else 0,
                 rules.aftercare_ends_on(person.birth_date), offer.respond_by if pending else None,
                 _moves_in_on(offer) if offer is not None and not pending else None,
                 {"fi": county.name_fi, "sv": county.name_sv, "en": county.name_fi}, person.responsible_worker)


def _moves_in_on(offer: Offer) -> date | None:
    return db.session.scalar(select(Tenancy.move_in).where(Tenancy.offer_id == offer.id).limit(1))


def wish_names(application: Application, language: str) -> list[str]:
    """The location wishes in words (a municipality, or a named point)."""
    names = []
    for wish in sorted(application.wishes, key=lambda w: w.rank):
        place = wish.municipality.name(language) if wish.municipality else None
        names.append(", ".join(part for part in (wish.label, place) if part) or f"{wish.lat:.4f}, {wish.lon:.4f}")
    return names

