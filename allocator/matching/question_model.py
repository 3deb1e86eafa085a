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
them and kept for later questions, refuse most of the rest: on the ten 1,000 × 400 rounds of
the benchmark, 62–90 questions a round, leaving 0–11 to the exact model
(``benchmarks/stage1_proof.py``).
"""

from __future__ import annotations

import numpy as np

from allocator.matching.fit_lp import grouped
from allocator.matching.highs import add_rows, quiet_highs
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


def house_exactly(highs, persons: np.ndarray, members: np.ndarray) -> None:
    """Set the persons' rows (``persons`` in row order) of a :func:`highs_model`: one choice for
    each of ``members``, none for everyone else."""
    bound = members[persons].astype(np.float64)
    highs.changeRowsBounds(len(persons), np.arange(len(persons), dtype=np.int32), bound, bound)


class RelaxedQuestion:
    """The question's linear relaxation with the cuts, re-solved by HiGHS from its last basis
    (a question changes bounds, and the costs of those whose unit in the incumbent changed).

    Only the choices of people asked about so far are in the LP: a person's columns are added
    when they are first a member of a question, with their entries in every row (cover cuts
    added before them included), and stay, bounded at 0 while they are not a member. Most of
    a round is never asked about (refusals that carry over answer for them), so the LP has
    40–45 % of the round's choices (measured on 1,000 × 400 seed 7: solving it from scratch
    took 18–20 ms against 33–37 ms with every choice in it, re-running it unchanged 1.2–2.4 ms
    against 2.5–4.2 ms; a whole proof's re-solves were about a fifth faster)."""

    def __init__(self, choices: Choices, person_rows, rows: QuestionRows, budget: WorkBudget):
        self.budget = budget
        self.persons = np.array([person for person, _ in person_rows], dtype=np.int32)
        self.choice_person = choices.person
        self.stay = np.zeros(len(choices), dtype=np.int64)  # the objective: 1 for each choice to keep
        self.solution: np.ndarray | None = None  # over every choice, of the last question, if the LP had one
        self.hours = rows.hours
        every = [(group, np.ones(len(group)), 0) for _, group in person_rows] + rows.rows + rows.cuts
        self.entries = _ColumnEntries(len(choices), every)
        self.highs = quiet_highs(presolve="off")
        lower = np.array([0.0 if k < len(person_rows) else -np.inf for k in range(len(every))])
        self.highs.addRows(len(every), lower, np.array([float(upper) for _, _, upper in every]), 0,
                           np.zeros(len(every), dtype=np.int32), np.zeros(0, np.int32), np.zeros(0))
        self.column = np.full(len(choices), -1, dtype=np.int64)  # choice → LP column, -1 until added
        self.choice_of = np.zeros(0, dtype=np.int64)  # LP column → choice
        self.upper = np.zeros(0)  # LP column → its upper bound now
        self.hours_choices = sum(len(group) for group, _, _ in rows.hours)
        budget.charge(len(every) * HIGHS_UNITS_PER_ROW)

    @property
    def size(self) -> int:
        return len(self.choice_of) + self.highs.getNumRow()

    def refuses(self, members: np.ndarray, stay: np.ndarray) -> bool:
        """Has the relaxation no solution housing exactly ``members`` (so neither has the question)?

        The LP maximises how many keep the choice ``stay`` marks (1 each): a question changes
        only bounds, so the last basis stays dual feasible and the LP costs little more than
        a feasibility check, and its solution (:attr:`solution`) shows where a search near
        the incumbent should look. Cover cuts the solution breaks (:func:`violated_covers`)
        are added and the LP solved again, up to :data:`COVER_ROUNDS` times; they hold for
        every question, so they stay."""
        from highspy._core import HighsModelStatus

        self._add_columns(members)
        house_exactly(self.highs, self.persons, members)
        self._bound(members[self.choice_person[self.choice_of]].astype(np.float64))
        self._keep(stay)
        self.solution = None
        for _ in range(COVER_ROUNDS):
            self.highs.run()
            iterations = self.highs.getInfo().simplex_iteration_count  # of this run
            self.budget.charge(LP_UNITS_PER_SOLVE + iterations * self.size * LP_UNITS_PER_ITERATION)
            status = self.highs.getModelStatus()
            if status != HighsModelStatus.kOptimal:  # a limit or numerical trouble refuses nothing
                return status == HighsModelStatus.kInfeasible
            self.solution = np.zeros(len(self.column))
            self.solution[self.choice_of] = self.highs.getSolution().col_value
            cuts = violated_covers(self.solution, self.hours)
            self.budget.charge(self.hours_choices * COVER_UNITS_PER_CHOICE)
            if not cuts:
                return False
            self._add(cuts)
        return False

    def _add_columns(self, members: np.ndarray) -> None:
        """Add the columns of members not in the LP yet (bounded at 0 until :meth:`_bound`)."""
        new = np.flatnonzero(members[self.choice_person] & (self.column < 0))
        if len(new) == 0:
            return
        starts, rows, values = self.entries.of(new)
        self.highs.addCols(len(new), self.stay[new].astype(np.float64), np.zeros(len(new)), np.zeros(len(new)),
                           len(rows), starts, rows, values)
        self.column[new] = np.arange(len(self.choice_of), len(self.choice_of) + len(new))
        self.choice_of = np.concatenate([self.choice_of, new])
        self.upper = np.concatenate([self.upper, np.zeros(len(new))])
        self.budget.charge(len(new) * HIGHS_UNITS_PER_ROW)

    def _bound(self, upper: np.ndarray) -> None:
        changed = np.flatnonzero(upper != self.upper).astype(np.int32)
        if len(changed):
            self.highs.changeColsBounds(len(changed), changed, np.zeros(len(changed)), upper[changed])
            self.upper = upper

    def _keep(self, stay: np.ndarray) -> None:
        changed = np.flatnonzero(stay != self.stay)
        self.stay = stay.copy()
        changed = self.column[changed[self.column[changed] >= 0]].astype(np.int32)  # only columns in the LP
        if len(changed):
            self.highs.changeColsCost(len(changed), changed, stay[self.choice_of[changed]].astype(np.float64))

    def _add(self, cuts: list[tuple[np.ndarray, int]]) -> None:
        """Add cover cuts (over choices); columns added later get their entries in them too."""
        first = self.highs.getNumRow()
        rows = []
        for columns, upper in cuts:
            in_lp = self.column[columns][self.column[columns] >= 0]
            rows.append((in_lp, np.ones(len(in_lp)), upper))
        add_rows(self.highs, rows, np.full(len(cuts), -np.inf))
        self.entries.extend(first, [columns for columns, _ in cuts])


