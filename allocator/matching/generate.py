"""Realistic random ``housing-allocation/1`` problems for tests and benchmarks.

Units stand in real municipalities drawn by population (Statistics Finland, 2020); a unit is
either one building (all places at one address) or scattered flats around a centre.
Applicants live in municipalities drawn the same way and wish first for home, then for
nearby municipalities or a study city. With ``side_constraints`` units get weekly
support-hour limits and some applicants must not live with another applicant or a resident.
The same arguments always give the same document (Python's ``random`` with the seed).
"""

from __future__ import annotations

import datetime as dt
import math
import random
from typing import Any

from allocator.data import Municipality, load_municipalities
from allocator.geo import KM_PER_DEGREE, point_near

AS_OF = dt.date(2026, 12, 1)
SERVICES = ("mental_health", "substance_use", "neurodevelopmental", "parenting", "education",
            "employment", "trauma")
OTHER_LANGUAGES = ("en", "so", "ar", "ru", "et", "fa")


class _Map:
    """Municipalities with population weights and neighbours for wishes."""

    def __init__(self, municipalities: list[Municipality]):
        self.all = municipalities
        self.weights = [m.population for m in municipalities]
        by_size = sorted(range(len(municipalities)), key=lambda i: -municipalities[i].population)
        self.cities = by_size[:10]
        self.neighbours = [self._within(i, 80.0) for i in range(len(municipalities))]

    def _within(self, i: int, km: float) -> list[int]:
        here = self.all[i]
        return [j for j, m in enumerate(self.all) if j != i and _rough_km(here, m.lat, m.lon) <= km]

    def draw(self, rng: random.Random, among: list[int] | None = None) -> int:
        if among is None:
            return rng.choices(range(len(self.all)), weights=self.weights)[0]
        return rng.choices(among, weights=[self.weights[j] for j in among])[0]


def _rough_km(m: Municipality, lat: float, lon: float) -> float:
    dx = (lon - m.lon) * math.cos(math.radians(m.lat)) * KM_PER_DEGREE
    return math.hypot(dx, (lat - m.lat) * KM_PER_DEGREE)


def _pick(rng: random.Random, table: dict[Any, float]) -> Any:
    return rng.choices(list(table), weights=list(table.values()))[0]


def _subset(rng: random.Random, items: tuple[str, ...], chance: float) -> list[str]:
    return [item for item in items if rng.random() < chance]


def generate_problem(applicants: int, places: int, *, seed: int = 1, side_constraints: bool = False) -> dict:
    if applicants < 0 or places < 0:
        from allocator.reading import InputError

        raise InputError(["--applicants and --places must be at least 0"])
    rng = random.Random(seed)
    world = _Map(load_municipalities())
    units, unit_sites = _units(rng, world, max(1, round(places / 5)) if places else 0, side_constraints)
    place_list = _places(rng, units, unit_sites, places)
    if side_constraints:
        _limit_support_hours(rng, units, place_list)
    people = [_applicant(rng, world, i) for i in range(applicants)]
    if side_constraints:
        _add_not_with(rng, people, units)
    return {
        "format": "housing-allocation/1",
        "as_of": AS_OF.isoformat(),
        "policy": {"w_wish": 100, "w_services": 20, "w_over": 30, "w_km": 1, "w_spare": 10},
        "units": units,
        "places": place_list,
        "applicants": people,
    }


def _units(rng, world: _Map, count: int, side_constraints: bool):
    units, sites = [], []
    for u in range(count):
        town = world.all[world.draw(rng)]
        site = point_near(rng, town.lat, town.lon, 4.0)
        languages = _pick(rng, {None: 0.3, ("fi",): 0.45, ("fi", "sv"): 0.2 if town.bilingual else 0.08,
                                ("fi", "en"): 0.05})
        units.append({
            "id": f"U{u + 1:04d}",
            "support_level": _pick(rng, {1: 0.2, 2: 0.35, 3: 0.3, 4: 0.15}),
            "services": _subset(rng, SERVICES, 0.3),
            "support_hours": None,
            "min_age": _pick(rng, {None: 0.2, 16: 0.1, 17: 0.2, 18: 0.5}),
            "max_age": _pick(rng, {None: 0.2, 21: 0.15, 23: 0.2, 25: 0.45}),
            "gender": _pick(rng, {None: 0.92, "f": 0.05, "m": 0.03}),
            "languages": list(languages) if languages else None,
            "residents": [f"R{u + 1:04d}-{r + 1}" for r in range(rng.randint(0, 4))] or None,
        })
        scattered = rng.random() < 0.3  # scattered flats around a centre, else one building
        sites.append((site, scattered))
    return units, sites


