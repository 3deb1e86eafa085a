"""What one seeding run shares: its random source, "today", and what it has built so far."""

from __future__ import annotations

import math
import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from allocator.geo import distance_km
from housing import localtime, rules
from housing.extensions import db
from housing.localtime import LOCAL_TIME
from housing.models import Municipality, Place, Unit, User, utcnow

SEED = 2026  # one fixed seed: every run builds the same county (relative to today)

# Town centres of the municipalities the demo uses. The reference centroids are geographic
# (Tampere's lies in rural Teisko), so homes and units sit at the centres where people live.
TOWN_CENTRES = {
    "837": (61.4978, 23.7610),  # Tampere
    "536": (61.4790, 23.5090),  # Nokia
    "980": (61.5560, 23.5960),  # Ylöjärvi
    "211": (61.4640, 24.0650),  # Kangasala
    "418": (61.3140, 23.7520),  # Lempäälä
    "604": (61.4650, 23.6470),  # Pirkkala
    "908": (61.2640, 24.0310),  # Valkeakoski
    "790": (61.3400, 22.9100),  # Sastamala
    "020": (61.1670, 23.8680),  # Akaa
    "562": (61.6770, 24.3570),  # Orivesi
    "108": (61.6380, 23.1960),  # Hämeenkyrö
    "091": (60.1699, 24.9384),  # Helsinki
}
# Where the young people of each county live (municipality code, weight).
HOME_MUNICIPALITIES = {
    "PI": (("837", 50), ("536", 8), ("980", 7), ("211", 7), ("418", 6), ("604", 5), ("908", 6), ("790", 5),
           ("020", 3), ("562", 2), ("108", 1)),
    "HKI": (("091", 1),),
}
# Districts the young people name in their location wishes.
DISTRICTS = {
    "837": (("Hervanta", 61.4500, 23.8510), ("Kaleva", 61.4990, 23.8060), ("Tesoma", 61.5020, 23.6330),
            ("Tammela", 61.5010, 23.7780), ("Lielahti", 61.5160, 23.6800), ("keskusta", 61.4978, 23.7610)),
    "091": (("Kallio", 60.1841, 24.9497), ("Itäkeskus", 60.2100, 25.0800), ("Malmi", 60.2510, 25.0100),
            ("Vuosaari", 60.2090, 25.1440), ("Kannelmäki", 60.2390, 24.8790), ("Töölö", 60.1800, 24.9200)),
}


@dataclass
class Demo:
    rng: random.Random
    today: date
    now: datetime
    municipalities: dict[str, Municipality]
    units: dict[str, Unit] = field(default_factory=dict)  # by unit key
    unit_keys: dict[Unit, str] = field(default_factory=dict)
    places: dict[str, list[Place]] = field(default_factory=dict)  # by unit key
    accounts: list[User] = field(default_factory=list)
    coordinators: dict[str, User] = field(default_factory=dict)  # by county
    social_workers: dict[str, list[User]] = field(default_factory=dict)  # by county, the demo worker first
    managers: dict[str, User] = field(default_factory=dict)  # by unit key
    unit_staff: dict[str, list[User]] = field(default_factory=dict)  # by unit key
    # Users compare equal by id (Flask-Login), so planning facts are keyed by email.
    shifts: dict[str, tuple[int, int]] = field(default_factory=dict)  # minutes of the day, Monday–Friday
    absences: dict[str, set[date]] = field(default_factory=dict)
    used_names: set[tuple[str, str]] = field(default_factory=set)
    password_hash: str = ""  # of the shared demo password, hashed once

    @classmethod
    def start(cls, today: date | None = None) -> Demo:
        municipalities = {m.code: m for m in db.session.scalars(select(Municipality))}
        return cls(rng=random.Random(SEED), today=today or localtime.today(), now=utcnow(),
                   municipalities=municipalities)

    def days_ago(self, days: int) -> date:
        return self.today - timedelta(days=days)

    def moment(self, day: date, minute_of_day: int | None = None) -> datetime:
        """A timezone-aware moment on ``day``: the given local time, or some time in office hours."""
        if minute_of_day is None:
            minute_of_day = self.rng.randrange(8 * 60, 16 * 60, 5)
        local = datetime.combine(day, time(minute_of_day // 60, minute_of_day % 60), tzinfo=LOCAL_TIME)
        return min(local, self.now - timedelta(minutes=1)) if day <= self.today else local

    def near(self, lat: float, lon: float, km: float) -> tuple[float, float]:
        """A point within about ``km`` of the given one (rounded like a geocoded address)."""
        dlat = self.rng.uniform(-km, km) / 111.0
        dlon = self.rng.uniform(-km, km) / (111.0 * math.cos(math.radians(lat)))
        return round(lat + dlat, 5), round(lon + dlon, 5)

    def town_centre(self, municipality_code: str) -> tuple[float, float]:
        municipality = self.municipalities[municipality_code]
        return TOWN_CENTRES.get(municipality_code, (municipality.lat, municipality.lon))

    def key_of(self, unit: Unit) -> str:
        return self.unit_keys[unit]

    def new_name(self, first_names: tuple[str, ...], last_names: tuple[str, ...]) -> tuple[str, str]:
        """A first and last name no one else in the demo has."""
        while True:
            name = (self.rng.choice(first_names), self.rng.choice(last_names))
            if name not in self.used_names:
                self.used_names.add(name)
                return name


km_between = distance_km  # the one great-circle distance of FORMATS.md, from the allocator


def birth_date_for_age(rng: random.Random, today: date, age: int) -> date:
    """A random birth date of someone who is ``age`` years old today."""
    latest = rules.birthday(today, -age)  # turned ``age`` today
    born = latest - timedelta(days=rng.randrange(0, 360))
    assert rules.age_on(born, today) == age
    return born


def ascii_name(name: str) -> str:
    """ä → a, ö → o, å → a, é → e: the usual way Finnish names become email addresses."""
    decomposed = unicodedata.normalize("NFKD", name.lower())
    return "".join(c for c in decomposed if c.isascii() and c.isalnum())


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())
