"""Which places lie within reach of which wished locations (eligibility rule 6), vectorised.

Computing every wish × place distance of a 5,000 × 2,000 round would take 50 million
haversines. Instead:

* places sharing coordinates (the flats of one building) are one *site*;
* sites are bucketed into longitude strips and sorted by latitude inside each strip, and
  each wish looks only at the strips and the latitude range its circle can reach (two safe
  lower bounds of the haversine distance, below);
* only those candidates get the haversine term ``h``, compared with the wish's limit in
  ``h`` space (``d <= L`` exactly when ``h <= sin²(L / 2R)``), block by block of wishes so
  that temporaries stay small.

Exactness: NumPy's ``arcsin`` (and ``x**2``) can differ from ``math`` in the last bit, so a
value computed here may differ by a few ulps from :func:`allocator.geo.distance_km`. The
decisions taken on a distance (``d <= max_distance_km`` and ``floor(d)``) are therefore
re-taken with ``distance_km`` for the few values within a hair (relative 1e-8, far above any
rounding error) of the threshold or of a whole number, so that both always agree.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from allocator.geo import EARTH_RADIUS_KM, distance_km, distances_km

_LAT_SPAN = 256.0  # latitude + 90 lies in [0, 180]; strips are keyed strip * 256 + latitude + 90
_DEGREE_MARGIN = 1e-7  # about a centimetre: covers float rounding in the bounds and keys
_NEAR = 1e-8  # relative closeness within which the scalar reference formula decides
_BLOCK_CANDIDATES = 1 << 18  # candidates per block: keeps temporaries in cache


@dataclass(frozen=True)
class Reach:
    """All (wish, site) pairs with distance <= the wish's limit, ordered by wish.

    A site is a distinct place coordinate; ``site_places[site_starts[s]:site_starts[s + 1]]``
    are the places at site ``s``, in id order.
    """

    wish: np.ndarray  # int64 index into the wish arrays
    site: np.ndarray  # int64
    site_places: np.ndarray
    site_starts: np.ndarray


def expand_ranges(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For ranges ``[lo[i], hi[i])`` return (owner i, position) of every element, vectorised.

    Built with two running sums instead of ``np.repeat`` (several times faster for millions).
    """
    rows = np.flatnonzero(hi > lo)
    if len(rows) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    lo, hi = lo[rows].astype(np.int64), hi[rows].astype(np.int64)
    counts = hi - lo
    starts = np.cumsum(counts) - counts
    step = np.ones(int(starts[-1] + counts[-1]), dtype=np.int64)
    step[0] = lo[0]
    step[starts[1:]] = lo[1:] - hi[:-1] + 1  # from the previous range's last element to this one's first
    mark = np.zeros(len(step), dtype=np.int64)
    mark[0] = rows[0]
    mark[starts[1:]] = np.diff(rows)
    return np.cumsum(mark, out=mark), np.cumsum(step, out=step)


def _near(value: np.ndarray, target: np.ndarray | float) -> np.ndarray:
    return np.abs(value - target) <= _NEAR * np.maximum(np.abs(target), 1e-12)


def floor_km(wish_lat, wish_lon, place_lat, place_lon, wish: np.ndarray, place: np.ndarray) -> np.ndarray:
    """Distances of the (wish, place) index pairs, each with the same ``floor`` as ``distance_km``."""
    km = distances_km(wish_lat[wish], wish_lon[wish], place_lat[place], place_lon[place])
    for i in np.flatnonzero(_near(km, np.round(km)) | (km < 1e-6)):
        w, p = wish[i], place[i]
        km[i] = distance_km(float(wish_lat[w]), float(wish_lon[w]), float(place_lat[p]), float(place_lon[p]))
    return km


