"""Fixtures of the browser tests: one headless Debian Chromium for the whole run, the real
app on a free loopback port (``server.py``), a fresh dataset and screenshots per journey.

Chromium is ``/usr/bin/chromium`` (``HOUSING_TEST_CHROMIUM`` names another); Playwright
never downloads a browser of its own. Without Chromium the browser tests are skipped with
the reason, except in CI (``CI=true``), where they must run: ``.ci/run`` installs it.
Screenshots go to ``test-artefacts/browser/`` (``HOUSING_TEST_ARTEFACTS`` moves them).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from housing.config import PROJECT_ROOT
from housing.extensions import db
from housing.models import Role, User
from tests.browser.actor import AXE_SOURCE_FILE, DESKTOP, Actor, Journey
from tests.browser.server import LiveServer, live_server
from tests.factories import PASSWORD, make_place, make_unit, make_user

# Chromium as root needs --no-sandbox; the rest keeps it quiet and off the network.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]
LANGUAGES = ("fi", "sv", "en")


def _chromium() -> str:
    path = os.environ.get("HOUSING_TEST_CHROMIUM", "/usr/bin/chromium")
    found = shutil.which(path)
    missing = None
    if found is None:
        missing = f"no Chromium at {path} (apt-get install chromium)"
    elif not AXE_SOURCE_FILE.exists():
        missing = f"no axe-core at {AXE_SOURCE_FILE} (npm ci)"
    else:
        try:
            import playwright  # noqa: F401
        except ImportError:
            missing = "Playwright for Python is not installed (pip install -e '.[dev]')"
    if missing:
        if os.environ.get("CI", "").lower() in ("true", "1"):
            pytest.fail(f"browser tests must run in CI: {missing}", pytrace=False)
        pytest.skip(f"browser tests skipped: {missing}")
    return found


@pytest.fixture(scope="session")
def browser() -> Iterator:
    executable = _chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def server(browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(tmp_path_factory.mktemp("browser")) as live:
        yield live


@pytest.fixture(scope="session")
def artefacts() -> Path:
    folder = Path(os.environ.get("HOUSING_TEST_ARTEFACTS") or PROJECT_ROOT / "test-artefacts") / "browser"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@dataclass(frozen=True)
class Person:
    """Someone with an account: what they type at the login page."""

    email: str
    name: str
    password: str = PASSWORD


@dataclass(frozen=True)
class Cast:
    """The people of a journey, in one county (Pirkanmaa), each using the journey's language."""

    social_worker: Person
    coordinator: Person
    admin: Person
    unit_manager: Person
    unit_staff: Person


def _person(user: User) -> Person:
    return Person(user.email, user.name)


def make_cast(server: LiveServer, language: str) -> Cast:
    """A fresh dataset: empty client tables, then the county's staff and one unit with free places."""
    server.fresh_dataset()
    with server.data():
        unit = make_unit("PI", name="Koivukoti")
        for label in ("A1", "A2"):
            make_place(unit, label=label)
        people = dict(
            social_worker=make_user(Role.SOCIAL_WORKER, "PI", name="Sanna Sosiaalityö", language=language,
                                    email="sanna@pirkanmaa.example"),
            coordinator=make_user(Role.COORDINATOR, "PI", name="Kaisa Koordinaattori", language=language,
                                  email="kaisa@pirkanmaa.example"),
            admin=make_user(Role.ADMIN, name="Aatu Admin", language=language, email="aatu@pirkanmaa.example"),
            unit_manager=make_user(Role.UNIT_MANAGER, "PI", units=[unit], name="Miro Esihenkilö",
                                   language=language, email="miro@pirkanmaa.example"),
            unit_staff=make_user(Role.UNIT_STAFF, "PI", units=[unit], name="Ulla Ohjaaja", language=language,
                                 email="ulla@pirkanmaa.example"),
        )
        cast = Cast(**{role: _person(user) for role, user in people.items()})
        db.session.commit()
    return cast


@pytest.fixture
def journey(browser, server: LiveServer, artefacts: Path, request: pytest.FixtureRequest) -> Iterator[
        Callable[[str], Journey]]:
    """``journey(language)``: a journey named after the test, on a fresh dataset."""
    opened: list[Journey] = []

    def start(language: str) -> Journey:
        name = request.node.originalname.removeprefix("test_")
        started = Journey(browser, server, language, name, artefacts)
        opened.append(started)
        return started

    yield start
    for one in opened:
        one.close()


@pytest.fixture
def logged_in() -> Callable[..., Actor]:
    """``logged_in(journey, cast.coordinator)``: an actor who has logged in through the login page."""
    from tests.browser.steps import session

    def actor(started: Journey, person: Person, viewport: dict[str, int] = DESKTOP) -> Actor:
        someone = started.actor(person.email.split("@")[0], viewport)
        session.log_in(someone, person)
        return someone

    return actor
