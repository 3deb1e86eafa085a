"""The worker's day and visit records: recording, who may read the notes (each read audited),
versions of late edits, the missed-visits alert, and turvakielto addresses kept from pages."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from housing import localtime
from housing.extensions import db
from housing.models import (
    AuditEvent,
    Role,
    ScheduleStatus,
    Tenancy,
    VisitOutcome,
    VisitRecord,
    VisitRecordVersion,
)
from housing.services import visit_records
from housing.services.schedule_problem import LOCAL_TIME, monday_of
from tests.factories import (
    make_person,
    make_place,
    make_plan,
    make_staff,
    make_tenancy,
    make_unit,
    make_user,
    make_visit_record,
    make_week,
)

PROTECTED_ADDRESS = "Salainen tie 1"
NOTE = "Puhuttiin opinnoista ja rahasta."


class Day:
    """A unit with one worker's published visits today: a protected resident first, then another."""

    def __init__(self) -> None:
        today = localtime.today()
        self.unit = make_unit("PI")
        self.staff = make_staff(self.unit, shifts=[(d, 0, 1440) for d in range(7)])
        self.manager = make_user(Role.UNIT_MANAGER, "PI", units=[self.unit])
        self.social_worker = make_user(Role.SOCIAL_WORKER, "PI")
        self.coordinator = make_user(Role.COORDINATOR, "PI")
        self.protected = make_person(self.social_worker, address=PROTECTED_ADDRESS, non_disclosure=True)
        self.open = make_person(self.social_worker, address="Avoin katu 2")
        move_in = today - timedelta(days=40)
        plans = [make_plan(make_tenancy(person, make_place(self.unit), move_in), self.staff, visits_per_week=2,
                           goals=goal)
                 for person, goal in ((self.protected, "Päivärytmi kuntoon."), (self.open, "Laskut ajallaan."))]
        monday = monday_of(today)
        day = (today - monday).days * 1440
        self.week = make_week(self.unit, monday, [(f"P{plans[0].id}.1", self.staff, day + 9 * 60),
                                                  (f"P{plans[1].id}.1", self.staff, day + 11 * 60)],
                              status=ScheduleStatus.PUBLISHED)
        self.protected_visit, self.open_visit = sorted(self.week.visits, key=lambda v: v.starts_at)
        db.session.commit()


@pytest.fixture
def day(app) -> Day:
    return Day()


def done(**changes) -> dict:
    data = {"outcome": "done", "day": localtime.today().isoformat(), "start_time": "00:00", "actual_minutes": 50,
            "visit_type": "home_visit", "themes": ["finances", "studies_work"], "notes": NOTE}
    data.update(changes)
    return data


def test_the_workers_day_lists_todays_visits_in_order(page, day):
    my_day = page(day.staff, "/my-day", language="en")
    visits = my_day.select(".day-visit")
    assert [v.select_one(".day-visit__name").text.strip() for v in visits] == [day.protected.full_name,
                                                                               day.open.full_name]
    assert visits[0].select_one(".day-visit__time").text == "09:00–10:00"  # English: the 24-hour clock
    assert "Address not shown" in visits[0].select_one(".day-visit__address").text
    assert "Avoin katu 2" in visits[1].select_one(".day-visit__address").text
    assert "Päivärytmi kuntoon." in visits[0].text
    assert visits[1].select_one("a.day-visit__action")["href"] == f"/visits/{day.open_visit.id}/record"


def test_a_worker_records_one_done_visit_and_one_missed(page, day):
    page(day.staff, f"/visits/{day.open_visit.id}/record", method="POST", status=302, data=done())
    page(day.staff, f"/visits/{day.protected_visit.id}/record", method="POST", status=302,
         data={"outcome": "missed", "day": localtime.today().isoformat(), "notes": "Ei ollut kotona."})
    records = {r.young_person_id: r for r in db.session.scalars(select(VisitRecord))}
    done_record, missed = records[day.open.id], records[day.protected.id]
    assert (done_record.outcome, done_record.actual_minutes, done_record.themes) == (
        VisitOutcome.DONE, 50, ["finances", "studies_work"])
    assert done_record.unit_id == day.unit.id and done_record.staff_id == day.staff.id
    assert (missed.outcome, missed.started_at, missed.actual_minutes) == (VisitOutcome.MISSED, None, None)
    labels = [v.select_one(".hds-status-label").text for v in page(day.staff, "/my-day", language="en")
              .select(".day-visit")]
    assert labels == ["Missed: the young person was not reached", "Done"]


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"actual_minutes": ""}, "actual_minutes", "how many minutes"),
    ({"visit_type": ""}, "visit_type", "Choose the kind of visit."),
    ({"start_time": "23:59", "day": (localtime.today() + timedelta(days=1)).isoformat()}, "start_time",
     "in the future"),
    ({"outcome": "cancelled", "cancelled_by": ""}, "cancelled_by", "Say who cancelled the visit."),
])
def test_a_bad_record_is_explained_and_not_saved(page, day, changes, field, message):
    refused = page(day.staff, f"/visits/{day.open_visit.id}/record", method="POST", status=400, language="en",
                   data=done(**changes))
    assert message in refused.select_one(f"#{field}-error").text
    assert db.session.scalar(select(func.count()).select_from(VisitRecord)) == 0


