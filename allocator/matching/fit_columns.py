"""Stage 2's LP at national size, by column generation, and an allocation that follows it.

The fit LP of :mod:`allocator.matching.fit_lp` over every eligible pair of the housed set of a
5,000 × 2,000 round has about 250,000 columns; GLOP took 30–58 s on it and HiGHS 14 s. Yet at
the optimum almost every applicant sits on one of a few pairs. So the LP starts from a few
columns per applicant (their best fits, and their place in the incumbent, which keeps it
feasible), and after each solve the LP's prices (its dual values) say which left-out pairs
would raise the objective (a positive *reduced cost*): the best few of those per applicant
are added and HiGHS solves again from its last basis. When no pair has a positive reduced
cost, the LP over the generated columns is the LP over all of them (measured on 5,000 × 2,000
seed 3: 8 solves, 26,000 columns, 2.6–3 s, the same value as the whole LP).

The bound does not depend on that end being reached. For any prices of places, hours and
not-with rows (≥ 0), weak duality bounds total fit by the priced limits plus, per person,
their best reduced cost (each person takes one pair); this is computed over *all* pairs, in
floating point and rounded up past the tolerances, so it is a valid bound wherever the
budget stops the generation, equal to the LP's value once no column is missing, and valid
for another housed set too (:func:`bound_for_set`).

The allocation (:func:`round_by_columns`): CP-SAT over the housed set with only the pairs the
LP uses, plus each person's pair in the incumbent (the hint, so there is always an
allocation), maximising fit: a small model (about two pairs a person). Measured on the same
round: from 4.2 % below the LP to 1.2 % after 2 deterministic seconds; its optimum was 1.0 %
below (CP-SAT with one worker could not improve on that when given more pairs to choose from).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from allocator.matching.eligibility import Eligibility
from allocator.matching.pair_model import PairModel
from allocator.matching.side_constraints import SideConstraints
from allocator.matching.work_budget import SCAN_UNITS_PER_PAIR, WorkBudget

FIRST_COLUMNS = 5  # the best fits of each applicant the LP starts with
ADDED_COLUMNS = 5  # per applicant and round, the pairs of largest reduced cost
ROUNDS = 30  # of generation at most
PRICED_IN = 1e-6  # a reduced cost above this is a column worth adding
USED = 1e-6  # an LP value above this is a pair the LP uses
SEED_FOR_HIGHS = 20261201
COLUMN_UNITS = 5e-6  # adding one column (its entries built in Python)
RESOLVE_UNITS_PER_COLUMN = 1.2e-5  # one warm re-solve, per column the LP holds
BOUND_SLACK = 1e-6  # relative, added to the bound for floating point before rounding down


@dataclass(frozen=True)
class ColumnLP:
    bound: int | None  # no allocation of the housed set has a larger total fit (None: no LP solved)
    pairs: np.ndarray  # the housed set's eligible pairs
    values: np.ndarray  # LP value of each of them (0 for columns never generated)
    complete: bool  # no left-out column could raise the LP: its value is the full LP's
    reduced: np.ndarray  # each pair's reduced cost at the last prices (how much fit it would add)
    prices: tuple | None  # the rows' prices that gave ``bound`` (person, place, hours, count, not-with)
    generated: np.ndarray  # which of ``pairs`` the LP holds as columns


    def housed(self, eligibility: Eligibility) -> np.ndarray:
        """The housed set the LP is for."""
        housed = np.zeros(len(eligibility.problem.applicants), dtype=bool)
        housed[eligibility.pairs.applicant[self.pairs]] = True
        return housed


class _Rows:
    """The LP's rows over all of the housed set's pairs, and each pair's place in them."""

    def __init__(self, eligibility: Eligibility, side: SideConstraints, housed: np.ndarray):
        self.pairs = np.flatnonzero(housed[eligibility.pairs.applicant])
        applicant = eligibility.pairs.applicant[self.pairs]
        self.applicant, self.place = applicant, eligibility.pairs.place[self.pairs]
        self.unit, self.fit = eligibility.unit[self.pairs], eligibility.fit[self.pairs].astype(np.float64)
        self.need = side.need[applicant].astype(np.float64)
        units = len(side.capacity)
        self.hours_cap = np.full(units, np.inf)
        self.count_cap = np.full(units, np.inf)
        places_of = np.bincount(eligibility.columns.place_unit, minlength=units)
        demand = np.bincount(self.unit, weights=self.need, minlength=units)
        for u in side.hours.tolist():
            if demand[u] <= side.capacity[u]:
                continue
            self.hours_cap[u] = float(side.capacity[u])
            # At most as many residents as the smallest needs of its candidates fit in (as fit_lp).
            needs = np.sort(side.need[np.unique(applicant[self.unit == u])])
            most = int(np.searchsorted(np.cumsum(needs), side.capacity[u], side="right"))
            if most < places_of[u]:
                self.count_cap[u] = float(most)
        self.meetings = [(i, j, u) for i, j, meeting_units in side.meetings for u in meeting_units]
        # Per pair: the not-with rows it is in (few pairs are in any).
        row_of: dict[tuple[int, int], list[int]] = {}
        for r, (i, j, u) in enumerate(self.meetings):
            row_of.setdefault((i, u), []).append(r)
            row_of.setdefault((j, u), []).append(r)
        self.meeting_rows: dict[int, list[int]] = {}
        if row_of:
            for k in np.flatnonzero(np.isin(applicant, [a for a, _ in row_of])).tolist():
                rows = row_of.get((int(applicant[k]), int(self.unit[k])))
                if rows:
                    self.meeting_rows[k] = rows

    def reduced_costs(self, person, place, hours, count, meeting) -> np.ndarray:
        """fit minus the priced rows, for every pair (prices: arrays by person, place, unit, row)."""
        d = self.fit - person[self.applicant] - place[self.place] - hours[self.unit] * self.need - count[self.unit]
        for k, rows in self.meeting_rows.items():
            d[k] -= meeting[rows].sum()
        return d


