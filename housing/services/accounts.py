"""Staff accounts: creating, authenticating, passwords."""

from __future__ import annotations

import enum
import secrets
from dataclasses import dataclass

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from housing import audit
from housing.auth.throttle import record_attempt, throttle_state
from housing.extensions import db
from housing.models import Role, Unit, User, utcnow
from housing.services.errors import RuleViolation

MIN_PASSWORD_LENGTH = 12
DEMO_PASSWORD = "demo"
# Computed once so a login attempt for an unknown email costs as much as a real one.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def normalise_email(email: str) -> str:
    return email.strip().lower()


def hash_password(password: str) -> str:
    # scrypt by default; the test suite sets a cheaper method to stay fast.
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt") if has_app_context() else "scrypt"
    return generate_password_hash(password, method=method)


def check_password_policy(password: str, email: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise RuleViolation(_l("The password must be at least %(n)d characters long.", n=MIN_PASSWORD_LENGTH),
                            field="password")
    if password.strip().lower() == normalise_email(email):
        raise RuleViolation(_l("The password must not be the email address."), field="password")


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


class LoginOutcome(enum.StrEnum):
    OK = "ok"
    INVALID = "invalid"
    THROTTLED = "throttled"
    DEMO_REFUSED = "demo_refused"


@dataclass(frozen=True)
class LoginResult:
    outcome: LoginOutcome
    user: User | None = None
    retry_minutes: int = 0


def authenticate(email: str, password: str, ip: str, demo_allowed: bool) -> LoginResult:
    """Check a login; record the attempt and its audit event. The caller commits."""
    email = normalise_email(email)
    throttle = throttle_state(email, ip)
    if throttle.locked:
        audit.record(audit.Action.LOGIN_THROTTLED, object_type="user", success=False, detail={"email": email})
        return LoginResult(LoginOutcome.THROTTLED, retry_minutes=int(throttle.retry_after.total_seconds() // 60) + 1)
    user = find_user_by_email(email)
    valid = check_password_hash(user.password_hash if user else _DUMMY_HASH, password)
    if valid and user is not None and user.is_demo and not demo_allowed:
        record_attempt(email, ip, success=False)
        audit.record(audit.Action.LOGIN_FAILED, object_type="user", object_id=user.id, success=False,
                     detail={"email": email, "why": "demo account outside demo mode"})
        return LoginResult(LoginOutcome.DEMO_REFUSED)
    if not valid or user is None or not user.active:
        record_attempt(email, ip, success=False)
        audit.record(audit.Action.LOGIN_FAILED, object_type="user", object_id=user.id if user else None,
                     success=False, detail={"email": email})
        return LoginResult(LoginOutcome.INVALID)
    record_attempt(email, ip, success=True)
    user.last_login_at = utcnow()
    audit.record(audit.Action.LOGIN, object_type="user", object_id=user.id, user=user)
    return LoginResult(LoginOutcome.OK, user)


def create_user(
    *,
    email: str,
    name: str,
    role: Role,
    password: str,
    county_id: str | None = None,
    unit_ids: list[int] | None = None,
    language: str = "fi",
    is_demo: bool = False,
    must_change_password: bool = False,
) -> User:
    email = normalise_email(email)
    if find_user_by_email(email) is not None:
        raise RuleViolation(_l("An account with this email address already exists."), field="email")
    if not is_demo:
        check_password_policy(password, email)
    _check_role_placement(role, county_id, unit_ids or [])
    user = User(
        email=email, name=name.strip(), role=role, county_id=county_id, language=language,
        password_hash=hash_password(password), is_demo=is_demo, active=True,
        must_change_password=must_change_password, skills=[],
    )
    user.units = _units(unit_ids or [])
    db.session.add(user)
    db.session.flush()
    audit.record(audit.Action.USER_CREATE, object_type="user", object_id=user.id,
                 detail={"email": email, "role": str(role)})
    return user


def update_user(user: User, *, name: str, role: Role, county_id: str | None, unit_ids: list[int],
                language: str) -> User:
    _check_role_placement(role, county_id, unit_ids)
    changes = {"name": name.strip(), "role": role, "county_id": county_id, "language": language}
    changed = sorted(k for k, v in changes.items() if getattr(user, k) != v)
    for key, value in changes.items():
        setattr(user, key, value)
    if sorted(user.unit_ids) != sorted(unit_ids):
        user.units = _units(unit_ids)
        changed.append("units")
    db.session.flush()
    audit.record(audit.Action.USER_UPDATE, object_type="user", object_id=user.id, detail={"changed": changed})
    return user


def set_active(user: User, active: bool) -> None:
    user.active = active
    audit.record(audit.Action.USER_UPDATE, object_type="user", object_id=user.id, detail={"active": active})


def generate_temporary_password() -> str:
    return secrets.token_urlsafe(12)  # 16 characters, ~96 bits


def reset_password(user: User) -> str:
    """Give the account a one-time password; the user must change it at the next login."""
    temporary = generate_temporary_password()
    user.password_hash = hash_password(temporary)
    user.must_change_password = True
    user.is_demo = False
    audit.record(audit.Action.PASSWORD_RESET, object_type="user", object_id=user.id)
    return temporary


def change_password(user: User, current: str, new: str) -> None:
    if not check_password_hash(user.password_hash, current):
        raise RuleViolation(_l("The current password is not correct."), field="current_password")
    if current == new:
        raise RuleViolation(_l("Choose a password different from the current one."), field="new_password")
    check_password_policy(new, user.email)
    user.password_hash = hash_password(new)
    user.must_change_password = False
    user.is_demo = False
    audit.record(audit.Action.PASSWORD_CHANGE, object_type="user", object_id=user.id)


def _check_role_placement(role: Role, county_id: str | None, unit_ids: list[int]) -> None:
    if role != Role.ADMIN and not county_id:
        raise RuleViolation(_l("Choose the county this person works for."), field="county_id")
    if role.works_in_units and not unit_ids:
        raise RuleViolation(_l("Unit managers and unit staff need at least one unit."), field="unit_ids")
    if unit_ids and not role.works_in_units:
        raise RuleViolation(_l("Only unit managers and unit staff are linked to units."), field="unit_ids")
    if unit_ids and county_id:
        outside = db.session.scalar(
            select(func.count()).select_from(Unit).where(Unit.id.in_(unit_ids), Unit.county_id != county_id)
        )
        if outside:
            raise RuleViolation(_l("The units must be in the person's county."), field="unit_ids")


def _units(unit_ids: list[int]) -> list[Unit]:
    if not unit_ids:
        return []
    return list(db.session.scalars(select(Unit).where(Unit.id.in_(unit_ids)).order_by(Unit.name)))
