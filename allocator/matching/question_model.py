"""The rows of stage 1's question model, and the model in HiGHS, whole or relaxed.

The model (:mod:`allocator.matching.housing_question`) has a 0/1 variable per (person, unit)
choice and, besides each person's row, these rows (:class:`QuestionRows`): Hall's limits on each
unit's places, each unit's support hours where its candidates could exceed them, and for each
not-with pair that could meet in a unit at most one of the two there.

Its linear relaxation (:class:`RelaxedQuestion`) answers many "no"s at once. It is tightened by
Chvátal–Gomory cuts on units' hours (:func:`allocator.matching.side_constraints.rounded_hours`):
people come whole, so for any d ≥ 2 the residents of a unit with hours H satisfy
Σ ⌊need/d⌋ ≤ ⌊H/d⌋. On 1,000 × 400 seed 3 the relaxation without
them refused 101 of the 153 questions CP-SAT answered "no", with them 131, each in 3–4 ms
where CP-SAT took about 0.05 deterministic seconds. Extended cover cuts on the same hours
(:func:`allocator.matching.side_constraints.violated_covers`), added where a solution breaks
them and kept for later questions, refuse most of the rest: on seed 2, 42 of the 43 questions
CP-SAT had answered "no" with only the rounded cuts.
"""

from __future__ import annotations

import numpy as np

from allocator.matching.fit_lp import grouped
from allocator.matching.highs import quiet_highs
from allocator.matching.side_constraints import SideConstraints, rounded_hours, violated_covers
from allocator.matching.unit_choices import Choices, hall_limits
from allocator.matching.work_budget import (
    COVER_UNITS_PER_CHOICE,
    HIGHS_UNITS_PER_ROW,
    LP_UNITS_PER_ITERATION,
    LP_UNITS_PER_SOLVE,
    WorkBudget,
)

COVER_ROUNDS = 2  # LP solves for one question, cover cuts added between them

Row = tuple[np.ndarray, np.ndarray, int]  # columns, coefficients, upper bound


class QuestionRows:
    """The model's rows apart from the persons' (``rows``), and the cuts valid for whole people (``cuts``)."""

    def __init__(self, side: SideConstraints, choices: Choices):
        self.rows: list[Row] = []
        self.cuts: list[Row] = []
        self.hours: list[Row] = []  # (choices, needs, hours) of each unit whose hours can bind, for cover cuts
        for members, places in hall_limits(choices.unit, choices.places):
            self.rows.append((np.array(members), np.ones(len(members), np.int64), places))
        binding = set(side.hours.tolist())
        for unit, group in grouped(choices.unit):
            need = side.need[choices.person[group]].astype(np.int64)
            if unit in binding and need.sum() > side.capacity[unit]:
                self.rows.append((group, need, int(side.capacity[unit])))
                self.hours.append(self.rows[-1])
                self.cuts += rounded_hours(group, need, int(side.capacity[unit]))
        at = choices.index()
        for i, j, units in side.meetings:
            for unit in units:
                if (i, unit) in at and (j, unit) in at:
                    self.rows.append((np.array([at[i, unit], at[j, unit]]), np.ones(2, np.int64), 1))


def highs_model(choices: Choices, person_rows, rows: list[Row], budget: WorkBudget, integer: bool, **options):
    """The question's model in HiGHS: choices in [0, 1] (whole with ``integer``), the persons'
    rows first (bounds 0 until a question sets them), then ``rows``."""
    from highspy._core import HighsVarType

    highs = quiet_highs(**options)
    count = len(choices)
    highs.addVars(count, np.zeros(count), np.ones(count))
    if integer:
        every = np.arange(count, dtype=np.int32)
        highs.changeColsIntegrality(count, every, np.full(count, HighsVarType.kInteger))
    all_rows = [(group, np.ones(len(group)), 0.0) for _, group in person_rows] + [
        (columns, values.astype(np.float64), float(upper)) for columns, values, upper in rows]
    lower = np.array([0.0 if k < len(person_rows) else -np.inf for k in range(len(all_rows))])
    add_rows(highs, all_rows, lower)
    budget.charge((count + len(all_rows)) * HIGHS_UNITS_PER_ROW)
    return highs


