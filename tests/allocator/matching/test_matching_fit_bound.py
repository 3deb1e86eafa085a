"""The Lagrangian fit bound is an upper bound, and at least as tight as dropping the limits."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from allocator.matching.api import allocate
from allocator.matching.constrained import flow_pair_of
from allocator.matching.fit_bound import fit_bound
from allocator.matching.generate import generate_problem
from allocator.matching.reader import read_problem
from allocator.matching.work_budget import WorkBudget
from tests.allocator.matching import brute
from tests.allocator.matching.tiny import problems


def _fit(solution, pair_of) -> int:
    return int(solution.eligibility.fit[pair_of[pair_of >= 0]].sum())


def test_bound_lies_between_the_best_fit_and_the_bound_without_limits() -> None:
    solution = allocate(read_problem(generate_problem(200, 80, seed=9, side_constraints=True)), time_limit=20)
    housed = solution.pair_of >= 0
    fit = _fit(solution, solution.pair_of)
    without_limits = _fit(solution, flow_pair_of(solution.eligibility, housed))
    priced = fit_bound(solution.eligibility, solution.side, housed, fit, WorkBudget(10.0), 1.0)
    assert fit <= priced.bound <= without_limits
    assert (priced.wish[housed] >= 0).all() and (priced.wish[~housed] == -1).all()


@settings(max_examples=60, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(problems(side_constraints=True))
def test_bound_is_never_below_the_brute_force_optimum(problem: dict) -> None:
    solution = allocate(read_problem(problem), time_limit=20)
    _, best = brute.optimum(problem)
    priced = fit_bound(solution.eligibility, solution.side, solution.pair_of >= 0, best, WorkBudget(10.0), 1.0)
    assert priced.bound >= best
