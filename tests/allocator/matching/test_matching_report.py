"""Greedy next to the optimum: never better by priority, no inversions, the table renders."""

from __future__ import annotations

import numpy as np

from allocator.matching.api import allocate
from allocator.matching.generate import generate_problem
from allocator.matching.greedy import greedy_allocation
from allocator.matching.occupancy import lex_better
from allocator.matching.reader import read_problem
from allocator.matching.report import compare_solution


def test_optimum_is_at_least_as_good_as_greedy_and_stable() -> None:
    for side in (False, True):
        solution = allocate(read_problem(generate_problem(200, 80, seed=4, side_constraints=side)), time_limit=8)
        greedy = greedy_allocation(solution.eligibility, solution.side)
        assert lex_better(solution.pair_of >= 0, greedy >= 0) >= 0
        comparison = compare_solution(solution)
        assert comparison.optimal.inversions == 0
        assert comparison.greedy.inversions == 0
        text = comparison.render()
        assert "housed, band 1 (acute)" in text and "first-wish rate" in text


def test_quality_counts() -> None:
    solution = allocate(read_problem(generate_problem(60, 20, seed=2)))
    optimal = compare_solution(solution).optimal
    housed = np.flatnonzero(solution.pair_of >= 0)
    assert optimal.housed == len(housed)
    assert 0.0 <= optimal.first_wish_rate <= 1.0
