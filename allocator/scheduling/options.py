"""Where and when each visit could go: its start options and the staff shifts that can reach it.

A visit's windows are cut at midnight into *options*, each a range of start minutes on one
day (``start`` and ``start + duration`` inside the window). Cutting by day makes "at most one
visit per resident per day" a property of the chosen options, and lets re-planning forbid one
visit on one day without touching its other days. A ``previous`` entry that can still be kept
becomes one more option: exactly its old start, reserved for its old staff member.
"""

from __future__ import annotations

from dataclasses import dataclass

from allocator.scheduling.problem import MINUTES_PER_DAY, Interval, Problem, Visit, day_of


@dataclass(frozen=True)
class Vehicle:
    """One shift of one staff member: a round trip from the staff member's base."""

    staff: int
    shift: Interval


@dataclass(frozen=True)
class StartOption:
    visit: int
    early: int  # earliest start minute
    late: int  # latest start minute, on the same day as ``early``
    kept_staff: int | None = None  # set for the option that keeps a previous entry

    @property
    def day(self) -> int:
        return day_of(self.early)


def vehicles_of(problem: Problem) -> list[Vehicle]:
    return [Vehicle(s, shift) for s, member in enumerate(problem.staff) for shift in member.shifts]


def reachable_starts(problem: Problem, vehicle: Vehicle, visit: Visit) -> Interval | None:
    """Start minutes at which ``visit`` alone fits in the vehicle's shift (round trip from base)."""
    member = problem.staff[vehicle.staff]
    if not member.has_skill(visit.skill):
        return None
    early = vehicle.shift.start + problem.travel[member.base][visit.location]
    late = vehicle.shift.end - problem.travel[visit.location][member.base] - visit.duration
    return Interval(early, late) if early <= late else None


def day_pieces(visit: Visit) -> list[tuple[int, int]]:
    """The visit's possible start ranges, each within one day, in time order."""
    pieces = []
    for window in visit.windows:
        first, last = window.start, window.end - visit.duration
        while first <= last:
            day_end = (day_of(first) + 1) * MINUTES_PER_DAY - 1
            pieces.append((first, min(last, day_end)))
            first = day_end + 1
    return pieces


def keepable_staff(problem: Problem, visit_index: int, start: int, staff_id: str) -> int | None:
    """The staff index if the previous entry (visit, staff, start) could be kept as it is."""
    s = problem.staff_by_id.get(staff_id)
    if s is None:
        return None
    visit = problem.visits[visit_index]
    in_window = any(w.start <= start and start + visit.duration <= w.end for w in visit.windows)
    fits_shift = any(
        (reach := reachable_starts(problem, Vehicle(s, shift), visit)) is not None
        and reach.start <= start <= reach.end
        for shift in problem.staff[s].shifts
    )
    return s if in_window and fits_shift else None


def _meets_some_vehicle(piece: tuple[int, int], reach: list[Interval]) -> bool:
    return any(r.start <= piece[1] and piece[0] <= r.end for r in reach)


def start_options(problem: Problem, vehicles: list[Vehicle], banned: set[tuple[int, int]]) -> list[StartOption]:
    """Every useful start option of every visit; ``banned`` holds (visit, day) pairs left out."""
    kept = {entry.visit: keepable_staff(problem, entry.visit, entry.start, entry.staff)
            for entry in problem.previous}
    previous_start = {entry.visit: entry.start for entry in problem.previous}
    options = []
    for v, visit in enumerate(problem.visits):
        reach = [r for vehicle in vehicles if (r := reachable_starts(problem, vehicle, visit)) is not None]
        for early, late in day_pieces(visit):
            if (v, day_of(early)) not in banned and _meets_some_vehicle((early, late), reach):
                options.append(StartOption(v, early, late))
        start = previous_start.get(v)
        if kept.get(v) is not None and (v, day_of(start)) not in banned:
            options.append(StartOption(v, start, start, kept_staff=kept[v]))
    return options


def keepable_visits(problem: Problem) -> set[int]:
    """Visits whose previous entry could be kept as it is (used to weigh the objective)."""
    return {entry.visit for entry in problem.previous
            if keepable_staff(problem, entry.visit, entry.start, entry.staff) is not None}


def key_worker_of(problem: Problem, visit: Visit) -> int | None:
    """The key worker's staff index, or None when there is none or they are absent this week."""
    return problem.staff_by_id.get(visit.key_worker) if visit.key_worker is not None else None

