"""The fit LP: its bound is never below the best fit, and its rows alone prove who cannot be housed."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings

from allocator.matching.api import allocate
from allocator.matching.constrained import flow_pair_of
from allocator.matching.fit_bound import fit_bound
from allocator.matching.fit_lp import solve_fit_lp
from allocator.matching.generate import generate_problem
from allocator.matching.reader import read_problem
from allocator.matching.work_budget import WorkBudget
from tests.allocator.matching import brute
from tests.allocator.matching.tiny import problems


@settings(max_examples=60, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(problems(side_constraints=True))
def test_lp_bound_is_never_below_the_brute_force_optimum(problem: dict) -> None:
    solution = allocate(read_problem(problem), time_limit=20)
    _, best = brute.optimum(problem)
    lp = solve_fit_lp(solution.eligibility, solution.side, solution.pair_of >= 0, WorkBudget(10.0))
    assert lp.bound is not None and lp.bound >= best


def test_lp_bound_lies_between_the_fit_found_and_the_lagrangian_bound() -> None:
    """The LP is the Lagrangian's best possible bound, with not-with rows as well: never looser."""
    solution = allocate(read_problem(generate_problem(200, 80, seed=9, side_constraints=True)), time_limit=20)
    e, housed = solution.eligibility, solution.pair_of >= 0
    fit = e.total_fit(solution.pair_of)
    lp = solve_fit_lp(e, solution.side, housed, WorkBudget(10.0))
    priced = fit_bound(e, solution.side, housed, fit, WorkBudget(10.0), 1.0)
    assert fit <= lp.bound <= priced.bound <= e.total_fit(flow_pair_of(e, housed))
    assert np.all((lp.values >= -1e-9) & (lp.values <= 1 + 1e-9))


def test_cover_cuts_on_hours_close_a_gap_the_plain_lp_leaves() -> None:
    """The LP spreads people over units in shares no whole allocation has; the cover cuts on
    units' hours cut those off. On this round they bring the bound down to the fit found (so
    that fit is proven best for the set) where the plain LP is 107 above it."""
    solution = allocate(read_problem(generate_problem(200, 80, seed=9, side_constraints=True)), time_limit=5)
    e, housed = solution.eligibility, solution.pair_of >= 0
    fit = e.total_fit(solution.pair_of)
    plain = solve_fit_lp(e, solution.side, housed, WorkBudget(10.0), covers=False)
    cut = solve_fit_lp(e, solution.side, housed, WorkBudget(10.0))
    assert fit == cut.bound < plain.bound
    assert solution.status == "OPTIMAL"
    assert np.array_equal(cut.values, plain.values)  # the rounding follows the first solve


def test_cover_rounds_start_from_glops_optimal_basis() -> None:
    """The cover rounds re-solve in HiGHS from GLOP's basis: before any cut it is optimal as it
    stands (no iteration, the same value), which fails if a status is mapped wrongly."""
    from ortools.linear_solver import pywraplp

    from allocator.matching.fit_lp import CoverRounds, _fit_rows, _glop, _glop_basis

    solution = allocate(read_problem(generate_problem(200, 80, seed=9, side_constraints=True)), time_limit=5)
    e, housed = solution.eligibility, solution.pair_of >= 0
    pairs = np.flatnonzero(housed[e.pairs.applicant])
    fits = e.fit[pairs].astype(np.float64)
    solver = _glop(_fit_rows(e, solution.side, pairs, WorkBudget(10.0)), fits)
    assert solver.Solve() == pywraplp.Solver.OPTIMAL
    rounds = CoverRounds(_fit_rows(e, solution.side, pairs, WorkBudget(10.0)), fits,
                         _glop_basis(solver, solver.variables()), WorkBudget(10.0))
    rounds.highs.run()
    assert rounds.highs.getInfo().simplex_iteration_count == 0
    assert abs(rounds.highs.getInfo().objective_function_value - solver.Objective().Value()) < 1e-6
