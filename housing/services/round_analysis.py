"""What a stored round means, computed by the allocator's own rules on its stored problem.

The allocator decides eligibility, fit, the greedy baseline and the reasons for leaving
someone out; this module only asks it, so the web application never re-implements a rule.
It is the one place that reaches past ``allocator.matching.api`` (eligibility, side
constraints, greedy, explanations), so a change inside the allocator is met here.

``Analysis`` computes the eligibility of a problem once and answers from it: the facts
behind each unhoused applicant, the wish and distance of each match, the comparison with
the greedy method, and which places an applicant is eligible for (a coordinator's override).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from allocator.matching.eligibility import Eligibility, compute_eligibility
from allocator.matching.explain import RULE_NAMES, explain_unassigned
from allocator.matching.greedy import greedy_allocation
from allocator.matching.occupancy import FREE
from allocator.matching.reader import read_problem
from allocator.matching.side_constraints import SideConstraints, find_side_constraints


@dataclass(frozen=True)
class Match:
    place: str
    rank: int  # 0 = first wish
    km: float
    fit: int
    parts: dict[str, int]


class Analysis:
    def __init__(self, problem: dict[str, Any]):
        self.eligibility: Eligibility = compute_eligibility(read_problem(problem))
        self.side: SideConstraints = find_side_constraints(self.eligibility)
        self.problem = self.eligibility.problem

    @cached_property
    def starts(self) -> np.ndarray:
        return self.eligibility.starts()

    @cached_property
    def place_index(self) -> dict[str, int]:
        return {place.id: i for i, place in enumerate(self.problem.places)}

    def priority(self, applicant: str) -> int:
        """0 for the applicant ranked first in the round."""
        return self.problem.applicant_index[applicant]

    def pair(self, applicant: str, place: str) -> int | None:
        """The eligible pair of an applicant and a place, or None if the place does not suit them."""
        i, p = self.problem.applicant_index[applicant], self.place_index.get(place)
        if p is None:
            return None
        pairs = np.arange(self.starts[i], self.starts[i + 1])
        found = pairs[self.eligibility.pairs.place[pairs] == p]
        return int(found[0]) if len(found) else None

    def match(self, pair: int) -> Match:
        e = self.eligibility
        return Match(self.problem.places[int(e.pairs.place[pair])].id, int(e.pairs.rank[pair]),
                     float(e.pairs.km[pair]), int(e.fit[pair]),
                     dict(zip(("wish", "services", "over_support", "distance", "spare"),
                              e.parts[:, pair].tolist(), strict=True)))

    def eligible_matches(self, applicant: str) -> list[Match]:
        i = self.problem.applicant_index[applicant]
        return [self.match(pair) for pair in range(int(self.starts[i]), int(self.starts[i + 1]))]

    def failed_rules(self, applicant: str, place: str) -> list[str] | None:
        """The eligibility rules the place breaks for the applicant (names of FORMATS' rules
        1–5 and 7–9); None when none of their wishes is within reach of it (rule 6)."""
        e = self.eligibility
        near = (e.near_misses.applicant == self.priority(applicant)) & (e.near_misses.place == self.place_index[place])
        if not near.any():
            return None
        mask = int(e.failed[near][0])
        return [name for rule, name in RULE_NAMES.items() if mask >> rule & 1]

    def eligible_applicants(self, place: str) -> list[str]:
        """Applicant ids eligible for the place, in priority order."""
        p = self.place_index[place]
        applicants = np.unique(self.eligibility.pairs.applicant[self.eligibility.pairs.place == p])
        return [self.problem.applicants[i].id for i in applicants.tolist()]

    def pair_of(self, result: dict[str, Any]) -> np.ndarray:
        """The stored result as the allocator's per-applicant pair array."""
        pair_of = np.full(len(self.problem.applicants), FREE, dtype=np.int64)
        for entry in result["assignments"]:
            pair = self.pair(entry["applicant"], entry["place"])
            if pair is None:
                raise ValueError(f"{entry['applicant']} → {entry['place']} is not an eligible pair")
            pair_of[self.priority(entry["applicant"])] = pair
        return pair_of

    def explanations(self, pair_of: np.ndarray) -> dict[str, dict[str, Any]]:
        """Applicant id → {"reason", "facts"} for everyone left out."""
        return {e.applicant: {"reason": e.reason, "facts": e.facts}
                for e in explain_unassigned(self.eligibility, self.side, pair_of)}

    def quality(self, pair_of: np.ndarray) -> dict[str, Any]:
        """Housed per band, first wishes and mean distance of an allocation."""
        housed = np.flatnonzero(pair_of >= 0)
        chosen = pair_of[housed]
        bands = np.bincount(self.eligibility.columns.band[housed], minlength=4)
        first = int(np.count_nonzero(self.eligibility.pairs.rank[chosen] == 0))
        return {
            "housed_by_band": {str(band): int(bands[band]) for band in (1, 2, 3)},
            "housed": len(housed),
            "first_wishes": first,
            "mean_km": round(float(np.mean(self.eligibility.pairs.km[chosen])), 1) if len(chosen) else None,
            "mean_fit": round(float(np.mean(self.eligibility.fit[chosen])), 1) if len(chosen) else None,
        }

    def comparison(self, pair_of: np.ndarray) -> dict[str, Any]:
        """The optimum next to the greedy method on the same input (FORMATS.md §1)."""
        greedy = greedy_allocation(self.eligibility, self.side)
        return {"optimal": self.quality(pair_of), "greedy": self.quality(greedy),
                "applicants": len(self.problem.applicants), "places": len(self.problem.places)}


def same_result(first: dict[str, Any], second: dict[str, Any]) -> dict[str, Any]:
    """Compare two results of one problem: housed set, places and objective (seconds aside)."""
    places = {entry["applicant"]: entry["place"] for entry in first["assignments"]}
    again = {entry["applicant"]: entry["place"] for entry in second["assignments"]}
    moved = sorted(a for a in places.keys() & again.keys() if places[a] != again[a])
    return {
        "identical": places == again and first["objective"] == second["objective"]
        and first["status"] == second["status"],
        "housed_same": places.keys() == again.keys(),
        "places_same": not moved and places.keys() == again.keys(),
        "objective_same": first["objective"] == second["objective"],
        "only_first": sorted(places.keys() - again.keys()),
        "only_second": sorted(again.keys() - places.keys()),
        "moved": moved,
        "objective": [first["objective"], second["objective"]],
    }
