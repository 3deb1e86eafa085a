"""A schedule under construction: each shift's visits in time order, kept feasible shift by shift.

``Plan`` maps a vehicle (staff shift) index to its ``(visit, start)`` pairs. The functions here
enforce the rules that span several shifts (a resident's one visit a day, a staff member's
weekly minutes) and fill gaps by cheapest insertion, always checking times exactly.
"""

from __future__ import annotations

from allocator.scheduling.options import StartOption, Vehicle, day_pieces, reachable_starts
from allocator.scheduling.problem import Assignment, Problem, day_of
from allocator.scheduling.timing import objective_of, route_times, route_travel

Plan = dict[int, list[tuple[int, int]]]


def wanted_starts(problem: Problem) -> dict[int, dict[int, int]]:
    """Per staff index: visit → its previous start with that staff member (to keep if possible)."""
    wanted: dict[int, dict[int, int]] = {}
    for entry in problem.previous:
        s = problem.staff_by_id.get(entry.staff)
        if s is not None:
            wanted.setdefault(s, {})[entry.visit] = entry.start
    return wanted


def time_route(problem: Problem, vehicle: Vehicle, route: list[StartOption],
               wanted: dict[int, int]) -> list[tuple[int, int]]:
    """Timed visits of a route; visits that make it infeasible are left out, first come first kept."""
    kept: list[StartOption] = []
    for option in route:
        if route_times(problem, vehicle, [*kept, option], wanted) is not None:
            kept.append(option)
    starts = route_times(problem, vehicle, kept, wanted) or []
    return [(option.visit, start) for option, start in zip(kept, starts, strict=True)]


def assignments_of(vehicles: list[Vehicle], plan: Plan) -> list[Assignment]:
    return sorted((Assignment(visit, vehicles[k].staff, start) for k, route in plan.items()
                   for visit, start in route), key=lambda a: a.visit)


def value_of(problem: Problem, staff: int, visit: int, start: int) -> tuple[int, int]:
    """(made by key worker, keeps the previous entry): what one assignment is worth beyond being made."""
    member = problem.staff[staff]
    previous = {(e.visit, e.staff, e.start) for e in problem.previous if e.visit == visit}
    return int(problem.visits[visit].key_worker == member.id), int((visit, member.id, start) in previous)


def enforce_week_rules(problem: Problem, vehicles: list[Vehicle], plan: Plan) -> Plan:
    """Drop the least valuable visits until every resident has ≤ 1 visit a day and minutes fit."""
    ranked = sorted(((value_of(problem, vehicles[k].staff, v, t), -v, k, v, t) for k, route in plan.items()
                     for v, t in route), reverse=True)
    used = [0] * len(problem.staff)
    taken_days: set[tuple[str, int]] = set()
    result: Plan = {k: [] for k in plan}
    for _, _, k, v, t in ranked:
        visit, staff = problem.visits[v], problem.staff[vehicles[k].staff]
        day = (visit.resident, day_of(t))
        if day in taken_days or (staff.max_minutes is not None
                                 and used[vehicles[k].staff] + visit.duration > staff.max_minutes):
            continue
        taken_days.add(day)
        used[vehicles[k].staff] += visit.duration
        result[k].append((v, t))
    return {k: sorted(route, key=lambda vt: vt[1]) for k, route in result.items() if route}


def piece_holding(problem: Problem, visit: int, start: int) -> StartOption | None:
    """The day piece of the visit's windows that holds ``start`` (so the visit may move within it)."""
    for early, late in day_pieces(problem.visits[visit]):
        if early <= start <= late:
            return StartOption(visit, early, late)
    return None


def retime(problem: Problem, vehicles: list[Vehicle], plan: Plan) -> Plan:
    """Time every route again (dropping what no longer fits, e.g. after removals in a matrix
    without the triangle inequality), keeping previous starts where they fit."""
    wanted = wanted_starts(problem)
    result: Plan = {}
    for k, route in plan.items():
        options = [piece for v, t in route if (piece := piece_holding(problem, v, t)) is not None]
        timed = time_route(problem, vehicles[k], options, wanted.get(vehicles[k].staff, {}))
        if timed:
            result[k] = timed
    return result


