"""Waiting for a background job the way the journeys do (``Actor.wait_for_job``): the page follows
its job and reloads itself when the job has ended; a job that does not end fails the wait
within its bound instead of hanging the suite."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from housing import jobs, localtime
from housing.extensions import db
from housing.models import ScheduleStatus, Unit, WeeklySchedule
from housing.services import scheduling
from housing.services.schedule_problem import monday_of
from tests.browser.conftest import make_cast


def test_the_wait_ends_when_the_page_reloads_after_its_job_and_fails_while_the_job_runs_on(
        journey, server, logged_in):
    trip = journey("en")
    cast = make_cast(server, "en")
    with server.data():
        unit = db.session.scalar(select(Unit).where(Unit.name == "Koivukoti"))
        week = WeeklySchedule(unit_id=unit.id, week_start=monday_of(localtime.today()) + timedelta(days=7),
                              status=ScheduleStatus.DRAFT)
        db.session.add(week)
        db.session.flush()
        job = jobs.create(scheduling.JOB_KIND, week.id, time_limit_seconds=5, runner="thread")  # never started
        db.session.commit()
        week_id, job_id = week.id, job.id
    manager = logged_in(trip, cast.unit_manager)
    manager.open(f"/schedules/{week_id}", "week being planned")
    assert manager.page.locator("[data-progress-url]").count() == 1

    with pytest.raises(AssertionError, match="had not ended after 3 s"):
        manager.wait_for_job("week planned", seconds=3)

    with server.data():
        jobs.run(job_id)  # the job runs and ends; the page, still open, finds out by itself
    manager.wait_for_job("week planned", seconds=30)
    assert manager.page.locator("[data-progress-url]").count() == 0
    assert "Visits scheduled" in manager.text()  # the planned week, where the progress was
