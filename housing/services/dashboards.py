"""What each role's front page shows. One function per role; queries are aggregate or
batched (no N+1), and a list of clients is written to the audit log."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from housing import audit, localtime, rules
from housing.extensions import db
from housing.models import (
    Application,
    ApplicationStatus,
    AuditEvent,
    Place,
    Role,
    RoleChangeRequest,
    RoleChangeStatus,
    ScheduledVisit,
    ScheduleStatus,
    Tenancy,
    Unit,
    User,
    WeeklySchedule,
    YoungPerson,
)
from housing.services import referrals, visit_records
from housing.services.scope import not_ended, unit_resident_ids, young_person_condition

# A caseload within the law fits whole; beyond it the front page shows who needs attention first.
FRONT_PAGE_CLIENTS = 50
AFTERCARE_ENDING_SOON = timedelta(days=183)


def for_user(user: User, today: date | None = None) -> dict[str, Any]:
    today = today or localtime.today()
    builders = {
        Role.ADMIN: _admin,
        Role.COORDINATOR: _coordinator,
        Role.SOCIAL_WORKER: _social_worker,
        Role.UNIT_MANAGER: _unit_roles,
        Role.UNIT_STAFF: _unit_roles,
    }
    return builders[user.role](user, today)


def _admin(user: User, today: date) -> dict[str, Any]:
    by_role = dict(db.session.execute(
        select(User.role, func.count()).where(User.active.is_(True)).group_by(User.role)
    ).all())
    day_ago = _start_of(today) - timedelta(days=1)
    failed = db.session.scalar(
        select(func.count()).select_from(AuditEvent)
        .where(AuditEvent.action == str(audit.Action.LOGIN_FAILED), AuditEvent.at >= day_ago)
    )
    waiting = db.session.scalar(select(func.count()).select_from(RoleChangeRequest)
                                .where(RoleChangeRequest.status == RoleChangeStatus.PENDING))
    return {"users_by_role": by_role, "users_total": sum(by_role.values()), "failed_logins_24h": failed,
            "role_changes_waiting": waiting}


def _start_of(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _coordinator(user: User, today: date) -> dict[str, Any]:
    county = user.county_id
    unit_count, place_count = db.session.execute(
        select(func.count(func.distinct(Unit.id)), func.count(Place.id))
        .select_from(Unit).outerjoin(Place, Place.unit_id == Unit.id)
        .where(Unit.county_id == county, Unit.active.is_(True))
    ).one()
    occupied = select(Tenancy.place_id).where(Tenancy.move_in <= today, not_ended(today))
    free_places = db.session.scalar(
        select(func.count(Place.id)).join(Unit).where(
            Unit.county_id == county, Unit.active.is_(True), Place.out_of_use.is_(False),
            Place.id.not_in(occupied),
        )
    )
    applications = db.session.execute(
        select(Application.status, Application.urgency_band, func.count())
        .join(YoungPerson, YoungPerson.id == Application.young_person_id)
        .where(YoungPerson.placing_county_id == county)
        .group_by(Application.status, Application.urgency_band)
    ).all()
    by_status: dict[str, int] = {}
    waitlist_by_band = {1: 0, 2: 0, 3: 0}
    for status, band, count in applications:
        by_status[str(status)] = by_status.get(str(status), 0) + count
        if status == ApplicationStatus.WAITLISTED:
            waitlist_by_band[band] = waitlist_by_band.get(band, 0) + count
    people = db.session.scalar(
        select(func.count()).select_from(YoungPerson).where(YoungPerson.placing_county_id == county)
    )
    return {
        "county": user.county, "units": unit_count, "places": place_count, "free_places": free_places,
        "applications_by_status": by_status, "waitlist_by_band": waitlist_by_band, "young_people": people,
        "to_review": by_status.get("submitted", 0),
    }


def _social_worker(user: User, today: date) -> dict[str, Any]:
    clients = list(db.session.scalars(
        select(YoungPerson).where(YoungPerson.responsible_worker_id == user.id)
        .order_by(YoungPerson.last_name, YoungPerson.first_name)
    ))
    warning_at = current_app.config.get("CASELOAD_WARNING", rules.CASELOAD_WARNING_DEFAULT)
    limit = rules.caseload_limit(today)
    rows = [_client_row(person, today) for person in clients]
    shown = rows if len(rows) <= FRONT_PAGE_CLIENTS else sorted(rows, key=_needs_attention_first)[:FRONT_PAGE_CLIENTS]
    missed = visit_records.missed_in_a_row([p.id for p in clients])
    stalled = referrals.stalled_referrals_of_worker(user, today)
    # Everyone the page names: the rows shown, and the alerts (which may name others when the list is cut).
    audit.record_list_view([row["person"].id for row in shown] + list(missed)
                           + [row.referral.young_person_id for row in stalled])
    open_statuses = [s for s in ApplicationStatus if s not in (ApplicationStatus.CLOSED, ApplicationStatus.WITHDRAWN,
                                                                ApplicationStatus.HOUSED)]
    applications = dict(db.session.execute(
        select(Application.status, func.count()).join(YoungPerson)
        .where(YoungPerson.responsible_worker_id == user.id, Application.status.in_(open_statuses))
        .group_by(Application.status)
    ).all())
    return {
        "clients": shown,
        "caseload": len(clients),
        "caseload_limit": limit,
        "meter_max": max(limit or warning_at, len(clients)),
        "caseload_warning_at": warning_at,
        "caseload_state": rules.caseload_state(len(clients), today, warning_at),
        "plans_needing_attention": sum(1 for r in rows if r["plan"] != rules.ClientPlanState.CURRENT),
        "open_applications": {str(k): v for k, v in applications.items()},
        "missed_twice": [p for p in clients if p.id in missed],
        "stalled_referrals": stalled,
        "stalled_after_days": rules.REFERRAL_NO_PROGRESS_LIMIT.days,
    }


def _client_row(person: YoungPerson, today: date) -> dict[str, Any]:
    ends = rules.aftercare_ends_on(person.birth_date)
    return {
        "person": person,
        "age": rules.age_on(person.birth_date, today),
        "aftercare_ends": ends,
        "ending_soon": today < ends <= today + AFTERCARE_ENDING_SOON,
        "ended": not rules.aftercare_available(person.birth_date, today),
        "plan": rules.client_plan_state(person.client_plan_date, today),
    }


def _needs_attention_first(row: dict[str, Any]) -> tuple:
    """For a caseload too long to show whole: aftercare ending soon, then a client plan to
    draw up or review, then the rest; by name within each (the sort is stable)."""
    return (not row["ending_soon"], row["plan"] == rules.ClientPlanState.CURRENT, row["ended"])


def _unit_roles(user: User, today: date) -> dict[str, Any]:
    unit_ids = user.unit_ids
    occupancy = dict(db.session.execute(
        select(Place.unit_id, func.count(Tenancy.id)).join(Tenancy, Tenancy.place_id == Place.id)
        .where(Place.unit_id.in_(unit_ids), Tenancy.move_in <= today, not_ended(today))
        .group_by(Place.unit_id)
    ).all())
    place_counts = dict(db.session.execute(
        select(Place.unit_id, func.count()).where(Place.unit_id.in_(unit_ids)).group_by(Place.unit_id)
    ).all())
    residents = list(db.session.scalars(
        select(YoungPerson).where(YoungPerson.id.in_(unit_resident_ids(unit_ids, today)))
        .order_by(YoungPerson.last_name, YoungPerson.first_name)
    ))
    visits = _upcoming_visits(user, today)
    audit.record_list_view([p.id for p in residents] + [v.young_person_id for v in visits])
    own_units = db.session.scalars(
        select(Unit).where(Unit.id.in_(unit_ids)).order_by(Unit.name).options(selectinload(Unit.municipality))
    )
    units = [{"unit": u, "places": place_counts.get(u.id, 0), "occupied": occupancy.get(u.id, 0)}
             for u in own_units]
    missed = visit_records.missed_in_a_row([p.id for p in residents])
    return {"units": units, "residents": residents, "visits": visits,
            "missed_twice": [p for p in residents if p.id in missed]}


UPCOMING = timedelta(days=7)


def _upcoming_visits(user: User, today: date) -> list[ScheduledVisit]:
    """The user's own visits of published weeks for the coming week, in time order."""
    start = _start_of(today)
    return list(db.session.scalars(
        select(ScheduledVisit).join(WeeklySchedule, WeeklySchedule.id == ScheduledVisit.schedule_id)
        .where(ScheduledVisit.staff_id == user.id, ScheduledVisit.starts_at >= start,
               ScheduledVisit.starts_at < start + UPCOMING, WeeklySchedule.status == ScheduleStatus.PUBLISHED,
               # someone who has moved out since the week was published is no longer theirs to see
               ScheduledVisit.young_person_id.in_(select(YoungPerson.id).where(young_person_condition(user, today))))
        .order_by(ScheduledVisit.starts_at).options(selectinload(ScheduledVisit.young_person))
    ))