def solve_fit_lp_by_columns(eligibility: Eligibility, side: SideConstraints, incumbent: np.ndarray,
                            budget: WorkBudget, until: float, earlier: ColumnLP | None = None) -> ColumnLP:
    """The LP of the module docstring for the housed set of ``incumbent``, until ``until`` units
    are spent; ``earlier``: the LP of a similar set, whose columns it starts with too."""
    housed = incumbent >= 0
    rows = _Rows(eligibility, side, housed)
    lp = _HighsLP(rows, len(eligibility.problem.places), budget)
    first = _first_columns(rows, incumbent)
    if earlier is not None:
        first = np.union1d(first, np.flatnonzero(np.isin(rows.pairs, earlier.pairs[earlier.generated])))
    lp.add(first)
    best_bound, complete, reduced, best_prices = None, False, np.zeros(len(rows.pairs)), None
    for _ in range(ROUNDS):
        if not lp.solve():
            break
        budget.charge(len(rows.pairs) * 20 * SCAN_UNITS_PER_PAIR)
        prices = lp.prices()
        reduced = rows.reduced_costs(*prices)
        bound = _dual_bound(rows, prices)
        if best_bound is None or bound < best_bound:
            best_bound, best_prices = bound, prices
        entering = np.flatnonzero((reduced > PRICED_IN) & ~lp.generated)
        if len(entering) == 0:
            complete = True
            break
        if budget.spent >= until or budget.wall_left() <= 0:
            break
        lp.add(_best_per_applicant(entering, -reduced[entering], rows.applicant[entering], ADDED_COLUMNS))
    return ColumnLP(best_bound, rows.pairs, lp.values(), complete, reduced, best_prices, lp.generated)


