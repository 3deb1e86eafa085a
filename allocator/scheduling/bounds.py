"""Proven bounds on the optimal schedule, for the benchmark and the tests; never used by the solver.

They are worked out apart from the solver's code path (no start options, no route
enumeration, no routing model): each staff member alone with their own residents' visits
(those whose key worker they are) is one CP-SAT model with one circuit per shift, start
times as variables, and the format's order as its objective (most visits, then most
``previous`` entries kept, then least travel). From these per-staff optima:

* :func:`key_worker_bound`: no schedule has more visits made by their key worker than the
  sum of each staff member's most own visits (in any schedule, the visits a staff member
  makes for their own residents form a schedule of their part alone);
* :func:`least_travel`: when every visit has a key worker at work, each resident's visits
  share one key worker and every staff member can make all of their own visits, the optimal
  schedule makes every visit by its key worker, the week falls apart into these parts, and
  the sum of their least travel (all visits made, most kept) is the optimum's travel.

A bound is *proven* only when every model is solved to optimality within its deterministic
time; otherwise the benchmark prints "not proven". Shifts must lie within one day (a
resident's one visit a day is then a rule per shift day).
"""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model
from ortools.util.python import sorted_interval_list

from allocator.scheduling.problem import MINUTES_PER_DAY, Problem

WORK_PER_STAFF = 20.0  # CP-SAT deterministic time per staff member


@dataclass(frozen=True)
class Bound:
    value: int
    proven: bool


@dataclass(frozen=True)
class OwnOptimum:
    made: int
    kept: int
    travel: int
    proven: bool


def key_worker_bound(problem: Problem) -> Bound | None:
    """Most visits that can be made by their key worker (None: shifts cross midnight)."""
    if not _shifts_within_days(problem):
        return None
    parts = [_own_optimum(problem, s, visits, all_required=False) for s, visits in _own_visits(problem).items()]
    return Bound(sum(p.made for p in parts if p), all(p is not None and p.proven for p in parts))


def least_travel(problem: Problem) -> Bound | None:
    """The optimal schedule's travel when it makes every visit by its key worker (None when the
    week is not of that kind, or that could not be shown)."""
    key_worker_of = {member.id: s for s, member in enumerate(problem.staff)}
    residents: dict[str, str | None] = {}
    if (not _shifts_within_days(problem) or any(v.key_worker not in key_worker_of for v in problem.visits)
            or any(residents.setdefault(v.resident, v.key_worker) != v.key_worker for v in problem.visits)):
        return None
    parts = [_own_optimum(problem, s, visits, all_required=True) for s, visits in _own_visits(problem).items()]
    if any(p is None for p in parts):
        return None
    return Bound(sum(p.travel for p in parts), all(p.proven for p in parts))


def _shifts_within_days(problem: Problem) -> bool:
    return all(s.start // MINUTES_PER_DAY == (s.end - 1) // MINUTES_PER_DAY
               for member in problem.staff for s in member.shifts)


def _own_visits(problem: Problem) -> dict[int, list[int]]:
    index = {member.id: s for s, member in enumerate(problem.staff)}
    own: dict[int, list[int]] = {s: [] for s in range(len(problem.staff))}
    for v, visit in enumerate(problem.visits):
        if visit.key_worker in index:
            own[index[visit.key_worker]].append(v)
    return own


def _start_domain(problem: Problem, staff: int, shift_index: int, v: int) -> list[list[int]]:
    """Start minutes of visit v alone in this shift: inside a window, reachable from base and
    back in time, with the skill; empty if none."""
    member, visit = problem.staff[staff], problem.visits[v]
    shift = member.shifts[shift_index]
    if visit.skill is not None and visit.skill not in member.skills:
        return []
    early = shift.start + problem.travel[member.base][visit.location]
    late = shift.end - problem.travel[visit.location][member.base] - visit.duration
    ranges = [[max(early, w.start), min(late, w.end - visit.duration)] for w in visit.windows]
    return [r for r in ranges if r[0] <= r[1]]


