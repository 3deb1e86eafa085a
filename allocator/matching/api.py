"""Entry points: solve a ``housing-allocation/1`` file, document or typed problem.

``solve_file(path, time_limit)`` is what ``python -m allocator solve`` calls. ``allocate``
returns the typed solution (eligibility, allocation, status) for callers that want more than
the JSON, such as the greedy-vs-optimal report.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from allocator.matching.eligibility import Eligibility, compute_eligibility
from allocator.matching.pair_model import SEED
from allocator.matching.problem import Problem
from allocator.matching.reader import read_problem, read_problem_file
from allocator.matching.side_constraints import SideConstraints, find_side_constraints
from allocator.matching.work_budget import CLOCK_MARGIN, UNITS_PER_SECOND, WorkBudget, reserved_units
from allocator.reading import InputError

DEFAULT_TIME_LIMIT = 30.0
TAIL_SHARE = 0.7  # explanations and writing, as a share of the time reading and eligibility took
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


def _highs_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("highspy")
    except PackageNotFoundError:
        return "unknown"


def allocate(problem: Problem, time_limit: float | None = None, started: float | None = None,
             clock=time.monotonic) -> Solution:
    """``started``: ``time.perf_counter()`` when the run began (reading included), for the clock's safety net.

    The limit becomes a budget of work units (:mod:`allocator.matching.work_budget`), minus what
    reading, eligibility, explanations and writing take for a round of this size; that budget,
    not the clock, decides where the search stops.
    """
    if time_limit is not None and not time_limit > 0:
        raise InputError(["--time-limit: must be a positive number of seconds"])
    started = time.perf_counter() if started is None else started
    eligibility = compute_eligibility(problem)
    side = find_side_constraints(eligibility)
    tools = f"OR-Tools {_ortools_version()}"
    if not side.any:
        from allocator.matching.constrained import flow_pair_of

        return Solution(eligibility, side, flow_pair_of(eligibility), OPTIMAL, 0.0,
                        f"min-cost flow ({tools} SimpleMinCostFlow)")
    from allocator.matching.constrained import solve_constrained

    limit = DEFAULT_TIME_LIMIT if time_limit is None else time_limit
    units = limit * UNITS_PER_SECOND - reserved_units(len(eligibility.pairs), len(problem.applicants))
    # The safety net keeps back time for explaining and writing, which take up to about 0.7 times
    # as long as reading and eligibility did on this machine just now (the clock never decides
    # anything while the budget lasts).
    elapsed = time.perf_counter() - started
    seconds_left = limit * (1 - CLOCK_MARGIN) - elapsed - (0.2 + TAIL_SHARE * elapsed)
    budget = WorkBudget(units, clock() + seconds_left, clock)
    outcome = solve_constrained(eligibility, side, budget)
    proven = outcome.priority.proven and outcome.fit_proven
    gap = 0.0 if proven else outcome.gap
    return Solution(eligibility, side, outcome.pair_of, OPTIMAL if proven else FEASIBLE, gap,
                    _solver_text(tools, limit, budget, outcome, len(problem.applicants)))


def _solver_text(tools: str, limit: float, budget: WorkBudget, outcome, applicants: int) -> str:
    """What ran, with what budget, and what was proven: enough to re-run the round identically."""
    proof = outcome.priority
    if proof.proven:
        stage1 = "stage 1 (who is housed) proven best by priority"
    else:
        why = {"budget": "the budget ended", "clock": "the clock ran out",
               "unanswered": "a question was not answered within its limit"}.get(proof.cut or "", "not finished")
        stage1 = (f"stage 1 (who is housed) not proven ({why}): proven best for the first {proof.proven_up_to:,} "
                  f"of {applicants:,} applicants in priority order, the rest at least as good as greedy")
    if outcome.fit_proven:
        stage2 = "stage 2 (fit) proven optimal"
    else:
        stage2 = f"stage 2 (fit) within {100 * outcome.gap:.2f} % of its bound"
        if "fit" in budget.cut:
            ended = "the budget ended" if budget.left() <= 0 else "the budget for its search ended"
            stage2 += f" when {ended}" if budget.cut["fit"] == "budget" else " when the clock ran out"
    clock = ("; the clock's safety net stopped a stage, so a re-run may differ" if budget.clock_decided else "")
    if outcome.highs_for:
        tools += f", HiGHS {_highs_version()} for {' and '.join(outcome.highs_for)}"
    return (f"cp-sat ({tools}; 1 worker, seed {SEED}) with min-cost flows, lexicographic priority then fit; "
            f"time limit {limit:g} s = budget {budget.units:.2f} work units ({budget.spent:.2f} used); "
            f"{stage1}; {stage2}{clock}")


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


def solve_file(path: str | Path, time_limit: float | None = None, started: float | None = None) -> dict[str, Any]:
    """``started``: ``time.perf_counter()`` when the run began (the command line passes its process's start)."""
    started = time.perf_counter() if started is None else started
    return solve_problem(read_problem_file(path), time_limit, started)


def explain_document(problem_document: Any, result_document: dict[str, Any]) -> dict[str, Any]:
    """For the web app: applicant id → :class:`~allocator.matching.explain.Explanation` (reason code,
    English sentence and the structured facts behind it: counts, ids, hours) for everyone a
    stored result leaves unhoused. Recomputed from the stored problem, so it can be worded in
    any language."""
    from allocator.matching.explain import explain_unassigned

    eligibility = compute_eligibility(read_problem(problem_document))
    side = find_side_constraints(eligibility)
    pair_of = _stored_allocation(eligibility, result_document)
    return {e.applicant: e for e in explain_unassigned(eligibility, side, pair_of)}


def _stored_allocation(eligibility: Eligibility, result_document: Any) -> np.ndarray:
    """``pair_of`` of a stored result, checked against its problem (an :class:`InputError` if it does not fit)."""
    problem = eligibility.problem
    place_index = {place.id: i for i, place in enumerate(problem.places)}
    pair_of = np.full(len(problem.applicants), -1, dtype=np.int64)
    starts = eligibility.starts()
    entries = result_document.get("assignments") if isinstance(result_document, dict) else None
    if not isinstance(entries, list):
        raise InputError(["result.assignments: expected a list"])
    problems: list[str] = []
    taken: set[int] = set()
    for k, entry in enumerate(entries):
        where = f"result.assignments[{k}]"
        if not isinstance(entry, dict):
            problems.append(f"{where}: expected an object")
            continue
        applicant_id, place_id = entry.get("applicant"), entry.get("place")
        applicant = problem.applicant_index.get(applicant_id) if isinstance(applicant_id, str) else None
        place = place_index.get(place_id) if isinstance(place_id, str) else None
        if applicant is None:
            problems.append(f"{where}.applicant: unknown applicant {json.dumps(entry.get('applicant'))}")
            continue
        if place is None:
            problems.append(f"{where}.place: unknown place {json.dumps(entry.get('place'))}")
            continue
        pairs = np.arange(starts[applicant], starts[applicant + 1])
        match = pairs[eligibility.pairs.place[pairs] == place]
        if len(match) != 1:
            problems.append(f"{where}: {entry['applicant']} → {entry['place']} is not an eligible pair")
        elif pair_of[applicant] >= 0:
            problems.append(f"{where}.applicant: {applicant_id} is assigned twice")
        elif place in taken:
            problems.append(f"{where}.place: {place_id} is assigned twice")
        else:
            pair_of[applicant] = int(match[0])
            taken.add(place)
    if problems:
        raise InputError(problems)
    return pair_of
