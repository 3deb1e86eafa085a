"""HTTP-level protections: security headers, session lifetime, proxy trust."""

from __future__ import annotations

import os
import time
from typing import Any

from flask import Flask, current_app, flash, session
from flask_babel import gettext as _
from flask_login import current_user, logout_user
from werkzeug.middleware.proxy_fix import ProxyFix

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


def add_security_headers(response: Any) -> Any:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if response.mimetype == "text/html":
        # Pages carry client data: never keep them in shared or browser caches.
        headers.setdefault("Cache-Control", "no-store")
    return response


LAST_SEEN = "_last_seen"


def enforce_idle_timeout() -> None:
    """Sessions end after ``HOUSING_SESSION_MINUTES`` without a request.

    The cookie's own expiry is only the browser's promise; the time of the last request is
    kept inside the signed session, so a copied cookie stops working on the server too.
    """
    session.permanent = True
    now = int(time.time())
    last_seen = session.get(LAST_SEEN)
    limit = current_app.config["PERMANENT_SESSION_LIFETIME"].total_seconds()
    if isinstance(last_seen, int) and now - last_seen > limit and current_user.is_authenticated:
        logout_user()
        session.clear()
        flash(_("Your session ended because it was idle too long. Please log in again."), "info")
    session[LAST_SEEN] = now


def trust_proxy_if_configured(app: Flask) -> None:
    """Behind a reverse proxy, ``HOUSING_PROXY_HOPS`` tells how many to trust for the
    client address (the audit log and login throttling depend on it)."""
    hops = int(os.environ.get("HOUSING_PROXY_HOPS", "0") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
