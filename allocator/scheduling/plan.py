"""A schedule under construction, and the repairs that keep it feasible.

A :data:`Plan` maps a vehicle (staff shift) index to its route: ``(visit, start)`` pairs in
time order. :func:`enforce_week_rules` and :func:`retime` turn any plan (such as the routing
search's answer, which does not know the rules that span several shifts) into a feasible
one. :class:`Draft` is a feasible plan being changed in place, with what the changes need
kept in step: where each visit is, each resident's taken days, each staff member's minutes
and the objective. Every lookup is a dictionary access and the only searches are over the
shifts where a visit fits on its own (:class:`allocator.scheduling.options.Reach`), so a
repair costs time in proportion to the visits it moves and their shifts, plus one copy of
the indexes for each move tried on a copy; nothing rescans the week per visit.
"""

from __future__ import annotations

from allocator.scheduling.options import Fit, Reach, StartOption
from allocator.scheduling.problem import Assignment, Problem, day_of
from allocator.scheduling.timing import route_times, route_travel

Route = list[tuple[int, int]]  # (visit, start) in time order
Plan = dict[int, Route]  # vehicle index → its route; only routes with visits


def value_of(problem: Problem, staff: int, visit: int, start: int) -> tuple[int, int]:
    """(made by key worker, keeps the previous entry): what one assignment is worth beyond being made."""
    return int(problem.key_worker_index[visit] == staff), int(problem.keeps(visit, staff, start))


def piece_holding(reach: Reach, visit: int, start: int) -> StartOption | None:
    """The day piece of the visit's windows that holds ``start`` (so the visit may move within it)."""
    for early, late in reach.pieces[visit]:
        if early <= start <= late:
            return StartOption(visit, early, late)
    return None


def time_route(reach: Reach, k: int, options: list[StartOption], wanted: dict[int, int]) -> Route:
    """Timed visits of a route; visits that make it infeasible are left out, first come first kept."""
    problem, vehicle = reach.problem, reach.vehicles[k]
    kept: list[StartOption] = []
    starts: list[int] = []
    for option in options:
        trial = route_times(problem, vehicle, [*kept, option], wanted)
        if trial is not None:
            kept.append(option)
            starts = trial
    return [(option.visit, start) for option, start in zip(kept, starts, strict=True)]


def retime(reach: Reach, plan: Plan, wanted: dict[int, dict[int, int]]) -> Plan:
    """Time every route again (dropping what no longer fits, e.g. after removals in a matrix
    without the triangle inequality), keeping previous starts where they fit."""
    result: Plan = {}
    for k, route in plan.items():
        options = [piece for v, t in route if (piece := piece_holding(reach, v, t)) is not None]
        timed = time_route(reach, k, options, wanted.get(reach.vehicles[k].staff, {}))
        if timed:
            result[k] = timed
    return result


def enforce_week_rules(reach: Reach, plan: Plan) -> Plan:
    """Drop the least valuable visits until every resident has ≤ 1 visit a day and minutes fit."""
    problem, vehicles = reach.problem, reach.vehicles
    ranked = sorted(((value_of(problem, vehicles[k].staff, v, t), -v, k, v, t) for k, route in plan.items()
                     for v, t in route), reverse=True)
    used = [0] * len(problem.staff)
    taken: set[tuple[str, int]] = set()
    result: Plan = {}
    for _, _, k, v, t in ranked:
        visit, s = problem.visits[v], vehicles[k].staff
        limit = problem.staff[s].max_minutes
        if (visit.resident, day_of(t)) in taken or (limit is not None and used[s] + visit.duration > limit):
            continue
        taken.add((visit.resident, day_of(t)))
        used[s] += visit.duration
        result.setdefault(k, []).append((v, t))
    return {k: sorted(route, key=lambda vt: vt[1]) for k, route in result.items()}


def assignments_of(reach: Reach, plan: Plan) -> list[Assignment]:
    return sorted((Assignment(v, reach.vehicles[k].staff, t) for k, route in plan.items() for v, t in route),
                  key=lambda a: a.visit)


