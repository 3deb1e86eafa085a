"""Travel minutes between locations, exactly as ``support-schedule/1`` defines them.

``minutes = ceil(km * road_factor / speed_kmh * 60)`` with ``km`` the great-circle distance
of :mod:`allocator.geo`. The whole matrix is computed with NumPy; NumPy's ``arcsin`` may
differ from ``math.asin`` in the last bit, which matters only where the minutes land on a
whole number, so those few entries are decided again with the scalar reference formula.
"""

from __future__ import annotations

import math

import numpy as np

from allocator.geo import distance_km, distance_matrix_km

# Relative distance from a whole minute within which a last-bit difference could change the ceiling.
_NEAR_WHOLE = 1e-9


def geo_minutes(km: float, road_factor: float, speed_kmh: float) -> int:
    """``ceil(km * f / v * 60)``, evaluated left to right in float64 as the format writes it."""
    return math.ceil(km * road_factor / speed_kmh * 60)


def geo_matrix(points: list[tuple[float, float]], road_factor: float, speed_kmh: float) -> list[list[int]]:
    """Minutes between every pair of ``(lat, lon)`` points; 0 from a location to itself.

    The formula is symmetric in its two points, so the upper triangle (row < column, the order
    the reference evaluates) serves both directions.
    """
    if not points:
        return []
    lat = np.array([p[0] for p in points], dtype=np.float64)
    lon = np.array([p[1] for p in points], dtype=np.float64)
    exact = distance_matrix_km(lat, lon, lat, lon) * road_factor / speed_kmh * 60
    minutes = np.ceil(exact)
    near = np.abs(exact - np.rint(exact)) <= _NEAR_WHOLE * np.maximum(1.0, exact)
    for i, j in zip(*np.nonzero(np.triu(near, 1)), strict=True):
        minutes[i, j] = geo_minutes(distance_km(lat[i], lon[i], lat[j], lon[j]), road_factor, speed_kmh)
    upper = np.triu(minutes, 1).astype(np.int64)
    return (upper + upper.T).tolist()
