"""The scheduling solver: an exact start, PyVRP's iterated local search on the routing model,
and repairs that keep every rule. Its stages, in order:

0. *Exact start.* Each staff member's own residents are solved exactly (:mod:`keyworker`);
   when that makes every visit, it is the proven optimum and the answer. When re-planning,
   the published schedule (``previous``) is a second start; the better one is kept. Either
   is made to keep every rule and filled up by cheapest insertion (:mod:`plan`).
1. *Cycles*, each from the best plan so far:

   a. each resident's days are shared out among their visits (one visit a day, by a
      matching) and each staff member's weekly minutes among their shifts, from the plan;
   b. PyVRP searches the routing model of :mod:`routing` within those shares, starting from
      the plan. The model holds every rule of a single shift exactly (skill, windows, round
      trip from base inside the shift, who may take a reserved option) and the objective in
      the format's order; the shares keep a resident's one visit a day;
   c. whatever breaks a weekly rule is dropped (:func:`plan.enforce_week_rules`), every
      unscheduled visit is tried once more (moving a resident's other visit to another day,
      or one visit out of the way, if that helps), and :mod:`improve` brings visits back to
      their key worker and previous start where a short chain of moves allows.

   The first cycle, when visits are left out, shares the days by a search without reserved
   options first (who makes a visit costs nothing there), which finds room more easily;
   later cycles hand out the spare days in turn, to try other ways of sharing them.

Only improvements are kept, measured by the objective itself. Determinism: fixed seeds and
iteration budgets sized by the problem (:func:`default_budget`); the wall-clock limit, when
given, only caps the search, and a run that reaches it may differ from one that does not.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass

from pyvrp import PenaltyManager, PenaltyParams, RandomNumberGenerator, Result, Route, Solution, SolveParams
from pyvrp.exceptions import PenaltyBoundWarning
from pyvrp.IteratedLocalSearch import IteratedLocalSearch
from pyvrp.search import LocalSearch, PerturbationManager
from pyvrp.stop import MaxIterations, MaxRuntime, MultipleCriteria, NoImprovement

from allocator.scheduling.improve import adopt_own_schedules, bring_to_key_workers, keep_previous
from allocator.scheduling.keyworker import OwnSchedule, key_worker_plan, own_schedules
from allocator.scheduling.options import Reach, StartOption, start_options
from allocator.scheduling.plan import (
    Draft,
    Plan,
    assignments_of,
    enforce_week_rules,
    fill,
    retime,
    time_route,
    value_of,
)
from allocator.scheduling.problem import Assignment, Objective, day_of
from allocator.scheduling.routing import RoutingModel, build_model, neighbours

SEED = 20261207


@dataclass(frozen=True)
class SearchBudget:
    """Iterations of each routing search and in all, how many cycles, the wall-clock cap."""

    iterations: int
    total_iterations: int
    cycles: int
    patience: int  # stop a search after this many iterations without improvement
    deadline: float | None  # time.monotonic() value, or None for no wall-clock cap

    def out_of_time(self) -> bool:
        return self.deadline is not None and time.monotonic() >= self.deadline


# Measured on this project's 2-core machine at a load average of about 3: one search iteration
# takes about 1 ms plus 1 ms per WORK_PER_MS (visits × shifts): 2 ms at 300 visits, 12 ms at 1,000.
WORK_PER_MS = 40_000
SEARCH_MS = 12_000  # what the whole routing search may take on such a machine, in expectation
MOST_ITERATIONS = 15_000
CYCLES = 4


def default_budget(visits: int, shifts: int, replanning: bool, time_limit: float | None,
                   started: float) -> SearchBudget:
    """Iterations sized by the problem, so that a week of any size settles in well under a
    minute of search on a loaded machine; a wall-clock cap if asked for.

    A search stops after ``patience`` iterations without improvement: small weeks settle
    fast, so it grows with the number of visits. The cap leaves time for the final repair.
    """
    deadline = None if time_limit is None else started + time_limit * 0.85
    milliseconds = 1 + visits * shifts / WORK_PER_MS
    total = max(1_000, min(MOST_ITERATIONS, int(SEARCH_MS / milliseconds)))
    if replanning:  # starts from the published schedule and should change little
        total //= 16
    per_search = total // CYCLES
    patience = min(per_search, max(500, 10 * visits))
    return SearchBudget(iterations=per_search, total_iterations=total, cycles=CYCLES, patience=patience,
                        deadline=deadline)


@dataclass(frozen=True)
class SolverOutcome:
    assignments: list[Assignment]
    objective: Objective  # as the solver counted it (the final check counts it again)
    cycles: int
    iterations: int
    hit_time_limit: bool
    proven: bool


def solve(reach: Reach, budget: SearchBudget, *, exact_start: bool = True) -> SolverOutcome:
    """The stages of the module docstring. ``exact_start=False`` leaves out stage 0's exact
    own schedules (to test that the search alone respects the objective's order)."""
    schedules = own_schedules(reach, stop_at=_halfway(budget)) if exact_start else {}
    plan, proven = key_worker_plan(reach.problem, schedules)
    if proven:
        claimed = Objective(len(reach.problem.visits), len(reach.problem.visits),
                            sum(own.kept for own in schedules.values()), sum(own.travel for own in schedules.values()))
        return SolverOutcome(assignments_of(reach, plan), claimed, 0, 0, False, proven=True)
    week = _Week(reach, schedules, budget)
    best, iterations, cycle = week.start(plan), 0, 0
    while (cycle < budget.cycles and reach.vehicles and iterations < budget.total_iterations
           and not budget.out_of_time()):
        cycle += 1
        draft, used = week.cycle(best, cycle, budget.total_iterations - iterations)
        iterations += used
        if draft.value() > best.value():
            best = draft
    scheduled, with_key_worker, kept, minus_travel = best.value()
    return SolverOutcome(assignments_of(reach, best.plan()), Objective(scheduled, with_key_worker, kept, -minus_travel),
                         cycle, iterations, budget.out_of_time(), proven=False)


def _halfway(budget: SearchBudget) -> float | None:
    """Half the time at most for the exact part: the search needs the rest when it does not settle it."""
    return None if budget.deadline is None else (time.monotonic() + budget.deadline) / 2


class _Week:
    """What one solve keeps between its stages: the week, its exact own schedules, its budget
    and its routing searches (built when first needed)."""

    def __init__(self, reach: Reach, schedules: dict[int, OwnSchedule], budget: SearchBudget):
        self.reach, self.schedules, self.budget = reach, schedules, budget
        self.wanted = reach.wanted_starts()
        self.searches: dict[bool, RoutingSearch] = {}

    def start(self, own: Plan) -> Draft:
        """The better of the own schedules and the published one, each made to keep every rule
        and filled up with cheapest insertion."""
        starts = [own] + ([_previous_plan(self.reach)] if self.reach.problem.previous else [])
        return max((self.repaired(plan) for plan in starts), key=Draft.value)

    def repaired(self, plan: Plan) -> Draft:
        """Any plan made to keep every rule, then filled up."""
        return fill(Draft(self.reach, retime(self.reach, enforce_week_rules(self.reach, plan), self.wanted),
                          self.wanted))

    def cycle(self, draft: Draft, cycle: int, limit: int) -> tuple[Draft, int]:
        """Share days and minutes out by the plan, search within the shares from the plan (which
        keeps every rule, so the search can only improve it), repair, fill and improve.

        In the first cycle, when visits are left out, a search without reserved options and
        without the weekly rules goes first (who makes a visit costs nothing there, so it finds
        room for them more easily).
        """
        used = 0
        if cycle == 1 and any(fits and v not in draft.vehicle_of for v, fits in enumerate(self.reach.fits)):
            draft, used = self.searched(draft, self.routing(reserved=False), SEED, None, limit // 8)
        draft, more = self.searched(draft, self.routing(reserved=True), SEED + cycle, cycle - 1, limit - used)
        return draft, used + more

    def searched(self, draft: Draft, routing: RoutingSearch, seed: int, rotation: int | None,
                 limit: int) -> tuple[Draft, int]:
        """One search from the draft, within shares of days and minutes (handed out by
        ``rotation``) or, with ``rotation`` None, without the weekly rules; then the repairs
        and improvements."""
        plan = draft.plan()
        if rotation is None:
            found, used = routing.run(plan, set(), None, self.budget, seed, limit)
        else:
            found, used = routing.run(plan, _resident_day_bans(self.reach, plan, rotation),
                                      _share_minutes(self.reach, plan), self.budget, seed, limit)
        improved = adopt_own_schedules(self.repaired(found), self.schedules)
        return keep_previous(bring_to_key_workers(improved)), used

    def routing(self, reserved: bool) -> RoutingSearch:
        if reserved not in self.searches:
            self.searches[reserved] = RoutingSearch(self.reach, reserved)
        return self.searches[reserved]


def _previous_plan(reach: Reach) -> Plan:
    """The previous schedule as a plan (the caller drops the entries that no longer fit)."""
    plan: Plan = {}
    for entry in reach.problem.previous:
        s = reach.problem.staff_by_id.get(entry.staff)
        for k in reach.vehicles_of_staff[s] if s is not None else []:
            if reach.vehicles[k].shift.start <= entry.start < reach.vehicles[k].shift.end:
                plan.setdefault(k, []).append((entry.visit, entry.start))
    return {k: sorted(route, key=lambda vt: vt[1]) for k, route in plan.items()}


class RoutingSearch:
    """PyVRP's search over one set of start options, run again with other shares of days and
    minutes; the options' neighbourhood is worked out once."""

    def __init__(self, reach: Reach, reserved: bool = True):
        self.reach = reach
        self.options = start_options(reach, reserved)
        self.neighbourhood = neighbours(reach, self.options)

    def run(self, plan: Plan, banned: set[tuple[int, int]], caps: list[int] | None, budget: SearchBudget,
            seed: int, limit: int) -> tuple[Plan, int]:
        """One run from ``plan`` with ``banned`` (visit, day) pairs left out; returns the timed
        plan and the iterations it used."""
        if not self.options:
            return {}, 0
        caps = caps or [v.shift.end - v.shift.start for v in self.reach.vehicles]
        model = build_model(self.reach, self.options, caps, banned)
        criteria = [MaxIterations(max(1, min(limit, budget.iterations))), NoImprovement(budget.patience)]
        if budget.deadline is not None:
            criteria.append(MaxRuntime(max(0.05, budget.deadline - time.monotonic())))
        result = model_solve(model, self.neighbourhood, plan, MultipleCriteria(criteria), seed)
        return _plan_from(self.reach, model, result.best), result.num_iterations


def model_solve(model: RoutingModel, neighbourhood: dict, plan: Plan, stop: MultipleCriteria, seed: int) -> Result:
    """PyVRP's iterated local search as ``pyvrp.solve`` runs it, with a neighbourhood worked out
    once (:func:`routing.neighbours`) instead of PyVRP's own for every run."""
    # Time warp and excess load must be allowed to cost more than a visit's prize, or the
    # search would rather break a rule than leave a visit out.
    params = SolveParams(penalty=PenaltyParams(max_penalty=float(2 * model.weights.prize)))
    rng = RandomNumberGenerator(seed=seed)
    local_search = LocalSearch(model.data, rng, neighbourhood, PerturbationManager(params.perturbation))
    for operator in params.operators:
        if operator.supports(model.data):
            local_search.add_operator(operator(model.data))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PenaltyBoundWarning)
        penalties = PenaltyManager(params.penalty.midpoint_penalties(model.data), params.penalty)
        start = _initial(model, plan) or local_search(Solution.make_random(model.data, rng),
                                                       penalties.max_cost_evaluator(), exhaustive=True)
        search = IteratedLocalSearch(model.data, penalties, local_search, start, params.ils)
        return search.run(stop, collect_stats=False, display=False)


def _client_for(options: list[StartOption], indices: list[int], staff: int, start: int) -> int | None:
    """The client that makes this visit with this staff member at this start, best first: the
    kept option, the key-worker option, the general one."""
    fitting = [i for i in indices if options[i].early <= start <= options[i].late
               and options[i].staff in (None, staff)]
    return max(fitting, key=lambda i: (options[i].keeps, options[i].staff is not None), default=None)


def _initial(model: RoutingModel, plan: Plan) -> Solution | None:
    """The plan as a PyVRP solution."""
    of_visit: dict[int, list[int]] = {}
    for i, option in enumerate(model.options):
        if (option.visit, day_of(option.early)) not in model.banned:
            of_visit.setdefault(option.visit, []).append(i)
    routes = []
    for k, route in sorted(plan.items()):
        staff = model.vehicles[k].staff
        clients = [_client_for(model.options, of_visit.get(v, []), staff, t) for v, t in route]
        clients = [c for c in clients if c is not None]
        if clients:
            routes.append(Route(model.data, clients, k))
    return Solution(model.data, routes) if routes else None


def _plan_from(reach: Reach, model: RoutingModel, solution: Solution) -> Plan:
    wanted = reach.wanted_starts()
    plan: Plan = {}
    for route in solution.routes():
        k = route.vehicle_type()
        options = [model.options[activity.idx] for activity in route if activity.is_client()]
        timed = time_route(reach, k, options, wanted.get(reach.vehicles[k].staff, {}))
        if timed:
            plan[k] = timed
    return plan


def _resident_day_bans(reach: Reach, plan: Plan, rotation: int) -> set[tuple[int, int]]:
    """Share each resident's days out among their visits, so that no two can meet on a day.

    Each visit gets a day of its own where that is possible for all of them (a largest
    matching of visits to the days they fit on); a visit keeps the day it holds in ``plan``
    unless a visit without a day needs it and it can move. The days nobody was given go to
    the visits without one first, then to the others in turn, the turn moving on with
    ``rotation`` so that each cycle tries another sharing. Each visit is banned from every
    day it was not given, so the search cannot break the rule.
    """
    held: dict[int, int] = {v: day_of(t) for route in plan.values() for v, t in route}
    bans: set[tuple[int, int]] = set()
    for visits in reach.visits_of_resident.values():
        if len(visits) < 2:
            continue
        days = {v: sorted({day_of(f.early) for f in reach.fits[v]}, key=lambda d: (d != held.get(v), d))
                for v in visits}
        order = [v for v in visits if v in held] + [v for v in visits if v not in held]
        owner = _match_days(order, days)
        given: dict[int, set[int]] = {v: set() for v in visits}
        for day, v in owner.items():
            given[v].add(day)
        without = [v for v in order if not given[v]]
        for turn, day in enumerate(sorted(set().union(*map(set, days.values())) - owner.keys())):
            able = [v for v in without if day in days[v]] or [v for v in order if day in days[v]]
            given[able[(turn + rotation) % len(able)]].add(day)
        bans |= {(v, day) for v in visits for day in days[v] if day not in given[v]}
    return bans


def _match_days(order: list[int], choices: dict[int, list[int]]) -> dict[int, int]:
    """A largest matching of visits to days (day → visit), by augmenting paths: visits earlier in
    ``order`` are matched first, each to its earliest choice that is free or can be freed."""
    owner: dict[int, int] = {}

    def place(v: int, seen: set[int]) -> bool:
        for day in choices[v]:
            if day in seen:
                continue
            seen.add(day)
            if day not in owner or place(owner[day], seen):
                owner[day] = v
                return True
        return False

    for v in order:
        place(v, set())
    return owner


def _share_minutes(reach: Reach, plan: Plan) -> list[int]:
    """Visit minutes each shift may take: its length, or for staff with a weekly limit, what
    the shift has in ``plan`` (up to the limit, most valuable first) plus what the week has
    left over (the repair drops what overbooks)."""
    problem = reach.problem
    caps = [v.shift.end - v.shift.start for v in reach.vehicles]
    for s, member in enumerate(problem.staff):
        if member.max_minutes is None:
            continue
        mine = sorted(((value_of(problem, s, v, t), -problem.visits[v].duration, -v, k, v)
                       for k in reach.vehicles_of_staff[s] for v, t in plan.get(k, [])), reverse=True)
        kept = dict.fromkeys(reach.vehicles_of_staff[s], 0)
        left = member.max_minutes
        for *_, k, v in mine:
            if problem.visits[v].duration <= left:
                kept[k] += problem.visits[v].duration
                left -= problem.visits[v].duration
        for k, minutes in kept.items():
            caps[k] = min(caps[k], minutes + left)
    return caps
