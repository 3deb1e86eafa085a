"""Moves: the unit records move-ins, anyone responsible records a move-out, and transfers
between places are asked for by the unit's manager or the social worker and decided by the
coordinator (ending one tenancy and starting the next on the same day).

Who may do what on a tenancy:

- record the move-in: the receiving unit's manager and staff, the county's coordinator;
- record a move-out: the unit's manager, the young person's social worker, the coordinator;
- ask for a transfer: the unit's manager, the young person's social worker;
- approve or reject a transfer: the coordinator of the county the target place is in.

A move-out is recorded, not asked for: it frees the place from its day (the day is the
first free one). Each one is kept as an approved ``MoveRequest`` of kind move-out, so the
moves of a unit read as one list.
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from housing import audit, vocabulary
from housing.extensions import db
from housing.models import (
    Application,
    ApplicationStatus,
    MoveKind,
    MoveRequest,
    MoveStatus,
    Place,
    Role,
    Tenancy,
    Unit,
    User,
    YoungPerson,
    utcnow,
)
from housing.services import applications, tenancies
from housing.services.errors import RuleViolation


def _unit_of(tenancy: Tenancy) -> Unit:
    return db.session.get(Unit, db.session.get(Place, tenancy.place_id).unit_id)


def _in_unit(actor: User, tenancy: Tenancy, roles: tuple[Role, ...]) -> bool:
    return actor.role in roles and _unit_of(tenancy).id in actor.unit_ids


def _coordinator_of(actor: User, tenancy: Tenancy) -> bool:
    person = db.session.get(YoungPerson, tenancy.young_person_id)
    return actor.role == Role.COORDINATOR and actor.county_id in (_unit_of(tenancy).county_id,
                                                                  person.placing_county_id)


def _worker_of(actor: User, tenancy: Tenancy) -> bool:
    person = db.session.get(YoungPerson, tenancy.young_person_id)
    return actor.role == Role.SOCIAL_WORKER and person.responsible_worker_id == actor.id


def may_record_move_in(actor: User, tenancy: Tenancy) -> bool:
    return _in_unit(actor, tenancy, (Role.UNIT_MANAGER, Role.UNIT_STAFF)) or _coordinator_of(actor, tenancy)


def may_record_move_out(actor: User, tenancy: Tenancy) -> bool:
    return (_in_unit(actor, tenancy, (Role.UNIT_MANAGER,)) or _worker_of(actor, tenancy)
            or _coordinator_of(actor, tenancy))


def may_request_transfer(actor: User, tenancy: Tenancy) -> bool:
    return _in_unit(actor, tenancy, (Role.UNIT_MANAGER,)) or _worker_of(actor, tenancy)


def record_move_in(actor: User, tenancy: Tenancy, day: date, today: date, at: datetime | None = None) -> None:
    """The young person has moved in (on ``day``); their application is then housed."""
    if not may_record_move_in(actor, tenancy):
        raise RuleViolation(_l("Only the receiving unit or the county's housing coordinator can record the move-in."))
    if tenancy.moved_in:
        raise RuleViolation(_l("The move-in has already been recorded."))
    if day > today:
        raise RuleViolation(_l("Record the move-in on the day it happens, or after it."), field="day")
    if day != tenancy.move_in:
        tenancies.move_in_earlier_or_later(tenancy, day)
    at = at or utcnow()
    tenancy.actual_move_in, tenancy.moved_in_recorded_by_id, tenancy.moved_in_recorded_at = day, actor.id, at
    db.session.flush()
    application = db.session.get(Application, tenancy.application_id) if tenancy.application_id else None
    if application is not None and application.status == ApplicationStatus.OFFERED:
        applications.mark_housed(actor, application, at=at)
    audit.record(audit.Action.UPDATE, object_type="tenancy", object_id=tenancy.id,
                 young_person_id=tenancy.young_person_id, user=actor, detail={"moved_in": day.isoformat()})


def record_move_out(actor: User, tenancy: Tenancy, day: date, code: str, text: str | None, today: date,
                    at: datetime | None = None) -> MoveRequest:
    """The young person moves out on ``day``: the place is free from then."""
    if not may_record_move_out(actor, tenancy):
        raise RuleViolation(_l("Only the unit's manager, the young person's social worker or the housing "
                               "coordinator can record a move-out."))
    if not tenancy.moved_in:
        raise RuleViolation(_l("The young person has not moved in yet."))
    if tenancy.actual_move_out is not None:
        raise RuleViolation(_l("The move-out has already been recorded."))
    if tenancy.end_code == "transfer":
        raise RuleViolation(_l("The tenancy ends with a transfer on %(day)s.",
                               day=tenancy.planned_move_out.strftime("%d.%m.%Y")))
    text = _reason(code, text, vocabulary.MOVE_OUT_REASONS, "code")
    if day <= tenancy.move_in:
        raise RuleViolation(_l("The move-out day must be after the move-in day."), field="day")
    if day <= today:
        tenancy.actual_move_out = day
    else:
        tenancy.planned_move_out = day
    tenancy.end_code, tenancy.end_reason = code, text
    return _recorded(actor, tenancy, MoveKind.MOVE_OUT, code, text, day, at)


def _reason(code: str, text: str | None, codes: dict, field: str) -> str | None:
    if code not in codes:
        raise RuleViolation(_l("Choose a reason from the list."), field=field)
    text = (text or "").strip() or None
    if code == "other" and text is None:
        raise RuleViolation(_l("Describe the reason in a few words."), field="text")
    return text


def _recorded(actor: User, tenancy: Tenancy, kind: MoveKind, code: str, text: str | None, day: date,
              at: datetime | None, status: MoveStatus = MoveStatus.APPROVED, target_unit_id: int | None = None
              ) -> MoveRequest:
    at = at or utcnow()
    request = MoveRequest(tenancy_id=tenancy.id, kind=kind, requested_by_id=actor.id, reason_code=code,
                          reason=text or "", wanted_date=day, status=status, target_unit_id=target_unit_id,
                          created_at=at)
    if status == MoveStatus.APPROVED:
        request.decided_by_id, request.decided_at = actor.id, at
    db.session.add(request)
    db.session.flush()
    audit.record(audit.Action.CREATE, object_type="move_request", object_id=request.id,
                 young_person_id=tenancy.young_person_id, user=actor,
                 detail={"kind": kind.value, "day": day.isoformat(), "code": code})
    return request


# --------------------------------------------------------------------------- transfers


def request_transfer(actor: User, tenancy: Tenancy, code: str, text: str | None, wanted: date | None,
                     target_unit_id: int | None, today: date, at: datetime | None = None) -> MoveRequest:
    """Ask the coordinator to move the young person to another place (a wished unit, a day)."""
    if not may_request_transfer(actor, tenancy):
        raise RuleViolation(_l("Only the unit's manager or the young person's social worker can ask for a "
                               "transfer."))
    if tenancy.ends is not None and tenancy.ends <= today:
        raise RuleViolation(_l("The tenancy has ended."))
    text = _reason(code, text, vocabulary.TRANSFER_REASONS, "code")
    if wanted is not None and wanted <= today:
        raise RuleViolation(_l("Choose a day after today."), field="wanted")
    if target_unit_id is not None:
        target = db.session.get(Unit, target_unit_id)
        if target is None or not target.active or target.county_id != _unit_of(tenancy).county_id:
            raise RuleViolation(_l("Choose a unit of the county."), field="target_unit_id")
    if _pending_transfer(tenancy) is not None:
        raise RuleViolation(_l("A transfer has already been asked for: it waits for the coordinator."))
    return _recorded(actor, tenancy, MoveKind.TRANSFER, code, text, wanted or today, at, MoveStatus.PENDING,
                     target_unit_id)


def _pending_transfer(tenancy: Tenancy) -> MoveRequest | None:
    return db.session.scalar(select(MoveRequest).where(
        MoveRequest.tenancy_id == tenancy.id, MoveRequest.kind == MoveKind.TRANSFER,
        MoveRequest.status == MoveStatus.PENDING).limit(1))


def _check_decider(actor: User, request: MoveRequest) -> None:
    if request.kind != MoveKind.TRANSFER or request.status != MoveStatus.PENDING:
        raise RuleViolation(_l("This request has already been decided."))
    if actor.role != Role.COORDINATOR or actor.county_id != _unit_of(request.tenancy).county_id:
        raise RuleViolation(_l("Only a housing coordinator of the county can decide a transfer."))


def approve_transfer(actor: User, request: MoveRequest, place_id: int | None, day: date | None, today: date,
                     note: str | None = None, at: datetime | None = None) -> Tenancy:
    """End the current tenancy on ``day`` and start a planned one in the chosen place then."""
    _check_decider(actor, request)
    old = request.tenancy
    place = db.session.get(Place, place_id) if place_id else None
    if place is None or db.session.get(Unit, place.unit_id).county_id != actor.county_id or place.out_of_use:
        raise RuleViolation(_l("Choose a place of the county that is in use."), field="place_id")
    if place.id == old.place_id:
        raise RuleViolation(_l("Choose another place than the current one."), field="place_id")
    if day is None or day <= today or day <= old.move_in:
        raise RuleViolation(_l("Choose a day after today."), field="day")
    if old.ends is not None and day >= old.ends:
        raise RuleViolation(_l("The tenancy ends before that day."), field="day")
    person = db.session.get(YoungPerson, old.young_person_id)
    if place.max_household < 1 + person.children_in_household:
        raise RuleViolation(_l("The place is too small for the household."), field="place_id")
    old.planned_move_out, old.end_code = day, "transfer"
    old.end_reason = request.reason or None
    new = tenancies.start_tenancy(person, place, day, application=db.session.get(Application, old.application_id)
                                  if old.application_id else None)
    at = at or utcnow()
    request.status, request.decided_by_id, request.decided_at = MoveStatus.APPROVED, actor.id, at
    request.target_place_id, request.new_tenancy_id, request.wanted_date = place.id, new.id, day
    request.decision_reason = (note or "").strip()[:500] or None
    db.session.flush()
    audit.record(audit.Action.UPDATE, object_type="move_request", object_id=request.id,
                 young_person_id=old.young_person_id, user=actor,
                 detail={"decision": "approved", "place": place.id, "day": day.isoformat()})
    return new


def reject_transfer(actor: User, request: MoveRequest, note: str, at: datetime | None = None) -> None:
    _check_decider(actor, request)
    if not (note or "").strip():
        raise RuleViolation(_l("Say why the transfer is not approved."), field="note")
    request.status, request.decided_by_id, request.decided_at = MoveStatus.REJECTED, actor.id, at or utcnow()
    request.decision_reason = note.strip()[:500]
    db.session.flush()
    audit.record(audit.Action.UPDATE, object_type="move_request", object_id=request.id,
                 young_person_id=request.tenancy.young_person_id, user=actor, detail={"decision": "rejected"})
