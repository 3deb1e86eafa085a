"""How fast the report pages render on a full-size county (issue 12: each under 500 ms).

    python benchmarks/seed.py postgresql://postgres@127.0.0.1/kp_load      # once: the county
    python benchmarks/reports.py postgresql://postgres@127.0.0.1/kp_load [--repeat 20]

Uses the database ``seed.py`` built (10,000 applications, 2,000 places in 200 units, 50,000
recorded visits in a year of published weeks) and adds one unit manager of five units if there
is none. Each page is requested through the whole application (Flask test client: permissions,
scope, SQL, audit events, template, commit) once to warm up and then ``--repeat`` times; the
table gives the median and the 95th percentile, the SQL statements and the size of one render,
with the 1-minute load average before and after (other work on the machine shows there).
"""

from __future__ import annotations

import argparse
import contextvars
import os
import secrets
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, insert, select  # noqa: E402

from housing import create_app  # noqa: E402
from housing.extensions import db  # noqa: E402
from housing.models import Role, Unit, User, user_units  # noqa: E402
from housing.web.security import LOGIN_AT, SESSION_ID  # noqa: E402

MANAGER = "manager@bench.fi"
PAGES = [
    ("reports, the list", "coordinator", "/reports/"),
    ("equity, by wished municipality", "coordinator", "/reports/equity"),
    ("equity, by county of residence", "coordinator", "/reports/equity?by=county"),
    ("equity, by urgency", "coordinator", "/reports/equity?by=band"),
    ("equity CSV", "coordinator", "/reports/equity.csv"),
    ("support delivered, 200 units by unit", "coordinator", "/reports/support"),
    ("support delivered, 200 units by staff member", "coordinator", "/reports/support?by=staff"),
    ("support delivered, 200 units by resident (800)", "coordinator", "/reports/support?by=resident"),
    ("support delivered CSV, by resident and week", "coordinator", "/reports/support.csv?by=resident"),
    ("support delivered, unit manager, 5 units by resident", "manager", "/reports/support?by=resident"),
    ("caseload, 321 social workers × 13 months", "coordinator", "/reports/caseload"),
    ("occupancy, 200 units", "coordinator", "/reports/occupancy"),
    ("occupancy, unit manager, 5 units", "manager", "/reports/occupancy"),
    ("allocation quality", "coordinator", "/reports/allocation"),
]


def accounts() -> dict[str, User]:
    """The county's coordinator and a unit manager of five units (made once)."""
    coordinator = db.session.scalar(select(User).where(User.email == "coordinator@bench.fi"))
    manager = db.session.scalar(select(User).where(User.email == MANAGER))
    if manager is None:
        db.session.execute(insert(User), [{
            "email": MANAGER, "name": "Yksikön esihenkilö", "role": Role.UNIT_MANAGER, "password_hash": "!",
            "county_id": "PI", "language": "fi", "active": True, "is_demo": False, "must_change_password": False,
            "skills": []}])
        manager = db.session.scalar(select(User).where(User.email == MANAGER))
        units = db.session.scalars(select(Unit.id).order_by(Unit.id).limit(5)).all()
        db.session.execute(insert(user_units), [{"user_id": manager.id, "unit_id": unit} for unit in units])
        db.session.commit()
    return {"coordinator": coordinator, "manager": manager}


def fresh(request, *args):
    """Each request in a context of its own, as on a server: inside the benchmark's application
    context the requests would otherwise share ``g`` (and its logged-in user) with each other."""
    return contextvars.Context().run(request, *args)


def measure(app, users: dict[str, User], repeat: int) -> list[tuple]:
    statements: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    client = app.test_client()
    logins = {who: user.get_id() for who, user in users.items()}
    results = []
    for name, who, url in PAGES:
        with client.session_transaction() as session:
            session["_user_id"], session["_fresh"] = logins[who], True
            session[LOGIN_AT], session[SESSION_ID] = int(time.time()), secrets.token_urlsafe(16)
        assert fresh(client.get, url).status_code == 200, url  # warm up: templates compiled, pool filled
        seconds = []
        for _ in range(repeat):
            statements.clear()
            started = time.perf_counter()
            response = fresh(client.get, url)
            seconds.append(time.perf_counter() - started)
            assert response.status_code == 200, (url, response.status_code)
        p95 = statistics.quantiles(seconds, n=20, method="inclusive")[-1]
        results.append((name, statistics.median(seconds), p95, len(statements), len(response.data)))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("database_url", help="the database benchmarks/seed.py built")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    app = create_app({"ENV": "testing", "DATABASE_URL": args.database_url, "WTF_CSRF_ENABLED": False})
    with app.app_context():
        users = accounts()
        load_before = os.getloadavg()[0]
        rows = measure(app, users, args.repeat)
        load_after = os.getloadavg()[0]
        db.session.remove()
    print(f"{args.repeat} renders of each page; load average {load_before:.2f} before, {load_after:.2f} after\n")
    print("| page | median, ms | p95, ms | SQL statements | size, kB |")
    print("|---|---:|---:|---:|---:|")
    for name, median, p95, queries, size in rows:
        print(f"| {name} | {median * 1000:.0f} | {p95 * 1000:.0f} | {queries} | {size / 1024:.0f} |")


if __name__ == "__main__":
    main()
