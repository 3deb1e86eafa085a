"""Who lives in which unit, with the places left to Hall's theorem.

Every limit of a round is a limit on units (support hours, not-with pairs); which place in
the unit someone gets only has to exist. By Hall's theorem it does exactly when, for every
set S of a unit's places, the people admitted to the unit who are eligible only for places
within S are no more than S has places. A unit's places differ in who is eligible for them
(household size, an accessible flat, distance), so each candidate's eligible places in a unit
form a set; the sets S that matter are the unions of those sets (any group's neighbours are
such a union), a few per unit, since a unit has a few places.

A model over (person, unit) *choices* with these limits is therefore exact, about five times
smaller than one over (person, place) pairs, and free of the symmetry of interchangeable
places. That symmetry was what stalled the search: questions of stage 1 that HiGHS left open
after 10 s on the pair model, CP-SAT answered in 0.4 s on the choices (1,000 × 400, seed 2,
measured while choosing the model).
"""

from __future__ import annotations

import numpy as np

from allocator.matching.eligibility import Eligibility
from allocator.matching.fit_lp import grouped
from allocator.matching.nearby import expand_ranges

HALL_SETS = 256  # unions considered per unit; beyond, the limits are a relaxation (a "yes" is then checked by placing)


class Choices:
    """The (person, unit) choices of ``persons`` (sorted by person, then unit), with the places
    each person is eligible for in that unit."""

    def __init__(self, eligibility: Eligibility, persons: np.ndarray):
        units = len(eligibility.problem.units)
        starts = eligibility.starts()
        _, pairs = expand_ranges(starts[persons], starts[persons + 1])
        keys = eligibility.pairs.applicant[pairs] * units + eligibility.unit[pairs]
        order = np.lexsort((eligibility.pairs.place[pairs], keys))
        self.keys, first = np.unique(keys[order], return_index=True)
        self.person, self.unit = np.divmod(self.keys, units)
        places = eligibility.pairs.place[pairs[order]]
        self.places = [frozenset(chunk.tolist()) for chunk in np.split(places, first[1:])] if len(pairs) else []

    def __len__(self) -> int:
        return len(self.keys)

    def index(self) -> dict[tuple[int, int], int]:
        return {(p, u): k for k, (p, u) in enumerate(zip(self.person.tolist(), self.unit.tolist(), strict=True))}


def hall_limits(unit: np.ndarray, places: list[frozenset[int]], unions: bool = True) -> list[tuple[list[int], int]]:
    """Hall's condition on each unit's places as limits over choices (``unit`` and eligible
    ``places`` per choice): (choices, most of them admitted) for each union of eligible sets
    (with ``unions``; else only for each eligible set itself, a partial condition). A limit that
    can never bind (no more choices than places) is left out."""
    limits = []
    for _, group in grouped(unit):
        kinds: dict[frozenset[int], list[int]] = {}
        for k in group.tolist():
            kinds.setdefault(places[k], []).append(k)
        for union in _unions(list(kinds)) if unions else set(kinds):
            members = [k for kind, ks in kinds.items() if kind <= union for k in ks]
            if len(members) > len(union):
                limits.append((members, len(union)))
    return limits


def _unions(kinds: list[frozenset[int]]) -> set[frozenset[int]]:
    """Every union of some of ``kinds``, up to :data:`HALL_SETS` of them."""
    unions = set(kinds)
    frontier = list(unions)
    while frontier and len(unions) < HALL_SETS:
        union = frontier.pop()
        for other in list(unions):
            joined = union | other
            if joined not in unions:
                unions.add(joined)
                frontier.append(joined)
    return unions
