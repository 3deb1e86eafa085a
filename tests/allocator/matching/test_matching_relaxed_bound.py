"""Stage 1's bound after a refusal: the old best set of the flow relaxation, less the refused
applicant, plus at most the first one who can still be added, equals a new flow every time."""

from __future__ import annotations

import numpy as np

from allocator.matching.api import allocate
from allocator.matching.flow import solve_allocation
from allocator.matching.generate import generate_problem
from allocator.matching.reader import read_problem
from allocator.matching.relaxed_bound import RelaxedBound
from allocator.matching.work_budget import WorkBudget
from tests.allocator.matching.test_matching_housing_question import tiny_rounds


def _flow_housed(eligibility, allowed: np.ndarray, unit_limit: np.ndarray) -> np.ndarray:
    housed = np.zeros(len(allowed), dtype=bool)
    housed[eligibility.pairs.applicant[solve_allocation(eligibility, allowed, unit_limit)]] = True
    return housed


def _refuse_in_turn(eligibility, side, every: int = 1) -> int:
    """Refuse every ``every``-th applicant of the bound in priority order, as stage 1 does, and
    compare each new bound with a new flow; returns how many refusals added someone."""
    unit_limit = side.resident_limit(eligibility)
    applicants = len(eligibility.problem.applicants)
    everyone = np.arange(applicants)
    bound = RelaxedBound(eligibility, unit_limit, WorkBudget(float("inf")))
    housed = bound.recompute(np.ones(applicants, dtype=bool)).copy()
    added = 0
    for turn, applicant in enumerate(np.flatnonzero(housed).tolist()):
        if turn % every or not bound.housed[applicant]:
            continue
        before = bound.housed.copy()
        allowed = (before & (everyone < applicant)) | (everyone > applicant)
        after = bound.refuse(applicant).copy()
        assert np.array_equal(after, _flow_housed(eligibility, allowed, unit_limit))
        added += int(after.sum()) == int(before.sum())
        _assert_valid(eligibility, bound, unit_limit)
    return added


def _assert_valid(eligibility, bound: RelaxedBound, unit_limit: np.ndarray) -> None:
    """``pair_of`` is an allocation of the relaxation: own pairs, distinct places, unit caps kept."""
    housed = np.flatnonzero(bound.pair_of >= 0)
    pairs = bound.pair_of[housed]
    assert np.array_equal(eligibility.pairs.applicant[pairs], housed)
    places = eligibility.pairs.place[pairs]
    assert len(np.unique(places)) == len(places)
    units = np.bincount(eligibility.columns.place_unit[places], minlength=len(unit_limit))
    assert np.all(units <= unit_limit)


def test_refusals_on_a_generated_round_match_a_new_flow_each_time() -> None:
    solution = allocate(read_problem(generate_problem(400, 160, seed=4, side_constraints=True)), time_limit=1)
    added = _refuse_in_turn(solution.eligibility, solution.side, every=3)
    assert added > 5  # most refusals let someone later in: the exchange path is exercised


@tiny_rounds
def test_refusals_on_tiny_rounds_match_a_new_flow_each_time(problem: dict) -> None:
    solution = allocate(read_problem(problem), time_limit=5)
    _refuse_in_turn(solution.eligibility, solution.side)


def _two_towns_problem() -> dict:
    """U0 (one place, in one town) and U1 (two places, 111 km north, hours for one of the
    three-hour applicants): A0 fits only U0, A1 either unit (but not U1's family flat P2),
    A2 (a household of two) only P2."""
    def applicant(index: int, towns: list[float], household: int = 1) -> dict:
        return {"id": f"A{index}", "band": 1, "need_since": "2026-10-01", "tiebreak": 0.1 * index, "age": 19,
                "gender": None, "language": None, "household": household, "needs_accessible": False,
                "support_level": 2, "support_hours": 3, "needs": [],
                "locations": [{"lat": lat, "lon": 25.0} for lat in towns], "max_distance_km": 30, "not_with": []}

    def unit(index: int, hours: int) -> dict:
        return {"id": f"U{index}", "support_level": 2, "services": [], "support_hours": hours, "min_age": None,
                "max_age": None, "gender": None, "languages": None, "residents": []}

    def place(index: int, unit: int, lat: float, household: int = 1) -> dict:
        return {"id": f"P{index}", "unit": f"U{unit}", "lat": lat, "lon": 25.0, "max_household": household,
                "accessible": False}

    return {"format": "housing-allocation/1", "as_of": "2026-12-01", "policy": {},
            "units": [unit(0, 10), unit(1, 4)],
            "places": [place(0, 0, 61.0), place(1, 1, 62.0), place(2, 1, 62.0, household=2)],
            "applicants": [applicant(0, [61.0]), applicant(1, [61.0, 62.0]), applicant(2, [62.0], household=2)]}


def test_a_refusal_lets_in_someone_whose_unit_is_full_when_a_resident_can_move() -> None:
    """A1 lives in U1, whose hours it fills; refusing A0 frees U0, so A1 can move there and A2
    take U1's free family flat (the path runs through U1's cap, not through a place A1 holds)."""
    solution = allocate(read_problem(_two_towns_problem()), time_limit=5)
    e, side = solution.eligibility, solution.side
    limit = side.resident_limit(e)
    assert limit.tolist() == [1, 1]
    bound = RelaxedBound(e, limit, WorkBudget(10.0))
    assert bound.recompute(np.ones(3, dtype=bool)).tolist() == [True, True, False]
    assert bound.refuse(0).tolist() == [False, True, True]
    _assert_valid(e, bound, limit)
    assert e.columns.place_unit[e.pairs.place[bound.pair_of[1]]] == 0  # A1 moved to U0


def test_a_refusal_lets_in_the_first_who_can_take_a_place_through_a_chain() -> None:
    """One unit of two places, capped at two residents by hours: A0 and A1 are in; A2 and A3
    are out. Refusing A0 frees room for one: A2, the first of them."""
    from tests.allocator.matching.test_matching_housing_question import _one_unit_problem

    problem = _one_unit_problem([3, 3, 3, 3])
    problem["places"] = problem["places"][:2]
    solution = allocate(read_problem(problem), time_limit=5)
    e, side = solution.eligibility, solution.side
    bound = RelaxedBound(e, side.resident_limit(e), WorkBudget(10.0))
    assert bound.recompute(np.ones(4, dtype=bool)).tolist() == [True, True, False, False]
    assert bound.refuse(0).tolist() == [False, True, True, False]
    assert bound.refuse(1).tolist() == [False, False, True, True]
