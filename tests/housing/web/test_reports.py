"""The report pages as people read them: who sees which report and whose numbers, the
period filter, the chart and its table, the CSV files, and the audit log of client rows."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from housing import localtime
from housing.extensions import db
from housing.models import (
    AllocationRound,
    ApplicationStatus,
    AuditEvent,
    Offer,
    OfferStatus,
    Role,
    RoundStatus,
    ScheduledVisit,
    ScheduleStatus,
    VisitOutcome,
    VisitRecord,
    WeeklySchedule,
)
from tests.factories import make_application, make_person, make_place, make_plan, make_unit, make_user


def _listed(worker, days_ago: int, municipality: str = "837", protected: bool = False, offer_after: int | None = None,
            place=None):
    """An application put on the waiting list ``days_ago``, offered ``offer_after`` days later."""
    person = make_person(worker, "PI", non_disclosure=protected)
    listed = datetime.now(UTC) - timedelta(days=days_ago)
    application = make_application(person, ApplicationStatus.WAITLISTED, waitlisted_at=listed)
    application.wishes[0].municipality_code = municipality
    if offer_after is not None:
        db.session.add(Offer(application_id=application.id, place_id=place.id, status=OfferStatus.DECLINED,
                             sent_at=listed + timedelta(days=offer_after), declined_by="young_person",
                             decline_code="location"))
    db.session.flush()
    return application


@pytest.fixture
def county(world):
    """Three applications of the world's county with known waits: Tampere 10 and 30 days to an
    offer, one in Nokia for someone with a non-disclosure."""
    _listed(world.social_worker, 100, offer_after=10, place=world.free_place)
    _listed(world.social_worker, 60, offer_after=30, place=world.free_place)
    _listed(world.social_worker, 50, municipality="536", protected=True)
    db.session.commit()
    return world


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "no-store"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))


# --------------------------------------------------------------------------- who sees what


def test_each_role_sees_its_own_reports_in_the_navigation_and_the_list(page, world):
    expected = {Role.COORDINATOR: {"equity", "support", "caseload", "occupancy", "allocation"},
                Role.UNIT_MANAGER: {"support", "occupancy"}, Role.SOCIAL_WORKER: {"caseload"}}
    for role, names in expected.items():
        listing = page(world.user(role), "/reports/")
        assert listing.select_one("h1").text == "Raportit"
        assert {a["href"].removeprefix("/reports/") for a in listing.select(".report-list a")} == names
        assert "Raportit" in [a.text for a in listing.select(".site-nav a")]
    for role in (Role.ADMIN, Role.UNIT_STAFF):
        front = page(world.user(role), "/")
        assert "Raportit" not in [a.text for a in front.select(".site-nav a")]
        page(None, "/reports/", status=403)


# --------------------------------------------------------------------------- equity


def test_the_coordinator_reads_the_equity_report_as_a_chart_and_a_table(page, county):
    report = page(county.coordinator, "/reports/equity")
    assert report.select_one("h1").text == "Yhdenvertaisuus – Pirkanmaan hyvinvointialue"
    chart = report.select_one("figure.chart svg")
    assert chart["role"] == "img" and chart.select_one("title").text == "Odotusajan mediaani päivinä"
    assert "style" not in str(chart)  # the Content-Security-Policy forbids inline styles
    rows = {row.select_one("th").text: [td.text for td in row.select("td")]
            for row in report.select("table")[0].select("tbody tr")}
    assert rows["Tampere"][:5] == ["2", "2", "2", "0", "20"]  # applications, offers, declined, expired, median
    assert rows["Tampere"][5] == "28"  # 90th percentile: 10 + 0.9 × (30 − 10)
    assert rows["Ei näytetä (turvakielto)"][0] == "1" and "Nokia" not in rows
    assert rows["Koko hyvinvointialue"][0] == "3"
    declines = report.select("table")[1]
    assert [td.text for td in declines.select("tbody td")] == ["Nuori itse", "Sijainti ei sovi", "2"]


def test_the_equity_period_filter_and_its_messages(page, county):
    today = localtime.today()
    narrow = page(county.coordinator, f"/reports/equity?first={(today - timedelta(days=70)).isoformat()}"
                                      f"&last={today.isoformat()}&by=band")
    rows = narrow.select("table")[0].select("tbody tr")
    by_band = {row.select_one("th").text: row.select("td")[0].text for row in rows}
    assert by_band == {"2 – kiireellinen": "2", "Koko hyvinvointialue": "2"}  # the one listed 100 days ago is out
    reversed_period = page(None, "/reports/equity?first=2026-05-01&last=2026-04-01", status=400)
    assert "Jakson alun on oltava ennen sen loppua tai sama päivä." in reversed_period.select_one(".error-summary").text
    assert reversed_period.select("table") == []
    future = page(None, f"/reports/equity?last={(today + timedelta(days=1)).isoformat()}", status=400)
    assert "Jakso ei voi päättyä tämän päivän jälkeen." in future.text
    too_long = page(None, f"/reports/equity?first=2015-01-01&last={today.isoformat()}", language="sv", status=400)
    assert "Välj en period på högst fem år." in too_long.text
    page(None, "/reports/equity?first=not-a-day", status=400)


def test_the_equity_csv_has_the_numbers_no_places_of_the_protected_and_is_audited(client, login, county):
    login(county.coordinator)
    rows = _csv(client.get("/reports/equity.csv?by=municipality"))
    assert rows[0][:3] == ["Toivottu kunta", "Hakemukset", "Tarjoukset"]
    assert rows[1][:2] == ["Koko hyvinvointialue", "3"]  # the total first
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["Tampere"][5:7] == ["20.0", "28.0"] and "Nokia" not in by_name
    assert all(cell != county.person.identity_code for row in rows for cell in row)
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export"))
    assert (event.object_type, event.object_id, event.user_id) == ("report", "equity", county.coordinator.id)
    assert event.detail["by"] == "municipality"


def test_the_coordinator_sees_only_the_county_of_their_own(page, county):
    helsinki = make_user(Role.COORDINATOR, "HKI")
    db.session.commit()
    report = page(helsinki, "/reports/equity")
    assert report.select("table") == [] and report.select_one(".empty-state h2").text == "Ei mitään tällä jaksolla"


# --------------------------------------------------------------------------- support delivered


@pytest.fixture
def visits(world):
    """A published week of the world's unit last week: 60 minutes planned, 45 delivered."""
    from sqlalchemy import select as query

    from housing.models import Tenancy

    tenancy = db.session.scalar(query(Tenancy).where(Tenancy.young_person_id == world.person.id))
    plan = make_plan(tenancy, world.unit_staff)
    monday = localtime.today() - timedelta(days=localtime.today().weekday() + 7)
    week = WeeklySchedule(unit_id=world.unit.id, week_start=monday, status=ScheduleStatus.PUBLISHED)
    db.session.add(week)
    db.session.flush()
    starts = datetime(monday.year, monday.month, monday.day, 9, tzinfo=UTC)
    visit = ScheduledVisit(schedule_id=week.id, support_plan_id=plan.id, young_person_id=world.person.id,
                           staff_id=world.unit_staff.id, starts_at=starts, ends_at=starts + timedelta(minutes=60))
    db.session.add(visit)
    db.session.flush()
    db.session.add(VisitRecord(scheduled_visit_id=visit.id, young_person_id=world.person.id, unit_id=world.unit.id,
                               staff_id=world.unit_staff.id, visit_at=starts, outcome=VisitOutcome.DONE,
                               actual_minutes=45, themes=[]))
    db.session.commit()
    return world


