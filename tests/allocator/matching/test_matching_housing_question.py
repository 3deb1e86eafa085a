"""Stage 1's question over unit choices, Hall's limits, and refusals that carry over."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from allocator.matching.api import allocate
from allocator.matching.constrained import feasible
from allocator.matching.housing_question import NO, YES, HousingQuestions
from allocator.matching.pair_model import PairModel
from allocator.matching.priority_proof import Refusals
from allocator.matching.reader import read_problem
from allocator.matching.unit_choices import hall_limits
from allocator.matching.work_budget import WorkBudget
from tests.allocator.matching.rounds import generated_start
from tests.allocator.matching.test_matching_room_rounding import _two_accessible_flats_problem
from tests.allocator.matching.tiny import problems


def tiny_rounds(test):
    """Run ``test`` on 40 tiny generated rounds with side constraints (the same ones every run)."""
    return settings(max_examples=40, derandomize=True, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])(
        given(problems(side_constraints=True))(test))


def _members(applicants: int, chosen) -> np.ndarray:
    members = np.zeros(applicants, dtype=bool)
    members[list(chosen)] = True
    return members


def _groups(applicants: int, sizes: tuple[int, ...]):
    """Every group of ``sizes`` applicants: (their indices, as a mask)."""
    for size in sizes:
        for chosen in itertools.combinations(range(applicants), size):
            yield chosen, _members(applicants, chosen)


def _tiny_round(problem: dict):
    """(eligibility, side constraints, applicants) of a tiny problem."""
    solution = allocate(read_problem(problem), time_limit=5)
    return solution.eligibility, solution.side, len(solution.eligibility.problem.applicants)


def _exact(eligibility, side, members: np.ndarray) -> bool:
    """Can ``members`` all be housed? CP-SAT over pairs, without a limit (tiny rounds only)."""
    group = np.flatnonzero(members).tolist()
    status, _ = PairModel(eligibility, side, group, forced=set(group)).solve(WorkBudget(100.0), 100.0)
    assert status in ("OPTIMAL", "FEASIBLE", "INFEASIBLE")
    return status != "INFEASIBLE"


def test_hall_limits_cover_every_union_of_eligible_places() -> None:
    """Three people in one unit of three places: two fit only P0 or P1, one only P1 or P2, so
    the union {P0, P1} takes two of the first two and {P0, P1, P2} all three."""
    unit = np.zeros(3, dtype=np.int64)
    places = [frozenset({0, 1}), frozenset({0, 1}), frozenset({1, 2})]
    assert hall_limits(unit, places) == []  # nothing can bind: every union has as many places as people in it
    assert ([0, 1], 1) in hall_limits(unit, [frozenset({0}), frozenset({0}), frozenset({1, 2})])
    # Four people, two fitting only P0 and two only P1: only the union {P0, P1} limits them, to two.
    halves = [frozenset({0}), frozenset({1}), frozenset({0}), frozenset({1})]
    assert ([0, 2, 1, 3], 2) in hall_limits(np.zeros(4, dtype=np.int64), halves)
    assert all(cap == 1 for _, cap in hall_limits(np.zeros(4, dtype=np.int64), halves, unions=False))


def test_two_people_needing_a_units_only_accessible_place_cannot_both_be_housed() -> None:
    """U0 has two places and hours for both, but only one accessible place, and U1 none: by
    counts and hours both could live in U0, by Hall's condition only one can."""
    problem = _two_accessible_flats_problem()
    problem["places"][2]["accessible"] = False
    solution = allocate(read_problem(problem), time_limit=5)
    eligibility, side = solution.eligibility, solution.side
    questions = HousingQuestions(eligibility, side, WorkBudget(10.0))
    nobody = np.full(3, -1)
    assert questions.ask(_members(3, [0, 1]), nobody, 10.0) == (NO, None)
    for pair in ([0, 2], [1, 2]):
        answer, placed = questions.ask(_members(3, pair), nobody, 10.0)
        assert answer == YES and feasible(eligibility, side, placed)
        assert np.array_equal(placed >= 0, _members(3, pair))


