"""Validate a ``housing-allocation/1`` document and build a :class:`Problem`.

Every problem in the file is reported at once, each with its path
(``applicants[12].locations[0].lat: expected a number``); unknown fields are ignored.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from allocator.matching.problem import (
    MAX_WISHES,
    Applicant,
    Location,
    Place,
    Policy,
    Problem,
    Unit,
    priority_sorted,
)
from allocator.reading import INVALID, Checker, InputError, check_format, join, load_document

FORMAT = "housing-allocation/1"
POLICY_KEYS = ("w_wish", "w_services", "w_over", "w_km", "w_spare")
MAX_COUNT = 10**9
"""Upper bound for whole numbers (ages, hours, household sizes): far above any real value, and
it keeps every sum the solver forms inside 64-bit integers."""
MAX_ABS_FIT = 2**40
"""Fits are exact int64 sums; a policy that could push one past this is refused (see _check_fit_range)."""


def read_problem_file(source: str | Path) -> Problem:
    return read_problem(load_document(source, FORMAT))


def read_problem(document: Any) -> Problem:
    """Raise :class:`InputError` listing every problem, or return the typed problem."""
    document = check_format(document, FORMAT)
    check = Checker()
    as_of = check.field(document, "as_of", "", "date")
    policy = _policy(check, document)
    raw_units = list(check.objects(document, "units", ""))
    unit_paths = check.unique_ids(raw_units, "unit")
    if not isinstance(document.get("units"), list):
        unit_paths = None  # already reported; do not also call every place's unit unknown
    units = [_unit(check, path, raw) for path, raw in raw_units]
    raw_places = list(check.objects(document, "places", ""))
    check.unique_ids(raw_places, "place")
    places = [_quick_place(raw, unit_paths) or _place(check, path, raw, unit_paths) for path, raw in raw_places]
    raw_applicants = list(check.objects(document, "applicants", ""))
    check.unique_ids(raw_applicants, "applicant")
    applicants = [_quick_applicant(raw) or _applicant(check, path, raw) for path, raw in raw_applicants]
    check.raise_if_any()
    _check_fit_range(policy, units, places)
    return Problem(
        as_of=as_of,
        policy=policy,
        units=tuple(sorted(units, key=lambda u: u.id)),
        places=tuple(sorted(places, key=lambda p: p.id)),
        applicants=priority_sorted(applicants),
    )


def _policy(check: Checker, document: dict[str, Any]) -> Policy:
    raw = check.field(document, "policy", "", "object", default={})
    if not isinstance(raw, dict):
        return Policy()
    defaults = Policy()
    weights = {key: check.field(raw, key, "policy", "int", default=getattr(defaults, key), minimum=0)
               for key in POLICY_KEYS}
    return Policy(**weights)


def _strings(check: Checker, obj: dict[str, Any], key: str, path: str, *, nullable: bool = False):
    """A list of strings as a frozenset (duplicates ignored), ``None`` when null is allowed and given."""
    value = check.field(obj, key, path, "list", nullable=nullable)
    if value is None or value is INVALID:
        return value
    where = join(path, key)
    for i, item in enumerate(value):
        check.value(item, join(where, i), "string")
    return frozenset(item for item in value if isinstance(item, str))


def _unit(check: Checker, path: str, raw: dict[str, Any]) -> Unit:
    field = check.field
    return Unit(
        id=raw.get("id"),
        support_level=field(raw, "support_level", path, "int", minimum=1, maximum=4),
        services=_strings(check, raw, "services", path),
        support_hours=field(raw, "support_hours", path, "int", nullable=True, minimum=0, maximum=MAX_COUNT),
        min_age=field(raw, "min_age", path, "int", nullable=True, minimum=0, maximum=MAX_COUNT),
        max_age=field(raw, "max_age", path, "int", nullable=True, minimum=0, maximum=MAX_COUNT),
        gender=field(raw, "gender", path, "string", nullable=True),
        languages=_strings(check, raw, "languages", path, nullable=True),
        residents=_strings(check, raw, "residents", path, nullable=True) or frozenset(),  # null = none
    )


def _place(check: Checker, path: str, raw: dict[str, Any], unit_paths: dict[str, str] | None) -> Place:
    field = check.field
    unit = field(raw, "unit", path, "string")
    if isinstance(unit, str) and unit_paths is not None and unit not in unit_paths:
        check.fail(join(path, "unit"), f"unknown unit {json.dumps(unit)}")
    return Place(
        id=raw.get("id"),
        unit=unit,
        lat=field(raw, "lat", path, "number", minimum=-90, maximum=90),
        lon=field(raw, "lon", path, "number", minimum=-180, maximum=180),
        max_household=field(raw, "max_household", path, "int", minimum=0, maximum=MAX_COUNT),
        accessible=field(raw, "accessible", path, "bool"),
    )


def _applicant(check: Checker, path: str, raw: dict[str, Any]) -> Applicant:
    field = check.field
    return Applicant(
        id=raw.get("id"),
        band=field(raw, "band", path, "int", choices=(1, 2, 3)),
        need_since=field(raw, "need_since", path, "date"),
        tiebreak=field(raw, "tiebreak", path, "number", minimum=0, below=1),
        age=field(raw, "age", path, "int", minimum=0, maximum=MAX_COUNT),
        gender=field(raw, "gender", path, "string", nullable=True),
        language=field(raw, "language", path, "string", nullable=True),
        household=field(raw, "household", path, "int", minimum=1, maximum=MAX_COUNT),
        needs_accessible=field(raw, "needs_accessible", path, "bool"),
        support_level=field(raw, "support_level", path, "int", minimum=1, maximum=4),
        support_hours=field(raw, "support_hours", path, "int", minimum=0, maximum=MAX_COUNT),
        needs=_strings(check, raw, "needs", path),
        locations=_locations(check, path, raw),
        max_distance_km=field(raw, "max_distance_km", path, "number", minimum=0),
        not_with=_sorted_ids(_strings(check, raw, "not_with", path)),
    )


def _sorted_ids(ids: Any) -> tuple[str, ...]:
    return tuple(sorted(ids)) if isinstance(ids, frozenset) else ()


def _locations(check: Checker, path: str, raw: dict[str, Any]) -> tuple[Location, ...]:
    where = join(path, "locations")
    wishes = check.items(raw, "locations", path)
    if "locations" in raw and isinstance(raw["locations"], list):
        if not wishes:
            check.fail(where, f"expected 1 to {MAX_WISHES} wished locations, found none")
        elif len(wishes) > MAX_WISHES:
            check.fail(where, f"at most {MAX_WISHES} wished locations allowed, found {len(wishes)}")
    locations = []
    for i, wish in enumerate(wishes):
        if check.value(wish, join(where, i), "object") is INVALID:
            continue
        lat = check.field(wish, "lat", join(where, i), "number", minimum=-90, maximum=90)
        lon = check.field(wish, "lon", join(where, i), "number", minimum=-180, maximum=180)
        locations.append(Location(lat, lon))
    return tuple(locations)


# Quick paths. A large round has tens of thousands of fields; checking each through the
# Checker (which builds its path) costs more than solving. These build the same object
# when every field is plainly valid, and return None at the first doubt, in which case the
# careful path above runs and reports the problems. tests/allocator/matching/test_reader.py
# checks that both paths agree.


def _is_count(value: Any, minimum: int) -> bool:
    return type(value) is int and minimum <= value <= MAX_COUNT


def _is_number(value: Any) -> bool:
    return (type(value) is float or type(value) is int) and value - value == 0  # finite


def _is_text(value: Any, nullable: bool = True) -> bool:
    return type(value) is str or (nullable and value is None)


def _text_set(value: Any) -> frozenset[str] | None:
    if type(value) is list and all(type(item) is str for item in value):
        return frozenset(value)
    return None


def _quick_place(raw: dict[str, Any], unit_paths: dict[str, str] | None) -> Place | None:
    try:
        place = Place(raw["id"], raw["unit"], raw["lat"], raw["lon"], raw["max_household"], raw["accessible"])
    except KeyError:
        return None
    if not (type(place.id) is str and type(place.unit) is str and unit_paths is not None and place.unit in unit_paths
            and _is_number(place.lat) and -90 <= place.lat <= 90 and _is_number(place.lon)
            and -180 <= place.lon <= 180 and _is_count(place.max_household, 0)
            and type(place.accessible) is bool):
        return None
    return place


def _quick_locations(value: Any) -> tuple[Location, ...] | None:
    if type(value) is not list or not 1 <= len(value) <= MAX_WISHES:
        return None
    locations = []
    for wish in value:
        if type(wish) is not dict:
            return None
        lat, lon = wish.get("lat"), wish.get("lon")
        if not (_is_number(lat) and _is_number(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
            return None
        locations.append(Location(lat, lon))
    return tuple(locations)


def _quick_applicant(raw: dict[str, Any]) -> Applicant | None:
    try:
        since, band, tiebreak, distance = raw["need_since"], raw["band"], raw["tiebreak"], raw["max_distance_km"]
        needs, not_with = _text_set(raw["needs"]), _text_set(raw["not_with"])
        locations, level = _quick_locations(raw["locations"]), raw["support_level"]
        plain = (type(raw["id"]) is str and type(band) is int and 1 <= band <= 3
                 and type(since) is str and len(since) == 10 and _is_number(tiebreak) and 0 <= tiebreak < 1
                 and _is_count(raw["age"], 0) and _is_text(raw["gender"]) and _is_text(raw["language"])
                 and _is_count(raw["household"], 1) and type(raw["needs_accessible"]) is bool
                 and _is_count(level, 1) and level <= 4 and _is_count(raw["support_hours"], 0)
                 and needs is not None and not_with is not None and locations is not None
                 and _is_number(distance) and distance >= 0)
        if not plain:
            return None
        return Applicant(raw["id"], band, dt.date.fromisoformat(since), tiebreak, raw["age"], raw["gender"],
                         raw["language"], raw["household"], raw["needs_accessible"], level,
                         raw["support_hours"], needs, locations, distance, _sorted_ids(not_with))
    except (KeyError, ValueError):
        return None


def _check_fit_range(policy: Policy, units: list[Unit], places: list[Place]) -> None:
    """Refuse weights so large that a fit could not be computed exactly in 64-bit integers.

    Realistic weights are below 1,000; this only stops absurd input from overflowing.
    """
    most_services = max((len(u.services) for u in units), default=0)
    widest = max((p.max_household for p in places), default=0)
    largest = (policy.w_wish * MAX_WISHES + policy.w_services * most_services + policy.w_over * 3
               + policy.w_km * 20_016 + policy.w_spare * (widest + 1))
    if largest > MAX_ABS_FIT:
        raise InputError([f"policy: weights too large: a fit could reach {largest}, the solver allows "
                          f"at most {MAX_ABS_FIT}"])
