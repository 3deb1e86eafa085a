"""The scheduling solver: PyVRP's iterated local search on the routing model, with lazy repair
of the two rules that span several shifts, and an exact final check.

1. Search (PyVRP) on the routing model of :mod:`routing`, which holds every rule of a single
   shift exactly (skill, windows, round trip from base inside the shift) and the objective.
2. The two rules PyVRP cannot hold across routes are added lazily, then searched again from
   the last answer: a resident with two visits on one day keeps the more valuable one there
   and the other visit loses that day's options; a staff member over their weekly minutes
   gets a per-shift cap, shared out in proportion to what each shift had.
3. Whatever still breaks a rule is dropped, and cheapest insertion tries every unscheduled
   visit once more, so the answer is always feasible.

Determinism: a fixed seed and an iteration budget. The wall-clock limit, when given, only
caps the search; a run that hits it may differ from one that does not.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass

from pyvrp import PenaltyParams, Result, Route, Solution, SolveParams
from pyvrp import solve as pyvrp_solve
from pyvrp.exceptions import PenaltyBoundWarning
from pyvrp.stop import MaxIterations, MaxRuntime, MultipleCriteria, NoImprovement

from allocator.scheduling.options import Vehicle, day_pieces, keepable_visits, start_options, vehicles_of
from allocator.scheduling.plan import (
    Plan,
    assignments_of,
    enforce_week_rules,
    fill,
    retime,
    time_route,
    value_of,
    wanted_starts,
)
from allocator.scheduling.problem import Assignment, Problem, day_of
from allocator.scheduling.routing import RoutingModel, build_model

SEED = 20261207
REPAIR_ROUNDS = 4


@dataclass(frozen=True)
class Budget:
    """Iterations of the search: the first round, each repair round, and the no-improvement stop."""

    iterations: int
    repair_iterations: int
    patience: int
    deadline: float | None  # time.monotonic() value, or None for no wall-clock cap


def default_budget(problem: Problem, time_limit: float | None, started: float) -> Budget:
    """Enough iterations for the benchmarks' sizes to settle; a wall-clock cap if asked for."""
    deadline = None if time_limit is None else started + time_limit * 0.85
    return Budget(iterations=20_000, repair_iterations=20_000, patience=8_000, deadline=deadline)


@dataclass(frozen=True)
class SolverOutcome:
    assignments: list[Assignment]
    rounds: int
    iterations: int
    hit_time_limit: bool


def solve(problem: Problem, budget: Budget) -> SolverOutcome:
    vehicles = vehicles_of(problem)
    keepable = keepable_visits(problem)
    banned: set[tuple[int, int]] = set()
    caps = [v.shift.end - v.shift.start for v in vehicles]
    plan = _previous_plan(problem, vehicles)
    iterations, hit_limit, rounds = 0, False, 0
    while rounds <= REPAIR_ROUNDS:
        rounds += 1
        options = start_options(problem, vehicles, banned)
        if not options or not vehicles:
            break
        model = build_model(problem, vehicles, options, keepable, caps)
        limit = budget.iterations if rounds == 1 else budget.repair_iterations
        plan, used, hit = _search(problem, model, plan, limit, budget)
        iterations, hit_limit = iterations + used, hit_limit or hit
        conflicts, over = _week_rule_faults(problem, vehicles, plan)
        if not conflicts and not over:
            break
        banned = _resident_day_bans(problem, plan, conflicts)
        caps = _share_minutes(problem, vehicles, plan, caps, over)
        if hit:
            break
    plan = fill(problem, vehicles, retime(problem, vehicles, enforce_week_rules(problem, vehicles, plan)))
    return SolverOutcome(assignments_of(vehicles, plan), rounds, iterations, hit_limit)


def _previous_plan(problem: Problem, vehicles: list[Vehicle]) -> Plan:
    """The previous schedule as a plan (entries that no longer fit are left out)."""
    plan: Plan = {}
    for entry in problem.previous:
        s = problem.staff_by_id.get(entry.staff)
        for k, vehicle in enumerate(vehicles):
            if vehicle.staff == s and vehicle.shift.start <= entry.start < vehicle.shift.end:
                plan.setdefault(k, []).append((entry.visit, entry.start))
    plan = {k: sorted(route, key=lambda vt: vt[1]) for k, route in plan.items()}
    return retime(problem, vehicles, enforce_week_rules(problem, vehicles, plan))


def _search(problem: Problem, model: RoutingModel, plan: Plan, limit: int,
            budget: Budget) -> tuple[Plan, int, bool]:
    """One PyVRP run from ``plan``; returns the timed plan, iterations used, whether time ran out."""
    criteria = [MaxIterations(limit), NoImprovement(budget.patience)]
    if budget.deadline is not None:
        criteria.append(MaxRuntime(max(0.05, budget.deadline - time.monotonic())))
    result = model_solve(model, plan, MultipleCriteria(criteria))
    hit = budget.deadline is not None and time.monotonic() >= budget.deadline
    return _plan_from(problem, model, result.best), result.num_iterations, hit


