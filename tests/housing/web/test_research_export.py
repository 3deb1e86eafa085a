"""The research export's page: the administrator chooses a period and downloads one zip of CSV
files; a period that cannot be is explained; the files are written by the one CSV writer."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

from sqlalchemy import event, select

from housing import localtime
from housing.extensions import db
from housing.models import AuditEvent
from tests.factories import apply_for, make_person

TODAY = localtime.today()


def test_the_administrator_finds_the_export_on_the_front_page_and_downloads_a_zip(page, client, world):
    front = page(world.admin, "/", language="en")
    link = front.find("a", string="Make a research export")
    form = page(None, link["href"])
    assert form.select_one("h1").text == "Research export"
    apply_for(make_person(world.social_worker, "PI", first_name="=HYPERLINK(1)"), coordinator=world.coordinator)
    db.session.commit()
    response = client.post(link["href"], data={"first_day": (TODAY - timedelta(days=7)).isoformat(),
                                               "last_day": TODAY.isoformat(), "county_id": ""})
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.headers["Cache-Control"].startswith("no-store")
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert archive.namelist() == ["applications.csv", "round_proposals.csv", "rounds.csv", "offers.csv",
                                  "tenancies.csv"]
    applications = archive.read("applications.csv").decode("utf-8-sig").splitlines()
    assert applications[0].startswith("application_id;person_id;placing_county;municipality;age_at_application")
    assert len(applications) == 2 and "HYPERLINK" not in applications[1]
    [summary] = db.session.scalars(select(AuditEvent).where(AuditEvent.object_type == "research_export",
                                                            AuditEvent.young_person_id.is_(None)))
    assert summary.detail["rows"]["applications.csv"] == 1


def test_a_period_that_cannot_be_is_explained(page, world):
    form = page(world.admin, "/admin/research-export", method="POST", status=400, language="en",
                data={"first_day": TODAY.isoformat(), "last_day": (TODAY - timedelta(days=1)).isoformat()})
    assert form.select_one("#last_day-error").text == "The period cannot end before it begins."
    form = page(None, "/admin/research-export", method="POST", status=400, data={"last_day": TODAY.isoformat()})
    assert form.select_one("#first_day-error").text == "Enter the first day of the period."
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).all() == []


def test_the_export_reads_in_the_same_number_of_queries_however_many_applications(client, login, world):
    def statements_for_export() -> int:
        count = []
        listener = lambda *_args: count.append(1)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            response = client.post("/admin/research-export", data={
                "first_day": (TODAY - timedelta(days=7)).isoformat(), "last_day": TODAY.isoformat()})
            assert response.status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(count)

    login(world.admin)
    apply_for(make_person(world.social_worker, "PI"), coordinator=world.coordinator)
    db.session.commit()
    one = statements_for_export()
    for _ in range(4):
        apply_for(make_person(world.social_worker, "PI"), coordinator=world.coordinator)
    db.session.commit()
    assert statements_for_export() == one
