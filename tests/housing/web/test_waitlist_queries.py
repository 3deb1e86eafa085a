"""The waiting list and the social worker's page read a fixed number of queries, however
long the queue is (their speed is measured by benchmarks/waitlist.py, not here)."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import event

from housing.extensions import db
from housing.models import Application, ApplicationStatus, LocationWish, PlacementType, Role, YoungPerson
from tests.factories import identity_code, make_user

STATUSES = (ApplicationStatus.WAITLISTED,) * 6 + (ApplicationStatus.SUBMITTED, ApplicationStatus.RETURNED,
                                                   ApplicationStatus.DRAFT, ApplicationStatus.OFFERED)


def _add_applications(worker, start: int, count: int) -> None:
    """``count`` more clients of ``worker``, each with an application (most on the waiting list)."""
    people, applications = [], []
    for n in range(start, start + count):
        birth = date(2004, 1, 1) + timedelta(days=n)
        people.append(YoungPerson(
            identity_code=identity_code(birth, 900 + n % 97), first_name=f"Nuori{n}", last_name=f"Jonossa{n}",
            birth_date=birth, language="fi", placing_county_id="PI", responsible_worker_id=worker.id,
            placement_type=PlacementType.SUBSTITUTE_CARE, client_plan_date=None if n % 3 else date(2026, 1, 1)))
    db.session.add_all(people)
    db.session.flush()
    for n, person in enumerate(people, start):
        application = Application(
            young_person_id=person.id, status=STATUSES[n % len(STATUSES)], support_level=1 + n % 4, needs=[],
            support_hours=3, urgency_band=1 + n % 3, need_since=date(2026, 1, 1) + timedelta(days=n % 200),
            max_distance_km=30, household_size=1, tiebreak=(n * 0.618) % 1, consent=True,
            waitlisted_at=datetime(2026, 6, 1, tzinfo=UTC), submitted_at=datetime(2026, 5, 1, tzinfo=UTC))
        application.wishes = [LocationWish(rank=0, municipality_code="837", lat=61.5, lon=23.76),
                              LocationWish(rank=1, municipality_code="536", lat=61.48, lon=23.5)]
        applications.append(application)
    db.session.add_all(applications)
    db.session.commit()


@contextmanager
def counted_queries():
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def _queries(client, url: str) -> int:
    with counted_queries() as statements:
        assert client.get(url).status_code == 200
    return len(statements)


def test_list_pages_read_the_same_number_of_queries_at_100_and_1000_rows(client, login):
    worker, coordinator = make_user(Role.SOCIAL_WORKER, "PI"), make_user(Role.COORDINATOR, "PI")
    _add_applications(worker, 0, 100)
    pages = {"coordinator": (coordinator, ["/waitlist/", "/waitlist/?band=2&sort=waiting", "/applications/"]),
             "worker": (worker, ["/applications/"])}
    at_100 = {}
    for key, (user, urls) in pages.items():
        login(user)
        at_100[key] = [_queries(client, url) for url in urls]
    _add_applications(worker, 100, 900)
    for key, (user, urls) in pages.items():
        login(user)
        at_1000 = [_queries(client, url) for url in urls]
        assert all(more <= fewer for more, fewer in zip(at_1000, at_100[key], strict=True)), (key, at_1000, at_100)
    assert max(max(counts) for counts in at_100.values()) <= 15
