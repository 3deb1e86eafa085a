"""Housing applications: the one owner of their content and of their states.

Status flow (DESIGN.md §5): ``draft → submitted → (returned ↔ submitted) → waitlisted →
offered → housed``, and ``withdrawn`` or ``closed`` with a reason from any open state. Each
step is an explicit function (``submit``, ``return_with_question``, ``answer_and_resubmit``,
``waitlist``, ``withdraw``, ``close``, ``mark_offered``, ``back_to_waitlist``,
``mark_housed``) that checks who may take it and from which state, records who, when and
why in ``ApplicationStatusChange``, writes the audit log, and refuses anything else with a
``RuleViolation`` before changing a thing. Content changes after the first submission are
numbered ``ApplicationEdit`` rows (who, when, which fields, before and after).

Functions take the acting user, flush and never commit: the route or command commits.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime
from types import SimpleNamespace
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from allocator.matching.problem import MAX_WISHES
from housing import audit, rules, vocabulary
from housing.extensions import db
from housing.geography import in_finland
from housing.models import (
    OPEN_STATUSES,
    Application,
    ApplicationEdit,
    ApplicationStatus,
    ApplicationStatusChange,
    LocationWish,
    Municipality,
    Role,
    User,
    YoungPerson,
    utcnow,
)
from housing.services import scope
from housing.services.errors import RuleViolation, RuleViolations

Status = ApplicationStatus
SW, COORDINATOR = Role.SOCIAL_WORKER, Role.COORDINATOR
_tiebreaks = random.SystemRandom()

SCALAR_FIELDS = (
    "support_level", "needs", "support_hours", "urgency_band", "urgency_ground", "urgency_reason", "need_since",
    "max_distance_km", "household_size", "needs_accessible", "acceptable_unit_types", "own_words", "consent",
)
MAX_SUPPORT_HOURS = 60  # a week of round-the-clock unit support is counted in staff hours per resident
MAX_DISTANCE_KM = 400
MAX_NOT_WITH = 5
MAX_TEXT = {"urgency_reason": 1000, "own_words": 2000}


# --------------------------------------------------------------------------- the states


@dataclass(frozen=True)
class Transition:
    sources: frozenset[Status]
    target: Status
    roles: frozenset[Role]
    reason_required: bool
    by_system: bool = False  # may be taken with no acting user (a command run by cron)


TRANSITIONS: dict[str, Transition] = {
    "submit": Transition(frozenset({Status.DRAFT}), Status.SUBMITTED, frozenset({SW}), False),
    "return_with_question": Transition(frozenset({Status.SUBMITTED}), Status.RETURNED, frozenset({COORDINATOR}), True),
    "answer_and_resubmit": Transition(frozenset({Status.RETURNED}), Status.SUBMITTED, frozenset({SW}), True),
    "waitlist": Transition(frozenset({Status.SUBMITTED}), Status.WAITLISTED, frozenset({COORDINATOR}), False),
    "withdraw": Transition(OPEN_STATUSES, Status.WITHDRAWN, frozenset({SW}), True),
    "close": Transition(OPEN_STATUSES, Status.CLOSED, frozenset({COORDINATOR}), True),
    "mark_offered": Transition(frozenset({Status.WAITLISTED}), Status.OFFERED, frozenset({COORDINATOR}), False),
    "back_to_waitlist": Transition(frozenset({Status.OFFERED}), Status.WAITLISTED, frozenset({SW, COORDINATOR}), True,
                                   by_system=True),
    # The unit that receives the young person records the move-in; their worker or coordinator may too.
    "mark_housed": Transition(frozenset({Status.OFFERED}), Status.HOUSED,
                              frozenset({SW, COORDINATOR, Role.UNIT_MANAGER, Role.UNIT_STAFF}), False),
}
# Steps a person takes on the application page (the others belong to offers and tenancies).
PAGE_STEPS = ("submit", "answer_and_resubmit", "return_with_question", "waitlist", "withdraw", "close")

ROLE_MESSAGES = {
    frozenset({SW}): _l("Only the young person's responsible social worker can do this."),
    frozenset({COORDINATOR}): _l("Only a housing coordinator of the young person's county can do this."),
    frozenset({SW, COORDINATOR}): _l("Only the responsible social worker or the county's housing coordinator "
                                     "can do this."),
    frozenset({SW, COORDINATOR, Role.UNIT_MANAGER, Role.UNIT_STAFF}): _l(
        "Only the unit the young person moves to, their social worker or the county's housing coordinator "
        "can do this."),
}
REASON_MESSAGES = {
    "return_with_question": _l("Write the question the social worker should answer."),
    "answer_and_resubmit": _l("Write your answer to the coordinator's question."),
    "withdraw": _l("Say why the application is withdrawn."),
    "close": _l("Say why the application is closed."),
    "back_to_waitlist": _l("Say why the offer did not lead to a home (declined or expired)."),
}


def steps_for(actor: User, application: Application, steps: tuple[str, ...] = PAGE_STEPS) -> list[str]:
    """The steps this actor may take on this application now (for the page's buttons)."""
    return [step for step in steps if _refusal(actor, application, TRANSITIONS[step]) is None]


def _refusal(actor: User | None, application: Application, transition: Transition) -> RuleViolation | None:
    if actor is None and not transition.by_system:
        raise ValueError("this step needs an acting user")
    if actor is not None and (actor.role not in transition.roles or not _handles(actor, application)):
        return RuleViolation(ROLE_MESSAGES[transition.roles])
    if application.status not in transition.sources:
        return RuleViolation(_l("This is not possible while the application is “%(status)s”.",
                                status=vocabulary.label(vocabulary.APPLICATION_STATUSES, application.status.value)))
    return None


def _handles(actor: User, application: Application) -> bool:
    if actor.role.works_in_units:
        return scope.receives_resident(actor, application)
    return scope.handles_applications_of(actor, application.young_person)


def _move(actor: User | None, application: Application, step: str, reason: str | None,
          at: datetime | None) -> None:
    """Take one step: check, change the status, record it and audit it; refuse with nothing changed."""
    transition = TRANSITIONS[step]
    refusal = _refusal(actor, application, transition)
    if refusal is not None:
        raise refusal
    reason = (reason or "").strip() or None
    if transition.reason_required and reason is None:
        raise RuleViolation(REASON_MESSAGES[step], field="reason")
    at = at or utcnow()
    latest = application.status_changes[-1].at if application.status_changes else None
    if latest is not None and at < latest:
        raise ValueError("a step cannot happen before the application's previous step")
    previous = application.status
    application.status_changes.append(ApplicationStatusChange(
        from_status=previous, to_status=transition.target, at=at, by_id=actor.id if actor else None, reason=reason))
    application.status = transition.target
    db.session.flush()
    audit.record(audit.Action.UPDATE, object_type="application", object_id=application.id,
                 young_person_id=application.young_person_id, user=actor,
                 detail={"step": step, "from": previous.value, "to": transition.target.value})


def submit(actor: User, application: Application, today: date, at: datetime | None = None) -> None:
    """The social worker sends a complete draft to the county's housing coordinator."""
    _check_may(actor, application, "submit")
    _raise_if_any(submission_problems(application, today))
    _move(actor, application, "submit", None, at)
    application.submitted_at = application.status_changes[-1].at


def return_with_question(actor: User, application: Application, question: str, at: datetime | None = None) -> None:
    """The coordinator sends a submitted application back with a question to answer."""
    _move(actor, application, "return_with_question", question, at)


def answer_and_resubmit(actor: User, application: Application, answer: str, today: date,
                        at: datetime | None = None) -> None:
    """The social worker answers the coordinator's question and sends the application again."""
    _check_may(actor, application, "answer_and_resubmit")
    if not (answer or "").strip():
        raise RuleViolation(REASON_MESSAGES["answer_and_resubmit"], field="reason")
    _raise_if_any(submission_problems(application, today))
    _move(actor, application, "answer_and_resubmit", answer, at)


def waitlist(actor: User, application: Application, today: date, reason: str | None = None,
             at: datetime | None = None) -> None:
    """The coordinator checks entitlement and data and puts the application in the queue.

    Where aftercare is only discretionary for the young person, the county decides to give
    it: the coordinator says why, and the reason is kept with the step.
    """
    _check_may(actor, application, "waitlist")
    _raise_if_any(submission_problems(application, today))
    discretionary = entitlement_of(application.young_person, today) == rules.Entitlement.DISCRETIONARY
    if discretionary and not (reason or "").strip():
        raise RuleViolation(_l("Aftercare is discretionary for this young person: say why the county gives it."),
                            field="reason")
    _move(actor, application, "waitlist", reason, at)
    if application.waitlisted_at is None:
        application.waitlisted_at = application.status_changes[-1].at


def withdraw(actor: User, application: Application, reason: str, at: datetime | None = None) -> None:
    """The young person no longer wants the application (the social worker records it)."""
    _move(actor, application, "withdraw", reason, at)
    _withdraw_pending_offers(application)


def close(actor: User, application: Application, reason: str, at: datetime | None = None) -> None:
    """The coordinator ends the application (age limit reached, moved away, housed elsewhere …)."""
    _move(actor, application, "close", reason, at)
    application.closed_reason = application.status_changes[-1].reason
    _withdraw_pending_offers(application)


def mark_offered(actor: User, application: Application, reason: str | None = None, at: datetime | None = None) -> None:
    """An offer has been sent (called by the offers work when it sends one)."""
    _move(actor, application, "mark_offered", reason, at)


def back_to_waitlist(actor: User | None, application: Application, reason: str, at: datetime | None = None) -> None:
    """A declined or expired offer: back in the queue at the same position. ``actor`` None:
    the offer expired and ``flask --app housing expire-offers`` returns it.

    The position comes from band, need date, tie-break and id, none of which change here;
    ``waitlisted_at`` keeps the first day on the list, so the waiting time goes on too.
    """
    _move(actor, application, "back_to_waitlist", reason, at)


def mark_housed(actor: User, application: Application, reason: str | None = None, at: datetime | None = None) -> None:
    """The young person accepted the offer (called by the offers work when it is accepted)."""
    _move(actor, application, "mark_housed", reason, at)


def _check_may(actor: User, application: Application, step: str) -> None:
    refusal = _refusal(actor, application, TRANSITIONS[step])
    if refusal is not None:
        raise refusal


def _withdraw_pending_offers(application: Application) -> None:
    """An application that ends takes its unanswered offer with it, and an accepted one whose
    move-in has not happened: the place is free again."""
    from housing.services import offers

    offers.withdraw_open_offers(application)


def _raise_if_any(problems: list[RuleViolation]) -> None:
    if problems:
        raise RuleViolations(problems)


# --------------------------------------------------------------------------- entitlement


def entitlement_of(person: YoungPerson, today: date) -> rules.Entitlement:
    return rules.entitlement_on(today, person.birth_date, person.placement_type, person.placement_start,
                                person.placement_end, person.placed_alone)


# --------------------------------------------------------------------------- content


@dataclass(frozen=True)
class WishInput:
    """One row of the form: a municipality (code or name), or a named point, or both."""

    municipality: str | None = None
    label: str | None = None
    lat: float | None = None
    lon: float | None = None

    @property
    def empty(self) -> bool:
        return not (self.municipality or self.label or self.lat is not None or self.lon is not None)


def create_draft(actor: User, person: YoungPerson, data: dict[str, Any], today: date,
                 at: datetime | None = None, submitting: bool = False) -> Application:
    """A new application in ``draft``: any part may still be missing; what is there must be right.
    ``submitting``: it is sent next, so the problems name what is missing too."""
    if actor.role != SW or not scope.handles_applications_of(actor, person):
        raise RuleViolation(ROLE_MESSAGES[frozenset({SW})], field="young_person_id")
    open_one = db.session.scalar(select(Application.id).where(
        Application.young_person_id == person.id, Application.status.in_(OPEN_STATUSES)))
    if open_one is not None:
        raise RuleViolation(_l("This young person already has an open application: change that one instead."),
                            field="young_person_id")
    at = at or utcnow()
    application = Application(young_person=person, created_by_id=actor.id, status=Status.DRAFT,
                              tiebreak=_tiebreaks.random(), created_at=at, updated_at=at)
    _apply(application, person, data, today, submitting)
    application.status_changes.append(ApplicationStatusChange(from_status=None, to_status=Status.DRAFT, at=at,
                                                              by_id=actor.id))
    db.session.add(application)
    db.session.flush()
    audit.record(audit.Action.CREATE, object_type="application", object_id=application.id,
                 young_person_id=person.id, user=actor)
    return application


EDITABLE = {
    SW: frozenset({Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.WAITLISTED}),
    COORDINATOR: frozenset({Status.SUBMITTED, Status.WAITLISTED}),  # corrections, which the worker sees
}


def may_edit(actor: User, application: Application) -> bool:
    return (application.status in EDITABLE.get(actor.role, ())
            and scope.handles_applications_of(actor, application.young_person))


def update_application(actor: User, application: Application, data: dict[str, Any], today: date,
                       at: datetime | None = None, submitting: bool = False) -> list[str]:
    """Save changes; return the changed fields. After the first submission every saved change
    is a numbered version, and one in the queue (or waiting for review) must stay complete."""
    if not may_edit(actor, application):
        raise RuleViolation(_l("The application cannot be changed while it is “%(status)s”.",
                               status=vocabulary.label(vocabulary.APPLICATION_STATUSES, application.status.value)))
    before = snapshot(application)
    _apply(application, application.young_person, data, today,
           submitting or application.status in (Status.SUBMITTED, Status.WAITLISTED))
    after = snapshot(application)
    changed = [name for name in after if after[name] != before[name]]
    if application.status in (Status.SUBMITTED, Status.WAITLISTED):
        _raise_if_any(submission_problems(application, today))
    if changed and application.submitted_at is not None:
        application.edits.append(ApplicationEdit(
            version=len(application.edits) + 1, at=at or utcnow(), by_id=actor.id, status=application.status,
            changes={name: [before[name], after[name]] for name in changed}))
    db.session.flush()
    audit.record(audit.Action.UPDATE, object_type="application", object_id=application.id,
                 young_person_id=application.young_person_id, user=actor, detail={"changed": changed})
    return changed


def snapshot(application: Application) -> dict[str, Any]:
    """The application's content in plain JSON values (what a version records)."""
    values: dict[str, Any] = {name: getattr(application, name) for name in SCALAR_FIELDS}
    values["needs"] = sorted(values["needs"] or [])
    values["acceptable_unit_types"] = sorted(values["acceptable_unit_types"] or [])
    values["need_since"] = values["need_since"].isoformat() if values["need_since"] else None
    values["wishes"] = [{"municipality": w.municipality_code, "label": w.label, "lat": w.lat, "lon": w.lon}
                        for w in sorted(application.wishes, key=lambda w: w.rank)]
    values["not_with"] = sorted(p.id for p in application.not_with)
    return values


def _apply(application: Application, person: YoungPerson, data: dict[str, Any], today: date,
           submitting: bool = False) -> None:
    """Check every value given and write them to the application. When it is about to be
    sent, what is missing is named together with what is wrong, so one round of
    corrections is enough."""
    problems: list[RuleViolation] = []
    values = _checked_values(data, person, today, problems)
    wishes = _checked_wishes(data.get("wishes") or [], problems)
    not_with = _checked_not_with(application, person, data, problems)
    if problems and submitting:
        named = {problem.field for problem in problems}
        would_be = SimpleNamespace(**values, wishes=wishes)
        problems += [p for p in _missing_for_submission(would_be, person, today) if p.field not in named]
    _raise_if_any(problems)
    for name, value in values.items():
        setattr(application, name, value)
    if application.consent and application.consent_on is None:
        application.consent_on = today
    elif not application.consent:
        application.consent_on = None
    _replace_wishes(application, wishes)
    if set(not_with) != set(application.not_with):
        application.not_with = not_with


def _checked_values(data: dict[str, Any], person: YoungPerson, today: date,
                    problems: list[RuleViolation]) -> dict[str, Any]:
    values = {name: data.get(name) for name in SCALAR_FIELDS}
    for name in ("urgency_reason", "own_words", "urgency_ground"):
        values[name] = (values[name] or "").strip() or None
    values["needs"] = sorted(set(values["needs"] or []))
    values["acceptable_unit_types"] = sorted(set(values["acceptable_unit_types"] or []))
    values["consent"] = bool(values["consent"])
    values["needs_accessible"] = bool(values["needs_accessible"])
    for name, default in (("support_hours", 0), ("urgency_band", 3), ("max_distance_km", 30), ("household_size", 1)):
        values[name] = default if values[name] is None else values[name]
    if values["urgency_band"] == 3:
        values["urgency_ground"] = None  # a standard application needs no ground
    _check_ranges(values, problems)
    _check_codes(values, problems)
    since = values["need_since"]
    if since is not None and since > today:
        problems.append(RuleViolation(_l("The date cannot be in the future."), "need_since"))
    elif since is not None and since < person.birth_date:
        problems.append(RuleViolation(_l("The date is before the young person was born."), "need_since"))
    for name, limit in MAX_TEXT.items():
        if values[name] and len(values[name]) > limit:
            problems.append(RuleViolation(_l("Write at most %(limit)d characters.", limit=limit), name))
    return values


RANGES = {
    "support_level": (1, 4, _l("Choose a support level from 1 to 4.")),
    "support_hours": (0, MAX_SUPPORT_HOURS, _l("Enter whole hours a week, from 0 to %(max)d.", max=MAX_SUPPORT_HOURS)),
    "urgency_band": (1, 3, _l("Choose band 1, 2 or 3.")),
    "household_size": (1, rules.MAX_HOUSEHOLD, _l("A household has 1 to %(max)d people: a larger family needs "
                                                  "a family flat outside this service.", max=rules.MAX_HOUSEHOLD)),
    "max_distance_km": (0, MAX_DISTANCE_KM, _l("Enter a distance from 0 to %(max)d km.", max=MAX_DISTANCE_KM)),
}


def _check_ranges(values: dict[str, Any], problems: list[RuleViolation]) -> None:
    for name, (low, high, message) in RANGES.items():
        value = values[name]
        if value is not None and not low <= value <= high:
            problems.append(RuleViolation(message, name))


def _check_codes(values: dict[str, Any], problems: list[RuleViolation]) -> None:
    if not set(values["needs"]) <= set(vocabulary.SERVICES):
        problems.append(RuleViolation(_l("Choose needs from the list."), "needs"))
    if not set(values["acceptable_unit_types"]) <= set(vocabulary.UNIT_TYPES):
        problems.append(RuleViolation(_l("Choose unit types from the list."), "acceptable_unit_types"))
    ground = values["urgency_ground"]
    if ground is not None and ground not in rules.URGENCY_GROUND_BANDS:
        problems.append(RuleViolation(_l("Choose a reason from the list."), "urgency_ground"))
    elif ground is not None and rules.URGENCY_GROUND_BANDS[ground] != values["urgency_band"]:
        problems.append(RuleViolation(_l("This reason belongs to band %(band)d: choose that band or another reason.",
                                         band=rules.URGENCY_GROUND_BANDS[ground]), "urgency_ground"))


def _checked_wishes(rows: list[WishInput], problems: list[RuleViolation]) -> list[LocationWish]:
    """Ranked wishes from the form's rows (empty rows skipped), each a municipality or a named point."""
    municipalities = _municipality_lookup()
    centres = [(m.lat, m.lon) for m in municipalities.values()]
    wishes = []
    for row_number, row in enumerate(rows):
        if row.empty:
            continue
        path = f"wishes.{row_number}"
        if len(wishes) == MAX_WISHES:
            problems.append(RuleViolation(_l("At most %(max)d wishes.", max=MAX_WISHES), f"{path}.municipality"))
            break
        wish = _checked_wish(row, path, municipalities, centres, problems)
        if wish is not None:
            wishes.append(wish)
    return wishes


def _checked_wish(row: WishInput, path: str, municipalities: dict[str, Municipality],
                  centres: list[tuple[float, float]], problems: list[RuleViolation]) -> LocationWish | None:
    municipality = municipalities.get((row.municipality or "").strip().casefold()) if row.municipality else None
    label = (row.label or "").strip() or None
    before = len(problems)
    if row.municipality and municipality is None:
        problems.append(RuleViolation(_l("No municipality of that name: choose one from the list."),
                                      f"{path}.municipality"))
    if (row.lat is None) != (row.lon is None):
        problems.append(RuleViolation(_l("Give both latitude and longitude, or neither."), f"{path}.lat"))
    elif row.lat is not None and not in_finland(row.lat, row.lon, centres):
        problems.append(RuleViolation(_l("This point is not in Finland. Check the coordinates: latitude "
                                         "(north) about 60–70, longitude (east) about 20–31."), f"{path}.lat"))
    elif row.lat is not None and label is None:
        problems.append(RuleViolation(_l("Name the point, e.g. a district or a school."), f"{path}.label"))
    elif row.lat is None and municipality is None and not row.municipality:
        problems.append(RuleViolation(_l("Choose a municipality, or give the point's coordinates."),
                                      f"{path}.municipality"))
    if len(problems) > before:
        return None
    lat, lon = (row.lat, row.lon) if row.lat is not None else (municipality.lat, municipality.lon)
    return LocationWish(municipality_code=municipality.code if municipality else None, label=label,
                        lat=float(lat), lon=float(lon))


def _municipality_lookup() -> dict[str, Municipality]:
    """Municipalities by code and by Finnish and Swedish name (case-insensitive)."""
    lookup: dict[str, Municipality] = {}
    for municipality in db.session.scalars(select(Municipality)):
        for key in (municipality.code, municipality.name_fi, municipality.name_sv):
            lookup[key.casefold()] = municipality
    return lookup


def _replace_wishes(application: Application, wishes: list[LocationWish]) -> None:
    """Keep the rows by rank and change them in place (a rank is unique per application)."""
    current = sorted(application.wishes, key=lambda w: w.rank)
    for rank, wish in enumerate(wishes):
        if rank < len(current):
            row = current[rank]
            row.municipality_code, row.label, row.lat, row.lon = (wish.municipality_code, wish.label,
                                                                  wish.lat, wish.lon)
        else:
            wish.rank = rank
            application.wishes.append(wish)
    for row in current[len(wishes):]:
        application.wishes.remove(row)


def _checked_not_with(application: Application, person: YoungPerson, data: dict[str, Any],
                      problems: list[RuleViolation]) -> list[YoungPerson]:
    """People not to be housed with: the ones kept, and new ones named by identity code.

    Only young people of the same county can be named (the allocator can keep them apart
    only there); the worker sees who they named, nobody else's data.
    """
    keep = data.get("not_with_keep")
    kept = [p for p in application.not_with if keep is None or p.id in set(keep)]
    added = []
    for raw in data.get("not_with_add") or []:
        try:
            code = rules.parse_identity_code(raw).code
        except rules.IdentityCodeError:
            problems.append(RuleViolation(_l("“%(code)s” is not a valid identity code.", code=raw[:11]),
                                          "not_with_add"))
            continue
        other = db.session.scalar(select(YoungPerson).where(
            YoungPerson.identity_code == code, YoungPerson.placing_county_id == person.placing_county_id))
        if other is None:
            problems.append(RuleViolation(_l("No young person with the identity code %(code)s is registered in "
                                             "this county.", code=rules.mask_identity_code(code)), "not_with_add"))
        elif other.id == person.id:
            problems.append(RuleViolation(_l("The young person cannot be named on their own list."), "not_with_add"))
        elif other not in kept and other not in added:
            added.append(other)
    if len(kept) + len(added) > MAX_NOT_WITH:
        problems.append(RuleViolation(_l("Name at most %(max)d people.", max=MAX_NOT_WITH), "not_with_add"))
    return kept + added


def submission_problems(application: Application, today: date) -> list[RuleViolation]:
    """Everything a submitted application must have, each problem for its own field."""
    return _missing_for_submission(application, application.young_person, today)


def _missing_for_submission(application: Any, person: YoungPerson, today: date) -> list[RuleViolation]:
    problems = []
    entitlement = entitlement_of(person, today)
    if entitlement == rules.Entitlement.NOT_POSSIBLE:
        problems.append(RuleViolation(_l("Aftercare ended on %(day)s at the age limit: a housing application is "
                                         "no longer possible.", day=rules.aftercare_ends_on(person.birth_date)
                                         .strftime("%d.%m.%Y")), "young_person_id"))
    required = (
        ("support_level", _l("Choose the support level.")),
        ("need_since", _l("Enter the date the need arose.")),
    )
    problems += [RuleViolation(message, name) for name, message in required if getattr(application, name) is None]
    problems += _urgency_problems(application, person, today)
    if not application.wishes:
        problems.append(RuleViolation(_l("Give at least one location wish."), "wishes.0.municipality"))
    if application.household_size < 1 + person.children_in_household:
        problems.append(RuleViolation(_l("The household has at least %(count)d people: the young person and "
                                         "their children.", count=1 + person.children_in_household),
                                      "household_size"))
    if not application.consent:
        problems.append(RuleViolation(_l("The young person's consent is needed before the application is sent."),
                                      "consent"))
    return problems


def _urgency_problems(application: Any, person: YoungPerson, today: date) -> list[RuleViolation]:
    problems = []
    band = application.urgency_band
    lack_recorded = person.housing_lack_recorded_on is not None and person.housing_lack_recorded_on <= today
    if band > rules.minimum_urgency_band(lack_recorded):
        problems.append(RuleViolation(_l("A lack of housing is recorded for this young person (Child Welfare Act "
                                         "35 §): the application is acute, band 1."), "urgency_band"))
    if band < 3 and application.urgency_ground is None:
        problems.append(RuleViolation(_l("Choose why the application is urgent."), "urgency_ground"))
    if band < 3 and not application.urgency_reason:
        problems.append(RuleViolation(_l("Describe the situation in a few words."), "urgency_reason"))
    window = rules.CARE_ENDS_GROUNDS.get(application.urgency_ground or "")
    if window is not None and band < 3 and (person.placement_end is None or person.placement_end > today + window):
        problems.append(RuleViolation(_l("The placement end recorded for the young person is not within %(days)d "
                                         "days: correct it on their page, or choose another reason.",
                                         days=window.days), "urgency_ground"))
    return problems

