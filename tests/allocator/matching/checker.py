"""An independent reading of FORMATS §1, for checking results.

Written from the specification with plain loops; it shares nothing with the solver but the
distance formula (``allocator.geo.distance_km``). ``check_result`` returns every way a
result breaks the specification for its problem (an empty list: none found).
"""

from __future__ import annotations

import math

from allocator.geo import distance_km

DEFAULT_POLICY = {"w_wish": 100, "w_services": 20, "w_over": 30, "w_km": 1, "w_spare": 10}


def policy(problem: dict) -> dict[str, int]:
    return {**DEFAULT_POLICY, **{k: v for k, v in (problem.get("policy") or {}).items() if k in DEFAULT_POLICY}}


def priority(applicant: dict) -> tuple:
    return (applicant["band"], applicant["need_since"], applicant["tiebreak"], applicant["id"])


def units_by_id(problem: dict) -> dict[str, dict]:
    return {u["id"]: u for u in problem["units"]}


def failed_rules(applicant: dict, place: dict, unit: dict) -> list[int]:
    """FORMATS rules 1–5 and 7–9 that the pair breaks (rule 6, distance, is separate)."""
    failed = []
    if place["max_household"] < applicant["household"]:
        failed.append(1)
    if applicant["needs_accessible"] and not place["accessible"]:
        failed.append(2)
    if unit["support_level"] < applicant["support_level"]:
        failed.append(3)
    if unit["gender"] is not None and applicant["gender"] != unit["gender"]:
        failed.append(4)
    if (unit["min_age"] is not None and applicant["age"] < unit["min_age"]) or (
            unit["max_age"] is not None and applicant["age"] > unit["max_age"]):
        failed.append(5)
    if unit["support_hours"] is not None and applicant["support_hours"] > unit["support_hours"]:
        failed.append(7)
    if set(applicant["not_with"]) & set(unit["residents"] or []):
        failed.append(8)
    if unit["languages"] is not None and applicant["language"] is not None \
            and applicant["language"] not in unit["languages"]:
        failed.append(9)
    return failed


def first_wish_within(applicant: dict, place: dict) -> tuple[int, float] | None:
    """(rank, km) of the first wish within reach of the place, or None (rule 6)."""
    for rank, wish in enumerate(applicant["locations"]):
        km = distance_km(wish["lat"], wish["lon"], place["lat"], place["lon"])
        if km <= applicant["max_distance_km"]:
            return rank, km
    return None


def eligible_pairs(problem: dict) -> dict[tuple[str, str], dict[str, int]]:
    """(applicant id, place id) → fit parts, for every eligible pair."""
    units, weights = units_by_id(problem), policy(problem)
    pairs = {}
    for a in problem["applicants"]:
        for p in problem["places"]:
            unit = units[p["unit"]]
            reach = first_wish_within(a, p)
            if reach is None or failed_rules(a, p, unit):
                continue
            rank, km = reach
            spare = (p["max_household"] - a["household"]) + (1 if p["accessible"] and not a["needs_accessible"] else 0)
            pairs[(a["id"], p["id"])] = {
                "wish": weights["w_wish"] * (5 - rank),
                "services": weights["w_services"] * len(set(a["needs"]) & set(unit["services"])),
                "over_support": -weights["w_over"] * (unit["support_level"] - a["support_level"]),
                "distance": -weights["w_km"] * math.floor(km),
                "spare": -weights["w_spare"] * spare,
            }
    return pairs


def not_with_pairs(problem: dict) -> set[frozenset[str]]:
    ids = {a["id"] for a in problem["applicants"]}
    return {frozenset((a["id"], other)) for a in problem["applicants"] for other in a["not_with"]
            if other in ids and other != a["id"]}