def test_the_unit_manager_sees_delivered_against_planned_per_resident_and_it_is_audited(page, visits):
    report = page(visits.unit_manager, "/reports/support?by=resident")
    assert report.select_one("h1").text == "Toteutunut tuki"
    by_resident = report.select("table")[1]
    [row] = by_resident.select("tbody tr")
    name = f"{visits.person.last_name}, {visits.person.first_name}"
    assert row.select_one("th").text == name
    assert [td.text for td in row.select("td")][:4] == ["1", "60", "45", "75,0 %"]
    seen = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "list")).all()
    assert [(e.young_person_id, e.user_id) for e in seen] == [(visits.person.id, visits.unit_manager.id)]


def test_the_support_csv_per_resident_is_audited_per_person(client, login, visits):
    login(visits.unit_manager)
    rows = _csv(client.get("/reports/support.csv?by=resident"))
    assert rows[0][:4] == ["Viikko", "Maanantai", "Asukas", "Suunnitellut käynnit"]
    assert rows[1][2:6] == [f"{visits.person.last_name}, {visits.person.first_name}", "1", "60", "45"]
    exported = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).all()
    assert {(e.object_type, e.young_person_id) for e in exported} == {("report", None),
                                                                      ("young_person", visits.person.id)}


def test_a_unit_of_someone_else_is_not_found_and_unit_staff_see_no_reports(page, visits):
    other = make_unit("PI")
    db.session.commit()
    page(visits.unit_manager, f"/reports/support?unit={other.id}", status=404)
    page(None, "/reports/support?unit=x", status=404)
    assert page(None, f"/reports/support?unit={visits.unit.id}").select("table")
    page(visits.unit_staff, "/reports/support", status=403)
    page(visits.admin, "/reports/support", status=403)


