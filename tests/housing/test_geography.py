"""A location wish given as coordinates must lie in Finland."""

from __future__ import annotations

import csv

import pytest

from housing.geography import in_finland
from housing.services.reference import MUNICIPALITIES_CSV

with MUNICIPALITIES_CSV.open(encoding="utf-8") as handle:
    CENTRES = [(float(row["lat"]), float(row["lon"])) for row in csv.DictReader(handle)]


@pytest.fixture(autouse=True)
def clean_database():  # no database needed
    yield


def test_every_municipality_centre_is_in_finland():
    assert all(in_finland(lat, lon, CENTRES) for lat, lon in CENTRES)


@pytest.mark.parametrize("place, lat, lon", [
    ("Hanko", 59.82, 22.95), ("Utö", 59.78, 21.37), ("Kilpisjärvi", 69.05, 20.79), ("Nuorgam", 70.08, 27.87),
    ("Maarianhamina", 60.10, 19.94), ("Hervanta", 61.45, 23.851), ("Imatra", 61.17, 28.77),
])
def test_finnish_places_are_in(place, lat, lon):
    assert in_finland(lat, lon, CENTRES), place


@pytest.mark.parametrize("place, lat, lon", [
    ("Stockholm", 59.33, 18.07), ("Tallinn", 59.44, 24.75), ("St Petersburg", 59.94, 30.31),
    ("Vyborg", 60.71, 28.75), ("Murmansk", 68.97, 33.07), ("Tromsø", 69.65, 18.96),
    ("swapped coordinates of Tampere", 23.76, 61.50), ("nowhere", 0.0, 0.0), ("not a number", float("nan"), 25.0),
])
def test_places_abroad_are_out(place, lat, lon):
    assert not in_finland(lat, lon, CENTRES), place
