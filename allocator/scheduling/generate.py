"""Realistic random weekly problems (``support-schedule/1``) for demos, tests and benchmarks.

One wellbeing services county is drawn; its more populous municipalities host the housing
units, which are the staff members' bases; residents live within a few kilometres of their
unit. Staff work weekday shifts (a few evening shifts, a day off now and then); some are
away for the whole week, so their residents' visits cannot be made by their key worker.
Each resident needs 1-3 visits a week of 30-90 minutes, with windows on weekdays; some need
a skill that only some staff have. The key worker is a staff member of the resident's unit
who has the skill the visits need.

:func:`planted_problem` builds a week around a schedule laid down first (*planted*): every
visit made by its key worker inside their shifts, a resident's visits on different days.
Each visit's window holds its planted time with some slack, and most visits get windows on
other days too; part of the planted schedule is passed as ``previous``. So a schedule that
makes every visit, each by its key worker, keeping every ``previous`` entry, is known to
exist, and the solver must find one.
"""

from __future__ import annotations

import csv
import math
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from allocator.scheduling.travel import geo_matrix

MUNICIPALITIES = Path(__file__).resolve().parent.parent / "data" / "municipalities.csv"
WEEK_START = "2026-12-07"  # a Monday
SKILLS = ("nurse", "substance_use", "mental_health")
DAY = 1440
SPEED_KMH, ROAD_FACTOR = 40, 1.3


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
    return [_daytime_window(rng, day) for day in sorted(rng.sample(range(5), k=rng.randint(2, 5)))]


def _daytime_window(rng: random.Random, day: int) -> dict[str, int]:
    start = rng.choice((8, 9, 10, 12, 13)) * 60
    length = rng.choice((3, 4, 6, 8)) * 60
    return {"start": day * DAY + start, "end": day * DAY + min(start + length, 20 * 60)}


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


def _home(rng: random.Random, r: int, units: list[Unit], locations: list[dict[str, Any]]) -> Unit:
    """Resident r's unit (in turn) and home ``H{r + 1}`` within 8 km of it, added to ``locations``."""
    unit = units[r % len(units)]
    lat, lon = _jitter(rng, unit.lat, unit.lon, 8.0)
    locations.append({"id": f"H{r + 1}", "lat": lat, "lon": lon})
    return unit


def _visits(rng: random.Random, residents: int, units: list[Unit], staff: list[dict[str, Any]],
            locations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    visits = []
    caseload = dict.fromkeys((m["id"] for m in staff), 0)
    for r in range(residents):
        unit = _home(rng, r, units, locations)
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
        "travel": {"mode": "geo", "speed_kmh": SPEED_KMH, "road_factor": ROAD_FACTOR},
        "locations": locations,
        "staff": [m for m in members if m["id"] not in away],
        "visits": visits,
        "previous": [],
    }


PLANTED_SKILL_SHARE = 0.2  # residents whose visits need a skill (one their key worker has)


def planted_problem(staff: int, residents: int, seed: int = 1, *, previous_share: float = 0.5) -> dict[str, Any]:
    """A week with a planted full key-worker schedule (see the module docstring); a share
    ``previous_share`` of the planted assignments is passed as ``previous``."""
    if staff < 1 or residents < 0:
        raise ValueError("need at least one staff member and no negative number of residents")
    rng = random.Random(seed)
    units = _units(rng, max(1, round(staff / 6)))
    members = _staff(rng, staff, units, days_off=False)  # their max_minutes are set from the plant below
    locations: list[dict[str, Any]] = [{"id": u.id, "lat": u.lat, "lon": u.lon} for u in units]
    homes = _planted_residents(rng, residents, units, members, locations)
    minutes = geo_matrix([(place["lat"], place["lon"]) for place in locations], ROAD_FACTOR, SPEED_KMH)
    index = {place["id"]: i for i, place in enumerate(locations)}
    visits, planted = [], []
    for member in members:
        for shift in member["shifts"]:
            _plant_shift(rng, member, shift, homes, minutes, index, visits, planted)
    for member in members:
        used = sum(v["duration"] for v, a in zip(visits, planted, strict=True) if a["staff"] == member["id"])
        member["max_minutes"] = rng.choice((None, used + rng.choice((0, 30, 60))))
    previous = [a for a in planted if rng.random() < previous_share]
    return {
        "format": "support-schedule/1",
        "week_start": WEEK_START,
        "travel": {"mode": "geo", "speed_kmh": SPEED_KMH, "road_factor": ROAD_FACTOR},
        "locations": locations,
        "staff": members,
        "visits": visits,
        "previous": previous,
    }


