"""HTTP-level protections: security headers, session lifetime, proxy trust."""

from __future__ import annotations

import os
import secrets
import time
from typing import Any

from flask import Flask, current_app, flash, request, session
from flask_babel import gettext as _
from flask_login import current_user, logout_user
from werkzeug.middleware.proxy_fix import ProxyFix

from housing.services import accounts

# Own origin only: no CDN, no inline scripts or styles. HDS icons are data: SVG masks.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


HSTS = "max-age=31536000; includeSubDomains"  # a year: browsers never try plain HTTP again


def add_security_headers(response: Any) -> Any:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if current_app.config["ENVIRONMENT"] == "production":
        headers.setdefault("Strict-Transport-Security", HSTS)
    if _may_carry_client_data(response):
        # Never kept in shared or browser caches: pages, CSV files, anything a logged-in user gets.
        headers["Cache-Control"] = "no-store"
    return response


def _may_carry_client_data(response: Any) -> bool:
    if response.mimetype == "text/html":
        return True
    return request.endpoint != "static" and current_user.is_authenticated


LAST_SEEN = "_last_seen"
LOGIN_AT = "_login_at"
SESSION_ID = "_sid"


def start_session() -> None:
    """Call right after ``login_user``: the absolute lifetime counts from here, and the
    session gets an id of its own, by which logging out ends it on the server too."""
    session[LOGIN_AT] = int(time.time())
    session[SESSION_ID] = secrets.token_urlsafe(32)


def end_session_on_server() -> None:
    """Logging out: a copy of this session's cookie (kept by an attacker, or in a browser
    left open) stops working, while the account's other sessions go on."""
    session_id = session.get(SESSION_ID)
    if isinstance(session_id, str):
        accounts.end_session(session_id, current_app.config["SESSION_ABSOLUTE_LIFETIME"])


def enforce_session_limits() -> None:
    """A session ends after ``HOUSING_SESSION_MINUTES`` without a request, and in any case
    ``HOUSING_SESSION_MAX_HOURS`` after the login, however busy.

    The cookie's own expiry is only the browser's promise; both times are kept inside the
    signed session, so a copied cookie stops working on the server too.
    """
    session.permanent = True
    now = int(time.time())
    if current_user.is_authenticated:
        idle_limit = current_app.config["PERMANENT_SESSION_LIFETIME"].total_seconds()
        life_limit = current_app.config["SESSION_ABSOLUTE_LIFETIME"].total_seconds()
        last_seen, login_at = session.get(LAST_SEEN), session.get(LOGIN_AT)
        session_id = session.get(SESSION_ID)
        if not isinstance(login_at, int) or now - login_at > life_limit:
            _end_session(_("Your session has ended: log in again every %(hours)d hours.",
                           hours=round(life_limit / 3600)))
        elif isinstance(last_seen, int) and now - last_seen > idle_limit:
            _end_session(_("Your session ended because it was idle too long. Please log in again."))
        elif not isinstance(session_id, str) or accounts.session_ended(session_id):
            _end_session(_("This session has ended. Please log in again."))
    session[LAST_SEEN] = now


def _end_session(message: str) -> None:
    logout_user()
    session.clear()
    flash(message, "info")


def trust_proxy_if_configured(app: Flask) -> None:
    """Behind a reverse proxy, ``HOUSING_PROXY_HOPS`` tells how many to trust for the
    client address (the audit log and login throttling depend on it)."""
    hops = int(os.environ.get("HOUSING_PROXY_HOPS", "0") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
