"""An upper bound on total fit for a fixed housed set, and where each person would rather be.

Stage 2 must report how far its fit can be from the best (the gap). Dropping the side
constraints gives one bound at once: the best assignment of the housed set to places, a
min-cost flow. It ignores that a unit's support hours run out, so it is loose exactly where
hours bind. *Lagrangian relaxation* tightens it: each binding unit's hours get a price
``λ_u ≥ 0`` per hour; every pair's fit is lowered by ``λ_u · need`` and the unit's hours are
paid back as ``λ_u · capacity``. For any prices, the best assignment under the priced fits
plus the paid-back hours is still an upper bound (a feasible allocation never uses more
hours than a unit has, so its priced total is never below its fit). Prices are raised where
the priced assignment overuses hours and lowered where it leaves them unused (subgradient
steps), and the smallest bound seen is kept. Each step is one exact min-cost flow in
integers (prices in 1/64 of a fit point), so the bound is exact arithmetic and
deterministic; not-with pairs are left out, which only loosens it.

The priced assignment of the best step is also a good guess of where each person "wants" to
be once the hours are accounted for: the region search (:mod:`allocator.matching.regions`)
grows its regions along it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from allocator.matching.eligibility import Eligibility
from allocator.matching.flow import build_arcs, solve_arcs
from allocator.matching.side_constraints import SideConstraints
from allocator.matching.work_budget import FLOW_UNITS_PER_ARC, WorkBudget

SCALE = 64  # prices in 1/64 of a fit point per hour
STEPS = 40  # subgradient steps at most


@dataclass(frozen=True)
class FitBound:
    bound: int  # no allocation of the housed set has a larger total fit
    wish: np.ndarray  # per applicant: their pair in the best priced assignment, or -1


def fit_bound(eligibility: Eligibility, side: SideConstraints, housed: np.ndarray, best_known: int,
              budget: WorkBudget, share: float) -> FitBound:
    """The bound of the module docstring; ``best_known`` is the fit of an allocation (for step sizes)."""
    pairs = np.flatnonzero(housed[eligibility.pairs.applicant])
    applicant, place = eligibility.pairs.applicant[pairs], eligibility.pairs.place[pairs]
    unit, fit = eligibility.unit[pairs], eligibility.fit[pairs]
    need = side.need[applicant]
    binding = side.hours
    capacity = side.capacity[binding].astype(np.int64)
    price = np.zeros(len(side.capacity), dtype=np.float64)  # per unit, in fit points per hour
    n, places = len(eligibility.problem.applicants), len(eligibility.problem.places)
    best_bound, wish, theta, stalled = None, np.full(n, -1, dtype=np.int64), 1.0, 0
    for step in range(STEPS):
        if step > 0 and budget.exhausted(share):
            break
        priced = np.round(price * SCALE).astype(np.int64)
        cost = -(fit * SCALE - priced[unit] * need)
        budget.charge(len(pairs) * FLOW_UNITS_PER_ARC)
        flows = solve_arcs(build_arcs(n, places, applicant, place, cost, np.zeros(n, np.int64)))
        chosen = flows > 0
        scaled = int(-cost[chosen].sum()) + int((priced[binding] * capacity).sum())
        value = scaled // SCALE
        if best_bound is None or value < best_bound:
            best_bound, stalled = value, 0
            wish[:] = -1
            wish[applicant[chosen]] = pairs[chosen]
        else:
            stalled += 1
            if stalled >= 3:
                theta, stalled = theta / 2, 0
        if len(binding) == 0:
            break
        load = np.bincount(unit[chosen], weights=need[chosen], minlength=len(side.capacity))[binding]
        slope = load - capacity
        slope[(slope < 0) & (price[binding] <= 0)] = 0  # a price cannot fall below zero
        norm = float((slope * slope).sum())
        if norm == 0 or best_bound <= best_known:
            break
        step_size = theta * max(value - best_known, 1) / norm
        price[binding] = np.maximum(0.0, price[binding] + step_size * slope)
    return FitBound(best_bound if best_bound is not None else 0, wish)