class _ColumnEntries:
    """Each choice's entries (row, coefficient) in the relaxation's rows, to add its column later."""

    def __init__(self, choices: int, rows: list[Row]):
        self.choices = choices
        self.row: list[np.ndarray] = []
        self.column: list[np.ndarray] = []
        self.value: list[np.ndarray] = []
        self._sorted: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self.extend(0, [columns for columns, _, _ in rows], [values for _, values, _ in rows])

    def extend(self, first_row: int, columns: list[np.ndarray], values: list[np.ndarray] | None = None) -> None:
        if not columns:
            return
        sizes = [len(c) for c in columns]
        self.row.append(np.repeat(np.arange(first_row, first_row + len(columns), dtype=np.int32), sizes))
        self.column.append(np.concatenate(columns).astype(np.int64))
        self.value.append(np.concatenate(values).astype(np.float64) if values else np.ones(sum(sizes)))
        self._sorted = None

    def of(self, choices: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(column starts, rows, values) of ``choices``, in HiGHS's column-wise form."""
        if self._sorted is None:
            column = np.concatenate(self.column)
            order = np.argsort(column, kind="stable")
            self._sorted = (np.searchsorted(column[order], np.arange(self.choices + 1)),
                            np.concatenate(self.row)[order], np.concatenate(self.value)[order])
        bounds, rows, values = self._sorted
        taken = [np.arange(bounds[c], bounds[c + 1]) for c in choices.tolist()]
        sizes = np.array([len(t) for t in taken], dtype=np.int64)
        picked = np.concatenate(taken) if taken else np.zeros(0, dtype=np.int64)
        return (np.cumsum(sizes) - sizes).astype(np.int32), rows[picked], values[picked]