def _insertion_candidates(problem: Problem, vehicle: Vehicle, visit: int) -> list[StartOption]:
    reach = reachable_starts(problem, vehicle, problem.visits[visit])
    if reach is None:
        return []
    pieces = [StartOption(visit, max(early, reach.start), min(late, reach.end))
              for early, late in day_pieces(problem.visits[visit])]
    return [piece for piece in pieces if piece.early <= piece.late]


def fill(problem: Problem, vehicles: list[Vehicle], plan: Plan) -> Plan:
    """Insert every unscheduled visit where it fits best (cheapest insertion, exact checks); where
    it fits nowhere, try moving one of the resident's other visits to another day first."""
    plan = {k: list(route) for k, route in plan.items()}
    wanted = wanted_starts(problem)
    for visit in range(len(problem.visits)):
        if any(v == visit for route in plan.values() for v, _ in route):
            continue
        moved = inserted(problem, vehicles, plan, visit, wanted) or _inserted_moving_sibling(
            problem, vehicles, plan, visit, wanted)
        if moved is not None:
            plan = moved
    return plan


def inserted(problem: Problem, vehicles: list[Vehicle], plan: Plan, visit: int,
              wanted: dict[int, dict[int, int]], only_staff: int | None = None) -> Plan | None:
    best = _best_insertion(problem, vehicles, plan, visit, wanted, only_staff)
    if best is None:
        return None
    return {**plan, best[1]: best[2]}


def without(plan: Plan, visit: int) -> Plan:
    return {k: kept for k, route in plan.items() if (kept := [(v, t) for v, t in route if v != visit])}


def _inserted_moving_sibling(problem: Problem, vehicles: list[Vehicle], plan: Plan, visit: int,
                             wanted: dict[int, dict[int, int]]) -> Plan | None:
    """Take out one of the resident's scheduled visits, insert ``visit``, put the other back."""
    resident = problem.visits[visit].resident
    siblings = sorted(v for route in plan.values() for v, _ in route if problem.visits[v].resident == resident)
    best, best_score = None, None
    for sibling in siblings:
        trial = inserted(problem, vehicles, without(plan, sibling), visit, wanted)
        trial = trial and inserted(problem, vehicles, trial, sibling, wanted)
        if trial:
            score = objective_of(problem, assignments_of(vehicles, trial)).as_tuple()
            if best_score is None or score > best_score:
                best, best_score = trial, score
    return best


def _best_insertion(problem: Problem, vehicles: list[Vehicle], plan: Plan, visit: int,
                    wanted: dict[int, dict[int, int]],
                    only_staff: int | None = None) -> tuple[tuple, int, list[tuple[int, int]]] | None:
    """(score, vehicle, new route) of the best feasible insertion of ``visit`` (into the shifts of
    ``only_staff`` if given), or None."""
    resident = problem.visits[visit].resident
    busy_days = {day_of(t) for route in plan.values() for v, t in route
                 if problem.visits[v].resident == resident}
    used = [0] * len(problem.staff)
    for k, route in plan.items():
        used[vehicles[k].staff] += sum(problem.visits[v].duration for v, _ in route)
    best = None
    for k, vehicle in enumerate(vehicles):
        if only_staff is not None and vehicle.staff != only_staff:
            continue
        member = problem.staff[vehicle.staff]
        minutes = used[vehicle.staff] + problem.visits[visit].duration
        if member.max_minutes is not None and minutes > member.max_minutes:
            continue
        route = plan.get(k, [])
        options = [piece for v, t in route if (piece := piece_holding(problem, v, t)) is not None]
        base = member.base
        before = route_travel(problem, base, [problem.visits[v].location for v, _ in route])
        for candidate in _insertion_candidates(problem, vehicle, visit):
            for position in range(len(options) + 1):
                trial = options[:position] + [candidate] + options[position:]
                starts = route_times(problem, vehicle, trial, wanted.get(vehicle.staff, {}))
                if starts is None or day_of(starts[position]) in busy_days:
                    continue
                timed = [(o.visit, t) for o, t in zip(trial, starts, strict=True)]
                after = route_travel(problem, base, [problem.visits[o.visit].location for o in trial])
                score = (*value_of(problem, vehicle.staff, visit, starts[position]), before - after, -k)
                if best is None or score > best[0]:
                    best = (score, k, timed)
    return best
