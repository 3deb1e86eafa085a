"""The app as an attacker sees it: forms without a CSRF token, and markup or formulas typed
into every free-text field of every form.

Both are data-driven so that new routes and forms are covered:

- the CSRF test enumerates the URL map: a new POST route is tested without a line here
  (its URL arguments come from the route × role matrix, which must already name every one);
- ``FREE_TEXT_FORMS`` lists each form with its free-text fields: a new form adds a row.
  The payloads are then looked for on every page a crawler reaches from each role's front
  page, and every CSV file it finds is read cell by cell.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest
from bs4 import BeautifulSoup
from flask import Flask, url_for
from flask.testing import FlaskClient
from markupsafe import escape

from housing import localtime
from housing.auth.permissions import AUTHENTICATED, PUBLIC, can, declared_permission
from housing.extensions import db
from housing.models import Role
from housing.web.downloads import FORMULA_STARTS
from housing.web.errors import CSRF_TEXT
from tests.factories import identity_code, make_user
from tests.housing.auth.test_permission_matrix import _url_arguments as matrix_url_arguments
from tests.housing.conftest import World, log_in

# ----------------------------------------------------------------------------- CSRF

def _url_arguments(world: World) -> dict[str, object]:
    """One object of every kind a route's URL names: the route × role matrix builds them."""
    return matrix_url_arguments(world)


def _someone_who_may(world: World, action: str):
    """A user whose role allows the route, so that only the missing token can refuse it."""
    if action == PUBLIC:
        return None
    for role in Role:
        if action == AUTHENTICATED or can(world.user(role), action):
            return world.user(role)
    raise AssertionError(f"no role may {action}")


@pytest.fixture
def csrf_checked(app: Flask):
    app.config["WTF_CSRF_ENABLED"] = True
    yield app
    app.config["WTF_CSRF_ENABLED"] = False


def test_every_post_route_refuses_a_request_without_a_csrf_token(csrf_checked, client, world):
    arguments = _url_arguments(world)
    routes = [rule for rule in csrf_checked.url_map.iter_rules() if "POST" in rule.methods]
    assert len(routes) >= 15  # the enumeration found the app's forms
    refused, accepted = [], []
    for rule in routes:
        unknown = set(rule.arguments) - set(arguments)
        assert not unknown, f"{rule.rule}: add an object for {unknown} to the route × role matrix's _url_arguments"
        with csrf_checked.test_request_context():
            url = url_for(rule.endpoint, **{name: arguments[name] for name in rule.arguments})
            user = _someone_who_may(world, declared_permission(rule.endpoint))
        if user is not None:
            log_in(client, user)
        response = client.post(url, data={"reason": "x", "language": "sv", "email": "x@example.fi"})
        page = response.get_data(as_text=True)
        (refused if response.status_code == 400 and str(CSRF_TEXT)[:40] in page else accepted).append(
            f"{rule.endpoint} {response.status_code}")
    assert not accepted, f"POST routes that did not refuse a missing CSRF token: {accepted}"


def test_a_form_with_its_token_is_not_refused(csrf_checked, client):
    """The other side of the test above: the refusal is the token's doing."""
    page = BeautifulSoup(client.get("/login").get_data(as_text=True), "html.parser")
    token = page.select_one("input[name=csrf_token]")["value"]
    response = client.post("/login", data={"csrf_token": token, "email": "nobody@example.fi", "password": "x"})
    assert response.status_code == 401  # judged on the password, not refused for the token


# ----------------------------------------------------------------------------- markup and formulas

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE_BREAK = '"><img src=x onerror=alert(2)>'
FORMULA = "=cmd|' /C calc'!A0"  # a spreadsheet would run it (DDE)


@dataclass(frozen=True)
class FreeTextForm:
    """A form as a browser sends it: its page's own fields and defaults, then ``values``
    (what a person chooses so that the form is valid), then the payload in each free-text field."""

    name: str
    role: Role
    url: Callable[[dict[str, int]], str]
    free_text: tuple[str, ...]
    values: Callable[[dict[str, int]], dict[str, str]] = lambda ids: {}
    post_url: Callable[[dict[str, int]], str] | None = None  # when the form is posted elsewhere
    form: str = "main form[method=post]"  # which form of the page


