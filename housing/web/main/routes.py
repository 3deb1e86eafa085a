from __future__ import annotations

from flask import Blueprint, current_app, jsonify, redirect, request, session, url_for
from flask_login import current_user
from sqlalchemy import text

from housing.auth.permissions import public, requires
from housing.extensions import db
from housing.services import dashboards
from housing.web.forms import rendered_and_committed
from housing.web.safety import safe_next_url

bp = Blueprint("main", __name__)


@bp.get("/")
@requires("dashboard.view")
def dashboard():
    data = dashboards.for_user(current_user)
    # The dashboard may list clients: its audit events are committed after rendering, since a
    # commit expires every loaded row (rendering after it read each client again: 2,008
    # statements and 2.8 s for a caseload of 2,000).
    return rendered_and_committed(f"dashboard/{current_user.role}.html", data=data)


@bp.post("/language")
@public
def set_language():
    language = request.form.get("language", "")
    if language in current_app.config["LANGUAGES"]:
        session["language"] = language
        if current_user.is_authenticated:
            current_user.language = language
            db.session.commit()
    return redirect(safe_next_url(request.form.get("next")) or url_for("main.dashboard"))


@bp.get("/healthz")
@public
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any failure means "not healthy"; the detail goes to the log only
        current_app.logger.exception("health check: database unavailable")
        return jsonify(status="error", database="unavailable"), 503
    return jsonify(status="ok", database="ok")
