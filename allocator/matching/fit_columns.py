"""Stage 2's LP at national size, by column generation, and an allocation that follows it.

The fit LP of :mod:`allocator.matching.fit_lp` over every eligible pair of the housed set of a
5,000 × 2,000 round has about 250,000 columns; GLOP took 30–58 s on it and HiGHS 14 s. Yet at
the optimum almost every applicant sits on one of a few pairs. So the LP starts from a few
columns per applicant (their best fits, and their place in the incumbent, which keeps it
feasible), and after each solve the LP's prices (its dual values) say which left-out pairs
would raise the objective (a positive *reduced cost*): the best few of those per applicant
are added and HiGHS solves again from its last basis. When no pair has a positive reduced
cost, the LP over the generated columns is the LP over all of them (measured on 5,000 × 2,000
seed 3: 8 solves, 26,000 columns, 2.6–3.6 s, the same value as the whole LP).

The bound does not depend on that end being reached. For any prices of places, hours and
not-with rows (≥ 0), weak duality bounds total fit by the priced limits plus, per person,
their best reduced cost (each person takes one pair); this is computed over *all* pairs, in
floating point and rounded up past the tolerances, so it is a valid bound wherever the
budget stops the generation, equal to the LP's value once no column is missing, and valid
for another housed set too (:func:`bound_for_set`).

The allocation: first the rooms rounding (:mod:`allocator.matching.room_rounding`, 0.4–0.8 %
below the LP on these rounds); if it finds nothing, :func:`round_by_columns`: CP-SAT over the
housed set with only the pairs the LP uses, plus each person's pair in the incumbent (so
there is always an allocation), maximising fit, hinted with a greedy rounding of the LP; then
the same with, for the people the LP splits, every pair as good at the LP's prices. Measured
on seed 3: from 4.2 % below the LP to about 1 %; on seed 2, CP-SAT's bound on the wider model
was 0.97 % below the LP, so this placing alone cannot get closer there.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from allocator.matching.eligibility import Eligibility
from allocator.matching.highs import quiet_highs, record_stop
from allocator.matching.pair_model import PairModel
from allocator.matching.side_constraints import SideConstraints
from allocator.matching.work_budget import SCAN_UNITS_PER_PAIR, WorkBudget

FIRST_COLUMNS = 5  # the best fits of each applicant the LP starts with
ADDED_COLUMNS = 5  # per applicant and round, the pairs of largest reduced cost
ROUNDS = 30  # of generation at most
PRICED_IN = 1e-6  # a reduced cost above this is a column worth adding
USED = 1e-6  # an LP value above this is a pair the LP uses
TIED = 1e-6  # a reduced cost above minus this is a pair as good as those the LP uses
COLUMN_UNITS = 5e-6  # adding one column (its entries built in Python)
RESOLVE_UNITS_PER_COLUMN = 1.2e-5  # one warm re-solve, per column the LP holds
BOUND_SLACK = 1e-6  # relative, added to the bound for floating point before rounding down


@dataclass(frozen=True)
class ColumnLP:
    bound: int | None  # no allocation of the housed set has a larger total fit (None: no LP solved)
    pairs: np.ndarray  # the housed set's eligible pairs
    values: np.ndarray  # LP value of each of them (0 for columns never generated)
    complete: bool  # no left-out column could raise the LP: its value is the full LP's
    reduced: np.ndarray  # each of them: reduced cost at the last prices (how much fit it would add)
    prices: tuple | None  # the rows' prices that gave ``bound`` (person, place, hours, count, not-with)
    model: _HighsLP | None = None  # the LP itself, to go on from for another set


class _Rows:
    """The LP's rows over every eligible pair of the round (so that the same LP can follow the
    housed set as it changes), and each pair's entries in them."""

    def __init__(self, eligibility: Eligibility, side: SideConstraints):
        self.applicant, self.place = eligibility.pairs.applicant, eligibility.pairs.place
        self.unit, self.fit = eligibility.unit, eligibility.fit.astype(np.float64)
        self.need = side.need[self.applicant].astype(np.float64)
        units = len(side.capacity)
        self.hours_cap = np.full(units, np.inf)
        self.hours_cap[side.hours] = side.capacity[side.hours]
        self.count_cap = _resident_caps(eligibility, side)
        self.meetings = [(i, j, u) for i, j, meeting_units in side.meetings for u in meeting_units]
        row_of: dict[tuple[int, int], list[int]] = {}
        for r, (i, j, u) in enumerate(self.meetings):
            row_of.setdefault((i, u), []).append(r)
            row_of.setdefault((j, u), []).append(r)
        self.meeting_rows: dict[int, list[int]] = {}  # per pair: the not-with rows it is in (few are in any)
        if row_of:
            for k in np.flatnonzero(np.isin(self.applicant, [a for a, _ in row_of])).tolist():
                rows = row_of.get((int(self.applicant[k]), int(self.unit[k])))
                if rows:
                    self.meeting_rows[k] = rows
        # The same as two flat arrays, for pricing all pairs at once.
        self.meeting_pair = np.array([k for k, rows in self.meeting_rows.items() for _ in rows], dtype=np.int64)
        self.meeting_row = np.array([r for rows in self.meeting_rows.values() for r in rows], dtype=np.int64)

    def reduced_costs(self, person, place, hours, count, meeting) -> np.ndarray:
        """fit minus the priced rows, for every pair (prices: arrays by person, place, unit, row)."""
        d = self.fit - person[self.applicant] - place[self.place] - hours[self.unit] * self.need - count[self.unit]
        if len(self.meeting_pair):
            d -= np.bincount(self.meeting_pair, weights=meeting[self.meeting_row], minlength=len(d))
        return d


