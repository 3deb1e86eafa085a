"""Places within reach (rule 6): the strip search finds exactly what checking every pair finds."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from allocator.geo import distance_km
from allocator.matching.nearby import expand_ranges, floor_km, places_within

coordinates = st.tuples(st.floats(-90, 90), st.floats(-180, 180))


@settings(max_examples=150, derandomize=True, deadline=None)
@given(st.lists(coordinates, min_size=1, max_size=8), st.lists(coordinates, min_size=1, max_size=12),
       st.lists(st.sampled_from([0.0, 5.0, 50.0, 800.0, 5000.0, 25000.0]), min_size=8, max_size=8))
def test_same_pairs_as_checking_every_pair(wishes, places, limits) -> None:
    wish_lat, wish_lon = (np.array(v, dtype=float) for v in zip(*wishes, strict=True))
    place_lat, place_lon = (np.array(v, dtype=float) for v in zip(*places, strict=True))
    limit = np.array(limits[: len(wishes)])
    reach = places_within(wish_lat, wish_lon, limit, place_lat, place_lon)
    owner, position = expand_ranges(reach.site_starts[reach.site], reach.site_starts[reach.site + 1])
    found = sorted(zip(reach.wish[owner].tolist(), reach.site_places[position].tolist(), strict=True))
    expected = sorted((w, p) for w in range(len(wishes)) for p in range(len(places))
                      if distance_km(wishes[w][0], wishes[w][1], places[p][0], places[p][1]) <= limit[w])
    assert found == expected


def test_a_place_exactly_at_the_limit_is_within_reach() -> None:
    rng = np.random.default_rng(3)
    for _ in range(300):
        lat1, lon1, lat2, lon2 = rng.uniform(59, 70), rng.uniform(19, 31), rng.uniform(59, 70), rng.uniform(19, 31)
        limit = distance_km(lat1, lon1, lat2, lon2)
        reach = places_within(np.array([lat1]), np.array([lon1]), np.array([limit]), np.array([lat2]),
                              np.array([lon2]))
        assert len(reach.wish) == 1
        shorter = np.array([np.nextafter(limit, 0)])
        reach = places_within(np.array([lat1]), np.array([lon1]), shorter, np.array([lat2]), np.array([lon2]))
        assert len(reach.wish) == 0


def test_floor_of_distance_agrees_with_the_scalar_formula() -> None:
    rng = np.random.default_rng(5)
    lat1, lon1 = rng.uniform(59, 70, 2000), rng.uniform(19, 31, 2000)
    lat2, lon2 = rng.uniform(59, 70, 2000), rng.uniform(19, 31, 2000)
    index = np.arange(2000)
    km = floor_km(lat1, lon1, lat2, lon2, index, index)
    assert [math.floor(k) for k in km] == [math.floor(distance_km(*v)) for v in zip(lat1, lon1, lat2, lon2,
                                                                                     strict=True)]


@settings(max_examples=100, derandomize=True)
@given(st.lists(st.tuples(st.integers(0, 6), st.integers(-2, 4)), max_size=8))
def test_expand_ranges(ranges) -> None:
    lo = np.array([a for a, _ in ranges], dtype=np.int64)
    hi = np.array([a + b for a, b in ranges], dtype=np.int64)
    owner, position = expand_ranges(lo, hi)
    expected = [(i, x) for i, (a, b) in enumerate(ranges) for x in range(a, a + b)]
    assert list(zip(owner.tolist(), position.tolist(), strict=True)) == expected
