"""Who sees whom: every page with client data against the *near* outsiders, turvakielto in
pages and lists, and refused attempts in the audit log.

``CLIENT_PAGES`` is the table of every page that shows a young person's data. A new page
with client data adds a row: how to reach it for the world's ``person`` and who of the
world may (``insider``); the tests then check that the insider sees the person and that
each near outsider — another social worker of the same county, the staff of another unit
in the same municipality, the coordinator of the neighbouring county — gets nothing: a
404 (or 403) for a page about the person, and no trace of them in a list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from sqlalchemy import select

from housing import localtime
from housing.extensions import db
from housing.models import AuditEvent, Role, User, YoungPerson
from tests.factories import make_person, make_place, make_tenancy, make_unit, make_user

TAMPERE, HAMEENLINNA = "837", "109"


@dataclass(frozen=True)
class ClientPage:
    name: str
    url: Callable  # world → URL
    insider: str = "social_worker"  # the World attribute of a user who may see the person here
    method: str = "GET"
    data: Callable | None = None  # world → form data (POST)
    is_list: bool = False  # a list: outsiders may open it, but never see the person in it
    insider_sees_name: bool = True  # False for files that carry no name (the CSV report)


def _edit_data(world) -> dict:
    person = world.person
    return {"identity_code": "", "first_name": "Muutettu", "last_name": person.last_name, "language": "fi",
            "gender": "f", "placement_type": "substitute_care", "children_in_household": "0",
            "municipality_code": TAMPERE}


def _housing(world):
    """Once per world: the person on the waiting list, a solved round that offers them the free
    place, and the offer; their tenancy is the world's."""
    if not hasattr(world, "offer"):

        from housing.models import Tenancy
        from housing.services import moves, proposals
        from tests.factories import apply_for, run_round

        apply_for(world.person, coordinator=world.coordinator)
        db.session.commit()
        world.round = run_round(world.coordinator)
        world.proposal = next(p for p in world.round.proposals if p.place_id)
        world.offer = proposals.approve(world.coordinator, world.proposal, localtime.today())
        world.tenancy = db.session.scalar(select(Tenancy).where(Tenancy.young_person_id == world.person.id))
        moves.record_move_out(world.social_worker, world.tenancy, localtime.today() + timedelta(days=60),
                              "own_rental_home", None, localtime.today())
        db.session.commit()
    return world


CLIENT_PAGES = [
    ClientPage("person page", lambda w: f"/young-people/{w.person.id}"),
    ClientPage("edit form", lambda w: f"/young-people/{w.person.id}/edit"),
    ClientPage("saving the edit form", lambda w: f"/young-people/{w.person.id}/edit", method="POST",
               data=_edit_data, insider_sees_name=False),
    ClientPage("identity code in full", lambda w: f"/young-people/{w.person.id}/identity-code", method="POST"),
    ClientPage("data-access report", lambda w: f"/data-access/{w.person.id}"),
    ClientPage("data-access report CSV", lambda w: f"/data-access/{w.person.id}.csv", insider_sees_name=False),
    ClientPage("list of young people", lambda w: "/young-people/", is_list=True),
    ClientPage("social worker's front page", lambda w: "/", is_list=True),
    ClientPage("unit staff's front page", lambda w: "/", insider="unit_staff", is_list=True),
    ClientPage("unit page with residents", lambda w: f"/units/{w.unit.id}", insider="unit_staff", is_list=True),
    ClientPage("allocation round and its proposals", lambda w: f"/rounds/{_housing(w).round.id}",
               insider="coordinator", is_list=True),
    ClientPage("a round's problem file", lambda w: f"/rounds/{_housing(w).round.id}/problem.json",
               insider="coordinator", insider_sees_name=False),
    ClientPage("another place for a proposal",
               lambda w: f"/rounds/{_housing(w).round.id}/proposals/{w.proposal.id}/override", insider="coordinator"),
    ClientPage("offer", lambda w: f"/offers/{_housing(w).offer.id}"),
    ClientPage("offer decision to print", lambda w: f"/offers/{_housing(w).offer.id}/decision"),
    ClientPage("tenancy", lambda w: f"/moves/tenancies/{_housing(w).tenancy.id}"),
    ClientPage("moves of the units", lambda w: _housing(w) and "/moves/", insider="unit_staff", is_list=True),
]


