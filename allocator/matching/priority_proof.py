"""Stage 1 with side constraints: proving who is housed, applicant by applicant.

Leaving someone out never breaks a unit limit, so the housable sets are closed under
removal, and the best set by priority is the one built greedily with an exact oracle: in
priority order, take each applicant who can be housed together with everyone taken before.
Asking the oracle for every applicant would be far too slow; two things make it cheap.

* **A bound.** The flow relaxation (support hours replaced by a cap on the number of
  residents per unit, :meth:`SideConstraints.resident_limit`) keeps the decisions made so far
  and houses the best set *it* can; it is at least as good as any real allocation. Where the
  incumbent houses the same applicants, nothing needs asking. At the first applicant it
  houses and the incumbent does not, the oracle is asked. A "yes" leaves the bound as it
  is (it already houses them); only a "no" needs a new flow.
* **Local questions.** "Can applicant *i* join everyone decided housed?" is asked of CP-SAT
  over a *group* that starts as *i* alone and grows. Decided applicants outside the group keep
  their places in the incumbent; the model may still use their places, hours or company, but
  each unit it so disturbs costs the number of them living there, and the cost is minimised.
  No disturbance: yes, and the answer is an allocation. Infeasible even though everyone
  outside the group is ignored: no (leaving people out only loosens the limits, so it is a
  proof). Otherwise the residents of the disturbed units join the group and it is asked again;
  only the units around *i* that are actually full ever join. The group that proved the last
  "no" starts the next question (full units tend to stay full). If a few rounds do not
  settle it, the LP relaxation is asked over everyone decided who is connected to *i*
  through units they could share: when not even fractions of places house them all, that
  is a proof of "no" (:func:`allocator.matching.fit_lp.can_house_fractionally`; on
  1,000 × 400 rounds it answered in 0.1 s questions that CP-SAT's growing groups left
  unanswered after 2 s). Should more rounds still not settle it, CP-SAT is asked once over
  that connected group (the question's exact form, larger and slower).

A question that cannot be answered within its limit (or a budget that ends) leaves stage 1
unproven from that applicant on: the result then keeps the incumbent (never worse than greedy)
and says up to which applicant, in priority order, the housed set is proven best.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from allocator.matching.eligibility import Eligibility
from allocator.matching.fit_lp import can_house_fractionally
from allocator.matching.flow import solve_allocation
from allocator.matching.occupancy import FREE
from allocator.matching.pair_model import SEED, PairModel
from allocator.matching.side_constraints import SideConstraints
from allocator.matching.work_budget import (
    FLOW_UNITS_PER_ARC,
    QUESTION_UNITS_PER_APPLICANT,
    QUESTION_UNITS_PER_VARIABLE,
    SOLVE_UNITS,
    WorkBudget,
)

QUESTION_LIMIT = 0.2  # CP-SAT deterministic time for one round of a question
QUESTION_ROUNDS = 16  # rounds of growing a group before the question counts as unanswered
LP_AFTER_ROUNDS = 3  # rounds before the LP relaxation is asked for a proof of "no"
QUESTION_VARIABLES = 60_000  # a group larger than this is not asked (the answer counts as unknown)
CONNECTED_LIMIT = 1.0  # CP-SAT deterministic time for the question over the connected group


@dataclass(frozen=True)
class PriorityProof:
    proven: bool
    proven_up_to: int  # applicants (priority order) before this index are decided with proof
    questions: int
    cut: str | None  # None, "budget", "clock" or "unanswered"


class PriorityProver:
    """Runs the proof of the module docstring from an incumbent (made stable by ``settle``)."""

    def __init__(self, eligibility: Eligibility, side: SideConstraints, budget: WorkBudget, settle):
        self.eligibility, self.side, self.budget, self.settle = eligibility, side, budget, settle
        self.applicants = len(eligibility.problem.applicants)
        self.unit_limit = side.resident_limit(eligibility)
        self.starts = eligibility.starts()
        self.partners = side.partners()
        self.binding = np.zeros(len(side.capacity), dtype=bool)
        self.binding[side.hours] = True
        self.core: np.ndarray | None = None

    def bound(self, among: np.ndarray) -> np.ndarray:
        """Applicants the flow relaxation houses (best set by priority), only ``among`` allowed."""
        self.budget.charge(int(among[self.eligibility.pairs.applicant].sum()) * FLOW_UNITS_PER_ARC)
        chosen = solve_allocation(self.eligibility, among, self.unit_limit)
        housed = np.zeros(self.applicants, dtype=bool)
        housed[self.eligibility.pairs.applicant[chosen]] = True
        return housed

    def run(self, incumbent: np.ndarray, share: float) -> tuple[np.ndarray, PriorityProof]:
        everyone = np.arange(self.applicants)
        decided_housed = np.zeros(self.applicants, dtype=bool)  # decisions cover applicants before `frontier`
        frontier, questions, proven_up_to = 0, 0, None
        bound = self.bound(np.ones(self.applicants, dtype=bool))
        while True:
            differ = np.flatnonzero(bound & (incumbent < 0) & (everyone >= frontier))
            if len(differ) == 0:
                done = proven_up_to is None
                return incumbent, PriorityProof(done, self.applicants if done else proven_up_to, questions, None
                                                if done else "unanswered")
            first = int(differ[0])
            decided_housed[frontier:first] = incumbent[frontier:first] >= 0
            if self.budget.exhausted(share):
                return incumbent, PriorityProof(False, first if proven_up_to is None else proven_up_to, questions,
                                                self.budget.cut.get(self.budget.stage, "budget"))
            questions += 1
            answer, solved = self.ask(decided_housed, first, incumbent)
            if answer == "yes":
                incumbent = self.settle(solved, after=first + 1)
                now = incumbent[: first + 1] >= 0
                # The repair may house someone left out after an unanswered question: decide as it has it.
                changed = np.any(now[:first] != decided_housed[:first])
                decided_housed[: first + 1] = now
                if changed:
                    bound = self.bound(decided_housed | (everyone > first))
            else:
                if answer == "unknown" and proven_up_to is None:
                    proven_up_to = first
                decided_housed[first] = False
                bound = self.bound(decided_housed | (everyone > first))
            frontier = first + 1

    # -- one question -------------------------------------------------------------------------

    def ask(self, decided_housed: np.ndarray, applicant: int, incumbent: np.ndarray):
        """("yes", allocation) / ("no", None) / ("unknown", None) for ``applicant`` joining those decided."""
        group = np.zeros(self.applicants, dtype=bool)
        group[applicant] = True
        if self.core is not None:  # the group that proved the last "no": full units tend to stay full
            group |= self.core & decided_housed
        decided = np.flatnonzero(decided_housed)
        home_unit = np.full(self.applicants, -1, dtype=np.int64)
        home_unit[decided] = self.eligibility.unit[incumbent[decided]]
        for round_ in range(QUESTION_ROUNDS):
            if round_ == LP_AFTER_ROUNDS and self.lp_says_no(decided_housed, applicant):
                return "no", None
            members = np.flatnonzero(group)
            size = int((self.starts[members + 1] - self.starts[members]).sum())
            if size > QUESTION_VARIABLES:
                break
            if self.budget.wall_left() <= 0:
                return "unknown", None
            outsiders = decided_housed & ~group
            status, chosen, disturbed = self._solve_group(members, outsiders, incumbent, home_unit)
            if status == "INFEASIBLE":
                self.core = group
                return "no", None
            if status not in ("OPTIMAL", "FEASIBLE"):
                break
            if len(disturbed) == 0:
                solved = np.full(self.applicants, FREE, dtype=np.int64)
                solved[outsiders] = incumbent[outsiders]
                solved[self.eligibility.pairs.applicant[chosen]] = chosen
                return "yes", solved
            group |= decided_housed & np.isin(home_unit, disturbed)
        return self.ask_connected(decided_housed, applicant, incumbent)

    def ask_connected(self, decided_housed: np.ndarray, applicant: int, incumbent: np.ndarray):
        """The same question over everyone decided who shares a unit with the applicant, directly
        or through others (the exact question when a growing group does not settle it)."""
        group = self.connected(np.flatnonzero(decided_housed).tolist(), applicant)
        size = int((self.starts[np.array(group) + 1] - self.starts[np.array(group)]).sum())
        if size > QUESTION_VARIABLES or self.budget.wall_left() <= 0:
            return "unknown", None
        model = PairModel(self.eligibility, self.side, group, forced=set(group))
        model.hint(incumbent)
        status, solved = model.solve(self.budget, min(CONNECTED_LIMIT, self.budget.left()))
        if status in ("OPTIMAL", "FEASIBLE"):
            outside = decided_housed.copy()
            outside[group] = False
            solved[outside] = incumbent[outside]  # the rest keep their places: no unit in common
            return "yes", solved
        return ("no", None) if status == "INFEASIBLE" else ("unknown", None)

    def lp_says_no(self, decided_housed: np.ndarray, applicant: int) -> bool:
        """Not even the LP relaxation houses the applicant with everyone decided who shares a unit
        with them, directly or through others: a proof of "no" (fewer people only loosen it)."""
        group = self.connected(np.flatnonzero(decided_housed).tolist(), applicant)
        members = np.zeros(self.applicants, dtype=bool)
        members[group] = True
        return can_house_fractionally(self.eligibility, self.side, members, self.budget) is False

    def connected(self, housed: list[int], applicant: int) -> list[int]:
        """``applicant`` and the housed applicants linked to them through units they could share."""
        unit = self.eligibility.unit
        units_of = {i: set(unit[self.starts[i]:self.starts[i + 1]].tolist()) for i in housed + [applicant]}
        members_of: dict[int, list[int]] = {}
        for i, units in units_of.items():
            for u in units:
                members_of.setdefault(u, []).append(i)
        group, frontier, seen_units = {applicant}, [applicant], set()
        while frontier:
            for u in units_of[frontier.pop()] - seen_units:
                seen_units.add(u)
                for other in members_of[u]:
                    if other not in group:
                        group.add(other)
                        frontier.append(other)
        return sorted(group)

    def _solve_group(self, members: np.ndarray, outsiders: np.ndarray, incumbent: np.ndarray,
                     home_unit: np.ndarray):
        """CP-SAT over the group's pairs, outsiders ignored except as a cost: each unit where the
        group takes an outsider's place, hours or company costs the outsiders living there.
        Returns (status, chosen pairs, units disturbed)."""
        from ortools.sat.python import cp_model

        e, side = self.eligibility, self.side
        pairs = np.concatenate([np.arange(self.starts[a], self.starts[a + 1]) for a in members.tolist()])
        owner, place, unit = e.pairs.applicant[pairs], e.pairs.place[pairs], e.unit[pairs]
        outside = np.flatnonzero(outsiders)
        residents_out = np.bincount(home_unit[outside], minlength=len(side.capacity))
        hours_out = np.bincount(home_unit[outside], weights=side.need[outside],
                                minlength=len(side.capacity)).astype(np.int64)
        held = np.zeros(len(e.problem.places), dtype=bool)
        held[e.pairs.place[incumbent[outside]]] = True
        model = cp_model.CpModel()
        x = [model.new_bool_var("") for _ in range(len(pairs))]
        disturb: dict[int, object] = {}

        def disturbed(u: int):
            if u not in disturb:
                disturb[u] = model.new_bool_var("")
            return disturb[u]

        for indices in _groups(owner):
            model.add_exactly_one([x[k] for k in indices])
        for indices in _groups(place):
            if len(indices) > 1:
                model.add_at_most_one([x[k] for k in indices])
        for indices in _groups(unit):
            u = int(unit[indices[0]])
            need = side.need[owner[indices]]
            if self.binding[u] and int(need.sum()) > side.capacity[u]:
                model.add(cp_model.LinearExpr.weighted_sum([x[k] for k in indices], need.tolist())
                          <= int(side.capacity[u]))
            room = int(side.capacity[u] - hours_out[u])
            if self.binding[u] and hours_out[u] > 0 and int(need.sum()) > room:
                model.add(cp_model.LinearExpr.weighted_sum([x[k] for k in indices], need.tolist())
                          <= room + int(hours_out[u]) * disturbed(u))
        for k in np.flatnonzero(held[place]).tolist():
            model.add_implication(x[k], disturbed(int(unit[k])))
        inside = set(members.tolist())
        for i in members.tolist():
            for u, others in self.partners.get(i, {}).items():
                mine = np.flatnonzero((owner == i) & (unit == u)).tolist()
                for other in others:
                    if other in inside and other > i:
                        both = mine + np.flatnonzero((owner == other) & (unit == u)).tolist()
                        if len(both) > 1:
                            model.add_at_most_one([x[k] for k in both])
                    elif outsiders[other] and home_unit[other] == u:
                        for k in mine:
                            model.add_implication(x[k], disturbed(u))
        if disturb:
            model.minimize(cp_model.LinearExpr.weighted_sum(
                list(disturb.values()), [int(residents_out[u]) for u in disturb]))
        hinted = incumbent[owner] == pairs
        for k in range(len(pairs)):
            model.add_hint(x[k], bool(hinted[k]))
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.random_seed = SEED
        solver.parameters.linearization_level = 2
        solver.parameters.max_deterministic_time = max(0.001, min(QUESTION_LIMIT, self.budget.left()))
        solver.parameters.max_time_in_seconds = self.budget.solver_seconds()
        self.budget.charge(SOLVE_UNITS / 2 + len(pairs) * QUESTION_UNITS_PER_VARIABLE
                           + self.applicants * QUESTION_UNITS_PER_APPLICANT)
        status = solver.status_name(solver.solve(model))
        self.budget.charge(solver.deterministic_time)
        if status not in ("OPTIMAL", "FEASIBLE"):
            return status, None, []
        values = np.array([solver.boolean_value(v) for v in x], dtype=bool)
        return status, pairs[values], sorted(u for u, v in disturb.items() if solver.boolean_value(v))


def _groups(keys: np.ndarray):
    """Positions of each distinct key (in key order)."""
    order = np.argsort(keys, kind="stable")
    _, first = np.unique(keys[order], return_index=True)
    return np.split(order, first[1:])
