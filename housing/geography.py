"""Is a point in Finland? Reference data for checking a location wish given as coordinates.

The outline is Natural Earth's 1:110m admin-0 boundary of Finland (public domain,
naturalearthdata.com, as packaged in the world.geo.json project): 36 points, accurate to
some kilometres. It leaves out the Åland and Turku archipelagos and cuts a few capes, so a
point also counts as Finnish when it lies within ``COAST_MARGIN_KM`` of the outline or
within ``MUNICIPALITY_MARGIN_KM`` of a municipality's centre. That keeps the coast, Åland
and the towns near the borders in, and Stockholm, Tallinn, St Petersburg and Vyborg out
(a few outer skerries far from any municipal centre are out too; no one applies there). Pure module:
no Flask, no database.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from allocator.geo import distance_km

# (longitude, latitude), counter-clockwise, first point repeated at the end.
FINLAND_OUTLINE: tuple[tuple[float, float], ...] = (
    (28.59193, 69.064777), (28.445944, 68.364613), (29.977426, 67.698297), (29.054589, 66.944286),
    (30.21765, 65.80598), (29.54443, 64.948672), (30.444685, 64.204453), (30.035872, 63.552814),
    (31.516092, 62.867687), (31.139991, 62.357693), (30.211107, 61.780028), (28.069998, 60.503517),
    (26.255173, 60.423961), (24.496624, 60.057316), (22.869695, 59.846373), (22.290764, 60.391921),
    (21.322244, 60.72017), (21.544866, 61.705329), (21.059211, 62.607393), (21.536029, 63.189735),
    (22.442744, 63.81781), (24.730512, 64.902344), (25.398068, 65.111427), (25.294043, 65.534346),
    (23.903379, 66.006927), (23.56588, 66.396051), (23.539473, 67.936009), (21.978535, 68.616846),
    (20.645593, 69.106247), (21.244936, 69.370443), (22.356238, 68.841741), (23.66205, 68.891247),
    (24.735679, 68.649557), (25.689213, 69.092114), (26.179622, 69.825299), (27.732292, 70.164193),
    (29.015573, 69.766491), (28.59193, 69.064777),
)
COAST_MARGIN_KM = 10.0
MUNICIPALITY_MARGIN_KM = 30.0
# Outside this box nothing is Finnish (a cheap first test, and it catches swapped coordinates).
LAT_RANGE = (59.3, 70.2)
LON_RANGE = (19.0, 31.7)


def in_finland(lat: float, lon: float, municipality_centres: Iterable[tuple[float, float]] = ()) -> bool:
    """True when (lat, lon) in degrees lies in Finland, by the outline and its margins."""
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return False
    if not (LAT_RANGE[0] <= lat <= LAT_RANGE[1] and LON_RANGE[0] <= lon <= LON_RANGE[1]):
        return False
    if _inside_outline(lat, lon) or _km_to_outline(lat, lon) <= COAST_MARGIN_KM:
        return True
    return any(distance_km(lat, lon, c_lat, c_lon) <= MUNICIPALITY_MARGIN_KM for c_lat, c_lon in municipality_centres)


def _inside_outline(lat: float, lon: float) -> bool:
    """Ray casting: a point is inside when a ray from it crosses the outline an odd number of times."""
    inside = False
    for (x1, y1), (x2, y2) in zip(FINLAND_OUTLINE, FINLAND_OUTLINE[1:], strict=False):
        if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def _km_to_outline(lat: float, lon: float) -> float:
    """Distance to the nearest edge, on a local flat projection (fine at tens of kilometres)."""
    scale = math.cos(math.radians(lat))
    px, py = lon * scale, lat
    best = math.inf
    for (x1, y1), (x2, y2) in zip(FINLAND_OUTLINE, FINLAND_OUTLINE[1:], strict=False):
        ax, ay, bx, by = x1 * scale, y1, x2 * scale, y2
        dx, dy = bx - ax, by - ay
        t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
        nearest_lon, nearest_lat = (ax + t * dx) / scale, ay + t * dy
        best = min(best, distance_km(lat, lon, nearest_lat, nearest_lon))
    return best