class Draft:
    """A feasible plan changed in place, with its indexes and objective kept in step."""

    def __init__(self, reach: Reach, plan: Plan, wanted: dict[int, dict[int, int]]):
        self.reach, self.problem, self.wanted = reach, reach.problem, wanted
        self.routes: Plan = {}
        self.vehicle_of: dict[int, int] = {}
        self.taken: dict[tuple[str, int], int] = {}  # (resident, day) → the visit made then
        self.minutes = [0] * len(self.problem.staff)
        self.travel: dict[int, int] = {}  # vehicle → its round-trip travel
        self.with_key_worker = self.kept = self.total_travel = 0
        for k, route in plan.items():
            self.set_route(k, route)

    def copy(self) -> Draft:
        other = Draft.__new__(Draft)
        other.__dict__.update(self.__dict__)
        other.routes, other.vehicle_of, other.taken = dict(self.routes), dict(self.vehicle_of), dict(self.taken)
        other.minutes, other.travel = list(self.minutes), dict(self.travel)
        return other

    def value(self) -> tuple[int, int, int, int]:
        """The objective as :meth:`Objective.as_tuple` gives it: larger is better."""
        return len(self.vehicle_of), self.with_key_worker, self.kept, -self.total_travel

    def plan(self) -> Plan:
        return dict(self.routes)

    def set_route(self, k: int, route: Route) -> None:
        """Replace vehicle k's route (the caller keeps the week's rules)."""
        staff = self.reach.vehicles[k].staff
        for sign, visits in ((-1, self.routes.get(k, [])), (1, route)):
            for v, t in visits:
                visit = self.problem.visits[v]
                key_worker, kept = value_of(self.problem, staff, v, t)
                self.with_key_worker += sign * key_worker
                self.kept += sign * kept
                self.minutes[staff] += sign * visit.duration
                if sign > 0:
                    self.vehicle_of[v] = k
                    self.taken[(visit.resident, day_of(t))] = v
                else:
                    del self.vehicle_of[v]
                    del self.taken[(visit.resident, day_of(t))]
        self.total_travel -= self.travel.pop(k, 0)
        self.routes.pop(k, None)
        if route:
            self.routes[k] = route
            base = self.problem.staff[staff].base
            self.travel[k] = route_travel(self.problem, base, [self.problem.visits[v].location for v, _ in route])
            self.total_travel += self.travel[k]

    def remove(self, visit: int) -> None:
        """Take a visit out; its shift is timed again (what no longer fits drops out with it)."""
        k = self.vehicle_of.get(visit)
        if k is None:
            return
        rest = [piece for v, t in self.routes[k] if v != visit and (piece := piece_holding(self.reach, v, t))]
        self.set_route(k, time_route(self.reach, k, rest, self.wanted.get(self.reach.vehicles[k].staff, {})))

    def insert(self, visit: int, only_staff: int | None = None, only_vehicle: int | None = None,
               at: int | None = None) -> bool:
        """Insert at the best feasible place (into a shift of ``only_staff``, or vehicle
        ``only_vehicle``, starting exactly ``at``, if given); False if there is none."""
        best = self.best_insertion(visit, only_staff, only_vehicle, at)
        if best is not None:
            self.set_route(best[1], best[2])
        return best is not None

    def open_fits(self, visit: int) -> list[Fit]:
        """The visit's fits on days the resident is free, with the staff member's minutes to spare."""
        problem, reach = self.problem, self.reach
        v = problem.visits[visit]
        found = []
        for fit in reach.fits[visit]:
            staff = reach.vehicles[fit.vehicle].staff
            limit = problem.staff[staff].max_minutes
            if (v.resident, day_of(fit.early)) not in self.taken and (
                    limit is None or self.minutes[staff] + v.duration <= limit):
                found.append(fit)
        return found

    def best_insertion(self, visit: int, only_staff: int | None = None, only_vehicle: int | None = None,
                       at: int | None = None) -> tuple[tuple, int, Route] | None:
        """(score, vehicle, new route) of the best feasible insertion, or None. Tries only the
        shifts where the visit fits on its own (:meth:`open_fits`)."""
        best = None
        for fit in self.open_fits(visit):
            if ((only_vehicle is not None and fit.vehicle != only_vehicle)
                    or (only_staff is not None and self.reach.vehicles[fit.vehicle].staff != only_staff)
                    or (at is not None and not fit.early <= at <= fit.late)):
                continue
            early, late = (fit.early, fit.late) if at is None else (at, at)
            scored = self.best_position(visit, fit.vehicle, StartOption(visit, early, late))
            if scored is not None and (best is None or scored[0] > best[0]):
                best = scored
        return best

    def best_position(self, visit: int, k: int, candidate: StartOption,
                      route: Route | None = None) -> tuple[tuple, int, Route] | None:
        """The best place for ``visit`` in vehicle k's route (or in ``route`` instead, to try one
        without some visit), or None if it fits nowhere. Scored by what the route gains: the
        key-worker term of the visit, previous starts kept over the whole route (the others'
        times may move), travel."""
        problem, reach = self.problem, self.reach
        staff = reach.vehicles[k].staff
        route = self.routes.get(k, []) if route is None else route
        kept_before = sum(problem.keeps(v, staff, t) for v, t in route)
        options = [piece_holding(reach, v, t) for v, t in route]
        wanted = self.wanted.get(staff, {})
        base = problem.staff[staff].base
        stops = [base, *(problem.visits[v].location for v, _ in route), base]
        here = problem.visits[visit].location
        best = None
        for position in range(len(options) + 1):
            starts = route_times(problem, reach.vehicles[k], [*options[:position], candidate, *options[position:]],
                                 wanted)
            if starts is None:
                continue
            before, after = stops[position], stops[position + 1]
            added = problem.travel[before][here] + problem.travel[here][after] - problem.travel[before][after]
            order = [v for v, _ in route[:position]] + [visit] + [v for v, _ in route[position:]]
            kept = sum(problem.keeps(v, staff, t) for v, t in zip(order, starts, strict=True)) - kept_before
            score = (int(problem.key_worker_index[visit] == staff), kept, -added, -k)
            if best is None or score > best[0]:
                best = (score, k, list(zip(order, starts, strict=True)))
        return best


