"""Faults: PostgreSQL restarted in the middle of a load run.

    python benchmarks/faults.py postgresql://postgres@127.0.0.1/kp_load [--restart-after 20] [--seconds 60]

WARNING: this restarts the machine's PostgreSQL server (``pg_ctlcluster
--skip-systemctl-redirect 15 main restart``): every database on it, other people's test
runs included, loses its connections for a few seconds. Run it by hand, briefly, when
that is acceptable, never from ``make test`` or CI.

It runs ``benchmarks/load.py``'s mix against gunicorn (4 workers, loopback only), restarts
PostgreSQL after ``--restart-after`` seconds, and reports:

- how long requests failed (first to last failed request) and whether every request
  after the window succeeded: the app recovers by itself (``pool_pre_ping`` replaces the
  dead pooled connections; no restart of gunicorn);
- whether every write the server acknowledged (a young person registered: the answer
  was their new page; a visit recorded: the answer was the worker's day) is in the
  database afterwards: no committed write is lost.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, func, select  # noqa: E402

from benchmarks.load import (  # noqa: E402
    LOOPBACK,
    argument_parser,
    free_port,
    prepare,
    report,
    run_load,
    start_gunicorn,
    stop,
)
from housing.config import normalise_database_url  # noqa: E402
from housing.models import VisitRecord, YoungPerson  # noqa: E402

RESTART = ["pg_ctlcluster", "--skip-systemctl-redirect", "15", "main", "restart"]


def restart_postgres() -> float:
    started = time.perf_counter()
    subprocess.run(RESTART, check=True)
    return time.perf_counter() - started


def acknowledged_writes_found(database_url: str, codes: list[str], visits: list[int]) -> int:
    """How many of the acknowledged writes are in the database: people by code, records by visit."""
    engine = create_engine(normalise_database_url(database_url))
    with engine.connect() as connection:
        found = connection.scalar(select(func.count()).select_from(YoungPerson).where(
            YoungPerson.identity_code.in_(codes))) if codes else 0
        found += connection.scalar(select(func.count()).select_from(VisitRecord).where(
            VisitRecord.scheduled_visit_id.in_(visits))) if visits else 0
    engine.dispose()
    return found


def main() -> None:
    parser = argument_parser(__doc__)
    parser.add_argument("--restart-after", type=float, default=20, help="seconds into the run")
    parser.set_defaults(seconds=60, think=1.0)  # shorter, and more writes around the restart
    args = parser.parse_args()
    people, run = prepare(args)
    port = free_port()
    server = start_gunicorn(args.database_url, port, args.workers)
    load = threading.Thread(target=run_load, args=(f"http://{LOOPBACK}:{port}", people, run, args.think))
    try:
        load.start()
        time.sleep(args.restart_after)
        restarted_at = time.perf_counter() - run.started
        restart_seconds = restart_postgres()
        load.join()
    finally:
        stop(server)

    errors = sorted((r for r in run.results if not r.ok), key=lambda r: r.at)
    after_window = [r for r in run.results if errors and r.at > errors[-1].at]
    found = acknowledged_writes_found(args.database_url, run.acknowledged, run.acknowledged_visits)
    acknowledged = len(run.acknowledged) + len(run.acknowledged_visits)
    print(report(run))
    print(f"\nPostgreSQL restarted at {restarted_at:.1f} s (the restart command took {restart_seconds:.1f} s)")
    if errors:
        print(f"failed requests: {len(errors)}, from {errors[0].at:.1f} s to {errors[-1].at:.1f} s "
              f"(a window of {errors[-1].at - errors[0].at:.1f} s); after it {len(after_window)} requests, "
              f"{sum(not r.ok for r in after_window)} failed")
    else:
        print("no request failed")
    print(f"acknowledged writes: {acknowledged} ({len(run.acknowledged)} people registered, "
          f"{len(run.acknowledged_visits)} visits recorded), found afterwards: {found}")
    print(f"load average {os.getloadavg()[0]:.1f}")
    recovered = bool(after_window) or not errors
    sys.exit(0 if found == acknowledged and recovered else 1)


if __name__ == "__main__":
    main()
