"""What happened on support visits: recorded by the unit's workers, read by few.

A record says the visit was done (when it began, how long it took), missed (the young
person was not reached) or cancelled (and by whom); what kind of contact it was, its themes,
and notes. Notes are read only by the unit's staff, the responsible social worker and the
county's coordinator, and each read is audited. A record changed more than a day after it
was written keeps what it said before as a version. Two missed visits in a row are an alert.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from housing import audit, vocabulary
from housing.extensions import db
from housing.models import (
    ScheduledVisit,
    ScheduleStatus,
    SupportPlan,
    User,
    VisitOutcome,
    VisitRecord,
    VisitRecordVersion,
    WeeklySchedule,
    YoungPerson,
    utcnow,
)
from housing.services.errors import RuleViolation
from housing.services.schedule_problem import LOCAL_TIME
from housing.services.scope import visit_record_condition, young_person_condition

FREE_EDIT_PERIOD = timedelta(hours=24)  # edits within this are corrections; later ones keep a version
LONGEST_VISIT_MINUTES = 600
CONTENT = ("outcome", "cancelled_by", "started_at", "actual_minutes", "visit_type", "themes", "notes")


# --- the worker's day ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DayVisit:
    visit: ScheduledVisit
    plan: SupportPlan | None


def day_of(user: User, day: date) -> list[DayVisit]:
    """The user's published visits on ``day`` (local), in time order, with the plan's goals."""
    start = datetime.combine(day, datetime.min.time(), tzinfo=LOCAL_TIME)
    visits = list(db.session.scalars(
        select(ScheduledVisit).join(WeeklySchedule, WeeklySchedule.id == ScheduledVisit.schedule_id)
        .where(ScheduledVisit.staff_id == user.id, WeeklySchedule.status == ScheduleStatus.PUBLISHED,
               ScheduledVisit.starts_at >= start, ScheduledVisit.starts_at < start + timedelta(days=1),
               # lists and pages agree: someone who has moved out is no longer the worker's to see
               ScheduledVisit.young_person_id.in_(select(YoungPerson.id).where(young_person_condition(user))))
        .order_by(ScheduledVisit.starts_at)
        .options(selectinload(ScheduledVisit.young_person), selectinload(ScheduledVisit.record),
                 selectinload(ScheduledVisit.schedule))
    ))
    plan_ids = [v.support_plan_id for v in visits if v.support_plan_id]
    plans = {p.id: p for p in db.session.scalars(select(SupportPlan).where(SupportPlan.id.in_(plan_ids)))}
    return [DayVisit(visit, plans.get(visit.support_plan_id)) for visit in visits]


def published_visit(visit_id: int) -> ScheduledVisit | None:
    return db.session.scalar(
        select(ScheduledVisit).join(WeeklySchedule, WeeklySchedule.id == ScheduledVisit.schedule_id)
        .where(ScheduledVisit.id == visit_id, WeeklySchedule.status == ScheduleStatus.PUBLISHED)
    )


# --- recording -------------------------------------------------------------------------------------


def record_visit(actor: User, data: dict[str, Any], *, visit: ScheduledVisit | None = None,
                 person: YoungPerson | None = None, unit_id: int | None = None,
                 now: datetime | None = None) -> VisitRecord:
    """Record a planned visit (``visit``) or one that was not planned (``person`` in ``unit_id``,
    at ``data["started_at"]``)."""
    now = now or utcnow()
    if visit is not None and visit.record is not None:
        raise RuleViolation(_l("This visit has already been recorded."))
    _check(data, now)
    if visit is None and data["started_at"] is None:
        raise RuleViolation(_l("Give the time of the visit."), field="start_time")
    record = VisitRecord(
        scheduled_visit_id=visit.id if visit else None,
        young_person_id=visit.young_person_id if visit else person.id,
        unit_id=visit.schedule.unit_id if visit else unit_id,
        staff_id=visit.staff_id if visit else actor.id,
        visit_at=visit.starts_at if visit else data["started_at"],
        recorded_by_id=actor.id, updated_by_id=actor.id, created_at=now, updated_at=now,
    )
    _apply(record, data)
    db.session.add(record)
    db.session.flush()
    audit.record(audit.Action.CREATE, object_type="visit_record", object_id=record.id,
                 young_person_id=record.young_person_id, user=actor, detail={"outcome": str(record.outcome)})
    return record


def update_record(actor: User, record: VisitRecord, data: dict[str, Any], now: datetime | None = None) -> VisitRecord:
    """Change a record; after the first day, what it said before is kept as a version."""
    now = now or utcnow()
    _check(data, now)
    if record.scheduled_visit_id is None and data["started_at"] is None:
        raise RuleViolation(_l("Give the time of the visit."), field="start_time")
    if now - record.created_at > FREE_EDIT_PERIOD:
        _keep_version(actor, record, now)
    _apply(record, data)
    if record.scheduled_visit_id is None:
        record.visit_at = record.started_at
    record.updated_by_id, record.updated_at = actor.id, now
    db.session.flush()
    audit.record(audit.Action.UPDATE, object_type="visit_record", object_id=record.id,
                 young_person_id=record.young_person_id, user=actor)
    return record


def _keep_version(actor: User, record: VisitRecord, now: datetime) -> None:
    number = 1 + (db.session.scalar(select(func.max(VisitRecordVersion.version))
                                    .where(VisitRecordVersion.record_id == record.id)) or 0)
    version = VisitRecordVersion(record_id=record.id, version=number, written_by_id=record.updated_by_id,
                                 written_at=record.updated_at, replaced_at=now, replaced_by_id=actor.id,
                                 **{name: getattr(record, name) for name in CONTENT})
    version.themes = list(record.themes or [])
    db.session.add(version)


def _check(data: dict[str, Any], now: datetime) -> None:
    outcome = data["outcome"]
    if outcome not in {str(o) for o in VisitOutcome}:
        raise RuleViolation(_l("Choose what happened."), field="outcome")
    if outcome == VisitOutcome.DONE:
        if data["started_at"] is None:
            raise RuleViolation(_l("Give the time the visit began."), field="start_time")
        if data["actual_minutes"] is None or not 1 <= data["actual_minutes"] <= LONGEST_VISIT_MINUTES:
            raise RuleViolation(_l("Give how many minutes the visit took (1–%(most)d).", most=LONGEST_VISIT_MINUTES),
                                field="actual_minutes")
        if data["visit_type"] not in vocabulary.VISIT_TYPES:
            raise RuleViolation(_l("Choose the kind of visit."), field="visit_type")
    if outcome == VisitOutcome.CANCELLED and data["cancelled_by"] not in vocabulary.CANCELLED_BY:
        raise RuleViolation(_l("Say who cancelled the visit."), field="cancelled_by")
    if data["started_at"] is not None and data["started_at"] > now + timedelta(minutes=5):
        raise RuleViolation(_l("A visit can be recorded once it has begun: the time is in the future."),
                            field="start_time")
    if any(theme not in vocabulary.VISIT_THEMES for theme in data["themes"]):
        raise RuleViolation(_l("Choose themes from the list."), field="themes")


def _apply(record: VisitRecord, data: dict[str, Any]) -> None:
    record.outcome = VisitOutcome(data["outcome"])
    done = record.outcome == VisitOutcome.DONE
    # A planned visit that did not happen has no start of its own; an unplanned one is known by its time.
    record.started_at = data["started_at"] if done or record.scheduled_visit_id is None else None
    record.actual_minutes = data["actual_minutes"] if done else None
    record.visit_type = data["visit_type"] if done else None
    record.cancelled_by = data["cancelled_by"] if record.outcome == VisitOutcome.CANCELLED else None
    record.themes = sorted(set(data["themes"])) if done else []
    record.notes = (data["notes"] or "").strip() or None


# --- reading ---------------------------------------------------------------------------------------


def records_of(user: User, person: YoungPerson, page: int, per_page: int = 20):
    """The person's records the user may read, newest first; each one shown is audited."""
    query = (select(VisitRecord).join(YoungPerson, YoungPerson.id == VisitRecord.young_person_id)
             .where(VisitRecord.young_person_id == person.id, visit_record_condition(user))
             .order_by(VisitRecord.visit_at.desc(), VisitRecord.id.desc())
             .options(selectinload(VisitRecord.staff), selectinload(VisitRecord.unit),
                      selectinload(VisitRecord.versions).selectinload(VisitRecordVersion.written_by)))
    result = db.paginate(query, page=page, per_page=per_page, error_out=False)
    for record in result.items:
        audit_read(record)
    return result


