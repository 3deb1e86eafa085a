"""The routing model handed to PyVRP, and reading its answer back.

One PyVRP vehicle type per staff shift (start and end at the staff member's base, the shift
as its time window). One optional client per start option; the options of a visit form a
mutually exclusive group, so at most one is made. The format's objective, strictly in order,
becomes one cost with weights far enough apart that no amount of a later term can pay for
one unit of an earlier one:

* each visit made collects ``prize`` (dropping a visit is the only way to lose it);
* entering a visit whose key worker is someone else costs ``key_worker``;
* entering a visit by any option but the one that keeps its previous entry costs ``kept``;
* travel minutes cost 1 each; ``kept`` exceeds the total length of all shifts, which
  bounds total travel.

These per-staff surcharges live in one distance matrix (PyVRP *profile*) per staff member;
a staff member without the visit's skill sees a distance larger than the prize, so making
the visit with them is never worth it (and the final check refuses it anyway). Profile 0
holds plain travel: PyVRP builds its neighbourhoods from it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pyvrp import Client, ClientGroup, Depot, Location, ProblemData, VehicleType

from allocator.scheduling.options import StartOption, Vehicle, key_worker_of
from allocator.scheduling.problem import Problem


@dataclass(frozen=True)
class Weights:
    kept: int
    key_worker: int
    prize: int
    forbidden: int


def weights_for(problem: Problem, vehicles: list[Vehicle], keepable: int) -> Weights:
    """Lexicographic weights: each exceeds the largest possible total of everything below it."""
    kept = sum(v.shift.end - v.shift.start for v in vehicles) + 1
    key_worker = kept * (keepable + 1)
    with_key_worker = sum(key_worker_of(problem, visit) is not None for visit in problem.visits)
    prize = key_worker * (with_key_worker + 1)
    return Weights(kept, key_worker, prize, 2 * prize)


@dataclass(frozen=True)
class RoutingModel:
    data: ProblemData
    options: list[StartOption]  # client i is options[i]
    vehicles: list[Vehicle]  # vehicle type i is vehicles[i]
    weights: Weights


def _surcharges(problem: Problem, options: list[StartOption], keepable: set[int],
                w: Weights) -> np.ndarray:
    """``cost[s, i]``: what entering client i costs staff member s on top of travel."""
    cost = np.zeros((len(problem.staff), len(options)), dtype=np.int64)
    for i, option in enumerate(options):
        visit = problem.visits[option.visit]
        key_worker = key_worker_of(problem, visit)
        for s, member in enumerate(problem.staff):
            if not member.has_skill(visit.skill) or option.kept_staff not in (None, s):
                cost[s, i] = w.forbidden
                continue
            if key_worker is not None and key_worker != s:
                cost[s, i] += w.key_worker
            if option.visit in keepable and option.kept_staff is None:
                cost[s, i] += w.kept
    return cost


def build_model(problem: Problem, vehicles: list[Vehicle], options: list[StartOption],
                keepable: set[int], caps: list[int]) -> RoutingModel:
    """PyVRP data: depots = distinct bases, then one location per visit (and per kept option)."""
    w = weights_for(problem, vehicles, len(keepable))
    bases = sorted({problem.staff[v.staff].base for v in vehicles})
    depot_of = {base: i for i, base in enumerate(bases)}
    surcharge = _surcharges(problem, options, keepable, w)
    # The options of one visit are never in one route together (they exclude each other), so
    # they can share a PyVRP location; that keeps the per-staff matrices small. Other visits
    # get their own, since a surcharge on entering a location is lost between two clients at it.
    location_of: dict[tuple[int, int | None], int] = {}
    places, columns = list(bases), [np.zeros(len(problem.staff), dtype=np.int64)] * len(bases)
    client_location = []
    for i, option in enumerate(options):
        key = (option.visit, option.kept_staff)
        if key not in location_of:
            location_of[key] = len(places)
            places.append(problem.visits[option.visit].location)
            columns.append(surcharge[:, i])
        client_location.append(location_of[key])
    index = np.array(places, dtype=np.int64)
    travel = np.asarray(problem.travel, dtype=np.int64)[np.ix_(index, index)]
    extra = np.stack(columns, axis=1)  # staff × locations
    distances = [travel] + [_with_zero_diagonal(travel + extra[s][None, :]) for s in range(len(problem.staff))]
    data = ProblemData(
        locations=[Location(0, 0) for _ in places],
        clients=_clients(problem, options, client_location, w.prize),
        depots=[Depot(location=i) for i in range(len(bases))],
        vehicle_types=[
            VehicleType(num_available=1, capacity=[cap], start_depot=depot_of[problem.staff[v.staff].base],
                        end_depot=depot_of[problem.staff[v.staff].base], tw_early=v.shift.start,
                        tw_late=v.shift.end, profile=v.staff + 1)
            for v, cap in zip(vehicles, caps, strict=True)
        ],
        distance_matrices=distances,
        duration_matrices=[travel] * len(distances),
        groups=_groups(options),
    )
    return RoutingModel(data, options, vehicles, w)


def _group_of(options: list[StartOption]) -> tuple[dict[int, int], list[list[int]]]:
    """Client → group index, and the groups: the options of each visit that has several."""
    members: dict[int, list[int]] = {}
    for i, option in enumerate(options):
        members.setdefault(option.visit, []).append(i)
    groups = [indices for indices in members.values() if len(indices) > 1]
    return {i: g for g, indices in enumerate(groups) for i in indices}, groups


def _groups(options: list[StartOption]) -> list[ClientGroup]:
    return [ClientGroup(clients=indices, required=False) for indices in _group_of(options)[1]]


def _clients(problem: Problem, options: list[StartOption], locations: list[int], prize: int) -> list[Client]:
    group_of = _group_of(options)[0]
    return [
        Client(location=locations[i], delivery=[problem.visits[o.visit].duration],
               service_duration=problem.visits[o.visit].duration, tw_early=o.early, tw_late=o.late,
               prize=prize, required=False, group=group_of.get(i))
        for i, o in enumerate(options)
    ]


def _with_zero_diagonal(matrix: np.ndarray) -> np.ndarray:
    np.fill_diagonal(matrix, 0)
    return matrix
