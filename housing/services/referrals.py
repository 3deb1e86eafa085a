"""The service path: a young person's referrals to other services and how each goes.

Aftercare policy, recommendations 3 and 4: no young person falls between services. The
responsible social worker records each referral (mental health, substance use, Kela, …) and
each step it takes: referred, started, ended, refused, or followed up while nothing moved.
Every step keeps the day it happened, who recorded it and when; a step the referral's
status does not allow, or a day that cannot be (in the future, or before the referral's
last step), is refused and changes nothing.

Who: only the young person's responsible social worker adds and updates referrals (a
referral is part of their client work and plan). The placing county's housing coordinators
and the staff of the unit where the young person lives read the service path; a unit does
not see the notes (social work's own), and for someone under non-disclosure (turvakielto)
it does not see where the services are (provider and contact).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from housing import audit, rules, vocabulary
from housing.extensions import db
from housing.models import (
    OPEN_REFERRAL_STATUSES,
    ReferralStatus,
    Role,
    ServiceReferral,
    ServiceReferralStep,
    User,
    YoungPerson,
    utcnow,
)
from housing.services.errors import RuleViolation

Status = ReferralStatus
DETAIL_FIELDS = ("service", "provider", "contact", "notes")


@dataclass(frozen=True)
class Transition:
    sources: frozenset[ReferralStatus]
    target: ReferralStatus | None  # None: the status stays (a follow-up)
    date_field: str | None  # the referral's own date the step sets


TRANSITIONS: dict[str, Transition] = {
    "refer": Transition(frozenset({Status.PLANNED}), Status.REFERRED, "referred_on"),
    "start": Transition(frozenset({Status.PLANNED, Status.REFERRED}), Status.IN_PROGRESS, "started_on"),
    "end": Transition(frozenset({Status.IN_PROGRESS}), Status.COMPLETED, "ended_on"),
    "refuse": Transition(frozenset({Status.PLANNED, Status.REFERRED}), Status.DECLINED, "ended_on"),
    "follow_up": Transition(OPEN_REFERRAL_STATUSES, None, None),
}


def manages(actor: User, person: YoungPerson) -> bool:
    """Adding and updating referrals: the young person's responsible social worker only."""
    return actor.role == Role.SOCIAL_WORKER and person.responsible_worker_id == actor.id


def _check_manages(actor: User, person: YoungPerson) -> None:
    if not manages(actor, person):
        raise RuleViolation(_l("Only the young person's responsible social worker can change the service path."))


def _check_day(day: date | None, today: date, field: str) -> date:
    if day is None:
        raise RuleViolation(_l("Enter the day it happened."), field=field)
    if day > today:
        raise RuleViolation(_l("The day cannot be in the future."), field=field)
    return day


def _check_details(data: dict[str, Any]) -> None:
    if data.get("service") not in vocabulary.REFERRAL_SERVICES:
        raise RuleViolation(_l("Choose the service."), field="service")


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    """Free text trimmed, and empty text stored as nothing."""
    return {name: data.get(name) if name == "service" else ((data.get(name) or "").strip() or None)
            for name in DETAIL_FIELDS}


def add(actor: User, person: YoungPerson, data: dict[str, Any], today: date) -> ServiceReferral:
    """A new referral: planned, or already referred when ``data["referred_on"]`` is given."""
    _check_manages(actor, person)
    details = _clean(data)
    _check_details(details)
    referred_on = data.get("referred_on")
    if referred_on is not None:
        _check_day(referred_on, today, "referred_on")
    status = Status.REFERRED if referred_on else Status.PLANNED
    happened_on = referred_on or today
    referral = ServiceReferral(young_person_id=person.id, status=status, referred_on=referred_on,
                               last_progress_on=happened_on, created_by_id=actor.id, **details)
    # Added already referred, its first step is the referral itself.
    referral.steps.append(ServiceReferralStep(step="refer" if referred_on else "add", status=status,
                                              happened_on=happened_on, recorded_at=utcnow(), recorded_by_id=actor.id))
    db.session.add(referral)
    db.session.flush()
    audit.record(audit.Action.CREATE, object_type="service_referral", object_id=referral.id,
                 young_person_id=person.id, user=actor, detail={"status": status.value})
    return referral


def update_details(actor: User, referral: ServiceReferral, data: dict[str, Any]) -> list[str]:
    """Correct the service, provider, contact or notes: no progress, so the flag stays as it is."""
    _check_manages(actor, referral.young_person)
    details = _clean(data)
    _check_details(details)
    changed = [name for name in DETAIL_FIELDS if getattr(referral, name) != details[name]]
    for name in changed:
        setattr(referral, name, details[name])
    db.session.flush()
    audit.record(audit.Action.UPDATE, object_type="service_referral", object_id=referral.id,
                 young_person_id=referral.young_person_id, user=actor, detail={"changed": changed})
    return changed


