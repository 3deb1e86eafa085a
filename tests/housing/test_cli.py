"""Command-line tasks."""

from __future__ import annotations

import contextvars

from sqlalchemy import select

from housing import localtime
from housing.extensions import db
from housing.models import Role, User


def test_create_user_makes_an_account_that_can_log_in(app, client):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-user", "--email", "Kaisa@Example.fi", "--name", "Kaisa K",
                                 "--role", "coordinator", "--county", "PI", "--password", "a long passphrase here"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "kaisa@example.fi"))
    assert user.role == Role.COORDINATOR and user.county_id == "PI"
    login = client.post("/login", data={"email": "kaisa@example.fi", "password": "a long passphrase here"})
    assert login.status_code == 302


def test_create_user_explains_a_refusal(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-user", "--email", "x@example.fi", "--name", "X", "--role", "unit_staff",
                                 "--county", "PI", "--password", "a long passphrase here"])
    assert result.exit_code != 0 and result.output.startswith("Error: ")
    assert db.session.scalar(select(User).where(User.email == "x@example.fi")) is None
    weak = runner.invoke(args=["create-user", "--email", "y@example.fi", "--name", "Y", "--role", "admin",
                               "--password", "short"])
    assert weak.exit_code != 0 and "12" in weak.output


def test_load_reference_is_idempotent(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["load-reference"])
    assert first.exit_code == 0 and "309 municipalities" in first.output
    assert "(0 rows added or changed)" in runner.invoke(args=["load-reference"]).output


def test_seed_demo_is_refused_in_production(app):
    from housing import create_app

    production = create_app({"ENV": "production", "SECRET_KEY": "z" * 40,
                             "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"]})
    # A fresh context: the test's own application context would otherwise be used.
    result = contextvars.Context().run(production.test_cli_runner().invoke, args=["seed-demo"])
    assert result.exit_code != 0 and "development or demo" in result.output


def test_schedule_week_plans_a_draft_and_writes_problem_and_result_as_stored(app, tmp_path, monkeypatch):
    import json
    from datetime import timedelta

    from housing.models import ScheduleStatus, WeeklySchedule
    from housing.services.schedule_problem import monday_of
    from tests.housing.services.test_scheduling import Unit

    unit = Unit(move_in=localtime.today() - timedelta(days=30))
    monday = monday_of(localtime.today()) + timedelta(days=7)
    result = app.test_cli_runner().invoke(args=["schedule-week", "--unit", str(unit.unit.id), "--week",
                                                monday.isoformat(), "--time-limit", "3", "--output", str(tmp_path)])
    assert result.exit_code == 0, result.output
    schedule = db.session.scalar(select(WeeklySchedule))
    assert schedule.status == ScheduleStatus.DRAFT and schedule.week_start == monday
    assert result.output.startswith(f"Draft {schedule.id}: {unit.unit.name}, week of {monday}: 6 of 6 visits")
    assert json.loads((tmp_path / "problem.json").read_text()) == schedule.problem
    assert json.loads((tmp_path / "result.json").read_text()) == schedule.result


def test_schedule_week_explains_a_refusal(app):
    runner = app.test_cli_runner()
    assert "No unit with id 999" in runner.invoke(args=["schedule-week", "--unit", "999", "--week",
                                                        "2030-01-07"]).output
    from tests.factories import make_unit

    unit = make_unit()
    db.session.commit()
    tuesday = runner.invoke(args=["schedule-week", "--unit", str(unit.id), "--week", "2030-01-08"])
    assert tuesday.exit_code != 0 and "Viikko alkaa maanantaista." in tuesday.output  # the default language
