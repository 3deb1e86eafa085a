"""The optimal allocation without side constraints: one min-cost flow.

Network: source → applicant (capacity 1) → place (capacity 1, one arc per eligible pair)
→ sink. ``solve_max_flow_with_min_cost`` houses as many as possible at the least cost.

Why one flow gives FORMATS' two-stage optimum. The sets of applicants that can be housed
together are the independent sets of a transversal matroid. With a weight per applicant
that strictly decreases in priority order, the heaviest basis is the one the greedy method
builds in priority order, i.e. the lexicographically best housed set, whatever the weights
(it is also a maximum matching, so maximising the flow first is compatible with it). Each
source arc costs ``-M * weight`` and each pair arc ``-fit``. Two housed sets differ in
weight by at least 1, hence in cost by at least ``M``, while fits can move the total by
less than ``M`` (``M`` exceeds the widest possible spread of total fit), so fit only ever
chooses among allocations of the best set.

Integer range: with weights ``1..n`` (n applicants with an eligible pair) an arc costs at
most ``M * n + max|fit|`` in magnitude. OR-Tools' cost scaling multiplies costs by about the
number of nodes, so we need ``(M * n + max|fit|) * (nodes + 1) < 2**62``. For a 5,000 × 2,000
round, M is about 5·10^6 and the product about 2·10^14: far inside int64. Should a problem
ever exceed the bound, the two stages are solved as two flows instead (priority weights
only, then fit only among the chosen applicants), each well inside the range.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from allocator.matching.eligibility import Eligibility

SAFE_COST_PRODUCT = 2**62


@dataclass(frozen=True)
class Arcs:
    """The network as arrays; the first ``pairs`` arcs are the eligible pairs, in pair order."""

    tails: np.ndarray  # int32
    heads: np.ndarray  # int32
    capacities: np.ndarray  # int64
    costs: np.ndarray  # int64
    nodes: int
    pairs: int
    supply: int  # what the source offers: one unit per applicant


def applicant_weights(pair_applicant: np.ndarray, applicants: int) -> np.ndarray:
    """``weights[i]`` strictly decreasing in priority over applicants that have a pair, else 0."""
    has_pair = np.zeros(applicants, dtype=bool)
    has_pair[pair_applicant] = True
    competing = np.cumsum(has_pair[::-1])[::-1]  # applicants with a pair at or after i
    return np.where(has_pair, competing, 0).astype(np.int64)


def fit_spread(pair_applicant: np.ndarray, fit: np.ndarray, applicants: int) -> int:
    """An integer larger than the difference of total fit between any two allocations."""
    if len(fit) == 0:
        return 1
    best = np.full(applicants, np.iinfo(np.int64).min)
    worst = np.full(applicants, np.iinfo(np.int64).max)
    np.maximum.at(best, pair_applicant, fit)
    np.minimum.at(worst, pair_applicant, fit)
    present = best > np.iinfo(np.int64).min
    return 1 + int(np.maximum(best[present], 0).sum()) - int(np.minimum(worst[present], 0).sum())


def build_arcs(applicants: int, places: int, pair_applicant, pair_place, pair_cost, applicant_cost,
               unit_limit: tuple[np.ndarray, np.ndarray] | None = None) -> Arcs:
    """Source 0, applicants 1..n, places n+1..n+P, sink last.

    ``unit_limit``: optional (unit of each place, most residents per unit); then places lead
    to unit nodes n+P+1..n+P+U, which lead to the sink with that capacity.
    """
    first_place = applicants + 1
    tails = [pair_applicant + 1, np.zeros(applicants, np.int64)]
    heads = [pair_place + first_place, np.arange(1, applicants + 1)]
    capacities = [np.ones(len(pair_applicant) + applicants, np.int64)]
    if unit_limit is None:
        sink = first_place + places
        tails.append(np.arange(first_place, sink))
        heads.append(np.full(places, sink))
        capacities.append(np.ones(places, np.int64))
    else:
        place_unit, limit = unit_limit
        first_unit = first_place + places
        sink = first_unit + len(limit)
        tails += [np.arange(first_place, first_unit), np.arange(first_unit, sink)]
        heads += [place_unit + first_unit, np.full(len(limit), sink)]
        capacities += [np.ones(places, np.int64), np.asarray(limit, np.int64)]
    tails_all = np.concatenate(tails)
    costs = np.zeros(len(tails_all), np.int64)
    costs[: len(pair_applicant)] = pair_cost
    costs[len(pair_applicant): len(pair_applicant) + applicants] = applicant_cost
    return Arcs(tails_all.astype(np.int32), np.concatenate(heads).astype(np.int32), np.concatenate(capacities),
                costs, sink + 1, len(pair_applicant), applicants)


def solve_arcs(arcs: Arcs) -> np.ndarray:
    """Max flow at min cost; returns the flow on each pair arc (0 or 1)."""
    from ortools.graph.python import min_cost_flow

    network = min_cost_flow.SimpleMinCostFlow()
    network.add_arcs_with_capacity_and_unit_cost(arcs.tails, arcs.heads, arcs.capacities, arcs.costs)
    # The source may send as much as can reach the sink; the solver computes the maximum flow.
    network.set_node_supply(0, arcs.supply)
    network.set_node_supply(arcs.nodes - 1, -arcs.supply)
    status = network.solve_max_flow_with_min_cost()
    if status != network.OPTIMAL:
        raise RuntimeError(f"min-cost flow ended with status {status}")
    return np.asarray(network.flows(np.arange(arcs.pairs, dtype=np.int32)))


def _costs_fit_in_range(max_abs_cost: int, nodes: int) -> bool:
    return max_abs_cost * (nodes + 1) < SAFE_COST_PRODUCT


def allocation_arcs(eligibility: Eligibility, among: np.ndarray | None = None,
                    unit_limit: np.ndarray | None = None) -> Arcs | None:
    """The single-flow network of the module docstring, or None if its costs would not fit int64.

    ``among``: optional bool mask of the applicants that may be housed (others get no arcs).
    ``unit_limit``: optional most residents per unit (a relaxation of the side constraints).
    """
    n, places = len(eligibility.problem.applicants), len(eligibility.problem.places)
    keep = slice(None) if among is None else among[eligibility.pairs.applicant]
    applicant, place, fit = eligibility.pairs.applicant[keep], eligibility.pairs.place[keep], eligibility.fit[keep]
    weights = applicant_weights(applicant, n)
    spread = fit_spread(applicant, fit, n)
    max_abs_fit = int(np.abs(fit).max(initial=0))
    if not _costs_fit_in_range(spread * int(weights.max(initial=0)) + max_abs_fit, n + places + 2 + (
            0 if unit_limit is None else len(unit_limit))):
        return None
    limits = None if unit_limit is None else (eligibility.columns.place_unit, unit_limit)
    return build_arcs(n, places, applicant, place, -fit, -spread * weights, limits)


def solve_allocation(eligibility: Eligibility, among: np.ndarray | None = None,
                     unit_limit: np.ndarray | None = None) -> np.ndarray:
    """Indices of the chosen eligible pairs (sorted): the optimal allocation of FORMATS §1.

    With ``unit_limit`` (most residents per unit) it is the optimum of that relaxation.
    """
    n, places = len(eligibility.problem.applicants), len(eligibility.problem.places)
    pairs = np.arange(len(eligibility.pairs))
    if among is not None:
        pairs = pairs[among[eligibility.pairs.applicant]]
    arcs = allocation_arcs(eligibility, among, unit_limit)
    if arcs is not None:
        return pairs[solve_arcs(arcs) > 0]
    # Two flows: first the best set by priority alone, then the best fit for exactly that set.
    limits = None if unit_limit is None else (eligibility.columns.place_unit, unit_limit)
    applicant, place = eligibility.pairs.applicant[pairs], eligibility.pairs.place[pairs]
    weights = applicant_weights(applicant, n)
    first = solve_arcs(build_arcs(n, places, applicant, place, np.zeros(len(pairs), np.int64), -weights, limits))
    housed = np.zeros(n, dtype=bool)
    housed[applicant[first > 0]] = True
    keep = housed[applicant]
    second = solve_arcs(build_arcs(n, places, applicant[keep], place[keep], -eligibility.fit[pairs][keep],
                                   np.zeros(n, np.int64), limits))
    return pairs[keep][second > 0]