def fill(draft: Draft, visits: list[int] | None = None) -> Draft:
    """Insert each unscheduled visit (of ``visits``, or all) where it fits best; where it fits
    nowhere, try moving one of the resident's other visits to another day first, then moving
    one visit out of a shift where it would fit alone."""
    for visit in visits if visits is not None else range(len(draft.problem.visits)):
        if visit in draft.vehicle_of or not draft.reach.fits[visit] or draft.insert(visit):
            continue
        draft = _moving_sibling(draft, visit) or _ejecting(draft, visit) or draft
    return draft


def _ejecting(draft: Draft, visit: int) -> Draft | None:
    """The best of: take one visit out of a shift where ``visit`` fits alone, insert ``visit``
    there, put the other one back somewhere. Each pair is first tried on the route alone, so
    only the promising ones cost a copy of the plan."""
    best = None
    for fit in draft.open_fits(visit):
        route = draft.routes.get(fit.vehicle, [])
        for other, _ in route:
            rest = [(u, t) for u, t in route if u != other]
            if draft.best_position(visit, fit.vehicle, StartOption(visit, fit.early, fit.late), rest) is None:
                continue
            trial = draft.copy()
            trial.remove(other)
            if (trial.insert(visit, only_vehicle=fit.vehicle) and trial.insert(other)
                    and trial.value() > (best or draft).value()):
                best = trial
    return best


def _moving_sibling(draft: Draft, visit: int) -> Draft | None:
    """The best of: take out one of the resident's scheduled visits, insert ``visit``, put the
    other back somewhere; None if no way schedules both."""
    best = None
    for sibling in draft.reach.visits_of_resident[draft.problem.visits[visit].resident]:
        if sibling == visit or sibling not in draft.vehicle_of:
            continue
        trial = draft.copy()
        trial.remove(sibling)
        if trial.insert(visit) and trial.insert(sibling) and trial.value() > (best or draft).value():
            best = trial
    return best
