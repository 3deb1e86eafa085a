"""The final check: a schedule that breaks a rule of ``support-schedule/1`` is never written.

Written from the format's definition of a feasible schedule (FORMATS.md §2), on the
assignments themselves, sharing no code with the solver's stages (no start options, no route
timing), so that a mistake in them cannot hide here too. :func:`violations` lists every
broken rule in words; :func:`refuse_broken` raises :class:`BrokenRule` if there is any, or
if the objective to be written is not what the assignments give. :mod:`api` calls it on
every result before returning it.
"""

from __future__ import annotations

from allocator.scheduling.problem import MINUTES_PER_DAY, Assignment, Objective, Problem


class BrokenRule(Exception):
    """The solver produced a schedule that breaks a rule: a bug, never a result."""

    def __init__(self, problems: list[str]):
        super().__init__("schedule refused: " + "; ".join(problems))
        self.problems = problems


def refuse_broken(problem: Problem, assignments: list[Assignment], claimed: Objective) -> None:
    found = violations(problem, assignments)
    if not found and (actual := objective(problem, assignments)) != claimed:
        found.append(f"the objective {claimed} is not what the assignments give ({actual})")
    if found:
        raise BrokenRule(found)


def violations(problem: Problem, assignments: list[Assignment]) -> list[str]:
    found: list[str] = []
    if not _known(problem, assignments, found):
        return found
    for a in assignments:
        _visit_rules(problem, a, found)
    for shift_visits in _by_shift(problem, assignments, found).values():
        _round_trip(problem, shift_visits, found)
    _week_rules(problem, assignments, found)
    return found


def objective(problem: Problem, assignments: list[Assignment]) -> Objective:
    """The four numbers, counted directly: key worker and kept by id, travel shift by shift."""
    previous = {(problem.visits[e.visit].id, e.staff, e.start) for e in problem.previous}
    with_key_worker = kept = travel = 0
    for a in assignments:
        visit, member = problem.visits[a.visit], problem.staff[a.staff]
        with_key_worker += visit.key_worker == member.id
        kept += (visit.id, member.id, a.start) in previous
    for (staff, _), route in _by_shift(problem, assignments, []).items():
        stops = [problem.staff[staff].base, *(problem.visits[a.visit].location for a in route),
                 problem.staff[staff].base]
        travel += sum(problem.travel[here][there] for here, there in zip(stops, stops[1:], strict=False))
    return Objective(len(assignments), with_key_worker, kept, travel)


def _known(problem: Problem, assignments: list[Assignment], found: list[str]) -> bool:
    seen: set[int] = set()
    for a in assignments:
        if not (0 <= a.visit < len(problem.visits) and 0 <= a.staff < len(problem.staff)):
            found.append(f"assignment {a} names no visit or staff member of the problem")
        elif a.visit in seen:
            found.append(f"visit {problem.visits[a.visit].id} is scheduled twice")
        seen.add(a.visit)
    return not found


def _visit_rules(problem: Problem, a: Assignment, found: list[str]) -> None:
    visit, member = problem.visits[a.visit], problem.staff[a.staff]
    if visit.skill is not None and visit.skill not in member.skills:
        found.append(f"visit {visit.id}: {member.id} lacks the skill {visit.skill}")
    if not any(w.start <= a.start and a.start + visit.duration <= w.end for w in visit.windows):
        found.append(f"visit {visit.id}: start {a.start} is not inside one of its windows")


def _by_shift(problem: Problem, assignments: list[Assignment],
              found: list[str]) -> dict[tuple[int, int], list[Assignment]]:
    """Assignments grouped by (staff, shift), in time order; those inside no shift reported."""
    shifts: dict[tuple[int, int], list[Assignment]] = {}
    for a in assignments:
        end = a.start + problem.visits[a.visit].duration
        inside = [i for i, s in enumerate(problem.staff[a.staff].shifts) if s.start <= a.start and end <= s.end]
        if inside:
            shifts.setdefault((a.staff, inside[0]), []).append(a)
        else:
            found.append(f"visit {problem.visits[a.visit].id}: not inside a shift of {problem.staff[a.staff].id}")
    return {key: sorted(route, key=lambda a: a.start) for key, route in sorted(shifts.items())}


def _round_trip(problem: Problem, route: list[Assignment], found: list[str]) -> None:
    """Leave base at or after the shift start, each visit after the last one and the travel,
    back at base by the shift end (this also rules out overlapping visits)."""
    member = problem.staff[route[0].staff]
    shift = next(s for s in member.shifts if s.start <= route[0].start < s.end)
    here, free = member.base, shift.start
    for a in route:
        visit = problem.visits[a.visit]
        if a.start < free + problem.travel[here][visit.location]:
            found.append(f"visit {visit.id}: {member.id} cannot be there by {a.start} "
                         f"(free at {free}, {problem.travel[here][visit.location]} minutes away)")
        here, free = visit.location, a.start + visit.duration
    if free + problem.travel[here][member.base] > shift.end:
        found.append(f"{member.id}: back at base at {free + problem.travel[here][member.base]}, "
                     f"after the shift ends at {shift.end}")


def _week_rules(problem: Problem, assignments: list[Assignment], found: list[str]) -> None:
    minutes = [0] * len(problem.staff)
    days: dict[tuple[str, int], list[str]] = {}
    for a in assignments:
        visit = problem.visits[a.visit]
        minutes[a.staff] += visit.duration
        days.setdefault((visit.resident, a.start // MINUTES_PER_DAY), []).append(visit.id)
    for member, used in zip(problem.staff, minutes, strict=True):
        if member.max_minutes is not None and used > member.max_minutes:
            found.append(f"{member.id}: {used} visit minutes, more than max_minutes {member.max_minutes}")
    for (resident, day), ids in sorted(days.items()):
        if len(ids) > 1:
            found.append(f"resident {resident}: {len(ids)} visits on day {day} ({', '.join(ids)})")
