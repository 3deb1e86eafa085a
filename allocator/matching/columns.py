"""The problem as NumPy columns, so that rules and fits are computed for all pairs at once.

Sets of strings (needs, services, languages) become bit sets over a vocabulary: the number
of shared needs of a pair is then a popcount of an AND.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from allocator.matching.problem import Problem

NO_LIMIT = np.int64(2**62)  # stands for a null upper limit (max_age, support_hours)
NULL_CODE = -1  # a null gender or language restriction of a unit
NULL_APPLICANT_CODE = -2  # an applicant's null gender: never equal to a unit's restriction


@dataclass(frozen=True)
class Columns:
    # applicants, in priority order
    band: np.ndarray
    age: np.ndarray
    gender: np.ndarray  # code, NULL_APPLICANT_CODE for null
    language: np.ndarray  # column of unit_speaks; -1 for null
    household: np.ndarray
    needs_accessible: np.ndarray
    support_level: np.ndarray
    support_hours: np.ndarray
    needs: np.ndarray  # (applicants, words) uint64 bit sets
    max_distance_km: np.ndarray
    wish_owner: np.ndarray  # one row per wished location
    wish_rank: np.ndarray
    wish_lat: np.ndarray
    wish_lon: np.ndarray
    # places, by id
    place_unit: np.ndarray
    place_lat: np.ndarray
    place_lon: np.ndarray
    max_household: np.ndarray
    accessible: np.ndarray
    # units, by id
    unit_support_level: np.ndarray
    unit_support_hours: np.ndarray  # NO_LIMIT for null
    unit_min_age: np.ndarray  # -1 for null
    unit_max_age: np.ndarray  # NO_LIMIT for null
    unit_gender: np.ndarray  # code, NULL_CODE for null
    unit_speaks: np.ndarray  # (units, languages + 1) bool; the last column: a language no unit lists
    unit_any_language: np.ndarray  # languages null
    services: np.ndarray  # (units, words) uint64 bit sets
    barred: np.ndarray  # sorted applicant * units + unit keys excluded by rule 8


def _bitsets(sets: list[frozenset[str]], vocabulary: dict[str, int]) -> np.ndarray:
    words = max(1, (len(vocabulary) + 63) // 64)
    bits = np.zeros((len(sets), words), dtype=np.uint64)
    for row, members in enumerate(sets):
        for member in members:
            index = vocabulary.get(member)
            if index is not None:
                bits[row, index // 64] |= np.uint64(1) << np.uint64(index % 64)
    return bits


def _codes(values: list[str | None], vocabulary: dict[str, int], null: int) -> np.ndarray:
    return np.array([null if v is None else vocabulary.get(v, len(vocabulary)) for v in values], dtype=np.int64)


def _nullable(values: list[int | None], null) -> np.ndarray:
    return np.array([null if v is None else v for v in values], dtype=np.int64)


def build_columns(problem: Problem) -> Columns:
    applicants, units, places = problem.applicants, problem.units, problem.places
    shared = sorted({s for u in units for s in u.services} & {n for a in applicants for n in a.needs})
    topics = {name: i for i, name in enumerate(shared)}
    genders = {g: i for i, g in enumerate(sorted({u.gender for u in units if u.gender is not None}))}
    languages = {g: i for i, g in enumerate(sorted({lang for u in units for lang in (u.languages or ())}))}
    speaks = np.zeros((len(units), len(languages) + 1), dtype=bool)
    for row, unit in enumerate(units):
        for lang in unit.languages or ():
            speaks[row, languages[lang]] = True
    wishes = [(i, k, w.lat, w.lon) for i, a in enumerate(applicants) for k, w in enumerate(a.locations)]
    wish = np.array(wishes, dtype=np.float64).reshape(-1, 4)
    barred = [i * len(units) + u for i, u in problem.resident_conflicts()]
    return Columns(
        band=np.array([a.band for a in applicants], dtype=np.int64),
        age=np.array([a.age for a in applicants], dtype=np.int64),
        gender=np.array([genders.get(a.gender, len(genders)) if a.gender is not None else NULL_APPLICANT_CODE
                         for a in applicants], dtype=np.int64),
        language=np.array([-1 if a.language is None else languages.get(a.language, len(languages))
                           for a in applicants], dtype=np.int64),
        household=np.array([a.household for a in applicants], dtype=np.int64),
        needs_accessible=np.array([a.needs_accessible for a in applicants], dtype=bool),
        support_level=np.array([a.support_level for a in applicants], dtype=np.int64),
        support_hours=np.array([a.support_hours for a in applicants], dtype=np.int64),
        needs=_bitsets([a.needs for a in applicants], topics),
        max_distance_km=np.array([a.max_distance_km for a in applicants], dtype=np.float64),
        wish_owner=wish[:, 0].astype(np.int64),
        wish_rank=wish[:, 1].astype(np.int64),
        wish_lat=wish[:, 2].copy(),
        wish_lon=wish[:, 3].copy(),
        place_unit=np.array(problem.place_unit_indices(), dtype=np.int64),
        place_lat=np.array([p.lat for p in places], dtype=np.float64),
        place_lon=np.array([p.lon for p in places], dtype=np.float64),
        max_household=np.array([p.max_household for p in places], dtype=np.int64),
        accessible=np.array([p.accessible for p in places], dtype=bool),
        unit_support_level=np.array([u.support_level for u in units], dtype=np.int64),
        unit_support_hours=_nullable([u.support_hours for u in units], NO_LIMIT),
        unit_min_age=_nullable([u.min_age for u in units], -1),
        unit_max_age=_nullable([u.max_age for u in units], NO_LIMIT),
        unit_gender=_codes([u.gender for u in units], genders, NULL_CODE),
        unit_speaks=speaks,
        unit_any_language=np.array([u.languages is None for u in units], dtype=bool),
        services=_bitsets([u.services for u in units], topics),
        barred=np.array(sorted(barred), dtype=np.int64),
    )
