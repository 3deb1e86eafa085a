"""Reading and checking a ``support-schedule/1`` document into a :class:`Problem`.

Every problem in the file is reported at once, each with its path (``staff[2].shifts[1]:
overlaps staff[2].shifts[0] (480-960)``), by the shared :class:`allocator.reading.Checker`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from allocator.reading import INVALID, Checker, check_format, join, load_document
from allocator.scheduling.problem import WEEKDAYS, Interval, PreviousEntry, Problem, Staff, Visit
from allocator.scheduling.travel import geo_matrix

FORMAT = "support-schedule/1"


def read_file(source: str | Path) -> Problem:
    return read_document(load_document(source, FORMAT))


def read_document(document: Any) -> Problem:
    """Check a parsed document; raise :class:`allocator.reading.InputError` listing every problem."""
    document = check_format(document, FORMAT)
    check = Checker()
    week_start = _week_start(check, document)
    locations = list(check.objects(document, "locations", ""))
    location_index = {ident: i for i, ident in enumerate(check.unique_ids(locations, "location"))}
    travel = _travel(check, document, locations)
    staff = _staff(check, document, location_index)
    visits = _visits(check, document, location_index)
    previous = _previous(check, document, visits)
    check.raise_if_any()
    return Problem(
        week_start=week_start.isoformat(),
        location_ids=tuple(location_index),
        travel=tuple(tuple(row) for row in travel),
        staff=tuple(staff),
        visits=tuple(visits),
        previous=tuple(previous),
    )


def _week_start(check: Checker, document: dict) -> Any:
    """The week's Monday: all times count from its 00:00, and day 0 is named Monday."""
    week_start = check.field(document, "week_start", "", "date")
    if week_start is not INVALID and week_start.weekday() != 0:
        check.fail("week_start", f"must be a Monday ({week_start.isoformat()} is a {WEEKDAYS[week_start.weekday()]})")
    return week_start


def _travel(check: Checker, document: dict, locations: list[tuple[str, dict]]) -> list[list[int]]:
    travel = check.field(document, "travel", "", "object")
    if travel is INVALID:
        return []
    mode = check.field(travel, "mode", "travel", "string", choices=("geo", "matrix"))
    if mode == "geo":
        speed = check.field(travel, "speed_kmh", "travel", "number", minimum=0)
        if speed == 0:
            check.fail("travel.speed_kmh", "must be greater than 0")
        factor = check.field(travel, "road_factor", "travel", "number", minimum=0)
        points = [_point(check, path, location) for path, location in locations]
        if check.ok:
            return geo_matrix(points, factor, speed)
        return []
    if mode == "matrix":
        return _matrix(check, travel, len(locations))
    return []


def _point(check: Checker, path: str, location: dict) -> tuple[float, float]:
    lat = check.field(location, "lat", path, "number", minimum=-90, maximum=90)
    lon = check.field(location, "lon", path, "number", minimum=-180, maximum=180)
    return lat, lon


def _matrix(check: Checker, travel: dict, size: int) -> list[list[int]]:
    rows = check.items(travel, "minutes", "travel")
    if "minutes" in travel and isinstance(travel["minutes"], list) and len(rows) != size:
        check.fail("travel.minutes", f"expected {size} rows (one per location), found {len(rows)}")
    matrix = []
    for i, row in enumerate(rows):
        path = join("travel.minutes", i)
        if check.value(row, path, "list") is INVALID:
            continue
        if len(row) != size:
            check.fail(path, f"expected {size} entries (one per location), found {len(row)}")
        cells = [check.value(cell, join(path, j), "int", minimum=0) for j, cell in enumerate(row)]
        # Travel from a location to itself is 0 by definition, whatever the matrix says.
        matrix.append([0 if i == j else cell for j, cell in enumerate(cells)])
    return matrix


