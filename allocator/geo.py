"""Great-circle distance exactly as FORMATS.md defines it (float64, mean Earth radius)."""

from __future__ import annotations

import math

import numpy as np

EARTH_RADIUS_KM = 6371.0088


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance in km between two WGS-84 points given in degrees."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lon2) - math.radians(lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def distance_matrix_km(
    lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray
) -> np.ndarray:
    """Pairwise distances (len(lat1) × len(lat2)) by the same formula, vectorised.

    The operations are those of :func:`distance_km` in the same order, but NumPy's
    ``arcsin`` may differ from ``math.asin`` in the last bit: where a decision falls exactly
    at a limit (a maximum distance, a whole minute), re-decide it with :func:`distance_km`,
    which is the reference.
    """
    phi1 = np.radians(np.asarray(lat1, dtype=np.float64))[:, None]
    phi2 = np.radians(np.asarray(lat2, dtype=np.float64))[None, :]
    lmb1 = np.radians(np.asarray(lon1, dtype=np.float64))[:, None]
    lmb2 = np.radians(np.asarray(lon2, dtype=np.float64))[None, :]
    h = np.sin((phi2 - phi1) / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin((lmb2 - lmb1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(h))