class _HighsLP:
    """The restricted LP in HiGHS (dual simplex, one thread), which re-solves from its last
    basis when columns are added: 2.4 s for the whole generation on 5,000 × 2,000 seed 3, where
    GLOP through ``pywraplp`` started afresh each time and took 8 s."""

    def __init__(self, rows: _Rows, places: int, budget: WorkBudget):
        # ``_Highs`` is the solver without highspy's Python wrapper, which prints a banner on
        # standard output when it is created (and ``python -m allocator solve`` writes its JSON there).
        from highspy._core import _Highs

        self.rows, self.budget = rows, budget
        self.highs = _Highs()
        for option, value in (("output_flag", False), ("threads", 1), ("presolve", "off"),
                              ("random_seed", SEED_FOR_HIGHS), ("time_limit", max(budget.solver_seconds(), 0.001))):
            self.highs.setOptionValue(option, value)
        self.highs.changeObjectiveSense(_maximize())
        people = np.unique(rows.applicant)
        units = len(rows.hours_cap)
        self.row_of_person = _numbered(people, int(people.max()) + 1 if len(people) else 0, 0)
        first = len(people)
        self.places = np.unique(rows.place)
        self.row_of_place = _numbered(self.places, places, first)
        first += len(self.places)
        self.hours_units = np.flatnonzero(np.isfinite(rows.hours_cap))
        self.row_of_hours = _numbered(self.hours_units, units, first)
        first += len(self.hours_units)
        self.count_units = np.flatnonzero(np.isfinite(rows.count_cap))
        self.row_of_count = _numbered(self.count_units, units, first)
        first += len(self.count_units)
        self.first_meeting, total = first, first + len(rows.meetings)
        self.people = people
        lower = np.r_[np.ones(len(people)), np.zeros(total - len(people))]
        upper = np.r_[np.ones(len(people)), np.ones(len(self.places)), rows.hours_cap[self.hours_units],
                      rows.count_cap[self.count_units], np.ones(len(rows.meetings))]
        self.highs.addRows(total, lower, upper, 0, np.zeros(total, np.int32), np.zeros(0, np.int32), np.zeros(0))
        self.generated = np.zeros(len(rows.pairs), dtype=bool)
        self.columns = np.zeros(0, dtype=np.int64)

    def add(self, columns: np.ndarray) -> None:
        """The pairs ``columns`` (positions in ``rows.pairs``) as new columns."""
        r = self.rows
        self.budget.charge(len(columns) * COLUMN_UNITS)
        entries = np.stack([self.row_of_person[r.applicant[columns]], self.row_of_place[r.place[columns]],
                            self.row_of_hours[r.unit[columns]], self.row_of_count[r.unit[columns]]], axis=1)
        weights = np.stack([np.ones(len(columns)), np.ones(len(columns)), r.need[columns],
                            np.ones(len(columns))], axis=1)
        index, value, starts = [], [], []
        for c, k in enumerate(columns.tolist()):
            starts.append(len(index))
            present = entries[c] >= 0
            index.extend(entries[c][present].tolist())
            value.extend(weights[c][present].tolist())
            for row in r.meeting_rows.get(k, ()):
                index.append(self.first_meeting + row)
                value.append(1.0)
        self.highs.addCols(len(columns), r.fit[columns], np.zeros(len(columns)), np.ones(len(columns)), len(index),
                           np.array(starts, dtype=np.int32), np.array(index, dtype=np.int32),
                           np.array(value, dtype=np.float64))
        self.generated[columns] = True
        self.columns = np.concatenate([self.columns, columns])

    def solve(self) -> bool:
        # A re-solve is charged by the columns it holds (measured: 0.1–0.5 s for 25,000 of them).
        self.budget.charge(len(self.columns) * RESOLVE_UNITS_PER_COLUMN)
        self.highs.run()
        self.budget.exhausted()  # records a cut by the clock, if the safety net stopped HiGHS
        return self.highs.getModelStatus() == _optimal()

    def prices(self):
        """The rows' dual values as arrays by person, place, unit and not-with row; the ≤ rows'
        prices made ≥ 0, as weak duality wants for a maximisation."""
        dual = np.asarray(self.highs.getSolution().row_dual, dtype=np.float64)
        units = len(self.rows.hours_cap)
        person = np.zeros(len(self.row_of_person))
        person[self.people] = dual[self.row_of_person[self.people]]
        place = np.zeros(len(self.row_of_place))
        place[self.places] = np.maximum(0.0, dual[self.row_of_place[self.places]])
        hours, count = np.zeros(units), np.zeros(units)
        hours[self.hours_units] = np.maximum(0.0, dual[self.row_of_hours[self.hours_units]])
        count[self.count_units] = np.maximum(0.0, dual[self.row_of_count[self.count_units]])
        meeting = np.maximum(0.0, dual[self.first_meeting:])
        return person, place, hours, count, meeting

    def values(self) -> np.ndarray:
        values = np.zeros(len(self.rows.pairs))
        values[self.columns] = np.asarray(self.highs.getSolution().col_value, dtype=np.float64)
        return values


def _numbered(keys: np.ndarray, size: int, first: int) -> np.ndarray:
    """Row numbers ``first, first + 1, ...`` for ``keys`` in an array of ``size``; -1 elsewhere."""
    numbers = np.full(size, -1, dtype=np.int64)
    numbers[keys] = first + np.arange(len(keys))
    return numbers


def _maximize():
    from highspy._core import ObjSense

    return ObjSense.kMaximize


