"""Tenancies (who lives in which place, when) and requests to move.

A place never has two tenancies that overlap in time. PostgreSQL enforces it with an
exclusion constraint on the date range (created in the Alembic revision, since SQLite has
no such thing); ``housing.services.tenancies`` checks it in Python on every database.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from housing.models.base import Base, Timestamped, UtcDateTime, enum_type

if TYPE_CHECKING:
    from housing.models.allocation import Offer
    from housing.models.people import YoungPerson
    from housing.models.units import Place, Unit
    from housing.models.users import User


class Tenancy(Timestamped, Base):
    __tablename__ = "tenancies"
    __table_args__ = (
        CheckConstraint(
            "planned_move_out IS NULL OR planned_move_out > move_in", name="planned_after_move_in"
        ),
        CheckConstraint(
            "actual_move_out IS NULL OR actual_move_out > move_in", name="actual_after_move_in"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    young_person_id: Mapped[int] = mapped_column(ForeignKey("young_people.id", ondelete="CASCADE"), index=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id"), index=True)
    offer_id: Mapped[int | None] = mapped_column(ForeignKey("offers.id", ondelete="SET NULL"))
    # The application that housed them (kept through transfers), for its history.
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id", ondelete="SET NULL"),
                                                       index=True)
    # The period starts here: planned until the unit records the actual move-in.
    move_in: Mapped[date] = mapped_column(Date)
    actual_move_in: Mapped[date | None] = mapped_column(Date)
    moved_in_recorded_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    moved_in_recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Move-out days are exclusive ends: the place is free again on that day.
    planned_move_out: Mapped[date | None] = mapped_column(Date)
    actual_move_out: Mapped[date | None] = mapped_column(Date)
    end_reason: Mapped[str | None] = mapped_column(Text)
    end_code: Mapped[str | None] = mapped_column(String(40))  # housing.vocabulary.MOVE_OUT_REASONS

    young_person: Mapped[YoungPerson] = relationship()
    place: Mapped[Place] = relationship()
    offer: Mapped[Offer | None] = relationship()
    moved_in_recorded_by: Mapped[User | None] = relationship()

    @property
    def moved_in(self) -> bool:
        return self.actual_move_in is not None

    @property
    def ends(self) -> date | None:
        """The day the place is free again (actual move-out if known, else planned)."""
        return self.actual_move_out or self.planned_move_out

    def is_current(self, on: date) -> bool:
        return self.move_in <= on and (self.ends is None or on < self.ends)


class MoveKind(enum.StrEnum):
    TRANSFER = "transfer"
    MOVE_OUT = "move_out"


class MoveStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class MoveRequest(Timestamped, Base):
    __tablename__ = "move_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    tenancy_id: Mapped[int] = mapped_column(ForeignKey("tenancies.id", ondelete="CASCADE"), index=True)
    kind: Mapped[MoveKind] = mapped_column(enum_type(MoveKind, "move_kind"))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason_code: Mapped[str | None] = mapped_column(String(40))  # TRANSFER_REASONS or MOVE_OUT_REASONS
    reason: Mapped[str] = mapped_column(Text)
    target_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"))
    wanted_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[MoveStatus] = mapped_column(enum_type(MoveStatus, "move_status"), default=MoveStatus.PENDING)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    decision_reason: Mapped[str | None] = mapped_column(String(500))
    # An approved transfer: the place chosen and the tenancy that starts there.
    target_place_id: Mapped[int | None] = mapped_column(ForeignKey("places.id", ondelete="SET NULL"))
    new_tenancy_id: Mapped[int | None] = mapped_column(ForeignKey("tenancies.id", ondelete="SET NULL"))

    tenancy: Mapped[Tenancy] = relationship(foreign_keys=[tenancy_id])
    new_tenancy: Mapped[Tenancy | None] = relationship(foreign_keys=[new_tenancy_id])
    target_unit: Mapped[Unit | None] = relationship()
    target_place: Mapped[Place | None] = relationship()
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
