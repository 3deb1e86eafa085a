"""Exchanges that cannot break a unit's hours: the same set, within every limit, never less fit."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings

from allocator.matching.api import allocate
from allocator.matching.constrained import feasible
from allocator.matching.exchanges import exchange
from allocator.matching.generate import generate_problem
from allocator.matching.greedy import greedy_allocation
from allocator.matching.reader import read_problem
from allocator.matching.work_budget import WorkBudget
from tests.allocator.matching.tiny import problems


def _fit(eligibility, pair_of: np.ndarray) -> int:
    return int(eligibility.fit[pair_of[pair_of >= 0]].sum())


def test_exchanges_raise_greedys_fit_and_keep_its_set_and_limits() -> None:
    solution = allocate(read_problem(generate_problem(400, 160, seed=5, side_constraints=True)), time_limit=1)
    eligibility, side = solution.eligibility, solution.side
    start = greedy_allocation(eligibility, side)
    moved = exchange(eligibility, side, start, WorkBudget(10.0))
    assert np.array_equal(moved >= 0, start >= 0)
    assert len(set(eligibility.pairs.place[moved[moved >= 0]].tolist())) == int((moved >= 0).sum())
    assert feasible(eligibility, side, moved)
    assert _fit(eligibility, moved) > _fit(eligibility, start)  # greedy leaves fit that exchanges find


@settings(max_examples=60, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(problems(side_constraints=True))
def test_exchanges_never_break_a_limit_on_tiny_rounds(problem: dict) -> None:
    solution = allocate(read_problem(problem), time_limit=5)
    eligibility, side = solution.eligibility, solution.side
    start = greedy_allocation(eligibility, side)
    moved = exchange(eligibility, side, start, WorkBudget(10.0))
    assert np.array_equal(moved >= 0, start >= 0)
    assert feasible(eligibility, side, moved)
    assert _fit(eligibility, moved) >= _fit(eligibility, start)
