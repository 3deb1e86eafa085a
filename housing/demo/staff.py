"""Demo accounts: the five named logins and the colleagues who make each role look real.

Every account is made by ``accounts.create_user`` as a demo account (``is_demo``) with the
password "demo", which the login refuses outside development and demo mode. The
administrator and the coordinators come first (``build_coordinators``): the coordinators
add their county's units; the unit roles are then made for those units (``build_staff``).
Staff planning facts (skills, shifts, absences) are written directly until the support
area has a service for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from housing.demo.context import Demo, ascii_name, monday_of
from housing.demo.texts import (
    ABSENCE_REASONS,
    FINNISH_FIRST_NAMES,
    FINNISH_LAST_NAMES,
    SWEDISH_FIRST_NAMES,
    SWEDISH_LAST_NAMES,
)
from housing.demo.units import UNIT_SPECS
from housing.extensions import db
from housing.models import Role, ShiftPattern, StaffAbsence, User
from housing.services import accounts


@dataclass(frozen=True)
class NamedAccount:
    email: str
    name: str
    role: Role
    county_id: str | None = None
    unit_keys: tuple[str, ...] = ()


NAMED_ACCOUNTS = (
    NamedAccount("admin@demo.fi", "Antti Rautio", Role.ADMIN),
    NamedAccount("coordinator@demo.fi", "Marja Koivisto", Role.COORDINATOR, "PI"),
    NamedAccount("social.worker@demo.fi", "Sanna Laaksonen", Role.SOCIAL_WORKER, "PI"),
    NamedAccount("unit.manager@demo.fi", "Jari Heinonen", Role.UNIT_MANAGER, "PI", ("kotiranta", "tammela")),
    NamedAccount("unit.staff@demo.fi", "Emmi Salo", Role.UNIT_STAFF, "PI", ("kotiranta",)),
)
DEMO_MANAGER_GROUP = "demo"  # the units of unit.manager@demo.fi
MORE_SOCIAL_WORKERS = {"PI": 5, "HKI": 3}
SWEDISH_SPEAKING_GROUPS = {"tolo"}  # their staff use the app in Swedish
SHIFTS = ((8 * 60, 16 * 60), (12 * 60, 20 * 60))  # day and evening shift, Monday–Friday
WEEKLY_VISIT_MINUTES = (1200, 1350, 1500, 1800)
ABSENCES = 6


def build_coordinators(demo: Demo) -> None:
    """The administrator and each county's coordinator: they exist before the units."""
    demo.password_hash = accounts.hash_password(accounts.DEMO_PASSWORD)  # once: scrypt is slow on purpose
    for named in NAMED_ACCOUNTS:
        if named.role in (Role.ADMIN, Role.COORDINATOR):
            _account(demo, named.email, named.name, named.role, named.county_id)
    _coordinator_of_helsinki(demo)


def build_staff(demo: Demo) -> None:
    """Social workers and the units' managers and staff (the units exist by now)."""
    for named in NAMED_ACCOUNTS:
        if named.role not in (Role.ADMIN, Role.COORDINATOR):
            _account(demo, named.email, named.name, named.role, named.county_id, named.unit_keys)
    _social_workers(demo)
    _unit_managers(demo)
    _unit_staff(demo)
    _shifts_and_absences(demo)


def _account(demo: Demo, email: str, name: str, role: Role, county_id: str | None,
             unit_keys: tuple[str, ...] = (), language: str = "fi") -> User:
    user = accounts.create_user(
        email=email, name=name, role=role, password_hash=demo.password_hash, county_id=county_id,
        unit_ids=[demo.units[key].id for key in unit_keys], language=language, is_demo=True,
    )
    demo.accounts.append(user)
    if role == Role.COORDINATOR:
        demo.coordinators[county_id] = user
    elif role == Role.SOCIAL_WORKER:
        demo.social_workers.setdefault(county_id, []).append(user)
    elif role == Role.UNIT_MANAGER:
        demo.managers.update(dict.fromkeys(unit_keys, user))
    elif role == Role.UNIT_STAFF:
        _plan_work(demo, user, unit_keys[0])
    return user


