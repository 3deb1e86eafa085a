"""A CP-SAT model over eligible pairs: one boolean per pair of the applicants it covers.

Rows: each applicant at most one place (exactly one when *forced*), each place at most one
applicant, each unit whose support hours can bind within them, and for each not-with pair
that could meet in a unit at most one of the two there. Solved with one worker, a fixed
seed and a limit in deterministic time, so that the same model always gives the same answer.
"""

from __future__ import annotations

import numpy as np

from allocator.matching.eligibility import Eligibility
from allocator.matching.occupancy import FREE
from allocator.matching.side_constraints import SideConstraints
from allocator.matching.work_budget import MODEL_UNITS_PER_VARIABLE, SOLVE_UNITS, WorkBudget

SEED = 20261201


class PairModel:
    def __init__(self, eligibility: Eligibility, side: SideConstraints, applicants: list[int], forced: set[int],
                 allowed: np.ndarray | None = None):
        """``allowed``: optional mask over all eligible pairs; only those get a variable."""
        from ortools.sat.python import cp_model

        self.cp_model = cp_model
        self.eligibility = eligibility
        self.model = cp_model.CpModel()
        starts = eligibility.starts()
        applicants = sorted(applicants)
        self.present = set(applicants)
        self.pairs = np.concatenate([np.arange(starts[i], starts[i + 1]) for i in applicants]
                                    or [np.zeros(0, np.int64)]).astype(np.int64)
        if allowed is not None:
            self.pairs = self.pairs[allowed[self.pairs]]
        self.x = [self.model.new_bool_var(f"x{p}") for p in range(len(self.pairs))]
        self.owner = eligibility.pairs.applicant[self.pairs]
        self._rows(forced, side)
        self.bound: float | None = None

    def _grouped(self, keys: np.ndarray):
        """(key, its variables, their positions) for each distinct key."""
        order = np.argsort(keys, kind="stable")
        values, first = np.unique(keys[order], return_index=True)
        for value, members in zip(values.tolist(), np.split(order, first[1:]), strict=True):
            yield value, [self.x[k] for k in members.tolist()], members

    def _rows(self, forced: set[int], side: SideConstraints) -> None:
        if not forced <= set(self.owner.tolist()):
            self.model.add_bool_or([])  # someone who must be housed has no place left: infeasible
        if len(self.pairs) == 0:
            return
        for applicant, variables, _ in self._grouped(self.owner):
            (self.model.add_exactly_one if applicant in forced else self.model.add_at_most_one)(variables)
        for _, variables, _ in self._grouped(self.eligibility.pairs.place[self.pairs]):
            if len(variables) > 1:
                self.model.add_at_most_one(variables)
        units = self.eligibility.unit[self.pairs]
        binding = set(side.hours.tolist())
        for unit, variables, members in self._grouped(units):
            if unit in binding:
                need = side.need[self.owner[members]].tolist()
                self.model.add(self.cp_model.LinearExpr.weighted_sum(variables, need) <= int(side.capacity[unit]))
        for i, j, meeting_units in side.meetings:
            if i in self.present and j in self.present:
                for unit in meeting_units:
                    both = np.flatnonzero((units == unit) & ((self.owner == i) | (self.owner == j)))
                    if len(both) > 1:
                        self.model.add_at_most_one([self.x[k] for k in both.tolist()])

    def maximize_applicants(self, weight: dict[int, int]) -> None:
        self.model.maximize(self.cp_model.LinearExpr.weighted_sum(
            self.x, [weight.get(a, 0) for a in self.owner.tolist()]))

    def maximize_fit(self) -> None:
        self.model.maximize(self.cp_model.LinearExpr.weighted_sum(self.x, self.eligibility.fit[self.pairs].tolist()))

    def hint(self, pair_of: np.ndarray) -> None:
        chosen = (pair_of[self.owner] == self.pairs).tolist()
        for variable, value in zip(self.x, chosen, strict=True):
            self.model.add_hint(variable, value)

    def charge(self) -> float:
        """Units :meth:`solve` charges besides CP-SAT's deterministic time."""
        return SOLVE_UNITS + len(self.x) * MODEL_UNITS_PER_VARIABLE

    def solve(self, budget: WorkBudget, deterministic: float) -> tuple[str, np.ndarray]:
        """(status name, pair_of of the covered applicants; -1 elsewhere or without a solution)."""
        solver = self.cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.random_seed = SEED
        solver.parameters.linearization_level = 2  # measured: far better bounds and fits on these models
        solver.parameters.max_deterministic_time = max(deterministic, 0.001)
        solver.parameters.max_time_in_seconds = budget.solver_seconds(deterministic)
        budget.charge(self.charge())
        status = solver.solve(self.model)
        budget.charge(solver.deterministic_time)
        budget.exhausted()  # records a cut by the clock, if the safety net stopped the solver
        pair_of = np.full(len(self.eligibility.problem.applicants), FREE, dtype=np.int64)
        name = solver.status_name(status)
        if name in ("OPTIMAL", "FEASIBLE"):
            if self.model.has_objective():
                self.bound = solver.best_objective_bound
            # The pair variables are the model's first ones, in order.
            values = np.asarray(list(solver.response_proto.solution), dtype=np.int64)[: len(self.x)]
            chosen = self.pairs[values > 0]
            pair_of[self.eligibility.pairs.applicant[chosen]] = chosen
        return name, pair_of
