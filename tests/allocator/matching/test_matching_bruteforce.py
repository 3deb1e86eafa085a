"""Tiny problems against brute force over every allocation: same housed set, same total fit.

Also: every result passes the independent checker, and greedy matches FORMATS' greedy.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from allocator.matching.api import allocate, solve_document
from allocator.matching.greedy import greedy_allocation
from allocator.matching.reader import read_problem
from tests.allocator.matching import brute
from tests.allocator.matching.checker import check_result
from tests.allocator.matching.tiny import problems

TINY = settings(max_examples=150, derandomize=True, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _assert_optimal(problem: dict) -> None:
    result = solve_document(problem, time_limit=20)
    assert check_result(problem, result) == []
    housed, fit = brute.optimum(problem)
    assert tuple(entry["applicant"] for entry in result["assignments"]) == housed
    assert result["objective"]["fit"] == fit
    assert result["status"] == "OPTIMAL"


@TINY
@given(problems(side_constraints=False))
def test_without_side_constraints_matches_brute_force(problem: dict) -> None:
    _assert_optimal(problem)


@TINY
@given(problems(side_constraints=True))
def test_with_side_constraints_matches_brute_force(problem: dict) -> None:
    _assert_optimal(problem)


@settings(max_examples=100, derandomize=True, deadline=None)
@given(problems(side_constraints=True))
def test_greedy_is_formats_greedy(problem: dict) -> None:
    solution = allocate(read_problem(problem), time_limit=20)
    eligibility = solution.eligibility
    pair_of = greedy_allocation(eligibility, solution.side)
    mine = {eligibility.problem.applicants[i].id: eligibility.problem.places[eligibility.pairs.place[pair]].id
            for i, pair in enumerate(pair_of.tolist()) if pair >= 0}
    assert mine == brute.greedy(problem)