def _generated_account(demo: Demo, role: Role, county_id: str,
                       unit_keys: tuple[str, ...] = (), swedish: bool = False) -> User:
    first_names = SWEDISH_FIRST_NAMES if swedish else FINNISH_FIRST_NAMES
    gender = demo.rng.choice(("f", "f", "m"))  # most of the field's workers are women
    taken = {user.email for user in demo.accounts}
    while True:  # firstname.lastname@demo.fi, unique once accents are dropped
        first, last = demo.new_name(first_names[gender], SWEDISH_LAST_NAMES if swedish else FINNISH_LAST_NAMES)
        email = f"{ascii_name(first)}.{ascii_name(last)}@demo.fi"
        if email not in taken:
            break
    return _account(demo, email, f"{first} {last}", role, county_id, unit_keys, language="sv" if swedish else "fi")


def _coordinator_of_helsinki(demo: Demo) -> None:
    _generated_account(demo, Role.COORDINATOR, "HKI")


def _social_workers(demo: Demo) -> None:
    for county_id, count in MORE_SOCIAL_WORKERS.items():
        for n in range(count):
            swedish = county_id == "HKI" and n == 0  # Helsinki's Swedish-speaking clients have their worker
            _generated_account(demo, Role.SOCIAL_WORKER, county_id, swedish=swedish)


def _unit_managers(demo: Demo) -> None:
    groups: dict[str, list[str]] = {}
    for spec in UNIT_SPECS:
        groups.setdefault(spec.manager_group, []).append(spec.key)
    for group, unit_keys in groups.items():
        if group == DEMO_MANAGER_GROUP:
            continue
        county_id = next(s.county_id for s in UNIT_SPECS if s.key == unit_keys[0])
        _generated_account(demo, Role.UNIT_MANAGER, county_id, tuple(unit_keys),
                           swedish=group in SWEDISH_SPEAKING_GROUPS)


def _unit_staff(demo: Demo) -> None:
    demo_staff = next(u for u in demo.accounts if u.email == "unit.staff@demo.fi")
    for spec in UNIT_SPECS:
        for n, skills in enumerate(spec.staff_skills):
            if spec.key == "kotiranta" and n == 0:
                user = demo_staff
            else:
                swedish = "swedish" in skills and spec.manager_group in SWEDISH_SPEAKING_GROUPS
                user = _generated_account(demo, Role.UNIT_STAFF, spec.county_id, (spec.key,), swedish=swedish)
            user.skills = list(skills)
            demo.shifts[user.email] = SHIFTS[n % len(SHIFTS)]


def _plan_work(demo: Demo, user: User, unit_key: str) -> None:
    user.base_unit = demo.units[unit_key]
    user.max_weekly_minutes = demo.rng.choice(WEEKLY_VISIT_MINUTES)
    demo.unit_staff.setdefault(unit_key, []).append(user)


def _shifts_and_absences(demo: Demo) -> None:
    staff = [user for users in demo.unit_staff.values() for user in users]
    for user in staff:
        start, end = demo.shifts[user.email]
        db.session.add_all(ShiftPattern(user=user, weekday=day, start_minute=start, end_minute=end)
                           for day in range(5))
    next_monday = monday_of(demo.today) + timedelta(days=7)
    for user in demo.rng.sample(staff, ABSENCES):
        first_day = next_monday + timedelta(days=demo.rng.randrange(0, 21))
        last_day = first_day + timedelta(days=demo.rng.choice((0, 1, 4, 9)))
        db.session.add(StaffAbsence(user=user, first_day=first_day, last_day=last_day,
                                    reason=demo.rng.choice(ABSENCE_REASONS)))
        demo.absences.setdefault(user.email, set()).update(
            first_day + timedelta(days=n) for n in range((last_day - first_day).days + 1))
