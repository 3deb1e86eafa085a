"""Benchmark of the waiting list and the application lists (issue 9).

    python benchmarks/waitlist.py postgresql://postgres@127.0.0.1/kp_bench [--repeat 15]

Builds a county with 10,000 young people and 10,000 applications in the named database
(its ``public`` schema is dropped and made again by the real Alembic revisions: give it a
database of its own), then renders each page through the whole application (routing,
permission and scope checks, queries, audit events, templates) with Flask's test client,
and prints the median and the slowest time and the number of SQL statements of each.

The county: 7,000 applications on the waiting list, the rest spread over the other
states; 321 social workers (one with 2,000 clients, 320 with 25 each) and one coordinator.
Target (issue 9): the waiting list and the social worker's page under 300 ms at the median.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from housing import localtime

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import bindparam, event, func, insert, select, text  # noqa: E402

from housing import create_app, rules  # noqa: E402
from housing.extensions import db  # noqa: E402
from housing.models import (  # noqa: E402
    Application,
    ApplicationStatus,
    LocationWish,
    PlacementType,
    Role,
    User,
    YoungPerson,
)
from housing.services.reference import load_reference_data  # noqa: E402

PEOPLE = 10_000
BUSY_WORKER_CLIENTS = 2_000
USUAL_CLIENTS = 25
STATUS_SHARES = {ApplicationStatus.WAITLISTED: 70, ApplicationStatus.SUBMITTED: 6, ApplicationStatus.RETURNED: 3,
                 ApplicationStatus.DRAFT: 3, ApplicationStatus.OFFERED: 3, ApplicationStatus.HOUSED: 8,
                 ApplicationStatus.WITHDRAWN: 4, ApplicationStatus.CLOSED: 3}
PIRKANMAA = ("837", "536", "980", "211", "418", "604", "908", "790", "020", "562", "108")
TODAY = localtime.today()


def build_county(rng: random.Random) -> dict[str, int]:
    """Users, young people, applications and their wishes, written in bulk (seconds, not minutes)."""
    users = [{"email": "coordinator@bench.fi", "name": "Koordinaattori", "role": Role.COORDINATOR}]
    users += [{"email": f"worker{n}@bench.fi", "name": f"Työntekijä {n}", "role": Role.SOCIAL_WORKER}
              for n in range(1 + (PEOPLE - BUSY_WORKER_CLIENTS) // USUAL_CLIENTS)]
    now = datetime.now(UTC)
    db.session.execute(insert(User), [
        {**u, "password_hash": "!", "county_id": "PI", "language": "fi", "active": True, "is_demo": False,
         "must_change_password": False, "skills": [], "created_at": now, "updated_at": now} for u in users])
    ids = dict(db.session.execute(select(User.email, User.id)).all())
    workers = [ids[f"worker{n}@bench.fi"] for n in range(len(users) - 1)]
    owners = [workers[0]] * BUSY_WORKER_CLIENTS + [w for w in workers[1:] for _ in range(USUAL_CLIENTS)]
    codes: set[str] = set()
    db.session.execute(insert(YoungPerson), [_person(rng, n, owners[n], now, codes) for n in range(PEOPLE)])
    people = db.session.scalars(select(YoungPerson.id).order_by(YoungPerson.id)).all()
    statuses = [s for s, share in STATUS_SHARES.items() for _ in range(share)]
    db.session.execute(insert(Application), [_application(rng, pid, rng.choice(statuses), now) for pid in people])
    applications = db.session.scalars(select(Application.id)).all()
    municipalities = {m: (lat, lon) for m, lat, lon in db.session.execute(
        text("SELECT code, lat, lon FROM municipalities WHERE code IN :codes").bindparams(
            bindparam("codes", expanding=True)), {"codes": list(PIRKANMAA)})}
    wishes = []
    for application_id in applications:
        for rank, code in enumerate(rng.sample(PIRKANMAA, rng.randint(1, 3))):
            lat, lon = municipalities[code]
            wishes.append({"application_id": application_id, "rank": rank, "municipality_code": code,
                           "lat": lat, "lon": lon})
    db.session.execute(insert(LocationWish), wishes)
    db.session.commit()
    return {"coordinator": ids["coordinator@bench.fi"], "busy worker": workers[0], "usual worker": workers[1]}


def _person(rng: random.Random, n: int, worker_id: int, now: datetime, codes: set[str]) -> dict:
    birth = TODAY - timedelta(days=rng.randint(17 * 365, 23 * 365 - 30))
    code = _identity_code(rng, birth, codes)
    return {"identity_code": code, "first_name": f"Nuori{n}", "last_name": f"Sukunimi{n}",
            "birth_date": birth, "language": "sv" if n % 12 == 0 else "fi", "placing_county_id": "PI",
            "residence_county_id": "PI", "responsible_worker_id": worker_id,
            "placement_type": PlacementType.SUBSTITUTE_CARE, "placed_alone": True, "children_in_household": 0,
            "non_disclosure": n % 50 == 0, "client_plan_date": TODAY - timedelta(days=rng.randint(0, 500)),
            "created_at": now, "updated_at": now}


def _identity_code(rng: random.Random, birth: date, used: set[str]) -> str:
    """A valid, unused code with a temporary individual number (900–999: nobody's)."""
    ddmmyy = birth.strftime("%d%m%y")
    signs = "ABCDEF" if birth.year >= 2000 else "-YXWVU"
    while True:
        individual = f"{rng.randint(900, 999):03d}"
        code = f"{ddmmyy}{rng.choice(signs)}{individual}{rules.identity_code_check_character(ddmmyy, individual)}"
        if code not in used:
            used.add(code)
            return code


def _application(rng: random.Random, person_id: int, status: ApplicationStatus, now: datetime) -> dict:
    band = rng.choices((1, 2, 3), weights=(10, 30, 60))[0]
    waitlisted = now - timedelta(days=rng.randint(1, 400))
    return {"young_person_id": person_id, "status": status, "support_level": rng.randint(1, 4),
            "needs": ["mental_health"], "support_hours": rng.randint(1, 10), "urgency_band": band,
            "urgency_ground": {1: "no_home", 2: "housing_ends_soon", 3: None}[band],
            "urgency_reason": None if band == 3 else "Kuvaus.", "need_since": waitlisted.date() - timedelta(days=10),
            "max_distance_km": 30, "household_size": rng.choice((1, 1, 1, 2, 3)), "needs_accessible": False,
            "acceptable_unit_types": [], "consent": True, "tiebreak": rng.random(),
            "submitted_at": waitlisted - timedelta(days=5), "waitlisted_at": waitlisted,
            "created_at": waitlisted - timedelta(days=6), "updated_at": waitlisted}


PAGES = [
    ("waiting list, page 1", "coordinator", "/waitlist/"),
    ("waiting list, last page", "coordinator", "/waitlist/?page=140"),
    ("waiting list, band 2 by waiting time", "coordinator", "/waitlist/?band=2&sort=waiting"),
    ("waiting list, wished Nokia, household 2", "coordinator", "/waitlist/?municipality=Nokia&household=2"),
    ("coordinator's applications to review", "coordinator", "/applications/"),
    ("social worker's page, 25 clients", "usual worker", "/applications/"),
    ("social worker's page, 2,000 clients", "busy worker", "/applications/"),
    ("waiting list CSV export (all on the list)", "coordinator", "/waitlist/export.csv"),
]


def measure(app, users: dict[str, int], repeat: int) -> list[tuple[str, float, float, int, int]]:
    statements: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    client = app.test_client()
    results = []
    for name, who, url in PAGES:
        with client.session_transaction() as session:
            session["_user_id"], session["_fresh"] = str(users[who]), True
        client.get(url)  # warm up: templates compiled, connection pool filled
        seconds = []
        for _ in range(repeat):
            statements.clear()
            started = time.perf_counter()
            response = client.get(url)
            seconds.append(time.perf_counter() - started)
            assert response.status_code == 200, (url, response.status_code)
        results.append((name, statistics.median(seconds), max(seconds), len(statements), len(response.data)))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("database_url", help="a PostgreSQL database of its own: its public schema is rebuilt")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--seed", type=int, default=9)
    args = parser.parse_args()
    app = create_app({"ENV": "testing", "DATABASE_URL": args.database_url, "WTF_CSRF_ENABLED": False})
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        upgrade()
        load_reference_data()
        db.session.commit()
        started = time.perf_counter()
        users = build_county(random.Random(args.seed))
        with db.engine.begin() as connection:
            connection.execute(text("ANALYZE"))
        built = time.perf_counter() - started
        waiting = db.session.scalar(select(func.count()).select_from(Application).where(
            Application.status == ApplicationStatus.WAITLISTED))
        db.session.remove()
    print(f"{PEOPLE:,} young people, {PEOPLE:,} applications ({waiting:,} on the waiting list) built in {built:.1f} s;"
          f" median of {args.repeat} renders each\n")
    with app.app_context():
        rows = measure(app, users, args.repeat)
    print("| page | median, ms | slowest, ms | SQL statements | size, kB |")
    print("|---|---:|---:|---:|---:|")
    for name, median, slowest, queries, size in rows:
        print(f"| {name} | {median * 1000:.0f} | {slowest * 1000:.0f} | {queries} | {size / 1024:.0f} |")


if __name__ == "__main__":
    main()
