"""Each staff member's own residents, solved exactly: the key-worker part of the schedule.

When every visit can be made by its key worker, the optimal schedule does exactly that (the
key-worker term comes before keeping and travel), and the problem falls apart into one small
problem per staff member: their own residents' visits in their own shifts. Each is solved
here to proven optimality, in the format's order (most visits, then most ``previous``
entries kept, then least travel):

1. :func:`shift_routes` enumerates every feasible route of one shift: a dynamic programme
   over sets of visits, growing routes one visit at a time and keeping, for each set and
   last visit, only labels (finishing time, travel, entries kept) that no other label beats
   on all three. A visit starts as early as it can, or exactly at its previous start (one
   more way to extend a route), so waiting is never needed otherwise.
2. :func:`own_schedule` lets CP-SAT pick at most one route per shift so that each visit is
   made at most once, the weekly minutes hold and a resident has one visit a day.

The solver starts from these routes. Exact for shifts that lie within one day (a visit's day
is then its shift's day); a staff member whose routes are too many to enumerate is skipped
(left to the search).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from ortools.sat.python import cp_model

from allocator.scheduling.options import Reach
from allocator.scheduling.plan import Plan, Route
from allocator.scheduling.problem import Problem, day_of

MAX_LABELS = 20_000  # per shift; beyond this the enumeration takes seconds in Python
WORK_PER_STAFF = 2.0  # CP-SAT deterministic time (not wall-clock, so results repeat)


@dataclass(frozen=True)
class ShiftRoute:
    visits: frozenset[int]
    kept: int
    travel: int  # round trip, base to base
    path: Route


@dataclass(frozen=True)
class OwnSchedule:
    routes: dict[int, Route]  # vehicle index → its route
    scheduled: int
    kept: int
    travel: int
    proven: bool


def _candidates(reach: Reach, k: int, visits: list[int],
                wanted: dict[int, int]) -> list[tuple[int, list[tuple[int, int, int]]]]:
    """The visits that fit in vehicle k alone, each with its start ranges (early, late, keeps)."""
    found = []
    for v in visits:
        ranges = [(f.early, f.late, 0) for f in reach.fits[v] if f.vehicle == k]
        want = wanted.get(v)
        if want is not None and any(early <= want <= late for early, late, _ in ranges):
            ranges.append((want, want, 1))
        if ranges:
            found.append((v, ranges))
    return found


def shift_routes(reach: Reach, k: int, visits: list[int], wanted: dict[int, int]) -> list[ShiftRoute]:
    """For every set of ``visits`` vehicle k can make, its best route (most kept, least travel).
    Raises OverflowError past ``MAX_LABELS``."""
    problem, vehicle = reach.problem, reach.vehicles[k]
    travel, base = problem.travel, problem.staff[vehicle.staff].base
    candidates = _candidates(reach, k, visits, wanted)
    where = [problem.visits[v].location for v, _ in candidates]
    duration = [problem.visits[v].duration for v, _ in candidates]
    residents = [problem.visits[v].resident for v, _ in candidates]
    clash = [sum(1 << j for j, r in enumerate(residents) if r == resident and j != i)
             for i, resident in enumerate(residents)]
    labels: dict[tuple[int, int], list[tuple[int, int, int]]] = {}
    best: dict[int, tuple[tuple[int, int], Route]] = {}
    frontier: list[tuple[int, int, int, int, int, Route]] = [(0, base, vehicle.shift.start, 0, 0, [])]
    while frontier:
        grown = []
        for mask, here, clock, so_far, kept, path in frontier:
            for i, (v, ranges) in enumerate(candidates):
                if mask >> i & 1 or mask & clash[i]:
                    continue
                arrive = clock + travel[here][where[i]]
                for early, late, keeps in ranges:
                    start = max(arrive, early)
                    if start <= late and _add_label(labels, (mask | 1 << i, i), start + duration[i],
                                                    so_far + travel[here][where[i]], kept + keeps):
                        grown.append((mask | 1 << i, where[i], start + duration[i], so_far + travel[here][where[i]],
                                      kept + keeps, [*path, (v, start)]))
        for mask, here, _, so_far, kept, path in grown:
            # A fit's latest start leaves time for the way home, so every label is a whole route.
            score = (kept, -(so_far + travel[here][base]))
            if mask not in best or score > best[mask][0]:
                best[mask] = (score, path)
        if len(labels) > MAX_LABELS:
            raise OverflowError("too many routes to enumerate")
        frontier = grown
    return [ShiftRoute(frozenset(v for v, _ in path), kept, -minus_travel, path)
            for (kept, minus_travel), path in best.values()]


def _add_label(labels: dict, key: tuple[int, int], clock: int, travel: int, kept: int) -> bool:
    """Keep (clock, travel, kept) unless a label of the same visits and last visit is no later, no
    longer and keeps no fewer; True if kept."""
    existing = labels.setdefault(key, [])
    if any(c <= clock and t <= travel and k >= kept for c, t, k in existing):
        return False
    existing[:] = [(c, t, k) for c, t, k in existing if not (clock <= c and travel <= t and kept >= k)]
    existing.append((clock, travel, kept))
    return True


def own_schedule(reach: Reach, staff: int, visits: list[int], wanted: dict[int, int], *,
                 all_required: bool) -> OwnSchedule | None:
    """Most of ``visits`` the staff member can make, then most kept, then least travel (None:
    cannot enumerate, or with ``all_required``, cannot make them all)."""
    problem = reach.problem
    try:
        routes = {k: shift_routes(reach, k, visits, wanted) for k in reach.vehicles_of_staff[staff]}
    except OverflowError:
        return None
    model = cp_model.CpModel()
    picks = [(k, route, model.new_bool_var(f"r{k}_{i}")) for k, found in routes.items()
             for i, route in enumerate(found)]
    covering: dict[int, list] = {v: [] for v in visits}
    by_day: dict[tuple[str, int], list] = {}
    for k, route, pick in picks:
        for v in route.visits:
            covering[v].append(pick)
            by_day.setdefault((problem.visits[v].resident, day_of(reach.vehicles[k].shift.start)), []).append(pick)
    for k in routes:
        model.add_at_most_one(pick for kk, _, pick in picks if kk == k)
    for v in visits:
        (model.add_exactly_one if all_required else model.add_at_most_one)(covering[v])
    for day_picks in by_day.values():
        model.add_at_most_one(day_picks)
    limit = problem.staff[staff].max_minutes
    if limit is not None:
        model.add(sum(sum(problem.visits[v].duration for v in route.visits) * pick for _, route, pick in picks)
                  <= limit)
    # Lexicographic: one more visit outweighs all kept and travel, one more kept all travel.
    per_kept = sum(route.travel for _, route, _ in picks) + 1
    per_visit = per_kept * (len(visits) + 1)
    model.maximize(sum((len(route.visits) * per_visit + route.kept * per_kept - route.travel) * pick
                       for _, route, pick in picks))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_deterministic_time = WORK_PER_STAFF
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    chosen = {k: route for k, route, pick in picks if solver.value(pick)}
    return OwnSchedule({k: route.path for k, route in chosen.items()}, sum(len(r.visits) for r in chosen.values()),
                       sum(r.kept for r in chosen.values()), sum(r.travel for r in chosen.values()),
                       status == cp_model.OPTIMAL)


def shifts_within_days(problem: Problem) -> bool:
    return all(day_of(s.start) == day_of(s.end - 1) for member in problem.staff for s in member.shifts)


def own_visits(problem: Problem) -> dict[int, list[int]]:
    """Staff index → the visits whose key worker they are."""
    own: dict[int, list[int]] = {s: [] for s in range(len(problem.staff))}
    for v, key_worker in enumerate(problem.key_worker_index):
        if key_worker is not None:
            own[key_worker].append(v)
    return own


def own_schedules(reach: Reach, stop_at: float | None = None) -> dict[int, OwnSchedule]:
    """Each staff member's exact own schedule, for those solved before ``stop_at`` (a
    ``time.monotonic()`` value); empty if a shift crosses midnight."""
    if not shifts_within_days(reach.problem):
        return {}
    wanted = reach.wanted_starts()
    schedules = {}
    for staff, visits in own_visits(reach.problem).items():
        if stop_at is not None and time.monotonic() > stop_at:
            break
        solved = own_schedule(reach, staff, visits, wanted.get(staff, {}), all_required=False) if visits else None
        if solved is not None:
            schedules[staff] = solved
    return schedules


def key_worker_plan(problem: Problem, schedules: dict[int, OwnSchedule]) -> tuple[Plan, bool]:
    """The own schedules together (as a plan), and whether that is proven optimal for the whole
    problem: every visit made by its key worker, each part solved to optimality, and the parts
    independent (each resident's visits share one key worker)."""
    plan = {k: list(path) for solved in schedules.values() for k, path in solved.routes.items()}
    everything = all(solved.proven for solved in schedules.values()) and one_key_worker_per_resident(problem)
    return plan, everything and sum(map(len, plan.values())) == len(problem.visits)


def one_key_worker_per_resident(problem: Problem) -> bool:
    """True when all of each resident's visits have the same key worker: then the one-visit-a-day
    rule lies inside one staff member's part and the parts are truly independent."""
    key_worker: dict[str, str | None] = {}
    return all(key_worker.setdefault(visit.resident, visit.key_worker) == visit.key_worker
               for visit in problem.visits)
