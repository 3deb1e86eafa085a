"""Public reference data carried with the solvers: the municipalities of Finland.

:func:`load_municipalities` is the one reader of ``municipalities.csv`` (see README.md here for
its source): the generators of both solvers use it, and so does the web application's
``flask --app housing load-reference``, which may read the solvers' package (not the reverse).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

MUNICIPALITIES_CSV = Path(__file__).resolve().parent / "municipalities.csv"


@dataclass(frozen=True)
class Municipality:
    code: str  # Statistics Finland's municipality number, e.g. "091"
    name_fi: str
    name_sv: str
    population: int  # 2020
    county_id: str  # wellbeing services county ("HKI" = City of Helsinki, "AX" = Åland)
    county_fi: str
    county_sv: str
    lat: float  # WGS-84 centroid of the municipality's area (not its town centre)
    lon: float

    @property
    def name(self) -> str:
        return self.name_fi

    @property
    def bilingual(self) -> bool:
        """A Finnish and a Swedish name that differ: the municipality is bilingual (roughly)."""
        return self.name_fi != self.name_sv


def load_municipalities(path: Path = MUNICIPALITIES_CSV) -> list[Municipality]:
    """Every row of the table, in the file's order (by municipality number)."""
    with path.open(encoding="utf-8", newline="") as stream:
        return [Municipality(row["code"], row["name_fi"], row["name_sv"], int(row["population_2020"]),
                             row["county_id"], row["county_fi"], row["county_sv"], float(row["lat"]),
                             float(row["lon"]))
                for row in csv.DictReader(stream)]
