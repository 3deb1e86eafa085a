"""What every template can use: permission checks, code-list labels, navigation."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Flask, request
from flask_babel import format_date, format_time, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from housing import rules, vocabulary
from housing.auth.permissions import can
from housing.services.schedule_edits import time_pattern

# (endpoint, label, permission): shown when the user has the permission.
NAVIGATION = (
    ("main.dashboard", _l("Front page"), "dashboard.view"),
    ("young_people.index", _l("Young people"), "young_person.list"),
    ("applications.index", _l("Applications"), "application.list"),
    ("waitlist.index", _l("Waiting list"), "waitlist.view"),
    ("rounds.index", _l("Rounds"), "round.view"),
    ("moves.index", _l("Moves"), "moves.view"),
    # Administrators keep the policies of every county; coordinators reach their own from the rounds.
    ("rounds.policies", _l("Allocation policies"), "user.manage"),
    ("units.index", _l("Units and places"), "unit.list"),
    ("visits.my_day", _l("My day"), "visit.own_day"),
    ("schedules.index", _l("Schedules"), "schedule.view"),
    ("support.index", _l("Staff and plans"), "staff.manage"),
    ("reports.index", _l("Reports"), "report.list"),
    ("admin.users", _l("Users"), "user.manage"),
    ("admin.audit_log", _l("Audit log"), "audit.search"),
    ("admin.research_export", _l("Research export"), "research.export"),
)


def navigation_items() -> list[dict[str, Any]]:
    """The items the user may open; one is marked current: the page's own item, or else the
    first item of the page's area (the front page only on itself)."""
    if not current_user.is_authenticated:
        return []
    items = [{"endpoint": endpoint, "label": text, "active": False}
             for endpoint, text, permission in NAVIGATION if can(current_user, permission)]
    here = request.endpoint or ""
    same_area = [item for item in items if item["endpoint"] != "main.dashboard"
                 and item["endpoint"].split(".")[0] == here.split(".")[0]]
    current = next((item for item in items if item["endpoint"] == here), same_area[0] if same_area else None)
    if current is not None:
        current["active"] = True
    return items


ACTION_LABELS = {
    "view": _l("Viewed"),
    "list": _l("Seen in a list"),
    "create": _l("Created"),
    "update": _l("Changed"),
    "delete": _l("Deleted"),
    "export": _l("Exported"),
    "show_identity_code": _l("Identity code shown in full"),
    "login": _l("Logged in"),
    "login_failed": _l("Failed login"),
    "login_throttled": _l("Login refused: too many attempts"),
    "logout": _l("Logged out"),
    "password_change": _l("Password changed"),
    "password_reset": _l("Password reset"),
    "user_create": _l("Account created"),
    "user_update": _l("Account changed"),
    "audit_search": _l("Audit log searched"),
    "role_change_request": _l("Role change asked for"),
    "role_change_approve": _l("Role change approved"),
    "role_change_reject": _l("Role change rejected"),
    "access_refused": _l("Refused: the role does not allow it"),
    "out_of_scope": _l("Refused: not in the user's scope"),
    "identity_code_match": _l("Identity code matched a registered person"),
}


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def format_day(value: date | None, style: str = "medium") -> str:
    return format_date(value, style) if value else "–"


def day_and_clock(value: datetime | None, day_pattern: str = "EEE d.M.yyyy") -> str:
    """A moment as its day and its time of day, the time written as the reader's language
    writes it (9.05 in Finnish, 09:05 in Swedish), like every other time of day in the app."""
    if value is None:
        return "–"
    return f"{format_date(value, day_pattern)} {clock_time(value)}"


def format_moment(value: datetime | None, style: str = "medium") -> str:
    """A moment as its local day in ``style`` and its time of day as the reader's language
    writes it (Babel's English date-times would use the 12-hour clock, the rest of the app not)."""
    if value is None:
        return "–"
    return f"{format_date(value, style)} {clock_time(value)}"


def clock_time(value: datetime | None) -> str:
    """The time of day of a moment, as the reader's language writes it."""
    return format_time(value, time_pattern()) if value is not None else "–"


def install_template_helpers(app: Flask) -> None:
    app.jinja_env.globals.update(
        can=lambda action: can(current_user, action),
        label=vocabulary.label,
        vocabulary=vocabulary,
        navigation_items=navigation_items,
        current_language=lambda: str(get_locale() or app.config["BABEL_DEFAULT_LOCALE"]),
        mask_identity_code=rules.mask_identity_code,
        action_label=action_label,
    )
    app.jinja_env.filters["day"] = format_day
    app.jinja_env.filters["datetime"] = format_moment
    app.jinja_env.filters["day_and_clock"] = day_and_clock
    app.jinja_env.filters["clock_time"] = clock_time
    app.jinja_env.filters["labels"] = lambda codes, vocab: ", ".join(vocabulary.label(vocab, c) for c in codes or [])
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
