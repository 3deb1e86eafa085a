"""Registering and correcting young people through the real pages."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from housing.extensions import db
from housing.models import AuditEvent, Role, YoungPerson
from tests.factories import identity_code, make_person, make_place, make_tenancy, make_unit, make_user

VALID = {
    "first_name": "Saga", "last_name": "Lindqvist", "language": "sv", "gender": "f",
    "placement_type": "substitute_care", "placement_start": "2020-02-01", "placement_end": "2025-06-01",
    "placed_alone": "y", "children_in_household": "0", "municipality_code": "837",
}


def people_count() -> int:
    return db.session.scalar(select(func.count()).select_from(YoungPerson))


def test_social_worker_registers_a_client_of_their_own(client, login, world):
    login(world.social_worker)
    code = identity_code(date(2007, 4, 9), 931)
    response = client.post("/young-people/new", data={**VALID, "identity_code": code.lower()})
    assert response.status_code == 302
    person = db.session.scalar(select(YoungPerson).where(YoungPerson.identity_code == code))
    assert person.birth_date == date(2007, 4, 9)
    assert person.responsible_worker_id == world.social_worker.id
    assert person.placing_county_id == "PI"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Saga Lindqvist" in page and code not in page  # shown masked
    assert "2030" in page  # aftercare ends on the 23rd birthday, 9.4.2030


def test_invalid_identity_code_is_explained_and_nothing_is_saved(client, login, world):
    login(world.social_worker)
    before = people_count()
    for code, words in [("090407A931X", "check character"), ("300207A931X", "date"), ("0904", "form")]:
        client.post("/language", data={"language": "en"})
        response = client.post("/young-people/new", data={**VALID, "identity_code": code})
        assert response.status_code == 400
        assert words in response.get_data(as_text=True), code
    assert people_count() == before


def test_too_long_name_is_refused_with_a_message(client, login, world):
    login(world.social_worker)
    client.post("/language", data={"language": "en"})
    response = client.post("/young-people/new", data={**VALID, "identity_code": identity_code(date(2007, 1, 1)),
                                                      "last_name": "x" * 81})
    assert response.status_code == 400
    assert "80" in response.get_data(as_text=True)
    assert people_count() == 2  # the world's two


def test_the_same_identity_code_cannot_be_registered_twice(client, login, world):
    login(world.social_worker)
    response = client.post("/young-people/new", data={**VALID, "identity_code": world.outsider.identity_code})
    assert response.status_code == 400
    assert people_count() == 2


def test_a_code_registered_in_another_county_tells_a_social_worker_only_to_ask_the_coordinator(page, world):
    """Before: "already registered" told the worker that the person exists, and nothing was audited."""
    form = page(world.social_worker, "/young-people/new", method="POST", status=400, language="en",
                data={**VALID, "identity_code": world.outsider.identity_code})
    error = form.select_one("#identity_code-error").text
    assert error == "This identity code cannot be registered. Contact the housing coordinator."
    assert "registered" not in error.replace("cannot be registered", "")
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "identity_code_match"))
    assert (event.user_id, event.young_person_id, event.success) == (world.social_worker.id, world.outsider.id, False)
    assert people_count() == 2


def test_a_code_of_ones_own_client_says_so(page, world):
    form = page(world.social_worker, "/young-people/new", method="POST", status=400, language="en",
                data={**VALID, "identity_code": world.person.identity_code})
    assert "already registered" in form.select_one("#identity_code-error").text


def test_a_coordinator_learns_that_another_county_has_registered_the_person(page, world):
    form = page(world.coordinator, "/young-people/new", method="POST", status=400, language="en",
                data={**VALID, "identity_code": world.outsider.identity_code})
    assert "Another county" in form.select_one("#identity_code-error").text


def test_edit_never_shows_the_full_code_and_keeps_it_when_left_empty(client, login, world):
    login(world.social_worker)
    form = client.get(f"/young-people/{world.person.id}/edit").get_data(as_text=True)
    assert world.person.identity_code not in form
    data = {**VALID, "identity_code": "", "first_name": "Aino-Maria"}
    assert client.post(f"/young-people/{world.person.id}/edit", data=data).status_code == 302
    db.session.expire_all()
    person = db.session.get(YoungPerson, world.person.id)
    assert person.first_name == "Aino-Maria" and person.identity_code == world.person.identity_code
    update = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "update"))
    assert "first_name" in update.detail["changed"] and update.young_person_id == person.id


def test_coordinator_assigns_a_responsible_worker_of_the_county_only(client, login, world):
    login(world.coordinator)
    code = identity_code(date(2006, 12, 24), 944)
    bad = client.post("/young-people/new", data={**VALID, "identity_code": code,
                                                 "responsible_worker_id": world.other_worker.id})
    assert bad.status_code == 400
    good = client.post("/young-people/new", data={**VALID, "identity_code": code,
                                                  "responsible_worker_id": world.social_worker.id})
    assert good.status_code == 302


def test_each_role_sees_only_its_own_young_people(client, login, world):
    for user in (world.social_worker, world.coordinator, world.unit_staff, world.unit_manager):
        login(user)
        assert client.get(f"/young-people/{world.person.id}").status_code == 200
        assert client.get(f"/young-people/{world.outsider.id}").status_code == 404
        listing = client.get("/young-people/").get_data(as_text=True)
        assert world.person.last_name in listing and world.outsider.last_name not in listing
    other_unit_staff = make_user(Role.UNIT_STAFF, "PI", units=[make_unit("PI")])
    login(other_unit_staff)
    assert client.get(f"/young-people/{world.person.id}").status_code == 404


def test_unit_staff_see_a_resident_until_the_tenancy_ends(client, login, world):
    former = make_person(world.social_worker)
    make_tenancy(former, make_place(world.unit), date(2024, 1, 1), actual_move_out=date(2025, 1, 1))
    login(world.unit_staff)
    assert client.get(f"/young-people/{former.id}").status_code == 404


def test_non_disclosure_hides_the_address_and_housing_from_unit_staff(client, login, world):
    world.person.non_disclosure = True
    db.session.commit()
    login(world.unit_staff)
    page = client.get(f"/young-people/{world.person.id}").get_data(as_text=True)
    assert "Hämeenkatu 1" not in page
    login(world.social_worker)
    assert "Hämeenkatu 1" in client.get(f"/young-people/{world.person.id}").get_data(as_text=True)


def test_unit_staff_do_not_see_case_facts_or_the_code_button(client, login, world):
    world.person.notes = "Luottamuksellinen muistiinpano"
    db.session.commit()
    login(world.unit_staff)
    page = client.get(f"/young-people/{world.person.id}").get_data(as_text=True)
    assert "Luottamuksellinen" not in page
    assert "/identity-code" not in page


def test_a_name_search_is_a_post_and_its_pages_never_put_the_name_in_a_url(page, world):
    for n in range(60):  # two pages
        make_person(world.social_worker, first_name=f"Ilmari{n:02d}", last_name="Virtanen")
    db.session.commit()
    found = page(world.social_worker, "/young-people/", method="POST", data={"q": "Virtanen"}, language="en")
    names = [a.text for a in found.select("table a.hds-link")]
    assert names and all("Virtanen" in name for name in names)
    assert world.person.last_name not in " ".join(names)
    pager = found.select_one("nav.pager")
    assert pager.select("button[name=page][form=people-search]")  # the next page re-sends the form
    assert not pager.select("a")  # …and no link carries the search
    assert "Virtanen" not in " ".join(link["href"] for link in found.select("a[href]"))
    second = page(None, "/young-people/", method="POST", data={"q": "Virtanen", "page": "2"})
    assert "Page 2 of 2" in second.select_one("nav.pager").text


def test_a_search_in_the_query_string_is_ignored(page, world):
    listed = page(world.social_worker, f"/young-people/?q={world.person.last_name}zzz")
    assert world.person.last_name in listed.select_one("table").text