@dataclass
class NearOutsiders:
    """Users who are *almost* entitled: the hardest cases for scoping."""

    social_worker_same_county: User
    staff_of_another_unit_same_municipality: User
    coordinator_of_neighbouring_county: User
    extra: dict[str, User] = field(default_factory=dict)

    def all(self) -> list[tuple[str, User]]:
        return [("another social worker of the county", self.social_worker_same_county),
                ("staff of another unit in the municipality", self.staff_of_another_unit_same_municipality),
                ("coordinator of the neighbouring county", self.coordinator_of_neighbouring_county)]


@pytest.fixture
def world(world):
    """The conftest world, its client renamed so that no other test name contains theirs."""
    world.person.first_name, world.person.last_name = "Iida", "Rajatapaus"
    db.session.commit()
    return world


@pytest.fixture
def outsiders(world) -> NearOutsiders:
    another_unit = make_unit("PI", TAMPERE)
    make_tenancy(make_person(world.social_worker), make_place(another_unit))  # they have residents of their own
    neighbours = make_unit("KH", HAMEENLINNA)
    near = NearOutsiders(
        social_worker_same_county=make_user(Role.SOCIAL_WORKER, "PI"),
        staff_of_another_unit_same_municipality=make_user(Role.UNIT_STAFF, "PI", units=[another_unit]),
        coordinator_of_neighbouring_county=make_user(Role.COORDINATOR, "KH"),
    )
    make_person(near.social_worker_same_county, "PI")  # each has clients of their own
    make_tenancy(make_person(make_user(Role.SOCIAL_WORKER, "KH"), "KH"), make_place(neighbours))
    db.session.commit()
    return near


def _open(client, page_row: ClientPage, world):
    data = page_row.data(world) if page_row.data else None
    return client.open(page_row.url(world), method=page_row.method, data=data)


def _traces_of(person: YoungPerson) -> list[str]:
    return [person.last_name, person.identity_code]


@pytest.mark.parametrize("page_row", CLIENT_PAGES, ids=lambda row: row.name)
def test_the_insider_sees_the_person(client, login, world, page_row):
    login(getattr(world, page_row.insider))
    response = _open(client, page_row, world)
    assert response.status_code in (200, 302), response.status_code
    if page_row.insider_sees_name:
        assert world.person.last_name in response.get_data(as_text=True)


@pytest.mark.parametrize("page_row", CLIENT_PAGES, ids=lambda row: row.name)
def test_near_outsiders_get_nothing_of_the_person(client, login, world, outsiders, page_row):
    for who, user in outsiders.all():
        login(user)
        response = _open(client, page_row, world)
        body = response.get_data(as_text=True)
        if page_row.is_list:
            assert response.status_code in (200, 403, 404), (who, response.status_code)
        else:
            assert response.status_code in (403, 404), (who, response.status_code)
        assert not [trace for trace in _traces_of(world.person) if trace in body], who
        seen = db.session.scalars(select(AuditEvent.action).where(
            AuditEvent.user_id == user.id, AuditEvent.young_person_id == world.person.id))
        assert list(seen) == [], who
        if not page_row.is_list:  # the attempt itself is on record, as a refusal
            refused = db.session.scalars(select(AuditEvent).where(
                AuditEvent.user_id == user.id, AuditEvent.action.in_(["out_of_scope", "access_refused"])))
            assert [e.path for e in refused if not e.success][-1:] == [page_row.url(world)], who
    db.session.expire_all()
    assert db.session.get(YoungPerson, world.person.id).first_name == world.person.first_name


# --------------------------------------------------------------------------- turvakielto


def test_a_protected_persons_page_shows_no_unit_or_place_to_their_unit_staff(page, world):
    """Before: the housing section listed every tenancy (unit and place) to anyone who could open the page."""
    earlier_unit = make_unit("PI", TAMPERE, name="Aiempi Asumisyksikkö")
    make_tenancy(world.person, make_place(earlier_unit, label="Huone 9"), localtime.today() - timedelta(days=400),
                 actual_move_out=localtime.today() - timedelta(days=20))
    world.person.non_disclosure = True
    db.session.commit()
    text = page(world.unit_staff, f"/young-people/{world.person.id}").get_text()
    assert world.person.last_name in text
    assert world.unit.name not in text and "Aiempi Asumisyksikkö" not in text and "Huone 9" not in text
    assert "Hämeenkatu 1" not in text
    for insider in (world.social_worker, world.coordinator):
        text = page(insider, f"/young-people/{world.person.id}").get_text()
        assert world.unit.name in text and "Aiempi Asumisyksikkö" in text and "Hämeenkatu 1" in text