def model_solve(model: RoutingModel, plan: Plan, stop: MultipleCriteria) -> Result:
    # The objective's weights are large (see routing.py); time warp and overload must be
    # allowed to cost more than a visit's prize, or the search would rather break a rule.
    params = SolveParams(penalty=PenaltyParams(max_penalty=float(2 * model.weights.forbidden)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PenaltyBoundWarning)
        return pyvrp_solve(model.data, stop=stop, seed=SEED, collect_stats=False, display=False,
                           params=params, initial_solution=_initial(model, plan))


def _initial(model: RoutingModel, plan: Plan) -> Solution | None:
    """The plan as a PyVRP solution (each visit on the option holding its start)."""
    by_visit_day: dict[tuple[int, int], int] = {}
    exact: dict[tuple[int, int], int] = {}
    for i, option in enumerate(model.options):
        if option.kept_staff is None:
            by_visit_day.setdefault((option.visit, option.day), i)
        else:
            exact[(option.visit, option.early)] = i
    routes = []
    for k, route in sorted(plan.items()):
        clients = [exact.get((v, t), by_visit_day.get((v, day_of(t)))) for v, t in route]
        clients = [c for c in clients if c is not None]
        if clients:
            routes.append(Route(model.data, clients, k))
    return Solution(model.data, routes) if routes else None


def _plan_from(problem: Problem, model: RoutingModel, solution: Solution) -> Plan:
    wanted = wanted_starts(problem)
    plan: Plan = {}
    for route in solution.routes():
        k = route.vehicle_type()
        options = [model.options[activity.idx] for activity in route if activity.is_client()]
        vehicle = model.vehicles[k]
        timed = time_route(problem, vehicle, options, wanted.get(vehicle.staff, {}))
        if timed:
            plan[k] = timed
    return plan


def _week_rule_faults(problem: Problem, vehicles: list[Vehicle],
                      plan: Plan) -> tuple[set[tuple[int, int]], set[int]]:
    """(visit, day) pairs to forbid (a resident's second visit that day), and staff over their minutes."""
    by_day: dict[tuple[str, int], list[tuple[tuple[int, int], int, int]]] = {}
    used = [0] * len(problem.staff)
    for k, route in plan.items():
        s = vehicles[k].staff
        for v, t in route:
            used[s] += problem.visits[v].duration
            key = (problem.visits[v].resident, day_of(t))
            by_day.setdefault(key, []).append((value_of(problem, s, v, t), -v, v))
    bans = set()
    for (_, day), visits in by_day.items():
        for _, _, v in sorted(visits, reverse=True)[1:]:
            bans.add((v, day))
    over = {s for s, member in enumerate(problem.staff)
            if member.max_minutes is not None and used[s] > member.max_minutes}
    return bans, over


def _resident_day_bans(problem: Problem, plan: Plan, conflicts: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """Share each resident's days out among their visits, so that no two can meet on a day.

    A day a visit holds now stays with it (with the winner, where two clash); a free day goes
    to the resident's unscheduled visits first, then to the others in turn. Each visit is
    banned from every day it was not given, so the next round cannot break the rule.
    """
    held: dict[int, int] = {v: day_of(t) for route in plan.values() for v, t in route}
    siblings: dict[str, list[int]] = {}
    for v, visit in enumerate(problem.visits):
        siblings.setdefault(visit.resident, []).append(v)
    bans: set[tuple[int, int]] = set()
    for visits in siblings.values():
        if len(visits) < 2:
            continue
        days = {v: {day_of(early) for early, _ in day_pieces(problem.visits[v])} for v in visits}
        owner = {held[v]: v for v in visits if v in held and (v, held[v]) not in conflicts}
        waiting = sorted(visits, key=lambda v: (v in held, v))  # unscheduled visits choose first
        for turn, day in enumerate(sorted(set().union(*days.values()) - owner.keys())):
            able = [v for v in waiting if day in days[v]]
            unscheduled = [v for v in able if v not in held]
            if able:
                owner[day] = (unscheduled or able)[turn % len(unscheduled or able)]
        bans |= {(v, day) for v in visits for day in days[v] if owner.get(day) != v}
    return bans


def _share_minutes(problem: Problem, vehicles: list[Vehicle], plan: Plan, caps: list[int],
                   over: set[int]) -> list[int]:
    """Split each over-booked staff member's weekly minutes over their shifts, in proportion to use."""
    caps = list(caps)
    for s in over:
        mine = [k for k, vehicle in enumerate(vehicles) if vehicle.staff == s]
        load = {k: sum(problem.visits[v].duration for v, _ in plan.get(k, [])) for k in mine}
        total, limit = sum(load.values()), problem.staff[s].max_minutes or 0
        for k in mine:
            caps[k] = min(caps[k], load[k] * limit // total)
    return caps