def _places(rng, units: list[dict], sites, count: int) -> list[dict]:
    sizes = [rng.choice((2, 3, 4, 5, 6, 8, 10)) for _ in units]
    extra = max(0, count - len(units))  # every unit gets one place, the rest go by size
    owners = list(range(len(units)))[:count] + (rng.choices(range(len(units)), weights=sizes, k=extra)
                                                if extra else [])
    result = []
    for i, u in enumerate(owners):
        (lat, lon), scattered = sites[u]
        if scattered:
            lat, lon = point_near(rng, lat, lon, 3.0)
        result.append({
            "id": f"P{i + 1:05d}",
            "unit": units[u]["id"],
            "lat": lat,
            "lon": lon,
            "max_household": _pick(rng, {1: 0.85, 2: 0.08, 3: 0.05, 4: 0.02}),
            "accessible": rng.random() < 0.1,
        })
    return result


HOURS_PER_PLACE = (4.0, 9.0)
"""Free weekly staff hours per vacant place of a unit with a limit. Applicants need 1–12 hours
(6.5 on average), so about half the limited units fill up on hours before they run out of places."""


def _limit_support_hours(rng, units: list[dict], places: list[dict]) -> None:
    """Three units in four get a limit on the support hours still free for new residents."""
    place_count: dict[str, int] = {}
    for place in places:
        place_count[place["unit"]] = place_count.get(place["unit"], 0) + 1
    for unit in units:
        if rng.random() < 0.75:
            unit["support_hours"] = int(place_count.get(unit["id"], 0) * rng.uniform(*HOURS_PER_PLACE))


def _applicant(rng, world: _Map, i: int) -> dict:
    home_index = world.draw(rng)
    home = world.all[home_index]
    wish_count = _pick(rng, {1: 0.2, 2: 0.3, 3: 0.25, 4: 0.15, 5: 0.1})
    wishes = [point_near(rng, home.lat, home.lon, 5.0)]
    for _ in range(wish_count - 1):
        nearby = world.neighbours[home_index]
        target = world.all[world.draw(rng, nearby if nearby and rng.random() < 0.6 else world.cities)]
        wishes.append(point_near(rng, target.lat, target.lon, 5.0))
    swedish = 0.9 if home.county_id == "AX" else 0.45 if home.county_id == "PO" else 0.12 if home.bilingual else 0.02
    language = _pick(rng, {"sv": swedish, "fi": 0.92 - swedish, "other": 0.06, None: 0.02})
    if language == "other":
        language = rng.choice(OTHER_LANGUAGES)
    return {
        "id": f"A{i + 1:05d}",
        "band": _pick(rng, {1: 0.15, 2: 0.35, 3: 0.5}),
        "need_since": (AS_OF - dt.timedelta(days=rng.randint(0, 365))).isoformat(),
        "tiebreak": math.floor(rng.random() * 10_000) / 10_000,
        "age": _pick(rng, {17: 0.12, 18: 0.2, 19: 0.18, 20: 0.15, 21: 0.12, 22: 0.1, 23: 0.08, 24: 0.05}),
        "gender": _pick(rng, {"f": 0.48, "m": 0.48, None: 0.04}),
        "language": language,
        "household": _pick(rng, {1: 0.92, 2: 0.06, 3: 0.02}),
        "needs_accessible": rng.random() < 0.04,
        "support_level": _pick(rng, {1: 0.3, 2: 0.35, 3: 0.25, 4: 0.1}),
        "support_hours": rng.randint(1, 12),
        "needs": _subset(rng, SERVICES, 0.25),
        "locations": [{"lat": lat, "lon": lon} for lat, lon in wishes],
        "max_distance_km": _pick(rng, {10: 0.1, 15: 0.15, 20: 0.2, 25: 0.2, 30: 0.2, 40: 0.1, 50: 0.05}),
        "not_with": [],
    }


def _add_not_with(rng, people: list[dict], units: list[dict]) -> None:
    """Some applicants must not live with another applicant who wishes for the same area, or a resident."""
    by_first_wish: dict[tuple[int, int], list[int]] = {}
    for i, person in enumerate(people):
        wish = person["locations"][0]
        by_first_wish.setdefault((round(wish["lat"] * 2), round(wish["lon"])), []).append(i)
    residents = [r for unit in units for r in unit["residents"] or ()]
    for i, person in enumerate(people):
        roll = rng.random()
        if roll < 0.05:
            wish = person["locations"][0]
            others = [j for j in by_first_wish[(round(wish["lat"] * 2), round(wish["lon"]))] if j != i]
            if others:
                person["not_with"].append(people[rng.choice(others)]["id"])
        elif roll < 0.07 and residents:
            person["not_with"].append(rng.choice(residents))