def _lon_reach_degrees(lat: np.ndarray, limit_km: np.ndarray, lat_reach: np.ndarray) -> np.ndarray:
    """Largest |Δλ| (degrees) a place within ``limit_km`` can have; 180 when unbounded.

    h >= cos φ1 · cos φ2 · sin²(Δλ/2) and cos φ2 >= cos(min(90°, |φ1| + lat_reach)).
    """
    far_lat = np.radians(np.minimum(90.0, np.abs(lat) + lat_reach))
    weight = np.cos(np.radians(lat)) * np.cos(far_lat)
    half_angle = np.minimum(limit_km / (2 * EARTH_RADIUS_KM), math.pi / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        q = np.sin(half_angle) / np.sqrt(weight)
    reach = np.degrees(2 * np.arcsin(np.minimum(q, 1.0)))
    reach = reach * (1 + 1e-9) + _DEGREE_MARGIN
    return np.where((weight > 0) & (q < 1.0), reach, 180.0)


@dataclass(frozen=True)
class _Sites:
    """Distinct place coordinates, bucketed by longitude strip and sorted by latitude."""

    lat: np.ndarray
    lon: np.ndarray
    places: np.ndarray  # place indices grouped by site
    starts: np.ndarray  # site s has places[starts[s]:starts[s + 1]]
    key: np.ndarray  # sorted strip * 256 + latitude + 90
    order: np.ndarray  # site of each key
    width: float  # strip width in degrees

    @classmethod
    def build(cls, place_lat: np.ndarray, place_lon: np.ndarray, width: float) -> _Sites:
        coordinates = np.stack([place_lat, place_lon], axis=1)
        unique, site_of_place = np.unique(coordinates, axis=0, return_inverse=True)
        site_of_place = site_of_place.reshape(-1)
        places = np.argsort(site_of_place, kind="stable")
        starts = np.searchsorted(site_of_place[places], np.arange(len(unique) + 1))
        lat, lon = unique[:, 0].copy(), unique[:, 1].copy()
        key = np.floor((lon + 180.0) / width) * _LAT_SPAN + (lat + 90.0)
        order = np.argsort(key, kind="stable")
        return cls(lat, lon, places, starts, key[order], order, width)

    def ranges(self, wish_lat, wish_lon, lat_reach, lon_reach, wishes):
        """Per (wish, strip) row: the wish and the ``[lo, hi)`` range of sorted keys in its box."""
        first_strip = np.floor((wish_lon[wishes] - lon_reach[wishes] + 180.0) / self.width).astype(np.int64)
        last_strip = np.floor((wish_lon[wishes] + lon_reach[wishes] + 180.0) / self.width).astype(np.int64)
        owner, strip = expand_ranges(first_strip, last_strip + 1)
        wish = wishes[owner]
        # Clipped to [0, 180] so that a range never spills into the neighbouring strip's keys.
        low = strip * _LAT_SPAN + np.maximum(wish_lat[wish] - lat_reach[wish] + 90.0, 0.0)
        high = strip * _LAT_SPAN + np.minimum(wish_lat[wish] + lat_reach[wish] + 90.0, 180.0)
        return wish, np.searchsorted(self.key, low, side="left"), np.searchsorted(self.key, high, side="right")


def _blocks(counts: np.ndarray):
    """Split rows into consecutive slices of about _BLOCK_CANDIDATES candidates each."""
    ends = np.cumsum(counts)
    cuts = np.searchsorted(ends, np.arange(_BLOCK_CANDIDATES, int(ends[-1]) if len(ends) else 0,
                                           _BLOCK_CANDIDATES), side="right")
    bounds = [0, *np.unique(cuts).tolist(), len(counts)]
    for start, stop in zip(bounds[:-1], bounds[1:], strict=True):
        if stop > start:
            yield slice(start, stop)


def places_within(wish_lat, wish_lon, limit_km, place_lat, place_lon) -> Reach:
    """Every (wish, site) with distance <= ``limit_km[wish]``, ordered by wish."""
    empty = np.zeros(0, dtype=np.int64)
    if len(wish_lat) == 0 or len(place_lat) == 0:
        return Reach(empty, empty, np.arange(len(place_lat)), np.arange(len(place_lat) + 1))
    # d >= R·|Δφ| always, so latitude can differ by at most limit / R.
    lat_reach = np.degrees(limit_km / EARTH_RADIUS_KM) * (1 + 1e-9) + _DEGREE_MARGIN
    lon_reach = _lon_reach_degrees(wish_lat, limit_km, lat_reach)
    # Circles over a pole or across the antimeridian: every site is a candidate.
    wide = (lon_reach >= 90.0) | (wish_lon - lon_reach < -180.0) | (wish_lon + lon_reach > 180.0)
    width = float(np.clip(np.median(lon_reach[~wide]), 0.01, 30.0)) if not wide.all() else 30.0
    sites = _Sites.build(place_lat, place_lon, width)
    wish, lo, hi = sites.ranges(wish_lat, wish_lon, lat_reach, lon_reach, np.flatnonzero(~wide))
    everything = np.flatnonzero(wide)  # rows covering all keys
    wish = np.concatenate([wish, everything])
    lo = np.concatenate([lo, np.zeros(len(everything), np.int64)])
    hi = np.concatenate([hi, np.full(len(everything), len(sites.key))])
    if len(everything):  # keep the promised order by wish
        order = np.argsort(wish, kind="stable")
        wish, lo, hi = wish[order], lo[order], hi[order]
    limit_h = np.sin(np.minimum(limit_km / (2 * EARTH_RADIUS_KM), math.pi / 2)) ** 2
    geo = _Geometry(np.radians(wish_lat), np.radians(wish_lon), np.radians(sites.lat), np.radians(sites.lon))
    degrees = (wish_lat, wish_lon, sites.lat, sites.lon, limit_km)
    found_wish, found_site = [empty], [empty]
    for rows in _blocks(hi - lo):
        owner, position = expand_ranges(lo[rows], hi[rows])
        block_wish, block_site = wish[rows][owner], sites.order[position]
        inside = _inside(geo, block_wish, block_site, limit_h, degrees)
        found_wish.append(block_wish[inside])
        found_site.append(block_site[inside])
    return Reach(np.concatenate(found_wish), np.concatenate(found_site), sites.places, sites.starts)


@dataclass(frozen=True)
class _Geometry:
    wish_phi: np.ndarray
    wish_lmb: np.ndarray
    site_phi: np.ndarray
    site_lmb: np.ndarray

    def __post_init__(self) -> None:
        object.__setattr__(self, "wish_cos", np.cos(self.wish_phi))
        object.__setattr__(self, "site_cos", np.cos(self.site_phi))


def _inside(geo: _Geometry, wish, site, limit_h, degrees) -> np.ndarray:
    """``haversine(wish, site) <= limit``, with the scalar formula deciding near-ties."""
    dphi = geo.site_phi[site] - geo.wish_phi[wish]
    dlmb = geo.site_lmb[site] - geo.wish_lmb[wish]
    a = np.sin(dphi / 2)
    b = np.sin(dlmb / 2)
    h = a * a + geo.wish_cos[wish] * geo.site_cos[site] * (b * b)
    bound = limit_h[wish]
    inside = h <= bound
    wish_lat, wish_lon, site_lat, site_lon, limit_km = degrees
    for i in np.flatnonzero(_near(h, bound)):
        w, s = wish[i], site[i]
        inside[i] = distance_km(float(wish_lat[w]), float(wish_lon[w]), float(site_lat[s]),
                                float(site_lon[s])) <= limit_km[w]
    return inside
