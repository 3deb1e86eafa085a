"""Who may do what: permissions are data (role → actions), checked in one place.

Every view declares its action with ``@requires("action")`` (or ``@public``). A
``before_request`` hook (``enforce``) refuses any endpoint that declares nothing: a new
route without a permission is denied, and the route × role test fails until the route
is added there. Object-level scoping (whose clients, which units, which county) lives in
``housing.services.scope``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort, current_app, redirect, request, url_for
from flask_login import current_user

from housing.models.users import Role

F = TypeVar("F", bound=Callable[..., Any])

PUBLIC = "public"
AUTHENTICATED = "authenticated"  # any logged-in user, whatever the role

# Groups of actions several roles share; the table below is what each role may do.
# A resident's service path (referrals to other services) is read where they live, too.
READ_RESIDENTS = frozenset({"dashboard.view", "young_person.list", "young_person.view", "unit.list", "unit.view",
                            "referral.view"})
KEEP_CLIENT_RECORDS = READ_RESIDENTS | {
    "young_person.view_case",  # entitlement, placement history, client plan, notes
    "young_person.create",
    "young_person.edit",
    "young_person.show_identity_code",
}
# Housing applications: the responsible worker applies, the county's coordinator reviews.
HANDLE_APPLICATIONS = frozenset({"application.list", "application.view", "application.edit", "application.sheet"})

# Support in the unit: the week's visits, the worker's day, and what happened on each visit.
UNIT_SUPPORT_WORK = frozenset({"schedule.view", "visit.own_day", "visit.record", "visit.read_notes"})
MANAGE_UNIT_SUPPORT = UNIT_SUPPORT_WORK | {"schedule.manage", "staff.manage", "support_plan.manage"}
# Rounds, offers and moves: the coordinator allocates and approves, the social worker records
# the young person's answer, the unit records who moves in and out.
ALLOCATE = frozenset({"round.view", "round.run", "round.decide", "policy.edit"})
ANSWER_OFFERS = frozenset({"offer.view", "offer.respond"})
UNIT_MOVES = frozenset({"moves.view", "tenancy.view", "tenancy.move_in"})
# Reports (/reports/): the coordinator sees the county's; a unit manager the support and occupancy
# of their units; a social worker their own caseload. Administrators and unit staff see none.
COUNTY_REPORTS = frozenset({"report.list", "report.equity", "report.support", "report.caseload",
                            "report.occupancy", "report.allocation"})
UNIT_REPORTS = frozenset({"report.list", "report.support", "report.occupancy"})
OWN_CASELOAD_REPORT = frozenset({"report.list", "report.caseload"})

PERMISSIONS: dict[Role, frozenset[str]] = {
    # Administrators never open client records: they manage accounts and answer
    # data-protection requests from the audit log (and keep the counties' policies).
    # The research export is pseudonymised (no names, codes, free text or addresses).
    Role.ADMIN: frozenset({"dashboard.view", "user.manage", "audit.search", "audit.person_report", "policy.edit",
                           "research.export"}),
    Role.COORDINATOR: KEEP_CLIENT_RECORDS | HANDLE_APPLICATIONS | ALLOCATE | ANSWER_OFFERS | UNIT_MOVES | {
        "unit.create", "unit.edit", "place.edit", "application.review", "waitlist.view", "waitlist.export",
        "tenancy.move_out", "tenancy.register", "move.decide", "visit.read_notes"} | COUNTY_REPORTS,
    Role.SOCIAL_WORKER: KEEP_CLIENT_RECORDS | HANDLE_APPLICATIONS | ANSWER_OFFERS | {
        "audit.person_report", "application.create", "application.submit", "tenancy.view", "tenancy.move_out",
        "move.request_transfer", "visit.read_notes", "referral.manage"} | OWN_CASELOAD_REPORT,
    Role.UNIT_MANAGER: READ_RESIDENTS | MANAGE_UNIT_SUPPORT | UNIT_MOVES | UNIT_REPORTS | {
        "tenancy.move_out", "move.request_transfer"},
    Role.UNIT_STAFF: READ_RESIDENTS | UNIT_SUPPORT_WORK | UNIT_MOVES,
}


def can(user: Any, action: str) -> bool:
    """True when ``user`` (possibly anonymous) may perform ``action`` at all."""
    if action == PUBLIC:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    if action == AUTHENTICATED:
        return True
    return action in PERMISSIONS.get(user.role, frozenset())


def requires(action: str) -> Callable[[F], F]:
    """Declare the action a view needs. Checked by ``enforce`` before the view runs."""

    def mark(view: F) -> F:
        view.required_permission = action  # type: ignore[attr-defined]
        return view

    return mark


def public(view: F) -> F:
    """Declare a view open to everyone (login page, health check, error pages)."""
    view.required_permission = PUBLIC  # type: ignore[attr-defined]
    return view


def declared_permission(endpoint: str | None) -> str | None:
    if endpoint is None:
        return None
    if endpoint == "static":
        return PUBLIC
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "required_permission", None)


def enforce() -> Any:
    """``before_request``: deny by default, send anonymous users to the login page."""
    if request.endpoint is None:  # 404 and 405 are handled by Flask
        return None
    action = declared_permission(request.endpoint)
    if action is None:
        current_app.logger.error("endpoint %s declares no permission; denied", request.endpoint)
        abort(403)
    if action == PUBLIC:
        return None
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))
    if current_user.must_change_password and request.endpoint not in PASSWORD_CHANGE_ENDPOINTS:
        return redirect(url_for("auth.change_password"))
    if not can(current_user, action):
        abort(403)
    return None


PASSWORD_CHANGE_ENDPOINTS = frozenset({"auth.change_password", "auth.logout", "main.set_language"})
