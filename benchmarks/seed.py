"""A county at full size for the load and fault runs, written in bulk (about a minute).

    python benchmarks/seed.py postgresql://postgres@127.0.0.1/kp_load

Drops and rebuilds the named database's ``public`` schema with the real Alembic revisions
(give it a database of its own), then writes through the model layer's tables:

- 10,000 young people and 10,000 applications with their wishes (``benchmarks/waitlist.py``'s
  county: 7,000 on the waiting list, 321 social workers, one with 2,000 clients);
- 200 units with 2,000 places, 800 residents living in them, 40 unit staff and 4 more
  coordinators;
- offers for the housed (accepted, sent before they moved in), the offered (pending) and one
  in ten of those waiting (declined, with a reason), so the equity report has waits to count;
- a support plan for each resident, a published week for every unit and week of the past year,
  and 50,000 planned visits in them, each recorded (done, missed or cancelled) the way the
  visit-record service records them, written directly as a bulk shortcut.

Every account gets the password ``LOAD_PASSWORD`` so that ``benchmarks/load.py`` can log in
through the login form. The accounts the load uses are printed.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import UTC, datetime, timedelta
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
        offers.append({"application_id": row.id, "place_id": rng.choice(free_places), "status": OfferStatus.DECLINED,
                       "sent_at": sent, "declined_by": "young_person", "decline_code": rng.choice(DECLINE_CODES),
                       "decline_reason": "Syy.", "created_at": sent, "updated_at": sent})
    db.session.execute(insert(Offer), offers)


OUTCOMES = (VisitOutcome.DONE,) * 17 + (VisitOutcome.MISSED, VisitOutcome.CANCELLED)


def build_visits(rng: random.Random, staff: list[int], now: datetime) -> None:
    """Support plans, a published week per unit and week of the past year, and the visits in them,
    recorded as the unit's worker would."""
    residents = db.session.execute(select(Tenancy.id, Tenancy.young_person_id, Place.unit_id).join(
        Place, Place.id == Tenancy.place_id)).all()
    worker_of = dict(db.session.execute(select(user_units.c.unit_id, user_units.c.user_id)).all())
    db.session.execute(insert(SupportPlan), [
        {"tenancy_id": t.id, "key_worker_id": worker_of[t.unit_id], "visits_per_week": 2, "minutes_per_visit": 60,
         "preferred_times": [], "valid_from": now.date() - timedelta(days=400), "created_at": now,
         "updated_at": now} for t in residents])
    plan_of = dict(db.session.execute(select(SupportPlan.tenancy_id, SupportPlan.id)).all())
    this_monday = now.date() - timedelta(days=now.weekday())
    mondays = [this_monday - timedelta(days=7 * n) for n in range(1, 53)]
    db.session.execute(insert(WeeklySchedule), [
        {"unit_id": unit, "week_start": monday, "status": ScheduleStatus.PUBLISHED, "created_at": now,
         "updated_at": now} for unit in sorted(set(worker_of)) for monday in mondays])
    week_of = {(u, m): i for i, u, m in db.session.execute(
        select(WeeklySchedule.id, WeeklySchedule.unit_id, WeeklySchedule.week_start))}
    visits = []
    for n in range(VISITS):
        resident = rng.choice(residents)
        monday = rng.choice(mondays)
        starts = datetime(monday.year, monday.month, monday.day, 7, tzinfo=UTC) + timedelta(
            days=rng.randint(0, 4), minutes=15 * rng.randint(0, 36))
        worker = worker_of[resident.unit_id] if rng.random() < 0.85 else rng.choice(staff)
        visits.append({"schedule_id": week_of[(resident.unit_id, monday)], "visit_ref": f"V{n}",
                       "support_plan_id": plan_of[resident.id], "young_person_id": resident.young_person_id,
                       "staff_id": worker, "starts_at": starts, "ends_at": starts + timedelta(minutes=60),
                       "unit": resident.unit_id})
    for first in range(0, len(visits), 10_000):
        db.session.execute(insert(ScheduledVisit), [{k: v for k, v in row.items() if k != "unit"}
                                                    for row in visits[first:first + 10_000]])
    ids = dict(db.session.execute(select(ScheduledVisit.visit_ref, ScheduledVisit.id)).all())
    records = []
    for visit in visits:
        outcome = rng.choice(OUTCOMES)
        done = outcome == VisitOutcome.DONE
        records.append({"scheduled_visit_id": ids[visit["visit_ref"]], "young_person_id": visit["young_person_id"],
                        "unit_id": visit["unit"], "staff_id": visit["staff_id"], "visit_at": visit["starts_at"],
                        "outcome": outcome, "started_at": visit["starts_at"] if done else None,
                        "actual_minutes": rng.randint(30, 75) if done else None,
                        "visit_type": "home_visit" if done else None, "themes": ["daily_living"] if done else [],
                        "notes": None, "recorded_by_id": visit["staff_id"], "created_at": visit["ends_at"],
                        "updated_at": visit["ends_at"]})
    for first in range(0, len(records), 10_000):
        db.session.execute(insert(VisitRecord), records[first:first + 10_000])


def seed(database_url: str, seed_value: int = 9) -> dict[str, int]:
    app = create_app({"ENV": "testing", "DATABASE_URL": database_url})
    reset_schema(app)
    rng, now = random.Random(seed_value), datetime.now(UTC)
    with app.app_context():
        build_county(rng)
        places = build_units(rng, now)
        _residents, staff = build_residents_and_staff(rng, places, now)
        build_visits(rng, staff, now)
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
