"""Reference data: counties (wellbeing services counties, Helsinki, Åland) and municipalities."""

from __future__ import annotations

import enum

from sqlalchemy import Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from housing.models.base import Base, enum_type


class CountyKind(enum.StrEnum):
    WELLBEING_COUNTY = "wellbeing_county"
    CITY = "city"  # Helsinki organises its own social services
    AUTONOMOUS = "autonomous"  # Åland has its own legislation


class County(Base):
    __tablename__ = "counties"

    id: Mapped[str] = mapped_column(String(8), primary_key=True)
    name_fi: Mapped[str] = mapped_column(String(120))
    name_sv: Mapped[str] = mapped_column(String(120))
    kind: Mapped[CountyKind] = mapped_column(enum_type(CountyKind, "county_kind"))

    municipalities: Mapped[list[Municipality]] = relationship(
        back_populates="county", order_by="Municipality.name_fi"
    )

    def name(self, language: str) -> str:
        return self.name_sv if language == "sv" else self.name_fi


class Municipality(Base):
    __tablename__ = "municipalities"

    code: Mapped[str] = mapped_column(String(3), primary_key=True)
    name_fi: Mapped[str] = mapped_column(String(80))
    name_sv: Mapped[str] = mapped_column(String(80))
    population: Mapped[int] = mapped_column(Integer)
    county_id: Mapped[str] = mapped_column(ForeignKey("counties.id"), index=True)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)

    county: Mapped[County] = relationship(back_populates="municipalities")

    def name(self, language: str) -> str:
        return self.name_sv if language == "sv" else self.name_fi