def _resident_caps(eligibility: Eligibility, side: SideConstraints) -> np.ndarray:
    """Per unit whose hours bind, :meth:`SideConstraints.resident_limit` where it is below the
    unit's places (valid for every housed set); no row elsewhere (inf)."""
    limit = side.resident_limit(eligibility).astype(np.float64)
    places = np.bincount(eligibility.columns.place_unit, minlength=len(side.capacity))
    cap = np.full(len(side.capacity), np.inf)
    tighter = side.hours[limit[side.hours] < places[side.hours]]
    cap[tighter] = limit[tighter]
    return cap


def solve_fit_lp_by_columns(eligibility: Eligibility, side: SideConstraints, incumbent: np.ndarray,
                            budget: WorkBudget, until: float, earlier: ColumnLP | None = None) -> ColumnLP:
    """The LP of the module docstring for the housed set of ``incumbent``, until ``until`` units
    are spent; ``earlier``: the LP of another set, which this one goes on from (its basis and
    columns: the people who left are held at 0, those who joined get rows and columns)."""
    housed = incumbent >= 0
    if earlier is not None and earlier.model is not None:
        lp = earlier.model
    else:
        budget.charge(len(eligibility.pairs) * 10 * SCAN_UNITS_PER_PAIR)
        lp = _HighsLP(_Rows(eligibility, side), len(eligibility.problem.places), budget)
    rows = lp.rows
    mine = housed[rows.applicant]
    lp.house(housed)
    lp.add(_first_columns(rows, incumbent, mine, lp.generated))
    best_bound, complete, best_prices = None, False, None
    reduced = np.zeros(len(rows.applicant))
    for _ in range(ROUNDS):
        if not lp.solve():
            break
        budget.charge(len(rows.applicant) * 4 * SCAN_UNITS_PER_PAIR)
        prices = lp.prices()
        reduced = rows.reduced_costs(*prices)
        bound = _dual_bound(rows, prices, mine)
        if best_bound is None or bound < best_bound:
            best_bound, best_prices = bound, prices
        entering = np.flatnonzero((reduced > PRICED_IN) & mine & ~lp.generated)
        if len(entering) == 0:
            complete = True
            break
        if budget.spent >= until or budget.out_of_time():
            break
        lp.add(_best_per_applicant(entering, -reduced[entering], rows.applicant[entering], ADDED_COLUMNS))
    pairs = np.flatnonzero(mine)
    return ColumnLP(best_bound, pairs, lp.values()[pairs], complete, reduced[pairs], best_prices, lp)


