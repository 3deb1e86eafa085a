"""Benchmark of the weekly support-visit scheduler (``support-schedule/1``).

    python benchmarks/scheduling.py ../shared/data/solomon [--time-limit 60] [--quick] [--only NAME]

Each instance is solved end to end by ``python -m allocator schedule FILE -o OUT --time-limit
S`` in a child process, timed from its start to the result written, with the child's peak
memory (resident set) and the load average when it started. Rows: generated weeks; planted
weeks (a schedule making every visit by its key worker and keeping every ``previous`` entry
is known to exist); a re-planning after one absence in mid-week; national scale (100 staff,
about 1,000 visits; 120 s limit); Solomon's C101, R101 and RC101 converted as issue 4 says,
against the published best distances (× 10).

Bounds come from :mod:`allocator.scheduling.bounds`, which works them out apart from the
solver: *key worker ≤* and *least travel* are printed only where every per-staff model was
solved to optimality, "not proven" otherwise, and "—" where the bound does not apply (least
travel needs a week where every visit can be made by its key worker).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from allocator.scheduling.bounds import key_worker_bound, least_travel  # noqa: E402
from allocator.scheduling.generate import generate_problem, planted_problem  # noqa: E402
from allocator.scheduling.options import Reach  # noqa: E402
from allocator.scheduling.reader import read_document  # noqa: E402
from allocator.scheduling.replan import problem_ahead  # noqa: E402
from allocator.scheduling.solomon import solomon_problem  # noqa: E402

PUBLISHED_BEST = {"C101": (10, 8289.4), "R101": (20, 16428.8), "RC101": (16, 16434.1)}  # distance × 10
WEDNESDAY_NOON = 2 * 1440 + 12 * 60
COLUMNS = ("instance", "visits", "seconds", "peak MB", "load", "scheduled", "fit alone", "key worker",
           "key worker ≤", "kept", "travel", "least / best", "gap")


@dataclass(frozen=True)
class Run:
    result: dict
    seconds: float
    peak_mb: float
    load: float


def run_cli(document: dict, time_limit: float, folder: Path, search_alone: bool = False) -> Run:
    """Solve in a child process; wall time from its start to the result written, its peak RSS.
    ``search_alone``: this script's own child mode, the solver without its exact start."""
    problem, out = folder / "problem.json", folder / "result.json"
    problem.write_text(json.dumps(document), encoding="utf-8")
    load = os.getloadavg()[0]
    started = time.monotonic()
    command = ([__file__, "--search-alone", str(problem), str(out)] if search_alone else
               ["-m", "allocator", "schedule", str(problem), "-o", str(out), "--time-limit", str(time_limit)])
    child = subprocess.Popen([sys.executable, *command], cwd=ROOT)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.monotonic() - started
    if status != 0:
        raise SystemExit(f"the solver failed (status {status}) on {problem}")
    return Run(json.loads(out.read_text(encoding="utf-8")), seconds, usage.ru_maxrss / 1024, load)


def _bound_text(bound, what: str = "") -> str:
    if bound is None:
        return "—"
    return f"{bound.value}{what}" if bound.proven else "not proven"


def row(name: str, document: dict, run: Run, reference: float | None = None, extra: str = "") -> tuple:
    """One table row; ``reference`` is a published best (Solomon), else the proven least travel."""
    problem = read_document(document)
    objective = run.result["objective"]
    scheduled, total = objective["scheduled"], len(document["visits"])
    has_key_workers = any(visit["key_worker"] is not None for visit in document["visits"])
    fits_alone = sum(1 for fits in Reach(problem).fits if fits)
    key_worker = f"{objective['with_key_worker']} ({100 * objective['with_key_worker'] / max(1, scheduled):.1f} %)"
    if reference is None:
        least = least_travel(problem) if has_key_workers else None
        least_text = _bound_text(least)
        reference = least.value if least is not None and least.proven else None
    else:
        least_text = f"{reference:g}"
    gap = "" if reference is None else f"{100 * (objective['travel_minutes'] - reference) / reference:+.2f} %"
    status = run.result["status"] + (", time limit" if "stopped by the time limit" in run.result["stats"]["solver"]
                                     else "")
    return (f"{name} ({status})", total, f"{run.seconds:.1f}", f"{run.peak_mb:.0f}", f"{run.load:.1f}",
            f"{scheduled}/{total}", fits_alone, key_worker if has_key_workers else "n/a",
            _bound_text(key_worker_bound(problem)) if has_key_workers else "n/a",
            f"{objective['kept']}/{len(document.get('previous', []))}{extra}" if document.get("previous") else "",
            objective["travel_minutes"], least_text, gap)


