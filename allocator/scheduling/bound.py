"""The least travel of a schedule that gives every visit its key worker, solved exactly.

When every visit can be made by its key worker, the optimal schedule does exactly that (the
key-worker term comes before travel), and the problem falls apart into one small problem per
staff member: their own residents' visits, their own shifts. Each is solved to proven
optimality here, by enumerating every feasible route of each shift (a dynamic programme over
subsets of visits with Pareto labels of finishing time and travel) and choosing one route per
shift with CP-SAT. The sum is the least possible travel, against which the benchmark measures
the solver. ``None`` when some visit cannot be made by its key worker at all.

Exact for shifts that lie within one day (then a visit's day is its shift's day); other
problems are not handled (``None``). Meant for benchmark sizes: a few dozen visits per person.
"""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from allocator.scheduling.options import Vehicle, day_pieces, key_worker_of, vehicles_of
from allocator.scheduling.problem import Problem, day_of


@dataclass(frozen=True)
class Route:
    visits: frozenset[int]
    travel: int


@dataclass(frozen=True)
class KeyWorkerBound:
    travel_minutes: int  # least total travel with every visit made by its key worker
    proven: bool  # every per-staff problem solved to optimality


def shift_routes(problem: Problem, vehicle: Vehicle, candidates: list[int]) -> dict[frozenset[int], int]:
    """Every set of ``candidates`` one shift can make, with its least round-trip travel."""
    base = problem.staff[vehicle.staff].base
    candidates = [v for v in candidates if _finish(problem, vehicle, base, vehicle.shift.start, v) is not None]
    labels: dict[tuple[frozenset[int], int], list[tuple[int, int]]] = {}
    frontier = []
    for v in candidates:
        finish = _finish(problem, vehicle, base, vehicle.shift.start, v)
        if finish is not None:
            frontier.append((frozenset([v]), v, finish, problem.travel[base][problem.visits[v].location]))
    best: dict[frozenset[int], int] = {frozenset(): 0}
    while frontier:
        grown = []
        for visits, last, clock, travel in frontier:
            if not _add_label(labels, (visits, last), clock, travel):
                continue
            here = problem.visits[last].location
            if clock + problem.travel[here][base] <= vehicle.shift.end:
                best[visits] = min(best.get(visits, 1 << 60), travel + problem.travel[here][base])
            for v in candidates:
                if v in visits:
                    continue
                finish = _finish(problem, vehicle, here, clock, v)
                if finish is not None:
                    grown.append((visits | {v}, v, finish, travel + problem.travel[here][problem.visits[v].location]))
        frontier = grown
    return best


def _finish(problem: Problem, vehicle: Vehicle, here: int, clock: int, v: int) -> int | None:
    """When visit v ends if started as early as possible after leaving ``here`` at ``clock``."""
    visit = problem.visits[v]
    if not problem.staff[vehicle.staff].has_skill(visit.skill):
        return None
    arrive = clock + problem.travel[here][visit.location]
    for early, late in day_pieces(visit):
        start = max(arrive, early)
        if start <= min(late, vehicle.shift.end - visit.duration):
            return start + visit.duration
    return None


def _add_label(labels: dict, key: tuple, clock: int, travel: int) -> bool:
    """Keep (clock, travel) unless an existing label is no later and no longer; True if kept."""
    existing = labels.setdefault(key, [])
    if any(c <= clock and t <= travel for c, t in existing):
        return False
    existing[:] = [(c, t) for c, t in existing if not (clock <= c and travel <= t)] + [(clock, travel)]
    return True


def staff_least_travel(problem: Problem, staff: int, visits: list[int]) -> tuple[int, bool] | None:
    """Least travel for ``staff`` to make all of ``visits`` (proven?), or None if they cannot."""
    if not visits:
        return 0, True
    shifts = [v for v in vehicles_of(problem) if v.staff == staff]
    member = problem.staff[staff]
    if member.max_minutes is not None and sum(problem.visits[v].duration for v in visits) > member.max_minutes:
        return None
    model = cp_model.CpModel()
    chosen: list[tuple[Vehicle, frozenset[int], cp_model.IntVar, int]] = []
    for k, vehicle in enumerate(shifts):
        routes = shift_routes(problem, vehicle, visits)
        picks = [(vehicle, route, model.new_bool_var(f"r{k}_{i}"), travel)
                 for i, (route, travel) in enumerate(sorted(routes.items(), key=_route_key)) if route]
        model.add_at_most_one(pick for _, _, pick, _ in picks)
        chosen.extend(picks)
    for v in visits:
        model.add_exactly_one(pick for _, route, pick, _ in chosen if v in route)
    by_day: dict[tuple[str, int], list[cp_model.IntVar]] = {}
    for vehicle, route, pick, _ in chosen:
        for resident in {problem.visits[v].resident for v in route}:
            by_day.setdefault((resident, day_of(vehicle.shift.start)), []).append(pick)
        if len({problem.visits[v].resident for v in route}) < len(route):
            model.add(pick == 0)  # two visits of one resident in one shift: the same day
    for picks in by_day.values():
        model.add_at_most_one(picks)
    model.minimize(sum(travel * pick for _, _, pick, travel in chosen))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 60
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return round(solver.objective_value), status == cp_model.OPTIMAL


def _route_key(item: tuple[frozenset[int], int]) -> tuple[list[int], int]:
    return sorted(item[0]), item[1]


def key_worker_bound(problem: Problem) -> KeyWorkerBound | None:
    """Least total travel with every visit made by its key worker, or None if that cannot be."""
    if any(day_of(s.start) != day_of(s.end - 1) for member in problem.staff for s in member.shifts):
        return None
    own: dict[int, list[int]] = {s: [] for s in range(len(problem.staff))}
    for v, visit in enumerate(problem.visits):
        key_worker = key_worker_of(problem, visit)
        if key_worker is None:
            return None
        own[key_worker].append(v)
    total, proven = 0, True
    for staff, visits in own.items():
        solved = staff_least_travel(problem, staff, visits)
        if solved is None:
            return None
        total, proven = total + solved[0], proven and solved[1]
    return KeyWorkerBound(total, proven)
