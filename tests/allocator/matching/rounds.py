"""Rounds the stage-2 tests start from: a round's eligibility and side constraints, and greedy's
allocation of it (a feasible, stable start that leaves fit on the table)."""

from __future__ import annotations

from allocator.matching.api import allocate
from allocator.matching.generate import generate_problem
from allocator.matching.greedy import greedy_allocation
from allocator.matching.reader import read_problem


def greedy_start(document: dict, time_limit: float = 5):
    """(eligibility, side constraints, greedy's pair_of) of a problem document."""
    solution = allocate(read_problem(document), time_limit=time_limit)
    return solution.eligibility, solution.side, greedy_allocation(solution.eligibility, solution.side)


def generated_start(seed: int = 5):
    """:func:`greedy_start` of a generated 400 × 160 round with unit hours and not-with pairs."""
    return greedy_start(generate_problem(400, 160, seed=seed, side_constraints=True), time_limit=1)
