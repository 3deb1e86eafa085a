"""The demo's housing units and their places: every unit type and support level 1–4.

Each county's coordinator adds them through ``services.units``, as on the unit pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from housing.demo.context import Demo
from housing.demo.texts import OUT_OF_USE_REASONS
from housing.models import UnitType
from housing.services import units as unit_service


@dataclass(frozen=True)
class PlaceSpec:
    label: str
    bedrooms: int = 1
    max_household: int = 1
    accessible: bool = False
    out_of_use_reason: str | None = None


def rooms(count: int, accessible: tuple[int, ...] = (), out_of_use: dict[int, str] | None = None,
          prefix: str = "Huone") -> tuple[PlaceSpec, ...]:
    out_of_use = out_of_use or {}
    return tuple(PlaceSpec(f"{prefix} {n}", accessible=n in accessible, out_of_use_reason=out_of_use.get(n))
                 for n in range(1, count + 1))


def flats(labels: str, bedrooms: int = 1, max_household: int = 1, accessible: tuple[str, ...] = (),
          out_of_use: dict[str, str] | None = None) -> tuple[PlaceSpec, ...]:
    out_of_use = out_of_use or {}
    return tuple(PlaceSpec(label, bedrooms, max_household, label in accessible, out_of_use.get(label))
                 for label in labels.split(","))


FAMILY_FLAT = {"bedrooms": 2, "max_household": 3}
PARENT_AND_CHILD_FLAT = {"bedrooms": 1, "max_household": 2}


@dataclass(frozen=True)
class UnitSpec:
    key: str
    name: str
    operator: str
    unit_type: UnitType
    municipality_code: str
    address: str
    postal_code: str
    location: tuple[float, float]
    support_level: int
    services: tuple[str, ...]
    staff_support_hours: int
    ages: tuple[int, int]
    languages: tuple[str, ...]
    places: tuple[PlaceSpec, ...]
    manager_group: str  # units sharing a manager
    staff_skills: tuple[tuple[str, ...], ...]  # one entry per unit_staff member: their skills
    gender: str | None = None
    phone: str = ""
    description: str = ""

    @property
    def county_id(self) -> str:
        return "HKI" if self.municipality_code == "091" else "PI"


PIRKANMAA = "Pirkanmaan hyvinvointialue"
HELSINKI = "Helsingin kaupunki"
UNIT_SPECS: tuple[UnitSpec, ...] = (
    UnitSpec("kotiranta", "Nuorten asumispalvelu Kotiranta", PIRKANMAA, UnitType.SUPPORTED_HOUSING_UNIT, "837",
             "Kotirannantie 4", "33900", (61.4812, 23.7745), 3, ("mental_health", "daily_living", "education"),
             56, (18, 22), ("fi",), rooms(8, accessible=(1,), out_of_use={8: OUT_OF_USE_REASONS[0]}), "demo",
             (("mental_health",), ("nurse",), ()), phone="03 5650 1201",
             description="Yhteisöllinen asumisyksikkö; ohjaajat paikalla arkisin 8–20."),
    UnitSpec("tammela", "Tammelan tukiasunnot", PIRKANMAA, UnitType.SCATTERED_FLATS, "837",
             "Kuusikonkatu 12", "33500", (61.5012, 23.7808), 1, ("daily_living", "finances", "employment"),
             18, (18, 24), ("fi", "sv"), flats("A 1,A 2,A 3,B 4,B 5,B 6,B 7"), "demo",
             (("swedish",), ()), phone="03 5650 1202",
             description="Hajautettuja yksiöitä tavallisissa kerrostaloissa; ohjaaja käy sovitusti."),
    UnitSpec("pesa", "Nuorten perheiden asumisyksikkö Pesä", "Nuorten Perheiden Tuki ry", UnitType.FAMILY_UNIT,
             "837", "Pesäpuunkatu 3", "33540", (61.4975, 23.8120), 3, ("parenting", "daily_living", "mental_health"),
             40, (17, 24), ("fi",),
             flats("A 1,A 2,A 3", **FAMILY_FLAT) + flats("B 4,B 5", **PARENT_AND_CHILD_FLAT), "tre-east",
             (("family_work",), ("family_work", "nurse"), ()), phone="03 5650 1203",
             description="Nuorille vanhemmille ja lapsiperheille; perhetyöntekijä paikalla arkisin."),
    UnitSpec("hervanta", "Hervannan harjoitteluasunnot", "Setlementti Koivula ry", UnitType.TRAINING_FLATS, "837",
             "Opiskelijankuja 5", "33720", (61.4502, 23.8495), 2, ("education", "employment", "daily_living"),
             30, (17, 22), ("fi",), flats("C 11,C 12,C 13,C 14,C 15,C 16", accessible=("C 11",)), "tre-east",
             ((), ("mental_health",), ()), phone="03 5650 1204",
             description="Harjoitteluasuntoja opiskelijoille; tukea opintoihin ja arkeen."),
    UnitSpec("valo", "Nuorten ympärivuorokautinen yksikkö Valo", PIRKANMAA, UnitType.ROUND_THE_CLOCK, "536",
             "Valontie 2", "37100", (61.4772, 23.5121), 4, ("mental_health", "substance_use", "neuropsychiatric"),
             72, (17, 21), ("fi",), rooms(6, accessible=(2,)), "valo",
             (("nurse",), ("mental_health",), ("substance_use",), ("nurse", "mental_health")), phone="03 5650 1205",
             description="Henkilökunta paikalla ympäri vuorokauden."),
    UnitSpec("ylojarvi", "Ylöjärven nuorten asunnot Honka", "Ylöjärven Nuorisoasuntosäätiö sr",
             UnitType.TRAINING_FLATS, "980", "Hongistonkatu 8", "33470", (61.5552, 23.5948), 2,
             ("employment", "daily_living"), 20, (18, 24), ("fi",), flats("A 1,A 2,A 3,A 4"), "ylo-kangas",
             ((), ()), phone="03 5650 1206"),
    UnitSpec("kangasala", "Kangasalan tukiasunnot Kuohu", "Nuorten Polku ry", UnitType.SCATTERED_FLATS, "211",
             "Kuohunkatu 6", "36200", (61.4648, 24.0672), 1, ("finances", "daily_living"), 12, (18, 23), ("fi",),
             flats("1,2,3,4", accessible=("1",)), "ylo-kangas", ((), ("substance_use",)), phone="03 5650 1207"),
    UnitSpec("lyhty", "Nuorten naisten asumisyksikkö Lyhty", "Naisten Tuki Lyhty ry",
             UnitType.SUPPORTED_HOUSING_UNIT, "418", "Lyhtykuja 1", "37500", (61.3155, 23.7490), 3,
             ("mental_health", "substance_use", "daily_living"), 40, (18, 24), ("fi",), rooms(5), "south",
             (("substance_use",), ("mental_health",), ()), gender="f", phone="03 5650 1208",
             description="Vain naisille; turvallinen yhteisö päihde- ja mielenterveystuella."),
    UnitSpec("majakka", "Asumisvalmennus Majakka", "Nuorten Polku ry", UnitType.SUPPORTED_HOUSING_UNIT, "604",
             "Majakkatie 10", "33960", (61.4661, 23.6455), 2, ("employment", "education", "daily_living"),
             25, (17, 22), ("fi", "sv"), rooms(5), "majakka", (("swedish",), (), ("mental_health",)),
             phone="03 5650 1209", description="Asumisvalmennusta; palvelua myös ruotsiksi."),
    UnitSpec("valkeakoski", "Valkeakosken nuorten tukiasunnot Virta", PIRKANMAA, UnitType.SCATTERED_FLATS, "908",
             "Virrantie 14", "37600", (61.2655, 24.0298), 1, ("finances", "employment"), 12, (18, 24), ("fi",),
             flats("A 1,A 2,B 3,B 4"), "south", ((), ()), phone="03 5650 1210"),
    UnitSpec("sastamala", "Sastamalan asumisvalmennus Harju", "Setlementti Koivula ry",
             UnitType.SUPPORTED_HOUSING_UNIT, "790", "Harjukatu 3", "38200", (61.3386, 22.9128), 2,
             ("daily_living", "employment", "substance_use"), 20, (17, 23), ("fi",), rooms(4), "sastamala",
             (("substance_use",), ()), phone="03 5650 1211"),
    UnitSpec("kallio", "Nuorten asumispalvelut Kallio", HELSINKI, UnitType.SUPPORTED_HOUSING_UNIT, "091",
             "Kallionkuja 4", "00530", (60.1845, 24.9510), 3, ("mental_health", "education", "daily_living"),
             48, (18, 22), ("fi",), rooms(6), "hki-1", (("mental_health",), ("nurse",), ()), phone="09 3104 2201"),
    UnitSpec("tolo", "Ungdomsboendet Tölö", "Stiftelsen Ungdomsbo sr", UnitType.TRAINING_FLATS, "091",
             "Tölögränd 3", "00250", (60.1822, 24.9215), 2, ("education", "daily_living", "employment"), 25,
             (17, 22), ("sv", "fi"), rooms(5, prefix="Bostad"), "tolo",
             (("swedish",), ("swedish", "mental_health"), ("swedish",)), phone="09 3104 2202",
             description="Svenskspråkigt träningsboende / ruotsinkielinen harjoitteluasuminen."),
    UnitSpec("itakeskus", "Itäkeskuksen tukiasunnot", "Asumisyhdistys Silta ry", UnitType.SCATTERED_FLATS, "091",
             "Kaarikuja 9", "00930", (60.2105, 25.0810), 1, ("finances", "employment", "daily_living"), 15,
             (18, 24), ("fi",), flats("A 1,A 2,A 3,B 4,B 5", out_of_use={"B 5": OUT_OF_USE_REASONS[1]}), "hki-1",
             ((), ()), phone="09 3104 2203"),
    UnitSpec("kajo", "Ympärivuorokautinen nuorten yksikkö Kajo", HELSINKI, UnitType.ROUND_THE_CLOCK, "091",
             "Kajotie 2", "00700", (60.2505, 25.0122), 4, ("mental_health", "substance_use", "neuropsychiatric"),
             60, (17, 21), ("fi", "sv"), rooms(5, accessible=(1,)), "kajo",
             (("nurse",), ("mental_health", "swedish"), ("substance_use",), ()), phone="09 3104 2204",
             description="Henkilökunta paikalla ympäri vuorokauden; palvelua myös ruotsiksi."),
    UnitSpec("vuosaari", "Vuosaaren perheasunnot", HELSINKI, UnitType.FAMILY_UNIT, "091", "Aallonkuja 8", "00980",
             (60.2085, 25.1432), 2, ("parenting", "daily_living", "finances"), 24, (18, 24), ("fi",),
             flats("A 1,A 2", **FAMILY_FLAT) + flats("B 3,B 4", **PARENT_AND_CHILD_FLAT), "vuosaari",
             (("family_work",), ()), phone="09 3104 2205"),
)
SPECS_BY_KEY = {spec.key: spec for spec in UNIT_SPECS}
OUT_OF_USE_FOR_DAYS = 75  # when a place out of use is expected back


def build_units(demo: Demo) -> None:
    """Every unit and its places, added by its county's coordinator (who must exist by now)."""
    for spec in UNIT_SPECS:
        unit = unit_service.create_unit(demo.coordinators[spec.county_id], _unit_data(demo, spec))
        demo.units[spec.key] = unit
        demo.unit_keys[unit] = spec.key
        demo.places[spec.key] = [unit_service.add_place(unit, _place_data(demo, place_spec))
                                 for place_spec in spec.places]


def _unit_data(demo: Demo, spec: UnitSpec) -> dict[str, Any]:
    lat, lon = demo.near(*spec.location, km=0.2)
    return dict(
        name=spec.name, operator=spec.operator, unit_type=spec.unit_type, municipality_code=spec.municipality_code,
        address=spec.address, postal_code=spec.postal_code, lat=lat, lon=lon, support_level=spec.support_level,
        services=list(spec.services), staff_support_hours=spec.staff_support_hours, min_age=spec.ages[0],
        max_age=spec.ages[1], gender_restriction=spec.gender, languages=list(spec.languages),
        phone=spec.phone or None, description=spec.description or None, active=True,
    )


def _place_data(demo: Demo, spec: PlaceSpec) -> dict[str, Any]:
    out_of_use = spec.out_of_use_reason is not None
    return dict(
        label=spec.label, bedrooms=spec.bedrooms, max_household=spec.max_household, accessible=spec.accessible,
        out_of_use=out_of_use, out_of_use_reason=spec.out_of_use_reason,
        available_from=demo.today + timedelta(days=OUT_OF_USE_FOR_DAYS) if out_of_use else None,
    )
