"""Who is who: each young person's situation is decided first, their data follows from it.

A story ties a person to a place when they live there, will move in, or were offered it,
so their age, gender, language and household always fit that unit and the application
that got them there is eligible for it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date

from housing.demo.context import Demo
from housing.demo.units import UNIT_SPECS
from housing.models import Application, Place, Tenancy, Unit, User, YoungPerson


class Kind(enum.StrEnum):
    RESIDENT = "resident"  # lives in a place since before the service; no application
    HOUSED = "housed"  # lives in a place offered through an application
    HOUSED_FUTURE = "housed_future"  # accepted an offer; moves in soon
    OFFERED = "offered"  # an offer waits for an answer
    WAITLISTED = "waitlisted"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    DRAFT = "draft"
    FORMER_APPLICANT = "former_applicant"  # an application withdrawn or closed
    FORMER_RESIDENT = "former_resident"  # moved out of a place in the past


@dataclass
class Story:
    kind: Kind
    county_id: str
    place: Place | None = None
    band: int | None = None  # urgency band of the open application
    person: YoungPerson | None = None
    worker: User | None = None
    tenancy: Tenancy | None = None
    applications: list[Application] = field(default_factory=list)
    move_in: date | None = None
    round_day: date | None = None  # the allocation round that offers them their place

    @property
    def unit(self) -> Unit | None:
        return self.place.unit if self.place is not None else None


OCCUPIED_SHARE = 0.65  # of the places in use, lived in today
HOUSED_NOW = {"PI": 14, "HKI": 5}  # current residents who came through an application
HOUSED_SOON = {"PI": 1, "HKI": 0}
OFFERED = {"PI": 6, "HKI": 2}
WAITLISTED_BY_BAND = {"PI": {1: 6, 2: 12, 3: 22}, "HKI": {1: 2, 2: 5, 3: 8}}
OPEN_APPLICATIONS = {"PI": {Kind.SUBMITTED: 7, Kind.RETURNED: 4, Kind.DRAFT: 4},
                     "HKI": {Kind.SUBMITTED: 3, Kind.RETURNED: 1, Kind.DRAFT: 2}}
FORMER_APPLICANTS = {"PI": 6, "HKI": 2}
FORMER_RESIDENTS = {"PI": 4, "HKI": 1}


def plan_stories(demo: Demo) -> list[Story]:
    stories: list[Story] = []
    for county_id in ("PI", "HKI"):
        stories += _stories_of_county(demo, county_id)
    return stories


def _stories_of_county(demo: Demo, county_id: str) -> list[Story]:
    occupied, free = _split_places(demo, county_id)
    housed = set(demo.rng.sample(range(len(occupied)), HOUSED_NOW[county_id]))
    stories = [Story(Kind.HOUSED if n in housed else Kind.RESIDENT, county_id, place)
               for n, place in enumerate(occupied)]
    soon, offered = HOUSED_SOON[county_id], OFFERED[county_id]
    stories += [Story(Kind.HOUSED_FUTURE, county_id, place) for place in free[:soon]]
    stories += [Story(Kind.OFFERED, county_id, place) for place in free[soon:soon + offered]]
    vacant = free[soon + offered:]  # some were left by people who moved out lately
    stories += [Story(Kind.FORMER_RESIDENT, county_id, vacant[n % len(vacant)])
                for n in range(FORMER_RESIDENTS[county_id])]
    for band, count in WAITLISTED_BY_BAND[county_id].items():
        stories += [Story(Kind.WAITLISTED, county_id, band=band) for _ in range(count)]
    for kind, count in OPEN_APPLICATIONS[county_id].items():
        stories += [Story(kind, county_id) for _ in range(count)]
    stories += [Story(Kind.FORMER_APPLICANT, county_id) for _ in range(FORMER_APPLICANTS[county_id])]
    return stories


def _split_places(demo: Demo, county_id: str) -> tuple[list[Place], list[Place]]:
    """Places lived in today, and free places (in use), unit by unit."""
    occupied: list[Place] = []
    free: list[Place] = []
    for spec in UNIT_SPECS:
        if spec.county_id != county_id:
            continue
        in_use = [p for p in demo.places[spec.key] if not p.out_of_use]
        demo.rng.shuffle(in_use)
        taken = round(OCCUPIED_SHARE * len(in_use))
        occupied += in_use[:taken]
        free += in_use[taken:]
    demo.rng.shuffle(free)
    return occupied, free
