"""Travel minutes between locations, exactly as ``support-schedule/1`` defines them."""

from __future__ import annotations

import math

from allocator.geo import distance_km


def geo_minutes(km: float, road_factor: float, speed_kmh: float) -> int:
    """``ceil(km * f / v * 60)``, evaluated left to right in float64 as the format writes it."""
    return math.ceil(km * road_factor / speed_kmh * 60)


def geo_matrix(points: list[tuple[float, float]], road_factor: float, speed_kmh: float) -> list[list[int]]:
    """Minutes between every pair of ``(lat, lon)`` points; 0 from a location to itself."""
    size = len(points)
    minutes = [[0] * size for _ in range(size)]
    for i, (lat1, lon1) in enumerate(points):
        for j in range(i + 1, size):
            lat2, lon2 = points[j]
            # The formula is symmetric in its two points, so one evaluation serves both ways.
            minutes[i][j] = minutes[j][i] = geo_minutes(distance_km(lat1, lon1, lat2, lon2), road_factor,
                                                        speed_kmh)
    return minutes
