"""Loading reference data (counties and municipalities) from the CSV carried in the project."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from allocator.data import MUNICIPALITIES_CSV, load_municipalities
from housing.extensions import db
from housing.models import County, CountyKind, Municipality

COUNTY_KINDS = {"HKI": CountyKind.CITY, "AX": CountyKind.AUTONOMOUS}


@dataclass(frozen=True)
class LoadResult:
    counties: int
    municipalities: int
    changed: int


def load_reference_data(path: Path = MUNICIPALITIES_CSV) -> LoadResult:
    """Insert or update every county and municipality; running it again changes nothing."""
    # One reader of the table serves the solvers and the app (see allocator/data/README.md).
    rows = load_municipalities(path)
    counties = {c.id: c for c in db.session.scalars(select(County))}
    municipalities = {m.code: m for m in db.session.scalars(select(Municipality))}
    changed = 0
    for row in rows:
        county = counties.get(row.county_id)
        if county is None:
            county = County(id=row.county_id)
            db.session.add(county)
            counties[county.id] = county
        changed += _assign(county, name_fi=row.county_fi, name_sv=row.county_sv,
                           kind=COUNTY_KINDS.get(row.county_id, CountyKind.WELLBEING_COUNTY))
        municipality = municipalities.get(row.code)
        if municipality is None:
            municipality = Municipality(code=row.code)
            db.session.add(municipality)
        changed += _assign(municipality, name_fi=row.name_fi, name_sv=row.name_sv,
                           population=row.population, county_id=row.county_id,
                           lat=row.lat, lon=row.lon)
    db.session.flush()
    return LoadResult(len(counties), len(rows), changed)


def _assign(obj, **values) -> int:
    differs = any(getattr(obj, key) != value for key, value in values.items())
    for key, value in values.items():
        setattr(obj, key, value)
    return int(differs)
