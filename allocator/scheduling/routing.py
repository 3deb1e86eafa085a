"""The routing model handed to PyVRP: every rule of a single shift held exactly, the
objective strictly in the format's order.

*Vehicles.* One PyVRP vehicle type per staff shift: it starts and ends at the staff member's
base, the shift is its time window.

*Clients.* One optional client per start option (:mod:`options`); the options of a visit form
a mutually exclusive group, so at most one of them is made. All vehicles share one travel
matrix over the physical locations (bases and homes): no cost in the model depends on who
travels, so nothing is copied per staff member.

*Who may make what* is a hard rule of the model, held by load dimensions (PyVRP returns only
solutions without excess load). Dimension 0 holds visit minutes (a shift's capacity, or its
share of the weekly minutes). Then one dimension per skill that some staff member lacks: a
client needing the skill loads 1 there, and a staff member without it has capacity 0. Then
the *reservation code*: a key-worker or kept option belongs to one staff member. Each such
staff member gets a different set ``B`` of ``n`` dimensions, all of the same size (so no set
contains another); their options load 1 on each dimension of ``B``; a vehicle has ample
capacity on the dimensions of its own staff member's set and 0 on the rest. A reserved option
fits vehicle ``t`` only if its set lies inside ``t``'s, which among equal-sized sets means
the same set: the same staff member. ``n`` is the smallest with C(n, ⌈n/2⌉) sets enough for
everyone (9 dimensions serve 126 staff members).

*Objective.* Travel costs one unit a minute; each option carries a prize:

* ``prize`` for any visit made;
* plus ``key_worker`` on a key-worker option (and on a kept option whose staff member is the
  key worker);
* plus ``kept`` on a kept option.

Minimising travel minus prizes is the format's lexicographic order when each weight exceeds
the largest possible total of everything after it (:func:`weights_for`): no amount of a later
term can pay for one unit of an earlier one. :func:`model_cost` is that cost for given
objective numbers, for the test that proves the order.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
from pyvrp import Activity, ActivityType, Client, ClientGroup, Depot, Location, ProblemData, VehicleType

from allocator.scheduling.options import Reach, StartOption, Vehicle
from allocator.scheduling.problem import Objective, Problem, day_of


@dataclass(frozen=True)
class Weights:
    kept: int
    key_worker: int
    prize: int


def travel_bound(problem: Problem, vehicles: list[Vehicle]) -> int:
    """An upper bound on total travel: each leg is at most the longest travel time, and a schedule
    has one leg into each visit plus one home from each shift with visits (so at most two per
    visit); nor can a shift travel longer than it lasts."""
    longest = max((max(row) for row in problem.travel), default=0)
    legs = longest * (2 * len(problem.visits))
    return min(legs, sum(v.shift.end - v.shift.start for v in vehicles))


def weights_for(bound: int, keepable: int, with_key_worker: int) -> Weights:
    """Lexicographic weights: ``kept`` exceeds any total travel; ``key_worker`` exceeds any total
    of kept and travel (``keepable`` entries at most); ``prize`` exceeds any total of key-worker
    (``with_key_worker`` visits at most), kept and travel."""
    kept = bound + 1
    key_worker = kept * (keepable + 1)
    return Weights(kept, key_worker, key_worker * (with_key_worker + 1))


def model_cost(w: Weights, objective: Objective) -> int:
    """What the model's search minimises for a schedule with these objective numbers."""
    return (objective.travel_minutes - w.prize * objective.scheduled - w.key_worker * objective.with_key_worker
            - w.kept * objective.kept)


def option_prize(problem: Problem, w: Weights, option: StartOption) -> int:
    prize = w.prize
    if option.staff is not None and option.staff == problem.key_worker_index[option.visit]:
        prize += w.key_worker
    return prize + (w.kept if option.keeps else 0)


