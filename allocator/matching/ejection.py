"""Stage 1's quick "yes": room for one more applicant, made by moving one or two people.

Most applicants that stage 1 finds can join those decided before them need only a short chain
of moves: they take a place whose holder (or a resident whose hours or not-with pair stands in
the way) moves to another place that fits, perhaps moving one more person in turn. Greedy and
the stability repair never move anyone already housed, so they miss these. Searching the chains
up to :data:`CHAIN` moves, in each person's order of preference, is cheap, and whatever it finds
is checked by every unit limit as it is built, so a chain found is a "yes" as good as CP-SAT's.
In whole proofs of 1,000 × 400 rounds it found 16–38 "yes"es a round (seed 3: 26 of its 33),
in 1–3 ms each, where CP-SAT took about 0.036 deterministic seconds
(``benchmarks/stage1_proof.py``).
"""

from __future__ import annotations

import numpy as np

from allocator.matching.eligibility import Eligibility
from allocator.matching.occupancy import FREE, Occupancy
from allocator.matching.side_constraints import SideConstraints
from allocator.matching.work_budget import EJECTION_UNITS_PER_TRY, WorkBudget

CHAIN = 2  # people moved at most to make room for one applicant
TRIES = 5_000  # places tried at most for one applicant (each a check of the unit's limits)


class Ejections:
    def __init__(self, eligibility: Eligibility, side: SideConstraints, budget: WorkBudget):
        self.eligibility, self.side, self.budget = eligibility, side, budget
        self.order, self.starts = eligibility.preference, eligibility.starts()
        self.tries = 0

    def join(self, members: np.ndarray, applicant: int, incumbent: np.ndarray) -> np.ndarray | None:
        """An allocation of exactly ``members`` (everyone of them but ``applicant`` housed by
        ``incumbent``), or None if no chain of :data:`CHAIN` moves was found."""
        housed = np.where(members, incumbent, FREE)
        if np.count_nonzero(housed >= 0) != np.count_nonzero(members) - 1:
            return None
        occupancy = Occupancy(self.eligibility, self.side, housed)
        self.tries = 0
        try:
            found = self._house(occupancy, applicant, CHAIN)
        finally:
            self.budget.charge(self.tries * EJECTION_UNITS_PER_TRY)
        return occupancy.pair_of if found else None

    def _house(self, occupancy: Occupancy, person: int, moves: int) -> bool:
        """Give ``person`` (not housed) a place, moving at most ``moves`` others; False leaves
        ``occupancy`` as it was."""
        candidates = self.order[self.starts[person]:self.starts[person + 1]]
        place, unit = self.eligibility.pairs.place, self.eligibility.unit
        free = occupancy.holder[place[candidates]] == FREE
        for pair in candidates[free].tolist():
            self.tries += 1
            if not occupancy.blocks(person, pair):
                occupancy.move_in(person, pair)
                return True
        if moves == 0:
            return False
        for pair in candidates.tolist():
            holder = int(occupancy.holder[place[pair]])
            in_the_way = [holder] if holder != FREE else sorted(occupancy.members.get(int(unit[pair]), ()))
            for mover in in_the_way:
                self.tries += 1
                if self.tries > TRIES:
                    return False
                if occupancy.blocks(person, pair, evicting=mover):
                    continue
                before = occupancy.pair_of.copy()
                occupancy.move_in(person, pair)
                occupancy.leave(mover)
                if self._house(occupancy, mover, moves - 1):
                    return True
                _restore(occupancy, before)
        return False


def _restore(occupancy: Occupancy, pair_of: np.ndarray) -> None:
    changed = np.flatnonzero(occupancy.pair_of != pair_of).tolist()
    for person in changed:
        occupancy.leave(person)
    for person in changed:
        if pair_of[person] != FREE:
            occupancy.move_in(person, int(pair_of[person]))
