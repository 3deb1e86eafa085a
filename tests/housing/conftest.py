"""Fixtures for the web application's tests.

The database comes from ``HOUSING_TEST_DATABASE_URL`` (CI: a fresh PostgreSQL database)
or is a temporary SQLite file. The schema is built once per run by the real Alembic
revisions (which is also a test of them); reference data is loaded once; every test
starts from empty client tables.
"""

from __future__ import annotations

import contextvars
import os
import secrets
import time
from collections.abc import Iterator

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import text

from housing import create_app, localtime
from housing.extensions import db
from housing.models import Base, Role, User
from housing.services.reference import load_reference_data

REFERENCE_TABLES = {"counties", "municipalities"}


def _database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("HOUSING_TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


def _reset_schema() -> None:
    """Start a PostgreSQL test database from nothing, so the revisions run from empty."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))


class IsolatedClient(FlaskClient):
    """Runs each request in a fresh context, as a real server would.

    The tests hold an application context of their own (for factories and queries);
    without this a request would reuse it, sharing ``g`` and the database session with
    the test and with the previous request.
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    app = create_app({
        "ENV": "testing",
        "DATABASE_URL": _database_url(tmp_path_factory),
        "WTF_CSRF_ENABLED": False,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "JOBS_INLINE": True,  # background jobs run at once, in the request (tests of housing.jobs turn it off)
    })
    app.test_client_class = IsolatedClient
    with app.app_context():
        _reset_schema()
        upgrade()
        load_reference_data()
        db.session.commit()
        yield app
        db.session.remove()
        db.engine.dispose()


def empty_client_tables() -> None:
    tables = [t.name for t in reversed(Base.metadata.sorted_tables) if t.name not in REFERENCE_TABLES]
    if db.engine.dialect.name == "postgresql":
        # TRUNCATE is not stopped by the audit log's row trigger; DELETE would be.
        db.session.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(text(f"DELETE FROM {table}"))
    db.session.commit()


@pytest.fixture(autouse=True)
def clean_database(app: Flask) -> Iterator[None]:
    yield
    db.session.rollback()
    empty_client_tables()
    db.session.remove()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def log_in(client: FlaskClient, user: User) -> FlaskClient:
    """Log a user in without the login form (the login form has its own tests)."""
    from housing.web.security import LOGIN_AT, SESSION_ID

    db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()  # "id.session_version"
        session["_fresh"] = True
        session[LOGIN_AT] = int(time.time())
        session[SESSION_ID] = secrets.token_urlsafe(16)
    return client


@pytest.fixture
def login(client: FlaskClient):
    return lambda user: log_in(client, user)


@pytest.fixture
def page(client: FlaskClient):
    """Open a page as a user and read it as a person would (GOV.UK Notify's pattern).

    ``page(user, "/waitlist")`` logs ``user`` in (``None``: stay as is), requests the URL,
    checks the status (``status=``, 200 by default; a redirect is followed only with
    ``follow=True``) and returns the parsed page: ``page(...).select_one("h1").text``.
    ``method="POST", data={...}`` submits a form; ``language="sv"`` switches first.
    """

    def open_page(user: User | None, url: str, *, status: int = 200, method: str = "GET",
                  data: dict | None = None, follow: bool = False, language: str | None = None) -> BeautifulSoup:
        if user is not None:
            log_in(client, user)
        if language is not None:
            client.post("/language", data={"language": language})
        response = client.open(url, method=method, data=data, follow_redirects=follow)
        assert response.status_code == status, f"{method} {url}: {response.status_code}, expected {status}"
        return BeautifulSoup(response.get_data(as_text=True), "html.parser")

    return open_page


class World:
    """A small county: one unit with a resident, and one user of every role.

    ``person`` is the social worker's client and lives in the unit, so every role that
    may see them, does; ``outsider`` is a client of another worker in another county.
    """

    def __init__(self) -> None:
        from datetime import timedelta

        from tests.factories import make_person, make_place, make_tenancy, make_unit, make_user

        self.unit = make_unit("PI")
        self.place = make_place(self.unit)
        self.free_place = make_place(self.unit)
        self.admin = make_user(Role.ADMIN)
        self.coordinator = make_user(Role.COORDINATOR, "PI")
        self.social_worker = make_user(Role.SOCIAL_WORKER, "PI")
        self.unit_manager = make_user(Role.UNIT_MANAGER, "PI", units=[self.unit])
        self.unit_staff = make_user(Role.UNIT_STAFF, "PI", units=[self.unit])
        self.person = make_person(self.social_worker, "PI", address="Hämeenkatu 1")
        make_tenancy(self.person, self.place, localtime.today() - timedelta(days=10))
        self.other_worker = make_user(Role.SOCIAL_WORKER, "HKI")
        self.outsider = make_person(self.other_worker, "HKI")
        db.session.commit()

    def user(self, role: Role) -> User:
        return {
            Role.ADMIN: self.admin, Role.COORDINATOR: self.coordinator, Role.SOCIAL_WORKER: self.social_worker,
            Role.UNIT_MANAGER: self.unit_manager, Role.UNIT_STAFF: self.unit_staff,
        }[role]


@pytest.fixture
def world(app: Flask) -> World:
    return World()