def audit_read(record: VisitRecord) -> None:
    audit.record(audit.Action.VIEW, object_type="visit_record", object_id=record.id,
                 young_person_id=record.young_person_id)


def get_record(user: User, record_id: int) -> VisitRecord | None:
    return db.session.scalar(
        select(VisitRecord).join(YoungPerson, YoungPerson.id == VisitRecord.young_person_id)
        .where(VisitRecord.id == record_id, visit_record_condition(user))
    )


def missed_in_a_row(person_ids: list[int] | set[int], count: int = 2) -> set[int]:
    """Those among ``person_ids`` whose latest ``count`` recorded visits were all missed."""
    if not person_ids:
        return set()
    latest = (select(VisitRecord.young_person_id, VisitRecord.outcome,
                     func.row_number().over(partition_by=VisitRecord.young_person_id,
                                            order_by=(VisitRecord.visit_at.desc(), VisitRecord.id.desc()))
                     .label("n"))
              .where(VisitRecord.young_person_id.in_(list(person_ids))).subquery())
    rows = db.session.execute(
        select(latest.c.young_person_id, func.count())
        .where(latest.c.n <= count, latest.c.outcome == str(VisitOutcome.MISSED))
        .group_by(latest.c.young_person_id)
    )
    return {person_id for person_id, missed in rows if missed == count}
