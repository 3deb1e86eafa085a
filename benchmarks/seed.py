"""A county at full size for the load and fault runs, written in bulk (about a minute).

    python benchmarks/seed.py postgresql://postgres@127.0.0.1/kp_load

Drops and rebuilds the named database's ``public`` schema with the real Alembic revisions
(give it a database of its own), then writes through the model layer's tables:

- 10,000 young people and 10,000 applications with their wishes (``benchmarks/waitlist.py``'s
  county: 7,000 on the waiting list, 321 social workers, one with 2,000 clients);
- 200 units with 2,000 places, 800 residents living in them, 40 unit staff and 4 more
  coordinators;
- 50,000 visit records of the past year, written directly (the visit-record service is
  still being built: when it is, write them through it, or keep this as a bulk shortcut).

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
    Place,
    Role,
    Tenancy,
    Unit,
    UnitType,
    User,
    VisitOutcome,
    VisitRecord,
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
    """The housed applicants live in places; unit staff work in the units. Returns (residents, staff)."""
    housed = db.session.scalars(select(Application.young_person_id).where(
        Application.status == ApplicationStatus.HOUSED).order_by(Application.id)).all()
    residents = housed[:len(places) * 2 // 5]
    db.session.execute(insert(Tenancy), [
        {"young_person_id": person, "place_id": place, "move_in": now.date() - timedelta(days=rng.randint(30, 700)),
         "created_at": now, "updated_at": now} for person, place in zip(residents, rng.sample(places, len(residents)),
                                                                        strict=True)])
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
    return residents, staff


def build_visits(rng: random.Random, residents: list[int], staff: list[int], now: datetime) -> None:
    rows = []
    for _ in range(VISITS):
        started = now - timedelta(days=rng.randint(1, 365), minutes=rng.randint(0, 600))
        done = rng.random() < 0.9
        rows.append({"young_person_id": rng.choice(residents), "staff_id": rng.choice(staff),
                     "outcome": VisitOutcome.DONE if done else VisitOutcome.MISSED, "started_at": started,
                     "actual_minutes": rng.randint(20, 90) if done else None, "visit_type": "home_visit",
                     "themes": ["daily_living"], "notes": None, "created_at": started, "updated_at": started})
    for first in range(0, len(rows), 10_000):
        db.session.execute(insert(VisitRecord), rows[first:first + 10_000])


def seed(database_url: str, seed_value: int = 9) -> dict[str, int]:
    app = create_app({"ENV": "testing", "DATABASE_URL": database_url})
    reset_schema(app)
    rng, now = random.Random(seed_value), datetime.now(UTC)
    with app.app_context():
        build_county(rng)
        places = build_units(rng, now)
        residents, staff = build_residents_and_staff(rng, places, now)
        build_visits(rng, residents, staff, now)
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
