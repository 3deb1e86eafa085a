"""Writing the audit log: every view and change of a young person's data, every login,
every export (DESIGN.md §2, Act 703/2023).

Events join the request's database session and are committed with the route's work, so
a change and its audit event land together. A route that only reads commits the session
itself; ``check_audit_committed`` (after each request) makes sure none is left behind.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from flask import current_app, has_request_context, request
from flask_login import current_user
from sqlalchemy import event, insert
from sqlalchemy.orm import Session

from housing.extensions import db
from housing.models.audit import AuditEvent
from housing.models.base import utcnow

PENDING = "audit_pending"  # session.info key: events added but not yet committed
_building_demo: ContextVar[bool] = ContextVar("audit_building_demo", default=False)


@contextmanager
def building_demo() -> Iterator[None]:
    """Seeding the fictional demo county through the services: nobody processes a real
    person's data, so the services' events are not written (``seed-demo`` only)."""
    token = _building_demo.set(True)
    try:
        yield
    finally:
        _building_demo.reset(token)


class Action(enum.StrEnum):
    VIEW = "view"
    LIST = "list"
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    EXPORT = "export"
    SHOW_IDENTITY_CODE = "show_identity_code"
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOGIN_THROTTLED = "login_throttled"
    LOGOUT = "logout"
    PASSWORD_CHANGE = "password_change"
    PASSWORD_RESET = "password_reset"
    USER_CREATE = "user_create"
    USER_UPDATE = "user_update"
    AUDIT_SEARCH = "audit_search"
    ROLE_CHANGE_REQUEST = "role_change_request"
    ROLE_CHANGE_APPROVE = "role_change_approve"
    ROLE_CHANGE_REJECT = "role_change_reject"
    ACCESS_REFUSED = "access_refused"  # 403: the role may not do this at all
    OUT_OF_SCOPE = "out_of_scope"  # 404: not this user's client, unit or county (or no such object)
    IDENTITY_CODE_MATCH = "identity_code_match"  # registering a code that someone's record already has


def _actor_fields(user: Any) -> dict[str, Any]:
    if user is None and has_request_context() and current_user.is_authenticated:
        user = current_user
    if user is None or not getattr(user, "is_authenticated", False):
        return {"user_id": None, "user_email": None, "role": None}
    return {"user_id": user.id, "user_email": user.email, "role": str(user.role)}


def _request_fields() -> dict[str, Any]:
    if not has_request_context():
        return {"ip": None, "path": None}
    return {"ip": request.remote_addr, "path": request.path[:300]}


def record(
    action: Action,
    *,
    object_type: str | None = None,
    object_id: Any = None,
    young_person_id: int | None = None,
    success: bool = True,
    detail: dict[str, Any] | None = None,
    user: Any = None,
) -> AuditEvent | None:
    """Add one event to the current session (the route commits it)."""
    if _building_demo.get():
        return None
    audit_event = AuditEvent(
        at=utcnow(),
        action=str(action),
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        young_person_id=young_person_id,
        success=success,
        detail=detail,
        **_actor_fields(user),
        **_request_fields(),
    )
    db.session.add(audit_event)
    db.session.info[PENDING] = True
    return audit_event


def record_list_view(young_person_ids: Iterable[int], *, object_type: str = "young_person",
                     action: Action = Action.LIST) -> None:
    """One event per young person shown in a list (or exported): each of them may ask who saw them."""
    ids = sorted(set(young_person_ids))
    if not ids or _building_demo.get():
        return
    common = {
        "at": utcnow(), "action": str(action), "object_type": object_type, "success": True,
        **_actor_fields(None), **_request_fields(),
    }
    db.session.execute(
        insert(AuditEvent),
        [{**common, "object_id": str(pid), "young_person_id": pid} for pid in ids],
    )
    db.session.info[PENDING] = True


def _clear_pending(session: Session) -> None:
    session.info.pop(PENDING, None)


def _refuse_audit_changes(session: Session, flush_context: Any, instances: Any) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEvent) and (obj in session.deleted or session.is_modified(obj)):
            raise RuntimeError("the audit log is append-only")


def install_append_only_guard() -> None:
    if not event.contains(Session, "before_flush", _refuse_audit_changes):
        event.listen(Session, "before_flush", _refuse_audit_changes)
        event.listen(Session, "after_commit", _clear_pending)
        event.listen(Session, "after_soft_rollback", lambda session, previous: _clear_pending(session))


def check_audit_committed(response: Any) -> Any:
    """``after_request``: audit events must never be silently dropped.

    In tests a route that forgot to commit fails loudly; in production the events are
    committed here, since an incomplete log is worse than a late one.
    """
    if db.session.info.get(PENDING):
        if current_app.testing:
            raise RuntimeError(f"{request.endpoint} left audit events uncommitted")
        db.session.commit()
    return response
