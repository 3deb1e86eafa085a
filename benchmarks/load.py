"""Load: gunicorn with 4 workers on PostgreSQL, 20 people using the pages at once.

    python benchmarks/seed.py postgresql://postgres@127.0.0.1/kp_load      # once (about 30 s)
    python benchmarks/load.py postgresql://postgres@127.0.0.1/kp_load [--requests 6000] [--seconds 180]

Starts ``gunicorn --workers 4 'housing:create_app()'`` on a free port of 127.0.0.1 (this
script talks to the loopback address only), logs each virtual user in through the login
form (CSRF token and all), and has them use the pages that exist, each at its own pace: a
short pause to read between pages. It stops by itself after ``--requests`` requests or
``--seconds`` seconds, whichever comes first, and prints p50/p95/p99 per page, the error
count and the last line ``p95_ms=<n> errors=<n> requests=<n>``. Target: p95 under 300 ms,
no errors. Any answer but the expected page is an error (a 500, a login page, a timeout).

``SCENARIO`` is the mix; a page the product gains is one row. The unit workers (the seeded
``staff{n}@bench.fi``) open their day and record visits of the last six days, which the
seed leaves unrecorded; two workers never take the same visit.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import random
import re
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from housing import localtime

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, select  # noqa: E402

from benchmarks.seed import LOAD_PASSWORD  # noqa: E402
from housing import rules  # noqa: E402
from housing.config import normalise_database_url  # noqa: E402
from housing.models import Application, ApplicationStatus, Role, User, YoungPerson  # noqa: E402

LOOPBACK = "127.0.0.1"
TIMEOUT_SECONDS = 15


# ----------------------------------------------------------------------------- virtual users


@dataclass
class Result:
    page: str
    at: float  # seconds since the run started
    milliseconds: float
    ok: bool
    detail: str = ""


@dataclass
class Run:
    """What all users share: the bounds, the results and the writes the server acknowledged."""

    max_requests: int
    max_seconds: float
    started: float = field(default_factory=time.perf_counter)
    results: list[Result] = field(default_factory=list)
    acknowledged: list[str] = field(default_factory=list)  # identity codes of registered people
    acknowledged_visits: list[int] = field(default_factory=list)  # scheduled visits whose record was saved
    claimed_visits: set[int] = field(default_factory=set)  # being recorded by someone (no two on one)
    lock: threading.Lock = field(default_factory=threading.Lock)
    used_codes: set[str] = field(default_factory=set)

    def over(self) -> bool:
        return len(self.results) >= self.max_requests or time.perf_counter() - self.started >= self.max_seconds

    def record(self, result: Result) -> None:
        with self.lock:
            self.results.append(result)


class VirtualUser:
    """One person in their own browser session: cookies, a CSRF token, a pace of their own."""

    def __init__(self, base_url: str, account: Account, run: Run, seed: int) -> None:
        self.base_url, self.account, self.run = base_url, account, run
        self.rng = random.Random(seed)
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def _open(self, path: str, form: dict[str, str] | None = None) -> tuple[int, str, str]:
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        try:
            with self.opener.open(self.base_url + path, data=data, timeout=TIMEOUT_SECONDS) as response:
                return response.status, response.geturl(), response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, error.geturl(), error.read().decode("utf-8", "replace")

    def request(self, page: str, path: str, form: dict[str, str] | None = None,
                expect: str | None = None) -> tuple[bool, str, str]:
        """Time one request; it is an error unless it answers 200 at a URL matching ``expect``."""
        started = time.perf_counter()
        try:
            status, url, body = self._open(path, form)
            ok = status == 200 and re.search(expect or re.escape(path.split("?")[0]), url) is not None
            detail = "" if ok else f"{status} at {url}"
        except (OSError, urllib.error.URLError) as error:  # refused, reset, timed out
            status, url, body, ok, detail = 0, "", "", False, type(error).__name__
        elapsed = time.perf_counter() - started
        self.run.record(Result(page, started - self.run.started, elapsed * 1000, ok, detail))
        return ok, url, body

    def csrf_token(self, body: str) -> str:
        found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"', body)
        return (found.group(1) or found.group(2)) if found else ""

    def log_in(self) -> None:
        _status, _url, body = self._open("/login")
        status, url, _body = self._open("/login", {"csrf_token": self.csrf_token(body), "email": self.account.email,
                                                   "password": LOAD_PASSWORD})
        if status != 200 or url.rstrip("/") != self.base_url:
            raise RuntimeError(f"{self.account.email} could not log in: {status} at {url}")

    def live(self, scenario: list[Page], think_seconds: float) -> None:
        pages = [page for page in scenario if page.role == self.account.role]
        weights = [page.weight for page in pages]
        while not self.run.over():
            page = self.rng.choices(pages, weights)[0]
            page.visit(self, page.name)
            time.sleep(self.rng.uniform(0.5, 1.5) * think_seconds)


# ----------------------------------------------------------------------------- the mix


@dataclass(frozen=True)
class Account:
    email: str
    role: str
    application_ids: list[int]  # applications this person may open
    person_ids: list[int]  # young people this person may open


@dataclass(frozen=True)
class Page:
    name: str
    role: str
    weight: int
    visit: Callable[[VirtualUser, str], object]


def _get(path: Callable[[VirtualUser], str], expect: str | None = None) -> Callable[[VirtualUser, str], object]:
    return lambda user, name: user.request(name, path(user), expect=expect)


def register_young_person(user: VirtualUser, name: str) -> None:
    """The registration form, then its POST: a write the server must keep once it has said so."""
    ok, _url, body = user.request("registration form", "/young-people/new")
    if not ok:
        return
    code = new_identity_code(user.run, user.rng)
    form = {"csrf_token": user.csrf_token(body), "identity_code": code, "first_name": "Kuorma",
            "last_name": f"Testi{len(user.run.acknowledged)}", "language": "fi", "placement_type": "substitute_care",
            "placed_alone": "y", "children_in_household": "0", "gender": "", "municipality_code": ""}
    ok, _url, _body = user.request(name, "/young-people/new", form, expect=r"/young-people/\d+$")
    if ok:
        with user.run.lock:
            user.run.acknowledged.append(code)


RECORD_LINK = re.compile(r'href="/visits/(\d+)/record"')


def record_a_visit(user: VirtualUser, name: str) -> None:
    """A worker records one of the last days' visits: their day, the visit's form, and its POST."""
    day = localtime.today() - timedelta(days=user.rng.randint(1, 6))
    ok, _url, body = user.request("worker's day, an earlier day", f"/my-day?day={day.isoformat()}", expect="/my-day")
    with user.run.lock:
        open_visits = [int(v) for v in RECORD_LINK.findall(body) if int(v) not in user.run.claimed_visits]
        visit = open_visits[0] if ok and open_visits else None
        if visit is not None:
            user.run.claimed_visits.add(visit)
    if visit is None:
        return
    ok, _url, form_page = user.request("visit record form", f"/visits/{visit}/record")
    if not ok:
        return
    prefilled = {field: (re.search(rf'name="{field}"[^>]*value="([^"]*)"', form_page) or [None, ""])[1]
                 for field in ("day", "start_time", "actual_minutes")}
    form = {"csrf_token": user.csrf_token(form_page), "outcome": "done", **prefilled, "visit_type": "home_visit",
            "themes": "daily_living", "cancelled_by": "", "notes": "Kävimme kaupassa."}
    ok, _url, _body = user.request(name, f"/visits/{visit}/record", form, expect="/my-day")
    if ok:
        with user.run.lock:
            user.run.acknowledged_visits.append(visit)


def new_identity_code(run: Run, rng: random.Random) -> str:
    """A valid code nobody has (temporary individual numbers 900–999 belong to no one)."""
    with run.lock:
        while True:
            birth = localtime.today() - timedelta(days=rng.randint(18 * 365, 22 * 365))
            ddmmyy, number = birth.strftime("%d%m%y"), f"{rng.randint(900, 999):03d}"
            code = f"{ddmmyy}{'A' if birth.year >= 2000 else '-'}{number}" \
                   f"{rules.identity_code_check_character(ddmmyy, number)}"
            if code not in run.used_codes:
                run.used_codes.add(code)
                return code


SCENARIO: list[Page] = [
    Page("waiting list, page 1", "coordinator", 3, _get(lambda u: "/waitlist/")),
    Page("waiting list, another page", "coordinator", 2, _get(lambda u: f"/waitlist/?page={u.rng.randint(2, 139)}")),
    Page("waiting list, band 2 by waiting time", "coordinator", 1, _get(lambda u: "/waitlist/?band=2&sort=waiting")),
    Page("applications to review", "coordinator", 2, _get(lambda u: "/applications/")),
    Page("application detail", "coordinator", 4,
         _get(lambda u: f"/applications/{u.rng.choice(u.account.application_ids)}")),
    Page("young person", "coordinator", 2, _get(lambda u: f"/young-people/{u.rng.choice(u.account.person_ids)}")),
    Page("front page", "coordinator", 1, _get(lambda u: "/")),
    Page("equity report", "coordinator", 1, _get(lambda u: "/reports/equity")),
    Page("social worker's page", "social_worker", 3, _get(lambda u: "/applications/")),
    Page("application detail", "social_worker", 4,
         _get(lambda u: f"/applications/{u.rng.choice(u.account.application_ids)}")),
    Page("young person", "social_worker", 3, _get(lambda u: f"/young-people/{u.rng.choice(u.account.person_ids)}")),
    Page("front page", "social_worker", 2, _get(lambda u: "/")),
    Page("register a young person (write)", "social_worker", 1, register_young_person),
    Page("worker's day", "unit_staff", 3, _get(lambda u: "/my-day")),
    Page("front page", "unit_staff", 1, _get(lambda u: "/")),
    Page("record a visit (write)", "unit_staff", 3, record_a_visit),
]


def accounts(database_url: str, coordinators: int, social_workers: int,
             unit_staff: int) -> tuple[list[Account], set[str]]:
    """Who logs in (the county's coordinators, the busiest social worker and usual ones, unit
    workers), and the identity codes already taken."""
    engine = create_engine(normalise_database_url(database_url))
    with engine.connect() as connection:
        county = connection.execute(select(Application.id, YoungPerson.id).join(YoungPerson).where(
            Application.status != ApplicationStatus.DRAFT).limit(5000)).all()
        coordinator_emails = connection.scalars(select(User.email).where(User.role == Role.COORDINATOR)
                                                .order_by(User.id)).all()
        workers = connection.execute(select(User.id, User.email).where(User.role == Role.SOCIAL_WORKER)
                                     .order_by(User.id).limit(social_workers)).all()
        found = []
        for n in range(coordinators):
            found.append(Account(coordinator_emails[n % len(coordinator_emails)], "coordinator",
                                 [a for a, _ in county], [p for _, p in county]))
        for worker_id, email in workers:
            own = connection.execute(select(Application.id, YoungPerson.id).join(YoungPerson).where(
                YoungPerson.responsible_worker_id == worker_id)).all()
            found.append(Account(email, "social_worker", [a for a, _ in own], [p for _, p in own]))
        found += [Account(email, "unit_staff", [], []) for email in connection.scalars(
            select(User.email).where(User.role == Role.UNIT_STAFF).order_by(User.id).limit(unit_staff))]
        used = set(connection.scalars(select(YoungPerson.identity_code)))
    engine.dispose()
    return found, used


# ----------------------------------------------------------------------------- the server


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


def start_gunicorn(database_url: str, port: int, workers: int = 4) -> subprocess.Popen:
    environment = {**os.environ, "HOUSING_ENV": "demo", "HOUSING_SECRET_KEY": secrets.token_urlsafe(48),
                   "HOUSING_DATABASE_URL": database_url}
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "--workers", str(workers), "--bind", f"{LOOPBACK}:{port}",
         "--log-level", "warning", "housing:create_app()"], cwd=ROOT, env=environment)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://{LOOPBACK}:{port}/healthz", timeout=2) as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise RuntimeError("gunicorn did not answer /healthz within 60 s")


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def run_load(base_url: str, people: list[Account], run: Run, think_seconds: float) -> None:
    """Log everyone in (not measured), then let them work until the run's bounds."""
    assert urllib.parse.urlsplit(base_url).hostname == LOOPBACK, "load is sent to the loopback address only"
    users = [VirtualUser(base_url, account, run, seed) for seed, account in enumerate(people)]
    for user in users:
        user.log_in()  # also warms every gunicorn worker up (imports, templates, connections)
    run.started = time.perf_counter()
    threads = [threading.Thread(target=user.live, args=(SCENARIO, think_seconds), daemon=True) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=run.max_seconds + 60)


