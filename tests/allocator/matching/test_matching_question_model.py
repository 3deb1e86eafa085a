"""The question's linear relaxation and its cuts for whole people: it refuses only sets that
cannot be housed, and the cuts refuse what the plain relaxation lets through."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from allocator.matching.api import allocate
from allocator.matching.constrained import feasible
from allocator.matching.housing_question import HousingQuestions
from allocator.matching.question_model import RelaxedQuestion
from allocator.matching.reader import read_problem
from allocator.matching.side_constraints import rounded_hours, violated_covers
from allocator.matching.work_budget import WorkBudget
from tests.allocator.matching.test_matching_housing_question import (
    _exact,
    _groups,
    _members,
    _one_unit_problem,
    _tiny_round,
    tiny_rounds,
)

NOBODY_3 = np.full(3, -1)  # an incumbent of three applicants that houses nobody


@settings(max_examples=200, derandomize=True, deadline=None)
@given(st.lists(st.integers(1, 12), min_size=1, max_size=7), st.integers(1, 40))
def testrounded_hours_hold_for_every_group_that_fits(needs: list[int], capacity: int) -> None:
    need = np.array(needs, dtype=np.int64)
    cuts = rounded_hours(np.arange(len(needs)), need, capacity)
    for size in range(len(needs) + 1):
        for group in itertools.combinations(range(len(needs)), size):
            if need[list(group)].sum() > capacity:
                continue
            chosen = np.zeros(len(needs), dtype=np.int64)
            chosen[list(group)] = 1
            for columns, values, upper in cuts:
                assert (values * chosen[columns]).sum() <= upper


def _two_units_problem(needs: list[int], hours: int) -> dict:
    """Two units of three places with ``hours`` each, applicants with ``needs`` in one town."""
    problem = _one_unit_problem(needs)
    problem["units"].append({**problem["units"][0], "id": "U1"})
    for unit in problem["units"]:
        unit["support_hours"] = hours
    problem["places"] += [{**place, "id": f"Q{k}", "unit": "U1"} for k, place in enumerate(problem["places"])]
    return problem


def test_the_cuts_refuse_three_people_of_four_hours_in_two_units_of_six() -> None:
    """Spread out, three people of 4 hours use 12 of the 12 hours of two units, but a unit of
    6 hours takes only one of them whole; the cut Σ ⌊need/4⌋ ≤ ⌊6/4⌋ says so."""
    solution = allocate(read_problem(_two_units_problem([4, 4, 4], hours=6)), time_limit=5)
    e, side = solution.eligibility, solution.side
    questions = HousingQuestions(e, side, WorkBudget(10.0))
    everyone = _members(3, [0, 1, 2])
    assert questions.relaxation_refuses(everyone, NOBODY_3)
    assert not _exact(e, side, everyone)
    questions.rows.cuts, questions.rows.hours = [], []  # no rounded hours, no covers
    plain = RelaxedQuestion(questions.choices, questions.person_rows, questions.rows, WorkBudget(10.0))
    assert not plain.refuses(everyone, np.zeros(len(questions.choices), dtype=np.int64))
    assert not questions.relaxation_refuses(_members(3, [0, 1]), NOBODY_3)


@tiny_rounds
def test_the_relaxation_refuses_only_sets_that_cannot_be_housed(problem: dict) -> None:
    eligibility, side, applicants = _tiny_round(problem)
    questions = HousingQuestions(eligibility, side, WorkBudget(100.0))
    for _, members in _groups(applicants, (2, 3, 4)):
        if questions.relaxation_refuses(members, np.full(applicants, -1)):
            assert not _exact(eligibility, side, members)


def test_cover_cuts_refuse_what_the_rounded_hours_let_through(monkeypatch) -> None:
    """Two units of 6 hours, two people of 4 hours and one of 3: only two of them fit, one a
    unit, but halves of each fit within every rounded-hours cut. The cover {4, 3} (7 > 6 hours)
    says at most one of them per unit."""
    from allocator.matching import question_model

    solution = allocate(read_problem(_two_units_problem([4, 4, 3], hours=6)), time_limit=5)
    e, side = solution.eligibility, solution.side
    everyone = _members(3, [0, 1, 2])
    assert not _exact(e, side, everyone)
    assert HousingQuestions(e, side, WorkBudget(10.0)).relaxation_refuses(everyone, NOBODY_3)
    assert not HousingQuestions(e, side, WorkBudget(10.0)).relaxation_refuses(_members(3, [0, 2]), NOBODY_3)
    monkeypatch.setattr(question_model, "violated_covers", lambda x, hours: [])
    assert not HousingQuestions(e, side, WorkBudget(10.0)).relaxation_refuses(everyone, NOBODY_3)


def _living_in(eligibility, homes: dict[int, int]) -> np.ndarray:
    """An allocation housing each applicant of ``homes`` in a place of the unit given (others unhoused)."""
    pair_of = np.full(len(eligibility.problem.applicants), -1)
    for applicant, unit in homes.items():
        pairs = np.flatnonzero((eligibility.pairs.applicant == applicant) & (eligibility.unit == unit))
        pair_of[applicant] = pairs[0]
    return pair_of


def test_a_search_near_the_incumbent_keeps_those_who_can_stay() -> None:
    """Two units of 6 hours: A0 (4 hours) and A1 (2) live in U0 and stay there; A2 (4) joins in U1."""
    solution = allocate(read_problem(_two_units_problem([4, 2, 4], hours=6)), time_limit=5)
    e, side = solution.eligibility, solution.side
    incumbent = _living_in(e, {0: 0, 1: 0})
    questions = HousingQuestions(e, side, WorkBudget(10.0))
    everyone = _members(3, [0, 1, 2])
    assert not questions.relaxation_refuses(everyone, incumbent)
    placed = questions.ask_near(everyone, incumbent)
    assert placed is not None and feasible(e, side, placed)
    assert e.unit[placed].tolist() == [0, 0, 1]
    assert questions.tally["near yes"] == 1


@tiny_rounds
def test_a_search_near_the_incumbent_houses_exactly_the_members_within_every_rule(problem: dict) -> None:
    """Whatever it returns is a real allocation of the group asked about; a group that cannot be
    housed gets nothing."""
    solution = allocate(read_problem(problem), time_limit=5)
    eligibility, side, applicants = solution.eligibility, solution.side, len(solution.pair_of)
    questions = HousingQuestions(eligibility, side, WorkBudget(100.0))
    for _, members in _groups(applicants, (2, 3, 4)):
        if questions.relaxation_refuses(members, solution.pair_of):
            continue
        placed = questions.ask_near(members, solution.pair_of)
        if placed is None:
            continue
        assert np.array_equal(placed >= 0, members) and feasible(eligibility, side, placed)
        assert _exact(eligibility, side, members)


@settings(max_examples=200, derandomize=True, deadline=None)
@given(st.lists(st.integers(1, 12), min_size=2, max_size=7), st.integers(1, 40),
       st.lists(st.floats(0, 1), min_size=7, max_size=7))
def test_cover_cuts_hold_for_every_group_that_fits(needs: list[int], capacity: int, point: list[float]) -> None:
    need = np.array(needs, dtype=np.int64)
    columns = np.arange(len(needs))
    cuts = violated_covers(np.array(point[: len(needs)]), [(columns, need, capacity)])
    for size in range(len(needs) + 1):
        for group in itertools.combinations(range(len(needs)), size):
            if need[list(group)].sum() <= capacity:
                assert all(len(set(group) & set(cut.tolist())) <= upper for cut, upper in cuts)


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 12), st.sampled_from([0.0, 0.2, 0.5, 0.7, 0.9, 1.0])), min_size=1,
                max_size=7), st.integers(1, 40))
def test_the_cover_leaving_out_least_is_found_exactly(candidates: list[tuple[int, float]], capacity: int) -> None:
    """Against every group: the cover found leaves out Σ (1 − value) no more than any other cover
    of candidates housed at all, and none is found when every cover leaves out 1 or more."""
    from allocator.matching.side_constraints import _cheapest_cover

    need = np.array([n for n, _ in candidates], dtype=np.int64)
    values = np.array([v for _, v in candidates])
    least = min(((1 - values[list(group)]).sum() for size in range(len(candidates) + 1)
                 for group in itertools.combinations(np.flatnonzero(values > 0).tolist(), size)
                 if need[list(group)].sum() > capacity), default=None)
    cover = _cheapest_cover(values, need, capacity)
    if least is None or least >= 1 - 1e-6:
        assert cover is None
    else:
        assert cover is not None and need[cover].sum() > capacity
        assert (1 - values[cover]).sum() == pytest.approx(least)


def test_the_relaxation_holds_the_columns_of_those_asked_about_and_later_ones_join_earlier_cuts() -> None:
    """Only members' choices become columns; a cut added before someone's first question
    (an extended cover naming them) gets their column when they are asked about."""
    solution = allocate(read_problem(_two_units_problem([4, 3, 4], hours=6)), time_limit=5)
    questions = HousingQuestions(solution.eligibility, solution.side, WorkBudget(10.0))
    relaxed, choices = questions.relaxed, questions.choices
    assert not questions.relaxation_refuses(_members(3, [0, 1]), NOBODY_3)
    assert sorted(set(choices.person[relaxed.choice_of].tolist())) == [0, 1]
    in_unit_0 = np.flatnonzero(choices.unit == 0)
    cut_row = relaxed.highs.getNumRow()
    relaxed._add([(in_unit_0, 1)])  # everyone in U0: at most one (an extended cover {4, 3} ∪ {4})
    assert questions.relaxation_refuses(_members(3, [0, 1, 2]), NOBODY_3)
    lp = relaxed.highs.getLp().a_matrix_
    rows_of = {int(relaxed.choice_of[c]): lp.index_[lp.start_[c]:lp.start_[c + 1]] for c in range(lp.num_col_)}
    assert all(cut_row in rows_of[k] for k in in_unit_0.tolist())
