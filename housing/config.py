"""Configuration from environment variables, all prefixed ``HOUSING_``.

| variable                   | default                               |
|----------------------------|---------------------------------------|
| HOUSING_ENV                | production (development, demo, testing) |
| HOUSING_DATABASE_URL       | sqlite:///<instance>/kotipolku.db     |
| HOUSING_SECRET_KEY         | required outside development/testing  |
| HOUSING_DEFAULT_LANGUAGE   | fi                                    |
| HOUSING_SESSION_MINUTES    | 30 (idle time before a session ends)  |
| HOUSING_SESSION_MAX_HOURS  | 12 (a session's whole life, however busy) |
| HOUSING_REDIS_URL          | (none: long work runs in-process)     |

The default environment is *production* on purpose: a forgotten variable must make the
app refuse to start rather than run with a development key.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PREFIX = "HOUSING_"
DEVELOPMENT_KEY = "dev-only-not-secret"
LANGUAGES = ("fi", "sv", "en")
ENVIRONMENTS = ("production", "development", "demo", "testing")
RELAXED_ENVIRONMENTS = ("development", "demo", "testing")
# A demo may face the internet with its shared passwords: it needs a real key like production.
DEVELOPMENT_KEY_ENVIRONMENTS = ("development", "testing")


class ConfigError(RuntimeError):
    """The configuration is unsafe or invalid; the app refuses to start."""


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(PREFIX + name)
    return value if value not in (None, "") else default


@dataclass(frozen=True)
class Settings:
    environment: str
    database_url: str
    secret_key: str
    default_language: str
    session_minutes: int
    session_max_hours: int
    redis_url: str | None

    @property
    def relaxed(self) -> bool:
        """Development, demo and testing accept demo accounts and plain-HTTP cookies."""
        return self.environment in RELAXED_ENVIRONMENTS


def read_settings(instance_path: Path, overrides: dict[str, Any] | None = None) -> Settings:
    overrides = overrides or {}
    environment = overrides.get("ENV") or _env("ENV", "production")
    if environment not in ENVIRONMENTS:
        raise ConfigError(f"{PREFIX}ENV must be one of {', '.join(ENVIRONMENTS)}, not {environment!r}")
    local = environment in DEVELOPMENT_KEY_ENVIRONMENTS
    secret_key = overrides.get("SECRET_KEY") or _env("SECRET_KEY") or (DEVELOPMENT_KEY if local else None)
    if not local and (not secret_key or secret_key == DEVELOPMENT_KEY or len(secret_key) < 32):
        raise ConfigError(
            f"{PREFIX}SECRET_KEY must be set to a random value of at least 32 characters in "
            f"{environment} (e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))')"
        )
    language = overrides.get("DEFAULT_LANGUAGE") or _env("DEFAULT_LANGUAGE", "fi")
    if language not in LANGUAGES:
        raise ConfigError(f"{PREFIX}DEFAULT_LANGUAGE must be one of {', '.join(LANGUAGES)}")
    database_url = (
        overrides.get("DATABASE_URL")
        or _env("DATABASE_URL")
        or f"sqlite:///{instance_path / 'kotipolku.db'}"
    )
    return Settings(
        environment=environment,
        database_url=normalise_database_url(database_url),
        secret_key=secret_key,
        default_language=language,
        session_minutes=int(overrides.get("SESSION_MINUTES") or _env("SESSION_MINUTES", "30")),
        session_max_hours=int(overrides.get("SESSION_MAX_HOURS") or _env("SESSION_MAX_HOURS", "12")),
        redis_url=overrides.get("REDIS_URL") or _env("REDIS_URL"),
    )


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs written the usual way."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def flask_config(settings: Settings) -> dict[str, Any]:
    """The Flask configuration keys derived from the settings."""
    # SQL parameters (identity codes, notes) never reach a log line or an exception text.
    # psycopg prepares a statement run five times on a connection, and PostgreSQL may then plan
    # it once for any parameters: a report's query planned so ran 3x slower. Plan each time.
    engine_options: dict[str, Any] = {"pool_pre_ping": True, "hide_parameters": True,
                                      "connect_args": {"options": "-c plan_cache_mode=force_custom_plan"}}
    if settings.database_url.startswith("sqlite"):
        engine_options = {"connect_args": {"timeout": 15}, "hide_parameters": True}
    return {
        "ENVIRONMENT": settings.environment,
        "SECRET_KEY": settings.secret_key,
        "SQLALCHEMY_DATABASE_URI": settings.database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options,
        "SQLALCHEMY_TRACK_MODIFICATIONS": False,
        "TESTING": settings.environment == "testing",
        "DEMO_ACCOUNTS_ALLOWED": settings.relaxed,
        "BABEL_DEFAULT_LOCALE": settings.default_language,
        "BABEL_DEFAULT_TIMEZONE": "Europe/Helsinki",
        "BABEL_TRANSLATION_DIRECTORIES": str(PROJECT_ROOT / "translations"),
        "LANGUAGES": LANGUAGES,
        "PERMANENT_SESSION_LIFETIME": timedelta(minutes=settings.session_minutes),
        "SESSION_ABSOLUTE_LIFETIME": timedelta(hours=settings.session_max_hours),
        "SESSION_REFRESH_EACH_REQUEST": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": not settings.relaxed,
        "SESSION_COOKIE_NAME": "kotipolku_session",
        "REMEMBER_COOKIE_DURATION": timedelta(seconds=0),
        "WTF_CSRF_TIME_LIMIT": settings.session_minutes * 60 * 4,
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        "REDIS_URL": settings.redis_url,
    }
