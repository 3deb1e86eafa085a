"""Exchanges that cannot break a unit's hours: the same set, within every limit, never less fit."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings

from allocator.matching.constrained import feasible
from allocator.matching.exchanges import exchange
from allocator.matching.work_budget import WorkBudget
from tests.allocator.matching.rounds import generated_start, greedy_start
from tests.allocator.matching.tiny import problems


def test_exchanges_raise_greedys_fit_and_keep_its_set_and_limits() -> None:
    eligibility, side, start = generated_start(seed=5)
    moved = exchange(eligibility, side, start, WorkBudget(10.0))
    assert np.array_equal(moved >= 0, start >= 0)
    assert len(set(eligibility.pairs.place[moved[moved >= 0]].tolist())) == int((moved >= 0).sum())
    assert feasible(eligibility, side, moved)
    assert eligibility.total_fit(moved) > eligibility.total_fit(start)  # greedy leaves fit that exchanges find


@settings(max_examples=60, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(problems(side_constraints=True))
def test_exchanges_never_break_a_limit_on_tiny_rounds(problem: dict) -> None:
    eligibility, side, start = greedy_start(problem)
    moved = exchange(eligibility, side, start, WorkBudget(10.0))
    assert np.array_equal(moved >= 0, start >= 0)
    assert feasible(eligibility, side, moved)
    assert eligibility.total_fit(moved) >= eligibility.total_fit(start)
