"""Great-circle distance exactly as FORMATS.md defines it (float64, mean Earth radius).

The one implementation for the whole project: the allocator's eligibility and explanations,
the scheduler's travel times and the web application's demo data all call
:func:`distance_km` (or its vectorised twin). :func:`point_near` is the one way the
generators scatter a point around a centre.
"""

from __future__ import annotations

import math
import random

import numpy as np

EARTH_RADIUS_KM = 6371.0088


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance in km between two WGS-84 points given in degrees."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lon2) - math.radians(lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def distances_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """:func:`distance_km` elementwise on arrays (NumPy broadcasting), in the same order of operations.

    NumPy's ``arcsin`` may differ from ``math.asin`` in the last bit: where a decision falls
    exactly at a limit (a maximum distance, a whole kilometre or minute), re-decide it with
    :func:`distance_km`, which is the reference.
    """
    phi1 = np.radians(np.asarray(lat1, dtype=np.float64))
    phi2 = np.radians(np.asarray(lat2, dtype=np.float64))
    dlmb = np.radians(np.asarray(lon2, dtype=np.float64)) - np.radians(np.asarray(lon1, dtype=np.float64))
    h = np.sin((phi2 - phi1) / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(h))


def distance_matrix_km(
    lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray
) -> np.ndarray:
    """Pairwise distances (len(lat1) × len(lat2)) by :func:`distances_km`."""
    return distances_km(np.asarray(lat1)[:, None], np.asarray(lon1)[:, None],
                        np.asarray(lat2)[None, :], np.asarray(lon2)[None, :])


KM_PER_DEGREE = 111.2  # of latitude; good enough for scattering generated points


def point_near(rng: random.Random, lat: float, lon: float, km: float) -> tuple[float, float]:
    """A point uniformly within about ``km`` of (lat, lon), rounded to 5 decimals (about 1 m).

    For generated problems only (a flat-earth step, fine at these distances); the same
    ``rng`` state always gives the same point.
    """
    r, angle = km * math.sqrt(rng.random()), rng.random() * 2 * math.pi
    dlat = r * math.sin(angle) / KM_PER_DEGREE
    dlon = r * math.cos(angle) / (KM_PER_DEGREE * math.cos(math.radians(lat)))
    return round(lat + dlat, 5), round(lon + dlon, 5)
