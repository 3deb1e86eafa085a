"""Staff accounts: creating, authenticating, passwords, and changes of access.

Nobody changes their own role, county or units. A change of role or county that leaves an
account reading client records waits for a second administrator's approval
(``RoleChangeRequest``), and so does a new account that reads them: it is created
deactivated and the approval activates it (otherwise one administrator could give
themselves client access through a second account). Every change, request, decision and
refusal is audited. Whatever
ends an account's right to its sessions (a password change or reset, deactivation, a new
role, county or units) raises its session version, which ends them all at once.
"""

from __future__ import annotations

import enum
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select
from sqlalchemy.orm import selectinload
from werkzeug.security import check_password_hash, generate_password_hash

from housing import audit
from housing.auth import throttle
from housing.extensions import db
from housing.models import EndedSession, Role, RoleChangeRequest, RoleChangeStatus, Unit, User, utcnow
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
    attempt = throttle.count_attempt(email, ip)  # counted (and committed) before the password is checked
    if attempt.locked:
        audit.record(audit.Action.LOGIN_THROTTLED, object_type="user", success=False, detail={"email": email})
        return LoginResult(LoginOutcome.THROTTLED, retry_minutes=int(attempt.retry_after.total_seconds() // 60) + 1)
    user = find_user_by_email(email)
    valid = check_password_hash(user.password_hash if user else _DUMMY_HASH, password)
    if valid and user is not None and user.is_demo and not demo_allowed:
        audit.record(audit.Action.LOGIN_FAILED, object_type="user", object_id=user.id, success=False,
                     detail={"email": email, "why": "demo account outside demo mode"})
        return LoginResult(LoginOutcome.DEMO_REFUSED)
    if not valid or user is None or not user.active:
        audit.record(audit.Action.LOGIN_FAILED, object_type="user", object_id=user.id if user else None,
                     success=False, detail={"email": email})
        return LoginResult(LoginOutcome.INVALID)
    throttle.take_back(attempt)
    user.last_login_at = utcnow()
    audit.record(audit.Action.LOGIN, object_type="user", object_id=user.id, user=user)
    return LoginResult(LoginOutcome.OK, user)


def create_user(
    *,
    email: str,
    name: str,
    role: Role,
    password: str | None = None,
    password_hash: str | None = None,
    county_id: str | None = None,
    unit_ids: list[int] | None = None,
    language: str = "fi",
    is_demo: bool = False,
    must_change_password: bool = False,
) -> User:
    """A new account. ``password_hash`` instead of ``password`` lets the demo hash its one
    shared password once (a demo account's password is not held to the policy)."""
    email = normalise_email(email)
    if find_user_by_email(email) is not None:
        raise RuleViolation(_l("An account with this email address already exists."), field="email")
    if password_hash is None:
        if not is_demo:
            check_password_policy(password or "", email)
        password_hash = hash_password(password or "")
    _check_role_placement(role, county_id, unit_ids or [])
    user = User(
        email=email, name=name.strip(), role=role, county_id=county_id, language=language,
        password_hash=password_hash, is_demo=is_demo, active=True,
        must_change_password=must_change_password, skills=[],
    )
    user.units = _units(unit_ids or [])
    db.session.add(user)
    db.session.flush()
    audit.record(audit.Action.USER_CREATE, object_type="user", object_id=user.id,
                 detail={"email": email, "role": str(role)})
    return user


def create_account(actor: User, *, role: Role, county_id: str | None, unit_ids: list[int],
                   **details) -> tuple[User, RoleChangeRequest | None]:
    """An administrator creates an account (``details`` as for ``create_user``). One that
    reads client records starts deactivated, waiting for another administrator's approval."""
    user = create_user(role=role, county_id=county_id, unit_ids=unit_ids, **details)
    if not role.reads_client_records:
        return user, None
    user.active = False
    return user, _request_role_change(actor, user, Access.of(user), new_account=True)


@dataclass(frozen=True)
class Access:
    """What an account may reach: its role, county and units."""

    role: Role
    county_id: str | None
    unit_ids: tuple[int, ...]

    @classmethod
    def of(cls, user: User) -> Access:
        return cls(user.role, user.county_id, tuple(sorted(user.unit_ids)))

    @classmethod
    def new(cls, role: Role, county_id: str | None, unit_ids: list[int]) -> Access:
        return cls(role, county_id or None, tuple(sorted(set(unit_ids))))

    def changed_from(self, other: Access) -> list[str]:
        names = [name for name in ("role", "county_id") if getattr(self, name) != getattr(other, name)]
        return names + (["units"] if self.unit_ids != other.unit_ids else [])


@dataclass(frozen=True)
class AccountUpdate:
    changed: list[str]
    pending: RoleChangeRequest | None  # the role change waiting for a second administrator


def needs_approval(user: User, access: Access) -> bool:
    """A new role or county that reads client records: four eyes (units within the same
    role and county, and a change to administrator, which reads none, take effect at once)."""
    return access.role.reads_client_records and (access.role != user.role or access.county_id != user.county_id)


def update_user(actor: User, user: User, *, name: str, role: Role, county_id: str | None, unit_ids: list[int],
                language: str) -> AccountUpdate:
    access = Access.new(role, county_id, unit_ids)
    if access != Access.of(user) and actor.id == user.id:
        raise RuleViolation(
            _l("You cannot change your own role, county or units. Ask another administrator."),
            audit_event={"action": audit.Action.USER_UPDATE, "object_type": "user", "object_id": user.id,
                         "success": False, "detail": {"refused": "own access",
                                                      "asked": access.changed_from(Access.of(user))}},
        )
    _check_role_placement(access.role, access.county_id, list(access.unit_ids))
    changes = {"name": name.strip(), "language": language}
    changed = sorted(key for key, value in changes.items() if getattr(user, key) != value)
    for key, value in changes.items():
        setattr(user, key, value)
    pending = None
    if needs_approval(user, access):
        pending = _request_role_change(actor, user, access)
    elif access != Access.of(user):
        changed += _apply_access(user, access)
    db.session.flush()
    if changed:
        audit.record(audit.Action.USER_UPDATE, object_type="user", object_id=user.id, detail={"changed": changed})
    return AccountUpdate(changed, pending)


def _apply_access(user: User, access: Access) -> list[str]:
    changed = access.changed_from(Access.of(user))
    user.role, user.county_id = access.role, access.county_id
    user.units = _units(list(access.unit_ids))
    end_sessions(user)
    return changed


def _request_role_change(actor: User, user: User, access: Access, new_account: bool = False) -> RoleChangeRequest:
    for earlier in pending_role_changes(user_id=user.id):
        earlier.status = RoleChangeStatus.REPLACED
        new_account = new_account or earlier.new_account  # still a new account waiting to be activated
    request = RoleChangeRequest(user=user, requested_by_id=actor.id, role=access.role, county_id=access.county_id,
                                unit_ids=list(access.unit_ids), status=RoleChangeStatus.PENDING,
                                new_account=new_account)
    db.session.add(request)
    db.session.flush()
    audit.record(audit.Action.ROLE_CHANGE_REQUEST, object_type="user", object_id=user.id,
                 detail={"request": request.id, "role": str(access.role), "county": access.county_id,
                         "from_role": str(user.role), "from_county": user.county_id, "new_account": new_account})
    return request


def awaits_approval(user: User) -> bool:
    """A new account with client access that no second administrator has approved (pending,
    rejected or withdrawn): it may not be activated by hand."""
    new_account_requests = db.session.scalars(select(RoleChangeRequest.status).where(
        RoleChangeRequest.user_id == user.id, RoleChangeRequest.new_account.is_(True))).all()
    return bool(new_account_requests) and RoleChangeStatus.APPROVED not in new_account_requests


def pending_role_changes(user_id: int | None = None) -> list[RoleChangeRequest]:
    query = (select(RoleChangeRequest).where(RoleChangeRequest.status == RoleChangeStatus.PENDING)
             .order_by(RoleChangeRequest.created_at, RoleChangeRequest.id)
             .options(selectinload(RoleChangeRequest.user), selectinload(RoleChangeRequest.requested_by),
                      selectinload(RoleChangeRequest.county)))
    if user_id is not None:
        query = query.where(RoleChangeRequest.user_id == user_id)
    return list(db.session.scalars(query))


def decide_role_change(actor: User, request: RoleChangeRequest, approve: bool) -> None:
    """Approve or reject a pending change. The administrator who asked may withdraw it
    (reject) but never approve it, and nobody decides on their own access."""
    refusal = None
    if request.status != RoleChangeStatus.PENDING:
        refusal = _l("This change has already been decided.")
    elif actor.id == request.user_id:
        refusal = _l("You cannot decide on a change of your own access.")
    elif approve and actor.id == request.requested_by_id:
        refusal = _l("Another administrator must approve the change you asked for.")
    action = audit.Action.ROLE_CHANGE_APPROVE if approve else audit.Action.ROLE_CHANGE_REJECT
    if refusal is not None:
        raise RuleViolation(refusal, audit_event={
            "action": action, "object_type": "user", "object_id": request.user_id, "success": False,
            "detail": {"request": request.id}})
    if approve:
        access = Access.new(request.role, request.county_id, request.unit_ids)
        _check_role_placement(access.role, access.county_id, list(access.unit_ids))
        _apply_access(request.user, access)
        if request.new_account:
            request.user.active = True
    request.status = RoleChangeStatus.APPROVED if approve else RoleChangeStatus.REJECTED
    request.decided_by_id, request.decided_at = actor.id, utcnow()
    db.session.flush()
    audit.record(action, object_type="user", object_id=request.user_id,
                 detail={"request": request.id, "role": str(request.role), "county": request.county_id})


def end_sessions(user: User) -> None:
    """Every session of the account ends at its next request (see ``User.get_id``)."""
    user.session_version = (user.session_version or 1) + 1


def end_session(session_id: str, lifetime: timedelta) -> None:
    """Logging out: this session (only this one) is refused from now on. Ids older than
    ``lifetime`` (the absolute session lifetime) are forgotten, as their cookies have expired."""
    now = utcnow()
    db.session.merge(EndedSession(session_id=session_id, ended_at=now))
    db.session.execute(delete(EndedSession).where(EndedSession.ended_at < now - lifetime))
    db.session.flush()


def session_ended(session_id: str) -> bool:
    return db.session.get(EndedSession, session_id) is not None


def set_active(user: User, active: bool) -> None:
    if active and not user.active and awaits_approval(user):
        raise RuleViolation(
            _l("This new account reads client records: it is activated when another administrator approves it."),
            audit_event={"action": audit.Action.USER_UPDATE, "object_type": "user", "object_id": user.id,
                         "success": False, "detail": {"refused": "activation before approval"}})
    user.active = active
    if not active:
        end_sessions(user)
    audit.record(audit.Action.USER_UPDATE, object_type="user", object_id=user.id, detail={"active": active})


def generate_temporary_password() -> str:
    return secrets.token_urlsafe(12)  # 16 characters, ~96 bits


def reset_password(user: User) -> str:
    """Give the account a one-time password; the user must change it at the next login."""
    temporary = generate_temporary_password()
    user.password_hash = hash_password(temporary)
    user.must_change_password = True
    user.is_demo = False
    end_sessions(user)
    audit.record(audit.Action.PASSWORD_RESET, object_type="user", object_id=user.id)
    return temporary


def change_password(user: User, current: str, new: str) -> None:
    """The caller logs the current session in again: every other session ends."""
    if not check_password_hash(user.password_hash, current):
        raise RuleViolation(_l("The current password is not correct."), field="current_password")
    if current == new:
        raise RuleViolation(_l("Choose a password different from the current one."), field="new_password")
    check_password_policy(new, user.email)
    user.password_hash = hash_password(new)
    user.must_change_password = False
    user.is_demo = False
    end_sessions(user)
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
