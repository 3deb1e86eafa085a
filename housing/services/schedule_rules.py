"""The rules a week's schedule keeps, checked on its stored problem: what a hand edit may not break.

Written from FORMATS.md §2 (a feasible schedule), apart from the solver, so a manager's
move is judged by the same rules the solver keeps without depending on how it keeps them:
the worker has the skill and works then (a shift, round trip from their base with the
travel between visits), the visit lies in one of the resident's preferred times, the
worker's visits never overlap, the resident gets one visit a day, and the worker's visit
minutes stay within their week's limit. Pure: documents in, findings out.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from allocator.geo import distance_km

MINUTES_PER_DAY = 1440


@dataclass(frozen=True)
class Placement:
    staff: str
    start: int


@dataclass(frozen=True)
class Busy:
    """A visit outside the problem (already made, or recorded) that still occupies its worker and day."""

    staff: str | None
    start: int
    end: int
    resident: str


@dataclass(frozen=True)
class Broken:
    """One rule a placement breaks. ``rule`` names it; ``other`` is the other visit involved."""

    rule: str  # not_working, skill, shift, window, one_a_day, overlap, travel_there, travel_back, minutes
    visit: str
    other: str | None = None
    numbers: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Leg:
    """One shift's round trip: its visits in order and the travel minutes, base to base."""

    staff: str
    shift: int
    visits: tuple[str, ...]
    travel_minutes: int


