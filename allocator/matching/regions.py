"""Improving total fit for a fixed housed set by re-solving small regions exactly.

CP-SAT on the whole round finds good bounds but, on one worker, its search for better
allocations depends a lot on luck (measured: 0.15–3 % from the bound for different seeds on
the same 1,000 × 400 round). Large-neighbourhood search made deterministic: a region is a
set of units grown from a seed unit along where its residents would rather be (the pair the
fit LP gives each of them most of, which counts the hours);
everyone housed in the region is re-placed within it by CP-SAT, exactly, while everyone
else stays. Seeds are taken in a fixed order, worst-fitting units first, round after round,
until a round improves nothing or the budget ends.
"""

from __future__ import annotations

import numpy as np

from allocator.matching.eligibility import Eligibility
from allocator.matching.pair_model import PairModel
from allocator.matching.side_constraints import SideConstraints
from allocator.matching.work_budget import FLOW_UNITS_PER_ARC, SCAN_UNITS_PER_PAIR, WorkBudget

REGION_SIZES = (30, 45, 70, 100)  # applicants re-placed together; larger once smaller regions stop helping
REGION_LIMIT = 0.3  # deterministic time per region
CANDIDATES = 24  # applicants left out that one region tries to house, best-ranked first


def improve_fit(eligibility: Eligibility, side: SideConstraints, pair_of: np.ndarray, budget: WorkBudget,
                wish: np.ndarray, share: float = 1.0) -> np.ndarray:
    """Rounds over all seeds; a round that improves nothing moves on to larger regions.

    ``wish``: per applicant, the pair the fit LP gives them most of (or -1); regions grow along it.
    """
    pair_of = pair_of.copy()
    sizes = list(REGION_SIZES)
    while sizes and not budget.exhausted(share):
        improved = False
        for seed in _seeds(eligibility, pair_of):
            if budget.exhausted(share):
                break
            budget.charge(len(pair_of) * 50 * SCAN_UNITS_PER_PAIR)  # growing the region in Python
            region = _region(eligibility, pair_of, seed, sizes[0], wish)
            better = _resolve_region(eligibility, side, pair_of, region, budget, share)
            if better is not None:
                pair_of, improved = better, True
        if not improved:
            sizes.pop(0)
    return pair_of


def _best_without_limits(eligibility: Eligibility, housed: np.ndarray) -> np.ndarray:
    from allocator.matching.flow import solve_allocation

    chosen = solve_allocation(eligibility, housed)
    wish = np.full(len(housed), -1, dtype=np.int64)
    wish[eligibility.pairs.applicant[chosen]] = chosen
    return wish


def _seeds(eligibility: Eligibility, pair_of: np.ndarray) -> list[int]:
    """Units by how much fit their residents lose against each one's best eligible place."""
    housed = np.flatnonzero(pair_of >= 0)
    best = np.full(len(pair_of), np.iinfo(np.int64).min)
    np.maximum.at(best, eligibility.pairs.applicant, eligibility.fit)
    loss = best[housed] - eligibility.fit[pair_of[housed]]
    units = eligibility.unit[pair_of[housed]]
    per_unit = np.bincount(units, weights=loss, minlength=len(eligibility.problem.units))
    order = np.lexsort((np.arange(len(per_unit)), -per_unit))
    return [int(u) for u in order if per_unit[u] > 0]


def _region(eligibility: Eligibility, pair_of: np.ndarray, seed: int, size: int, wish: np.ndarray) -> set[int]:
    """Units grown breadth-first from ``seed`` along where people would rather be: the unit of
    each resident's place in ``wish`` (the best allocation without the limits), and the units
    of those who would rather be in a unit of the region; at most ``size`` residents."""
    housed = np.flatnonzero(pair_of >= 0)
    home = dict(zip(housed.tolist(), eligibility.unit[pair_of[housed]].tolist(), strict=True))
    wanted = {a: int(eligibility.unit[wish[a]]) for a in housed.tolist() if wish[a] >= 0}
    residents: dict[int, list[int]] = {}
    drawn: dict[int, list[int]] = {}
    for applicant, unit in home.items():
        residents.setdefault(unit, []).append(applicant)
        if wanted.get(applicant, unit) != unit:
            drawn.setdefault(wanted[applicant], []).append(applicant)
    region, queue, count = {seed}, [seed], len(residents.get(seed, ()))
    while queue:
        unit = queue.pop(0)
        nearby = [wanted[a] for a in residents.get(unit, ()) if a in wanted] + [home[a] for a in drawn.get(unit, ())]
        for other in nearby:
            extra = len(residents.get(other, ()))
            if other not in region and count + extra <= size:
                region.add(other)
                queue.append(other)
                count += extra
    return region