def test_a_visit_that_was_not_planned_can_be_recorded(page, day):
    page(day.staff, "/visits/new", method="POST", status=302, data={**done(), "person_id": day.open.id})
    record = db.session.scalar(select(VisitRecord))
    assert record.scheduled_visit_id is None and record.unit_id == day.unit.id
    assert record.visit_at.astimezone(LOCAL_TIME).date() == localtime.today()


def test_two_missed_visits_in_a_row_raise_an_alert_for_the_unit_and_the_social_worker(page, day):
    earlier = make_week(day.unit, monday_of(localtime.today()) - timedelta(days=7),
                        [(day.open_visit.visit_ref, day.staff, 600)], status=ScheduleStatus.PUBLISHED)
    make_visit_record(earlier.visits[0], VisitOutcome.MISSED)
    make_visit_record(day.open_visit, VisitOutcome.DONE)
    db.session.commit()
    assert page(day.manager, "/").select_one("#missed-title") is None  # missed, then done: no alert
    db.session.delete(db.session.scalar(select(VisitRecord).where(VisitRecord.outcome == VisitOutcome.DONE)))
    make_visit_record(day.open_visit, VisitOutcome.MISSED)
    db.session.commit()
    for user in (day.manager, day.staff, day.social_worker):
        alert = page(user, "/", language="en").select_one("#missed-title").find_parent("section")
        assert day.open.full_name in alert.text and day.protected.full_name not in alert.text


class Outsiders:
    def __init__(self, day: Day) -> None:
        self.other_worker = make_user(Role.SOCIAL_WORKER, "PI")
        self.other_county = make_user(Role.COORDINATOR, "HKI")
        self.other_unit_staff = make_staff(make_unit("PI"))
        self.admin = make_user(Role.ADMIN)
        db.session.commit()


def test_notes_are_read_only_by_the_unit_the_social_worker_and_the_coordinator_each_read_audited(page, day):
    record = make_visit_record(day.open_visit, notes=NOTE)
    db.session.commit()
    for reader in (day.staff, day.manager, day.social_worker, day.coordinator):
        assert NOTE in page(reader, f"/visit-records/{record.id}").text
        assert NOTE in page(reader, f"/young-people/{day.open.id}/visits").text
        reads = db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.user_id == reader.id, AuditEvent.action == "view", AuditEvent.object_type == "visit_record",
            AuditEvent.object_id == str(record.id), AuditEvent.young_person_id == day.open.id))
        assert reads == 2
    outsiders = Outsiders(day)
    for outsider in (outsiders.other_worker, outsiders.other_county, outsiders.other_unit_staff):
        page(outsider, f"/visit-records/{record.id}", status=404)
        page(outsider, f"/young-people/{day.open.id}/visits", status=404)
    page(outsiders.admin, f"/visit-records/{record.id}", status=403)
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(  # no read (a refusal may be logged)
        AuditEvent.action == "view", AuditEvent.object_type == "visit_record", AuditEvent.user_id.in_(
            [outsiders.other_worker.id, outsiders.other_county.id, outsiders.other_unit_staff.id]))) == 0


def test_only_the_units_staff_may_change_a_record(page, day):
    record = make_visit_record(day.open_visit)
    db.session.commit()
    page(day.social_worker, f"/visit-records/{record.id}/edit", status=403)
    assert page(day.social_worker, f"/visit-records/{record.id}").select_one("a[href$='/edit']") is None


