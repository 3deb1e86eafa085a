"""Hypothesis strategy for tiny ``housing-allocation/1`` problems (≤ 6 applicants, ≤ 5 places).

Values come from small sets, weighted so that pairs are often eligible, several applicants
compete for a place and, with side constraints, unit hours and not-with pairs often bind;
every rule still fails now and then. Places and wishes lie on a grid around one town.
"""

from __future__ import annotations

from hypothesis import strategies as st

GRID = [(61.0 + 0.1 * i, 25.0 + 0.2 * j) for i in range(3) for j in range(3)]
SERVICES = ["mental_health", "substance_use", "parenting"]


@st.composite
def units(draw, index: int, side_constraints: bool) -> dict:
    return {
        "id": f"U{index}",
        "support_level": draw(st.sampled_from([3, 4, 4, 2, 3, 1])),
        "services": draw(st.lists(st.sampled_from(SERVICES), max_size=2)),
        "support_hours": draw(st.sampled_from([6, None, 8, 4, 10])) if side_constraints else None,
        "min_age": draw(st.sampled_from([None] * 6 + [18])),
        "max_age": draw(st.sampled_from([None] * 6 + [21])),
        "gender": draw(st.sampled_from([None] * 12 + ["f", "m"])),
        "languages": draw(st.sampled_from([None, None, None, ["fi", "sv"], ["fi"]])),
        "residents": draw(st.sampled_from([None, [], ["R1"], ["R2"]])),
    }


@st.composite
def places(draw, index: int, unit_count: int) -> dict:
    lat, lon = draw(st.sampled_from(GRID))
    return {
        "id": f"P{index}",
        "unit": f"U{draw(st.integers(0, unit_count - 1))}",
        "lat": lat,
        "lon": lon,
        "max_household": draw(st.sampled_from([1, 1, 1, 2, 3])),
        "accessible": draw(st.booleans()),
    }


@st.composite
def applicants(draw, index: int, count: int, side_constraints: bool) -> dict:
    others = [f"A{i}" for i in range(count) if i != index]
    partners = others if side_constraints else []
    wishes = draw(st.lists(st.sampled_from(GRID), min_size=1, max_size=3))
    return {
        "id": f"A{index}",
        "band": draw(st.integers(1, 3)),
        "need_since": draw(st.sampled_from(["2026-09-01", "2026-10-15", "2026-11-20"])),
        "tiebreak": draw(st.sampled_from([0.0, 0.25, 0.5, 0.75])),
        "age": draw(st.integers(17, 22)),
        "gender": draw(st.sampled_from(["f", "m", "f", "m", None])),
        "language": draw(st.sampled_from(["fi", "fi", "fi", "sv", "en", None])),
        "household": draw(st.sampled_from([1] * 9 + [2])),
        "needs_accessible": draw(st.sampled_from([False] * 7 + [True])),
        "support_level": draw(st.sampled_from([1, 1, 2, 2, 3, 1, 4])),
        "support_hours": draw(st.integers(2, 6)),
        "needs": draw(st.lists(st.sampled_from(SERVICES), max_size=2)),
        "locations": [{"lat": lat, "lon": lon} for lat, lon in wishes],
        "max_distance_km": draw(st.sampled_from([30, 45, 20, 60, 8])),
        "not_with": draw(st.lists(st.sampled_from(partners * 3 + ["R1", "R2", "GONE"]), max_size=2)),
    }


@st.composite
def problems(draw, side_constraints: bool) -> dict:
    unit_count = draw(st.sampled_from([2, 1, 3]))
    place_count = draw(st.sampled_from([3, 4, 5, 1, 2]))
    applicant_count = draw(st.sampled_from([5, 6, 4, 1, 2, 3]))
    return {
        "format": "housing-allocation/1",
        "as_of": "2026-12-01",
        "policy": draw(st.sampled_from([{}, {"w_km": 3, "w_spare": 0}, {"w_wish": 10, "w_services": 50}])),
        "units": [draw(units(i, side_constraints)) for i in range(unit_count)],
        "places": [draw(places(i, unit_count)) for i in range(place_count)],
        "applicants": [draw(applicants(i, applicant_count, side_constraints)) for i in range(applicant_count)],
    }