def _optimal():
    from highspy._core import HighsModelStatus

    return HighsModelStatus.kOptimal


def _first_columns(rows: _Rows, incumbent: np.ndarray) -> np.ndarray:
    best = _best_per_applicant(np.arange(len(rows.pairs)), -rows.fit, rows.applicant, FIRST_COLUMNS)
    current = np.flatnonzero(incumbent[rows.applicant] == rows.pairs)
    return np.union1d(best, current)


def _best_per_applicant(candidates: np.ndarray, key: np.ndarray, applicant: np.ndarray, count: int) -> np.ndarray:
    """The ``count`` candidates of smallest ``key`` per applicant (ties: the earlier pair)."""
    order = np.lexsort((candidates, key, applicant))
    owner = applicant[order]
    first = np.r_[0, np.flatnonzero(owner[1:] != owner[:-1]) + 1]
    position = np.arange(len(order)) - np.repeat(first, np.diff(np.r_[first, len(order)]))
    return np.sort(candidates[order[position < count]])


def _prices(solver, n, places, units, person_row, place_row, hours_row, count_row, meeting_row):
    """The rows' dual values as arrays, signs made valid for a maximisation (≤ rows priced ≥ 0)."""
    person, place = np.zeros(n), np.zeros(places)
    hours, count = np.zeros(units), np.zeros(units)
    for i, row in person_row.items():
        person[i] = row.dual_value()
    for p, row in place_row.items():
        place[p] = max(0.0, row.dual_value())
    for u, row in hours_row.items():
        hours[u] = max(0.0, row.dual_value())
    for u, row in count_row.items():
        count[u] = max(0.0, row.dual_value())
    meeting = np.array([max(0.0, row.dual_value()) for row in meeting_row])
    return person, place, hours, count, meeting


def _dual_bound(rows: _Rows, prices) -> int:
    """Weak duality over all of ``rows``' pairs, for the prices of places, hours and not-with
    rows (any, ≥ 0): each person's own price is set to their largest reduced cost, so each
    person adds what their best pair adds; rounded up past floating point."""
    _, place, hours, count, meeting = prices
    reduced = rows.reduced_costs(np.zeros(rows.applicant.max() + 1 if len(rows.applicant) else 0),
                                 place, hours, count, meeting)
    best = np.full(rows.applicant.max() + 1 if len(rows.applicant) else 0, -np.inf)
    np.maximum.at(best, rows.applicant, reduced)
    value = place.sum() + meeting.sum() + best[np.isfinite(best)].sum()
    value += (hours * np.where(np.isfinite(rows.hours_cap), rows.hours_cap, 0.0)).sum()
    value += (count * np.where(np.isfinite(rows.count_cap), rows.count_cap, 0.0)).sum()
    return math.floor(value + BOUND_SLACK * abs(value) + 1e-3)


def bound_for_set(eligibility: Eligibility, side: SideConstraints, housed: np.ndarray, lp: ColumnLP,
                  budget: WorkBudget) -> int:
    """A bound on total fit for another housed set (the repair may house more people after the
    LP), from the LP's last prices: weak duality holds for any prices, so no LP is solved."""
    rows = _Rows(eligibility, side, housed)
    budget.charge(len(rows.pairs) * 20 * SCAN_UNITS_PER_PAIR)
    return _dual_bound(rows, lp.prices)


def round_by_columns(eligibility: Eligibility, side: SideConstraints, incumbent: np.ndarray, lp,
                     budget: WorkBudget, deterministic: float) -> np.ndarray | None:
    """The housed set placed by CP-SAT on the pairs the LP uses and their incumbent pairs
    (the hint); None if that is no better than ``incumbent``."""
    housed = incumbent >= 0
    allowed = np.zeros(len(eligibility.pairs), dtype=bool)
    allowed[lp.pairs[lp.values > USED]] = True
    allowed[incumbent[housed]] = True
    members = np.flatnonzero(housed).tolist()
    model = PairModel(eligibility, side, members, forced=set(members), allowed=allowed)
    model.maximize_fit()
    model.hint(incumbent)
    status, solved = model.solve(budget, max(0.0, deterministic - model.charge()))
    if status not in ("OPTIMAL", "FEASIBLE"):
        return None
    if int(eligibility.fit[solved[housed]].sum()) <= int(eligibility.fit[incumbent[housed]].sum()):
        return None
    return solved