class WeekRules:
    def __init__(self, problem: dict[str, Any], busy: list[Busy] | None = None):
        self.problem = problem
        self.staff = {member["id"]: member for member in problem["staff"]}
        self.visits = {visit["id"]: visit for visit in problem["visits"]}
        self.location_index = {location["id"]: i for i, location in enumerate(problem["locations"])}
        self.busy = busy or []
        self._minutes: dict[tuple[str, str], int] = {}

    # --- travel -----------------------------------------------------------------------------

    def travel(self, a: str, b: str) -> int:
        """Travel minutes from location ``a`` to ``b``, as the format defines them."""
        if a == b:
            return 0
        key = (a, b)
        if key not in self._minutes:
            self._minutes[key] = self._travel(a, b)
        return self._minutes[key]

    def _travel(self, a: str, b: str) -> int:
        travel = self.problem["travel"]
        i, j = self.location_index[a], self.location_index[b]
        if travel["mode"] == "matrix":
            return travel["minutes"][i][j]
        first, second = self.problem["locations"][i], self.problem["locations"][j]
        km = distance_km(first["lat"], first["lon"], second["lat"], second["lon"])
        return math.ceil(km * travel["road_factor"] / travel["speed_kmh"] * 60)

    # --- where a visit may go ----------------------------------------------------------------

    def duration(self, visit: str) -> int:
        return self.visits[visit]["duration"]

    def shift_of(self, staff: str, start: int, end: int) -> int | None:
        for i, shift in enumerate(self.staff[staff]["shifts"]):
            if shift["start"] <= start and end <= shift["end"]:
                return i
        return None

    def in_window(self, visit: str, start: int) -> bool:
        end = start + self.duration(visit)
        return any(w["start"] <= start and end <= w["end"] for w in self.visits[visit]["windows"])

    # --- checking -----------------------------------------------------------------------------

    def broken(self, placements: dict[str, Placement], changed: set[str] | None = None) -> list[Broken]:
        """Every rule broken by the placements of the ``changed`` visits (all when None)."""
        changed = set(placements) if changed is None else changed
        found: list[Broken] = []
        for visit in sorted(changed):
            if visit in placements:
                found += self._visit_rules(visit, placements[visit], placements)
        if found:
            return found
        staff_changed = {placements[v].staff for v in changed if v in placements}
        for staff in sorted(staff_changed):
            found += self._route_rules(staff, placements, changed)
            found += self._minutes_rule(staff, placements, changed)
        return found

    def _visit_rules(self, visit: str, placement: Placement, placements: dict[str, Placement]) -> list[Broken]:
        spec = self.visits[visit]
        start, end = placement.start, placement.start + spec["duration"]
        member = self.staff.get(placement.staff)
        if member is None:
            return [Broken("not_working", visit)]
        if spec["skill"] is not None and spec["skill"] not in member["skills"]:
            return [Broken("skill", visit)]
        if self.shift_of(placement.staff, start, end) is None:
            return [Broken("shift", visit)]
        if not self.in_window(visit, start):
            return [Broken("window", visit)]
        same_day = self._same_day(visit, placement, placements)
        if same_day is not None:
            return [Broken("one_a_day", visit, other=same_day)]
        clash = self._overlap(visit, placement, placements)
        if clash is not None:
            return [Broken("overlap", visit, other=clash)]
        return []

    def _same_day(self, visit: str, placement: Placement, placements: dict[str, Placement]) -> str | None:
        resident, day = self.visits[visit]["resident"], placement.start // MINUTES_PER_DAY
        for other, there in placements.items():
            if other != visit and self.visits[other]["resident"] == resident and there.start // MINUTES_PER_DAY == day:
                return other
        for busy in self.busy:
            if busy.resident == resident and busy.start // MINUTES_PER_DAY == day:
                return ""
        return None

    def _overlap(self, visit: str, placement: Placement, placements: dict[str, Placement]) -> str | None:
        start, end = placement.start, placement.start + self.duration(visit)
        for other, there in placements.items():
            if other != visit and there.staff == placement.staff:
                if there.start < end and start < there.start + self.duration(other):
                    return other
        for busy in self.busy:
            if busy.staff == placement.staff and busy.start < end and start < busy.end:
                return ""
        return None

    def _route_rules(self, staff: str, placements: dict[str, Placement], changed: set[str]) -> list[Broken]:
        """Each shift of ``staff`` as a round trip: in time for every visit, back by the shift's end."""
        found = []
        member = self.staff[staff]
        for shift_index, route in self._routes_of(staff, placements).items():
            shift = member["shifts"][shift_index]
            here, clock, previous = member["base"], shift["start"], None
            for visit, start in route:
                location = self.visits[visit]["location"]
                arrive = clock + self.travel(here, location)
                if start < arrive and (visit in changed or previous in changed):
                    found.append(Broken("travel_there", visit, other=previous,
                                        numbers={"earliest": arrive, "travel": self.travel(here, location)}))
                here, clock, previous = location, start + self.duration(visit), visit
            back = clock + self.travel(here, member["base"])
            if back > shift["end"] and previous in changed:
                found.append(Broken("travel_back", previous, numbers={"back": back, "shift_end": shift["end"]}))
        return found

    def _minutes_rule(self, staff: str, placements: dict[str, Placement], changed: set[str]) -> list[Broken]:
        limit = self.staff[staff]["max_minutes"]
        used = sum(self.duration(v) for v, p in placements.items() if p.staff == staff)
        if limit is not None and used > limit:
            visit = sorted(v for v in changed if placements.get(v, Placement("", 0)).staff == staff)[0]
            return [Broken("minutes", visit, numbers={"used": used, "limit": limit})]
        return []

    def _routes_of(self, staff: str, placements: dict[str, Placement]) -> dict[int, list[tuple[str, int]]]:
        routes: dict[int, list[tuple[str, int]]] = defaultdict(list)
        for visit, placement in placements.items():
            if placement.staff != staff:
                continue
            shift = self.shift_of(staff, placement.start, placement.start + self.duration(visit))
            if shift is not None:
                routes[shift].append((visit, placement.start))
        return {shift: sorted(route, key=lambda item: item[1]) for shift, route in routes.items()}

    # --- what a week costs ---------------------------------------------------------------------

    def legs(self, placements: dict[str, Placement]) -> list[Leg]:
        """Every shift with at least one visit, as a round trip from base, with its travel."""
        legs = []
        for staff in sorted({p.staff for p in placements.values() if p.staff in self.staff}):
            base = self.staff[staff]["base"]
            for shift, route in sorted(self._routes_of(staff, placements).items()):
                stops = [base] + [self.visits[v]["location"] for v, _ in route] + [base]
                minutes = sum(self.travel(a, b) for a, b in zip(stops, stops[1:], strict=False))
                legs.append(Leg(staff, shift, tuple(v for v, _ in route), minutes))
        return legs

    def objective(self, placements: dict[str, Placement]) -> dict[str, int]:
        """The format's objective of these placements (what the result's ``objective`` must say)."""
        previous = {(p["visit"], p["staff"], p["start"]) for p in self.problem.get("previous", [])}
        return {
            "scheduled": len(placements),
            "with_key_worker": sum(self.visits[v]["key_worker"] == p.staff for v, p in placements.items()),
            "kept": sum((v, p.staff, p.start) in previous for v, p in placements.items()),
            "travel_minutes": sum(leg.travel_minutes for leg in self.legs(placements)),
        }
