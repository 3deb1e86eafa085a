"""Typed form of a ``housing-allocation/1`` problem, in a canonical order.

The reader (:mod:`allocator.matching.reader`) builds a :class:`Problem`. Everything after it
works on indices into the canonical tuples: applicants in priority order (index 0 ranks
first), units and places sorted by id. Solving a canonically ordered problem makes the
result independent of the order in which the file lists things, which is the fixed
tie-breaking rule FORMATS asks for.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

MAX_WISHES = 5
"""FORMATS: an applicant wishes 1 to 5 locations; the wish part is ``w_wish * (5 - rank)``."""


@dataclass(frozen=True, slots=True)
class Policy:
    """Weights of the five fit parts (published policy, configurable per county)."""

    w_wish: int = 100
    w_services: int = 20
    w_over: int = 30
    w_km: int = 1
    w_spare: int = 10


@dataclass(frozen=True, slots=True)
class Unit:
    id: str
    support_level: int
    services: frozenset[str]
    support_hours: int | None  # staff hours a week still free for new residents; None = no limit
    min_age: int | None
    max_age: int | None
    gender: str | None
    languages: frozenset[str] | None
    residents: frozenset[str]


@dataclass(frozen=True, slots=True)
class Place:
    id: str
    unit: str
    lat: float
    lon: float
    max_household: int
    accessible: bool


@dataclass(frozen=True, slots=True)
class Location:
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class Applicant:
    id: str
    band: int
    need_since: dt.date
    tiebreak: float
    age: int
    gender: str | None
    language: str | None
    household: int
    needs_accessible: bool
    support_level: int
    support_hours: int
    needs: frozenset[str]
    locations: tuple[Location, ...]
    max_distance_km: float
    not_with: tuple[str, ...]

    @property
    def priority(self) -> tuple[int, dt.date, float, str]:
        """Smaller ranks ahead: (band, need_since, tiebreak, id), ids compared as strings."""
        return (self.band, self.need_since, self.tiebreak, self.id)


@dataclass(frozen=True)
class Problem:
    """A validated problem. ``applicants`` in priority order, ``units`` and ``places`` by id."""

    as_of: dt.date
    policy: Policy
    units: tuple[Unit, ...]
    places: tuple[Place, ...]
    applicants: tuple[Applicant, ...]
    unit_index: dict[str, int] = field(init=False, repr=False)
    applicant_index: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "unit_index", {u.id: i for i, u in enumerate(self.units)})
        object.__setattr__(self, "applicant_index", {a.id: i for i, a in enumerate(self.applicants)})

    def place_unit_indices(self) -> list[int]:
        return [self.unit_index[p.unit] for p in self.places]

    def not_with_pairs(self) -> list[tuple[int, int]]:
        """Applicant index pairs ``(i, j)``, ``i < j``, that must not share a unit (symmetric)."""
        pairs: set[tuple[int, int]] = set()
        for i, applicant in enumerate(self.applicants):
            for other in applicant.not_with:
                j = self.applicant_index.get(other)
                if j is not None and j != i:
                    pairs.add((min(i, j), max(i, j)))
        return sorted(pairs)

    def resident_conflicts(self) -> list[tuple[int, int]]:
        """(applicant index, unit index) pairs barred by rule 8: a not-with person lives there."""
        units_of_resident: dict[str, list[int]] = {}
        for u, unit in enumerate(self.units):
            for resident in unit.residents:
                units_of_resident.setdefault(resident, []).append(u)
        barred = {
            (i, u)
            for i, applicant in enumerate(self.applicants)
            for other in applicant.not_with
            for u in units_of_resident.get(other, ())
        }
        return sorted(barred)


def priority_sorted(applicants: list[Applicant]) -> tuple[Applicant, ...]:
    return tuple(sorted(applicants, key=lambda a: a.priority))