# ----------------------------------------------------------------------------- the report


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def report(run: Run) -> str:
    pages: dict[str, list[Result]] = {}
    for result in run.results:
        pages.setdefault(result.page, []).append(result)
    lines = [f"{'page':40} {'requests':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'errors':>6}"]
    for name, results in sorted(pages.items()):
        times = [r.milliseconds for r in results]
        lines.append(f"{name:40} {len(results):8d} {statistics.median(times):7.0f} {percentile(times, 0.95):7.0f} "
                     f"{percentile(times, 0.99):7.0f} {sum(not r.ok for r in results):6d}")
    times = [r.milliseconds for r in run.results]
    errors = [r for r in run.results if not r.ok]
    lines.append(f"{'all pages':40} {len(times):8d} {statistics.median(times):7.0f} {percentile(times, 0.95):7.0f} "
                 f"{percentile(times, 0.99):7.0f} {len(errors):6d}")
    for error in errors[:10]:
        lines.append(f"  error at {error.at:.1f} s: {error.page}: {error.detail}")
    lines.append(f"p95_ms={percentile(times, 0.95):.0f} errors={len(errors)} requests={len(times)}")
    return "\n".join(lines)


def argument_parser(description: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("database_url", help="the database benchmarks/seed.py filled")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--coordinators", type=int, default=5, help="of the users")
    parser.add_argument("--unit-staff", type=int, default=4, help="of the users")
    parser.add_argument("--requests", type=int, default=6000, help="stop after this many requests")
    parser.add_argument("--seconds", type=float, default=180, help="stop after this long")
    parser.add_argument("--think", type=float, default=2.0, help="mean pause to read a page before the next, s")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    return parser


def prepare(args: argparse.Namespace) -> tuple[list[Account], Run]:
    people, used_codes = accounts(args.database_url, args.coordinators,
                                  args.users - args.coordinators - args.unit_staff, args.unit_staff)
    return people, Run(args.requests, args.seconds, used_codes=used_codes)


def main() -> None:
    args = argument_parser(__doc__).parse_args()
    people, run = prepare(args)
    port = free_port()
    server = start_gunicorn(args.database_url, port, args.workers)
    try:
        run_load(f"http://{LOOPBACK}:{port}", people, run, args.think)
    finally:
        stop(server)
    print(f"{len(people)} users ({args.coordinators} coordinators, {args.unit_staff} unit workers), "
          f"gunicorn {args.workers} workers, "
          f"{time.perf_counter() - run.started:.0f} s, load average {os.getloadavg()[0]:.1f} at the end")
    print(report(run))


if __name__ == "__main__":
    main()
