"""Young people: the register social workers keep and coordinators correct.

Every read is audited here (list, view, identity code shown in full), so routes cannot
forget it; changes record which fields changed, never their values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from housing import audit, rules
from housing.extensions import db
from housing.models import Application, Place, Role, Tenancy, User, YoungPerson
from housing.services.errors import RuleViolation
from housing.services.scope import visible_person_ids, young_person_condition

PERSON_FIELDS = (
    "identity_code", "first_name", "last_name", "gender", "language", "phone", "email", "address",
    "municipality_code", "non_disclosure", "placement_type", "placement_start", "placement_end", "placed_alone",
    "children_in_household", "client_plan_date", "housing_lack_recorded_on", "notes",
)
PAGE_SIZE = 50


def list_people(user: User, search: str = "", page: int = 1) -> Any:
    query = (
        select(YoungPerson).where(young_person_condition(user))
        .options(selectinload(YoungPerson.responsible_worker))
        .order_by(YoungPerson.last_name, YoungPerson.first_name, YoungPerson.id)
    )
    if search:
        pattern = f"%{search}%"
        query = query.where(or_(
            (YoungPerson.first_name + " " + YoungPerson.last_name).ilike(pattern),
            (YoungPerson.last_name + " " + YoungPerson.first_name).ilike(pattern),
        ))
    result = db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)
    audit.record_list_view(p.id for p in result.items)
    return result


@dataclass(frozen=True)
class PersonSummary:
    person: YoungPerson
    age: int
    aftercare_ends: date
    entitlement: rules.Entitlement
    client_plan: rules.ClientPlanState
    tenancies: list[Tenancy]
    applications: list[Application]


def view_person(person: YoungPerson, today: date) -> PersonSummary:
    audit.record(audit.Action.VIEW, object_type="young_person", object_id=person.id, young_person_id=person.id)
    tenancies = list(db.session.scalars(
        select(Tenancy).where(Tenancy.young_person_id == person.id).order_by(Tenancy.move_in.desc())
        .options(selectinload(Tenancy.place).selectinload(Place.unit))
    ))
    applications = list(db.session.scalars(
        select(Application).where(Application.young_person_id == person.id).order_by(Application.created_at.desc())
    ))
    return PersonSummary(
        person=person,
        age=rules.age_on(person.birth_date, today),
        aftercare_ends=rules.aftercare_ends_on(person.birth_date),
        entitlement=rules.aftercare_entitlement(
            person.placement_type, person.placement_start, person.placement_end, person.placed_alone),
        client_plan=rules.client_plan_state(person.client_plan_date, today),
        tenancies=tenancies,
        applications=applications,
    )


def reveal_identity_code(person: YoungPerson) -> str:
    audit.record(audit.Action.SHOW_IDENTITY_CODE, object_type="young_person", object_id=person.id,
                 young_person_id=person.id)
    return person.identity_code


def _validated_code(actor: User, raw: str, today: date, person: YoungPerson | None) -> rules.IdentityCode:
    try:
        parsed = rules.parse_identity_code(raw, today=today)
    except rules.IdentityCodeError as error:
        raise RuleViolation(IDENTITY_CODE_MESSAGES[error.problem], field="identity_code") from None
    clash = db.session.scalar(select(YoungPerson.id).where(
        YoungPerson.identity_code == parsed.code, YoungPerson.id != (person.id if person else -1)))
    if clash:
        raise _identity_code_taken(actor, clash, today)
    return parsed


def _identity_code_taken(actor: User, other_id: int, today: date) -> RuleViolation:
    """The refusal says no more than the actor may know: a client in the actor's own scope is
    named as such; anyone else's record is only "ask the coordinator" for a social worker
    (a coordinator learns that another county has registered the person). The match itself
    is a disclosure about that person, so it is audited under their name."""
    if other_id in visible_person_ids(actor, [other_id], today):
        message = _l("This young person is already registered: find them in the list of young people.")
    elif actor.role == Role.COORDINATOR:
        message = _l("Another county has registered a young person with this identity code. "
                     "Agree with its housing coordinator on who is responsible.")
    else:
        message = _l("This identity code cannot be registered. Contact the housing coordinator.")
    event = {"action": audit.Action.IDENTITY_CODE_MATCH, "object_type": "young_person", "object_id": other_id,
             "young_person_id": other_id, "success": False}
    return RuleViolation(message, field="identity_code", audit_event=event)


IDENTITY_CODE_MESSAGES = {
    rules.IdentityCodeProblem.FORMAT: _l("An identity code has the form DDMMYYCZZZQ, e.g. 010203A123X."),
    rules.IdentityCodeProblem.DATE: _l("The identity code has a date that does not exist."),
    rules.IdentityCodeProblem.INDIVIDUAL_NUMBER: _l("The individual number of an identity code is 002–999."),
    rules.IdentityCodeProblem.CHECK_CHARACTER: _l("The check character does not match: check the identity code."),
    rules.IdentityCodeProblem.FUTURE: _l("The identity code has a birth date in the future."),
}


def _check_person(data: dict[str, Any]) -> None:
    start, end = data.get("placement_start"), data.get("placement_end")
    if start and end and end < start:
        raise RuleViolation(_l("The placement cannot end before it started."), field="placement_end")


def _responsible_worker_for(actor: User, chosen_id: int | None) -> int | None:
    if actor.role == Role.SOCIAL_WORKER:
        return actor.id
    if chosen_id is None:
        return None
    worker = db.session.get(User, chosen_id)
    if worker is None or worker.role != Role.SOCIAL_WORKER or worker.county_id != actor.county_id or not worker.active:
        raise RuleViolation(_l("Choose a social worker of your county."), field="responsible_worker_id")
    return worker.id


def create_person(actor: User, data: dict[str, Any], today: date) -> YoungPerson:
    parsed = _validated_code(actor, data["identity_code"], today, None)
    _check_person(data)
    person = YoungPerson(
        placing_county_id=actor.county_id,
        residence_county_id=actor.county_id,
        responsible_worker_id=_responsible_worker_for(actor, data.get("responsible_worker_id")),
    )
    for name in PERSON_FIELDS:
        setattr(person, name, data.get(name))
    person.identity_code, person.birth_date = parsed.code, parsed.birth_date
    db.session.add(person)
    db.session.flush()
    audit.record(audit.Action.CREATE, object_type="young_person", object_id=person.id, young_person_id=person.id)
    return person


def update_person(actor: User, person: YoungPerson, data: dict[str, Any], today: date) -> list[str]:
    """Save corrections. An empty identity code keeps the stored one (the form never shows it)."""
    parsed = _validated_code(actor, data.get("identity_code") or person.identity_code, today, person)
    _check_person(data)
    data = {**data, "identity_code": parsed.code}
    changed = [name for name in PERSON_FIELDS if getattr(person, name) != data.get(name)]
    for name in changed:
        setattr(person, name, data.get(name))
    person.birth_date = parsed.birth_date
    if actor.role == Role.COORDINATOR:
        worker_id = _responsible_worker_for(actor, data.get("responsible_worker_id"))
        if worker_id != person.responsible_worker_id:
            person.responsible_worker_id = worker_id
            changed.append("responsible_worker_id")
    db.session.flush()
    audit.record(audit.Action.UPDATE, object_type="young_person", object_id=person.id, young_person_id=person.id,
                 detail={"changed": changed})
    return changed


def social_workers_of(county_id: str | None) -> list[User]:
    return list(db.session.scalars(
        select(User).where(User.role == Role.SOCIAL_WORKER, User.county_id == county_id, User.active.is_(True))
        .order_by(func.lower(User.name))
    ))
