"""Benchmark of support scheduling in the application: a unit of 30 staff and 150 residents.

    python benchmarks/support_week.py [--database-url URL] [--repeat 5]

Builds the unit in a fresh database (a temporary SQLite file unless a URL is given; it must be
empty), then measures what a unit manager waits for, through the application's own pages
and services:

1. planning next week: from the request that asks for it (``POST /schedules/new``) until the
   page's progress poll (``/schedules/<id>/progress``) says it is done, the job running in a
   background thread as in production; target: the solver's time limit plus 5 s;
2. the calendar page of that week, by worker and by resident (median of ``--repeat``
   renderings, each a full request with its audit writes); target: under 500 ms;
3. re-planning the published week after two workers fall ill on Wednesday at noon: from
   asking until the draft with its change list is stored; target: within 15 s.

Prints one Markdown table for the README. Tests never assert timings; this script does not
either: it reports.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from housing import localtime

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

STAFF, RESIDENTS = 30, 150
CENTRE = (61.4978, 23.7610)  # Tampere
SKILLS = (("nurse", 6), ("mental_health", 8), ("substance_use", 5))
DAY_SHIFT, EVENING_SHIFT = (8 * 60, 16 * 60), (12 * 60, 20 * 60)


def build_unit(rng: random.Random, monday: date):
    """One scattered-flats unit: its staff with skills and shifts, residents around town with plans."""
    from housing.extensions import db
    from housing.models import Role, ShiftPattern, UnitType
    from tests.factories import make_person, make_place, make_plan, make_tenancy, make_unit, make_user

    unit = make_unit("PI", lat=CENTRE[0], lon=CENTRE[1], unit_type=UnitType.SCATTERED_FLATS, name="Benchmark unit")
    manager = make_user(Role.UNIT_MANAGER, "PI", units=[unit])
    skills = [skill for skill, count in SKILLS for _ in range(count)] + [None] * (STAFF - sum(c for _, c in SKILLS))
    staff = []
    for n in range(STAFF):
        user = make_user(Role.UNIT_STAFF, "PI", units=[unit], base_unit_id=unit.id,
                         max_weekly_minutes=rng.choice((1200, 1350, 1500, 1800)))
        user.skills = [skills[n]] if skills[n] else []
        start, end = EVENING_SHIFT if n % 3 == 2 else DAY_SHIFT
        day_off = rng.randrange(5) if rng.random() < 0.3 else None
        db.session.add_all(ShiftPattern(user_id=user.id, weekday=d, start_minute=start, end_minute=end)
                           for d in range(5) if d != day_off)
        staff.append((user, (start, end)))
    load = {user.id: 0 for user, _ in staff}
    for n in range(RESIDENTS):
        _resident(rng, n, unit, staff, load, monday, make_person, make_place, make_tenancy, make_plan)
    db.session.commit()
    return unit, manager


def _resident(rng, n, unit, staff, load, monday, make_person, make_place, make_tenancy, make_plan) -> None:
    lat = CENTRE[0] + rng.uniform(-0.05, 0.05)
    lon = CENTRE[1] + rng.uniform(-0.1, 0.1)
    # A birth date each: the factory's identity codes are unique per birth date and number.
    person = make_person(None, birth=date(2004, 1, 1) + timedelta(days=3 * n), lat=round(lat, 5), lon=round(lon, 5))
    tenancy = make_tenancy(person, make_place(unit), monday - timedelta(days=rng.randint(20, 400)))
    skill = rng.choice([skill for skill, _ in SKILLS]) if rng.random() < 0.25 else None
    able = [(user, shift) for user, shift in staff if skill is None or skill in user.skills]
    fewest = min(load[user.id] for user, _ in able)
    key_worker, (shift_start, shift_end) = rng.choice([(u, s) for u, s in able if load[u.id] == fewest])
    load[key_worker.id] += 1
    minutes = rng.choice((30, 45, 60, 60, 75, 90))
    start = rng.randrange(shift_start, shift_end - 180, 30)
    days = sorted(rng.sample(range(5), rng.choice((3, 4, 5))))
    make_plan(tenancy, key_worker, visits_per_week=rng.choices((1, 2, 3), weights=(3, 5, 2))[0],
              minutes_per_visit=minutes, skill_needed=skill,
              preferred_times=[{"weekday": d, "start": start, "end": start + rng.choice((180, 240, 300))}
                               for d in days])


def plan_next_week(client, manager, unit, monday: date) -> tuple[int, float]:
    from housing.extensions import db
    from housing.models import WeeklySchedule

    started = time.perf_counter()
    response = client.post("/schedules/new", data={"unit_id": unit.id, "week": monday.isoformat()})
    assert response.status_code == 302, response.status_code
    schedule_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    while not client.get(f"/schedules/{schedule_id}/progress").get_json()["finished"]:
        time.sleep(0.2)
    seconds = time.perf_counter() - started
    db.session.expire_all()
    assert db.session.get(WeeklySchedule, schedule_id).result is not None
    return schedule_id, seconds


def render(client, url: str, repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200
    return statistics.median(timings)


def replan_after_illness(manager, schedule_id: int, monday: date) -> tuple[object, float, int]:
    """Publish the week, then the two workers with most visits after Wednesday noon fall ill."""
    from housing import jobs
    from housing.extensions import db
    from housing.models import StaffAbsence, WeeklySchedule
    from housing.services import scheduling
    from housing.services.schedule_problem import moment

    week = db.session.get(WeeklySchedule, schedule_id)
    friday_before = moment(monday, -3 * 1440 + 14 * 60)
    scheduling.publish(manager, week, now=friday_before)
    wednesday_noon = moment(monday, 2 * 1440 + 12 * 60)
    ahead: dict[int, int] = {}
    for visit in week.visits:
        if visit.starts_at >= wednesday_noon:
            ahead[visit.staff_id] = ahead.get(visit.staff_id, 0) + 1
    ill = sorted(ahead, key=lambda staff_id: (-ahead[staff_id], staff_id))[:2]
    db.session.add_all(StaffAbsence(user_id=staff_id, first_day=monday + timedelta(days=2),
                                    last_day=monday + timedelta(days=4), reason="sick_leave") for staff_id in ill)
    db.session.commit()
    started = time.perf_counter()
    draft, job = scheduling.replan(manager, week, now=wednesday_noon)
    db.session.commit()
    jobs.run(job.id)
    seconds = time.perf_counter() - started
    db.session.expire_all()
    return db.session.get(WeeklySchedule, draft.id), seconds, sum(ahead[s] for s in ill)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="an empty database (default: a temporary SQLite file)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="kp-bench-")
    url = args.database_url or f"sqlite:///{folder}/bench.db"

    from flask_migrate import upgrade

    from housing import create_app
    from housing.extensions import db
    from housing.models import WeeklySchedule
    from housing.services.reference import load_reference_data
    from housing.services.schedule_problem import monday_of
    from housing.services.schedule_views import week_view
    from tests.housing.conftest import IsolatedClient, log_in

    app = create_app({"ENV": "development", "DATABASE_URL": url, "WTF_CSRF_ENABLED": False})
    app.test_client_class = IsolatedClient  # each request in a context of its own, as a server does
    with app.app_context():
        upgrade()
        load_reference_data()
        db.session.commit()
        monday = monday_of(localtime.today()) + timedelta(days=7)
        unit, manager = build_unit(random.Random(2026), monday)
        client = log_in(app.test_client(), manager)
        limit = app.config.get("SCHEDULE_SECONDS", 30)
        print(f"load before: {os.getloadavg()[0]:.2f} (1-minute average), {os.cpu_count()} cores, "
              f"solver time limit {limit} s, database {db.engine.dialect.name}")
        schedule_id, planning = plan_next_week(client, manager, unit, monday)
        by_worker = render(client, f"/schedules/{schedule_id}", args.repeat)
        by_resident = render(client, f"/schedules/{schedule_id}?view=residents", args.repeat)
        view = week_view(db.session.get(WeeklySchedule, schedule_id))
        db.session.rollback()
        replan, replanning, moved = replan_after_illness(manager, schedule_id, monday)
        changes = week_view(replan).changes
        kept, previous = replan.result["objective"]["kept"], len(replan.problem["previous"])
        db.session.rollback()
    print(f"| measure | target | result |\n|---|---|---|\n"
          f"| week planned, request to stored result ({view.total} visits; {view.scheduled} scheduled, "
          f"{view.with_key_worker} with their key worker, {view.travel_minutes} min travel) "
          f"| ≤ {limit + 5} s | {planning:.1f} s |\n"
          f"| calendar page by worker / by resident (median of {args.repeat}) | < 500 ms "
          f"| {by_worker * 1000:.0f} ms / {by_resident * 1000:.0f} ms |\n"
          f"| re-plan after two workers fall ill Wednesday noon ({moved} of their visits ahead; "
          f"{len(changes)} changes, {kept} of {previous} kept) | ≤ 15 s | {replanning:.1f} s |")
    print(f"load after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
