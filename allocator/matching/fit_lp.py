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
then added while the solution breaks them (:class:`CoverRounds`, up to :data:`FIT_COVER_ROUNDS`
re-solves): at 30 s on 1,000 × 400 seeds 2 and 10 three rounds took the gaps from 1.76 and
1.62 % to 0.90 and 0.78 %, and the rounds until no cut is broken 0.01 % further (HiGHS's MIP
proves the same results within 0.74 and 0.58 % in 20 s, ``benchmarks/fit_bounds.py``). The
rounding follows the first solve's values: following the cut LP's instead, seed 10's fit fell by
0.75 %. The first solve is GLOP's, the rounds HiGHS's dual simplex, started from GLOP's optimal
basis: GLOP, through ``pywraplp``, re-solved each round from scratch.

Both are deterministic (one thread; GLOP has its own deterministic time limit, HiGHS a fixed
seed); the bound is rounded *up* past the LP's tolerances, so it is never below the true optimum.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from allocator.matching.eligibility import Eligibility
from allocator.matching.highs import add_rows, quiet_highs, record_stop
from allocator.matching.side_constraints import SideConstraints, rounded_hours, violated_covers
from allocator.matching.work_budget import (
    COVER_UNITS_PER_CHOICE,
    HIGHS_UNITS_PER_ROW,
    LP_LINEAR_NONZEROS,
    LP_UNITS_PER_ITERATION,
    LP_UNITS_PER_NONZERO,
    LP_UNITS_PER_SOLVE,
    WorkBudget,
)

CUT_UNITS_PER_NONZERO = LP_UNITS_PER_NONZERO / 3  # the cuts' nonzeros, which lp_units does not count (GLOP
# took 0.05–0.28 s more with them on 1,000 × 400 sets, for 25,000–77,000 more nonzeros)
LP_DETERMINISTIC_LIMIT = 20.0  # GLOP's own deterministic time limit (a safety net; the units decide)
FIT_COVER_ROUNDS = 10  # re-solves with the cover cuts the last solution breaks (on 1,000 × 400 seed 2 none is
# broken after 5, seed 10 has one after 10; they lowered seed 2's bound by 0.46, 0.23, 0.18 %, then 0.01 % in all)