def add_rows(highs, rows: list[Row], lower: np.ndarray) -> None:
    """Add ``rows`` (columns, coefficients, upper bound) with their ``lower`` bounds to ``highs`` at once."""
    if not rows:
        return
    sizes = np.array([len(columns) for columns, _, _ in rows], dtype=np.int64)
    highs.addRows(len(rows), lower, np.array([float(upper) for _, _, upper in rows]), int(sizes.sum()),
                  (np.cumsum(sizes) - sizes).astype(np.int32),
                  np.concatenate([columns for columns, _, _ in rows]).astype(np.int32),
                  np.concatenate([values for _, values, _ in rows]).astype(np.float64))


def house_exactly(highs, persons: np.ndarray, members: np.ndarray) -> None:
    """Set the persons' rows (``persons`` in row order) of a :func:`highs_model`: one choice for
    each of ``members``, none for everyone else."""
    bound = members[persons].astype(np.float64)
    highs.changeRowsBounds(len(persons), np.arange(len(persons), dtype=np.int32), bound, bound)


class RelaxedQuestion:
    """The question's linear relaxation with the cuts, re-solved by HiGHS from its last basis
    (a question changes bounds, and the costs of those whose unit in the incumbent changed)."""

    def __init__(self, choices: Choices, person_rows, rows: QuestionRows, budget: WorkBudget):
        self.budget = budget
        self.persons = np.array([person for person, _ in person_rows], dtype=np.int32)
        self.choice_person = choices.person
        self.columns = np.arange(len(choices), dtype=np.int32)
        self.stay = np.zeros(len(choices), dtype=np.int64)  # the objective: 1 for each choice to keep
        self.solution: np.ndarray | None = None  # of the last question, if the LP had one
        self.hours = rows.hours
        self.highs = highs_model(choices, person_rows, rows.rows + rows.cuts, budget, integer=False,
                                 presolve="off")
        self.size = len(choices) + len(person_rows) + len(rows.rows) + len(rows.cuts)
        self.hours_choices = sum(len(group) for group, _, _ in rows.hours)

    def refuses(self, members: np.ndarray, stay: np.ndarray) -> bool:
        """Has the relaxation no solution housing exactly ``members`` (so neither has the question)?

        The LP maximises how many keep the choice ``stay`` marks (1 each): a question changes
        only bounds, so the last basis stays dual feasible and the LP costs little more than
        a feasibility check, and its solution (:attr:`solution`) shows where a search near
        the incumbent should look. Cover cuts the solution breaks (:func:`violated_covers`)
        are added and the LP solved again, up to :data:`COVER_ROUNDS` times; they hold for
        every question, so they stay."""
        from highspy._core import HighsModelStatus

        house_exactly(self.highs, self.persons, members)
        allowed = members[self.choice_person].astype(np.float64)  # others' choices fixed at 0: a smaller LP to price
        self.highs.changeColsBounds(len(allowed), self.columns, np.zeros(len(allowed)), allowed)
        self._keep(stay)
        self.solution = None
        for _ in range(COVER_ROUNDS):
            self.highs.run()
            iterations = self.highs.getInfo().simplex_iteration_count  # of this run
            self.budget.charge(LP_UNITS_PER_SOLVE + iterations * self.size * LP_UNITS_PER_ITERATION)
            status = self.highs.getModelStatus()
            if status != HighsModelStatus.kOptimal:  # a limit or numerical trouble refuses nothing
                return status == HighsModelStatus.kInfeasible
            self.solution = np.asarray(self.highs.getSolution().col_value)
            cuts = violated_covers(self.solution, self.hours)
            self.budget.charge(self.hours_choices * COVER_UNITS_PER_CHOICE)
            if not cuts:
                return False
            self._add(cuts)
        return False

    def _keep(self, stay: np.ndarray) -> None:
        changed = np.flatnonzero(stay != self.stay).astype(np.int32)
        if len(changed):
            self.highs.changeColsCost(len(changed), changed, stay[changed].astype(np.float64))
            self.stay = stay.copy()

    def _add(self, cuts: list[tuple[np.ndarray, int]]) -> None:
        add_rows(self.highs, [(columns, np.ones(len(columns)), upper) for columns, upper in cuts],
                 np.full(len(cuts), -np.inf))
        self.size += len(cuts)
