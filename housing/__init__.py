"""Kotipolku: supported housing and aftercare support for young people leaving care.

``create_app()`` builds the Flask application; see ``housing.config`` for settings.
"""

from __future__ import annotations

from typing import Any

from flask import Flask


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """The application factory. ``overrides`` take precedence over the environment:
    settings by their short name (``ENV``, ``DATABASE_URL``, ``SECRET_KEY`` …) and any
    Flask configuration key (e.g. ``WTF_CSRF_ENABLED`` in tests)."""
    from housing.config import PROJECT_ROOT, flask_config, read_settings

    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
        instance_path=str(PROJECT_ROOT / "instance"),
    )
    overrides = dict(overrides or {})
    settings = read_settings(PROJECT_ROOT / "instance", overrides)
    app.config.update(flask_config(settings))
    app.config.update({key: value for key, value in overrides.items() if key not in _SETTING_NAMES})
    if settings.database_url.startswith("sqlite:///"):
        (PROJECT_ROOT / "instance").mkdir(exist_ok=True)

    _init_extensions(app)
    _register_web(app)
    from housing.cli import register_commands

    register_commands(app)
    return app


_SETTING_NAMES = {"ENV", "DATABASE_URL", "SECRET_KEY", "DEFAULT_LANGUAGE", "SESSION_MINUTES", "SESSION_MAX_HOURS",
                  "REDIS_URL"}


def _init_extensions(app: Flask) -> None:
    from housing import audit, models, privacy  # noqa: F401  (models: complete metadata for Alembic)
    from housing.config import PROJECT_ROOT
    from housing.extensions import babel, csrf, db, login_manager, migrate
    from housing.web.i18n import select_locale

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"
    login_manager.user_loader(_load_user)
    audit.install_append_only_guard()
    privacy.install()


def _load_user(token: str):
    """The session holds "id.version" (``User.get_id``): an older version is a session that
    was ended (password changed or reset, account deactivated, access changed)."""
    from housing.extensions import db
    from housing.models import User

    user_id, _, version = token.partition(".")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


def _register_web(app: Flask) -> None:
    from housing import audit
    from housing.auth.permissions import enforce
    from housing.web import (
        admin,
        applications,
        auth,
        errors,
        main,
        moves,
        offers,
        referrals,
        reports,
        rounds,
        schedules,
        security,
        support,
        units,
        visits,
        waitlist,
        young_people,
    )
    from housing.web.templating import install_template_helpers

    for blueprint in (main.bp, auth.bp, admin.bp, units.bp, young_people.bp, applications.bp, waitlist.bp,
                      schedules.bp, support.bp, visits.bp, rounds.bp, offers.bp, moves.bp, referrals.bp, reports.bp):
        app.register_blueprint(blueprint)
    app.before_request(security.enforce_session_limits)
    app.before_request(enforce)
    app.after_request(audit.check_audit_committed)
    app.after_request(security.add_security_headers)
    errors.register_error_handlers(app)
    install_template_helpers(app)
    security.trust_proxy_if_configured(app)