def test_a_greedy_set_is_housed_within_every_rule_and_everyone_is_refused() -> None:
    eligibility, side, start = generated_start(seed=5)
    questions = HousingQuestions(eligibility, side, WorkBudget(10.0))
    answer, placed = questions.ask(start >= 0, start, 10.0)
    assert answer == YES
    assert np.array_equal(placed >= 0, start >= 0) and feasible(eligibility, side, placed)
    places = eligibility.pairs.place[placed[placed >= 0]]
    assert len(np.unique(places)) == len(places)
    everyone_with_a_pair = np.zeros(len(start), dtype=bool)
    everyone_with_a_pair[eligibility.pairs.applicant] = True  # more people than places
    assert questions.ask(everyone_with_a_pair, start, 10.0) == (NO, None)


@tiny_rounds
def test_answers_agree_with_the_pair_model_on_tiny_rounds(problem: dict) -> None:
    eligibility, side, applicants = _tiny_round(problem)
    questions = HousingQuestions(eligibility, side, WorkBudget(100.0))
    for (_, members), units in itertools.product(_groups(applicants, (2, 3, 4)), (100.0, 0.4)):
        answer, placed = questions.ask(members, np.full(applicants, -1), units)  # HiGHS; CP-SAT with little left
        assert answer == (YES if _exact(eligibility, side, members) else NO)
        if answer == YES:
            assert np.array_equal(placed >= 0, members) and feasible(eligibility, side, placed)
    asked = {solver: questions.tally[f"{solver} no"] + questions.tally[f"{solver} yes"]
             for solver in ("highs", "cp-sat")}
    assert asked["highs"] == asked["cp-sat"]  # each group that reached a solver was asked of both


@tiny_rounds
def test_a_refusal_answers_only_for_those_who_could_not_join_either(problem: dict) -> None:
    """Whenever a refused applicant answers for another, the other cannot join that set either."""
    eligibility, side, applicants = _tiny_round(problem)
    for decided, members in _groups(applicants, (1, 2, 3)):
        if not _exact(eligibility, side, members):
            continue
        for refused, other in itertools.permutations(set(range(applicants)) - set(decided), 2):
            if _exact(eligibility, side, _members(applicants, (*decided, refused))):
                continue
            refusals = Refusals(eligibility, side)
            refusals.add(refused)
            if refusals.cover(other):
                assert not _exact(eligibility, side, _members(applicants, (*decided, other)))


def _one_unit_problem(needs: list[int], not_with: dict[int, int] | None = None) -> dict:
    """One unit of three places with 6 support hours; applicants in priority order with ``needs``."""
    def applicant(index: int, need: int) -> dict:
        partner = (not_with or {}).get(index)
        return {"id": f"A{index}", "band": 1, "need_since": "2026-10-01", "tiebreak": 0.1 * index, "age": 19,
                "gender": None, "language": None, "household": 1, "needs_accessible": False,
                "support_level": 2, "support_hours": need, "needs": [], "locations": [{"lat": 61.0, "lon": 25.0}],
                "max_distance_km": 60, "not_with": [] if partner is None else [f"A{partner}"]}

    return {"format": "housing-allocation/1", "as_of": "2026-12-01", "policy": {},
            "units": [{"id": "U0", "support_level": 2, "services": [], "support_hours": 6, "min_age": None,
                       "max_age": None, "gender": None, "languages": None, "residents": []}],
            "places": [{"id": f"P{p}", "unit": "U0", "lat": 61.0, "lon": 25.0, "max_household": 1,
                        "accessible": False} for p in range(3)],
            "applicants": [applicant(i, need) for i, need in enumerate(needs)]}


def test_a_refusal_answers_for_those_who_need_more_but_not_for_those_who_need_less() -> None:
    """A0 (3 hours) is housed; A1 (4 hours) cannot join, nor can A3 (5), but A2 (2) can."""
    solution = allocate(read_problem(_one_unit_problem([3, 4, 2, 5])), time_limit=5)
    refusals = Refusals(solution.eligibility, solution.side)
    refusals.add(1)
    assert not refusals.cover(2) and refusals.cover(3)
    assert _exact(solution.eligibility, solution.side, _members(4, [0, 2]))