# --------------------------------------------------------------------------- caseload, occupancy, allocation


def test_a_social_worker_sees_only_their_own_caseload_row(page, world):
    colleague = make_user(Role.SOCIAL_WORKER, "PI", name="Kollega Kaisa")
    make_person(colleague, "PI")
    db.session.commit()
    own = page(world.social_worker, "/reports/caseload")
    assert [th.text for th in own.select("table tbody tr th")] == [world.social_worker.name, "Lain asettama raja"]
    county = page(world.coordinator, "/reports/caseload")
    assert {th.text for th in county.select("table tbody tr th")} == {
        world.social_worker.name, "Kollega Kaisa", "Lain asettama raja"}


def test_the_unit_manager_sees_the_occupancy_of_their_own_units(page, world):
    make_place(make_unit("PI", name="Muu yksikkö"))
    db.session.commit()
    own = page(world.unit_manager, "/reports/occupancy")
    names = [th.text for th in own.select("table")[0].select("tbody th")]
    assert names == [world.unit.name, "Kaikki yksiköt"]
    [row] = [r for r in own.select("table")[0].select("tbody tr") if r.th.text == world.unit.name]
    assert [td.text for td in row.select("td")][:2] == ["2", "1"]  # places in use, occupied today
    assert "Muu yksikkö" in page(world.coordinator, "/reports/occupancy").text


def test_allocation_quality_next_to_the_greedy_method(page, world):
    side = {"housed_by_band": {"1": 1, "2": 2, "3": 0}, "housed": 3, "first_wishes": 3, "mean_km": 5.0}
    greedy = {"housed_by_band": {"1": 1, "2": 1, "3": 0}, "housed": 2, "first_wishes": 1, "mean_km": 8.0}
    db.session.add(AllocationRound(county_id="PI", as_of=localtime.today() - timedelta(days=3),
                                   status=RoundStatus.CLOSED, comparison={"optimal": side, "greedy": greedy,
                                                                          "applicants": 4, "places": 3}))
    db.session.commit()
    report = page(world.coordinator, "/reports/allocation")
    [row] = report.select("table tbody tr")
    assert [td.text for td in row.select("td")][1:5] == ["4", "3", "3", "2"]
    assert report.select_one("figure.chart svg title").text == "Asunnon saaneet kierroksittain"


def test_csv_of_a_refused_period_is_not_a_file(client, login, world):
    login(world.coordinator)
    response = client.get("/reports/occupancy.csv?first=2026-05-01&last=2026-04-01")
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).all() == []


def test_today_is_the_default_end_and_shown_in_the_form(page, world):
    report = page(world.coordinator, "/reports/occupancy")
    assert report.select_one("input[name=last]")["value"] == localtime.today().isoformat()
    first = date.fromisoformat(report.select_one("input[name=first]")["value"])
    assert (localtime.today() - first).days in (364, 365)


def test_a_resident_is_named_only_to_those_who_may_see_where_they_live(page, visits):
    """As on the unit's page: the report ties a resident to the unit, so a protected resident is
    not named to the unit's manager, and another county's client not to this county's coordinator."""
    visits.person.non_disclosure = True
    db.session.commit()
    row = page(visits.unit_manager, "/reports/support?by=resident").select("table")[1].select_one("tbody tr")
    assert row.select_one("th").text == "Ei näytetä: turvakielto"
    assert not db.session.scalars(select(AuditEvent).where(AuditEvent.action == "list")).all()
    visits.person.non_disclosure, visits.person.placing_county_id = False, "HKI"
    db.session.commit()
    row = page(visits.coordinator, "/reports/support?by=resident").select("table")[1].select_one("tbody tr")
    assert row.select_one("th").text == "Toisen hyvinvointialueen asiakas"
    assert [td.text for td in row.select("td")][:4] == ["1", "60", "45", "75,0 %"]  # counted, not named
