"""Where and when each visit could go: the shifts that can reach it and its start options.

A *vehicle* is one shift of one staff member: a round trip from their base. A visit's windows
are cut at midnight into *day pieces*, each a range of start minutes on one day (``start`` and
``start + duration`` inside the window). :class:`Reach` works out once, with NumPy, every
*fit*: a vehicle and the start minutes at which the visit alone fits in that shift (skill,
window, the way there from base and back). Everything later (the routing model, insertion,
explanations) looks visits up there instead of trying every shift again.

The routing model's clients are *start options* (:func:`start_options`), per day piece:

* a general option, open to every staff member with the skill;
* a key-worker option, the same minutes reserved for the visit's key worker (it earns the
  key-worker term of the objective);
* for a ``previous`` entry that can still be kept, one more option: exactly its old start,
  reserved for its old staff member.

Cutting by day makes "at most one visit per resident per day" a property of the chosen
options, and lets the solver forbid one visit on one day without touching its other days
(:func:`allocator.scheduling.routing.build_model`'s ``banned``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from allocator.scheduling.problem import MINUTES_PER_DAY, Interval, Problem, Visit, day_of


@dataclass(frozen=True)
class Vehicle:
    """One shift of one staff member: a round trip from the staff member's base."""

    staff: int
    shift: Interval


class Fit(NamedTuple):
    """A visit alone in one vehicle: it may start at any minute of ``[early, late]``."""

    vehicle: int
    early: int
    late: int
    piece: int  # index into the visit's day pieces


@dataclass(frozen=True)
class StartOption:
    visit: int
    early: int  # earliest start minute
    late: int  # latest start minute, on the same day as ``early``
    staff: int | None = None  # reserved for this staff member (key-worker and kept options)
    keeps: bool = False  # the option that keeps the visit's previous entry (early == late)


def vehicles_of(problem: Problem) -> list[Vehicle]:
    return [Vehicle(s, shift) for s, member in enumerate(problem.staff) for shift in member.shifts]


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


class Reach:
    """Every visit's fits (vehicle and start range), and the ``previous`` entries that can be kept."""

    def __init__(self, problem: Problem):
        self.problem = problem
        self.vehicles = vehicles_of(problem)
        self.vehicles_of_staff: list[list[int]] = [[] for _ in problem.staff]
        for k, vehicle in enumerate(self.vehicles):
            self.vehicles_of_staff[vehicle.staff].append(k)
        self.pieces = [day_pieces(visit) for visit in problem.visits]
        self.visits_of_resident: dict[str, list[int]] = {}
        for v, visit in enumerate(problem.visits):
            self.visits_of_resident.setdefault(visit.resident, []).append(v)
        self.fits = self._fits()
        self.keepable = self._keepable()

    def _fits(self) -> list[list[Fit]]:
        """Each vehicle against every day piece at once: one NumPy pass per vehicle."""
        problem = self.problem
        fits: list[list[Fit]] = [[] for _ in problem.visits]
        owner = [(v, i) for v, pieces in enumerate(self.pieces) for i in range(len(pieces))]
        if not owner or not self.vehicles:
            return fits
        visit_of = np.array([v for v, _ in owner], dtype=np.int64)
        piece_early = np.array([self.pieces[v][i][0] for v, i in owner], dtype=np.int64)
        piece_late = np.array([self.pieces[v][i][1] for v, i in owner], dtype=np.int64)
        location = np.array([visit.location for visit in problem.visits], dtype=np.int64)[visit_of]
        duration = np.array([visit.duration for visit in problem.visits], dtype=np.int64)[visit_of]
        travel = np.asarray(problem.travel, dtype=np.int64)
        skilled = [np.array([member.has_skill(problem.visits[v].skill) for v, _ in owner], dtype=bool)
                   for member in problem.staff]
        for k, vehicle in enumerate(self.vehicles):
            base = problem.staff[vehicle.staff].base
            early = np.maximum(piece_early, vehicle.shift.start + travel[base, location])
            late = np.minimum(piece_late, vehicle.shift.end - travel[location, base] - duration)
            for p in np.nonzero(skilled[vehicle.staff] & (early <= late))[0].tolist():
                v, i = owner[p]
                fits[v].append(Fit(k, int(early[p]), int(late[p]), i))
        return fits

    def _keepable(self) -> dict[int, int]:
        """Visit → staff index, for the ``previous`` entries that could be kept as they are."""
        keepable = {}
        for entry in self.problem.previous:
            s = self.problem.staff_by_id.get(entry.staff)
            if s is not None and any(self.vehicles[f.vehicle].staff == s and f.early <= entry.start <= f.late
                                     for f in self.fits[entry.visit]):
                keepable[entry.visit] = s
        return keepable

    def wanted_starts(self) -> dict[int, dict[int, int]]:
        """Per staff index: visit → its previous start with that staff member (to keep where it fits)."""
        wanted: dict[int, dict[int, int]] = {}
        for entry in self.problem.previous:
            s = self.problem.staff_by_id.get(entry.staff)
            if s is not None:
                wanted.setdefault(s, {})[entry.visit] = entry.start
        return wanted


def start_options(reach: Reach, reserved: bool = True) -> list[StartOption]:
    """Every useful start option of every visit. Without ``reserved``, only the general
    options (who makes a visit then costs nothing)."""
    problem, options = reach.problem, []
    for v, fits in enumerate(reach.fits):
        key_worker = problem.key_worker_index[v]
        for i in range(len(reach.pieces[v])):
            mine = [f for f in fits if f.piece == i]
            if mine:
                options.append(StartOption(v, min(f.early for f in mine), max(f.late for f in mine)))
            own = [f for f in mine if reach.vehicles[f.vehicle].staff == key_worker] if reserved else []
            if own:
                options.append(StartOption(v, min(f.early for f in own), max(f.late for f in own), key_worker))
        if reserved and v in reach.keepable:
            start = problem.previous_of[v].start
            options.append(StartOption(v, start, start, reach.keepable[v], keeps=True))
    return options
