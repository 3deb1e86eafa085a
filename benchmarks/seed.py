"""A county at full size for the load and fault runs, written in bulk (about a minute).

    python benchmarks/seed.py postgresql://postgres@127.0.0.1/kp_load

Drops and rebuilds the named database's ``public`` schema with the real Alembic revisions
(give it a database of its own), then writes through the model layer's tables:

- 10,000 young people and 10,000 applications with their wishes (``benchmarks/waitlist.py``'s
  county: 7,000 on the waiting list, 321 social workers, one with 2,000 clients);
- 200 units with 2,000 places, 800 residents living in them, 40 unit staff (two in each
  unit) and 4 more coordinators;
- support: a plan for every resident (one or two visits a week by a key worker), a published
  week for every unit from 56 weeks ago to this one with its visits, and 50,000 visit records
  of the newest visits older than a week (nine in ten done: about the last 52 weeks); the
  last week's visits are left unrecorded for the load to record. Written in bulk, not
  through the services: at this size the services' one-by-one flushes would take most of
  an hour.
- offers for the housed (accepted, sent before they moved in), the offered (pending) and one
  in ten of those waiting (declined, with a reason), so the equity report has waits to count;

Every account gets the password ``LOAD_PASSWORD`` so that ``benchmarks/load.py`` can log in
through the login form. The accounts the load uses are printed.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from datetime import time as time_of_day
from pathlib import Path

from housing import localtime

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import func, insert, select, text, update  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from benchmarks.waitlist import PIRKANMAA, build_county  # noqa: E402
from housing import create_app  # noqa: E402
from housing.extensions import db  # noqa: E402
from housing.models import (  # noqa: E402
    Application,
    ApplicationStatus,
    Municipality,
    Offer,
    OfferStatus,
    Place,
    Role,
    ScheduledVisit,
    ScheduleStatus,
    SupportPlan,
    Tenancy,
    Unit,
    UnitType,
    User,
    VisitOutcome,
    VisitRecord,
    WeeklySchedule,
    YoungPerson,
    user_units,
)
from housing.services.reference import load_reference_data  # noqa: E402

LOAD_PASSWORD = "load test passphrase"
UNITS, PLACES_PER_UNIT, STAFF, VISITS = 200, 10, 40, 50_000
WEEKS = 56  # published weeks before this one: enough scheduled visits for VISITS records
COORDINATORS = 5  # the county's housing team


def reset_schema(app) -> None:
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        upgrade()
        load_reference_data()
        db.session.commit()


def build_units(rng: random.Random, now: datetime) -> list[int]:
    """Units in the county's municipalities, ten places each; returns the place ids."""
    where = {m.code: (m.lat, m.lon) for m in db.session.scalars(select(Municipality).where(
        Municipality.code.in_(PIRKANMAA)))}
    db.session.execute(insert(Unit), [
        {"name": f"Yksikkö {n}", "unit_type": rng.choice(list(UnitType)), "county_id": "PI",
         "municipality_code": (code := rng.choice(PIRKANMAA)), "lat": where[code][0], "lon": where[code][1],
         "support_level": rng.randint(1, 4), "services": ["mental_health"], "staff_support_hours": 40,
         "languages": ["fi"], "active": True, "created_at": now, "updated_at": now} for n in range(UNITS)])
    units = db.session.scalars(select(Unit.id).order_by(Unit.id)).all()
    db.session.execute(insert(Place), [
        {"unit_id": unit, "label": f"A{n + 1}", "bedrooms": 1, "max_household": rng.choice((1, 1, 2)),
         "accessible": n == 0, "out_of_use": False, "created_at": now, "updated_at": now}
        for unit in units for n in range(PLACES_PER_UNIT)])
    return db.session.scalars(select(Place.id).order_by(Place.id)).all()


