"""The LP relaxation of stage 2 and its bound on total fit; its rows alone for stage 1's proofs.

For a fixed housed set, stage 2 is a generalised assignment problem: every housed applicant
gets exactly one place, each place at most one applicant, each unit's support hours kept,
not-with pairs apart. Its LP relaxation (variables in [0, 1], the same rows, not-with pairs as
``x_i,u + x_j,u ≤ 1`` per unit) bounds the best total fit from above; it is exactly the best
bound the Lagrangian of :mod:`allocator.matching.fit_bound` can reach (the assignment polytope
is integral), and with the not-with rows a little tighter, but GLOP gets there in one solve
where subgradient steps creep towards it. Measured on a 1,000 × 400 round (33,655 pairs,
11,000 in the housed set's LP): 0.3 s, 0.02–0.15 % below the Lagrangian bound after 40 steps.

The LP's solution is also nearly integral: most applicants sit wholly on one place. It is
rounded through rooms (:mod:`allocator.matching.room_rounding`), and then
:func:`allocator.matching.fit_columns.round_by_columns` places the set on the pairs it uses (its
values and reduced costs are kept for that). *Fix and solve* (the LP's whole pairs kept, CP-SAT
on the rest of the units they touch) was used before it; on 1,000 × 400 seeds 1, 5, 9 and 10 it
no longer improved anything after that placing, and on seed 10 it cost a fifth of the budget.

Each unit whose hours bind also gets the cuts that hold for whole people
(:func:`allocator.matching.side_constraints.rounded_hours`): on the results of 1,000 × 400
seeds 1, 2, 3, 7 and 10 they lowered the bound by 0.02–0.25 % of it (seed 3's gap 0.91 → 0.66 %).
Cover cuts on the same hours (:func:`allocator.matching.side_constraints.violated_covers`) are
then added while the solution breaks them, for up to :data:`FIT_COVER_ROUNDS` re-solves from the
last basis: at 30 s on 1,000 × 400 seeds 2 and 10 the gaps went from 1.76 and 1.62 % to 0.90
and 0.78 % (HiGHS's MIP proves the same results within 0.74 and 0.59 % in 20 s,
``benchmarks/fit_bounds.py``). The rounding follows the first solve's values: following the
cut LP's instead, seed 10's fit fell by 0.75 %.

GLOP is deterministic (one thread, its own deterministic time limit); the bound is rounded
*up* past the LP's tolerances, so it is never below the true optimum.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from allocator.matching.eligibility import Eligibility
from allocator.matching.side_constraints import SideConstraints, rounded_hours, violated_covers
from allocator.matching.work_budget import (
    COVER_UNITS_PER_CHOICE,
    LP_LINEAR_NONZEROS,
    LP_UNITS_PER_NONZERO,
    WorkBudget,
)

CUT_UNITS_PER_NONZERO = LP_UNITS_PER_NONZERO / 3  # the cuts' nonzeros, which lp_units does not count (GLOP
# took 0.05–0.28 s more with them on 1,000 × 400 sets, for 25,000–77,000 more nonzeros)
LP_DETERMINISTIC_LIMIT = 20.0  # GLOP's own deterministic time limit (a safety net; the units decide)
FIT_COVER_ROUNDS = 3  # re-solves with the cover cuts the last solution breaks
RESOLVE_SHARE = 0.5  # of the first solve's units, for a re-solve with cuts (GLOP goes on from its last basis:
# 0.21–0.31 s against 0.51–0.62 s for the first on 1,000 × 400 seeds 2 and 10)


@dataclass(frozen=True)
class FitLP:
    bound: int | None  # no allocation of the housed set has a larger total fit (None: LP not solved)
    pairs: np.ndarray  # the housed set's eligible pairs
    values: np.ndarray  # LP value of each of them
    reduced: np.ndarray | None = None  # each pair's reduced cost (how much fit it would add; 0: as good)


def grouped(keys: np.ndarray):
    """(key, indices with that key) for each distinct key, in key order (rows of a model)."""
    if len(keys) == 0:
        return iter(())
    order = np.argsort(keys, kind="stable")
    values, first = np.unique(keys[order], return_index=True)
    return zip(values.tolist(), np.split(order, first[1:]), strict=True)


def lp_units(eligibility: Eligibility, housed: np.ndarray) -> float:
    """What building and solving the LP costs, in work units, from its nonzeros: linear while it
    is small, then growing faster (GLOP took 0.3–0.5 s for 100,000 nonzeros, 42–58 s for
    790,000: the 5,000 × 2,000 rounds, whose LP is generated column by column instead,
    :mod:`allocator.matching.fit_columns`)."""
    nonzeros = int(housed[eligibility.pairs.applicant].sum()) * 3
    return nonzeros * LP_UNITS_PER_NONZERO * max(1.0, nonzeros / LP_LINEAR_NONZEROS)


def solve_fit_lp(eligibility: Eligibility, side: SideConstraints, housed: np.ndarray, budget: WorkBudget,
                 covers: bool = True) -> FitLP:
    """The LP of the module docstring over the pairs of the ``housed`` applicants; with ``covers``,
    cover cuts on units' hours added while its solution breaks them (:class:`HoursCovers`), for
    the bound (the values and reduced costs are the first solve's, which the rounding follows)."""
    from ortools.linear_solver import pywraplp

    pairs = np.flatnonzero(housed[eligibility.pairs.applicant])
    first_solve = lp_units(eligibility, housed)
    budget.charge(first_solve)
    solver = pywraplp.Solver.CreateSolver("GLOP")
    solver.SetSolverSpecificParametersAsString(f"max_deterministic_time: {LP_DETERMINISTIC_LIMIT}")
    x = [solver.NumVar(0.0, 1.0, "") for _ in range(len(pairs))]
    _add_rows(solver, x, eligibility, side, pairs, budget)
    goal = solver.Objective()
    for k, fit in enumerate(eligibility.fit[pairs].tolist()):
        goal.SetCoefficient(x[k], float(fit))
    goal.SetMaximization()
    solved = _solve(solver, x, pairs, budget)
    if solved.bound is None or not covers:
        return solved
    separation, first, values = HoursCovers(eligibility, side, pairs), solved, solved.values
    for _ in range(FIT_COVER_ROUNDS):
        cuts = separation.violated(values)
        budget.charge(separation.choices * COVER_UNITS_PER_CHOICE)
        if not cuts or budget.left() < first_solve * RESOLVE_SHARE:
            break
        for members in cuts:
            _row(solver, x, 0.0, float(members[1]), members[0].tolist())
        budget.charge(first_solve * RESOLVE_SHARE + sum(len(m) for m, _ in cuts) * CUT_UNITS_PER_NONZERO)
        again = _solve(solver, x, pairs, budget)
        if again.bound is None:  # a limit: the last bound stands (it holds without these cuts)
            break
        solved, values = again, again.values
    return FitLP(solved.bound, pairs, first.values, first.reduced)


def _row(solver, x, lower: float, upper: float, members, coefficients=None) -> None:
    constraint = solver.Constraint(lower, upper)
    for t, k in enumerate(members):
        constraint.SetCoefficient(x[k], 1.0 if coefficients is None else float(coefficients[t]))


def _add_rows(solver, x, eligibility: Eligibility, side: SideConstraints, pairs: np.ndarray,
              budget: WorkBudget) -> None:
    """Each person one place, each place one person, units' hours (with the rounded cuts), not-with pairs."""
    applicant, unit = eligibility.pairs.applicant[pairs], eligibility.unit[pairs]
    for _, members in grouped(applicant):
        _row(solver, x, 1.0, 1.0, members.tolist())
    for _, members in grouped(eligibility.pairs.place[pairs]):
        if len(members) > 1:
            _row(solver, x, 0.0, 1.0, members.tolist())
    binding = set(side.hours.tolist())
    places_of = np.bincount(eligibility.columns.place_unit, minlength=len(side.capacity))
    for u, members in grouped(unit):
        need = side.need[applicant[members]]
        if u in binding and int(need.sum()) > side.capacity[u]:
            _row(solver, x, 0.0, float(side.capacity[u]), members.tolist(), need.tolist())
            # At most as many residents as the smallest needs of its candidates fit in the hours:
            # valid for every allocation, and cuts off LP solutions that spread many small shares.
            needs = np.sort(side.need[np.unique(applicant[members])])
            most = int(np.searchsorted(np.cumsum(needs), side.capacity[u], side="right"))
            if most < places_of[u]:
                _row(solver, x, 0.0, float(most), members.tolist())
            for columns, values, upper in rounded_hours(members, need.astype(np.int64), int(side.capacity[u])):
                _row(solver, x, 0.0, float(upper), columns.tolist(), values.tolist())
                budget.charge(len(columns) * CUT_UNITS_PER_NONZERO)
    at: dict[tuple[int, int], list[int]] = {}
    for k, key in enumerate(zip(applicant.tolist(), unit.tolist(), strict=True)):
        at.setdefault(key, []).append(k)
    for i, j, units in side.meetings:
        for u in units:
            if (i, u) in at and (j, u) in at:
                _row(solver, x, 0.0, 1.0, at[i, u] + at[j, u])


def _solve(solver, x, pairs: np.ndarray, budget: WorkBudget) -> FitLP:
    from ortools.linear_solver import pywraplp

    solver.SetTimeLimit(int(1000 * min(budget.solver_seconds(), 1e6)))  # the clock's safety net only
    status = solver.Solve()
    budget.exhausted()  # records a cut by the clock, if the safety net stopped GLOP
    if status != pywraplp.Solver.OPTIMAL:
        return FitLP(None, pairs, np.zeros(len(pairs)))
    value = solver.Objective().Value()
    values = np.array([v.solution_value() for v in x], dtype=np.float64)
    reduced = np.array([v.reduced_cost() for v in x], dtype=np.float64)
    # Fits are whole numbers: round up past GLOP's tolerances (relative 1e-9 and absolute 1e-3).
    bound = math.floor(value + 1e-9 * abs(value) + 1e-3)
    return FitLP(bound, pairs, values, reduced=reduced)


class HoursCovers:
    """Cover cuts on units' hours for the fit LP over ``pairs``: its values summed per (person,
    unit) choice are what :func:`allocator.matching.side_constraints.violated_covers` reads, and
    each cut it finds becomes a row over the pairs of the choices it names."""

    def __init__(self, eligibility: Eligibility, side: SideConstraints, pairs: np.ndarray):
        applicant, unit = eligibility.pairs.applicant[pairs], eligibility.unit[pairs]
        keys, self.choice = np.unique(applicant * len(side.capacity) + unit, return_inverse=True)
        person, choice_unit = np.divmod(keys, len(side.capacity))
        self.pairs_of = [group for _, group in grouped(self.choice)]
        self.hours = []
        for u in side.hours.tolist():
            group = np.flatnonzero(choice_unit == u)
            need = side.need[person[group]].astype(np.int64)
            if need.sum() > side.capacity[u]:
                self.hours.append((group, need, int(side.capacity[u])))
        self.choices = sum(len(group) for group, _, _ in self.hours)

    def violated(self, values: np.ndarray) -> list[tuple[np.ndarray, int]]:
        """(pairs, most of them taken) for each cover the LP's ``values`` break."""
        taken = np.bincount(self.choice, weights=values, minlength=len(self.pairs_of))
        return [(np.concatenate([self.pairs_of[c] for c in columns.tolist()]), upper)
                for columns, upper in violated_covers(taken, self.hours)]
