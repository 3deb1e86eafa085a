"""Stage 1's question — can all of these people be housed together? — asked of unit choices.

One model per round over every applicant's (person, unit) choices
(:mod:`allocator.matching.unit_choices`; its rows are built in
:mod:`allocator.matching.question_model`): a row per person, Hall's limits on each unit's
places, each unit's support hours, and for each not-with pair that could meet in a unit at most
one of the two there. A question only says who must be housed (their rows become "exactly
one", everyone else's "none") and hints the units they live in now.

Before the exact model, the question's linear relaxation (:meth:`HousingQuestions.relaxation_refuses`)
may already say "no", and a search near the incumbent (:meth:`HousingQuestions.ask_near`:
CP-SAT on small neighbourhoods the relaxation points to) may find a "yes". The exact model is
then asked of HiGHS's MIP (one thread, seeded, a node limit), which maximises agreement with
the incumbent and stops at its first allocation: on the 17 questions of 1,000 × 400 seeds 2
and 7 that reached it before the relaxation's covers were found exactly, it answered in
0.07–0.57 s where CP-SAT (one worker, 0.3 deterministic seconds), asked first until then, took
0.16–0.49 s and left 4 open. With less than :data:`HIGHS_FROM` left, whose work HiGHS cannot
cap, CP-SAT answers what it can. A "yes" comes with an
allocation: one flow places everyone within the units chosen (Hall's limits guarantee it can).
"""

from __future__ import annotations

from collections import Counter
from functools import cached_property

import numpy as np

from allocator.matching.eligibility import Eligibility
from allocator.matching.fit_lp import grouped
from allocator.matching.flow import build_arcs, solve_arcs
from allocator.matching.highs import record_stop
from allocator.matching.nearby import expand_ranges
from allocator.matching.occupancy import FREE
from allocator.matching.pair_model import SEED
from allocator.matching.question_model import QuestionRows, RelaxedQuestion, highs_model, house_exactly
from allocator.matching.side_constraints import SideConstraints
from allocator.matching.unit_choices import Choices
from allocator.matching.work_budget import (
    FLOW_UNITS_PER_ARC,
    MODEL_UNITS_PER_VARIABLE,
    QUESTION_HIGHS_UNITS,
    QUESTION_HIGHS_UNITS_PER_ITERATION,
    QUESTION_UNITS,
    QUESTION_UNITS_PER_PERSON,
    WorkBudget,
)

QUESTION_LIMIT = 0.3  # CP-SAT deterministic time for one question, asked with less than HIGHS_FROM left
NEAR_LIMIT = 0.05  # CP-SAT deterministic time for one neighbourhood of ask_near (most found took under 0.01)
HIGHS_NODES = 200  # HiGHS's branch-and-bound nodes for one question (those measured needed 0–100)
HIGHS_FROM = 0.5  # units left at least before HiGHS is asked (charged 0.10–0.30 units a question on 1,000 × 400
# seeds 2 and 7; a rare one answered deep in a sub-MIP took 2.4–2.8 s)

YES, NO, UNKNOWN = "yes", "no", "unknown"
FEASIBLE_SOLUTION = 2  # HiGHS's primal_solution_status when it holds a feasible solution


