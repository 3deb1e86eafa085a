"""Command-line tasks: ``flask --app housing <command>``."""

from __future__ import annotations

import getpass
import json
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from housing import localtime
from housing.extensions import db
from housing.models import Role
from housing.services.errors import RuleViolation


def register_commands(app: Flask) -> None:
    app.cli.add_command(load_reference)
    app.cli.add_command(create_user)
    app.cli.add_command(seed_demo)
    app.cli.add_command(worker)
    app.cli.add_command(schedule_week)
    app.cli.add_command(allocation_round)
    app.cli.add_command(expire_offers)


@click.command("load-reference")
@with_appcontext
def load_reference() -> None:
    """Load counties and municipalities (idempotent)."""
    from housing.services.reference import load_reference_data

    result = load_reference_data()
    db.session.commit()
    click.echo(f"Reference data: {result.counties} counties, {result.municipalities} municipalities "
               f"({result.changed} rows added or changed).")


@click.command("create-user")
@with_appcontext
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--county", "county_id", help="County id, e.g. PI or HKI (all roles but admin).")
@click.option("--unit", "unit_ids", type=int, multiple=True, help="Unit id (unit roles; repeatable).")
@click.option("--language", type=click.Choice(["fi", "sv", "en"]), default="fi")
@click.option("--password", help="Asked for when not given (recommended: not in shell history).")
def create_user(email, name, role, county_id, unit_ids, language, password) -> None:
    """Create a staff account."""
    from housing.services import accounts

    password = password or getpass.getpass("Password: ")
    try:
        user = accounts.create_user(email=email, name=name, role=Role(role), password=password,
                                    county_id=county_id, unit_ids=list(unit_ids), language=language)
    except RuleViolation as violation:
        db.session.rollback()
        raise click.ClickException(str(violation.message)) from None
    db.session.commit()
    click.echo(f"Created {user.role} {user.email} (id {user.id}).")


@click.command("seed-demo")
@with_appcontext
def seed_demo() -> None:
    """Build a believable demo county (idempotent; refused in production)."""
    if not current_app.config["DEMO_ACCOUNTS_ALLOWED"]:
        raise click.ClickException("seed-demo runs only with HOUSING_ENV=development or demo.")
    from housing.demo import seed

    summary = seed()
    db.session.commit()
    click.echo(summary)


@click.command("worker")
@with_appcontext
@click.option("--burst", is_flag=True, help="Run the jobs waiting now, then stop.")
def worker(burst: bool) -> None:
    """Run background jobs (allocation rounds, schedules) from Redis (HOUSING_REDIS_URL)."""
    from housing import jobs

    if not current_app.config.get("REDIS_URL"):
        raise click.ClickException("Set HOUSING_REDIS_URL (e.g. redis://127.0.0.1:6379/0) to run a worker.")
    jobs.work(burst=burst)


@click.command("schedule-week")
@with_appcontext
@click.option("--unit", "unit_id", type=int, required=True, help="The unit's id.")
@click.option("--week", type=click.DateTime(formats=["%Y-%m-%d"]), required=True, help="The week's Monday.")
@click.option("--output", type=click.Path(file_okay=False, path_type=Path),
              help="Write problem.json and result.json, exactly as stored, into this folder.")
@click.option("--time-limit", "seconds", type=click.IntRange(1, 3600), help="Seconds the solver may use.")
def schedule_week(unit_id: int, week, output: Path | None, seconds: int | None) -> None:
    """Plan a unit's week now, as a draft (for nightly planning and audits)."""
    from housing import jobs
    from housing.models import JobStatus, Unit
    from housing.services import scheduling

    unit = db.session.get(Unit, unit_id)
    if unit is None:
        raise click.ClickException(f"No unit with id {unit_id}.")
    try:
        schedule, job = scheduling.plan_week(None, unit, week.date(), seconds=seconds, runner="cli")
    except RuleViolation as violation:
        db.session.rollback()
        raise click.ClickException(str(violation.message)) from None
    if jobs.run(job.id) != JobStatus.DONE:
        raise click.ClickException(f"Planning failed: {jobs.error_label(job)} {job.error or ''}".strip())
    db.session.refresh(schedule)
    objective, result = schedule.result["objective"], schedule.result
    click.echo(f"Draft {schedule.id}: {unit.name}, week of {schedule.week_start}: {objective['scheduled']} of "
               f"{len(schedule.problem['visits'])} visits scheduled, {objective['with_key_worker']} with their key "
               f"worker, {objective['kept']} kept from the published week, {objective['travel_minutes']} minutes of "
               f"travel; {len(result['unscheduled'])} left out ({result['status']}, {result['stats']['seconds']} s).")
    if output is not None:
        output.mkdir(parents=True, exist_ok=True)
        for name, document in (("problem.json", schedule.problem), ("result.json", schedule.result)):
            (output / name).write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        click.echo(f"Wrote {output / 'problem.json'} and {output / 'result.json'}.")
@click.command("allocation-round")
@with_appcontext
@click.option("--county", "county_id", required=True, help="County id, e.g. PI.")
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), help="The round's day (default: today).")
@click.option("--output", type=click.Path(file_okay=False), help="Write problem.json and result.json here.")
@click.option("--time-limit", type=int, default=None, help="Seconds for the solver (default 30).")
def allocation_round(county_id, as_of, output, time_limit) -> None:
    """Run an allocation round now, as the page does (every free place, the whole waiting list,
    the county's policy), recorded as run from the command line."""
    from pathlib import Path

    from housing import jobs
    from housing.models import County
    from housing.services import allocation_policy, rounds

    if db.session.get(County, county_id) is None:
        raise click.ClickException(f"No county {county_id!r}.")
    day = as_of.date() if as_of else localtime.today()
    policy = allocation_policy.policy_for(county_id)
    choice = rounds.RoundChoice(as_of=day, free_by=day, weights=allocation_policy.weights_of(policy),
                                time_limit=time_limit or rounds.DEFAULT_TIME_LIMIT)
    try:
        started, job = rounds.create_round(None, county_id, choice, localtime.today())
    except RuleViolation as violation:
        db.session.rollback()
        raise click.ClickException(str(violation.message)) from None
    db.session.commit()
    jobs.run(job.id)
    finished = db.session.get(type(started), started.id)
    rounds.refresh(finished)
    db.session.commit()
    click.echo(rounds.describe(finished))
    if output and finished.result is not None:
        folder = Path(output)
        folder.mkdir(parents=True, exist_ok=True)
        for which in ("problem", "result"):
            (folder / f"{which}.json").write_bytes(rounds.stored_file(finished, which))
        click.echo(f"Wrote {folder / 'problem.json'} and {folder / 'result.json'}.")
    if finished.result is None:
        raise SystemExit(1)


@click.command("expire-offers")
@with_appcontext
def expire_offers() -> None:
    """Expire offers not answered by their day: the applications go back to the waiting list
    at their old places and the places are free again (run daily, e.g. from cron)."""

    from housing.services import offers

    expired = offers.expire_overdue(localtime.today())
    db.session.commit()
    click.echo(f"{len(expired)} offer(s) expired.")
