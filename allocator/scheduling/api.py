"""Entry points: a ``support-schedule/1`` file or document in, a result document out."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from allocator.scheduling.explain import reasons
from allocator.scheduling.options import start_options, vehicles_of
from allocator.scheduling.problem import Assignment, Problem
from allocator.scheduling.reader import read_document, read_file
from allocator.scheduling.solver import default_budget, solve
from allocator.scheduling.timing import objective_of

RESULT_FORMAT = "support-schedule-result/1"
SOLVER_NAME = "exact per key worker (CP-SAT) + PyVRP iterated local search, relax and share"


def schedule_file(path: str | Path, time_limit: float | None = None) -> dict[str, Any]:
    started = time.monotonic()
    return _schedule(read_file(path), time_limit, started)


def schedule_document(document: Any, time_limit: float | None = None) -> dict[str, Any]:
    started = time.monotonic()
    return _schedule(read_document(document), time_limit, started)


def _schedule(problem: Problem, time_limit: float | None, started: float) -> dict[str, Any]:
    outcome = solve(problem, default_budget(problem, time_limit, started))
    # The format's stats are exactly seconds and solver: the run's facts go into the solver text.
    run = f"{outcome.cycles} cycles, {outcome.iterations} iterations"
    if outcome.hit_time_limit:
        run += ", stopped by the time limit"
    return result_document(problem, outcome.assignments, proven=outcome.proven or _nothing_to_decide(problem),
                           seconds=time.monotonic() - started, solver=f"{SOLVER_NAME} ({run})")


def _nothing_to_decide(problem: Problem) -> bool:
    """Optimal is proven only in the trivial case: no visit could be made even on its own."""
    return not start_options(problem, vehicles_of(problem), banned=set())


def result_document(problem: Problem, assignments: list[Assignment], *, proven: bool, seconds: float,
                    solver: str = SOLVER_NAME) -> dict[str, Any]:
    objective = objective_of(problem, assignments)
    why = reasons(problem, assignments)
    return {
        "format": RESULT_FORMAT,
        "status": "OPTIMAL" if proven else "FEASIBLE",
        "assignments": [{"visit": problem.visits[a.visit].id, "staff": problem.staff[a.staff].id, "start": a.start}
                        for a in sorted(assignments, key=lambda a: (a.start, problem.staff[a.staff].id, a.visit))],
        "unscheduled": [{"visit": problem.visits[v].id, "reason": text} for v, text in sorted(why.items())],
        "objective": {"scheduled": objective.scheduled, "with_key_worker": objective.with_key_worker,
                      "kept": objective.kept, "travel_minutes": objective.travel_minutes},
        "stats": {"seconds": round(seconds, 3), "solver": solver},
    }