def breaks_limits(problem: dict, placed: dict[str, str]) -> list[str]:
    """Unit hours and not-with pairs broken by applicant id → place id."""
    units, places = units_by_id(problem), {p["id"]: p for p in problem["places"]}
    need = {a["id"]: a["support_hours"] for a in problem["applicants"]}
    unit_of = {a: places[p]["unit"] for a, p in placed.items()}
    problems = []
    for unit_id, unit in units.items():
        load = sum(need[a] for a, u in unit_of.items() if u == unit_id)
        if unit["support_hours"] is not None and load > unit["support_hours"]:
            problems.append(f"unit {unit_id}: {load} hours > {unit['support_hours']}")
    for pair in not_with_pairs(problem):
        a, b = sorted(pair)
        if a in unit_of and unit_of.get(b) == unit_of[a]:
            problems.append(f"{a} and {b} share unit {unit_of[a]}")
    return problems


def can_move_in(problem: dict, placed: dict[str, str], applicant: str, place: str) -> bool:
    """Could ``applicant`` take ``place`` (its holder, if any, leaving) without breaking a limit?"""
    trial = {a: p for a, p in placed.items() if p != place}
    trial[applicant] = place
    return not breaks_limits(problem, trial)


def check_result(problem: dict, result: dict) -> list[str]:
    problems: list[str] = []
    pairs = eligible_pairs(problem)
    applicants = {a["id"]: a for a in problem["applicants"]}
    order = sorted(applicants, key=lambda i: priority(applicants[i]))
    rank_of = {a: i for i, a in enumerate(order)}
    if result.get("format") != "housing-allocation-result/1":
        problems.append("format")
    if result.get("status") not in ("OPTIMAL", "FEASIBLE"):
        problems.append("status")
    assigned = [e["applicant"] for e in result["assignments"]]
    unassigned = [e["applicant"] for e in result["unassigned"]]
    if sorted(assigned + unassigned) != sorted(applicants):
        problems.append("every applicant exactly once")
    for name, listed in (("assignments", assigned), ("unassigned", unassigned)):
        if listed != sorted(listed, key=lambda i: rank_of.get(i, -1)):
            problems.append(f"{name} not in priority order")
    placed = {e["applicant"]: e["place"] for e in result["assignments"]}
    if len(set(placed.values())) != len(placed):
        problems.append("a place given twice")
    for entry in result["assignments"]:
        parts = pairs.get((entry["applicant"], entry["place"]))
        if parts is None:
            problems.append(f"{entry['applicant']} → {entry['place']} is not eligible")
        elif entry["parts"] != parts or entry["fit"] != sum(parts.values()):
            problems.append(f"{entry['applicant']} → {entry['place']}: fit or parts wrong")
    problems += breaks_limits(problem, placed)
    problems += _check_objective(problem, result, pairs, placed)
    problems += _check_unassigned(problem, result, pairs, placed, rank_of)
    if result["stats"]["eligible_pairs"] != len(pairs):
        problems.append(f"eligible_pairs {result['stats']['eligible_pairs']} != {len(pairs)}")
    if result["status"] == "OPTIMAL" and result["stats"]["gap"] != 0.0:
        problems.append("OPTIMAL with a gap")
    return problems


def _check_objective(problem, result, pairs, placed) -> list[str]:
    bands = {str(b): 0 for b in (1, 2, 3)}
    band_of = {a["id"]: a["band"] for a in problem["applicants"]}
    for a in placed:
        bands[str(band_of[a])] += 1
    fit = sum(sum(pairs[(a, p)].values()) for a, p in placed.items() if (a, p) in pairs)
    expected = {"housed_by_band": bands, "fit": fit}
    return [] if result["objective"] == expected else [f"objective {result['objective']} != {expected}"]


def _check_unassigned(problem, result, pairs, placed, rank_of) -> list[str]:
    """No priority inversion, and the reason that applies first."""
    problems = []
    holder = {p: a for a, p in placed.items()}
    for entry in result["unassigned"]:
        a = entry["applicant"]
        mine = [p for (x, p) in pairs if x == a]
        open_to_me = [p for p in mine if p not in holder or rank_of[holder[p]] > rank_of[a]]
        for p in open_to_me:
            if can_move_in(problem, placed, a, p):
                problems.append(f"priority inversion: {a} could take {p}")
        expected = "no_eligible_place" if not mine else "constraint" if open_to_me else "outranked"
        if entry["reason"] != expected:
            problems.append(f"{a}: reason {entry['reason']}, expected {expected}")
        if not entry.get("detail"):
            problems.append(f"{a}: no detail")
    return problems
