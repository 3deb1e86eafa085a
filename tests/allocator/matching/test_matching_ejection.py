"""Stage 1's chains of moves: whatever they find houses exactly the set asked about, within
every unit limit, and they find what one or two moves make possible."""

from __future__ import annotations

import numpy as np

from allocator.matching.api import allocate
from allocator.matching.constrained import feasible
from allocator.matching.ejection import Ejections
from allocator.matching.housing_question import YES, HousingQuestions
from allocator.matching.reader import read_problem
from allocator.matching.work_budget import WorkBudget
from tests.allocator.matching.rounds import generated_start
from tests.allocator.matching.test_matching_housing_question import _groups, _members, _tiny_round, tiny_rounds
from tests.allocator.matching.test_matching_room_rounding import _two_accessible_flats_problem


def _pair(eligibility, applicant: str, place: str) -> int:
    ids = [(eligibility.problem.applicants[a].id, eligibility.problem.places[p].id)
           for a, p in zip(eligibility.pairs.applicant, eligibility.pairs.place, strict=True)]
    return ids.index((applicant, place))


def _assert_houses_exactly(eligibility, side, pair_of: np.ndarray, members: np.ndarray) -> None:
    assert np.array_equal(pair_of >= 0, members)
    assert np.array_equal(eligibility.pairs.applicant[pair_of[members]], np.flatnonzero(members))
    places = eligibility.pairs.place[pair_of[members]]
    assert len(np.unique(places)) == len(places) and feasible(eligibility, side, pair_of)


def test_someone_moves_out_of_the_only_accessible_place_left() -> None:
    """A0 needs an accessible place; U0's is held by A2, who needs none and can move to P1."""
    solution = allocate(read_problem(_two_accessible_flats_problem()), time_limit=5)
    e, side = solution.eligibility, solution.side
    incumbent = np.array([-1, _pair(e, "A1", "P2"), _pair(e, "A2", "P0")])
    members = _members(3, [0, 1, 2])
    joined = Ejections(e, side, WorkBudget(1.0)).join(members, 0, incumbent)
    assert joined is not None
    _assert_houses_exactly(e, side, joined, members)
    assert joined[0] == _pair(e, "A0", "P0") and joined[2] == _pair(e, "A2", "P1")


def test_nobody_is_moved_where_no_place_can_take_them() -> None:
    """With P1 and P3 (the two places that need no accessibility) taken out, A2 has nowhere to
    go and A0 cannot join."""
    problem = _two_accessible_flats_problem()
    problem["places"] = [place for place in problem["places"] if place["id"] in ("P0", "P2")]
    solution = allocate(read_problem(problem), time_limit=5)
    e, side = solution.eligibility, solution.side
    incumbent = np.array([-1, _pair(e, "A1", "P2"), _pair(e, "A2", "P0")])
    assert Ejections(e, side, WorkBudget(1.0)).join(_members(3, [0, 1, 2]), 0, incumbent) is None


@tiny_rounds
def test_a_chain_found_on_a_tiny_round_is_a_true_yes(problem: dict) -> None:
    """From every housable set of one to three (placed by the exact model), each chain found
    for another applicant houses exactly them all within every limit."""
    eligibility, side, applicants = _tiny_round(problem)
    chains = Ejections(eligibility, side, WorkBudget(100.0))
    questions = HousingQuestions(eligibility, side, WorkBudget(100.0))
    nobody = np.full(applicants, -1)
    for decided, members in _groups(applicants, (1, 2, 3)):
        answer, incumbent = questions.ask(members, nobody, 100.0)
        if answer != YES:
            continue
        for applicant in sorted(set(range(applicants)) - set(decided)):
            with_them = _members(applicants, (*decided, applicant))
            joined = chains.join(with_them, applicant, incumbent)
            if joined is not None:
                _assert_houses_exactly(eligibility, side, joined, with_them)


def test_chains_on_a_generated_round_house_more_within_every_limit() -> None:
    eligibility, side, start = generated_start(seed=5)
    chains = Ejections(eligibility, side, WorkBudget(100.0))
    housed = start >= 0
    joined_any = 0
    for applicant in np.flatnonzero(~housed)[:60].tolist():
        members = housed.copy()
        members[applicant] = True
        joined = chains.join(members, applicant, start)
        if joined is not None:
            _assert_houses_exactly(eligibility, side, joined, members)
            joined_any += 1
    assert joined_any > 0  # greedy's set leaves room that only moves can make
