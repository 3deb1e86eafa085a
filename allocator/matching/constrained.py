"""The allocation when side constraints bind (unit support hours, not-with pairs): both stages.

Without side constraints one min-cost flow gives FORMATS' optimum (:mod:`allocator.matching.flow`).
With them the housable sets no longer form a matroid, so no weighted sum with reasonable
numbers expresses "best by priority", and the two stages are solved in turn, each within its
share of the run's deterministic budget (:mod:`allocator.matching.work_budget`):

1. **Who is housed.** The incumbent starts as the better of greedy and the flow optimum
   repaired to the limits, made stable. :mod:`allocator.matching.priority_proof` then proves,
   applicant by applicant in priority order, that nobody left out could be housed together
   with everyone decided before them, or houses them (a better set). If the budget ends or a
   question stays unanswered, regions around the units wished for by those left out are
   re-solved to house more of them (:func:`allocator.matching.regions.improve_priority`), and
   the result says up to which applicant the set is proven.
2. **Fit** for that set: the LP relaxation, its bound and an allocation that follows it —
   whole with GLOP (:mod:`allocator.matching.fit_lp`) or, on rounds too large for that, by
   column generation in HiGHS (:mod:`allocator.matching.fit_columns`), rounded through rooms
   (:mod:`allocator.matching.room_rounding`: the LP decides each unit's residents' hours, a
   flow places people) and, on small rounds, then by CP-SAT on the pairs the LP uses
   (:func:`allocator.matching.fit_columns.round_by_columns`); placing people well frees room,
   the repair then houses more (a better set), and the LP and the rounding follow the new set;
   regions re-solved exactly along where the LP places people (:mod:`allocator.matching.regions`); on
   rounds small enough CP-SAT on the whole set for a tighter bound; last, exchanges that
   cannot break a unit's hours (:mod:`allocator.matching.exchanges`). The gap is reported
   against the smallest bound.

The incumbent is kept stable (see :mod:`allocator.matching.greedy`) and never worse by
priority than greedy, so FORMATS' promises for a ``FEASIBLE`` result hold wherever the
budget ends. Every decision depends on the work units spent (CP-SAT with one worker and a
fixed seed, flows and repairs counted), never on the clock.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from allocator.matching.eligibility import Eligibility
from allocator.matching.exchanges import exchange
from allocator.matching.fit_bound import fit_bound
from allocator.matching.fit_columns import ColumnLP, bound_for_set, round_by_columns, solve_fit_lp_by_columns
from allocator.matching.fit_lp import FitLP, lp_units, solve_fit_lp
from allocator.matching.flow import solve_allocation
from allocator.matching.greedy import fill_in_order, greedy_allocation, stabilise
from allocator.matching.occupancy import FREE, Occupancy, lex_better
from allocator.matching.pair_model import PairModel
from allocator.matching.priority_proof import PriorityProof, PriorityProver
from allocator.matching.regions import improve_fit, improve_priority
from allocator.matching.room_rounding import round_by_rooms
from allocator.matching.side_constraints import SideConstraints
from allocator.matching.work_budget import (
    FLOW_UNITS_PER_ARC,
    REPAIR_UNITS_PER_APPLICANT,
    REPAIR_UNITS_PER_PAIR,
    SORT_UNITS_PER_PAIR,
    WorkBudget,
)

PRIORITY_SHARE = 0.55  # of the budget for stage 1 (its proof, then regions that house more): about 3.2 units
# at 30 s on 1,000 × 400, where the whole proofs of seeds 1–10 take 1.1–3.0 (benchmarks/stage1_proof.py; 0.5
# had left seeds 4 and 10 unproven when their proofs took 2.9 and 3.1); a proof that ends early leaves the
# rest to stage 2
LARGE_PRIORITY_SHARE = 0.1  # ... on rounds whose fit LP is too large to solve whole: stage 2 then needs more
# (and stage 2's repairs house more people anyway: measured on 5,000 × 2,000 seeds 1–3 at 60 s,
# 0.1 gave sets better by priority than 0.15 did before the rooms rounding, and fit within 1 %)
LP_SHARE = 0.3  # of what is left for stage 2: the fit LP whole only if it costs less (else by columns)
COLUMN_SHARE = 0.5  # of what is left for stage 2, for generating the LP's columns when it is too large for GLOP
COLUMN_AGAIN_SHARE = 0.95  # ... and again, if placing people as the LP has them let the repair house more
COLUMN_REGIONS_FROM = 2.0  # units left at least for regions at national size (each pass repairs 640,000 pairs)
LP_AGAIN_SHARE = 0.6  # of what is left for stage 2: the whole LP again, if the set grew
ROUND_LIMIT = 2.0  # CP-SAT deterministic time for the allocation on the LP's columns (fit_columns)
SMALL_ROUND_LIMIT = 1.0  # ... the same for a whole LP (small rounds)
REGION_SHARE = 0.8  # of what is left for stage 2, until the regions stop; the rest is CP-SAT's on small sets
# (WHOLE_SET_VARIABLES), and on larger ones is not spent (0.3 on rounds whose stage 1 is proven,
# leaving more to CP-SAT on the whole set, gave 0.00–0.10 % on 1,000 × 400 at 30 s instead of 0.16–0.68 %, but
# with five CPU-bound processes beside them those rounds took 22–27 s instead of 15–20 s for the same units,
# and one was cut by the clock: CP-SAT's units cost more wall clock there than the regions')
RESETTLE_ROUNDS = 4  # rooms again with the last LP, while the repair after them changes the set
WHOLE_SET_VARIABLES = 7_000  # CP-SAT on the whole housed set (the last fifth of stage 2) only up to this many
# pair variables: it proved the fit of sets up to 6,671 (400 × 160 to 800 × 320 rounds, seeds 1–3) and never
# changed anything on larger ones (800 × 320 with 7,786 and 7,900; 1,000 × 400 seeds 1–10, 10,400–18,200
# variables, 0.5–0.9 units each); beyond, the round ends when the regions stop, 9–16 % of its budget early


@dataclass(frozen=True)
class ConstrainedOutcome:
    pair_of: np.ndarray
    priority: PriorityProof
    fit_proven: bool
    gap: float
    highs_for: tuple[str, ...] = ()  # what HiGHS solved (its version then matters for a re-run)


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
                 unit_limit: np.ndarray | None = None, budget: WorkBudget | None = None) -> np.ndarray:
    if budget is not None:
        arcs = len(eligibility.pairs) if among is None else int(among[eligibility.pairs.applicant].sum())
        budget.charge(arcs * FLOW_UNITS_PER_ARC)
    chosen = solve_allocation(eligibility, among, unit_limit)
    pair_of = np.full(len(eligibility.problem.applicants), FREE, dtype=np.int64)
    pair_of[eligibility.pairs.applicant[chosen]] = chosen
    return pair_of


def solve_constrained(eligibility: Eligibility, side: SideConstraints, budget: WorkBudget) -> ConstrainedOutcome:
    """Both stages within ``budget`` (see :mod:`allocator.matching.work_budget`)."""
    budget.stage = "relaxation"
    relaxed = flow_pair_of(eligibility, budget=budget)
    if feasible(eligibility, side, relaxed):
        applicants = len(eligibility.problem.applicants)
        return ConstrainedOutcome(relaxed, PriorityProof(True, applicants, 0, None), True, 0.0)
    return Search(eligibility, side, budget).run(relaxed)


class Search:
    def __init__(self, eligibility: Eligibility, side: SideConstraints, budget: WorkBudget):
        self.eligibility, self.side, self.budget = eligibility, side, budget
        self.applicants = len(eligibility.problem.applicants)
        self.highs_for: list[str] = []

    def run(self, relaxed: np.ndarray) -> ConstrainedOutcome:
        self.budget.stage = "priority"
        share = PRIORITY_SHARE if self.lp_affordable(relaxed >= 0) else LARGE_PRIORITY_SHARE
        self.budget.charge(len(self.eligibility.pairs) * SORT_UNITS_PER_PAIR)  # Eligibility.preference, once
        self.charge_repair()
        incumbent = self.settled(greedy_allocation(self.eligibility, self.side))
        if not self.budget.exhausted(share):
            incumbent = self.better(self.settled(relaxed, keep=True), incumbent)
        prover = PriorityProver(self.eligibility, self.side, self.budget, self.settled)
        incumbent, proof = prover.run(incumbent, share)
        if prover.asked_highs:
            self.uses_highs("stage-1 questions")
        if not proof.proven and not self.budget.exhausted(share):
            incumbent = improve_priority(self.eligibility, self.side, incumbent, self.budget, share)
            incumbent = self.settled(incumbent)
        self.budget.stage = "fit"
        incumbent, fit_proven, gap = self.best_fit(incumbent)
        return ConstrainedOutcome(incumbent, proof, fit_proven, gap, tuple(self.highs_for))

    # -- incumbents -------------------------------------------------------------------------

    def settled(self, pair_of: np.ndarray, keep: bool = False, after: int = 0) -> np.ndarray:
        """Made feasible (with ``keep``: what fits of it, in priority order), filled and stable."""
        self.charge_repair()
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

    # -- stage 2 -----------------------------------------------------------------------------------

    def best_fit(self, incumbent: np.ndarray) -> tuple[np.ndarray, bool, float]:
        """Stage 2 for the housed set of ``incumbent``: (allocation, proven, gap).

        The LP relaxation first (:meth:`follow_lp`: the bound, and an allocation that follows
        it); then regions re-solved exactly raise the fit
        (:mod:`allocator.matching.regions`) — moving people can free a unit's hours so that
        someone left out now fits, and the repair then houses them (a better set) before the
        regions go on; on rounds small enough, CP-SAT on the whole set for a tighter bound (and
        maybe a better allocation, taken only if it leaves the set stable); last, exchanges.
        """
        relaxed = flow_pair_of(self.eligibility, incumbent >= 0, budget=self.budget)
        if feasible(self.eligibility, self.side, relaxed) and not self.unstable(relaxed):
            return relaxed, True, 0.0
        spent, left = self.budget.spent, self.budget.left()
        incumbent, lp, columns, wish = self.place_by_lp(incumbent, spent, left)
        if columns is None or self.budget.left() >= COLUMN_REGIONS_FROM:
            incumbent = self.regions_until(incumbent, wish, spent + left * REGION_SHARE)
        members = int((self.eligibility.starts()[1:] - self.eligibility.starts()[:-1])[incumbent >= 0].sum())
        whole_bound = None
        if members <= WHOLE_SET_VARIABLES:  # CP-SAT keeps the set: its bound is for the set the bound is for
            # What the final bound costs is kept back (an LP and a flow over the set, if no LP is for it).
            latest = columns if lp is None else lp
            keep_back = 0.0 if latest is not None and np.array_equal(incumbent >= 0, self.set_of(latest)) else (
                lp_units(self.eligibility, incumbent >= 0) + members * FLOW_UNITS_PER_ARC)
            incumbent, proven, whole_bound = self.whole_set(incumbent, spent + left - keep_back)
            if proven:
                return incumbent, True, 0.0
        # Last, exchanges that cannot break a unit's hours; the repair after them only ever
        # makes the set better by priority (applied earlier, they changed whom later repairs
        # could house, for the worse on 3 of 7 rounds tried).
        before = incumbent >= 0
        incumbent = self.settled(exchange(self.eligibility, self.side, incumbent, self.budget))
        if not np.array_equal(incumbent >= 0, before):
            whole_bound = None  # CP-SAT's bound was for the set before the repair
        same_set = lp is not None and np.array_equal(incumbent >= 0, self.set_of(lp))
        bound = self.set_bound(incumbent, lp if same_set else None, columns)
        if whole_bound is not None:
            bound = min(bound, whole_bound)
        fit = self.total_fit(incumbent)
        if fit >= bound:
            return incumbent, True, 0.0
        return incumbent, False, (bound - fit) / max(1, abs(bound))

    def place_by_lp(self, incumbent: np.ndarray, spent: float, left: float):
        """An allocation that follows the LP, made stable: (allocation, lp, columns, wish).

        Placing people as the LP has them often frees room, and the repair then houses more (a
        better set); the LP is then solved again for the new set (by columns: going on from the
        same model, if the first LP and its rooms left any budget) and followed again. Should the
        repair change the set again, that LP's rooms again (:data:`RESETTLE_ROUNDS` times at
        most, while the budget lasts)."""
        lp, columns, wish, better = self.follow_lp(incumbent, spent, left)
        if better is not None:
            incumbent = self.settled(better)
        if np.array_equal(incumbent >= 0, self.set_of(columns if lp is None else lp)):
            return incumbent, lp, columns, wish
        if columns is not None:
            if self.budget.exhausted():  # the first LP and its rooms spent it (national rounds at short limits)
                return incumbent, lp, columns, wish
            columns = solve_fit_lp_by_columns(self.eligibility, self.side, incumbent, self.budget,
                                              spent + left * COLUMN_AGAIN_SHARE, earlier=columns)
            better = self.round_lp(incumbent, columns, ROUND_LIMIT, generated=True)
            wish = self.lp_wish(columns)
        else:
            again = self.lp(incumbent >= 0, spent + left * LP_AGAIN_SHARE)
            if again is None:
                return incumbent, lp, columns, wish
            lp, wish = again, self.lp_wish(again)
            better = self.round_lp(incumbent, lp, SMALL_ROUND_LIMIT)
        if better is not None:
            incumbent = self.settled(better)
        latest = columns if lp is None else lp
        for _ in range(RESETTLE_ROUNDS):
            # The repair changed the set once more: the same LP's rooms again (newcomers, who
            # have no share in it, keep the unit the repair gave them), while the budget lasts.
            if np.array_equal(incumbent >= 0, self.set_of(latest)) or self.budget.exhausted():
                break
            rooms = self.rooms(incumbent, latest)
            if rooms is None or self.total_fit(rooms) <= self.total_fit(incumbent):
                break
            settled = self.settled(rooms)
            same = np.array_equal(settled >= 0, incumbent >= 0)
            incumbent = settled
            if same:
                break
        return incumbent, lp, columns, wish

    def set_of(self, lp: FitLP | ColumnLP) -> np.ndarray:
        """The housed set an LP is for."""
        housed = np.zeros(self.applicants, dtype=bool)
        housed[self.eligibility.pairs.applicant[lp.pairs]] = True
        return housed

    def follow_lp(self, incumbent: np.ndarray, spent: float, left: float):
        """The fit LP of the housed set (whole, or by columns when too large), the pair each person
        gets most of in it, and an allocation that follows it (or None): (lp, columns, wish, better)."""
        lp = self.lp(incumbent >= 0, spent + left * LP_SHARE)
        if lp is not None:
            return lp, None, self.lp_wish(lp), self.round_lp(incumbent, lp, SMALL_ROUND_LIMIT)
        self.uses_highs("the generated fit LP")
        columns = solve_fit_lp_by_columns(self.eligibility, self.side, incumbent, self.budget,
                                          spent + left * COLUMN_SHARE)
        return None, columns, self.lp_wish(columns), self.round_lp(incumbent, columns, ROUND_LIMIT, generated=True)

    def round_lp(self, incumbent: np.ndarray, lp: FitLP | ColumnLP, limit: float,
                 generated: bool = False) -> np.ndarray | None:
        """An allocation of the housed set that follows ``lp``, if better than ``incumbent``: the
        rooms rounding (:mod:`allocator.matching.room_rounding`), then CP-SAT on the LP's pairs
        starting from it (:func:`round_by_columns`, ``limit`` deterministic seconds).

        For a ``generated`` LP (national size) CP-SAT runs only if the rooms found nothing (then
        with twice the time again while it finds nothing better and the budget allows): after
        the rooms it added 0–0.1 % of fit there for 0.3–1.7 units, which the LP for the set
        the repair grows next needs more."""
        rooms = self.rooms(incumbent, lp)
        start = incumbent
        if rooms is not None and self.total_fit(rooms) > self.total_fit(incumbent):
            start = rooms
        if generated and start is not incumbent:
            return start
        while True:
            better = round_by_columns(self.eligibility, self.side, start, lp, self.budget,
                                      min(limit, self.budget.left()), hint=None if start is incumbent else start)
            if better is not None or not generated or 2 * limit > self.budget.left():
                break
            limit *= 2
        return start if better is None and start is not incumbent else better

    def rooms(self, incumbent: np.ndarray, lp: FitLP | ColumnLP) -> np.ndarray | None:
        """:func:`round_by_rooms` of the housed set of ``incumbent`` along ``lp``."""
        self.uses_highs("the admission to rooms")
        return round_by_rooms(self.eligibility, self.side, incumbent, lp.pairs, lp.values, self.budget)

    def uses_highs(self, what: str) -> None:
        if what not in self.highs_for:
            self.highs_for.append(what)

    def lp_affordable(self, housed: np.ndarray) -> bool:
        """Could stage 2 pay for the fit LP of a set like ``housed`` whole (else it generates columns)?"""
        return lp_units(self.eligibility, housed) <= self.budget.units * LP_SHARE

    def lp(self, housed: np.ndarray, until: float) -> FitLP | None:
        """The fit LP of the housed set, if the budget can pay for it before ``until`` units."""
        if self.budget.spent + lp_units(self.eligibility, housed) > until:
            return None
        lp = solve_fit_lp(self.eligibility, self.side, housed, self.budget)
        return lp if lp.bound is not None else None

    def lp_wish(self, lp: FitLP | ColumnLP) -> np.ndarray:
        """Per applicant: the pair the LP gives them most of (ties: the first), or -1."""
        wish = np.full(self.applicants, -1, dtype=np.int64)
        order = np.lexsort((-lp.values, self.eligibility.pairs.applicant[lp.pairs]))
        owner = self.eligibility.pairs.applicant[lp.pairs[order]]
        first = np.ones(len(order), dtype=bool)
        first[1:] = owner[1:] != owner[:-1]
        wish[owner[first]] = lp.pairs[order[first]]
        return wish

    def set_bound(self, incumbent: np.ndarray, lp: FitLP | None, columns: ColumnLP | None = None) -> int:
        """The smallest bound on total fit for the housed set of ``incumbent`` that can be had
        (``lp`` is the fit LP of that set, ``columns`` the generated LP of this or an earlier set)."""
        housed = incumbent >= 0
        bound = self.total_fit(flow_pair_of(self.eligibility, housed, budget=self.budget))
        if columns is not None and columns.prices is not None:
            if np.array_equal(housed, self.set_of(columns)):
                return min(bound, columns.bound)
            bound = min(bound, bound_for_set(self.eligibility, self.side, housed, columns, self.budget))
            if self.budget.left() > 0:  # the same LP, for the set as it is now: a few warm re-solves
                again = solve_fit_lp_by_columns(self.eligibility, self.side, incumbent, self.budget,
                                                self.budget.units, earlier=columns)
                if again.bound is not None:
                    bound = min(bound, again.bound)
            return bound
        if lp is None:
            lp = solve_fit_lp(self.eligibility, self.side, housed, self.budget) \
                if lp_units(self.eligibility, housed) <= self.budget.units * LP_SHARE else None
        if lp is not None and lp.bound is not None:
            return min(bound, lp.bound)
        return min(bound, self.priced(incumbent, self.budget.spent + self.budget.units * 0.05).bound)

    def priced(self, incumbent: np.ndarray, until: float):
        share = until / max(self.budget.units, 1e-9)
        return fit_bound(self.eligibility, self.side, incumbent >= 0, self.total_fit(incumbent), self.budget, share)

    def whole_set(self, incumbent: np.ndarray, until: float) -> tuple[np.ndarray, bool, int]:
        """CP-SAT on the whole housed set until ``until`` units are spent: (allocation, proven, bound)."""
        members = np.flatnonzero(incumbent >= 0).tolist()
        model = PairModel(self.eligibility, self.side, members, forced=set(members))
        model.maximize_fit()
        model.hint(incumbent)
        status, solved = model.solve(self.budget, max(0.0, until - self.budget.spent - model.charge()))
        proven = False
        if status in ("OPTIMAL", "FEASIBLE") and self.total_fit(solved) >= self.total_fit(incumbent) \
                and not self.unstable(solved):
            incumbent, proven = solved, status == "OPTIMAL"
        bound = np.iinfo(np.int64).max if model.bound is None else int(np.floor(model.bound + 1e-6))
        return incumbent, proven, bound

    def regions_until(self, incumbent: np.ndarray, wish: np.ndarray, until: float) -> np.ndarray:
        """Regions re-solved (and the repair, when they free room) until ``until`` units are spent."""
        share = until / max(self.budget.units, 1e-9)
        while True:
            incumbent = improve_fit(self.eligibility, self.side, incumbent, self.budget, wish, share=share)
            occupancy = Occupancy(self.eligibility, self.side, incumbent)
            self.charge_repair()
            if not stabilise(occupancy):
                return incumbent
            incumbent = occupancy.pair_of

    def unstable(self, pair_of: np.ndarray) -> bool:
        """Could someone left out take a free place or a lower-ranked applicant's place?"""
        self.charge_repair()
        return stabilise(Occupancy(self.eligibility, self.side, pair_of))

    def charge_repair(self) -> None:
        """Greedy filling or one stability repair: Python loops over applicants and their pairs."""
        self.budget.charge(self.applicants * REPAIR_UNITS_PER_APPLICANT
                           + len(self.eligibility.pairs) * REPAIR_UNITS_PER_PAIR)

    def total_fit(self, pair_of: np.ndarray) -> int:
        return self.eligibility.total_fit(pair_of)