@dataclass(frozen=True)
class RoutingModel:
    data: ProblemData
    options: list[StartOption]  # client i is options[i]
    vehicles: list[Vehicle]  # vehicle type i is vehicles[i]
    weights: Weights
    banned: frozenset[tuple[int, int]]  # (visit, day) pairs whose options can never be made


def reservation_codes(staff: list[int]) -> tuple[int, dict[int, tuple[int, ...]]]:
    """(number of dimensions n, staff index → its set of dimensions), as the module docstring says."""
    if not staff:
        return 0, {}
    n = 1
    while math.comb(n, (n + 1) // 2) < len(staff):
        n += 1
    sets = itertools.combinations(range(n), (n + 1) // 2)
    return n, dict(zip(sorted(staff), sets, strict=False))


def build_model(reach: Reach, options: list[StartOption], caps: list[int],
                banned: set[tuple[int, int]] = frozenset()) -> RoutingModel:
    """PyVRP data for these options; ``caps`` are the visit minutes each vehicle may take;
    the options of ``banned`` (visit, day) pairs stay in the model (so that its clients, and
    their neighbourhood, are the same in every search) but can never be made: their window
    lies after every shift, and they earn nothing."""
    problem, vehicles = reach.problem, reach.vehicles
    after_every_shift = max(v.shift.end for v in vehicles) + 1
    w = weights_for(travel_bound(problem, vehicles), len(reach.keepable),
                    sum(k is not None for k in problem.key_worker_index))
    bases = sorted({problem.staff[v.staff].base for v in vehicles})
    places = bases + sorted({problem.visits[o.visit].location for o in options} - set(bases))
    place_of = {location: i for i, location in enumerate(places)}
    everyone = set.intersection(*(set(m.skills) for m in problem.staff)) if problem.staff else set()
    skills = sorted({problem.visits[o.visit].skill for o in options} - {None} - everyone)
    n, codes = reservation_codes(sorted({o.staff for o in options if o.staff is not None}))
    ample = len(options) + 1  # more than any route's total on a 0/1 dimension
    index = np.array(places, dtype=np.int64)
    travel = np.asarray(problem.travel, dtype=np.int64)[np.ix_(index, index)]
    groups = _groups(options)
    group_of = {i: g for g, members in enumerate(groups) for i in members}
    data = ProblemData(
        locations=[Location(0, 0) for _ in places],
        clients=[_client(problem, w, o, place_of[problem.visits[o.visit].location], group_of.get(i), skills,
                         codes.get(o.staff, ()), n, after_every_shift if (o.visit, day_of(o.early)) in banned else None)
                 for i, o in enumerate(options)],
        depots=[Depot(location=i) for i in range(len(bases))],
        vehicle_types=[_vehicle_type(problem, v, cap, bases.index(problem.staff[v.staff].base), skills,
                                     codes, n, ample)
                       for v, cap in zip(vehicles, caps, strict=True)],
        distance_matrices=[travel],
        duration_matrices=[travel],
        groups=[ClientGroup(clients=members, required=False) for members in groups],
    )
    return RoutingModel(data, options, vehicles, w, frozenset(banned))


def _client(problem: Problem, w: Weights, option: StartOption, place: int, group: int | None,
            skills: list[str], code: tuple[int, ...], n: int, never: int | None) -> Client:
    visit = problem.visits[option.visit]
    load = [visit.duration, *(int(visit.skill == skill) for skill in skills), *(int(d in code) for d in range(n))]
    if never is not None:
        return Client(location=place, delivery=load, service_duration=visit.duration, tw_early=never, tw_late=never,
                      prize=0, required=False, group=group)
    return Client(location=place, delivery=load, service_duration=visit.duration, tw_early=option.early,
                  tw_late=option.late, prize=option_prize(problem, w, option), required=False, group=group)


def _vehicle_type(problem: Problem, vehicle: Vehicle, cap: int, depot: int, skills: list[str],
                  codes: dict[int, tuple[int, ...]], n: int, ample: int) -> VehicleType:
    member = problem.staff[vehicle.staff]
    code = codes.get(vehicle.staff, ())
    capacity = [cap, *(ample if skill in member.skills else 0 for skill in skills),
                *(ample if d in code else 0 for d in range(n))]
    return VehicleType(num_available=1, capacity=capacity, start_depot=depot, end_depot=depot,
                       tw_early=vehicle.shift.start, tw_late=vehicle.shift.end)


def _groups(options: list[StartOption]) -> list[list[int]]:
    """The clients of each visit that has several options (mutually exclusive in PyVRP)."""
    members: dict[int, list[int]] = {}
    for i, option in enumerate(options):
        members.setdefault(option.visit, []).append(i)
    return [indices for indices in members.values() if len(indices) > 1]


NEIGHBOURS = 50  # as PyVRP's default granular neighbourhood
WAIT_WEIGHT, WARP_WEIGHT = 0.2, 1.0  # PyVRP's default weights of the time terms
ROWS_AT_ONCE = 256  # rows of the proximity worked out together (bounds the memory used)


def neighbours(reach: Reach, options: list[StartOption]) -> dict[Activity, list[Activity]]:
    """Each option's nearest options for PyVRP's granular search, as PyVRP measures nearness:
    travel plus the least waiting and time warp between the two windows, the smaller of the
    two directions; never an option of the same visit, nor one too far apart in time to share
    a shift. Worked out once per set of options (PyVRP's own function compares all pairs, for
    every search: 4 s at 1,000 visits), in blocks of options close in time."""
    problem = reach.problem
    order = sorted(range(len(options)), key=lambda i: (options[i].early, i))
    early = np.array([options[i].early for i in order], dtype=np.float64)
    late = np.array([options[i].late for i in order], dtype=np.float64)
    service = np.array([problem.visits[options[i].visit].duration for i in order], dtype=np.float64)
    visit = np.array([options[i].visit for i in order], dtype=np.int64)
    places = np.array([problem.visits[options[i].visit].location for i in order], dtype=np.int64)
    travel = np.asarray(problem.travel, dtype=np.float64)
    apart = max((v.shift.end - v.shift.start for v in reach.vehicles), default=0) + float(np.max(late - early,
                                                                                                initial=0))
    activity = [Activity(ActivityType.CLIENT, i) for i in order]
    found: dict[Activity, list[Activity]] = {}
    for first in range(0, len(order), ROWS_AT_ONCE):
        rows = np.arange(first, min(len(order), first + ROWS_AT_ONCE))
        columns = np.arange(np.searchsorted(early, early[rows[0]] - apart, side="left"),
                            np.searchsorted(early, late[rows].max() + apart, side="right"))
        there = travel[np.ix_(places[rows], places[columns])]  # row option → each column option
        back = travel[np.ix_(places[columns], places[rows])].T  # each column option → row option
        e, s, lt = early[columns][None, :], service[columns][None, :], late[columns][None, :]
        onward = there + WAIT_WEIGHT * np.maximum(e - service[rows, None] - there - late[rows, None], 0) \
            + WARP_WEIGHT * np.maximum(early[rows, None] + service[rows, None] + there - lt, 0)
        backward = back + WAIT_WEIGHT * np.maximum(early[rows, None] - s - back - lt, 0) \
            + WARP_WEIGHT * np.maximum(e + s + back - late[rows, None], 0)
        proximity = np.minimum(onward, backward)
        proximity[visit[rows, None] == visit[columns][None, :]] = np.inf  # itself and its alternatives
        count = min(NEIGHBOURS, len(columns))
        for r, row in zip(rows.tolist(), proximity, strict=True):
            nearest = np.argpartition(row, count - 1)[:count] if count > 0 else np.zeros(0, dtype=np.int64)
            nearest = nearest[np.isfinite(row[nearest])]
            nearest = nearest[np.lexsort((columns[nearest], row[nearest]))]
            found[activity[r]] = [activity[j] for j in columns[nearest].tolist()]
    return found
