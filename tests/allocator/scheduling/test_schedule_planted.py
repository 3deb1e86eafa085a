"""Planted weeks: a schedule that makes every visit, each by its key worker, keeping every
``previous`` entry, is known to exist (the generator lays it down first). The solver must find
one, with travel within 1 % of the least, which :mod:`allocator.scheduling.bounds` works out
apart from the solver."""

from __future__ import annotations

import pytest

from allocator.scheduling.api import schedule_document
from allocator.scheduling.bounds import key_worker_bound, least_travel
from allocator.scheduling.generate import planted_problem
from allocator.scheduling.options import Reach
from allocator.scheduling.reader import read_document
from allocator.scheduling.solver import default_budget, solve
from tests.allocator.scheduling.schedule_checker import problems_with


def _planted(staff: int, residents: int, seed: int) -> dict:
    document = planted_problem(staff, residents, seed=seed)
    windows = [len(visit["windows"]) for visit in document["visits"]]
    assert any(count > 1 for count in windows), "some visits have windows on other days"
    assert 0 < len(document["previous"]) < len(document["visits"])
    return document


@pytest.mark.parametrize(("staff", "residents", "seed"), [(6, 20, 1), (6, 20, 2), (12, 50, 3)])
def test_the_solver_finds_a_planted_schedule(staff: int, residents: int, seed: int) -> None:
    document = _planted(staff, residents, seed)
    result = schedule_document(document)
    assert problems_with(document, result) == []
    visits, previous = len(document["visits"]), len(document["previous"])
    least = least_travel(read_document(document))
    assert least is not None and least.proven
    objective = result["objective"]
    assert (objective["scheduled"], objective["with_key_worker"], objective["kept"]) == (visits, visits, previous)
    assert objective["travel_minutes"] <= least.value * 1.01
    assert result["status"] == "OPTIMAL"


@pytest.mark.parametrize("seed", [1, 2, 5])
def test_the_search_alone_finds_every_visit_key_worker_and_kept_entry(seed: int) -> None:
    # Without the exact per-staff start, the routing search and the repairs still respect the
    # order of the terms: nothing is given up for travel.
    problem = read_document(_planted(6, 20, seed))
    reach = Reach(problem)
    budget = default_budget(len(problem.visits), len(reach.vehicles), True, None, 0.0)
    objective = solve(reach, budget, exact_start=False).objective
    visits = len(problem.visits)
    assert (objective.scheduled, objective.with_key_worker, objective.kept) == (visits, visits, len(problem.previous))


def test_the_bounds_agree_with_the_exact_stage() -> None:
    # Two different exact methods (route enumeration + CP-SAT in the solver, one CP-SAT circuit
    # model per staff member in bounds.py) reach the same optimum.
    document = _planted(12, 50, 4)
    problem = read_document(document)
    result = schedule_document(document)
    assert key_worker_bound(problem).value == result["objective"]["with_key_worker"] == len(problem.visits)
    assert least_travel(problem).value == result["objective"]["travel_minutes"]


def test_least_travel_is_not_claimed_where_some_key_worker_is_away() -> None:
    document = _planted(6, 20, 1)
    document["staff"] = document["staff"][1:]
    assert least_travel(read_document(document)) is None
