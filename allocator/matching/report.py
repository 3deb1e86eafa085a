"""The quality of a round next to the greedy baseline on the same input (DESIGN §5).

Measures per allocation: housed per band, the share of the housed who got their first wish,
mean fit of the housed, and priority inversions: applicants left out who could take a free
eligible place, or the place of someone ranked after them, without breaking a unit limit
(FORMATS promises 0 for the optimal allocation).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from allocator.matching.api import Solution, allocate
from allocator.matching.eligibility import Eligibility
from allocator.matching.greedy import greedy_allocation
from allocator.matching.occupancy import FREE, Occupancy
from allocator.matching.problem import Problem
from allocator.matching.side_constraints import SideConstraints

BAND_NAMES = {1: "band 1 (acute)", 2: "band 2 (high)", 3: "band 3 (standard)"}


@dataclass(frozen=True)
class Quality:
    housed_by_band: dict[int, int]
    first_wish_rate: float  # of the housed; 0.0 when nobody is housed
    mean_fit: float  # of the housed; 0.0 when nobody is housed
    inversions: int

    @property
    def housed(self) -> int:
        return sum(self.housed_by_band.values())


@dataclass(frozen=True)
class Comparison:
    applicants: int
    places: int
    greedy: Quality
    optimal: Quality
    status: str
    gap: float

    def render(self) -> str:
        rows = [("", "greedy", "optimal")]
        for band, name in BAND_NAMES.items():
            rows.append((f"housed, {name}", str(self.greedy.housed_by_band[band]),
                         str(self.optimal.housed_by_band[band])))
        rows += [
            ("housed, all", str(self.greedy.housed), str(self.optimal.housed)),
            ("first-wish rate", f"{100 * self.greedy.first_wish_rate:.1f} %",
             f"{100 * self.optimal.first_wish_rate:.1f} %"),
            ("mean fit", f"{self.greedy.mean_fit:.1f}", f"{self.optimal.mean_fit:.1f}"),
            ("priority inversions", str(self.greedy.inversions), str(self.optimal.inversions)),
        ]
        width = max(len(r[0]) for r in rows)
        lines = [f"{self.applicants} applicants, {self.places} places; optimal: {self.status}"
                 + ("" if self.status == "OPTIMAL" else f" (fit gap {100 * self.gap:.2f} %)")]
        lines += [f"{label:<{width}}  {a:>10}  {b:>10}" for label, a, b in rows]
        return "\n".join(lines)


def inversions(eligibility: Eligibility, side: SideConstraints, pair_of: np.ndarray) -> int:
    """Applicants left out who could take a free eligible place or a lower-ranked applicant's place."""
    occupancy = Occupancy(eligibility, side, pair_of)
    starts, place = eligibility.starts(), eligibility.pairs.place
    count = 0
    for applicant in np.flatnonzero(pair_of == FREE).tolist():
        for pair in range(int(starts[applicant]), int(starts[applicant + 1])):
            holder = int(occupancy.holder[place[pair]])
            if (holder == FREE or holder > applicant) and not occupancy.blocks(applicant, pair, evicting=holder):
                count += 1
                break
    return count


def quality(eligibility: Eligibility, side: SideConstraints, pair_of: np.ndarray) -> Quality:
    housed = np.flatnonzero(pair_of >= 0)
    chosen = pair_of[housed]
    bands = np.bincount(eligibility.columns.band[housed], minlength=4)
    return Quality(
        housed_by_band={band: int(bands[band]) for band in (1, 2, 3)},
        first_wish_rate=float(np.mean(eligibility.pairs.rank[chosen] == 0)) if len(chosen) else 0.0,
        mean_fit=float(np.mean(eligibility.fit[chosen])) if len(chosen) else 0.0,
        inversions=inversions(eligibility, side, pair_of),
    )


def compare_solution(solution: Solution) -> Comparison:
    eligibility, side = solution.eligibility, solution.side
    problem = eligibility.problem
    return Comparison(
        applicants=len(problem.applicants),
        places=len(problem.places),
        greedy=quality(eligibility, side, greedy_allocation(eligibility, side)),
        optimal=quality(eligibility, side, solution.pair_of),
        status=solution.status,
        gap=solution.gap,
    )


def compare(problem: Problem, time_limit: float | None = None) -> Comparison:
    return compare_solution(allocate(problem, time_limit))
