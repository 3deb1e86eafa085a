"""A last local search for the key-worker term: bring visits back to their key worker.

The routing search weighs a key worker heavily but, once it has scheduled every visit it
can, it may leave some visits with another staff member where a chain of moves would give
them their own. Two kinds of move, each kept only if the whole objective improves:

* a staff member takes back their exact own schedule (:mod:`keyworker`), and whatever that
  pushes out is inserted elsewhere;
* a visit is inserted into one of its key worker's shifts, directly or after a visit that
  is not the key worker's own has been moved out of the way.
"""

from __future__ import annotations

from allocator.scheduling.keyworker import OwnSchedule
from allocator.scheduling.options import Vehicle, key_worker_of
from allocator.scheduling.plan import (
    Plan,
    assignments_of,
    enforce_week_rules,
    fill,
    inserted,
    retime,
    wanted_starts,
    without,
)
from allocator.scheduling.problem import Problem
from allocator.scheduling.timing import objective_of


def value(problem: Problem, vehicles: list[Vehicle], plan: Plan) -> tuple[int, int, int, int]:
    return objective_of(problem, assignments_of(vehicles, plan)).as_tuple()


def adopt_own_schedules(problem: Problem, vehicles: list[Vehicle], plan: Plan,
                        schedules: dict[int, OwnSchedule]) -> Plan:
    best = value(problem, vehicles, plan)
    for staff, own in sorted(schedules.items()):
        if _own_made(problem, vehicles, plan, staff) >= own.scheduled:
            continue
        displaced = {v for k, route in plan.items() if vehicles[k].staff == staff for v, _ in route}
        displaced |= {v for path in own.routes.values() for v, _ in path}
        trial = {k: route for k, route in plan.items() if vehicles[k].staff != staff}
        trial = {k: [(v, t) for v, t in route if v not in displaced] for k, route in trial.items()}
        trial.update({k: list(path) for k, path in own.routes.items()})
        trial = enforce_week_rules(problem, vehicles, {k: r for k, r in trial.items() if r})
        trial = fill(problem, vehicles, retime(problem, vehicles, trial))
        if (trial_value := value(problem, vehicles, trial)) > best:
            plan, best = trial, trial_value
    return plan


def _own_made(problem: Problem, vehicles: list[Vehicle], plan: Plan, staff: int) -> int:
    return sum(key_worker_of(problem, problem.visits[v]) == staff
               for k, route in plan.items() if vehicles[k].staff == staff for v, _ in route)


def bring_to_key_workers(problem: Problem, vehicles: list[Vehicle], plan: Plan) -> Plan:
    wanted = wanted_starts(problem)
    best = value(problem, vehicles, plan)
    for v, visit in enumerate(problem.visits):
        key_worker = key_worker_of(problem, visit)
        if key_worker is None or _made_by(vehicles, plan, v) == key_worker:
            continue
        for trial in _moves(problem, vehicles, without(plan, v), v, key_worker, wanted):
            if (trial_value := value(problem, vehicles, trial)) > best:
                plan, best = trial, trial_value
                break
    return plan


def _made_by(vehicles: list[Vehicle], plan: Plan, visit: int) -> int | None:
    return next((vehicles[k].staff for k, route in plan.items() for v, _ in route if v == visit), None)


def _moves(problem: Problem, vehicles: list[Vehicle], plan: Plan, visit: int, key_worker: int,
           wanted: dict[int, dict[int, int]]):
    """Plans with ``visit`` made by its key worker: directly, or after moving one other visit away."""
    direct = inserted(problem, vehicles, plan, visit, wanted, only_staff=key_worker)
    if direct is not None:
        yield direct
        return
    strangers = sorted(u for k, route in plan.items() if vehicles[k].staff == key_worker for u, _ in route
                       if key_worker_of(problem, problem.visits[u]) != key_worker)
    for other in strangers:
        trial = inserted(problem, vehicles, without(plan, other), visit, wanted, only_staff=key_worker)
        if trial is not None:
            yield inserted(problem, vehicles, trial, other, wanted) or trial
