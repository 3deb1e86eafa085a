"""The waiting list is the allocator's queue: same order, on random data with many ties."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest

from allocator.matching.reader import read_problem
from housing.extensions import db
from housing.models import Application, ApplicationStatus, LocationWish, Role
from housing.services import waitlist
from housing.web import downloads
from tests.factories import make_person, make_user

TODAY = date(2026, 12, 1)


def _random_queue(rng: random.Random, size: int) -> list[Application]:
    """Waitlisted applications with few distinct bands, dates and tie-breaks, so every part
    of the key decides somewhere (also the id, across 1-, 2- and 3-digit ids)."""
    worker = make_user(Role.SOCIAL_WORKER, "PI")
    dates = [TODAY - timedelta(days=rng.randint(0, 400)) for _ in range(6)]
    tiebreaks = [rng.random() for _ in range(4)]
    applications = []
    for n in range(size):
        person = make_person(worker, "PI", birth=date(2005, 1, 1) + timedelta(days=n))
        application = Application(
            young_person_id=person.id, status=ApplicationStatus.WAITLISTED,
            support_level=2, needs=[], support_hours=3, urgency_band=rng.choice((1, 2, 3)),
            need_since=rng.choice(dates), max_distance_km=30, household_size=1, tiebreak=rng.choice(tiebreaks),
            waitlisted_at=datetime(2026, 11, 1, tzinfo=UTC), consent=True,
        )
        application.wishes = [LocationWish(rank=0, municipality_code="837", lat=61.5, lon=23.76)]
        applications.append(application)
    db.session.add_all(applications)
    db.session.flush()
    return applications


def _allocator_order(applications: list[Application]) -> list[str]:
    """The order the allocator itself gives these applicants (its reader sorts by priority)."""
    document = {
        "format": "housing-allocation/1", "as_of": TODAY.isoformat(), "units": [], "places": [],
        "applicants": [
            {"id": waitlist.applicant_id(a.id), "band": a.urgency_band, "need_since": a.need_since.isoformat(),
             "tiebreak": a.tiebreak, "age": 19, "gender": None, "language": "fi", "household": 1,
             "needs_accessible": False, "support_level": 2, "support_hours": 3, "needs": [],
             "locations": [{"lat": 61.5, "lon": 23.76}], "max_distance_km": 30, "not_with": []}
            for a in applications
        ],
    }
    return [applicant.id for applicant in read_problem(document).applicants]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_queue_is_the_allocators_priority_order(app, seed):
    applications = _random_queue(random.Random(seed), 130)
    coordinator = make_user(Role.COORDINATOR, "PI")
    shown = []
    for page in (1, 2, 3):
        rows = waitlist.waitlist_page(coordinator, waitlist.Filters(), page=page, today=TODAY).rows
        shown += [(row.position, waitlist.applicant_id(row.application.id)) for row in rows]
    expected = _allocator_order(applications)
    assert [applicant for _position, applicant in shown] == expected
    assert [position for position, _applicant in shown] == list(range(1, len(expected) + 1))
    assert sorted(applications, key=waitlist.priority_key) == sorted(
        applications, key=lambda a: expected.index(waitlist.applicant_id(a.id)))
    assert waitlist.positions("PI", [a.id for a in applications]) == {
        a.id: expected.index(waitlist.applicant_id(a.id)) + 1 for a in applications}


def test_plain_string_ids_would_not_keep_the_order():
    """Why the applicant id is zero-padded: the allocator compares ids as strings."""
    assert "10" < "9" and waitlist.applicant_id(9) < waitlist.applicant_id(10)


def test_filters_and_sorting_keep_the_queue_position(app):
    applications = _random_queue(random.Random(7), 40)
    coordinator = make_user(Role.COORDINATOR, "PI")
    everyone = {row.application.id: row.position
                for row in waitlist.waitlist_page(coordinator, waitlist.Filters(), today=TODAY).rows}
    band_two = waitlist.waitlist_page(coordinator, waitlist.Filters(band=2), today=TODAY)
    assert {row.application.urgency_band for row in band_two.rows} == {2}
    assert band_two.total == sum(1 for a in applications if a.urgency_band == 2) and band_two.queue_size == 40
    assert all(row.position == everyone[row.application.id] for row in band_two.rows)
    backwards = waitlist.waitlist_page(coordinator, waitlist.Filters(), "position", True, today=TODAY).rows
    assert [row.position for row in backwards] == list(range(40, 0, -1))


def test_warnings_name_what_needs_attention():
    from types import SimpleNamespace

    acute = SimpleNamespace(urgency_band=1)
    person = SimpleNamespace(client_plan_date=None)
    found = waitlist.warnings(acute, person, TODAY + timedelta(days=100), 95, TODAY)
    assert found == ["aftercare_ending", "waiting_long", "acute_waiting", "plan_missing"]
    calm = waitlist.warnings(SimpleNamespace(urgency_band=3), SimpleNamespace(client_plan_date=TODAY),
                             TODAY + timedelta(days=400), 5, TODAY)
    assert calm == []


@pytest.mark.parametrize("text, safe", [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+358 40 1", "'+358 40 1"), ("-1", "'-1"),
    ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("Aino", "Aino"), (42, 42),
])
def test_csv_cells_cannot_start_a_formula(text, safe):
    assert downloads.csv_cell(text) == safe