def test_an_edit_after_a_day_keeps_the_earlier_version(page, day):
    two_days_ago = datetime.now(LOCAL_TIME) - timedelta(days=2)
    record = visit_records.record_visit(day.staff, {"outcome": "done", "started_at": two_days_ago,
                                                    "actual_minutes": 40, "visit_type": "phone", "themes": [],
                                                    "cancelled_by": None, "notes": "Ensimmäinen kirjaus."},
                                        visit=day.open_visit, now=two_days_ago + timedelta(hours=1))
    db.session.commit()
    page(day.staff, f"/visit-records/{record.id}/edit", method="POST", status=302,
         data=done(notes="Korjattu kirjaus."))
    versions = db.session.scalars(select(VisitRecordVersion)).all()
    assert [(v.version, v.notes, v.actual_minutes) for v in versions] == [(1, "Ensimmäinen kirjaus.", 40)]
    shown = page(day.social_worker, f"/visit-records/{record.id}", language="en")
    assert "Korjattu kirjaus." in shown.select_one(".facts").text
    assert "Ensimmäinen kirjaus." in shown.select_one(".record-version").text


def test_an_edit_within_a_day_is_a_correction_without_a_version(page, day):
    record = make_visit_record(day.open_visit, notes="Kirjoitusvihre.")
    db.session.commit()
    page(day.staff, f"/visit-records/{record.id}/edit", method="POST", status=302, data=done(notes="Korjattu."))
    assert db.session.scalar(select(func.count()).select_from(VisitRecordVersion)) == 0
    db.session.refresh(record)
    assert record.notes == "Korjattu."


def test_a_protected_address_is_in_no_page_of_the_unit_roles(page, day):
    """Turvakielto: the unit's staff and manager see the resident's name, never where they live."""
    record = make_visit_record(day.protected_visit)
    db.session.commit()
    pages = {
        day.staff: ["/", "/my-day", f"/schedules/{day.week.id}", f"/schedules/{day.week.id}?view=residents",
                    f"/visits/{day.open_visit.id}/record", f"/visit-records/{record.id}",
                    f"/visit-records/{record.id}/edit", f"/young-people/{day.protected.id}/visits",
                    f"/young-people/{day.protected.id}", "/visits/new"],
        day.manager: ["/", f"/schedules/{day.week.id}", f"/schedules/{day.week.id}?view=residents",
                      f"/support/units/{day.unit.id}", f"/visit-records/{record.id}",
                      f"/young-people/{day.protected.id}/visits", f"/young-people/{day.protected.id}"],
    }
    for user, urls in pages.items():
        for url in urls:
            text = page(user, url).text
            assert PROTECTED_ADDRESS not in text, f"{user.role} {url}"
    assert PROTECTED_ADDRESS in page(day.social_worker, f"/young-people/{day.protected.id}").text


def test_someone_who_has_moved_out_leaves_the_workers_day_and_front_page(page, day):
    tenancy = db.session.scalar(select(Tenancy).where(Tenancy.young_person_id == day.open.id))
    tenancy.actual_move_out = localtime.today()  # the place is free from today
    db.session.commit()
    names = [v.text for v in page(day.staff, "/my-day").select(".day-visit__name")]
    assert day.open.full_name not in " ".join(names) and day.protected.full_name in " ".join(names)
    assert day.open.full_name not in page(None, "/").text
    page(None, f"/young-people/{day.open.id}", status=404)  # …as their page says


def test_a_visits_time_of_day_is_written_as_each_language_writes_it(page, day):
    """9.00 in Finnish, 09:00 in Swedish: on a record, in the list of records and on the form."""
    record = make_visit_record(day.open_visit)
    db.session.commit()
    today = localtime.today()
    for language, nine, eleven in (("fi", "9.00", "11.00"), ("sv", "09:00", "11:00")):
        shown = page(day.staff, f"/visit-records/{record.id}", language=language).select_one(".lead").text
        assert f"{today.day}.{today.month}.{today.year} {eleven}" in shown
        listed = page(day.staff, f"/young-people/{day.open.id}/visits", language=language).select_one("h2 a").text
        assert listed.strip().endswith(f"{today.day}.{today.month}.{today.year} {eleven}")
        form = page(day.staff, f"/visits/{day.protected_visit.id}/record", language=language).select_one(".lead").text
        assert form.strip().endswith(f"{today.day}.{today.month}. {nine}")
