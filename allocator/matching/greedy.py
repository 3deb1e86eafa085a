"""The field's usual method, as the baseline, and the stability repair built on the same moves.

Greedy (FORMATS §1): in priority order each applicant takes the free eligible place of
highest fit that keeps the unit limits; ties by place id.

Stability repair: while some applicant left out can take a free eligible place, or the
place of a lower-priority applicant, without breaking a unit limit, let them. Each such move
makes the housed set strictly better by priority, so the loop ends; afterwards FORMATS'
promise for a ``FEASIBLE`` result holds.
"""

from __future__ import annotations

import numpy as np

from allocator.matching.eligibility import Eligibility
from allocator.matching.occupancy import FREE, Occupancy
from allocator.matching.side_constraints import SideConstraints


def greedy_allocation(eligibility: Eligibility, side: SideConstraints) -> np.ndarray:
    """``pair_of`` of the greedy allocation."""
    applicants = len(eligibility.problem.applicants)
    occupancy = Occupancy(eligibility, side, np.full(applicants, FREE, dtype=np.int64))
    fill_in_order(occupancy, range(applicants))
    return occupancy.pair_of


def fill_in_order(occupancy: Occupancy, applicants) -> None:
    """Each applicant not yet housed, in the given order, takes the best free place that fits."""
    eligibility = occupancy.eligibility
    order, starts = eligibility.preference, eligibility.starts()
    place = eligibility.pairs.place
    for applicant in applicants:
        if occupancy.pair_of[applicant] != FREE or starts[applicant] == starts[applicant + 1]:
            continue
        candidates = order[starts[applicant]:starts[applicant + 1]]
        for pair in candidates[occupancy.holder[place[candidates]] == FREE].tolist():
            if not occupancy.blocks(applicant, pair):
                occupancy.move_in(applicant, pair)
                break


def stabilise(occupancy: Occupancy) -> bool:
    """Apply improving moves until none is left (see module docstring); True if anything changed."""
    eligibility = occupancy.eligibility
    order, starts = eligibility.preference, eligibility.starts()
    place = eligibility.pairs.place
    changed = True
    any_change = False
    while changed:
        changed = False
        for applicant in np.flatnonzero(occupancy.pair_of == FREE).tolist():
            candidates = order[starts[applicant]:starts[applicant + 1]]
            holders = occupancy.holder[place[candidates]]
            movable = candidates[(holders == FREE) | (holders > applicant)]
            if len(movable) and _take_one(occupancy, applicant, movable):
                changed = any_change = True
    return any_change


def _take_one(occupancy: Occupancy, applicant: int, candidates: np.ndarray) -> bool:
    """Take a free place if one fits (best fit first), else displace the lowest-ranked holder that fits."""
    place = occupancy.eligibility.pairs.place
    holders = occupancy.holder[place[candidates]]
    free_first = np.lexsort((np.arange(len(candidates)), -holders * (holders != FREE), holders != FREE))
    for pair, holder in zip(candidates[free_first].tolist(), holders[free_first].tolist(), strict=True):
        if not occupancy.blocks(applicant, pair, evicting=holder):
            occupancy.move_in(applicant, pair)
            return True
    return False
