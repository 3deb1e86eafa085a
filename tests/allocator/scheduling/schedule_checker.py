"""An independent checker of ``support-schedule/1`` results, written from FORMATS.md §2 alone.

It reads the problem and result documents as plain JSON and shares nothing with the solver
but the distance formula (``allocator.geo.distance_km``), so a solver bug cannot hide in a
helper both use. :func:`problems_with` returns every broken rule as a sentence; an empty list
means the result is a feasible schedule whose ``objective`` is what its assignments give.
"""

from __future__ import annotations

import math
from typing import Any

from allocator.geo import distance_km


def travel_minutes(problem: dict[str, Any]) -> dict[tuple[str, str], int]:
    ids = [location["id"] for location in problem["locations"]]
    travel = problem["travel"]
    minutes = {}
    for i, a in enumerate(problem["locations"]):
        for j, b in enumerate(problem["locations"]):
            if i == j:
                minutes[a["id"], b["id"]] = 0
            elif travel["mode"] == "matrix":
                minutes[a["id"], b["id"]] = travel["minutes"][i][j]
            else:
                km = distance_km(a["lat"], a["lon"], b["lat"], b["lon"])
                minutes[a["id"], b["id"]] = math.ceil(km * travel["road_factor"] / travel["speed_kmh"] * 60)
    assert len(set(ids)) == len(ids)
    return minutes


def problems_with(problem: dict[str, Any], result: dict[str, Any]) -> list[str]:
    found: list[str] = []
    staff = {member["id"]: member for member in problem["staff"]}
    visits = {visit["id"]: visit for visit in problem["visits"]}
    assignments = result["assignments"]
    _each_visit_once(found, visits, result)
    routes: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for a in assignments:
        visit, member = visits.get(a["visit"]), staff.get(a["staff"])
        if visit is None or member is None:
            found.append(f"{a}: unknown visit or staff member")
            continue
        _visit_rules(found, a, visit, member)
        shift = [i for i, s in enumerate(member["shifts"])
                 if s["start"] <= a["start"] and a["start"] + visit["duration"] <= s["end"]]
        if not shift:
            found.append(f"{a['visit']}: not inside a shift of {a['staff']}")
        else:
            routes.setdefault((a["staff"], shift[0]), []).append(a)
    travel = _routes(found, problem, routes, staff, visits)
    _week_rules(found, assignments, staff, visits)
    _objective(found, problem, result, visits, travel)
    return found


def _each_visit_once(found: list[str], visits: dict[str, Any], result: dict[str, Any]) -> None:
    listed = [a["visit"] for a in result["assignments"]] + [u["visit"] for u in result["unscheduled"]]
    if sorted(listed) != sorted(visits):
        found.append("not every visit appears exactly once in assignments or unscheduled")
    for u in result["unscheduled"]:
        if not isinstance(u.get("reason"), str) or not u["reason"]:
            found.append(f"{u['visit']}: unscheduled without a reason")


def _visit_rules(found: list[str], a: dict[str, Any], visit: dict[str, Any], member: dict[str, Any]) -> None:
    if visit["skill"] is not None and visit["skill"] not in member["skills"]:
        found.append(f"{a['visit']}: {a['staff']} lacks the skill {visit['skill']}")
    windows = visit["windows"]
    if not any(w["start"] <= a["start"] and a["start"] + visit["duration"] <= w["end"] for w in windows):
        found.append(f"{a['visit']}: start {a['start']} is not inside one of its windows")


def _routes(found: list[str], problem: dict[str, Any], routes: dict, staff: dict, visits: dict) -> int:
    """Check each shift as a round trip from base; return total travel."""
    minutes = travel_minutes(problem)
    total = 0
    for (staff_id, shift_index), route in routes.items():
        member = staff[staff_id]
        shift = member["shifts"][shift_index]
        route = sorted(route, key=lambda a: a["start"])
        here, clock = member["base"], shift["start"]
        for a in route:
            visit = visits[a["visit"]]
            arrive = clock + minutes[here, visit["location"]]
            if a["start"] < arrive:
                found.append(f"{a['visit']}: starts at {a['start']} but {staff_id} can be there at {arrive} "
                             "at the earliest")
            total += minutes[here, visit["location"]]
            here, clock = visit["location"], a["start"] + visit["duration"]
        back = clock + minutes[here, member["base"]]
        total += minutes[here, member["base"]]
        if back > shift["end"]:
            found.append(f"{staff_id} shift {shift_index}: back at base at {back}, "
                         f"after the shift ends at {shift['end']}")
    return total


def _week_rules(found: list[str], assignments: list[dict[str, Any]], staff: dict, visits: dict) -> None:
    used: dict[str, int] = {}
    days: dict[tuple[str, int], list[str]] = {}
    for a in assignments:
        visit = visits[a["visit"]]
        used[a["staff"]] = used.get(a["staff"], 0) + visit["duration"]
        days.setdefault((visit["resident"], a["start"] // 1440), []).append(a["visit"])
    for staff_id, minutes in used.items():
        limit = staff[staff_id].get("max_minutes")
        if limit is not None and minutes > limit:
            found.append(f"{staff_id}: {minutes} visit minutes, more than max_minutes {limit}")
    for (resident, day), on_day in days.items():
        if len(on_day) > 1:
            found.append(f"{resident}: {len(on_day)} visits on day {day} ({', '.join(on_day)})")


def _objective(found: list[str], problem: dict[str, Any], result: dict[str, Any], visits: dict,
               travel: int) -> None:
    previous = {(p["visit"], p["staff"], p["start"]) for p in problem.get("previous", [])}
    assignments = result["assignments"]
    expected = {
        "scheduled": len(assignments),
        "with_key_worker": sum(visits[a["visit"]]["key_worker"] == a["staff"] for a in assignments),
        "kept": sum((a["visit"], a["staff"], a["start"]) in previous for a in assignments),
        "travel_minutes": travel,
    }
    if result["objective"] != expected:
        found.append(f"objective {result['objective']} differs from what the assignments give: {expected}")
    if result["format"] != "support-schedule-result/1" or result["status"] not in ("OPTIMAL", "FEASIBLE"):
        found.append("format or status is not as the format says")
