"""An allocation being built or repaired: who holds which place, and each unit's load.

An allocation is ``pair_of``: per applicant (priority order) the index of its chosen eligible
pair, or -1. :class:`Occupancy` keeps the derived state (place holders, support hours used per
unit, who lives in which unit) and answers "what stands in the way of giving this applicant
that place?" for greedy, the stability repair and the explanations alike.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from allocator.matching.eligibility import Eligibility
from allocator.matching.side_constraints import SideConstraints

FREE = -1


@dataclass(frozen=True)
class HoursBlock:
    unit: int
    free_hours: int  # what the unit has left (after the evicted holder, if any, leaves)
    need: int


@dataclass(frozen=True)
class PartnerBlock:
    unit: int
    other: int  # applicant index already placed in the unit


def lex_better(first: np.ndarray, second: np.ndarray) -> int:
    """+1 if housed set ``first`` is better by priority than ``second``, -1 if worse, 0 if equal."""
    differ = np.flatnonzero(first != second)
    if len(differ) == 0:
        return 0
    return 1 if first[differ[0]] else -1


class Occupancy:
    def __init__(self, eligibility: Eligibility, side: SideConstraints, pair_of: np.ndarray):
        self.eligibility = eligibility
        self.side = side
        self.partners = side.partners()
        self.pair_of = pair_of.copy()
        self.holder = np.full(len(eligibility.problem.places), FREE, dtype=np.int64)
        self.used = np.zeros(len(eligibility.problem.units), dtype=np.int64)
        self.members: dict[int, set[int]] = {}
        for applicant in np.flatnonzero(self.pair_of >= 0).tolist():
            self._enter(applicant, int(self.pair_of[applicant]))

    def _enter(self, applicant: int, pair: int) -> None:
        place, unit = int(self.eligibility.pairs.place[pair]), int(self.eligibility.unit[pair])
        self.pair_of[applicant] = pair
        self.holder[place] = applicant
        self.used[unit] += self.side.need[applicant]
        self.members.setdefault(unit, set()).add(applicant)

    def leave(self, applicant: int) -> None:
        pair = int(self.pair_of[applicant])
        if pair < 0:
            return
        place, unit = int(self.eligibility.pairs.place[pair]), int(self.eligibility.unit[pair])
        self.pair_of[applicant] = FREE
        self.holder[place] = FREE
        self.used[unit] -= self.side.need[applicant]
        self.members[unit].discard(applicant)

    def move_in(self, applicant: int, pair: int) -> None:
        """Give ``applicant`` the pair's place, evicting its holder (caller checked it is allowed)."""
        self.leave(applicant)
        holder = int(self.holder[self.eligibility.pairs.place[pair]])
        if holder != FREE:
            self.leave(holder)
        self._enter(applicant, pair)

    def blocks(self, applicant: int, pair: int, evicting: int = FREE) -> list[HoursBlock | PartnerBlock]:
        """The unit limits that stop ``applicant`` from taking the pair's place (after ``evicting`` leaves)."""
        unit = int(self.eligibility.unit[pair])
        found: list[HoursBlock | PartnerBlock] = []
        capacity = int(self.side.capacity[unit])
        used = int(self.used[unit]) - (int(self.side.need[evicting]) if evicting != FREE else 0)
        need = int(self.side.need[applicant])
        if used + need > capacity:
            found.append(HoursBlock(unit, capacity - used, need))
        for other in sorted(self.partners.get(applicant, {}).get(unit, ())):
            if other != evicting and other in self.members.get(unit, ()):
                found.append(PartnerBlock(unit, other))
        return found
