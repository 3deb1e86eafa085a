"""Each resident's support plan: their key worker (omaohjaaja), visits a week, how long,
the skill the visits need, the days and times that suit them, and the goals of the work."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from housing import audit, vocabulary
from housing.extensions import db
from housing.models import Place, SupportPlan, Tenancy, Unit, User
from housing.services.errors import NotVisible, RuleViolation
from housing.services.scope import not_ended
from housing.services.staffing import patterns_of, staff_of

MINUTES_PER_VISIT = (15, 480)


@dataclass(frozen=True)
class ResidentPlan:
    tenancy: Tenancy
    plan: SupportPlan | None


def residents_with_plans(unit: Unit, today: date) -> list[ResidentPlan]:
    """The unit's current and coming residents, each with their plan (two queries)."""
    tenancies = list(db.session.scalars(
        select(Tenancy).join(Place, Place.id == Tenancy.place_id).where(Place.unit_id == unit.id, not_ended(today))
        .order_by(Tenancy.move_in).options(selectinload(Tenancy.young_person), selectinload(Tenancy.place))
    ))
    plans = plans_of_tenancies([t.id for t in tenancies])
    rows = [ResidentPlan(tenancy, plans.get(tenancy.id)) for tenancy in tenancies]
    return sorted(rows, key=lambda row: (row.tenancy.young_person.last_name, row.tenancy.young_person.first_name))


def plans_of_tenancies(tenancy_ids: list[int]) -> dict[int, SupportPlan]:
    """The newest plan of each tenancy."""
    plans: dict[int, SupportPlan] = {}
    query = (select(SupportPlan).where(SupportPlan.tenancy_id.in_(tenancy_ids)).order_by(SupportPlan.valid_from)
             .options(selectinload(SupportPlan.key_worker)))
    for plan in db.session.scalars(query):
        plans[plan.tenancy_id] = plan
    return plans


def get_tenancy(unit: Unit, tenancy_id: int, today: date) -> Tenancy:
    tenancy = db.session.scalar(
        select(Tenancy).join(Place, Place.id == Tenancy.place_id)
        .where(Tenancy.id == tenancy_id, Place.unit_id == unit.id, not_ended(today))
    )
    if tenancy is None:
        raise NotVisible("tenancy", tenancy_id)
    return tenancy


def save_plan(actor: User | None, unit: Unit, tenancy: Tenancy, data: dict[str, Any], today: date) -> SupportPlan:
    """Create or change the tenancy's plan. ``data``: key_worker_id, visits_per_week,
    minutes_per_visit, skill_needed, preferred_times [{weekday, start, end}], goals."""
    _check_plan(unit, data)
    plan = plans_of_tenancies([tenancy.id]).get(tenancy.id)
    created = plan is None
    if created:
        plan = SupportPlan(tenancy_id=tenancy.id, valid_from=max(today, tenancy.move_in))
        db.session.add(plan)
    for name in ("key_worker_id", "visits_per_week", "minutes_per_visit", "skill_needed", "goals"):
        setattr(plan, name, data[name])
    plan.preferred_times = sorted((dict(p) for p in data["preferred_times"]),
                                  key=lambda p: (p["weekday"], p["start"]))
    db.session.flush()
    audit.record(audit.Action.CREATE if created else audit.Action.UPDATE, object_type="support_plan",
                 object_id=plan.id, young_person_id=tenancy.young_person_id, user=actor)
    return plan


def _check_plan(unit: Unit, data: dict[str, Any]) -> None:
    staff = {user.id: user for user in staff_of(unit)}
    key_worker = staff.get(data["key_worker_id"]) if data["key_worker_id"] is not None else None
    if data["key_worker_id"] is not None and key_worker is None:
        raise RuleViolation(_l("Choose the key worker from this unit's staff."), field="key_worker_id")
    skill = data["skill_needed"]
    if skill is not None and skill not in vocabulary.SKILLS:
        raise RuleViolation(_l("Choose a skill from the list."), field="skill_needed")
    if key_worker is not None and skill is not None and skill not in (key_worker.skills or []):
        raise RuleViolation(_l("The key worker does not have the skill the visits need (%(skill)s).",
                               skill=vocabulary.label(vocabulary.SKILLS, skill)), field="key_worker_id")
    if not MINUTES_PER_VISIT[0] <= data["minutes_per_visit"] <= MINUTES_PER_VISIT[1]:
        raise RuleViolation(_l("A visit lasts from %(least)d to %(most)d minutes.", least=MINUTES_PER_VISIT[0],
                               most=MINUTES_PER_VISIT[1]), field="minutes_per_visit")
    if not 0 <= data["visits_per_week"] <= 7:
        raise RuleViolation(_l("Give from 0 to 7 visits a week."), field="visits_per_week")
    _check_times(data, [u for u in staff.values() if skill is None or skill in (u.skills or [])])


def _check_times(data: dict[str, Any], able: list[User]) -> None:
    """Every preferred time must meet a shift of someone who could make the visit, and there
    must be at least as many preferred days as visits (a resident gets one visit a day)."""
    times = data["preferred_times"]
    for p in times:
        if not 0 <= p["start"] < p["end"] <= 1440:
            raise RuleViolation(_l("A preferred time must end after it starts."), field=f"end_{p['weekday']}")
        if p["end"] - p["start"] < data["minutes_per_visit"]:
            raise RuleViolation(_l("The time is shorter than one visit (%(minutes)d minutes).",
                                   minutes=data["minutes_per_visit"]), field=f"end_{p['weekday']}")
    days = {p["weekday"] for p in times}
    if times and data["visits_per_week"] > len(days):
        raise RuleViolation(_l("%(visits)d visits a week need at least %(visits)d preferred days (one visit a "
                               "day); %(days)d chosen.", visits=data["visits_per_week"], days=len(days)),
                            field="visits_per_week")
    patterns = patterns_of([u.id for u in able])
    for p in times:
        shifts = [pattern[p["weekday"]] for pattern in patterns.values() if p["weekday"] in pattern]
        fits = any(min(end, p["end"]) - max(start, p["start"]) >= data["minutes_per_visit"] for start, end in shifts)
        if not fits:
            day = vocabulary.weekday_in_sentence(p["weekday"])
            raise RuleViolation(_l("On %(day)s the time is outside every shift of the staff who could make the "
                                   "visit.", day=day), field=f"start_{p['weekday']}")
