"""A unit's support workers as the schedule needs them: skills, weekly working pattern,
visit minutes a week, and absences. Kept by the unit manager for the units they manage."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from housing import audit, vocabulary
from housing.extensions import db
from housing.models import Role, ShiftPattern, StaffAbsence, Unit, User, user_units
from housing.services.errors import NotVisible, RuleViolation

MAX_WEEKLY_MINUTES = 60 * 60  # a full-time week with overtime is far below this
ABSENCE_LONGEST_DAYS = 366


@dataclass
class StaffMember:
    user: User
    pattern: dict[int, tuple[int, int]] = field(default_factory=dict)  # weekday → (start, end)
    absences: list[StaffAbsence] = field(default_factory=list)  # current and coming, by first day


def staff_of(unit: Unit) -> list[User]:
    """The unit's support workers (unit staff accounts in use), by name."""
    return list(db.session.scalars(
        select(User).join(user_units, user_units.c.user_id == User.id)
        .where(user_units.c.unit_id == unit.id, User.role == Role.UNIT_STAFF, User.active.is_(True))
        .order_by(User.name)
    ))


def get_staff_member(unit: Unit, user_id: int) -> User:
    user = next((u for u in staff_of(unit) if u.id == user_id), None)
    if user is None:
        raise NotVisible("user", user_id)
    return user


def staff_with_plans(unit: Unit, today: date) -> list[StaffMember]:
    """Each worker with their weekly pattern and their absences that have not ended (three queries)."""
    members = {user.id: StaffMember(user) for user in staff_of(unit)}
    for pattern in db.session.scalars(select(ShiftPattern).where(ShiftPattern.user_id.in_(members))):
        members[pattern.user_id].pattern[pattern.weekday] = (pattern.start_minute, pattern.end_minute)
    absences = db.session.scalars(
        select(StaffAbsence).where(StaffAbsence.user_id.in_(members), StaffAbsence.last_day >= today)
        .order_by(StaffAbsence.first_day)
    )
    for absence in absences:
        members[absence.user_id].absences.append(absence)
    return list(members.values())


def patterns_of(user_ids: list[int]) -> dict[int, dict[int, tuple[int, int]]]:
    patterns: dict[int, dict[int, tuple[int, int]]] = defaultdict(dict)
    for pattern in db.session.scalars(select(ShiftPattern).where(ShiftPattern.user_id.in_(user_ids))):
        patterns[pattern.user_id][pattern.weekday] = (pattern.start_minute, pattern.end_minute)
    return patterns


def update_staff_member(actor: User, user: User, data: dict[str, Any]) -> User:
    """Skills, visit minutes a week and working pattern (weekday → (start, end) minutes, or None)."""
    skills = sorted(set(data["skills"]))
    if any(skill not in vocabulary.SKILLS for skill in skills):
        raise RuleViolation(_l("Choose skills from the list."), field="skills")
    minutes = data["max_weekly_minutes"]
    if minutes is not None and not 0 <= minutes <= MAX_WEEKLY_MINUTES:
        raise RuleViolation(_l("Give the visit minutes a week as a number from 0 to %(most)d.",
                               most=MAX_WEEKLY_MINUTES), field="max_weekly_minutes")
    pattern = data["pattern"]
    for weekday, times in pattern.items():
        if times is not None and not 0 <= times[0] < times[1] <= 1440:
            raise RuleViolation(_l("The shift must end after it starts, on the same day."), field=f"end_{weekday}")
    user.skills, user.max_weekly_minutes = skills, minutes
    for old in db.session.scalars(select(ShiftPattern).where(ShiftPattern.user_id == user.id)):
        db.session.delete(old)
    db.session.flush()
    db.session.add_all(ShiftPattern(user_id=user.id, weekday=weekday, start_minute=times[0], end_minute=times[1])
                       for weekday, times in sorted(pattern.items()) if times is not None)
    db.session.flush()
    audit.record(audit.Action.UPDATE, object_type="user", object_id=user.id, user=actor,
                 detail={"changed": ["skills", "max_weekly_minutes", "shift_patterns"]})
    return user


def add_absence(actor: User, user: User, first_day: date, last_day: date, reason: str) -> StaffAbsence:
    if last_day < first_day:
        raise RuleViolation(_l("The last day cannot be before the first day."), field="last_day")
    if (last_day - first_day).days >= ABSENCE_LONGEST_DAYS:
        raise RuleViolation(_l("Record an absence of at most a year at a time."), field="last_day")
    if reason not in vocabulary.ABSENCE_REASONS:
        raise RuleViolation(_l("Choose the kind of absence."), field="reason")
    clash = db.session.scalar(select(StaffAbsence).where(
        StaffAbsence.user_id == user.id, StaffAbsence.first_day <= last_day, StaffAbsence.last_day >= first_day))
    if clash is not None:
        raise RuleViolation(_l("%(name)s already has an absence recorded on %(first)s–%(last)s.", name=user.name,
                               first=clash.first_day.strftime("%d.%m.%Y"), last=clash.last_day.strftime("%d.%m.%Y")),
                            field="first_day")
    absence = StaffAbsence(user_id=user.id, first_day=first_day, last_day=last_day, reason=reason)
    db.session.add(absence)
    db.session.flush()
    audit.record(audit.Action.CREATE, object_type="staff_absence", object_id=absence.id, user=actor,
                 detail={"staff": user.id})
    return absence


def remove_absence(actor: User, absence: StaffAbsence) -> None:
    audit.record(audit.Action.DELETE, object_type="staff_absence", object_id=absence.id, user=actor,
                 detail={"staff": absence.user_id})
    db.session.delete(absence)
    db.session.flush()
