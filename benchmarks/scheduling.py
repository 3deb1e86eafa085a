"""Benchmark of the weekly support-visit scheduler (``support-schedule/1``).

    python benchmarks/scheduling.py ../shared/data/solomon [--time-limit 60] [--quick]

Prints one table: generated weeks (size, seconds, scheduled of all, of those that fit alone,
visits made by their key worker and an upper bound on that, travel, and where every visit can
be made by its key worker, the least possible travel proven by solving each staff member's
part exactly); Solomon's C101, R101 and
RC101 converted as issue 4 says, against the published best distances (× 10); and a
re-planning after one absence in mid-week. Reads Solomon's files from the given folder.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from allocator.scheduling.api import schedule_document  # noqa: E402
from allocator.scheduling.generate import generate_problem  # noqa: E402
from allocator.scheduling.keyworker import key_worker_bound, own_schedules, own_visits  # noqa: E402
from allocator.scheduling.options import start_options, vehicles_of  # noqa: E402
from allocator.scheduling.reader import read_document  # noqa: E402
from allocator.scheduling.replan import problem_ahead  # noqa: E402
from allocator.scheduling.solomon import solomon_problem  # noqa: E402

PUBLISHED_BEST = {"C101": (10, 8289.4), "R101": (20, 16428.8), "RC101": (16, 16434.1)}  # distance × 10
WEEKS = [(10, 50, 1, True), (20, 100, 2, True), (30, 150, 1, True), (30, 150, 2, False)]
QUICK_WEEKS = [(10, 50, 1, True), (30, 150, 2, False)]
WEDNESDAY_NOON = 2 * 1440 + 12 * 60
COLUMNS = ("instance", "visits", "seconds", "scheduled", "fit alone", "key worker", "key worker ≤", "travel",
           "least/best", "gap")


def fits_alone(document: dict) -> int:
    """Visits that some staff member could make if it were the only visit of the week."""
    problem = read_document(document)
    return len({option.visit for option in start_options(problem, vehicles_of(problem), set())})


def key_worker_ceiling(document: dict) -> str:
    """Most visits their key workers could make, each staff member on their own (an upper bound)."""
    problem = read_document(document)
    if not any(visit.key_worker for visit in problem.visits):
        return "n/a"
    schedules = own_schedules(problem)
    own = own_visits(problem)
    return str(sum(schedules[s].scheduled if s in schedules else len(visits) for s, visits in own.items()))


def row(name: str, document: dict, result: dict, seconds: float, reference: float | None) -> tuple:
    objective = result["objective"]
    scheduled, total = objective["scheduled"], len(document["visits"])
    has_key_workers = any(visit["key_worker"] is not None for visit in document["visits"])
    share = f"{100 * objective['with_key_worker'] / max(1, scheduled):.1f} %" if has_key_workers else "n/a"
    gap = "" if reference is None else f"{100 * (objective['travel_minutes'] - reference) / reference:+.2f} %"
    return (name, total, f"{seconds:.1f}", f"{scheduled}/{total}", fits_alone(document),
            f"{objective['with_key_worker']} ({share})" if has_key_workers else share, key_worker_ceiling(document),
            objective["travel_minutes"], "" if reference is None else f"{reference:g}", gap)


def timed(document: dict, time_limit: float) -> tuple[dict, float]:
    started = time.monotonic()
    result = schedule_document(document, time_limit=time_limit)
    return result, time.monotonic() - started


def weeks(time_limit: float, quick: bool) -> tuple[list[tuple], dict, dict]:
    rows, kept_for_replanning = [], ({}, {})
    for staff, residents, seed, absences in QUICK_WEEKS if quick else WEEKS:
        document = generate_problem(staff, residents, seed=seed, absences=absences)
        bound = key_worker_bound(read_document(document))
        result, seconds = timed(document, time_limit)
        name = f"week {staff}x{residents} s{seed}" + ("" if absences else " no absences")
        rows.append(row(name + f" ({result['status']})", document, result, seconds, bound and bound[0]))
        if absences and staff == 30 or quick and not rows[:-1]:
            kept_for_replanning = (document, result)
    return rows, *kept_for_replanning


def replanning(document: dict, result: dict) -> tuple:
    """The staff member with the most visits after Wednesday noon falls ill then."""
    ahead_counts: dict[str, int] = {}
    for a in result["assignments"]:
        if a["start"] >= WEDNESDAY_NOON:
            ahead_counts[a["staff"]] = ahead_counts.get(a["staff"], 0) + 1
    away = max(sorted(ahead_counts), key=ahead_counts.get)
    ahead = problem_ahead(document, result, WEDNESDAY_NOON, {away})
    again, seconds = timed(ahead, 10.0)
    kept, previous = again["objective"]["kept"], len(ahead["previous"])
    base = row(f"re-plan: {away} ill Wed 12:00 ({ahead_counts[away]} visits to move)", ahead, again, seconds, None)
    return (*base[:5], f"{base[5]}, kept {kept}/{previous}", *base[6:])


def solomon(folder: Path, time_limit: float) -> list[tuple]:
    rows = []
    for name, (staff, best) in PUBLISHED_BEST.items():
        document = solomon_problem(folder / f"{name}.txt", staff)
        result, seconds = timed(document, time_limit)
        rows.append(row(f"Solomon {name}, {staff} staff", document, result, seconds, best))
    return rows


def print_table(rows: list[tuple]) -> None:
    widths = [max(len(str(r[i])) for r in [COLUMNS, *rows]) for i in range(len(COLUMNS))]
    for r in [COLUMNS, tuple("-" * w for w in widths), *rows]:
        print("| " + " | ".join(str(cell).ljust(w) for cell, w in zip(r, widths, strict=True)) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("solomon_dir", type=Path)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--quick", action="store_true", help="two weeks only, for a smoke run")
    args = parser.parse_args()
    print(f"load before: {os.getloadavg()[0]:.2f} (1-minute average), {os.cpu_count()} cores, "
          f"time limit {args.time_limit:g} s")
    rows, document, result = weeks(args.time_limit, args.quick)
    rows.append(replanning(document, result))
    rows += solomon(args.solomon_dir, args.time_limit)
    print_table(rows)
    print(f"load after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