def available_steps(referral: ServiceReferral) -> list[str]:
    return [step for step, transition in TRANSITIONS.items() if referral.status in transition.sources]


def take_step(actor: User, referral: ServiceReferral, step: str, happened_on: date | None, today: date,
              refusal_reason: str | None = None) -> None:
    """Record one step (refer, start, end, refuse, follow_up) on the day it happened."""
    _check_manages(actor, referral.young_person)
    transition = TRANSITIONS.get(step)
    if transition is None:
        raise RuleViolation(_l("Choose what happened."), field="step")
    if referral.status not in transition.sources:
        raise RuleViolation(_l("This is not possible while the referral is “%(status)s”.",
                               status=vocabulary.label(vocabulary.REFERRAL_STATUSES, referral.status.value)),
                            field="step")
    happened_on = _check_day(happened_on, today, "happened_on")
    last = referral.last_progress_on
    if happened_on < last:  # steps happen in order: a service starts after the referral, ends after it starts
        raise RuleViolation(_l("The day cannot be before the referral's last recorded step (%(day)s).",
                               day=f"{last.day}.{last.month}.{last.year}"), field="happened_on")  # as fi and sv write
    if step == "refuse":
        if refusal_reason not in vocabulary.REFERRAL_REFUSAL_REASONS:
            raise RuleViolation(_l("Choose why the service will not start."), field="refusal_reason")
        referral.refusal_reason = refusal_reason
    _apply(actor, referral, step, transition, happened_on)


def _apply(actor: User, referral: ServiceReferral, step: str, transition: Transition, happened_on: date) -> None:
    previous = referral.status
    if transition.target is not None:
        referral.status = transition.target
    if transition.date_field is not None:
        setattr(referral, transition.date_field, happened_on)
    referral.last_progress_on = happened_on
    referral.steps.append(ServiceReferralStep(step=step, status=referral.status, happened_on=happened_on,
                                              recorded_at=utcnow(), recorded_by_id=actor.id))
    audit.record(audit.Action.UPDATE, object_type="service_referral", object_id=referral.id,
                 young_person_id=referral.young_person_id, user=actor,
                 detail={"step": step, "from": previous.value, "to": referral.status.value})


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class ReferralRow:
    referral: ServiceReferral
    stalled: bool
    days_without_progress: int


def service_path(person: YoungPerson, today: date) -> list[ReferralRow]:
    """The person's referrals, open ones first, newest first (one query). The caller audits
    the read: it is part of the young person's page."""
    referrals = db.session.scalars(
        select(ServiceReferral).where(ServiceReferral.young_person_id == person.id)
        .order_by(ServiceReferral.last_progress_on.desc(), ServiceReferral.id.desc())
    )
    rows = [_row(referral, today) for referral in referrals]
    return sorted(rows, key=lambda row: not row.referral.is_open)


def _row(referral: ServiceReferral, today: date) -> ReferralRow:
    stalled = referral.is_open and rules.referral_stalled(referral.last_progress_on, today)
    return ReferralRow(referral, stalled, (today - referral.last_progress_on).days)


def view_referral(referral: ServiceReferral, today: date, form: str | None = None) -> ReferralRow:
    """One referral with its steps, audited as a read of the young person's data."""
    audit.record(audit.Action.VIEW, object_type="service_referral", object_id=referral.id,
                 young_person_id=referral.young_person_id, detail={"form": form} if form else None)
    db.session.scalar(  # its steps and who recorded them, in one go
        select(ServiceReferral).where(ServiceReferral.id == referral.id)
        .options(selectinload(ServiceReferral.steps).selectinload(ServiceReferralStep.recorded_by))
    )
    return _row(referral, today)


def stalled_referrals_of_worker(worker: User, today: date) -> list[ReferralRow]:
    """The worker's clients' referrals with no progress for 30 days, the longest waiting first."""
    referrals = db.session.scalars(
        select(ServiceReferral).join(YoungPerson, YoungPerson.id == ServiceReferral.young_person_id)
        .where(YoungPerson.responsible_worker_id == worker.id,
               ServiceReferral.status.in_(OPEN_REFERRAL_STATUSES),
               ServiceReferral.last_progress_on <= rules.referral_stalled_if_progress_on_or_before(today))
        .order_by(ServiceReferral.last_progress_on, ServiceReferral.id)
        .options(selectinload(ServiceReferral.young_person))
    )
    return [_row(referral, today) for referral in referrals]