def _resolve_region(eligibility, side, pair_of: np.ndarray, region: set[int], budget: WorkBudget, share: float):
    """The region re-placed optimally, if that raises total fit; else None."""
    housed = np.flatnonzero(pair_of >= 0)
    inside = np.isin(eligibility.unit[pair_of[housed]], list(region))
    members = housed[inside].tolist()
    allowed = np.isin(eligibility.unit, list(region))
    model = PairModel(eligibility, side, members, forced=set(members), allowed=allowed)
    model.maximize_fit()
    model.hint(pair_of)
    status, solved = model.solve(budget, min(REGION_LIMIT, budget.left(share)))
    if status not in ("OPTIMAL", "FEASIBLE"):
        return None
    before = int(eligibility.fit[pair_of[members]].sum())
    after = int(eligibility.fit[solved[members]].sum())
    if after <= before:
        return None
    result = pair_of.copy()
    result[members] = solved[members]
    return result


def improve_priority(eligibility: Eligibility, side: SideConstraints, pair_of: np.ndarray, budget: WorkBudget,
                     share: float = 1.0) -> np.ndarray:
    """Regions around the units wished for by those left out (highest priority first): can
    some of them be housed too, the region's residents re-placed within it? Each success makes
    the housed set strictly better by priority (nobody leaves)."""
    pair_of = pair_of.copy()
    improved = True
    while improved and not budget.exhausted(share):
        improved = False
        budget.charge(len(eligibility.pairs) * FLOW_UNITS_PER_ARC)
        wish = _best_without_limits(eligibility, pair_of >= 0)
        for seed in _priority_seeds(eligibility, pair_of):
            if budget.exhausted(share):
                break
            budget.charge(len(pair_of) * 50 * SCAN_UNITS_PER_PAIR)
            region = _region(eligibility, pair_of, seed, REGION_SIZES[0], wish)
            better = _house_more(eligibility, side, pair_of, region, budget, share)
            if better is not None:
                pair_of, improved = better, True
    return pair_of


def _priority_seeds(eligibility: Eligibility, pair_of: np.ndarray) -> list[int]:
    """The unit of the best-fitting place of each applicant left out, in priority order, once each."""
    starts, seeds, seen = eligibility.starts(), [], set()
    for applicant in np.flatnonzero(pair_of < 0).tolist():
        if starts[applicant] < starts[applicant + 1]:
            pairs = np.arange(starts[applicant], starts[applicant + 1])
            unit = int(eligibility.unit[pairs[np.argmax(eligibility.fit[pairs])]])
            if unit not in seen:
                seen.add(unit)
                seeds.append(unit)
    return seeds


def _house_more(eligibility, side, pair_of: np.ndarray, region: set[int], budget: WorkBudget, share: float):
    """Residents of the region stay housed in it; the best-ranked candidates who could live
    there are housed lexicographically (weights 2^(k-1-t)). The new allocation, or None."""
    units = list(region)
    allowed = np.isin(eligibility.unit, units)
    housed = np.flatnonzero(pair_of >= 0)
    members = housed[np.isin(eligibility.unit[pair_of[housed]], units)].tolist()
    left_out = pair_of[eligibility.pairs.applicant] < 0
    candidates = np.unique(eligibility.pairs.applicant[allowed & left_out])[:CANDIDATES].tolist()
    if not candidates:
        return None
    model = PairModel(eligibility, side, members + candidates, forced=set(members), allowed=allowed)
    model.maximize_applicants({a: 2 ** (len(candidates) - 1 - t) for t, a in enumerate(candidates)})
    model.hint(pair_of)
    status, solved = model.solve(budget, min(REGION_LIMIT, budget.left(share)))
    if status not in ("OPTIMAL", "FEASIBLE") or not np.any(solved[candidates] >= 0):
        return None
    result = pair_of.copy()
    result[members + candidates] = solved[members + candidates]
    return result