class _HighsLP:
    """The restricted LP in HiGHS (simplex, one thread), which re-solves from its last basis
    when columns are added or people come and go: 2.6–3.6 s for the whole generation on
    5,000 × 2,000 seed 3, where GLOP through ``pywraplp`` started afresh each time and took 8 s."""

    def __init__(self, rows: _Rows, places: int, budget: WorkBudget):
        self.rows, self.budget = rows, budget
        self.highs = quiet_highs(presolve="off")
        units = len(rows.hours_cap)
        self.places = np.unique(rows.place)
        self.row_of_place = _numbered(self.places, places, 0)
        first = len(self.places)
        self.hours_units = np.flatnonzero(np.isfinite(rows.hours_cap))
        self.row_of_hours = _numbered(self.hours_units, units, first)
        first += len(self.hours_units)
        self.count_units = np.flatnonzero(np.isfinite(rows.count_cap))
        self.row_of_count = _numbered(self.count_units, units, first)
        first += len(self.count_units)
        self.first_meeting, total = first, first + len(rows.meetings)
        upper = np.r_[np.ones(len(self.places)), rows.hours_cap[self.hours_units],
                      rows.count_cap[self.count_units], np.ones(len(rows.meetings))]
        self.highs.addRows(total, np.zeros(total), upper, 0, np.zeros(total, np.int32), np.zeros(0, np.int32),
                           np.zeros(0))
        self.rows_in_use = total
        self.row_of_person = np.full(int(rows.applicant.max()) + 1 if len(rows.applicant) else 0, -1, np.int64)
        self.generated = np.zeros(len(rows.applicant), dtype=bool)
        self.columns = np.zeros(0, dtype=np.int64)

    def house(self, housed: np.ndarray) -> None:
        """Everyone in ``housed`` must be placed (a row each, = 1), everyone else not (= 0)."""
        people = np.flatnonzero(housed[: len(self.row_of_person)])
        new = people[self.row_of_person[people] < 0]
        if len(new):
            self.highs.addRows(len(new), np.ones(len(new)), np.ones(len(new)), 0, np.zeros(len(new), np.int32),
                               np.zeros(0, np.int32), np.zeros(0))
            self.row_of_person[new] = self.rows_in_use + np.arange(len(new))
            self.rows_in_use += len(new)
        known = np.flatnonzero(self.row_of_person >= 0)
        bound = housed[known].astype(np.float64)
        self.highs.changeRowsBounds(len(known), self.row_of_person[known].astype(np.int32), bound, bound)

    def add(self, columns: np.ndarray) -> None:
        """The pairs ``columns`` as new columns (their people must have rows)."""
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
        # The clock's safety net only; HiGHS counts its time limit over all runs of one model.
        self.highs.setOptionValue("time_limit", self.highs.getRunTime() + max(self.budget.solver_seconds(), 0.001))
        self.highs.run()
        record_stop(self.highs, self.budget)  # a stop by the safety net is the clock's
        return self.highs.getModelStatus() == _optimal()

    def prices(self):
        """The rows' dual values as arrays by person, place, unit and not-with row; the ≤ rows'
        prices made ≥ 0, as weak duality wants for a maximisation."""
        dual = np.asarray(self.highs.getSolution().row_dual, dtype=np.float64)
        units = len(self.rows.hours_cap)
        person = np.zeros(len(self.row_of_person))
        known = self.row_of_person >= 0
        person[known] = dual[self.row_of_person[known]]
        place = np.zeros(len(self.row_of_place))
        place[self.places] = np.maximum(0.0, dual[self.row_of_place[self.places]])
        hours, count = np.zeros(units), np.zeros(units)
        hours[self.hours_units] = np.maximum(0.0, dual[self.row_of_hours[self.hours_units]])
        count[self.count_units] = np.maximum(0.0, dual[self.row_of_count[self.count_units]])
        meeting = np.maximum(0.0, dual[self.first_meeting:self.first_meeting + len(self.rows.meetings)])
        return person, place, hours, count, meeting

    def values(self) -> np.ndarray:
        values = np.zeros(len(self.rows.applicant))
        values[self.columns] = np.asarray(self.highs.getSolution().col_value, dtype=np.float64)
        return values


def _numbered(keys: np.ndarray, size: int, first: int) -> np.ndarray:
    """Row numbers ``first, first + 1, ...`` for ``keys`` in an array of ``size``; -1 elsewhere."""
    numbers = np.full(size, -1, dtype=np.int64)
    numbers[keys] = first + np.arange(len(keys))
    return numbers


def _optimal():
    from highspy._core import HighsModelStatus

    return HighsModelStatus.kOptimal


def _first_columns(rows: _Rows, incumbent: np.ndarray, mine: np.ndarray, generated: np.ndarray) -> np.ndarray:
    """The best fits of each housed person and their pair in ``incumbent``, where not yet columns."""
    candidates = np.flatnonzero(mine)
    best = _best_per_applicant(candidates, -rows.fit[candidates], rows.applicant[candidates], FIRST_COLUMNS)
    current = candidates[incumbent[rows.applicant[candidates]] == candidates]
    chosen = np.union1d(best, current)
    return chosen[~generated[chosen]]


def _best_per_applicant(candidates: np.ndarray, key: np.ndarray, applicant: np.ndarray, count: int) -> np.ndarray:
    """The ``count`` candidates of smallest ``key`` per applicant (ties: the earlier pair)."""
    order = np.lexsort((candidates, key, applicant))
    owner = applicant[order]
    first = np.r_[0, np.flatnonzero(owner[1:] != owner[:-1]) + 1]
    position = np.arange(len(order)) - np.repeat(first, np.diff(np.r_[first, len(order)]))
    return np.sort(candidates[order[position < count]])


