"""The scheduling problem and its answer as typed, validated data (indices, not ids).

The reader turns a ``support-schedule/1`` document into a :class:`Problem`; everything after
it (travel, solver, checks, explanations) works on these objects and never on raw JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

MINUTES_PER_DAY = 1440
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def day_of(minute: int) -> int:
    """Day index of a minute counted from ``week_start`` 00:00 (day 0 is the Monday)."""
    return minute // MINUTES_PER_DAY


@dataclass(frozen=True, order=True)
class Interval:
    """Whole minutes ``[start, end]``; a shift or a visit window."""

    start: int
    end: int


@dataclass(frozen=True)
class Staff:
    id: str
    skills: frozenset[str]
    base: int  # index into Problem.location_ids
    shifts: tuple[Interval, ...]  # sorted by start, never overlapping (the reader checks)
    max_minutes: int | None  # visit minutes in the week; None = no limit

    def has_skill(self, skill: str | None) -> bool:
        return skill is None or skill in self.skills


@dataclass(frozen=True)
class Visit:
    id: str
    resident: str
    location: int  # index into Problem.location_ids
    duration: int
    skill: str | None
    windows: tuple[Interval, ...]
    key_worker: str | None  # a staff id, possibly of someone absent this week


@dataclass(frozen=True)
class PreviousEntry:
    visit: int  # index into Problem.visits
    staff: str  # a staff id, possibly of someone absent this week
    start: int


@dataclass(frozen=True)
class Problem:
    week_start: str
    location_ids: tuple[str, ...]
    travel: tuple[tuple[int, ...], ...]  # minutes, travel[i][j] from location i to j
    staff: tuple[Staff, ...]
    visits: tuple[Visit, ...]
    previous: tuple[PreviousEntry, ...]

    # ``cached_property`` writes past the frozen ``__setattr__``: each is worked out once.
    @cached_property
    def staff_by_id(self) -> dict[str, int]:
        """Staff id → index."""
        return {member.id: i for i, member in enumerate(self.staff)}

    @cached_property
    def key_worker_index(self) -> tuple[int | None, ...]:
        """Per visit: its key worker's staff index, or None (no key worker, or absent this week)."""
        return tuple(None if visit.key_worker is None else self.staff_by_id.get(visit.key_worker)
                     for visit in self.visits)

    @cached_property
    def previous_of(self) -> dict[int, PreviousEntry]:
        """Visit index → its ``previous`` entry (the reader allows one per visit)."""
        return {entry.visit: entry for entry in self.previous}

    def keeps(self, visit: int, staff: int, start: int) -> bool:
        """True when (visit, staff, start) is the visit's ``previous`` entry."""
        entry = self.previous_of.get(visit)
        return entry is not None and entry.start == start and entry.staff == self.staff[staff].id


@dataclass(frozen=True)
class Assignment:
    visit: int  # index into Problem.visits
    staff: int  # index into Problem.staff
    start: int


@dataclass(frozen=True)
class Objective:
    scheduled: int
    with_key_worker: int
    kept: int
    travel_minutes: int

    def as_tuple(self) -> tuple[int, int, int, int]:
        """Larger is better, compared left to right (travel counts negatively)."""
        return (self.scheduled, self.with_key_worker, self.kept, -self.travel_minutes)
