"""A small week whose optimum is found by brute force: the solver must reach it."""

from __future__ import annotations

import itertools
import math

from allocator.scheduling.api import schedule_document
from tests.allocator.scheduling.schedule_checker import problems_with

POINTS = [(0, 0), (10, 0), (0, 15), (12, 12), (-10, 5), (5, -12)]
MINUTES = [[round(math.dist(a, b)) for b in POINTS] for a in POINTS]


def _visit(ident: str, resident: str, location: int, duration: int, skill: str | None,
           windows: list[tuple[int, int]], key_worker: str) -> dict:
    return {"id": ident, "resident": resident, "location": f"L{location}", "duration": duration, "skill": skill,
            "windows": [{"start": s, "end": e} for s, e in windows], "key_worker": key_worker}


PROBLEM = {
    "format": "support-schedule/1",
    "week_start": "2026-12-07",
    "travel": {"mode": "matrix", "minutes": MINUTES},
    "locations": [{"id": f"L{i}"} for i in range(len(POINTS))],
    "staff": [
        {"id": "S1", "skills": ["nurse"], "base": "L0", "max_minutes": 150,
         "shifts": [{"start": 480, "end": 660}, {"start": 1920, "end": 2100}]},
        {"id": "S2", "skills": [], "base": "L0", "max_minutes": None, "shifts": [{"start": 480, "end": 720}]},
    ],
    "visits": [
        _visit("V1", "R1", 1, 60, "nurse", [(480, 720), (1920, 2160)], "S1"),
        _visit("V2", "R1", 1, 45, None, [(480, 720), (1920, 2160)], "S1"),
        _visit("V3", "R2", 2, 60, None, [(540, 660)], "S2"),
        _visit("V4", "R3", 3, 60, None, [(480, 600)], "S1"),
        _visit("V5", "R4", 4, 30, None, [(600, 720), (1920, 2000)], "S2"),
        _visit("V6", "R5", 5, 90, None, [(480, 720)], "S2"),
    ],
}


def _route_travel(base: int, stops: list[dict]) -> int | None:
    """Travel of the best feasible order of ``stops`` in one shift, or None (earliest starts)."""
    best = None
    for order in itertools.permutations(stops):
        clock, here, travel, feasible = order[0]["shift"][0], base, 0, True
        for stop in order:
            arrive = clock + MINUTES[here][stop["location"]]
            starts = [max(arrive, s) for s, e in stop["windows"] if max(arrive, s) + stop["duration"] <= e]
            if not starts:
                feasible = False
                break
            travel += MINUTES[here][stop["location"]]
            clock, here = min(starts) + stop["duration"], stop["location"]
        travel += MINUTES[here][base]
        if feasible and clock + MINUTES[here][base] <= order[0]["shift"][1] and (best is None or travel < best):
            best = travel
    return best


def _brute_force_optimum() -> tuple[int, int, int]:
    """(scheduled, with key worker, -travel), best over every choice of shift (or none) per visit."""
    shifts = [(m["id"], (s["start"], s["end"]), set(m["skills"]), m["max_minutes"])
              for m in PROBLEM["staff"] for s in m["shifts"]]
    visits = PROBLEM["visits"]
    best = None
    for choice in itertools.product([None, *range(len(shifts))], repeat=len(visits)):
        value = _value(choice, shifts, visits)
        if value is not None and (best is None or value > best):
            best = value
    return best


def _value(choice: tuple, shifts: list, visits: list[dict]) -> tuple[int, int, int] | None:
    minutes: dict[str, int] = {}
    days: set[tuple[str, int]] = set()
    travel = key_worker = 0
    for k, (staff, shift, skills, limit) in enumerate(shifts):
        mine = [v for v, c in zip(visits, choice, strict=True) if c == k]
        if any(v["skill"] and v["skill"] not in skills for v in mine):
            return None
        for v in mine:
            if (v["resident"], shift[0] // 1440) in days:
                return None
            days.add((v["resident"], shift[0] // 1440))
        minutes[staff] = minutes.get(staff, 0) + sum(v["duration"] for v in mine)
        if limit is not None and minutes[staff] > limit:
            return None
        stops = [{"location": int(v["location"][1:]), "windows": [(w["start"], w["end"]) for w in v["windows"]],
                  "duration": v["duration"], "shift": shift} for v in mine]
        route = _route_travel(0, stops) if stops else 0
        if route is None:
            return None
        travel += route
        key_worker += sum(v["key_worker"] == staff for v in mine)
    return sum(c is not None for c in choice), key_worker, -travel


def test_solver_reaches_the_enumerated_optimum() -> None:
    scheduled, key_worker, travel = _brute_force_optimum()
    result = schedule_document(PROBLEM)
    assert problems_with(PROBLEM, result) == []
    assert result["objective"] == {"scheduled": scheduled, "with_key_worker": key_worker, "kept": 0,
                                   "travel_minutes": -travel}
