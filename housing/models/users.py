"""Staff accounts. Roles and what each may do are data in ``housing.auth.permissions``."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import JSON, Boolean, Column, ForeignKey, Integer, String, Table, false
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

    @property
    def reads_client_records(self) -> bool:
        """Every role but the administrator's opens young people's records."""
        return self != Role.ADMIN


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
    # Part of the session's login token: raising it ends every session of the account at once
    # (password change or reset, deactivation, a change of role, county or units).
    session_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
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

    def get_id(self) -> str:  # Flask-Login keeps this in the session: "id.version"
        return f"{self.id}.{self.session_version}"

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class RoleChangeStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    REPLACED = "replaced"  # a newer request for the same account took its place


class RoleChangeRequest(Timestamped, Base):
    """A change of role or county that gives an account client access, waiting for a second
    administrator: the one who asks never approves (four eyes)."""

    __tablename__ = "role_change_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    role: Mapped[Role] = mapped_column(enum_type(Role, "role"))
    county_id: Mapped[str | None] = mapped_column(ForeignKey("counties.id"))
    unit_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    status: Mapped[RoleChangeStatus] = mapped_column(enum_type(RoleChangeStatus, "role_change_status"),
                                                     default=RoleChangeStatus.PENDING)
    # A new account with client access: created deactivated, activated by the approval.
    new_account: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    county: Mapped[County | None] = relationship()
