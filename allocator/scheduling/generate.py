"""Realistic random weekly problems (``support-schedule/1``) for demos, tests and benchmarks.

One wellbeing services county is drawn; its more populous municipalities host the housing
units, which are the staff members' bases; residents live within a few kilometres of their
unit. Staff work weekday shifts (a few evening shifts, a day off now and then); some are
away for the whole week, so their residents' visits cannot be made by their key worker.
Each resident needs 1-3 visits a week of 30-90 minutes, with windows on weekdays; some need
a skill that only some staff have. The key worker is a staff member of the resident's unit
who has the skill the visits need.
"""

from __future__ import annotations

import csv
import math
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MUNICIPALITIES = Path(__file__).resolve().parent.parent / "data" / "municipalities.csv"
WEEK_START = "2026-12-07"  # a Monday
SKILLS = ("nurse", "substance_use", "mental_health")
DAY = 1440


@dataclass(frozen=True)
class Unit:
    id: str
    lat: float
    lon: float


def _counties(rng: random.Random) -> list[dict[str, str]]:
    with MUNICIPALITIES.open(encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if row["county_id"] not in ("AX", "HKI")]
    counties = sorted({row["county_id"] for row in rows})
    county = rng.choice(counties)
    return sorted((row for row in rows if row["county_id"] == county),
                  key=lambda row: -int(row["population_2020"]))


def _jitter(rng: random.Random, lat: float, lon: float, km: float) -> tuple[float, float]:
    """A point up to ``km`` from (lat, lon), uniform over the disc."""
    distance, bearing = km * math.sqrt(rng.random()), rng.uniform(0, 2 * math.pi)
    dlat = distance * math.cos(bearing) / 111.2
    dlon = distance * math.sin(bearing) / (111.2 * math.cos(math.radians(lat)))
    return round(lat + dlat, 5), round(lon + dlon, 5)


def _units(rng: random.Random, count: int) -> list[Unit]:
    towns = _counties(rng)[: max(1, count)]
    units = []
    for i in range(count):
        town = towns[i % len(towns)]
        lat, lon = _jitter(rng, float(town["lat"]), float(town["lon"]), 4.0)
        units.append(Unit(f"U{i + 1}", lat, lon))
    return units


def _shifts(rng: random.Random, days_off: bool) -> list[dict[str, int]]:
    """Weekday shifts: mostly 08-16, some 12-20; now and then a day off."""
    shifts = []
    for day in range(5):
        if rng.random() < 0.12 and days_off:
            continue
        start = 12 * 60 if rng.random() < 0.2 else 8 * 60
        shifts.append({"start": day * DAY + start, "end": day * DAY + start + 8 * 60})
    return shifts


def _staff(rng: random.Random, count: int, units: list[Unit], days_off: bool) -> list[dict[str, Any]]:
    staff = []
    for i in range(count):
        skills = sorted(rng.sample(SKILLS, k=rng.choice((0, 1, 1, 2))))
        staff.append({"id": f"S{i + 1}", "skills": skills, "base": units[i % len(units)].id,
                      "shifts": _shifts(rng, days_off), "max_minutes": rng.choice((1200, 1500, 1800, None))})
    return staff


def _windows(rng: random.Random) -> list[dict[str, int]]:
    """Two to five weekdays, each with a daytime window of three to eight hours."""
    days = sorted(rng.sample(range(5), k=rng.randint(2, 5)))
    windows = []
    for day in days:
        start = rng.choice((8, 9, 10, 12, 13)) * 60
        length = rng.choice((3, 4, 6, 8)) * 60
        windows.append({"start": day * DAY + start, "end": day * DAY + min(start + length, 20 * 60)})
    return windows


def _key_worker(rng: random.Random, staff: list[dict[str, Any]], unit: str, skill: str | None,
                caseload: dict[str, int]) -> str | None:
    """A staff member of the unit with the skill (else anyone with it; else nobody), among those
    with the fewest residents so far: managers share caseloads out evenly."""
    able = [m for m in staff if skill is None or skill in m["skills"]]
    pool = [m for m in able if m["base"] == unit] or able
    if not pool:
        return None
    fewest = min(caseload[m["id"]] for m in pool)
    chosen = rng.choice([m for m in pool if caseload[m["id"]] == fewest])["id"]
    caseload[chosen] += 1
    return chosen


def _visits(rng: random.Random, residents: int, units: list[Unit], staff: list[dict[str, Any]],
            locations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    visits = []
    caseload = dict.fromkeys((m["id"] for m in staff), 0)
    for r in range(residents):
        unit = units[r % len(units)]
        lat, lon = _jitter(rng, unit.lat, unit.lon, 8.0)
        locations.append({"id": f"H{r + 1}", "lat": lat, "lon": lon})
        skill = rng.choice(SKILLS) if rng.random() < 0.2 else None
        key_worker = _key_worker(rng, staff, unit.id, skill, caseload)
        skill = skill if key_worker is not None else None
        for _ in range(rng.choice((1, 2, 2, 3))):
            visits.append({"id": f"V{len(visits) + 1}", "resident": f"R{r + 1}", "location": f"H{r + 1}",
                           "duration": rng.choice((30, 45, 60, 60, 75, 90)), "skill": skill,
                           "windows": _windows(rng), "key_worker": key_worker})
    return visits


def generate_problem(staff: int, residents: int, seed: int = 1, *, absences: bool = True) -> dict[str, Any]:
    """A week for ``staff`` staff members and ``residents`` residents. With ``absences``, some
    staff are away all week and some have a day off; without, everyone works every weekday."""
    if staff < 1 or residents < 0:
        raise ValueError("need at least one staff member and no negative number of residents")
    rng = random.Random(seed)
    units = _units(rng, max(1, round(staff / 6)))
    members = _staff(rng, staff, units, days_off=absences)
    locations: list[dict[str, Any]] = [{"id": u.id, "lat": u.lat, "lon": u.lon} for u in units]
    visits = _visits(rng, residents, units, members, locations)
    away = set(rng.sample([m["id"] for m in members], k=round(staff * 0.08))) if absences else set()
    return {
        "format": "support-schedule/1",
        "week_start": WEEK_START,
        "travel": {"mode": "geo", "speed_kmh": 40, "road_factor": 1.3},
        "locations": locations,
        "staff": [m for m in members if m["id"] not in away],
        "visits": visits,
        "previous": [],
    }