class HousingQuestions:
    """The questions of one round (see the module docstring)."""

    def __init__(self, eligibility: Eligibility, side: SideConstraints, budget: WorkBudget):
        from ortools.sat.python import cp_model

        self.eligibility, self.side, self.budget = eligibility, side, budget
        self.applicants = len(eligibility.problem.applicants)
        self.choices = Choices(eligibility, np.arange(self.applicants))
        self.rows = QuestionRows(side, self.choices)
        self.person_rows = list(grouped(self.choices.person))
        self.persons = np.array([person for person, _ in self.person_rows], dtype=np.int32)  # in row order
        budget.charge(len(self.choices) * MODEL_UNITS_PER_VARIABLE)
        self.cp_model = cp_model
        self.template = cp_model.CpModel()
        x = [self.template.new_bool_var("") for _ in range(len(self.choices))]
        self.row_of = np.full(self.applicants, -1, dtype=np.int64)
        for person, group in self.person_rows:
            self.row_of[person] = len(self.template.proto.constraints)
            self.template.add_linear_constraint(sum(x[k] for k in group.tolist()), 0, 0)
        for columns, values, upper in self.rows.rows:
            self.template.add(cp_model.LinearExpr.weighted_sum([x[k] for k in columns.tolist()], values.tolist())
                              <= upper)
        self.tally: Counter[str] = Counter()  # answers by who gave them ("cp-sat no", "highs yes", ...)

    def ask(self, members: np.ndarray, incumbent: np.ndarray, units: float) -> tuple[str, np.ndarray | None]:
        """(YES, an allocation housing exactly ``members``) / (NO, None) / (UNKNOWN, None).

        ``incumbent``: an allocation whose units hint the search; ``units``: what the question
        may spend. HiGHS, whose work cannot be capped in units, is asked with :data:`HIGHS_FROM`
        left; with less, CP-SAT answers what it can within ``units``."""
        if np.any(self.row_of[members] < 0):
            return NO, None  # someone has no eligible place at all
        if units >= HIGHS_FROM and not self.budget.out_of_time():
            answer, chosen = self._ask_highs(members, incumbent)
            solver = "highs"
        else:
            answer, chosen = self._ask_cp_sat(members, incumbent, min(QUESTION_LIMIT, units))
            solver = "cp-sat"
        self.tally[f"{solver} {answer}"] += 1
        if answer != YES:
            return answer, None
        placed = self._place(members, chosen)
        return (YES, placed) if placed is not None else (UNKNOWN, None)

    def ask_near(self, members: np.ndarray, incumbent: np.ndarray) -> np.ndarray | None:
        """An allocation housing exactly ``members`` found near ``incumbent``, or None (which says nothing).

        The relaxation, maximising how many stay in their unit, keeps most of them there whole;
        CP-SAT then places the rest with those fixed, then with everyone in a unit the rest
        could move to (by the relaxation) free as well. Each is a small model, so a "no" is
        cheap, and a "yes" is a real allocation. On 1,000 × 400 seeds 2, 7 and 10 it found 5 of
        the 11 "yes"es that CP-SAT with the whole question had left to HiGHS, for 0.01–0.02
        units each (a sixth needed 0.15 deterministic seconds, more than :data:`NEAR_LIMIT`)."""
        if np.any(self.row_of[members] < 0):
            return None  # someone has no eligible place (the relaxation was not asked)
        stay, x = self._hint(incumbent), self.relaxed.solution
        if x is None:
            return None
        kept = (stay > 0) & (x >= 1 - 1e-6) & members[self.choices.person]
        free = members.copy()
        free[self.choices.person[kept]] = False
        for widen in (False, True):
            if widen:
                reachable = np.isin(self.choices.unit, self.choices.unit[(x > 1e-6) & free[self.choices.person]])
                free[self.choices.person[kept & reachable]] = True
            fixed = np.flatnonzero(kept & ~free[self.choices.person])
            answer, chosen = self._ask_cp_sat(members, incumbent, NEAR_LIMIT, fixed)
            if answer == YES and (placed := self._place(members, chosen)) is not None:
                self.tally["near yes"] += 1
                return placed
        return None

    @cached_property
    def relaxed(self) -> RelaxedQuestion:
        """The linear relaxation, built at the first question (a round whose budget ends before needs none)."""
        return RelaxedQuestion(self.choices, self.person_rows, self.rows, self.budget)

    def relaxation_refuses(self, members: np.ndarray, incumbent: np.ndarray) -> bool:
        """Is "no" certain already from the linear relaxation (:mod:`allocator.matching.question_model`)?
        Its solution keeps as much of ``incumbent`` as it can (for :meth:`ask_near`)."""
        if np.any(self.row_of[members] < 0) or not self.relaxed.refuses(members, self._hint(incumbent)):
            return False
        self.tally["lp no"] += 1
        return True

    def _hint(self, incumbent: np.ndarray) -> np.ndarray:
        unit_of = np.full(self.applicants, -1, dtype=np.int64)
        housed = incumbent >= 0
        unit_of[housed] = self.eligibility.unit[incumbent[housed]]
        return (unit_of[self.choices.person] == self.choices.unit).astype(np.int64)

    def _ask_cp_sat(self, members: np.ndarray, incumbent: np.ndarray, limit: float,
                    fixed: np.ndarray | None = None) -> tuple[str, np.ndarray | None]:
        """CP-SAT's answer; ``fixed``: choices that must be taken (an infeasible answer then says nothing)."""
        model = self.template.clone()
        proto = model.proto
        for row in self.row_of[np.flatnonzero(members)].tolist():
            domain = proto.constraints[row].linear.domain
            domain[0] = domain[1] = 1
        for choice in ([] if fixed is None else fixed.tolist()):
            proto.variables[choice].domain[0] = 1
        proto.solution_hint.vars.extend(range(len(self.choices)))
        proto.solution_hint.values.extend(self._hint(incumbent).tolist())
        solver = self.cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.random_seed = SEED
        solver.parameters.linearization_level = 2
        solver.parameters.max_deterministic_time = max(0.001, limit)
        solver.parameters.max_time_in_seconds = self.budget.solver_seconds(limit)
        self.budget.charge(QUESTION_UNITS + int(members.sum()) * QUESTION_UNITS_PER_PERSON)
        status = solver.status_name(solver.solve(model))
        self.budget.charge(solver.deterministic_time)
        if status in ("OPTIMAL", "FEASIBLE"):
            values = np.asarray(list(solver.response_proto.solution), dtype=np.int64)[: len(self.choices)]
            return YES, np.flatnonzero(values > 0)
        return (NO, None) if status == "INFEASIBLE" else (UNKNOWN, None)

    def _ask_highs(self, members: np.ndarray, incumbent: np.ndarray) -> tuple[str, np.ndarray | None]:
        from highspy._core import HighsModelStatus

        highs = self.mip
        house_exactly(highs, self.persons, members)
        stay = self._hint(incumbent).astype(np.float64)
        highs.changeColsCost(len(stay), np.arange(len(stay), dtype=np.int32), stay)
        highs.clearSolver()
        highs.setOptionValue("time_limit", self.budget.solver_seconds())
        highs.run()
        # The size that matters is the presolved one: the persons asked about, their choices and rows.
        size = int(members.sum()) + int(np.isin(self.choices.person, np.flatnonzero(members)).sum()) * 2
        self.budget.charge(QUESTION_HIGHS_UNITS
                           + highs.getInfo().simplex_iteration_count * size * QUESTION_HIGHS_UNITS_PER_ITERATION)
        record_stop(highs, self.budget)  # a stop by the safety net is the clock's
        if highs.getInfo().primal_solution_status == FEASIBLE_SOLUTION:  # the first one found ends the search
            return YES, np.flatnonzero(np.asarray(highs.getSolution().col_value) > 0.5)
        return (NO, None) if highs.getModelStatus() == HighsModelStatus.kInfeasible else (UNKNOWN, None)

    @cached_property
    def mip(self):
        """The same model in HiGHS, built on first use (persons' rows first, in person order)."""
        return highs_model(self.choices, self.person_rows, self.rows.rows, self.budget, integer=True,
                           mip_max_nodes=HIGHS_NODES, mip_max_improving_sols=1)

    def _place(self, members: np.ndarray, chosen: np.ndarray) -> np.ndarray | None:
        """Everyone of ``members`` in a place of the unit chosen for them (one flow), or None if
        some unit's places cannot take them (possible only where :data:`HALL_SETS` cut the unions)."""
        e = self.eligibility
        unit_of = np.full(self.applicants, -1, dtype=np.int64)
        unit_of[self.choices.person[chosen]] = self.choices.unit[chosen]
        persons = np.flatnonzero(members)
        starts = e.starts()
        _, pairs = expand_ranges(starts[persons], starts[persons + 1])
        pairs = pairs[unit_of[e.pairs.applicant[pairs]] == e.unit[pairs]]
        self.budget.charge(len(pairs) * FLOW_UNITS_PER_ARC)
        flows = solve_arcs(build_arcs(self.applicants, len(e.problem.places), e.pairs.applicant[pairs],
                                      e.pairs.place[pairs], -e.fit[pairs], np.zeros(self.applicants, np.int64)))
        placed = np.full(self.applicants, FREE, dtype=np.int64)
        placed[e.pairs.applicant[pairs[flows > 0]]] = pairs[flows > 0]
        return placed if np.all(placed[persons] >= 0) else None