def generated(folder: Path, time_limit: float, quick: bool) -> list[tuple]:
    rows = []
    weeks = [(10, 50, 1, True), (30, 150, 2, False)] if quick else [
        (10, 50, 1, True), (20, 100, 2, True), (30, 150, 1, True), (30, 150, 2, False)]
    for staff, residents, seed, absences in weeks:
        document = generate_problem(staff, residents, seed=seed, absences=absences)
        run = run_cli(document, time_limit, folder)
        rows.append(row(f"week {staff}×{residents} s{seed}" + ("" if absences else " no absences"), document, run))
        if (staff, residents, seed) == (30, 150, 1) or quick and staff == 10:
            rows.append(replanning(folder, document, run.result))
    return rows


def planted(folder: Path, time_limit: float, quick: bool) -> list[tuple]:
    rows = []
    for staff, residents, seed in [(30, 150, 1)] if quick else [(30, 150, 1), (100, 500, 2)]:
        document = planted_problem(staff, residents, seed=seed)
        rows.append(row(f"planted {staff}×{residents} s{seed}", document, run_cli(document, time_limit, folder)))
        if not quick or staff == 30:
            rows.append(row(f"planted {staff}×{residents} s{seed}, search alone", document,
                            run_cli(document, time_limit, folder, search_alone=True)))
    return rows


def search_alone(problem_file: str, result_file: str) -> None:
    """Child mode: the solver's routing search and repairs without the exact per-staff start
    (no wall-clock cap: the deterministic budget)."""
    from allocator.scheduling.api import result_document
    from allocator.scheduling.reader import read_file
    from allocator.scheduling.solver import default_budget, solve

    started = time.monotonic()
    reach = Reach(read_file(problem_file))
    problem = reach.problem
    budget = default_budget(len(problem.visits), len(reach.vehicles), bool(problem.previous), None, started)
    outcome = solve(reach, budget, exact_start=False)
    document = result_document(reach, outcome.assignments, proven=False, seconds=time.monotonic() - started)
    Path(result_file).write_text(json.dumps(document), encoding="utf-8")


def replanning(folder: Path, document: dict, result: dict) -> tuple:
    """The staff member with the most visits after Wednesday noon falls ill then (10 s limit)."""
    ahead_counts: dict[str, int] = {}
    for a in result["assignments"]:
        if a["start"] >= WEDNESDAY_NOON:
            ahead_counts[a["staff"]] = ahead_counts.get(a["staff"], 0) + 1
    away = max(sorted(ahead_counts), key=ahead_counts.get)
    ahead = problem_ahead(document, result, WEDNESDAY_NOON, {away})
    return row(f"re-plan: {away} ill Wed 12:00 ({ahead_counts[away]} visits to move)", ahead,
               run_cli(ahead, 10.0, folder))


def national(folder: Path) -> list[tuple]:
    document = generate_problem(100, 500, seed=1)
    return [row("national: 100 staff × 500 residents s1", document, run_cli(document, 120.0, folder))]


def solomon(folder: Path, data: Path, time_limit: float) -> list[tuple]:
    rows = []
    for name, (staff, best) in PUBLISHED_BEST.items():
        document = solomon_problem(data / f"{name}.txt", staff)
        rows.append(row(f"Solomon {name}, {staff} staff", document, run_cli(document, time_limit, folder), best))
    return rows


def print_table(rows: list[tuple]) -> None:
    widths = [max(len(str(r[i])) for r in [COLUMNS, *rows]) for i in range(len(COLUMNS))]
    right = {1, 2, 3, 4, 6, 10}
    print("| " + " | ".join(c.ljust(w) for c, w in zip(COLUMNS, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 1) + (":" if i in right else "-") for i, w in enumerate(widths)) + "|")
    for r in rows:
        cells = [str(c).rjust(w) if i in right else str(c).ljust(w) for i, (c, w) in enumerate(zip(r, widths,
                                                                                                   strict=True))]
        print("| " + " | ".join(cells) + " |")


def main() -> None:
    if sys.argv[1:2] == ["--search-alone"]:
        search_alone(*sys.argv[2:4])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("solomon_dir", type=Path)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--quick", action="store_true", help="a few small rows only, for a smoke run")
    parser.add_argument("--only", choices=("generated", "planted", "national", "solomon"))
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores, Python {platform.python_version()}, PyVRP {version('pyvrp')}, "
          f"OR-Tools {version('ortools')}; time limit {args.time_limit:g} s (re-planning 10 s, national 120 s); "
          f"load average {os.getloadavg()[0]:.2f} at the start")
    parts = {
        "generated": lambda folder: generated(folder, args.time_limit, args.quick),
        "planted": lambda folder: planted(folder, args.time_limit, args.quick),
        "national": national,
        "solomon": lambda folder: solomon(folder, args.solomon_dir, args.time_limit),
    }
    if args.quick:
        del parts["national"]
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for name, part in parts.items():
            if args.only in (None, name):
                rows += part(Path(folder))
    print_table(rows)
    print(f"load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