def _person_values(ids: dict[str, int]) -> dict[str, str]:
    return {"identity_code": identity_code(date(2006, 5, 1), 900 + ids.setdefault("people", 0) % 90),
            "placement_type": "substitute_care", "placement_start": "2016-01-01", "placement_end": "2024-05-01",
            "municipality_code": "837"}


def _application_values(ids: dict[str, int]) -> dict[str, str]:
    return {"support_level": "2", "need_since": (localtime.today() - timedelta(days=30)).isoformat(),
            "wishes_0_municipality": "Tampere", "wishes_0_lat": "61.45", "wishes_0_lon": "23.85",
            "consent": "y", "action": "submit"}


FREE_TEXT_FORMS = [
    FreeTextForm("young person", Role.SOCIAL_WORKER, lambda ids: "/young-people/new",
                 ("first_name", "last_name", "phone", "address", "notes"), _person_values),
    FreeTextForm("application", Role.SOCIAL_WORKER, lambda ids: f"/applications/new?person={ids['person']}",
                 ("urgency_reason", "own_words", "wishes_0_label"), _application_values),
    FreeTextForm("question to the social worker", Role.COORDINATOR,
                 lambda ids: f"/applications/{ids['application']}", ("return_with_question-reason",),
                 post_url=lambda ids: f"/applications/{ids['application']}/return",
                 form="form[action$='/return']"),
    FreeTextForm("answer to the question", Role.SOCIAL_WORKER,
                 lambda ids: f"/applications/{ids['application']}/edit", ("reason",),
                 lambda ids: {"action": "submit"}),
    FreeTextForm("waiting-list note", Role.COORDINATOR, lambda ids: f"/applications/{ids['application']}",
                 ("waitlist-reason",), post_url=lambda ids: f"/applications/{ids['application']}/waitlist",
                 form="form[action$='/waitlist']"),
    FreeTextForm("unit", Role.COORDINATOR, lambda ids: "/units/new",
                 ("name", "operator", "address", "phone", "description"),
                 lambda ids: {"municipality_code": "837", "lat": "61.5", "lon": "23.76", "staff_support_hours": "40",
                              "postal_code": "33100", "languages": "fi"}),
    FreeTextForm("place", Role.COORDINATOR, lambda ids: f"/units/{ids['unit']}/places/new",
                 ("label", "out_of_use_reason")),
    FreeTextForm("account", Role.ADMIN, lambda ids: "/admin/users/new", ("name",),
                 lambda ids: {"email": f"new{len(ids)}@example.fi", "role": "unit_staff", "county_id": "PI",
                              "unit_ids": str(ids["unit"]), "password": "a long enough passphrase 1"}),
    FreeTextForm("referral", Role.SOCIAL_WORKER, lambda ids: f"/young-people/{ids['person']}/service-path/new",
                 ("provider", "contact", "notes"), lambda ids: {"service": "health"}),
]
CREATED = {"person": r"/young-people/(\d+)$", "application": r"/applications/(\d+)$", "unit": r"/units/(\d+)$"}


def _browser_form_data(page: BeautifulSoup, selector: str) -> dict[str, str | list[str]]:
    """What a browser would send from the form as it is shown."""
    form = page.select_one(selector)
    assert form is not None, f"no form {selector}"
    data: dict[str, str | list[str]] = {}
    for element in form.select("input[name], textarea[name], select[name]"):
        name, kind = element["name"], element.get("type", "text")
        if kind in ("submit", "button") or (kind in ("checkbox", "radio") and not element.has_attr("checked")):
            continue
        if element.name == "select":
            chosen = element.select_one("option[selected]") or element.select_one("option")
            value = chosen["value"] if chosen else ""
        else:
            value = element.text if element.name == "textarea" else element.get("value", "")
        data[name] = [*data[name], value] if isinstance(data.get(name), list) else (
            [data[name], value] if name in data else value)
    return data


def _submit(client: FlaskClient, world: World, form: FreeTextForm, ids: dict[str, int], payload: str) -> None:
    log_in(client, world.user(form.role))
    page = BeautifulSoup(client.get(form.url(ids)).get_data(as_text=True), "html.parser")
    data = _browser_form_data(page, form.form)
    data.update(form.values(ids))
    data.update({name: f"{payload} {name}" for name in form.free_text})
    response = client.post(form.post_url(ids) if form.post_url else form.url(ids), data=data)
    errors = BeautifulSoup(response.get_data(as_text=True), "html.parser").select(".error-summary li, [role=alert]")
    assert response.status_code == 302, f"{form.name}: {response.status_code} {[e.text.strip() for e in errors]}"
    for kind, pattern in CREATED.items():
        found = re.search(pattern, response.headers["Location"])
        if found:
            ids[kind] = int(found.group(1))