def build_residents_and_staff(rng: random.Random, places: list[int], now: datetime) -> tuple[list[int], list[int]]:
    """The housed applicants live in places, moved in after an accepted offer; unit staff work in
    the units. Returns (residents, staff)."""
    housed = db.session.execute(select(Application.young_person_id, Application.id, Application.waitlisted_at).where(
        Application.status == ApplicationStatus.HOUSED).order_by(Application.id)).all()[:len(places) * 2 // 5]
    chosen = rng.sample(places, len(housed))
    offers, tenancies = [], []
    for (person, application, listed), place in zip(housed, chosen, strict=True):
        sent = min(listed + timedelta(days=rng.randint(3, 120)), now - timedelta(days=2))
        move_in = min(sent.date() + timedelta(days=rng.randint(7, 40)), now.date() - timedelta(days=1))
        offers.append({"application_id": application, "place_id": place, "status": OfferStatus.ACCEPTED,
                       "sent_at": sent, "responded_at": sent, "created_at": sent, "updated_at": sent})
        tenancies.append({"young_person_id": person, "place_id": place, "application_id": application,
                          "move_in": move_in, "actual_move_in": move_in, "created_at": now, "updated_at": now})
    db.session.execute(insert(Offer), offers)
    db.session.execute(insert(Tenancy), tenancies)
    build_other_offers(rng, [p for p in places if p not in set(chosen)], now)
    db.session.execute(insert(User), [
        {"email": f"coordinator{n}@bench.fi", "name": f"Koordinaattori {n}", "role": Role.COORDINATOR,
         "password_hash": "!", "county_id": "PI", "language": "fi", "active": True, "is_demo": False,
         "must_change_password": False, "skills": [], "created_at": now, "updated_at": now}
        for n in range(2, COORDINATORS + 1)])
    db.session.execute(insert(User), [
        {"email": f"staff{n}@bench.fi", "name": f"Ohjaaja {n}", "role": Role.UNIT_STAFF, "password_hash": "!",
         "county_id": "PI", "language": "fi", "active": True, "is_demo": False, "must_change_password": False,
         "skills": [], "created_at": now, "updated_at": now} for n in range(STAFF)])
    staff = db.session.scalars(select(User.id).where(User.role == Role.UNIT_STAFF).order_by(User.id)).all()
    units = db.session.scalars(select(Unit.id).order_by(Unit.id)).all()
    db.session.execute(insert(user_units), [
        {"user_id": member, "unit_id": unit} for n, member in enumerate(staff)
        for unit in units[n * UNITS // STAFF:(n + 1) * UNITS // STAFF]])
    return [person for person, _, _ in housed], staff


def staff_of_units(staff: list[int]) -> dict[int, list[int]]:
    """Each unit's two workers (each worker covers ten units, overlapping with the next)."""
    units = db.session.scalars(select(Unit.id).order_by(Unit.id)).all()
    per_worker = UNITS // STAFF
    team = {unit: [staff[n // per_worker], staff[(n // per_worker + 1) % STAFF]] for n, unit in enumerate(units)}
    db.session.execute(insert(user_units), [
        {"user_id": worker, "unit_id": unit} for unit, workers in team.items() for worker in workers[1:]])
    return team


def build_plans(rng: random.Random, team: dict[int, list[int]], now: datetime) -> list[dict]:
    """A support plan for every resident: one or two visits a week by the key worker."""
    tenancies = db.session.execute(select(Tenancy.id, Tenancy.young_person_id, Place.unit_id).join(Place)
                                   .order_by(Tenancy.id)).all()
    plans = [{"id": n + 1, "tenancy_id": tenancy, "key_worker_id": team[unit][0],
              "visits_per_week": rng.choice((1, 1, 1, 1, 2)), "minutes_per_visit": rng.choice((45, 60, 90)),
              "preferred_times": [], "valid_from": (now - timedelta(days=WEEKS * 7 + 7)).date(),
              "created_at": now, "updated_at": now, "_person": person, "_unit": unit}
             for n, (tenancy, person, unit) in enumerate(tenancies)]
    db.session.execute(insert(SupportPlan), [{k: v for k, v in plan.items() if not k.startswith("_")}
                                             for plan in plans])
    return plans


def build_support(rng: random.Random, staff: list[int], now: datetime) -> None:
    """A published week for every unit from a year ago to this week, its visits, and the records
    of the visits more than a week old (the last week's are left for the load to record)."""
    team = staff_of_units(staff)
    plans = build_plans(rng, team, now)
    this_monday = localtime.today() - timedelta(days=localtime.today().weekday())
    schedules, visits, records = [], [], []
    for week in range(WEEKS, -1, -1):
        monday = this_monday - timedelta(weeks=week)
        first_id = len(schedules) + 1
        ids = {unit: first_id + n for n, unit in enumerate(team)}
        published = datetime.combine(monday - timedelta(days=3), time_of_day(12), tzinfo=UTC)
        schedules += [{"id": ids[unit], "unit_id": unit, "week_start": monday, "status": ScheduleStatus.PUBLISHED,
                       "published_at": published, "created_at": published, "updated_at": published}
                      for unit in team]
        for plan in plans:
            for n in range(plan["visits_per_week"]):
                visits.append(planned_visit(rng, plan, n, monday, ids[plan["_unit"]], team, len(visits) + 1))
    # The newest VISITS of the visits older than a week have their records (the oldest weeks none).
    plan_of = {plan["id"]: plan for plan in plans}
    for visit in sorted((v for v in visits if v["starts_at"] < now - timedelta(days=7)),
                        key=lambda v: v["starts_at"], reverse=True)[:VISITS]:
        plan = plan_of[visit["support_plan_id"]]
        records.append(visit_record(rng, visit, plan["_unit"], plan["minutes_per_visit"]))
    for table, rows in ((WeeklySchedule, schedules), (ScheduledVisit, visits), (VisitRecord, records)):
        for first in range(0, len(rows), 10_000):
            db.session.execute(insert(table), rows[first:first + 10_000])
    for table in ("support_plans", "weekly_schedules", "scheduled_visits"):  # ids were given above
        db.session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))


def planned_visit(rng: random.Random, plan: dict, n: int, monday, schedule_id: int,
                  team: dict[int, list[int]], visit_id: int) -> dict:
    """The plan's ``n``-th visit of the week: some day, 8–16 o'clock, by the key worker most often."""
    day = monday + timedelta(days=rng.randint(0, 6))
    starts = datetime.combine(day, time_of_day(rng.randint(8, 16), rng.choice((0, 30))), tzinfo=localtime.LOCAL_TIME)
    worker = plan["key_worker_id"] if rng.random() < 0.85 else team[plan["_unit"]][1]
    return {"id": visit_id, "schedule_id": schedule_id, "visit_ref": f"P{plan['id']}.{n + 1}",
            "support_plan_id": plan["id"], "young_person_id": plan["_person"], "staff_id": worker,
            "starts_at": starts, "ends_at": starts + timedelta(minutes=plan["minutes_per_visit"])}


def visit_record(rng: random.Random, visit: dict, unit: int, planned_minutes: int) -> dict:
    """What happened: nine in ten done (about as long as planned), the rest missed or cancelled."""
    roll = rng.random()
    outcome = VisitOutcome.DONE if roll < 0.9 else VisitOutcome.MISSED if roll < 0.96 else VisitOutcome.CANCELLED
    done = outcome == VisitOutcome.DONE
    recorded = visit["ends_at"] + timedelta(hours=rng.randint(1, 30))
    return {"scheduled_visit_id": visit["id"], "young_person_id": visit["young_person_id"], "unit_id": unit,
            "staff_id": visit["staff_id"], "visit_at": visit["starts_at"], "outcome": outcome,
            "cancelled_by": "young_person" if outcome == VisitOutcome.CANCELLED else None,
            "started_at": visit["starts_at"] if done else None,
            "actual_minutes": max(10, planned_minutes + rng.randint(-20, 15)) if done else None,
            "visit_type": "home_visit" if done else None, "themes": ["daily_living"] if done else [],
            "notes": None, "recorded_by_id": visit["staff_id"], "updated_by_id": visit["staff_id"],
            "created_at": recorded, "updated_at": recorded}


DECLINE_CODES = ("location", "kind_of_home", "support", "found_home", "not_ready")


def build_other_offers(rng: random.Random, free_places: list[int], now: datetime) -> None:
    """A pending offer for each offered application (each its own place), and a declined one for
    one in ten of those waiting."""
    rows = db.session.execute(select(Application.id, Application.status, Application.waitlisted_at).where(
        Application.status.in_((ApplicationStatus.OFFERED, ApplicationStatus.WAITLISTED)))).all()
    offered = [row for row in rows if row.status == ApplicationStatus.OFFERED][:len(free_places)]
    declined = [row for row in rows if row.status == ApplicationStatus.WAITLISTED and rng.random() < 0.1]
    offers = []
    for row, place in zip(offered, free_places, strict=False):
        sent = min(row.waitlisted_at + timedelta(days=rng.randint(3, 120)), now - timedelta(days=1))
        offers.append({"application_id": row.id, "place_id": place, "status": OfferStatus.PENDING, "sent_at": sent,
                       "created_at": sent, "updated_at": sent})
    for row in declined:
        sent = min(row.waitlisted_at + timedelta(days=rng.randint(3, 120)), now - timedelta(days=1))
        answered = min(sent + timedelta(days=rng.randint(1, 7)), now)  # a decline is recorded with its time
        offers.append({"application_id": row.id, "place_id": rng.choice(free_places), "status": OfferStatus.DECLINED,
                       "sent_at": sent, "responded_at": answered, "declined_by": "young_person",
                       "decline_code": rng.choice(DECLINE_CODES), "decline_reason": "Syy.", "created_at": sent,
                       "updated_at": answered})
    db.session.execute(insert(Offer), offers)


def seed(database_url: str, seed_value: int = 9) -> dict[str, int]:
    app = create_app({"ENV": "testing", "DATABASE_URL": database_url})
    reset_schema(app)
    rng, now = random.Random(seed_value), datetime.now(UTC)
    with app.app_context():
        build_county(rng)
        places = build_units(rng, now)
        _residents, staff = build_residents_and_staff(rng, places, now)
        build_support(rng, staff, now)
        one_hash = generate_password_hash(LOAD_PASSWORD)  # one hash for all: seeding stays quick
        db.session.execute(update(User).values(password_hash=one_hash))
        db.session.commit()
        with db.engine.begin() as connection:
            connection.execute(text("ANALYZE"))
        counts = {name: db.session.scalar(select(func.count()).select_from(model)) for name, model in (
            ("young people", YoungPerson), ("applications", Application), ("places", Place),
            ("visit records", VisitRecord), ("users", User))}
        db.session.remove()
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("database_url", help="a PostgreSQL database of its own: its public schema is rebuilt")
    parser.add_argument("--seed", type=int, default=9)
    args = parser.parse_args()
    started = time.perf_counter()
    counts = seed(args.database_url, args.seed)
    print(", ".join(f"{count:,} {name}" for name, count in counts.items()),
          f"written in {time.perf_counter() - started:.0f} s (today {localtime.today()})")


if __name__ == "__main__":
    main()
