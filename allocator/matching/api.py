"""Entry points: solve a ``housing-allocation/1`` file, document or typed problem.

``solve_file(path, time_limit)`` is what ``python -m allocator solve`` calls. ``allocate``
returns the typed solution (eligibility, allocation, status) for callers that want more than
the JSON, such as the greedy-vs-optimal report.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from allocator.matching.eligibility import Eligibility, compute_eligibility
from allocator.matching.problem import Problem
from allocator.matching.reader import read_problem, read_problem_file
from allocator.matching.side import SideConstraints, find_side_constraints
from allocator.reading import InputError

DEFAULT_TIME_LIMIT = 30.0
OPTIMAL, FEASIBLE = "OPTIMAL", "FEASIBLE"


@dataclass(frozen=True)
class Solution:
    eligibility: Eligibility
    side: SideConstraints
    pair_of: np.ndarray  # per applicant (priority order): chosen eligible pair, or -1
    status: str
    gap: float
    solver: str


def _ortools_version() -> str:
    import ortools

    return getattr(ortools, "__version__", "unknown")


def allocate(problem: Problem, time_limit: float | None = None, started: float | None = None) -> Solution:
    """``started``: ``time.perf_counter()`` when solving began (reading included), for the clock."""
    if time_limit is not None and not time_limit > 0:
        raise InputError(["--time-limit: must be a positive number of seconds"])
    started = time.perf_counter() if started is None else started
    eligibility = compute_eligibility(problem)
    side = find_side_constraints(eligibility)
    tools = f"OR-Tools {_ortools_version()}"
    if not side.any:
        from allocator.matching.cpsat import flow_pair_of

        return Solution(eligibility, side, flow_pair_of(eligibility), OPTIMAL, 0.0,
                        f"min-cost flow ({tools} SimpleMinCostFlow)")
    from allocator.matching.cpsat import solve_constrained

    limit = DEFAULT_TIME_LIMIT if time_limit is None else time_limit
    # Leave time for the explanations and writing the result (a fraction of a second).
    seconds_left = max(0.1, limit * 0.97 - (time.perf_counter() - started) - 0.2)
    outcome = solve_constrained(eligibility, side, limit, seconds_left)
    proven = outcome.priority_proven and outcome.fit_proven
    return Solution(eligibility, side, outcome.pair_of, OPTIMAL if proven else FEASIBLE,
                    0.0 if proven else outcome.gap, f"cp-sat ({tools}), lexicographic priority then fit")


def solve_problem(problem: Problem, time_limit: float | None = None, started: float | None = None) -> dict[str, Any]:
    from allocator.matching.explain import explain_unassigned
    from allocator.matching.result import result_document

    started = time.perf_counter() if started is None else started
    solution = allocate(problem, time_limit, started)
    explanations = explain_unassigned(solution.eligibility, solution.side, solution.pair_of)
    return result_document(solution.eligibility, solution.pair_of, explanations, status=solution.status,
                           gap=solution.gap, solver=solution.solver, seconds=time.perf_counter() - started)


def solve_document(document: Any, time_limit: float | None = None) -> dict[str, Any]:
    started = time.perf_counter()
    return solve_problem(read_problem(document), time_limit, started)


def solve_file(path: str | Path, time_limit: float | None = None) -> dict[str, Any]:
    started = time.perf_counter()
    return solve_problem(read_problem_file(path), time_limit, started)


def explain_document(problem_document: Any, result_document: dict[str, Any]) -> dict[str, Any]:
    """For the web app: applicant id → :class:`~allocator.matching.explain.Explanation` (reason code,
    English sentence and the structured facts behind it: counts, ids, hours) for everyone a
    stored result leaves unhoused. Recomputed from the stored problem, so it can be worded in
    any language."""
    from allocator.matching.explain import explain_unassigned

    eligibility = compute_eligibility(read_problem(problem_document))
    side = find_side_constraints(eligibility)
    problem = eligibility.problem
    place_index = {place.id: i for i, place in enumerate(problem.places)}
    pair_of = np.full(len(problem.applicants), -1, dtype=np.int64)
    starts = eligibility.starts()
    for entry in result_document["assignments"]:
        applicant = problem.applicant_index[entry["applicant"]]
        pairs = np.arange(starts[applicant], starts[applicant + 1])
        match = pairs[eligibility.pairs.place[pairs] == place_index[entry["place"]]]
        if len(match) != 1:
            raise InputError([f"result: {entry['applicant']} → {entry['place']} is not an eligible pair"])
        pair_of[applicant] = int(match[0])
    return {e.applicant: e for e in explain_unassigned(eligibility, side, pair_of)}
