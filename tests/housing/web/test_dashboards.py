"""Each role's front page shows its own work, counts and next steps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, select

from housing import localtime, rules
from housing.extensions import db
from housing.models import ApplicationStatus, AuditEvent, Role, ScheduledVisit, ScheduleStatus, WeeklySchedule
from housing.services import dashboards
from tests.factories import make_application, make_person, make_place, make_referral, make_user


def test_social_worker_sees_caseload_against_the_limit_and_plans_to_update(client, login, world):
    for _ in range(24):
        make_person(world.social_worker, client_plan_date=localtime.today())
    db.session.commit()
    login(world.social_worker)
    client.post("/language", data={"language": "en"})
    page = client.get("/").get_data(as_text=True)
    assert "25 / 30" in page and "caseload--warning" in page
    assert "close to the statutory limit of 30" in page
    assert "missing" in page  # the world's client has no client plan


def test_coordinator_sees_the_waiting_list_by_band_and_free_places(client, login, world):
    make_application(world.person, ApplicationStatus.WAITLISTED, urgency_band=1)
    make_application(make_person(world.social_worker), ApplicationStatus.SUBMITTED)
    make_place(world.unit, out_of_use=True, out_of_use_reason="remontti")
    db.session.commit()
    login(world.coordinator)
    client.post("/language", data={"language": "en"})
    page = client.get("/").get_data(as_text=True)
    assert "1 – acute: 1" in page
    assert "1 / 3" in page  # one free place of three: one is lived in, one is out of use


def test_unit_staff_see_their_own_visits_of_the_coming_week(client, login, world):
    start = datetime.now(UTC) + timedelta(days=1)
    published, draft = (WeeklySchedule(unit_id=world.unit.id, week_start=localtime.today(), status=status)
                        for status in (ScheduleStatus.PUBLISHED, ScheduleStatus.DRAFT))
    db.session.add_all([published, draft])
    db.session.flush()
    for schedule, staff in ((published, world.unit_staff), (published, world.unit_manager), (draft, world.unit_staff)):
        db.session.add(ScheduledVisit(schedule_id=schedule.id, young_person_id=world.person.id, staff_id=staff.id,
                                      starts_at=start, ends_at=start + timedelta(minutes=45)))
    db.session.commit()
    login(world.unit_staff)
    page = client.get("/").get_data(as_text=True)
    # The published visit and the resident list; neither a colleague's visit nor a draft's.
    assert page.count(f'href="/young-people/{world.person.id}"') == 2
    listed = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "list",
                                                         AuditEvent.user_id == world.unit_staff.id))
    assert {e.young_person_id for e in listed} == {world.person.id}


def test_the_page_fixture_reads_the_heading_a_person_sees(page, world):
    assert page(world.coordinator, "/", language="en").select_one("h1").text.strip()
    page(None, "/young-people/999999", status=404)


def test_the_social_workers_front_page_reads_the_same_number_of_statements_for_3_and_30_clients(client, login):
    """Before: the page rendered after the audit commit, which expired every client, so each
    row was read again (2,008 statements and 2.8 s for a caseload of 2,000)."""
    worker = make_user(Role.SOCIAL_WORKER, "PI")
    statements: list[str] = []

    def count(*args):
        statements.append(args[2])

    counts = []
    for clients in (3, 27):
        for _ in range(clients):
            make_person(worker, "PI")
        login(worker)
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            statements.clear()
            assert client.get("/").status_code == 200
            counts.append(len(statements))
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
    assert counts[0] == counts[1], counts


def test_aftercare_shows_ended_on_the_23rd_birthday_itself(page, world):
    today = localtime.today()
    if (today.month, today.day) == (2, 29):
        pytest.skip("no one was born on 29 February 23 years before a leap day")
    birthday = today.replace(year=today.year - 23)
    assert rules.aftercare_ends_on(birthday) == today
    turning = make_person(world.social_worker, birth=birthday, first_name="Synttäri")
    db.session.commit()
    rows = page(world.social_worker, "/", language="en").select("tbody tr")
    row = next(r for r in rows if "Synttäri" in r.text)
    assert "ended" in row.text and "ends soon" not in row.text, turning.birth_date


def test_a_caseload_beyond_the_front_page_shows_who_needs_attention_first(page, world, monkeypatch):
    """A caseload far over the law (2,000 in the load test) listed whole took 0.4 s a page and
    wrote 2,000 audit rows; the page now lists those who need attention first, and says so."""
    monkeypatch.setattr(dashboards, "FRONT_PAGE_CLIENTS", 3)
    today = localtime.today()
    for n in range(4):
        make_person(world.social_worker, first_name=f"Ajan{n}", client_plan_date=today)
    ending = make_person(world.social_worker, first_name="Päättyvä", client_plan_date=today,
                         birth=today.replace(year=today.year - 23) + timedelta(days=30))
    db.session.commit()
    shown = page(world.social_worker, "/", language="en")
    names = [row.select_one("td").text.strip() for row in shown.select("tbody tr")]
    assert len(names) == 3 and names[0].startswith("Päättyvä") and world.person.full_name in names[1]
    assert "Shown: the 3 of your 6 clients who need attention first" in shown.text
    assert shown.find("a", string="All your clients")["href"] == "/young-people/"
    viewed = db.session.scalars(select(AuditEvent.young_person_id).where(AuditEvent.action == "list")).all()
    assert len(viewed) == 3 and {ending.id, world.person.id} <= set(viewed)  # only the rows shown


def test_a_caseload_that_fits_is_listed_whole_by_name(page, world):
    today = localtime.today()
    for name in ("Öhman", "Aalto"):
        make_person(world.social_worker, last_name=name, client_plan_date=today)
    db.session.commit()
    rows = page(world.social_worker, "/", language="en").select("tbody tr")
    assert [r.select_one("td").text.strip().split()[-1] for r in rows][0] == "Aalto"
    assert len(rows) == 3


def test_a_cut_list_still_audits_everyone_the_alerts_name(page, world, monkeypatch):
    """The front page names a client with a stalled referral in its alert even when the cut list
    leaves them out: that name is a read of their data too."""
    monkeypatch.setattr(dashboards, "FRONT_PAGE_CLIENTS", 1)
    today = localtime.today()
    stalled = make_person(world.social_worker, last_name="Öljymäki", client_plan_date=today)
    make_referral(stalled, referred_on=today - timedelta(days=45))
    db.session.commit()
    shown = page(world.social_worker, "/", language="en")
    assert "Öljymäki" not in shown.select_one("tbody").text and "Öljymäki" in shown.text
    viewed = db.session.scalars(select(AuditEvent.young_person_id).where(AuditEvent.action == "list")).all()
    assert stalled.id in viewed