def _dual_bound(rows: _Rows, prices, mine: np.ndarray) -> int:
    """Weak duality over the pairs ``mine`` of the housed set, for the prices of places, hours
    and not-with rows (any, ≥ 0): each person's own price is set to their largest reduced cost,
    so each person adds what their best pair adds; rounded up past floating point."""
    _, place, hours, count, meeting = prices
    reduced = rows.reduced_costs(np.zeros(len(prices[0])), place, hours, count, meeting)
    best = np.full(len(prices[0]), -np.inf)
    np.maximum.at(best, rows.applicant[mine], reduced[mine])
    value = place.sum() + meeting.sum() + best[np.isfinite(best)].sum()
    value += (hours * np.where(np.isfinite(rows.hours_cap), rows.hours_cap, 0.0)).sum()
    value += (count * np.where(np.isfinite(rows.count_cap), rows.count_cap, 0.0)).sum()
    return math.floor(value + BOUND_SLACK * abs(value) + 1e-3)


def bound_for_set(eligibility: Eligibility, side: SideConstraints, housed: np.ndarray, lp: ColumnLP,
                  budget: WorkBudget) -> int:
    """A bound on total fit for another housed set (the repair may house more people after the
    LP), from the LP's last prices: weak duality holds for any prices, so no LP is solved."""
    rows = lp.model.rows if lp.model is not None else _Rows(eligibility, side)
    budget.charge(len(rows.applicant) * 4 * SCAN_UNITS_PER_PAIR)
    return _dual_bound(rows, lp.prices, housed[rows.applicant])


def round_by_columns(eligibility: Eligibility, side: SideConstraints, incumbent: np.ndarray, lp,
                     budget: WorkBudget, deterministic: float, hint: np.ndarray | None = None) -> np.ndarray | None:
    """The housed set placed by CP-SAT on the pairs the LP uses and their incumbent pairs (the
    hint); then, for the people the LP splits, also on every pair as good at the LP's prices
    (reduced cost 0: the LP's other optima), hinted with the first answer. None if that is no
    better than ``incumbent``. ``lp``: a :class:`ColumnLP`, or a whole LP
    (:class:`~allocator.matching.fit_lp.FitLP`, with GLOP's reduced costs).

    Two steps because CP-SAT with one worker, given the wider choice from the incumbent at once,
    sometimes stays at the hint for seconds (5,000 × 2,000 seed 2: 4.7 % below the LP after 2
    deterministic seconds); the narrow model reliably gets within about two percent. ``hint``:
    an allocation of the set to start from instead (the rooms rounding's)."""
    housed = incumbent >= 0
    used = lp.values > USED
    allowed = np.zeros(len(eligibility.pairs), dtype=bool)
    allowed[lp.pairs[used]] = True
    allowed[incumbent[housed]] = True
    owner = eligibility.pairs.applicant[lp.pairs]
    split = np.unique(owner[used & (lp.values < 1 - USED)])
    wider = allowed.copy()
    wider[lp.pairs[(lp.reduced > -TIED) & np.isin(owner, split)]] = True
    best = incumbent
    steps = [allowed, wider]
    members = np.flatnonzero(housed).tolist()
    if hint is None:
        hint = _lp_hint(eligibility, side, incumbent, lp.pairs[used], lp.values[used])
    for allowed in steps:
        model = PairModel(eligibility, side, members, forced=set(members), allowed=allowed)
        model.maximize_fit()
        model.hint(hint if best is incumbent else best)
        status, solved = model.solve(budget, max(0.0, deterministic / len(steps) - model.charge()))
        if status in ("OPTIMAL", "FEASIBLE") and \
                eligibility.total_fit(solved) > eligibility.total_fit(best):
            best = solved
    return None if best is incumbent else best


def _lp_hint(eligibility: Eligibility, side: SideConstraints, incumbent: np.ndarray, pairs: np.ndarray,
             values: np.ndarray) -> np.ndarray:
    """A hint that follows the LP: its pairs by value, largest first, each taken where the place
    is free and the unit's hours allow; anyone left keeps their pair in ``incumbent`` (the hint
    may then break a rule: CP-SAT only starts from it). Measured on 5,000 × 2,000 seed 2: 2.1 %
    below the LP after 1 deterministic second, against 4.7 % when hinted with the incumbent."""
    hint = np.full(len(incumbent), -1, dtype=np.int64)
    taken = np.zeros(len(eligibility.problem.places), dtype=bool)
    room = side.capacity.astype(np.float64).copy()
    for k in pairs[np.argsort(-values, kind="stable")].tolist():
        applicant, place, unit = eligibility.pairs.applicant[k], eligibility.pairs.place[k], eligibility.unit[k]
        if hint[applicant] < 0 and not taken[place] and side.need[applicant] <= room[unit]:
            hint[applicant], taken[place] = k, True
            room[unit] -= side.need[applicant]
    left = (hint < 0) & (incumbent >= 0)
    hint[left] = incumbent[left]
    return hint
