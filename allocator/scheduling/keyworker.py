"""Each staff member's own residents, solved exactly: the key-worker part of the schedule.

When every visit can be made by its key worker, the optimal schedule does exactly that (the
key-worker term comes before travel), and the problem falls apart into one small problem per
staff member: their own residents' visits, their own shifts. Each is solved here to proven
optimality: every feasible route of each shift is enumerated (a dynamic programme over sets
of visits with Pareto labels of finishing time and travel), then CP-SAT picks one route per
shift (most visits, then least travel) under the weekly minutes and one visit per resident a
day. The solver starts from these routes; the benchmark uses their travel as the least
possible.

Exact for shifts that lie within one day (a visit's day is then its shift's day); a staff
member whose routes are too many to enumerate is skipped (left to the search).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from ortools.sat.python import cp_model

from allocator.scheduling.options import Vehicle, day_pieces, key_worker_of, vehicles_of
from allocator.scheduling.problem import Problem, day_of

MAX_LABELS = 10_000  # per shift; beyond this the enumeration takes seconds in Python
WORK_PER_STAFF = 2.0  # CP-SAT deterministic time (not wall-clock, so results repeat)

Path = tuple[tuple[int, int], ...]  # (visit, start) in time order


@dataclass(frozen=True)
class OwnSchedule:
    routes: dict[int, Path]  # vehicle index → its route
    scheduled: int
    travel: int
    proven: bool


def shift_routes(problem: Problem, vehicle: Vehicle, candidates: list[int]) -> dict[frozenset[int], tuple[int, Path]]:
    """Every set of ``candidates`` one shift can make → (least round-trip travel, that route).
    Raises OverflowError past ``MAX_LABELS``."""
    base = problem.staff[vehicle.staff].base
    candidates = [v for v in candidates if _start(problem, vehicle, base, vehicle.shift.start, v) is not None]
    labels: dict[tuple[frozenset[int], int], list[tuple[int, int]]] = {}
    best: dict[frozenset[int], tuple[int, Path]] = {frozenset(): (0, ())}
    frontier: list[tuple[frozenset[int], int, int, int, Path]] = [(frozenset(), base, vehicle.shift.start, 0, ())]
    while frontier:
        grown = []
        for visits, here, clock, travel, path in frontier:
            for v in candidates:
                start = None if v in visits else _start(problem, vehicle, here, clock, v)
                if start is None:
                    continue
                visit = problem.visits[v]
                label = (visits | {v}, v, start + visit.duration, travel + problem.travel[here][visit.location],
                         (*path, (v, start)))
                if _add_label(labels, label[0], v, label[2], label[3]):
                    grown.append((label[0], visit.location, label[2], label[3], label[4]))
        for visits, here, clock, travel, path in grown:
            back = travel + problem.travel[here][base]
            if clock + problem.travel[here][base] <= vehicle.shift.end and back < best.get(visits, (1 << 60,))[0]:
                best[visits] = (back, path)
        if len(labels) > MAX_LABELS:
            raise OverflowError("too many routes to enumerate")
        frontier = grown
    return best


def _start(problem: Problem, vehicle: Vehicle, here: int, clock: int, v: int) -> int | None:
    """Earliest start of visit v after leaving ``here`` at ``clock``, inside a window and the shift."""
    visit = problem.visits[v]
    if not problem.staff[vehicle.staff].has_skill(visit.skill):
        return None
    arrive = clock + problem.travel[here][visit.location]
    for early, late in day_pieces(visit):
        start = max(arrive, early)
        if start <= min(late, vehicle.shift.end - visit.duration):
            return start
    return None


def _add_label(labels: dict, visits: frozenset[int], last: int, clock: int, travel: int) -> bool:
    """Keep (clock, travel) unless a label of the same visits and last visit is no later and no
    longer; True if kept."""
    existing = labels.setdefault((visits, last), [])
    if any(c <= clock and t <= travel for c, t in existing):
        return False
    existing[:] = [(c, t) for c, t in existing if not (clock <= c and travel <= t)] + [(clock, travel)]
    return True


def own_schedule(problem: Problem, staff: int, visits: list[int], *, all_required: bool) -> OwnSchedule | None:
    """Most of ``visits`` the staff member can make, then least travel (None: cannot enumerate,
    or with ``all_required``, cannot make them all)."""
    vehicles = vehicles_of(problem)
    mine = [k for k, vehicle in enumerate(vehicles) if vehicle.staff == staff]
    try:
        routes = {k: shift_routes(problem, vehicles[k], visits) for k in mine}
    except OverflowError:
        return None
    model = cp_model.CpModel()
    picks = [(k, path, travel, model.new_bool_var(f"r{k}_{i}"))
             for k in mine for i, (travel, path) in enumerate(sorted(routes[k].values())) if path]
    for k in mine:
        model.add_at_most_one(pick for kk, _, _, pick in picks if kk == k)
    for v in visits:
        covering = [pick for _, path, _, pick in picks if any(u == v for u, _ in path)]
        (model.add_exactly_one if all_required else model.add_at_most_one)(covering)
    _week_rules(problem, staff, vehicles, picks, model)
    made = sum(len(path) * pick for _, path, _, pick in picks)
    travel = sum(travel * pick for _, _, travel, pick in picks)
    bound = sum(travel for _, _, travel, _ in picks) + 1  # one more visit outweighs any travel
    model.maximize(made * bound - travel)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_deterministic_time = WORK_PER_STAFF
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    chosen = {k: path for k, path, _, pick in picks if solver.value(pick)}
    return OwnSchedule(chosen, sum(map(len, chosen.values())), sum(t for _, _, t, p in picks if solver.value(p)),
                       status == cp_model.OPTIMAL)


def _week_rules(problem: Problem, staff: int, vehicles: list[Vehicle], picks: list, model: cp_model.CpModel) -> None:
    """Weekly minutes, and one visit per resident a day (a route's day is its shift's day)."""
    limit = problem.staff[staff].max_minutes
    if limit is not None:
        model.add(sum(sum(problem.visits[v].duration for v, _ in path) * pick for _, path, _, pick in picks) <= limit)
    by_day: dict[tuple[str, int], list] = {}
    for k, path, _, pick in picks:
        residents = [problem.visits[v].resident for v, _ in path]
        if len(set(residents)) < len(residents):
            model.add(pick == 0)
        for resident in set(residents):
            by_day.setdefault((resident, day_of(vehicles[k].shift.start)), []).append(pick)
    for day_picks in by_day.values():
        model.add_at_most_one(day_picks)


def shifts_within_days(problem: Problem) -> bool:
    return all(day_of(s.start) == day_of(s.end - 1) for member in problem.staff for s in member.shifts)


def own_visits(problem: Problem) -> dict[int, list[int]]:
    """Staff index → the visits whose key worker they are."""
    own: dict[int, list[int]] = {s: [] for s in range(len(problem.staff))}
    for v, visit in enumerate(problem.visits):
        key_worker = key_worker_of(problem, visit)
        if key_worker is not None:
            own[key_worker].append(v)
    return own


def own_schedules(problem: Problem, stop_at: float | None = None) -> dict[int, OwnSchedule]:
    """Each staff member's exact own schedule (most own visits, then least travel), for those
    solved before ``stop_at`` (a ``time.monotonic()`` value); empty if a shift crosses midnight."""
    if not shifts_within_days(problem):
        return {}
    schedules = {}
    for staff, visits in own_visits(problem).items():
        if stop_at is not None and time.monotonic() > stop_at:
            break
        solved = own_schedule(problem, staff, visits, all_required=False) if visits else None
        if solved is not None:
            schedules[staff] = solved
    return schedules


def key_worker_plan(problem: Problem,
                    schedules: dict[int, OwnSchedule]) -> tuple[dict[int, list[tuple[int, int]]], bool]:
    """The own schedules together (as a plan), and whether that is proven optimal for the whole
    problem: every visit made by its key worker, each part solved to optimality."""
    plan = {k: list(path) for solved in schedules.values() for k, path in solved.routes.items()}
    everything = all(solved.proven for solved in schedules.values()) and one_key_worker_per_resident(problem)
    return plan, everything and sum(map(len, plan.values())) == len(problem.visits)


def one_key_worker_per_resident(problem: Problem) -> bool:
    """True when all of each resident's visits have the same key worker: then the one-visit-a-day
    rule lies inside one staff member's part and the parts are truly independent."""
    key_worker: dict[str, str | None] = {}
    return all(key_worker.setdefault(visit.resident, visit.key_worker) == visit.key_worker
               for visit in problem.visits)


def key_worker_bound(problem: Problem) -> tuple[int, bool] | None:
    """Least total travel with every visit made by its key worker (proven?), or None if no
    schedule does that (or it could not be worked out)."""
    if (not shifts_within_days(problem) or not one_key_worker_per_resident(problem)
            or any(key_worker_of(problem, v) is None for v in problem.visits)):
        return None
    total, proven = 0, True
    for staff, visits in own_visits(problem).items():
        solved = own_schedule(problem, staff, visits, all_required=True) if visits else OwnSchedule({}, 0, 0, True)
        if solved is None:
            return None
        total, proven = total + solved.travel, proven and solved.proven
    return total, proven
