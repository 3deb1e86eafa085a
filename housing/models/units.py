"""Housing units (asumisyksiköt, supported-housing programmes) and their places."""

from __future__ import annotations

import enum
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from housing.models.base import Base, Timestamped, enum_type

if TYPE_CHECKING:
    from housing.models.geography import County, Municipality


class UnitType(enum.StrEnum):
    SUPPORTED_HOUSING_UNIT = "supported_housing_unit"  # tuettu asumisyksikkö
    TRAINING_FLATS = "training_flats"  # harjoitteluasunnot
    SCATTERED_FLATS = "scattered_flats"  # hajautetut tukiasunnot
    FAMILY_UNIT = "family_unit"  # for young parents
    ROUND_THE_CLOCK = "round_the_clock"  # ympärivuorokautinen


class Unit(Timestamped, Base):
    __tablename__ = "units"
    __table_args__ = (
        CheckConstraint("support_level BETWEEN 1 AND 4", name="support_level_range"),
        CheckConstraint("staff_support_hours >= 0", name="support_hours_non_negative"),
        CheckConstraint("min_age IS NULL OR max_age IS NULL OR min_age <= max_age", name="age_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    operator: Mapped[str | None] = mapped_column(String(120))
    unit_type: Mapped[UnitType] = mapped_column(enum_type(UnitType, "unit_type"))
    county_id: Mapped[str] = mapped_column(ForeignKey("counties.id"), index=True)
    municipality_code: Mapped[str] = mapped_column(ForeignKey("municipalities.code"))
    address: Mapped[str | None] = mapped_column(String(200))
    postal_code: Mapped[str | None] = mapped_column(String(5))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    support_level: Mapped[int] = mapped_column(Integer)  # 1 light … 4 round the clock
    services: Mapped[list[str]] = mapped_column(JSON, default=list)  # housing.vocabulary.SERVICES
    staff_support_hours: Mapped[int] = mapped_column(Integer, default=0)  # per week: capacity
    min_age: Mapped[int | None] = mapped_column(Integer)
    max_age: Mapped[int | None] = mapped_column(Integer)
    gender_restriction: Mapped[str | None] = mapped_column(String(1))
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    phone: Mapped[str | None] = mapped_column(String(40))
    description: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    county: Mapped[County] = relationship()
    municipality: Mapped[Municipality] = relationship()
    places: Mapped[list[Place]] = relationship(back_populates="unit", order_by="Place.label")


class Place(Timestamped, Base):
    """A lettable home in a unit: a room or a flat."""

    __tablename__ = "places"
    __table_args__ = (
        CheckConstraint("max_household >= 1", name="max_household_positive"),
        CheckConstraint("bedrooms >= 0", name="bedrooms_non_negative"),
        UniqueConstraint("unit_id", "label"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(40))
    bedrooms: Mapped[int] = mapped_column(Integer, default=1)
    max_household: Mapped[int] = mapped_column(Integer, default=1)
    accessible: Mapped[bool] = mapped_column(Boolean, default=False)
    available_from: Mapped[date | None] = mapped_column(Date)
    out_of_use: Mapped[bool] = mapped_column(Boolean, default=False)
    out_of_use_reason: Mapped[str | None] = mapped_column(String(200))

    unit: Mapped[Unit] = relationship(back_populates="places")
