"""Start times along one shift, and the objective of a whole schedule.

A *route* is the ordered list of start options one shift makes. Its start times are found
by a forward pass (earliest possible starts) and a backward pass (latest possible starts);
between the two, a visit whose previous entry was with this staff member takes its old start
minute where that fits, so that published times stay put.
"""

from __future__ import annotations

from allocator.scheduling.options import StartOption, Vehicle
from allocator.scheduling.problem import Assignment, Objective, Problem


def route_times(problem: Problem, vehicle: Vehicle, route: list[StartOption],
                wanted: dict[int, int] | None = None) -> list[int] | None:
    """Start minute of each option in order, or None if the route cannot be driven in its shift.

    ``wanted`` maps a visit to the start minute it should keep when possible.
    """
    latest = _latest_starts(problem, vehicle, route)
    if latest is None:
        return None
    base = problem.staff[vehicle.staff].base
    clock, here, starts = vehicle.shift.start, base, []
    for option, last in zip(route, latest, strict=True):
        visit = problem.visits[option.visit]
        earliest = max(clock + problem.travel[here][visit.location], option.early)
        if earliest > last:
            return None
        want = (wanted or {}).get(option.visit)
        start = want if want is not None and earliest <= want <= last else earliest
        starts.append(start)
        clock, here = start + visit.duration, visit.location
    return starts


def _latest_starts(problem: Problem, vehicle: Vehicle, route: list[StartOption]) -> list[int] | None:
    """Latest start of each option such that the rest of the route and the way home still fit."""
    base = problem.staff[vehicle.staff].base
    deadline, there, latest = vehicle.shift.end, base, []
    for option in reversed(route):
        visit = problem.visits[option.visit]
        last = min(option.late, deadline - problem.travel[visit.location][there] - visit.duration)
        if last < option.early:
            return None
        latest.append(last)
        deadline, there = last, visit.location
    latest.reverse()
    return latest


def route_travel(problem: Problem, base: int, locations: list[int]) -> int:
    """Round-trip travel minutes base → each location in order → base (0 for an empty route)."""
    if not locations:
        return 0
    stops = [base, *locations, base]
    return sum(problem.travel[a][b] for a, b in zip(stops, stops[1:], strict=False))


def shift_of(problem: Problem, assignment: Assignment) -> int:
    """Index of the staff member's shift holding the assignment's start (shifts never overlap)."""
    for i, shift in enumerate(problem.staff[assignment.staff].shifts):
        if shift.start <= assignment.start < shift.end:
            return i
    raise ValueError(f"visit {assignment.visit} starts outside every shift of staff {assignment.staff}")


def objective_of(problem: Problem, assignments: list[Assignment]) -> Objective:
    """The four numbers of the format's objective, computed from the assignments alone."""
    previous = {(entry.visit, entry.staff, entry.start) for entry in problem.previous}
    routes: dict[tuple[int, int], list[Assignment]] = {}
    with_key_worker = kept = 0
    for a in assignments:
        member = problem.staff[a.staff]
        with_key_worker += problem.visits[a.visit].key_worker == member.id
        kept += (a.visit, member.id, a.start) in previous
        routes.setdefault((a.staff, shift_of(problem, a)), []).append(a)
    travel = sum(
        route_travel(problem, problem.staff[staff].base,
                     [problem.visits[a.visit].location for a in sorted(route, key=lambda a: a.start)])
        for (staff, _), route in routes.items()
    )
    return Objective(len(assignments), with_key_worker, kept, travel)


def visit_minutes(problem: Problem, assignments: list[Assignment]) -> list[int]:
    """Visit minutes per staff member."""
    used = [0] * len(problem.staff)
    for a in assignments:
        used[a.staff] += problem.visits[a.visit].duration
    return used