def _interval(check: Checker, path: str, obj: dict) -> Interval | None:
    start = check.field(obj, "start", path, "int", minimum=0)
    end = check.field(obj, "end", path, "int", minimum=0)
    if isinstance(start, int) and isinstance(end, int):
        if end <= start:
            check.fail(join(path, "end"), f"must be after start ({start})")
            return None
        return Interval(start, end)
    return None


def _intervals(check: Checker, obj: dict, key: str, path: str) -> list[tuple[str, Interval]]:
    found = []
    for where, element in check.objects(obj, key, path):
        interval = _interval(check, where, element)
        if interval is not None:
            found.append((where, interval))
    return found


def _reference(check: Checker, obj: dict, key: str, path: str, index: dict[str, int], what: str) -> int:
    ident = check.field(obj, key, path, "string")
    if ident is INVALID:
        return -1
    if ident not in index:
        check.fail(join(path, key), f"unknown {what} id {json.dumps(ident)}")
        return -1
    return index[ident]


def _strings(check: Checker, obj: dict, key: str, path: str) -> frozenset[str]:
    where = join(path, key)
    values = check.items(obj, key, path, default=[])
    checked = (check.value(value, join(where, i), "string") for i, value in enumerate(values))
    return frozenset(value for value in checked if value is not INVALID)


def _staff(check: Checker, document: dict, location_index: dict[str, int]) -> list[Staff]:
    members = list(check.objects(document, "staff", ""))
    check.unique_ids(members, "staff")
    staff = []
    for path, member in members:
        shifts = _intervals(check, member, "shifts", path)
        _check_no_overlap(check, shifts)
        staff.append(Staff(
            id=member.get("id"),
            skills=_strings(check, member, "skills", path),
            base=_reference(check, member, "base", path, location_index, "location"),
            shifts=tuple(sorted(interval for _, interval in shifts)),
            max_minutes=check.field(member, "max_minutes", path, "int", nullable=True, default=None,
                                    minimum=0),
        ))
    return staff


def _check_no_overlap(check: Checker, shifts: list[tuple[str, Interval]]) -> None:
    ordered = sorted(shifts, key=lambda item: (item[1].start, item[1].end))
    for (first_path, first), (path, shift) in zip(ordered, ordered[1:], strict=False):
        if shift.start < first.end:
            check.fail(path, f"overlaps {first_path} ({first.start}-{first.end}): a staff member's shifts "
                             "must not overlap")


def _visits(check: Checker, document: dict, location_index: dict[str, int]) -> list[Visit]:
    elements = list(check.objects(document, "visits", ""))
    check.unique_ids(elements, "visit")
    visits = []
    for path, element in elements:
        windows = _intervals(check, element, "windows", path)
        visits.append(Visit(
            id=element.get("id"),
            resident=check.field(element, "resident", path, "string"),
            location=_reference(check, element, "location", path, location_index, "location"),
            duration=check.field(element, "duration", path, "int", minimum=1),
            skill=check.field(element, "skill", path, "string", nullable=True, default=None),
            windows=tuple(sorted(interval for _, interval in windows)),
            key_worker=check.field(element, "key_worker", path, "string", nullable=True, default=None),
        ))
    return visits


def _previous(check: Checker, document: dict, visits: list[Visit]) -> list[PreviousEntry]:
    visit_index = {visit.id: i for i, visit in enumerate(visits) if isinstance(visit.id, str)}
    entries, seen = [], {}
    for path, element in check.objects(document, "previous", "", default=[]):
        visit = _reference(check, element, "visit", path, visit_index, "visit")
        staff = check.field(element, "staff", path, "string")
        start = check.field(element, "start", path, "int", minimum=0)
        if visit >= 0 and visit in seen:
            check.fail(join(path, "visit"),
                       f"visit {json.dumps(visits[visit].id)} is already in {seen[visit]}")
        elif visit >= 0:
            seen[visit] = path
        if visit >= 0 and staff is not INVALID and start is not INVALID:
            entries.append(PreviousEntry(visit, staff, start))
    return entries
