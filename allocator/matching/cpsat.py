"""The optimal allocation with side constraints (unit support hours, not-with pairs), with CP-SAT.

With side constraints the housable sets no longer form a matroid, so no weighted sum with
reasonable numbers expresses "best by priority". FORMATS' two stages are solved in turn:

1. **Priority.** The incumbent starts as the better of greedy and the flow optimum repaired
   to the limits. Then a proof, applicant by applicant, guided by a bound: the flow
   relaxation (hours replaced by a cap on residents per unit, decisions so far kept) is at
   least as good as any allocation, so where the incumbent equals it, it is best. At the
   first applicant the bound houses and the incumbent does not, CP-SAT answers exactly "can
   they be housed together with everyone decided housed?" (later applicants left out:
   leaving someone out never breaks a limit; only the decided applicants connected to them
   through units matter). Yes: that allocation, completed, is the new incumbent. Small
   rounds finish this proof and are ``OPTIMAL``; when its budget runs out, regions around
   the units wished for by those left out are re-solved to house more of them
   (:func:`allocator.matching.neighbourhoods.improve_priority`).
2. **Fit** for the chosen set: regions re-solved exactly, then CP-SAT on the whole set for
   the bound (and maybe a better allocation). The flow optimum without the limits is a
   second bound. The gap is reported against the smaller.

The incumbent is kept stable (see :mod:`allocator.matching.greedy`) and never worse than
greedy, so FORMATS' promises for a ``FEASIBLE`` result hold whenever time runs out.

Determinism: every decision depends on CP-SAT's deterministic time (one worker, fixed seed)
and never on the clock; the wall-clock limit is only a safety net for an overloaded machine.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from allocator.matching.eligibility import Eligibility
from allocator.matching.flow import solve_allocation
from allocator.matching.greedy import fill_in_order, greedy_allocation, stabilise
from allocator.matching.neighbourhoods import improve_fit, improve_priority
from allocator.matching.pairmodel import Budget, PairModel
from allocator.matching.side import SideConstraints
from allocator.matching.state import FREE, Occupancy, lex_better

DETERMINISTIC_PER_SECOND = 0.45
"""Deterministic time granted per second of the time limit. One unit took about 1.1–1.4 s of
wall clock on these models here (more when the machine is busy), and model building, flows and
repairs need their share: 1,000 × 400 rounds took 15–22 s of a 30 s limit with the load near 1.5.
The clock limit stops CP-SAT only if the machine is slower still (then the result may vary)."""
QUESTION_SHARE = 0.2  # of the budget for stage 1's exact questions
PRIORITY_SHARE = 0.35  # of the budget for stage 1; stage 2 gets the rest
QUESTION_LIMIT = 0.3  # deterministic time for one question (most take well under 0.1)
REGION_SHARE = 0.7  # of the fit stage's budget for regions; the rest for CP-SAT on the whole set


@dataclass(frozen=True)
class ConstrainedOutcome:
    pair_of: np.ndarray
    priority_proven: bool
    fit_proven: bool
    gap: float


def feasible(eligibility: Eligibility, side: SideConstraints, pair_of: np.ndarray) -> bool:
    """Does the allocation keep every unit's hours and not-with pairs (distinct places assumed)?"""
    housed = np.flatnonzero(pair_of >= 0)
    unit = eligibility.unit[pair_of[housed]]
    load = np.bincount(unit, weights=side.need[housed], minlength=len(side.capacity))
    if np.any(load > side.capacity):
        return False
    unit_of = dict(zip(housed.tolist(), unit.tolist(), strict=True))
    return not any(unit_of.get(i, -1) == unit_of.get(j, -2) for i, j, _ in side.meetings)


def flow_pair_of(eligibility: Eligibility, among: np.ndarray | None = None,
                 unit_limit: np.ndarray | None = None) -> np.ndarray:
    chosen = solve_allocation(eligibility, among, unit_limit)
    pair_of = np.full(len(eligibility.problem.applicants), FREE, dtype=np.int64)
    pair_of[eligibility.pairs.applicant[chosen]] = chosen
    return pair_of


