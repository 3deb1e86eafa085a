"""The generated fit LP: the same value as the whole LP (without its cover cuts), a bound that holds wherever it stops,
an allocation of exactly the same set, and nothing printed on standard output."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings

from allocator.matching.api import allocate
from allocator.matching.constrained import feasible
from allocator.matching.fit_columns import bound_for_set, round_by_columns, solve_fit_lp_by_columns
from allocator.matching.fit_lp import solve_fit_lp
from allocator.matching.generate import generate_problem
from allocator.matching.reader import read_problem
from allocator.matching.work_budget import WorkBudget
from tests.allocator.matching import brute
from tests.allocator.matching.rounds import generated_start
from tests.allocator.matching.tiny import problems


def test_generated_lp_reaches_the_whole_lp_and_its_bound() -> None:
    eligibility, side, start = generated_start()
    whole = solve_fit_lp(eligibility, side, start >= 0, WorkBudget(10.0), covers=False)
    generated = solve_fit_lp_by_columns(eligibility, side, start, WorkBudget(10.0), until=10.0)
    assert generated.complete
    assert len(generated.model.columns) < len(generated.pairs)  # it did without some columns
    assert generated.bound == whole.bound


def test_bound_holds_when_the_generation_is_stopped_early() -> None:
    eligibility, side, start = generated_start()
    whole = solve_fit_lp(eligibility, side, start >= 0, WorkBudget(10.0), covers=False)
    stopped = solve_fit_lp_by_columns(eligibility, side, start, WorkBudget(10.0), until=0.0)
    assert not stopped.complete
    assert stopped.bound >= whole.bound  # weaker, never below the LP (hence the optimum)


@settings(max_examples=40, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(problems(side_constraints=True))
def test_generated_bound_is_never_below_the_brute_force_optimum(problem: dict) -> None:
    solution = allocate(read_problem(problem), time_limit=20)
    _, best = brute.optimum(problem)
    housed = solution.pair_of >= 0
    if not housed.any():
        return
    lp = solve_fit_lp_by_columns(solution.eligibility, solution.side, solution.pair_of, WorkBudget(10.0), 10.0)
    assert lp.bound is not None and lp.bound >= best


def test_bound_for_another_set_is_above_that_sets_lp() -> None:
    """Prices from one set's LP bound the fit of another set (the repair may change the set)."""
    eligibility, side, start = generated_start()
    lp = solve_fit_lp_by_columns(eligibility, side, start, WorkBudget(10.0), until=10.0)
    other = start >= 0
    other[np.flatnonzero(other)[::7]] = False
    exact = solve_fit_lp(eligibility, side, other, WorkBudget(10.0), covers=False).bound
    assert exact is not None
    assert bound_for_set(eligibility, side, other, lp, WorkBudget(10.0)) >= exact


def test_rounding_places_exactly_the_same_set_within_the_limits() -> None:
    eligibility, side, start = generated_start()
    lp = solve_fit_lp_by_columns(eligibility, side, start, WorkBudget(10.0), until=10.0)
    better = round_by_columns(eligibility, side, start, lp, WorkBudget(10.0), 2.0)
    assert better is not None  # greedy leaves fit on the table on this round
    assert np.array_equal(better >= 0, start >= 0)
    assert len(set(eligibility.pairs.place[better[better >= 0]].tolist())) == int((better >= 0).sum())
    assert feasible(eligibility, side, better)
    assert eligibility.total_fit(start) < eligibility.total_fit(better) <= lp.bound


def test_generation_prints_nothing_on_standard_output(capfd) -> None:
    """``python -m allocator solve`` writes its JSON on standard output: HiGHS must stay quiet."""
    eligibility, side, start = generated_start(seed=2)
    solve_fit_lp_by_columns(eligibility, side, start, WorkBudget(10.0), until=10.0)
    assert capfd.readouterr().out == ""


def test_going_on_from_another_sets_lp_gives_that_sets_lp() -> None:
    """The repair changed the set: the same LP, with people held at 0 or given rows, is the new set's LP."""
    eligibility, side, start = generated_start()
    first = solve_fit_lp_by_columns(eligibility, side, start, WorkBudget(10.0), until=10.0)
    smaller = start.copy()
    smaller[np.flatnonzero(smaller >= 0)[::5]] = -1
    again = solve_fit_lp_by_columns(eligibility, side, smaller, WorkBudget(10.0), until=10.0, earlier=first)
    fresh = solve_fit_lp(eligibility, side, smaller >= 0, WorkBudget(10.0), covers=False)
    assert again.complete and again.bound == fresh.bound
    assert np.array_equal(np.isin(np.arange(len(smaller)), eligibility.pairs.applicant[again.pairs]), smaller >= 0)


def test_the_national_path_end_to_end_on_a_small_round(monkeypatch) -> None:
    """With the whole LP made unaffordable, a round goes the way 5,000 × 2,000 rounds go: a valid
    result by FORMATS' rules (an independent checker), the same on a re-run."""
    import json

    from allocator.matching import constrained
    from allocator.matching.api import solve_document
    from tests.allocator.matching.checker import check_result

    monkeypatch.setattr(constrained, "lp_units", lambda eligibility, housed: 1e9)
    calls = []
    real = constrained.solve_fit_lp_by_columns
    monkeypatch.setattr(constrained, "solve_fit_lp_by_columns", lambda *a, **k: calls.append(1) or real(*a, **k))
    problem = generate_problem(400, 160, seed=5, side_constraints=True)
    first, second = solve_document(problem, 6), solve_document(problem, 6)
    assert calls  # the column path ran
    assert "HiGHS" in first["stats"]["solver"]  # its version matters for a re-run on appeal
    assert check_result(problem, first) == []
    first["stats"].pop("seconds"), second["stats"].pop("seconds")
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)
