"""Why a visit was left out, in words a unit manager understands.

The reasons are tried in order and the first that applies is given: nobody has the skill;
no window fits a shift; the week's minutes are full; the resident already has a visit on
every day it could be made; it could not fit with the other visits.
"""

from __future__ import annotations

from allocator.scheduling.options import Reach
from allocator.scheduling.problem import WEEKDAYS, Assignment, day_of


def day_name(day: int) -> str:
    return WEEKDAYS[day % 7] if day < 7 else f"day {day + 1}"


def reasons(reach: Reach, assignments: list[Assignment]) -> dict[int, str]:
    """Reason for every visit not among ``assignments``."""
    problem = reach.problem
    scheduled = {a.visit for a in assignments}
    used = [0] * len(problem.staff)
    resident_days: dict[str, set[int]] = {}
    for a in assignments:
        used[a.staff] += problem.visits[a.visit].duration
        resident_days.setdefault(problem.visits[a.visit].resident, set()).add(day_of(a.start))
    return {v: _reason(reach, v, used, resident_days.get(problem.visits[v].resident, set()))
            for v in range(len(problem.visits)) if v not in scheduled}


def _reason(reach: Reach, v: int, used: list[int], busy_days: set[int]) -> str:
    problem = reach.problem
    visit = problem.visits[v]
    if not problem.staff:
        return "No staff member is working this week."
    if not any(member.has_skill(visit.skill) for member in problem.staff):
        return f"No staff member working this week has the skill “{visit.skill}”."
    fitting: dict[int, set[int]] = {}  # staff index → days on which a window meets one of their shifts
    for fit in reach.fits[v]:
        fitting.setdefault(reach.vehicles[fit.vehicle].staff, set()).add(day_of(fit.early))
    if not fitting:
        return ("None of the visit's time windows fits inside a shift of a staff member who has the skill "
                "(counting the travel from their base and back).")
    with_minutes = {s: days for s, days in fitting.items()
                    if problem.staff[s].max_minutes is None
                    or used[s] + visit.duration <= problem.staff[s].max_minutes}
    if not with_minutes:
        names = ", ".join(sorted(problem.staff[s].id for s in fitting))
        return (f"The week's minutes are full: no one who could make it ({names}) has {visit.duration} "
                "minutes left this week.")
    open_days = set().union(*with_minutes.values()) - busy_days
    if not open_days:
        days = ", ".join(day_name(d) for d in sorted(set().union(*with_minutes.values())))
        return f"The resident already has a visit on each day this one could be made ({days})."
    return ("Could not fit with the other visits: the shifts where it could go are already full at "
            "those times.")
