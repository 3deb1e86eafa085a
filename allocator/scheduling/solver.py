"""The scheduling solver: an exact start, PyVRP's iterated local search on the routing model,
the two rules that span several shifts made to hold, and an exact final check.

0. Start from each staff member's own residents solved exactly (:mod:`keyworker`); when that
   covers every visit, it is the proven optimum and the answer. When re-planning, start
   from the published schedule instead.
1. Search (PyVRP) on the routing model of :mod:`routing`, which holds every rule of a single
   shift exactly (skill, windows, round trip from base inside the shift) and the objective,
   but not a resident's one visit a day or a staff member's weekly minutes.
2. From that relaxed answer, each resident's days are shared out among their visits (a day
   to one visit only) and each over-booked staff member's minutes among their shifts; a
   second search within those shares cannot break either rule.
3. Whatever still breaks a rule is dropped, and cheapest insertion (moving a resident's other
   visit to another day if that helps) tries every unscheduled visit once more, so the answer
   is always feasible; :mod:`improve` then brings visits back to their key worker where a
   short chain of moves allows. The cycle repeats from its answer with a new seed; the best
   is kept.

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

from allocator.scheduling.improve import adopt_own_schedules, bring_to_key_workers, value
from allocator.scheduling.keyworker import OwnSchedule, key_worker_plan, own_schedules
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


@dataclass(frozen=True)
class Budget:
    """Iterations of each search and in all, how many relax-and-share cycles, the wall-clock cap."""

    iterations: int
    total_iterations: int
    cycles: int
    patience: int  # stop a search after this many iterations without improvement
    deadline: float | None  # time.monotonic() value, or None for no wall-clock cap

    def out_of_time(self) -> bool:
        return self.deadline is not None and time.monotonic() >= self.deadline


def default_budget(problem: Problem, time_limit: float | None, started: float) -> Budget:
    """Enough iterations for the benchmarks' sizes to settle; a wall-clock cap if asked for.

    A search stops after ``patience`` iterations without improvement: small weeks settle
    fast, so it grows with the number of visits. The cap leaves time for the final repair.
    """
    deadline = None if time_limit is None else started + time_limit * 0.85
    patience = min(8_000, 1_000 + 100 * len(problem.visits))
    if problem.previous:  # re-planning starts from the published schedule and should change little
        return Budget(iterations=5_000, total_iterations=10_000, cycles=2, patience=2_000, deadline=deadline)
    return Budget(iterations=20_000, total_iterations=45_000, cycles=3, patience=patience, deadline=deadline)


@dataclass(frozen=True)
class SolverOutcome:
    assignments: list[Assignment]
    cycles: int
    iterations: int
    hit_time_limit: bool
    proven: bool


def solve(problem: Problem, budget: Budget) -> SolverOutcome:
    """Cycles of: search without the weekly rules; share days and minutes out by that answer;
    search again within those shares; repair and fill. Each cycle starts from the last answer
    with a new seed; the best answer of all cycles is kept."""
    vehicles = vehicles_of(problem)
    keepable = keepable_visits(problem)
    schedules = {} if problem.previous else own_schedules(problem, stop_at=_halfway(budget))
    plan, proven = _first_plan(problem, vehicles, keepable, schedules)
    if proven:
        return SolverOutcome(assignments_of(vehicles, plan), 0, 0, False, proven=True)
    best, best_value = plan, value(problem, vehicles, plan)
    iterations = cycle = 0
    while cycle < budget.cycles and vehicles and iterations < budget.total_iterations and not budget.out_of_time():
        cycle += 1
        relaxed, used = _search(problem, vehicles, keepable, plan, set(), None, budget, seed=SEED + cycle,
                                limit=budget.total_iterations - iterations)
        conflicts, over = _week_rule_faults(problem, vehicles, relaxed, rotation=cycle - 1)
        shared, more = relaxed, 0
        if (conflicts or over) and not budget.out_of_time():
            caps = _share_minutes(problem, vehicles, relaxed, over)
            banned = _resident_day_bans(problem, relaxed, conflicts)
            shared, more = _search(problem, vehicles, keepable, relaxed, banned, caps, budget, seed=SEED + cycle,
                                   limit=max(1, budget.total_iterations - iterations - used))
        plan = fill(problem, vehicles, retime(problem, vehicles, enforce_week_rules(problem, vehicles, shared)))
        plan = bring_to_key_workers(problem, vehicles, adopt_own_schedules(problem, vehicles, plan, schedules))
        iterations += used + more
        if (plan_value := value(problem, vehicles, plan)) > best_value:
            best, best_value = plan, plan_value
    # A last safety net: every rule once more. Taking a visit out of a route can even make it
    # longer where travel breaks the triangle inequality (rounded matrices do, by a minute).
    best = fill(problem, vehicles, retime(problem, vehicles, enforce_week_rules(problem, vehicles, best)))
    return SolverOutcome(assignments_of(vehicles, best), cycle, iterations, budget.out_of_time(), proven=False)


def _halfway(budget: Budget) -> float | None:
    """Half the time at most for the exact part: the search needs the rest when it does not settle it."""
    return None if budget.deadline is None else (time.monotonic() + budget.deadline) / 2


def _first_plan(problem: Problem, vehicles: list[Vehicle], keepable: set[int],
                schedules: dict[int, OwnSchedule]) -> tuple[Plan, bool]:
    """Where the search starts: the previous schedule when re-planning; otherwise each staff
    member's own residents solved exactly (:mod:`keyworker`); the rest inserted. The second
    value says the plan is proven optimal: every visit by its key worker, each staff member's
    part optimal, and no previous entry that could be kept."""
    previous = _previous_plan(problem, vehicles)
    if previous:
        return fill(problem, vehicles, previous), False  # _previous_plan has enforced the rules
    plan, everything = key_worker_plan(problem, schedules)
    if everything and not keepable:
        return plan, True
    # Two key workers' own schedules may give one resident two visits on a day: repair first.
    return fill(problem, vehicles, retime(problem, vehicles, enforce_week_rules(problem, vehicles, plan))), False


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


def _search(problem: Problem, vehicles: list[Vehicle], keepable: set[int], plan: Plan,
            banned: set[tuple[int, int]], caps: list[int] | None, budget: Budget, seed: int,
            limit: int) -> tuple[Plan, int]:
    """One PyVRP run from ``plan``; returns the timed plan and the iterations it used."""
    options = start_options(problem, vehicles, banned)
    if not options:
        return {}, 0
    caps = caps or [v.shift.end - v.shift.start for v in vehicles]
    model = build_model(problem, vehicles, options, keepable, caps)
    criteria = [MaxIterations(min(limit, budget.iterations)), NoImprovement(budget.patience)]
    if budget.deadline is not None:
        criteria.append(MaxRuntime(max(0.05, budget.deadline - time.monotonic())))
    result = model_solve(model, plan, MultipleCriteria(criteria), seed)
    return _plan_from(problem, model, result.best), result.num_iterations


def model_solve(model: RoutingModel, plan: Plan, stop: MultipleCriteria, seed: int) -> Result:
    # The objective's weights are large (see routing.py); time warp and overload must be
    # allowed to cost more than a visit's prize, or the search would rather break a rule.
    params = SolveParams(penalty=PenaltyParams(max_penalty=float(2 * model.weights.forbidden)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PenaltyBoundWarning)
        return pyvrp_solve(model.data, stop=stop, seed=seed, collect_stats=False, display=False,
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


def _week_rule_faults(problem: Problem, vehicles: list[Vehicle], plan: Plan,
                      rotation: int) -> tuple[set[tuple[int, int]], set[int]]:
    """(visit, day) pairs to forbid (all but one of a resident's visits that day), and staff over
    their minutes. The visit that keeps the day is the most valuable one in the first cycle;
    later cycles let the next ones in turn keep it, to try the other ways of sharing days."""
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
        ranked = sorted(visits, reverse=True)
        winner = ranked[rotation % len(ranked)]
        bans |= {(v, day) for entry in ranked if entry != winner for _, _, v in [entry]}
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


def _share_minutes(problem: Problem, vehicles: list[Vehicle], plan: Plan, over: set[int]) -> list[int]:
    """Per-shift caps for over-booked staff: each shift keeps the minutes of the visits that fit in
    the week by value (most valuable first), plus the minutes the week has left over."""
    caps = [v.shift.end - v.shift.start for v in vehicles]
    for s in over:
        mine = sorted(((value_of(problem, s, v, t), -problem.visits[v].duration, -v, k, v)
                       for k in range(len(vehicles)) if vehicles[k].staff == s for v, t in plan.get(k, [])),
                      reverse=True)
        kept = dict.fromkeys((k for k, vehicle in enumerate(vehicles) if vehicle.staff == s), 0)
        left = problem.staff[s].max_minutes or 0
        for *_, k, v in mine:
            if problem.visits[v].duration <= left:
                kept[k] += problem.visits[v].duration
                left -= problem.visits[v].duration
        for k, minutes in kept.items():
            caps[k] = min(caps[k], minutes + left)
    return caps
