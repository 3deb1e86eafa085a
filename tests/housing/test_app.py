"""Configuration, security headers, error pages and languages."""

from __future__ import annotations

import pytest

from housing import create_app
from housing.config import DEVELOPMENT_KEY, ConfigError
from tests.factories import make_user


def test_production_refuses_to_start_without_a_strong_secret_key(monkeypatch):
    monkeypatch.delenv("HOUSING_SECRET_KEY", raising=False)
    monkeypatch.delenv("HOUSING_ENV", raising=False)  # production is the default
    for key in (None, DEVELOPMENT_KEY, "short"):
        overrides = {"DATABASE_URL": "sqlite://"} | ({"SECRET_KEY": key} if key else {})
        with pytest.raises(ConfigError, match="HOUSING_SECRET_KEY"):
            create_app(overrides)
    assert create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "k" * 40}).config["SESSION_COOKIE_SECURE"]


def test_demo_mode_needs_a_real_secret_key_like_production(monkeypatch):
    """Before: demo mode, with its shared demo passwords, ran on the development key."""
    monkeypatch.delenv("HOUSING_SECRET_KEY", raising=False)
    for key in (None, DEVELOPMENT_KEY, "short"):
        overrides = {"ENV": "demo", "DATABASE_URL": "sqlite://"} | ({"SECRET_KEY": key} if key else {})
        with pytest.raises(ConfigError, match="HOUSING_SECRET_KEY"):
            create_app(overrides)
    assert create_app({"ENV": "demo", "DATABASE_URL": "sqlite://", "SECRET_KEY": "d" * 40}).config[
        "DEMO_ACCOUNTS_ALLOWED"]
    assert create_app({"ENV": "development", "DATABASE_URL": "sqlite://"}).config["SECRET_KEY"] == DEVELOPMENT_KEY


def test_settings_come_from_housing_environment_variables(monkeypatch):
    monkeypatch.setenv("HOUSING_ENV", "demo")
    monkeypatch.setenv("HOUSING_SECRET_KEY", "s" * 48)
    monkeypatch.setenv("HOUSING_SESSION_MAX_HOURS", "8")
    monkeypatch.setenv("HOUSING_DATABASE_URL", "postgresql://u@db.example/kotipolku")
    monkeypatch.setenv("HOUSING_DEFAULT_LANGUAGE", "sv")
    monkeypatch.setenv("HOUSING_SESSION_MINUTES", "20")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db.example/kotipolku"
    assert app.config["BABEL_DEFAULT_LOCALE"] == "sv"
    assert app.config["PERMANENT_SESSION_LIFETIME"].total_seconds() == 20 * 60
    assert app.config["SESSION_ABSOLUTE_LIFETIME"].total_seconds() == 8 * 3600
    assert app.config["DEMO_ACCOUNTS_ALLOWED"]


def test_security_headers_on_every_page(client):
    headers = client.get("/login").headers
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cache-Control"] == "no-store"


def test_production_tells_browsers_to_use_https_only(app):
    """Before: no Strict-Transport-Security header at all."""
    production = create_app({"ENV": "production", "SECRET_KEY": "h" * 40,
                             "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"]})
    hsts = production.test_client().get("/login", base_url="https://localhost").headers["Strict-Transport-Security"]
    assert hsts.startswith("max-age=") and int(hsts.split("=")[1].split(";")[0]) >= 180 * 24 * 3600
    assert "Strict-Transport-Security" not in create_app({
        "ENV": "development", "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"]}).test_client().get(
        "/login").headers


def test_nothing_a_logged_in_user_gets_is_cached(client, login, world):
    """Before: only HTML was no-store; the data-access CSV could be kept in a cache."""
    login(world.social_worker)
    csv = client.get(f"/data-access/{world.person.id}.csv")
    assert csv.mimetype == "text/csv" and csv.headers["Cache-Control"] == "no-store"
    for url in ("/", f"/young-people/{world.person.id}", "/healthz"):
        assert client.get(url).headers["Cache-Control"] == "no-store", url
    assert "no-store" not in client.get("/static/css/app.css").headers.get("Cache-Control", "")


def test_pages_load_nothing_from_other_hosts_and_run_no_inline_script(client, login, world):
    login(world.coordinator)
    page = client.get("/").get_data(as_text=True)
    assert "<script" not in page and "style=" not in page
    assert "http://" not in page.replace("http://www.w3.org", "") and "https://" not in page


@pytest.mark.parametrize("language, title", [("fi", "Sivua ei löydy"), ("sv", "Sidan hittades inte"),
                                             ("en", "Page not found")])
def test_not_found_page_is_in_the_users_language(client, language, title):
    client.post("/language", data={"language": language})
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert title in response.get_data(as_text=True)


def test_server_error_shows_no_stack_trace(app):
    from flask import Blueprint

    strict = create_app({"ENV": "testing", "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
                         "PROPAGATE_TEST_ERRORS": False})
    broken = Blueprint("broken", __name__)

    @broken.get("/broken")
    def fail():
        raise ValueError("secret internals")

    fail.required_permission = "public"
    strict.register_blueprint(broken)
    response = strict.test_client().get("/broken")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "Traceback" not in body and "secret internals" not in body


def test_language_choice_is_remembered_for_the_user(client, login):
    user = make_user(language="fi")
    login(user)
    client.post("/language", data={"language": "sv", "next": "/"})
    from housing.extensions import db

    db.session.refresh(user)
    assert user.language == "sv"
    assert 'lang="sv"' in client.get("/").get_data(as_text=True)


def test_dashboards_render_in_every_language_for_every_role(client, login, world):
    from housing.models import Role

    for role in Role:
        login(world.user(role))
        for language in ("fi", "sv", "en"):
            client.post("/language", data={"language": language})
            response = client.get("/")
            assert response.status_code == 200 and f'lang="{language}"' in response.get_data(as_text=True)
