"""The research export: the applications of a period with their rounds, offers and tenancies,
pseudonymised: random ids stable within one export and new in the next, ages at events, no
names, codes, free text, birth dates, addresses or coordinates, municipalities kept except for
young people under non-disclosure; audited with its period and sizes."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from housing import localtime, rules
from housing.extensions import db
from housing.models import ApplicationStatus, AuditEvent, Role
from housing.services import offers, proposals, research_export
from housing.services.errors import RuleViolation
from tests.factories import apply_for, make_person, make_place, make_unit, make_user, run_round

TODAY = localtime.today()
FORBIDDEN_COLUMNS = {"name", "first_name", "last_name", "identity_code", "birth_date", "address", "lat", "lon",
                     "own_words", "urgency_reason", "closed_reason", "decline_reason", "notes", "end_reason"}


@pytest.fixture(autouse=True)
def in_english(app):
    with app.test_request_context(), force_locale("en"):
        yield


@pytest.fixture
def county(app):
    """Two young people of Pirkanmaa housed through a round (one under non-disclosure), one of Helsinki."""

    class County:
        coordinator = make_user(Role.COORDINATOR, "PI")
        worker = make_user(Role.SOCIAL_WORKER, "PI")
        admin = make_user(Role.ADMIN)
        unit = make_unit("PI", municipality_code="837")

    world = County()
    for _ in range(2):
        make_place(world.unit)
    world.open = make_person(world.worker, "PI", municipality_code="211", address="Hämeenkatu 1",
                             birth=date(2005, 6, 1))
    world.protected = make_person(world.worker, "PI", municipality_code="211", non_disclosure=True,
                                  birth=date(2006, 1, 2))
    world.applications = [apply_for(p, coordinator=world.coordinator) for p in (world.open, world.protected)]
    helsinki_worker = make_user(Role.SOCIAL_WORKER, "HKI")
    world.helsinki = make_person(helsinki_worker, "HKI")
    apply_for(world.helsinki)
    apply_for(make_person(world.worker, "PI"), status=ApplicationStatus.DRAFT)  # never sent: not in it
    db.session.commit()
    solved = run_round(world.coordinator)
    for proposal in solved.proposals:
        if proposal.place_id:
            offer = proposals.approve(world.coordinator, proposal, TODAY)
            offers.accept(world.worker, offer, None, today=TODAY)
    db.session.commit()
    return world


def _export(county, county_id: str | None = "PI", first_day: date = TODAY - timedelta(days=1)):
    return research_export.build(county.admin, first_day, TODAY, county_id, TODAY)


def _rows(export, name: str) -> list[dict]:
    file = next(f for f in export.files if f.name == name)
    return [dict(zip(file.header, row, strict=True)) for row in file.rows]


def test_each_file_follows_the_cohort_and_links_by_the_same_pseudonyms(county):
    export = _export(county)
    assert [f.name for f in export.files] == ["applications.csv", "round_proposals.csv", "rounds.csv", "offers.csv",
                                              "tenancies.csv"]
    applications = _rows(export, "applications.csv")
    assert len(applications) == 2  # Pirkanmaa's two sent applications: no draft, no Helsinki
    people = {row["person_id"] for row in applications}
    application_ids = {row["application_id"] for row in applications}
    for name in ("round_proposals.csv", "offers.csv", "tenancies.csv"):
        rows = _rows(export, name)
        assert len(rows) == 2, name
        assert {row["person_id"] for row in rows} == people, name
        assert {row["application_id"] for row in rows} == application_ids, name
    [round_row] = _rows(export, "rounds.csv")
    assert {row["round_id"] for row in _rows(export, "round_proposals.csv")} == {round_row["round_id"]}
    assert (round_row["applications"], round_row["housed"], round_row["county"]) == (2, 2, "PI")
    offer_ids = {row["offer_id"] for row in _rows(export, "offers.csv")}
    assert {row["offer_id"] for row in _rows(export, "tenancies.csv")} == offer_ids
    assert export.row_counts == {"applications.csv": 2, "round_proposals.csv": 2, "rounds.csv": 1, "offers.csv": 2,
                                 "tenancies.csv": 2}


def test_pseudonyms_are_new_in_each_export_and_reveal_no_database_id(county):
    first, second = _export(county), _export(county)
    for name, column in (("applications.csv", "person_id"), ("applications.csv", "application_id"),
                         ("rounds.csv", "round_id"), ("tenancies.csv", "tenancy_id")):
        ones = {row[column] for row in _rows(first, name)}
        others = {row[column] for row in _rows(second, name)}
        assert ones and not ones & others, column
    ids = {str(p.id) for p in (county.open, county.protected)} | {str(a.id) for a in county.applications}
    assert not {row["person_id"][1:] for row in _rows(first, "applications.csv")} & ids


def test_no_names_codes_free_text_birth_dates_or_coordinates(county):
    export = _export(county)
    cells = {str(cell) for file in export.files for row in file.rows for cell in row if cell is not None}
    for file in export.files:
        assert not FORBIDDEN_COLUMNS & set(file.header), file.name
    for person in (county.open, county.protected):
        forbidden = {person.first_name, person.last_name, person.identity_code, person.birth_date.isoformat(),
                     str(person.birth_date), "Hämeenkatu 1"}
        assert not forbidden & cells
    assert not any("Haluan asua" in cell or "Tarkistettu" in cell for cell in cells)  # own words, reasons
    assert not any(str(county.unit.lat) in cell or county.unit.name in cell for cell in cells)


def test_ages_are_whole_years_on_the_day_of_each_event(county):
    export = _export(county)
    ages = {row["age_at_application"] for row in _rows(export, "applications.csv")}
    assert ages == {rules.age_on(date(2005, 6, 1), TODAY), rules.age_on(date(2006, 1, 2), TODAY)}
    assert all(isinstance(row["age_at_move_in"], int) for row in _rows(export, "tenancies.csv"))


def test_municipalities_are_kept_except_for_young_people_under_non_disclosure(county):
    export = _export(county)
    by_municipality = {row["municipality"]: row for row in _rows(export, "applications.csv")}
    assert set(by_municipality) == {"211", None}
    assert by_municipality["211"]["wished_municipalities"] == "837"
    assert by_municipality[None]["wished_municipalities"] is None
    protected_person = by_municipality[None]["person_id"]
    for name in ("round_proposals.csv", "offers.csv", "tenancies.csv"):
        rows = {row["person_id"]: row for row in _rows(export, name)}
        assert rows[protected_person]["unit_municipality"] is None and rows[protected_person]["unit_id"] is None
        assert rows[protected_person]["unit_type"] == "supported_housing_unit"  # the kind of home stays
        others = [row for person, row in rows.items() if person != protected_person]
        assert [row["unit_municipality"] for row in others] == ["837"], name


def test_the_period_and_the_county_choose_the_applications(county):
    assert len(_rows(_export(county, county_id=None), "applications.csv")) == 3  # Helsinki's too
    county.applications[0].created_at -= timedelta(days=10)
    db.session.commit()
    assert len(_rows(_export(county), "applications.csv")) == 1
    assert len(_rows(_export(county, first_day=TODAY - timedelta(days=10)), "applications.csv")) == 2


@pytest.mark.parametrize(("first_day", "last_day", "field"), [
    (TODAY, TODAY - timedelta(days=1), "last_day"),
    (TODAY, TODAY + timedelta(days=1), "last_day"),
    (None, TODAY, "first_day"),
])
def test_a_period_that_cannot_be_is_refused(county, first_day, last_day, field):
    with pytest.raises(RuleViolation) as refusal:
        research_export.build(county.admin, first_day, last_day, None, TODAY)
    assert refusal.value.field == field


def test_the_export_is_audited_with_its_period_and_sizes_and_for_each_young_person_in_it(county):
    export = _export(county)
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.object_type == "research_export")).all()
    [summary] = [e for e in events if e.young_person_id is None]
    assert (summary.action, summary.user_id) == ("export", county.admin.id)
    assert summary.detail == {"first_day": (TODAY - timedelta(days=1)).isoformat(), "last_day": TODAY.isoformat(),
                              "county": "PI", "rows": export.row_counts}
    assert sorted(e.young_person_id for e in events if e.young_person_id) == sorted(
        [county.open.id, county.protected.id])
    assert all(e.action == "export" for e in events)
