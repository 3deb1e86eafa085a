"""The unit and place register through the real pages."""

from __future__ import annotations

from sqlalchemy import func, select

from housing.extensions import db
from housing.models import Place, Unit
from tests.factories import make_place, make_unit

UNIT = {
    "name": "Nuorten asumisyksikkö Koski", "unit_type": "supported_housing_unit", "municipality_code": "837",
    "support_level": "3", "services": ["mental_health", "education"], "staff_support_hours": "60",
    "min_age": "17", "max_age": "22", "gender_restriction": "", "languages": ["fi", "sv"], "active": "y",
}


def test_coordinator_adds_a_unit_and_its_places(client, login, world):
    login(world.coordinator)
    response = client.post("/units/new", data=UNIT)
    assert response.status_code == 302
    unit = db.session.scalar(select(Unit).where(Unit.name == UNIT["name"]))
    assert unit.county_id == "PI" and unit.services == ["mental_health", "education"]
    assert (unit.lat, unit.lon) == (61.62378, 23.8885)  # the municipality's centre stands in
    place = {"label": "B 12", "bedrooms": "2", "max_household": "3", "accessible": "y"}
    assert client.post(f"/units/{unit.id}/places/new", data=place).status_code == 302
    duplicate = client.post(f"/units/{unit.id}/places/new", data={**place, "label": "b 12"})
    assert duplicate.status_code == 400
    page = client.get(f"/units/{unit.id}").get_data(as_text=True)
    assert "B 12" in page


def test_unit_form_errors_change_nothing(client, login, world):
    login(world.coordinator)
    client.post("/language", data={"language": "en"})
    before = db.session.scalar(select(func.count()).select_from(Unit))
    cases = [
        ({"min_age": "23", "max_age": "19"}, "minimum age"),
        ({"municipality_code": "091"}, "municipality"),  # Helsinki is not in Pirkanmaa
        ({"name": ""}, "name"),
        ({"name": "x" * 121}, "120"),
        ({"lat": "40"}, "latitude"),
        ({"staff_support_hours": "-1"}, "between 0 and 2000"),
    ]
    for change, words in cases:
        response = client.post("/units/new", data={**UNIT, **change})
        assert response.status_code == 400, change
        assert words in response.get_data(as_text=True).lower(), change
    assert db.session.scalar(select(func.count()).select_from(Unit)) == before


def test_place_out_of_use_needs_a_reason(client, login, world):
    login(world.coordinator)
    url = f"/units/{world.unit.id}/places/{world.free_place.id}/edit"
    data = {"label": world.free_place.label, "bedrooms": "1", "max_household": "1", "out_of_use": "y"}
    assert client.post(url, data=data).status_code == 400
    assert client.post(url, data={**data, "out_of_use_reason": "Vesivahinko"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Place, world.free_place.id).out_of_use


def test_coordinator_cannot_touch_units_of_another_county(client, login, world):
    helsinki = make_unit("HKI", "091")
    place = make_place(helsinki)
    db.session.commit()
    login(world.coordinator)
    assert client.get(f"/units/{helsinki.id}").status_code == 404
    assert client.post(f"/units/{helsinki.id}/edit", data=UNIT).status_code == 404
    assert client.get(f"/units/{helsinki.id}/places/{place.id}/edit").status_code == 404
    assert helsinki.name not in client.get("/units/").get_data(as_text=True)


def test_unit_list_shows_free_places_without_a_query_per_unit(client, login, world):
    for _ in range(5):
        make_place(make_unit("PI"))
    db.session.commit()
    login(world.coordinator)
    statements = []
    from sqlalchemy import event

    listen = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        page = client.get("/units/").get_data(as_text=True)
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)
    assert page.count("/units/") >= 6
    assert len(statements) <= 8, statements


def test_residents_are_shown_to_the_units_staff_but_not_to_social_workers(client, login, world):
    login(world.unit_manager)
    assert world.person.last_name in client.get(f"/units/{world.unit.id}").get_data(as_text=True)
    login(world.social_worker)
    assert world.person.last_name not in client.get(f"/units/{world.unit.id}").get_data(as_text=True)