@dataclass
class Crawl:
    pages: dict[str, str] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)


def _crawl(client: FlaskClient, limit: int = 150) -> Crawl:
    """Every page reachable by links from the front page (once per path and set of
    query parameters: the sort orders of one list are one page)."""
    found, queue, seen = Crawl(), ["/"], set()
    while queue and len(seen) < limit:
        url = queue.pop(0)
        parts = urlsplit(url)
        key = (parts.path, tuple(sorted({name for name, _ in parse_qsl(parts.query)})))
        if key in seen:
            continue
        seen.add(key)
        response = client.get(url)
        body = response.get_data(as_text=True)
        if response.mimetype == "text/csv":
            found.files[url] = body
        elif response.mimetype == "text/html" and response.status_code == 200:
            found.pages[url] = body
            for link in BeautifulSoup(body, "html.parser").select("a[href]"):
                target = link["href"].split("#")[0]
                if target.startswith("/") and not target.startswith(("/static/", "//")):
                    queue.append(target)
    return found


def _formula_cells(text: str) -> list[str]:
    rows = csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";")
    return [cell for row in rows for cell in row if cell.startswith(FORMULA_STARTS)]


@pytest.mark.parametrize("payload", [SCRIPT, ATTRIBUTE_BREAK, FORMULA], ids=["script", "attribute", "formula"])
def test_text_typed_into_every_form_comes_back_as_text_on_every_page_and_file(app, client, world, payload):
    ids: dict[str, int] = {"unit": world.unit.id}
    for form in FREE_TEXT_FORMS:
        _submit(client, world, form, ids, payload)

    escaped, pages_showing_it, files_neutralising_it = str(escape(payload)), set(), set()
    for role in Role:
        log_in(client, world.user(role))
        crawl = _crawl(client)
        for url, page in crawl.pages.items():
            assert payload not in page or payload == escaped, f"{role}: {url} shows the payload as markup"
            if escaped in page:
                pages_showing_it.add(url)
        for url, body in crawl.files.items():
            assert not _formula_cells(body), f"{role}: {url} has cells a spreadsheet would run"
            if "'" + payload in body:
                files_neutralising_it.add(url)
    assert len(pages_showing_it) >= 8, pages_showing_it  # people, applications, units, lists, the sheet …
    assert payload != FORMULA or files_neutralising_it


def test_the_crawler_reaches_the_pages_and_files_the_payloads_are_shown_on(app, client, world):
    """The test above is only as good as its crawl: it must reach the lists, the pages of
    young people, applications and units, the sheet, the waiting list's file and the reports' files."""
    ids: dict[str, int] = {"unit": world.unit.id}
    for form in FREE_TEXT_FORMS[:5]:
        _submit(client, world, form, ids, "Aino")
    log_in(client, world.coordinator)
    crawl = _crawl(client)
    pages = {urlsplit(url).path for url in crawl.pages}
    for path in (f"/young-people/{ids['person']}", f"/applications/{ids['application']}", f"/units/{world.unit.id}",
                 "/waitlist/", f"/applications/{ids['application']}/sheet", "/young-people/", "/applications/"):
        assert path in pages, path
    reports = {f"/reports/{name}.csv" for name in ("equity", "support", "caseload", "occupancy", "allocation")}
    assert {urlsplit(url).path for url in crawl.files} == {"/waitlist/export.csv", *reports}


def test_the_data_access_report_neutralises_formulas_in_its_file(app, client, world):
    """Before: this export wrote the e-mail address of whoever read the data as it is."""
    reader = make_user(Role.SOCIAL_WORKER, "PI", email="=1+2@example.fi")
    world.person.responsible_worker_id = reader.id
    db.session.commit()
    log_in(client, reader)
    assert client.get(f"/young-people/{world.person.id}").status_code == 200
    log_in(client, world.admin)
    body = client.get(f"/data-access/{world.person.id}.csv").get_data(as_text=True)
    assert "'=1+2@example.fi" in body and not _formula_cells(body)