def test_refusals_answer_unit_by_unit() -> None:
    """Two towns, a unit of 6 hours in each: A0 and A1 (4 hours) live in them. A2 and A3 (3 hours)
    could each live in one town only and are refused; A4 (3 hours) could live in either, and
    in each town one of them could take A4's place, so A4 is refused too. A5 (2 hours) is not."""
    from tests.allocator.matching.test_matching_question_model import _two_units_problem

    problem = _two_units_problem([4, 4, 3, 3, 3, 2], hours=6)
    for place in problem["places"][3:]:
        place["lat"] = 62.0  # the second unit, 111 km from the first
    towns = {0: [61.0], 1: [62.0], 2: [61.0], 3: [62.0], 4: [61.0, 62.0], 5: [61.0, 62.0]}
    for index, applicant in enumerate(problem["applicants"]):
        applicant["locations"] = [{"lat": lat, "lon": 25.0} for lat in towns[index]]
    solution = allocate(read_problem(problem), time_limit=5)
    e, side = solution.eligibility, solution.side
    refusals = Refusals(e, side)
    refusals.add(2)
    assert not refusals.cover(4)
    refusals.add(3)
    assert refusals.cover(4) and not refusals.cover(5)
    assert not _exact(e, side, _members(6, [0, 1, 4])) and _exact(e, side, _members(6, [0, 1, 5]))


def test_a_refusal_for_company_answers_only_for_those_who_must_avoid_them_too() -> None:
    """A0 is housed; A1 must not live with A0, so cannot join; A2 needs no more hours than A1
    and may live with A0, so the refusal of A1 says nothing about A2."""
    solution = allocate(read_problem(_one_unit_problem([2, 2, 2], not_with={1: 0})), time_limit=5)
    refusals = Refusals(solution.eligibility, solution.side)
    assert not _exact(solution.eligibility, solution.side, _members(3, [0, 1]))
    refusals.add(1)
    assert not refusals.cover(2)
    assert _exact(solution.eligibility, solution.side, _members(3, [0, 2]))


@pytest.mark.parametrize(("size", "seed", "answered_by"), [((150, 60), 3, ("chain yes",)),
                                                         ((200, 80), 2, ("lp no", "highs no")),
                                                         ((150, 60), 7, ("near yes",))])
def test_stage_1_proves_the_set_that_greedy_with_an_exact_oracle_builds(size, seed, answered_by) -> None:
    """The whole proof on a generated round, against the definition: in priority order, take
    each applicant whom the exact pair model can house together with everyone taken before."""
    from allocator.matching.constrained import Search, flow_pair_of
    from allocator.matching.generate import generate_problem
    from allocator.matching.greedy import greedy_allocation
    from allocator.matching.priority_proof import PriorityProver

    solution = allocate(read_problem(generate_problem(*size, seed=seed, side_constraints=True)), time_limit=1)
    eligibility, side = solution.eligibility, solution.side
    applicants = len(eligibility.problem.applicants)
    taken: list[int] = []
    for applicant in np.unique(eligibility.pairs.applicant).tolist():
        if _exact(eligibility, side, _members(applicants, [*taken, applicant])):
            taken.append(applicant)
    budget = WorkBudget(float("inf"))
    search = Search(eligibility, side, budget)
    start = search.settled(greedy_allocation(eligibility, side))
    start = search.better(search.settled(flow_pair_of(eligibility, budget=budget), keep=True), start)
    assert not np.array_equal(start >= 0, _members(applicants, taken))  # the proof has work to do
    prover = PriorityProver(eligibility, side, budget, search.settled)
    housed, proof = prover.run(start, 1.0)
    assert proof.proven and proof.questions > 0 and all(prover.tally[answer] > 0 for answer in answered_by)
    assert np.array_equal(housed >= 0, _members(applicants, taken))
    assert feasible(eligibility, side, housed)
