"""Searching the audit log, and the per-person report of who processed a young person's
data (Act 703/2023 §11: the client may ask for the last two years)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from housing import audit, rules
from housing.extensions import db
from housing.models import AuditEvent, YoungPerson

PAGE_SIZE = 100


@dataclass(frozen=True)
class AuditFilter:
    user_email: str = ""
    action: str = ""
    young_person_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def search(filters: AuditFilter, page: int) -> Any:
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if filters.user_email:
        query = query.where(AuditEvent.user_email.ilike(f"%{filters.user_email.strip().lower()}%"))
    if filters.action:
        query = query.where(AuditEvent.action == filters.action)
    if filters.young_person_id is not None:
        query = query.where(AuditEvent.young_person_id == filters.young_person_id)
    if filters.date_from:
        query = query.where(AuditEvent.at >= _day_start(filters.date_from))
    if filters.date_to:
        query = query.where(AuditEvent.at < _day_start(filters.date_to + timedelta(days=1)))
    result = db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)
    # Searching the log is itself logged: the log's readers are accountable too.
    audit.record(audit.Action.AUDIT_SEARCH, object_type="audit_log",
                 detail={k: str(v) for k, v in filters.__dict__.items() if v not in (None, "")})
    return result


def find_person_by_identity_code(raw: str) -> YoungPerson | None:
    code = rules.normalise_identity_code(raw)
    return db.session.scalar(select(YoungPerson).where(YoungPerson.identity_code == code))


@dataclass(frozen=True)
class PersonReport:
    person: YoungPerson
    since: date
    until: date
    events: list[AuditEvent]


def person_report(person: YoungPerson, today: date) -> PersonReport:
    """Every processing of the person's data by staff in the report period, oldest first.

    Producing the report is an export of personal data and is itself recorded.
    """
    since = today - rules.DATA_ACCESS_REPORT_PERIOD
    events = list(db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.young_person_id == person.id, AuditEvent.at >= _day_start(since),
               AuditEvent.user_id.is_not(None))
        .order_by(AuditEvent.at, AuditEvent.id)
    ))
    audit.record(audit.Action.EXPORT, object_type="data_access_report", object_id=person.id,
                 young_person_id=person.id, detail={"events": len(events)})
    return PersonReport(person, since, today, events)


def report_rows(report: PersonReport, action_label) -> list[list[str]]:
    """The report's rows for a file (written by ``housing.web.downloads``, which neutralises
    cells a spreadsheet would run as formulas: an email address may start with ``+`` or ``-``)."""
    return [
        [event.at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC"), event.user_email or "", event.role or "",
         action_label(event.action), event.ip or ""]
        for event in report.events
    ]
