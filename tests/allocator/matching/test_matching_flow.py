"""The flow: weights, the int64 range, and the two-flow fallback agrees with the single flow."""

from __future__ import annotations

import numpy as np

from allocator.matching import flow
from allocator.matching.eligibility import compute_eligibility
from allocator.matching.generate import generate_problem
from allocator.matching.reader import read_problem


def test_weights_strictly_decrease_over_applicants_with_a_pair() -> None:
    weights = flow.applicant_weights(np.array([0, 0, 2, 5, 5]), 7)
    assert weights.tolist() == [3, 0, 2, 0, 0, 1, 0]


def test_fit_spread_exceeds_any_difference_of_total_fit() -> None:
    applicant = np.array([0, 0, 1, 2])
    fit = np.array([500, -40, 300, -20])
    # best totals 500 + 300 + 0, worst -40 + 0 + -20: a spread below 861
    assert flow.fit_spread(applicant, fit, 3) == 861


def test_two_flows_give_the_single_flows_allocation(monkeypatch) -> None:
    eligibility = compute_eligibility(read_problem(generate_problem(400, 150, seed=9)))
    single = flow.solve_allocation(eligibility)
    monkeypatch.setattr(flow, "SAFE_COST_PRODUCT", 1)  # nothing fits: force the fallback
    assert flow.allocation_arcs(eligibility) is None
    double = flow.solve_allocation(eligibility)
    housed = np.zeros(len(eligibility.problem.applicants), dtype=bool)
    housed[eligibility.pairs.applicant[single]] = True
    housed_double = np.zeros_like(housed)
    housed_double[eligibility.pairs.applicant[double]] = True
    assert np.array_equal(housed, housed_double)
    assert eligibility.fit[single].sum() == eligibility.fit[double].sum()


def test_costs_of_a_large_round_are_far_inside_int64() -> None:
    eligibility = compute_eligibility(read_problem(generate_problem(2000, 800, seed=1)))
    arcs = flow.allocation_arcs(eligibility)
    assert arcs is not None
    assert int(np.abs(arcs.costs).max()) * (arcs.nodes + 1) < 2**62 // 1000
