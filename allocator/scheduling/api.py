"""Entry points: a ``support-schedule/1`` file or document in, a result document out.

Every result passes :func:`allocator.scheduling.check.refuse_broken` before it is returned:
a schedule that breaks a rule of the format is never written.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from allocator.scheduling.check import objective, refuse_broken
from allocator.scheduling.explain import reasons
from allocator.scheduling.options import Reach
from allocator.scheduling.problem import Assignment, Problem
from allocator.scheduling.reader import read_document, read_file
from allocator.scheduling.solver import default_budget, solve

RESULT_FORMAT = "support-schedule-result/1"
SOLVER_NAME = "exact per key worker (CP-SAT) + PyVRP iterated local search within shared days and minutes"


def schedule_file(path: str | Path, time_limit: float | None = None) -> dict[str, Any]:
    started = time.monotonic()
    return _schedule(read_file(path), time_limit, started)


def schedule_document(document: Any, time_limit: float | None = None) -> dict[str, Any]:
    started = time.monotonic()
    return _schedule(read_document(document), time_limit, started)


def _schedule(problem: Problem, time_limit: float | None, started: float) -> dict[str, Any]:
    reach = Reach(problem)
    budget = default_budget(len(problem.visits), len(reach.vehicles), bool(problem.previous), time_limit, started)
    outcome = solve(reach, budget)
    # The format's stats are exactly seconds and solver: the run's facts go into the solver text.
    run = f"{outcome.cycles} cycles, {outcome.iterations} iterations"
    if outcome.hit_time_limit:
        run += ", stopped by the time limit"
    # Optimal is proven by the exact stage, or trivially when no visit could be made even on its own.
    proven = outcome.proven or not any(reach.fits)
    refuse_broken(problem, outcome.assignments, outcome.objective)
    return result_document(reach, outcome.assignments, proven=proven, seconds=time.monotonic() - started,
                           solver=f"{SOLVER_NAME} ({run})")


def result_document(reach: Reach, assignments: list[Assignment], *, proven: bool, seconds: float,
                    solver: str = SOLVER_NAME) -> dict[str, Any]:
    """The result of a checked schedule (see :func:`allocator.scheduling.check.refuse_broken`)."""
    problem = reach.problem
    totals = objective(problem, assignments)
    why = reasons(reach, assignments)
    return {
        "format": RESULT_FORMAT,
        "status": "OPTIMAL" if proven else "FEASIBLE",
        "assignments": [{"visit": problem.visits[a.visit].id, "staff": problem.staff[a.staff].id, "start": a.start}
                        for a in sorted(assignments, key=lambda a: (a.start, problem.staff[a.staff].id, a.visit))],
        "unscheduled": [{"visit": problem.visits[v].id, "reason": text} for v, text in sorted(why.items())],
        "objective": {"scheduled": totals.scheduled, "with_key_worker": totals.with_key_worker,
                      "kept": totals.kept, "travel_minutes": totals.travel_minutes},
        "stats": {"seconds": round(seconds, 3), "solver": solver},
    }
