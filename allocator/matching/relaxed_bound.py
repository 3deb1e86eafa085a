"""Stage 1's bound, kept up to date as applicants are refused, without a new flow each time.

The bound is the best set by priority of the flow relaxation (support hours replaced by a cap
on each unit's residents): source → applicant → place → unit (the cap) → sink. Its housable
sets form a matroid (a gammoid), whose best set by priority is what greedy in priority order
builds, and one min-cost flow gives it (:func:`allocator.matching.flow.solve_allocation`).

When an applicant in that set is refused, the matroid loses one element, and the best set of
what is left is the old one without them and with at most one applicant more: the first in
priority order whose addition can still be housed (the exchange property of a matroid's best
basis). That applicant is the first one left out from whom the sink can be reached in the
residual network once the refused applicant's path is taken back; one pass of shortest
distances to the sink (Bellman–Ford with NumPy over the eligible pairs) finds them and the
path that houses them. On 1,000 × 400 rounds this replaced a new flow of every eligible pair
after each of the 150–450 refusals of a whole proof.
"""

from __future__ import annotations

import numpy as np

from allocator.matching.eligibility import Eligibility
from allocator.matching.flow import solve_allocation
from allocator.matching.occupancy import FREE
from allocator.matching.work_budget import FLOW_UNITS_PER_ARC, RESIDUAL_UNITS_PER_PAIR, WorkBudget

UNREACHED = np.iinfo(np.int64).max // 4


class RelaxedBound:
    """The relaxation's best set (``housed``) and one allocation of it (``pair_of``)."""

    def __init__(self, eligibility: Eligibility, unit_limit: np.ndarray, budget: WorkBudget):
        self.eligibility, self.unit_limit, self.budget = eligibility, unit_limit, budget
        self.applicants = len(eligibility.problem.applicants)
        self.place_unit = eligibility.columns.place_unit
        self.starts = eligibility.starts()
        self.has_pair = self.starts[1:] > self.starts[:-1]
        # Places grouped by unit, for the unit's "any occupied place" step.
        self.by_unit = np.argsort(self.place_unit, kind="stable")
        self.unit_starts = np.searchsorted(self.place_unit[self.by_unit], np.arange(len(unit_limit) + 1))
        self.pair_of = np.full(self.applicants, FREE, dtype=np.int64)

    @property
    def housed(self) -> np.ndarray:
        return self.pair_of >= 0

    def recompute(self, allowed: np.ndarray) -> np.ndarray:
        """The best set among ``allowed`` applicants, by one min-cost flow."""
        self.budget.charge(int(allowed[self.eligibility.pairs.applicant].sum()) * FLOW_UNITS_PER_ARC)
        chosen = solve_allocation(self.eligibility, allowed, self.unit_limit)
        self.pair_of[:] = FREE
        self.pair_of[self.eligibility.pairs.applicant[chosen]] = chosen
        return self.housed

    def refuse(self, applicant: int) -> np.ndarray:
        """The best set once ``applicant`` (and everyone before them not in the set) is out.

        Applicants after ``applicant`` must all still be allowed (as in stage 1's proof)."""
        if self.pair_of[applicant] < 0:
            return self.housed
        self.pair_of[applicant] = FREE
        person_level, place_level, unit_level = self._distances()
        later = np.flatnonzero((person_level < UNREACHED) & (np.arange(self.applicants) > applicant)
                               & (self.pair_of < 0))
        if len(later):
            self._augment(int(later[0]), person_level, place_level, unit_level)
        return self.housed

    # -- the residual network --------------------------------------------------------------------

    def _occupancy(self) -> tuple[np.ndarray, np.ndarray]:
        holder = np.full(len(self.place_unit), FREE, dtype=np.int64)
        housed = np.flatnonzero(self.pair_of >= 0)
        holder[self.eligibility.pairs.place[self.pair_of[housed]]] = housed
        count = np.bincount(self.place_unit[holder >= 0], minlength=len(self.unit_limit))
        return holder, count

    def _distances(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Steps from each applicant, place and unit to the sink in the residual network.

        Arcs: applicant → place (an eligible pair not used), place → its holder (taking the
        holder's pair back), a free place → its unit, unit → sink (below its cap), unit → an
        occupied place of it (its resident leaving)."""
        pairs = self.eligibility.pairs
        holder, count = self._occupancy()
        unused = np.ones(len(pairs), dtype=bool)
        unused[self.pair_of[self.pair_of >= 0]] = False
        free, occupied = holder == FREE, holder != FREE
        unit_level = np.where(count < self.unit_limit, 0, UNREACHED)
        place_level = np.full(len(holder), UNREACHED, dtype=np.int64)
        person_level = np.full(self.applicants, UNREACHED, dtype=np.int64)
        by_unit_occupied = occupied[self.by_unit]
        passes = 0
        while True:
            passes += 1
            new_place = np.where(free, unit_level[self.place_unit] + 1,
                                 np.where(occupied, person_level[np.maximum(holder, 0)] + 1, UNREACHED))
            through_pair = np.where(unused, place_level[pairs.place] + 1, UNREACHED)
            new_person = _group_min(through_pair, self.starts, self.has_pair)
            leaving = np.where(by_unit_occupied, place_level[self.by_unit] + 1, UNREACHED)
            new_unit = np.minimum(unit_level, _group_min(leaving, self.unit_starts,
                                                         self.unit_starts[1:] > self.unit_starts[:-1]))
            new_place = np.minimum(np.minimum(place_level, new_place), UNREACHED)
            new_person = np.minimum(np.minimum(person_level, new_person), UNREACHED)
            if (np.array_equal(new_place, place_level) and np.array_equal(new_person, person_level)
                    and np.array_equal(new_unit, unit_level)):
                break
            place_level, person_level, unit_level = new_place, new_person, new_unit
        self.budget.charge(passes * len(pairs) * RESIDUAL_UNITS_PER_PAIR)
        return person_level, place_level, unit_level

    def _augment(self, start: int, person_level, place_level, unit_level) -> None:
        """House ``start`` along a shortest path to the sink (each step one closer to it)."""
        pairs = self.eligibility.pairs
        holder, _ = self._occupancy()
        moves: list[tuple[int, int]] = []
        person = start
        while True:
            options = np.arange(self.starts[person], self.starts[person + 1])
            options = options[(options != self.pair_of[person])
                              & (place_level[pairs.place[options]] == person_level[person] - 1)]
            pair = int(options[0])
            moves.append((person, pair))
            place = int(pairs.place[pair])
            if holder[place] != FREE:
                person = int(holder[place])  # they leave for another place of theirs
                continue
            unit = int(self.place_unit[place])
            if unit_level[unit] == 0:
                break
            in_unit = self.by_unit[self.unit_starts[unit]:self.unit_starts[unit + 1]]
            leaving = in_unit[(holder[in_unit] != FREE) & (place_level[in_unit] == unit_level[unit] - 1)]
            person = int(holder[int(leaving[0])])  # a resident of the unit moves elsewhere
        for person, pair in moves:
            self.pair_of[person] = pair


def _group_min(values: np.ndarray, starts: np.ndarray, nonempty: np.ndarray) -> np.ndarray:
    """The least of ``values[starts[k]:starts[k+1]]`` for each group k (UNREACHED when empty)."""
    result = np.full(len(starts) - 1, UNREACHED, dtype=np.int64)
    if len(values):
        result[nonempty] = np.minimum.reduceat(values, starts[:-1][nonempty])
    return result