def solve_constrained(eligibility: Eligibility, side: SideConstraints, time_limit: float,
                      seconds_left: float | None = None) -> ConstrainedOutcome:
    """``time_limit`` sets the deterministic budget; ``seconds_left`` (default: the same) the clock."""
    relaxed = flow_pair_of(eligibility)
    if feasible(eligibility, side, relaxed):
        return ConstrainedOutcome(relaxed, True, True, 0.0)
    return Search(eligibility, side, time_limit, seconds_left).run(relaxed)


class Search:
    def __init__(self, eligibility: Eligibility, side: SideConstraints, time_limit: float,
                 seconds_left: float | None = None):
        self.eligibility, self.side = eligibility, side
        self.budget = Budget(time_limit * DETERMINISTIC_PER_SECOND,
                             time_limit if seconds_left is None else seconds_left)
        self.unit_limit = side.resident_limit(eligibility)
        self.applicants = len(eligibility.problem.applicants)

    def run(self, relaxed: np.ndarray) -> ConstrainedOutcome:
        incumbent = self.better(self.settled(relaxed, keep=True),
                                self.settled(greedy_allocation(self.eligibility, self.side)))
        incumbent, priority_proven = self.confirm_priority(incumbent)
        if not priority_proven:
            incumbent = improve_priority(self.eligibility, self.side, incumbent, self.budget, PRIORITY_SHARE)
            incumbent = self.settled(incumbent)
        incumbent, fit_proven, gap = self.best_fit(incumbent)
        return ConstrainedOutcome(incumbent, priority_proven, fit_proven, gap)

    # -- incumbents -------------------------------------------------------------------------

    def settled(self, pair_of: np.ndarray, keep: bool = False, after: int = 0) -> np.ndarray:
        """Made feasible (with ``keep``: what fits of it, in priority order), filled and stable."""
        occupancy = Occupancy(self.eligibility, self.side, np.full(self.applicants, FREE) if keep else pair_of)
        if keep:
            for applicant in np.flatnonzero(pair_of >= 0).tolist():
                if not occupancy.blocks(applicant, int(pair_of[applicant])):
                    occupancy.move_in(applicant, int(pair_of[applicant]))
        fill_in_order(occupancy, range(after, self.applicants))
        stabilise(occupancy)
        return occupancy.pair_of

    @staticmethod
    def better(first: np.ndarray, second: np.ndarray) -> np.ndarray:
        """The allocation whose housed set is better by priority (the first on a tie)."""
        return second if lex_better(second >= 0, first >= 0) > 0 else first

    # -- stage 1: proof ------------------------------------------------------------------------

    def confirm_priority(self, incumbent: np.ndarray) -> tuple[np.ndarray, bool]:
        """Stage 1's proof (module docstring); returns the allocation and whether it is proven best."""
        everyone = np.arange(self.applicants)
        decided_housed = np.zeros(self.applicants, dtype=bool)  # decisions cover applicants before `frontier`
        frontier, proven = 0, True
        while True:
            among = decided_housed | (everyone >= frontier)
            bound = flow_pair_of(self.eligibility, among, self.unit_limit) >= 0
            differ = np.flatnonzero((bound != (incumbent >= 0)) & (everyone >= frontier))
            if len(differ) == 0:
                return incumbent, proven
            first = int(differ[0])
            decided_housed[frontier:first] = incumbent[frontier:first] >= 0
            if self.budget.exhausted(QUESTION_SHARE):
                return incumbent, False
            answer, solved = self.can_house(decided_housed, first, incumbent)
            if answer == "yes":
                incumbent = self.better(incumbent, self.settled(solved, after=first + 1))
            # Decided as the incumbent has it: the answer; after an unknown one, whatever it houses.
            decided_housed[: first + 1] = incumbent[: first + 1] >= 0
            proven = proven and answer != "unknown"
            frontier = first + 1

    def can_house(self, decided_housed: np.ndarray, applicant: int, incumbent: np.ndarray):
        """("yes", allocation) / ("no", None) / ("unknown", None): can ``applicant`` join those decided?"""
        group = self.connected(np.flatnonzero(decided_housed).tolist(), applicant)
        model = PairModel(self.eligibility, self.side, group, forced=set(group))
        model.hint(incumbent)
        status, solved = model.solve(self.budget, min(QUESTION_LIMIT, self.budget.left(QUESTION_SHARE)))
        if status in ("OPTIMAL", "FEASIBLE"):
            outside = decided_housed.copy()
            outside[group] = False
            solved[outside] = incumbent[outside]  # the rest keep their places: no unit in common
            return "yes", solved
        return ("no", None) if status == "INFEASIBLE" else ("unknown", None)

    def connected(self, housed: list[int], applicant: int) -> list[int]:
        """``applicant`` and the housed applicants linked to them through units they could share."""
        starts, unit = self.eligibility.starts(), self.eligibility.unit
        units_of = {i: set(unit[starts[i]:starts[i + 1]].tolist()) for i in housed + [applicant]}
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

    # -- stage 2 -----------------------------------------------------------------------------------

    def best_fit(self, incumbent: np.ndarray) -> tuple[np.ndarray, bool, float]:
        """Stage 2 for the housed set of ``incumbent``: (allocation, proven, gap).

        Regions re-solved exactly raise the fit (:mod:`allocator.matching.neighbourhoods`);
        moving people can free a unit's hours so that someone left out now fits, and the
        repair then houses them (a better set) before the regions go on. Last, CP-SAT on the
        whole set gives the bound (and maybe a better allocation, taken only if it leaves the
        set stable). CP-SAT alone on one worker improved the fit only by luck (measured).
        """
        relaxed = flow_pair_of(self.eligibility, incumbent >= 0)
        if feasible(self.eligibility, self.side, relaxed) and not self.unstable(relaxed):
            return relaxed, True, 0.0
        start, left = self.budget.spent, self.budget.left()
        incumbent = self.regions_until(incumbent, start + left * REGION_SHARE)
        incumbent, proven, bound = self.whole_set(incumbent, start + left)
        fit = self.total_fit(incumbent)
        if proven or fit >= bound:
            return incumbent, True, 0.0
        return incumbent, False, (bound - fit) / max(1, abs(bound))

    def whole_set(self, incumbent: np.ndarray, until: float) -> tuple[np.ndarray, bool, int]:
        """CP-SAT on the whole housed set until ``until`` budget: (allocation, proven, bound)."""
        housed = incumbent >= 0
        bound = self.total_fit(flow_pair_of(self.eligibility, housed))
        members = np.flatnonzero(housed).tolist()
        model = PairModel(self.eligibility, self.side, members, forced=set(members))
        model.maximize_fit()
        model.hint(incumbent)
        status, solved = model.solve(self.budget, max(0.0, until - self.budget.spent))
        proven = False
        if status in ("OPTIMAL", "FEASIBLE") and self.total_fit(solved) >= self.total_fit(incumbent) \
                and not self.unstable(solved):
            incumbent, proven = solved, status == "OPTIMAL"
        if model.bound is not None:
            bound = min(bound, int(np.floor(model.bound + 1e-6)))
        return incumbent, proven, bound

    def regions_until(self, incumbent: np.ndarray, until: float) -> np.ndarray:
        """Regions re-solved (and the repair, when they free room) until ``until`` budget."""
        share = until / self.budget.deterministic
        while True:
            incumbent = improve_fit(self.eligibility, self.side, incumbent, self.budget, share=share)
            occupancy = Occupancy(self.eligibility, self.side, incumbent)
            if not stabilise(occupancy):
                return incumbent
            incumbent = occupancy.pair_of

    def unstable(self, pair_of: np.ndarray) -> bool:
        """Could someone left out take a free place or a lower-ranked applicant's place?"""
        return stabilise(Occupancy(self.eligibility, self.side, pair_of))

    def total_fit(self, pair_of: np.ndarray) -> int:
        return int(self.eligibility.fit[pair_of[pair_of >= 0]].sum())