def test_unit_page_ties_a_protected_resident_to_a_place_only_for_those_who_may_know(page, world):
    world.person.non_disclosure = True
    db.session.commit()
    staff_view = page(world.unit_staff, f"/units/{world.unit.id}")
    assert world.person.last_name not in staff_view.get_text()
    assert "Ei näytetä: turvakielto" in staff_view.get_text()
    coordinator_view = page(world.coordinator, f"/units/{world.unit.id}")
    assert world.person.last_name in coordinator_view.get_text()
    listed = db.session.scalars(select(AuditEvent.user_id).where(AuditEvent.action == "list"))
    assert world.unit_staff.id not in set(listed)


@pytest.mark.parametrize("protected", [False, True], ids=["plain", "turvakielto"])
def test_a_coordinator_sees_no_names_of_another_countys_clients_in_its_units(page, world, protected):
    """Before: the unit's resident list named the client, while their page answered 404."""
    kanta_hame = make_unit("KH", HAMEENLINNA, name="Hämeenlinnan nuorten asunnot")
    resident = make_person(world.social_worker, "PI", non_disclosure=protected)
    make_tenancy(resident, make_place(kanta_hame))
    coordinator = make_user(Role.COORDINATOR, "KH")
    db.session.commit()
    unit_page = page(coordinator, f"/units/{kanta_hame.id}")
    assert resident.last_name not in unit_page.get_text()
    assert "Toisen hyvinvointialueen asiakas" in unit_page.get_text()
    page(coordinator, f"/young-people/{resident.id}", status=404)
    # The placing county's own people still see where their client lives.
    assert kanta_hame.name in page(world.social_worker, f"/young-people/{resident.id}").get_text()


def test_every_name_in_a_unit_list_opens_a_page(client, login, world):
    """Lists and pages agree: whoever is named to a user can be opened by that user."""
    kanta_hame = make_unit("KH", HAMEENLINNA)
    make_tenancy(make_person(world.social_worker, "PI"), make_place(kanta_hame))
    make_tenancy(make_person(make_user(Role.SOCIAL_WORKER, "KH"), "KH"), make_place(kanta_hame))
    staff = make_user(Role.UNIT_STAFF, "KH", units=[kanta_hame])
    coordinator = make_user(Role.COORDINATOR, "KH")
    db.session.commit()
    from bs4 import BeautifulSoup

    for user in (staff, coordinator):
        login(user)
        soup = BeautifulSoup(client.get(f"/units/{kanta_hame.id}").get_data(as_text=True), "html.parser")
        links = [a["href"] for a in soup.select("table a[href^='/young-people/']")]
        assert links
        for href in links:
            assert client.get(href).status_code == 200, (user.role, href)


# --------------------------------------------------------------------------- refused attempts are audited


def test_out_of_scope_attempts_are_audited_as_failed_not_as_views(client, login, world, outsiders):
    """Before: a 404 for someone else's client left no trace in the audit log."""
    user = outsiders.social_worker_same_county
    login(user)
    assert client.get(f"/young-people/{world.person.id}").status_code == 404
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.user_id == user.id,
                                                         AuditEvent.action == "out_of_scope"))
    assert not event.success and event.object_type == "young_person" and event.object_id == str(world.person.id)
    assert event.young_person_id is None  # an attempt, not a read of the person's data
    assert event.path == f"/young-people/{world.person.id}"


def test_refused_attempts_are_audited_as_failed(client, login, world):
    login(world.admin)
    assert client.get(f"/young-people/{world.person.id}").status_code == 403
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "access_refused"))
    assert not event.success and event.user_id == world.admin.id and event.young_person_id is None
    assert event.path == f"/young-people/{world.person.id}"


def test_a_refusal_rolls_back_and_is_not_in_the_persons_report(client, login, world, outsiders):
    login(outsiders.coordinator_of_neighbouring_county)
    client.get(f"/young-people/{world.person.id}")
    login(world.admin)
    report = client.get(f"/data-access/{world.person.id}").get_data(as_text=True)
    assert outsiders.coordinator_of_neighbouring_county.email not in report
