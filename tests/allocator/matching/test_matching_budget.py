"""The time limit is a deterministic budget: the work done decides where the search stops, not the clock.

``allocate`` takes the clock it uses for its safety net. A frozen clock and one that runs
normally must give exactly the same result while the budget lasts; a clock that runs out
stops the search early and the result says so.
"""

from __future__ import annotations

import itertools
import time

import numpy as np
import ortools
import pytest

from allocator.matching.api import allocate, explain_document, solve_document
from allocator.matching.generate import generate_problem
from allocator.matching.reader import read_problem
from allocator.matching.work_budget import UNITS_PER_SECOND, WorkBudget
from allocator.reading import InputError
from tests.allocator.matching.checker import check_result

LIMIT = 1.5  # seconds: a budget that ends in the middle of the search on this round


@pytest.fixture(scope="module")
def problem():
    return read_problem(generate_problem(400, 160, seed=7, side_constraints=True))


def _frozen() -> float:
    return 0.0


def test_the_budget_not_the_clock_decides_where_the_search_stops(problem) -> None:
    ticks = itertools.count()
    crawling = allocate(problem, LIMIT, clock=lambda: next(ticks) * 1e-9)
    frozen = allocate(problem, LIMIT, clock=_frozen)
    assert np.array_equal(crawling.pair_of, frozen.pair_of)
    assert crawling.solver == frozen.solver
    assert "budget ended" in frozen.solver
    assert "safety net" not in frozen.solver
    assert f"time limit {LIMIT:g} s" in frozen.solver


def test_a_larger_limit_buys_more_work_and_never_a_worse_start(problem) -> None:
    small = allocate(problem, LIMIT, clock=_frozen)
    large = allocate(problem, 4 * LIMIT, clock=_frozen)
    spent = [float(text.split("(")[2].split(" used")[0]) for text in (small.solver, large.solver)]
    assert spent[0] < spent[1]


def test_a_clock_that_runs_out_stops_the_search_and_says_so(problem) -> None:
    ticks = itertools.count()
    result = allocate(problem, LIMIT, clock=lambda: next(ticks) * 10.0)
    assert "the clock's safety net stopped a stage, so a re-run may differ" in result.solver
    assert result.status == "FEASIBLE"


def test_the_budget_records_the_stage_it_cut() -> None:
    budget = WorkBudget(1.0, deadline=None)
    budget.stage = "fit"
    budget.charge(0.5)
    assert not budget.exhausted()
    budget.charge(0.6)
    assert budget.exhausted() and budget.cut == {"fit": "budget"}
    assert not budget.clock_decided
    assert UNITS_PER_SECOND > 0


def test_a_solver_limit_near_the_deadline_counts_as_cut_by_the_clock() -> None:
    """CP-SAT sizes its presolve by the wall time it has: a limit tighter than a slow machine
    could need for the solve may change it unseen, so the stage says the clock decided."""
    roomy = WorkBudget(10.0, deadline=time.monotonic() + 60.0)
    roomy.stage = "fit"
    assert roomy.solver_seconds(1.0) > 50 and not roomy.clock_decided
    tight = WorkBudget(10.0, deadline=time.monotonic() + 2.0)
    tight.stage = "fit"
    assert tight.solver_seconds(0.1) <= 2.0 and not tight.clock_decided  # 0.1 units fit in 2 s
    assert tight.solver_seconds(1.0) <= 2.0 and tight.cut == {"fit": "clock"}


def test_a_choice_made_because_the_deadline_passed_is_recorded_as_the_clocks() -> None:
    """Once the deadline has passed, stage 1 asks CP-SAT instead of HiGHS: the stage must then
    be recorded as cut by the clock, so that the result says a re-run may differ."""
    from allocator.matching.eligibility import compute_eligibility
    from allocator.matching.housing_question import HousingQuestions
    from allocator.matching.side_constraints import find_side_constraints

    eligibility = compute_eligibility(read_problem(generate_problem(150, 60, seed=7, side_constraints=True)))
    side = find_side_constraints(eligibility)
    budget = WorkBudget(10.0, deadline=time.monotonic() + 60.0)
    budget.stage = "priority"
    questions = HousingQuestions(eligibility, side, budget)
    members = np.zeros(len(eligibility.problem.applicants), dtype=bool)
    members[np.flatnonzero(questions.row_of >= 0)[:3]] = True  # three who have eligible places
    incumbent = np.full(len(members), -1)
    questions.ask(members, incumbent, units=5.0)
    assert not budget.clock_decided and set(questions.tally) == {"highs yes"}
    budget.deadline = time.monotonic() - 1.0
    questions.ask(members, incumbent, units=5.0)
    assert budget.cut == {"priority": "clock"}
    assert any(key.startswith("cp-sat") for key in questions.tally)


def test_a_highs_run_stopped_at_its_time_limit_is_the_clocks_even_before_the_deadline() -> None:
    """HiGHS's own timer may stop it a moment before the budget's deadline; the stop is still
    the safety net's, so the stage is recorded as cut by the clock."""
    from allocator.matching.highs import quiet_highs, record_stop

    highs = quiet_highs(time_limit=0.0, presolve="off")
    highs.addVars(200, np.zeros(200), np.ones(200))
    highs.changeColsCost(200, np.arange(200, dtype=np.int32), np.arange(200, dtype=np.float64))
    highs.addRows(1, np.array([-np.inf]), np.array([10.0]), 200, np.array([0], dtype=np.int32),
                  np.arange(200, dtype=np.int32), np.ones(200))
    highs.run()
    budget = WorkBudget(10.0, deadline=time.monotonic() + 60.0)
    budget.stage = "fit"
    record_stop(highs, budget)
    assert budget.cut == {"fit": "clock"}


def test_stats_name_the_solver_version_limit_and_budget() -> None:
    document = generate_problem(60, 24, seed=3, side_constraints=True)
    result = solve_document(document, time_limit=7)
    assert check_result(document, result) == []
    solver = result["stats"]["solver"]
    assert f"OR-Tools {ortools.__version__}" in solver
    assert "time limit 7 s = budget" in solver and "work units" in solver
    assert sorted(result["stats"]) == ["eligible_pairs", "gap", "seconds", "solver"]


def test_explaining_a_result_that_names_an_unknown_place_is_a_clear_error() -> None:
    document = generate_problem(30, 12, seed=2)
    result = solve_document(document)
    result["assignments"][0]["place"] = "NO-SUCH-PLACE"
    with pytest.raises(InputError) as caught:
        explain_document(document, result)
    assert caught.value.problems == ['result.assignments[0].place: unknown place "NO-SUCH-PLACE"']
    result["assignments"][0]["applicant"] = "NOBODY"
    with pytest.raises(InputError) as caught:
        explain_document(document, result)
    assert caught.value.problems == ['result.assignments[0].applicant: unknown applicant "NOBODY"']
