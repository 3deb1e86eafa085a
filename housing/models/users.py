"""Staff accounts. Roles and what each may do are data in ``housing.auth.permissions``."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import JSON, Boolean, Column, ForeignKey, Integer, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from housing.models.base import Base, Timestamped, UtcDateTime, enum_type

if TYPE_CHECKING:
    from housing.models.geography import County
    from housing.models.units import Unit


class Role(enum.StrEnum):
    ADMIN = "admin"
    COORDINATOR = "coordinator"
    SOCIAL_WORKER = "social_worker"
    UNIT_MANAGER = "unit_manager"
    UNIT_STAFF = "unit_staff"

    @property
    def works_in_units(self) -> bool:
        return self in (Role.UNIT_MANAGER, Role.UNIT_STAFF)


user_units = Table(
    "user_units",
    Base.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", ForeignKey("units.id", ondelete="CASCADE"), primary_key=True),
)


class User(UserMixin, Timestamped, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(enum_type(Role, "role"))
    county_id: Mapped[str | None] = mapped_column(ForeignKey("counties.id"), index=True)
    language: Mapped[str] = mapped_column(String(2), default="fi")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Demo accounts (password "demo") are refused outside development and demo mode.
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    last_login_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    phone: Mapped[str | None] = mapped_column(String(40))
    # Staff planning facts (unit roles): skills, weekly visit minutes, the unit they start from.
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    max_weekly_minutes: Mapped[int | None] = mapped_column(Integer)
    base_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"))

    county: Mapped[County | None] = relationship()
    units: Mapped[list[Unit]] = relationship(secondary=user_units, order_by="Unit.name")
    base_unit: Mapped[Unit | None] = relationship(foreign_keys=[base_unit_id])

    @property
    def is_active(self) -> bool:  # Flask-Login: deactivated accounts cannot log in
        return self.active

    @property
    def unit_ids(self) -> set[int]:
        return {unit.id for unit in self.units}

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"