LPRow = tuple[float, float, np.ndarray, np.ndarray | None]  # lower, upper, pair positions, coefficients (None: 1)


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
    cover cuts on units' hours added while its solution breaks them (:class:`CoverRounds`), for
    the bound (the values and reduced costs are the first solve's, which the rounding follows)."""
    pairs = np.flatnonzero(housed[eligibility.pairs.applicant])
    budget.charge(lp_units(eligibility, housed))
    rows = _fit_rows(eligibility, side, pairs, budget)
    fits = eligibility.fit[pairs].astype(np.float64)
    solver = _glop(rows, fits)
    x = solver.variables()
    solved = _solve(solver, x, pairs, budget)
    if solved.bound is None or not covers:
        return solved
    rounds = CoverRounds(rows, fits, _glop_basis(solver, x), budget)
    bound = rounds.bound(HoursCovers(eligibility, side, pairs), solved.values)
    return FitLP(solved.bound if bound is None else min(bound, solved.bound), pairs, solved.values, solved.reduced)


def _glop(rows: list[LPRow], fits: np.ndarray):
    """GLOP loaded with the LP whole (one model message: setting 130,000 coefficients one by one
    from Python took 0.2 s of a 0.5 s solve; GLOP reads the same model either way)."""
    from ortools.linear_solver import linear_solver_pb2, pywraplp

    model = linear_solver_pb2.MPModelProto(maximize=True)
    for fit in fits.tolist():
        model.variable.add(lower_bound=0.0, upper_bound=1.0, objective_coefficient=fit)
    for lower, upper, members, coefficients in rows:
        row = model.constraint.add(lower_bound=lower, upper_bound=upper)
        row.var_index.extend(members.tolist())
        row.coefficient.extend([1.0] * len(members) if coefficients is None else coefficients.tolist())
    solver = pywraplp.Solver.CreateSolver("GLOP")
    solver.SetSolverSpecificParametersAsString(f"max_deterministic_time: {LP_DETERMINISTIC_LIMIT}")
    if error := solver.LoadModelFromProto(model):
        raise ValueError(f"the fit LP: {error}")
    return solver


def _fit_rows(eligibility: Eligibility, side: SideConstraints, pairs: np.ndarray, budget: WorkBudget) -> list[LPRow]:
    """Each person one place, each place one person, units' hours (with the rounded cuts), not-with pairs."""
    applicant, unit = eligibility.pairs.applicant[pairs], eligibility.unit[pairs]
    rows: list[LPRow] = [(1.0, 1.0, members, None) for _, members in grouped(applicant)]
    rows += [(0.0, 1.0, members, None) for _, members in grouped(eligibility.pairs.place[pairs]) if len(members) > 1]
    binding = set(side.hours.tolist())
    places_of = np.bincount(eligibility.columns.place_unit, minlength=len(side.capacity))
    for u, members in grouped(unit):
        need = side.need[applicant[members]]
        if u in binding and int(need.sum()) > side.capacity[u]:
            rows.append((0.0, float(side.capacity[u]), members, need.astype(np.float64)))
            # At most as many residents as the smallest needs of its candidates fit in the hours:
            # valid for every allocation, and cuts off LP solutions that spread many small shares.
            needs = np.sort(side.need[np.unique(applicant[members])])
            most = int(np.searchsorted(np.cumsum(needs), side.capacity[u], side="right"))
            if most < places_of[u]:
                rows.append((0.0, float(most), members, None))
            for columns, values, upper in rounded_hours(members, need.astype(np.int64), int(side.capacity[u])):
                rows.append((0.0, float(upper), columns, values.astype(np.float64)))
                budget.charge(len(columns) * CUT_UNITS_PER_NONZERO)
    at: dict[tuple[int, int], list[int]] = {}
    for k, key in enumerate(zip(applicant.tolist(), unit.tolist(), strict=True)):
        at.setdefault(key, []).append(k)
    for i, j, units in side.meetings:
        for u in units:
            if (i, u) in at and (j, u) in at:
                rows.append((0.0, 1.0, np.array(at[i, u] + at[j, u]), None))
    return rows


def _solve(solver, x, pairs: np.ndarray, budget: WorkBudget) -> FitLP:
    from ortools.linear_solver import pywraplp

    limit_ms = int(1000 * min(budget.solver_seconds(), 1e6))  # the clock's safety net only
    solver.SetTimeLimit(limit_ms)
    status = solver.Solve()
    if status != pywraplp.Solver.OPTIMAL and solver.wall_time() >= 0.99 * limit_ms:
        budget.cut_by_clock()  # GLOP stopped at the safety net's limit
    budget.exhausted()
    if status != pywraplp.Solver.OPTIMAL:
        return FitLP(None, pairs, np.zeros(len(pairs)))
    values = np.array([v.solution_value() for v in x], dtype=np.float64)
    reduced = np.array([v.reduced_cost() for v in x], dtype=np.float64)
    return FitLP(_whole_bound(solver.Objective().Value()), pairs, values, reduced=reduced)


def _whole_bound(value: float) -> int:
    """Fits are whole numbers: the LP's value rounded up past the solvers' tolerances (relative 1e-9,
    absolute 1e-3), then down to a whole number."""
    return math.floor(value + 1e-9 * abs(value) + 1e-3)


def _glop_basis(solver, x) -> tuple[list[int], list[int]]:
    """GLOP's optimal basis as HiGHS's column and row statuses (a row's status is its activity's)."""
    from highspy._core import HighsBasisStatus
    from ortools.linear_solver import pywraplp

    status = {pywraplp.Solver.AT_LOWER_BOUND: HighsBasisStatus.kLower, pywraplp.Solver.FIXED_VALUE:
              HighsBasisStatus.kLower, pywraplp.Solver.AT_UPPER_BOUND: HighsBasisStatus.kUpper,
              pywraplp.Solver.BASIC: HighsBasisStatus.kBasic, pywraplp.Solver.FREE: HighsBasisStatus.kZero}
    return [status[v.basis_status()] for v in x], [status[c.basis_status()] for c in solver.constraints()]


class CoverRounds:
    """The fit LP again in HiGHS, started from GLOP's optimal basis, to which cover cuts are added
    while its solution breaks them: each round is a few hundred dual simplex iterations from the
    last basis (GLOP, re-solving from scratch, took as long for each as for the first: on 1,000 ×
    400 seeds 2, 7 and 10 three rounds took 0.18–0.24 s here against 0.6–1.1 s)."""

    def __init__(self, rows: list[LPRow], fits: np.ndarray, basis: tuple[list[int], list[int]],
                 budget: WorkBudget):
        from highspy._core import HighsBasis

        self.budget = budget
        self.highs = quiet_highs(presolve="off")
        self.highs.addVars(len(fits), np.zeros(len(fits)), np.ones(len(fits)))
        self.highs.changeColsCost(len(fits), np.arange(len(fits), dtype=np.int32), fits)
        add_rows(self.highs, [(members, np.ones(len(members)) if coefficients is None else coefficients, upper)
                              for _, upper, members, coefficients in rows], np.array([row[0] for row in rows]))
        start = HighsBasis()
        start.col_status, start.row_status = basis
        start.valid = True
        self.highs.setBasis(start)  # refused (never seen): HiGHS starts from its own basis, slower
        budget.charge(self.size * HIGHS_UNITS_PER_ROW)

    @property
    def size(self) -> int:
        return self.highs.getNumCol() + self.highs.getNumRow()

    def bound(self, separation: HoursCovers, values: np.ndarray) -> int | None:
        """The bound after the rounds (None if HiGHS stopped at a limit before the first)."""
        from highspy._core import HighsModelStatus

        bound = None
        for _ in range(FIT_COVER_ROUNDS):
            cuts = separation.violated(values)
            self.budget.charge(separation.choices * COVER_UNITS_PER_CHOICE)
            if not cuts or self.budget.exhausted():
                break
            add_rows(self.highs, [(members, np.ones(len(members)), upper) for members, upper in cuts],
                     np.full(len(cuts), -np.inf))
            # The safety net only; HiGHS counts its time limit over all runs of one model.
            self.highs.setOptionValue("time_limit", self.highs.getRunTime() + self.budget.solver_seconds())
            self.highs.run()
            iterations = self.highs.getInfo().simplex_iteration_count
            self.budget.charge(LP_UNITS_PER_SOLVE + iterations * self.size * LP_UNITS_PER_ITERATION)
            record_stop(self.highs, self.budget)  # a stop by the safety net is the clock's
            if self.highs.getModelStatus() != HighsModelStatus.kOptimal:
                break  # the last bound stands (it holds without these cuts)
            bound = _whole_bound(self.highs.getInfo().objective_function_value)
            values = np.asarray(self.highs.getSolution().col_value)
        return bound


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