def _planted_residents(rng: random.Random, residents: int, units: list[Unit], staff: list[dict[str, Any]],
                       locations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each resident's home, key worker (a staff member of the unit, caseloads even), skill
    (one the key worker has, for some) and 1-3 distinct days their key worker works."""
    homes = []
    caseload = dict.fromkeys((m["id"] for m in staff), 0)
    for r in range(residents):
        unit = _home(rng, r, units, locations)
        key_worker = _key_worker(rng, staff, unit.id, None, caseload)
        member = next(m for m in staff if m["id"] == key_worker)
        skill = rng.choice(member["skills"]) if member["skills"] and rng.random() < PLANTED_SKILL_SHARE else None
        days = sorted({shift["start"] // DAY for shift in member["shifts"]})
        homes.append({"resident": f"R{r + 1}", "home": f"H{r + 1}", "key_worker": key_worker, "skill": skill,
                      "days": set(rng.sample(days, k=min(len(days), rng.choice((1, 2, 2, 3)))))})
    return homes


def _plant_shift(rng: random.Random, member: dict[str, Any], shift: dict[str, int], homes: list[dict[str, Any]],
                 minutes: list[list[int]], index: dict[str, int], visits: list[dict[str, Any]],
                 planted: list[dict[str, Any]]) -> None:
    """Drive one shift: from base to the key worker's residents due that day, nearest first,
    waiting a little at times, as long as the way back still fits; each visit made becomes a
    visit of the problem, with windows around its planted time."""
    day = shift["start"] // DAY
    due = [h for h in homes if h["key_worker"] == member["id"] and day in h["days"]]
    here, clock = index[member["base"]], shift["start"]
    while due:
        due.sort(key=lambda h: (minutes[here][index[h["home"]]], h["resident"]))
        home = due.pop(0)
        there, duration = index[home["home"]], rng.choice((30, 45, 60, 60, 75, 90))
        start = clock + minutes[here][there] + rng.choice((0, 0, 5, 15, 30))
        if start + duration + minutes[there][index[member["base"]]] > shift["end"]:
            continue  # this one does not fit any more today; a nearer one may
        visit_id = f"V{len(visits) + 1}"
        visits.append({"id": visit_id, "resident": home["resident"], "location": home["home"], "duration": duration,
                       "skill": home["skill"], "windows": _windows_around(rng, start, duration, day),
                       "key_worker": member["id"]})
        planted.append({"visit": visit_id, "staff": member["id"], "start": start})
        here, clock = there, start + duration


def _windows_around(rng: random.Random, start: int, duration: int, day: int) -> list[dict[str, int]]:
    """A window holding the planted time with up to two hours' slack either side (within the
    day), and for most visits one or two windows on other weekdays."""
    windows = [{"start": max(day * DAY, start - rng.choice((0, 30, 60, 120))),
                "end": min((day + 1) * DAY, start + duration + rng.choice((0, 30, 60, 120)))}]
    others = [d for d in range(5) if d != day]
    windows += [_daytime_window(rng, other) for other in rng.sample(others, k=rng.choice((0, 1, 1, 2)))]
    return sorted(windows, key=lambda w: w["start"])
