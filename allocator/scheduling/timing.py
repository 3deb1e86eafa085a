"""Start times and travel along one shift.

A *route* is the ordered list of start options one shift makes. Its start times are found
by a backward pass (the latest start of each visit that still leaves time for the rest and
the way home) and a forward pass (the earliest start after the previous visit and the
travel); a visit whose previous entry was with this staff member takes its old start
minute where that lies between the two, so that published times stay put.
"""

from __future__ import annotations

from allocator.scheduling.options import StartOption, Vehicle
from allocator.scheduling.problem import Problem


def route_times(problem: Problem, vehicle: Vehicle, route: list[StartOption],
                wanted: dict[int, int] | None = None) -> list[int] | None:
    """Start minute of each option in order, or None if the route cannot be driven in its shift.

    ``wanted`` maps a visit to the start minute it should keep when possible.
    """
    latest = _latest_starts(problem, vehicle, route)
    if latest is None:
        return None
    travel = problem.travel
    clock, here, starts = vehicle.shift.start, problem.staff[vehicle.staff].base, []
    for option, last in zip(route, latest, strict=True):
        visit = problem.visits[option.visit]
        earliest = max(clock + travel[here][visit.location], option.early)
        if earliest > last:
            return None
        want = wanted.get(option.visit) if wanted else None
        start = want if want is not None and earliest <= want <= last else earliest
        starts.append(start)
        clock, here = start + visit.duration, visit.location
    return starts


def _latest_starts(problem: Problem, vehicle: Vehicle, route: list[StartOption]) -> list[int] | None:
    """Latest start of each option such that the rest of the route and the way home still fit."""
    travel = problem.travel
    base = problem.staff[vehicle.staff].base
    deadline, there, latest = vehicle.shift.end, base, []
    for option in reversed(route):
        visit = problem.visits[option.visit]
        last = min(option.late, deadline - travel[visit.location][there] - visit.duration)
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