def _own_optimum(problem: Problem, staff: int, visits: list[int], *, all_required: bool) -> OwnOptimum | None:
    """One staff member's part solved exactly (None: infeasible, e.g. not all can be made)."""
    if not visits:
        return OwnOptimum(0, 0, 0, True)
    model = cp_model.CpModel()
    member = problem.staff[staff]
    made: dict[int, list] = {v: [] for v in visits}
    by_day: dict[tuple[str, int], list] = {}
    minutes, travel, kept = [], [], []
    for i, shift in enumerate(member.shifts):
        here = {v: d for v in visits if (d := _start_domain(problem, staff, i, v))}
        visited = _shift_circuit(model, problem, staff, i, here, travel)
        for v, (is_made, start) in visited.items():
            made[v].append(is_made)
            minutes.append(problem.visits[v].duration * is_made)
            by_day.setdefault((problem.visits[v].resident, shift.start // MINUTES_PER_DAY), []).append(is_made)
            kept.append(_kept(model, problem, staff, v, is_made, start))
    for v in visits:
        (model.add_exactly_one if all_required else model.add_at_most_one)(made[v])
    for same_day in by_day.values():
        model.add_at_most_one(same_day)
    if member.max_minutes is not None:
        model.add(sum(minutes) <= member.max_minutes)
    most_travel = sum(s.end - s.start for s in member.shifts) + 1
    per_visit = most_travel * (len(visits) + 1)
    model.maximize(per_visit * sum(sum(m) for m in made.values()) + most_travel * sum(kept) - sum(travel))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_deterministic_time = WORK_PER_STAFF
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return OwnOptimum(sum(solver.value(m) for ms in made.values() for m in ms), sum(solver.value(k) for k in kept),
                      sum(solver.value(t) for t in travel), status == cp_model.OPTIMAL)


def _shift_circuit(model: cp_model.CpModel, problem: Problem, staff: int, shift_index: int,
                   domains: dict[int, list[list[int]]], travel: list) -> dict[int, tuple]:
    """A circuit through the base (node 0) and the visits that may go in this shift; returns
    visit → (made in this shift, start); appends each arc's travel term to ``travel``."""
    member = problem.staff[staff]
    shift = member.shifts[shift_index]
    nodes = sorted(domains)
    place = [member.base, *(problem.visits[v].location for v in nodes)]
    duration = [0, *(problem.visits[v].duration for v in nodes)]
    start = [shift.start] + [model.new_int_var_from_domain(
        sorted_interval_list.Domain.from_intervals(domains[v]), f"t{shift_index}_{v}") for v in nodes]
    arcs, visited = [(0, 0, model.new_bool_var(f"idle{shift_index}"))], {}
    for i in range(1, len(place)):
        skip = model.new_bool_var(f"skip{shift_index}_{nodes[i - 1]}")
        arcs.append((i, i, skip))
        visited[nodes[i - 1]] = (~skip, start[i])
    for i in range(len(place)):
        for j in range(len(place)):
            if i == j:
                continue
            arc = model.new_bool_var(f"a{shift_index}_{i}_{j}")
            arcs.append((i, j, arc))
            minutes = problem.travel[place[i]][place[j]]
            travel.append(minutes * arc)
            if j == 0:
                model.add(start[i] + duration[i] + minutes <= shift.end).only_enforce_if(arc)
            else:
                model.add(start[j] >= start[i] + duration[i] + minutes).only_enforce_if(arc)
    model.add_circuit(arcs)
    return visited


def _kept(model: cp_model.CpModel, problem: Problem, staff: int, v: int, is_made, start):
    """A literal: the visit keeps its previous entry in this shift (made here at that minute)."""
    entry = problem.previous_of.get(v)
    if entry is None or entry.staff != problem.staff[staff].id:
        return 0
    kept = model.new_bool_var(f"kept{v}_{start.name}")
    model.add_implication(kept, is_made)
    model.add(start == entry.start).only_enforce_if(kept)
    return kept
