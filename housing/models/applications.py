"""Housing applications made by a social worker for a young person.

Status flow: draft → submitted → (returned ↔ submitted) → waitlisted → offered → housed,
and withdrawn or closed (with a reason) from any open state. Every change of status is
kept in ``ApplicationStatusChange`` with who, when and why; every change of content after
the first submission is a numbered ``ApplicationEdit`` (who, when, which fields, before and
after). ``housing.services.applications`` is the only writer of both.

A draft may be half-filled, so the facts a submission requires are nullable here and
checked by the service when the application is submitted.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from housing.models.base import Base, Timestamped, UtcDateTime, enum_type, utcnow

if TYPE_CHECKING:
    from housing.models.geography import Municipality
    from housing.models.people import YoungPerson
    from housing.models.users import User


class ApplicationStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    WAITLISTED = "waitlisted"
    OFFERED = "offered"
    HOUSED = "housed"
    WITHDRAWN = "withdrawn"
    CLOSED = "closed"


application_not_with = Table(
    "application_not_with",
    Base.metadata,
    Column("application_id", ForeignKey("applications.id", ondelete="CASCADE"), primary_key=True),
    Column("young_person_id", ForeignKey("young_people.id", ondelete="CASCADE"), primary_key=True),
)


class Application(Timestamped, Base):
    __tablename__ = "applications"
    __table_args__ = (
        CheckConstraint("urgency_band BETWEEN 1 AND 3", name="urgency_band_range"),
        CheckConstraint("support_level BETWEEN 1 AND 4", name="support_level_range"),
        CheckConstraint("support_hours >= 0", name="support_hours_non_negative"),
        CheckConstraint("household_size >= 1", name="household_size_positive"),
        CheckConstraint("max_distance_km >= 0", name="max_distance_non_negative"),
        CheckConstraint("tiebreak >= 0 AND tiebreak < 1", name="tiebreak_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    young_person_id: Mapped[int] = mapped_column(
        ForeignKey("young_people.id", ondelete="CASCADE"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[ApplicationStatus] = mapped_column(
        enum_type(ApplicationStatus, "application_status"), default=ApplicationStatus.DRAFT, index=True
    )
    support_level: Mapped[int | None] = mapped_column(Integer)
    needs: Mapped[list[str]] = mapped_column(JSON, default=list)  # housing.vocabulary.SERVICES
    support_hours: Mapped[int] = mapped_column(Integer, default=0)  # per week
    urgency_band: Mapped[int] = mapped_column(Integer, default=3)  # 1 acute, 2 high, 3 standard
    urgency_ground: Mapped[str | None] = mapped_column(String(30))  # housing.vocabulary.URGENCY_GROUNDS
    urgency_reason: Mapped[str | None] = mapped_column(Text)
    need_since: Mapped[date | None] = mapped_column(Date)
    max_distance_km: Mapped[int] = mapped_column(Integer, default=30)
    household_size: Mapped[int] = mapped_column(Integer, default=1)
    needs_accessible: Mapped[bool] = mapped_column(Boolean, default=False)
    acceptable_unit_types: Mapped[list[str]] = mapped_column(JSON, default=list)  # empty = any
    own_words: Mapped[str | None] = mapped_column(Text)  # the young person's own wishes
    consent: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_on: Mapped[date | None] = mapped_column(Date)
    # Drawn once when the application is created; breaks ties in priority reproducibly.
    tiebreak: Mapped[float] = mapped_column(Float)
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    waitlisted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closed_reason: Mapped[str | None] = mapped_column(Text)

    young_person: Mapped[YoungPerson] = relationship()
    created_by: Mapped[User | None] = relationship()
    wishes: Mapped[list[LocationWish]] = relationship(
        back_populates="application", order_by="LocationWish.rank", cascade="all, delete-orphan"
    )
    not_with: Mapped[list[YoungPerson]] = relationship(secondary=application_not_with)
    status_changes: Mapped[list[ApplicationStatusChange]] = relationship(
        back_populates="application", order_by="ApplicationStatusChange.at",
        cascade="all, delete-orphan",
    )
    edits: Mapped[list[ApplicationEdit]] = relationship(
        back_populates="application", order_by="ApplicationEdit.version", cascade="all, delete-orphan",
    )

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


OPEN_STATUSES = frozenset({
    ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED, ApplicationStatus.RETURNED,
    ApplicationStatus.WAITLISTED, ApplicationStatus.OFFERED,
})


class LocationWish(Base):
    """One of the young person's ranked location wishes (1–5): a municipality or a point."""

    __tablename__ = "location_wishes"
    __table_args__ = (
        UniqueConstraint("application_id", "rank"),
        CheckConstraint("rank BETWEEN 0 AND 4", name="rank_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    rank: Mapped[int] = mapped_column(Integer)  # 0 = first wish
    municipality_code: Mapped[str | None] = mapped_column(ForeignKey("municipalities.code"))
    label: Mapped[str | None] = mapped_column(String(120))  # e.g. "near school in Hervanta"
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)

    application: Mapped[Application] = relationship(back_populates="wishes")
    municipality: Mapped[Municipality | None] = relationship()


class ApplicationStatusChange(Base):
    __tablename__ = "application_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    from_status: Mapped[ApplicationStatus | None] = mapped_column(
        enum_type(ApplicationStatus, "from_status")
    )
    to_status: Mapped[ApplicationStatus] = mapped_column(enum_type(ApplicationStatus, "to_status"))
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str | None] = mapped_column(Text)

    application: Mapped[Application] = relationship(back_populates="status_changes")
    by: Mapped[User | None] = relationship()


class ApplicationEdit(Base):
    """One saved change of a submitted application: its number, who, when and what changed.

    ``changes`` maps each changed field to ``[before, after]`` in plain JSON (codes, ISO
    dates, ids), so the coordinator sees exactly what the worker changed after submitting.
    """

    __tablename__ = "application_edits"
    __table_args__ = (UniqueConstraint("application_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer)  # 1 = the first change after submission
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[ApplicationStatus] = mapped_column(enum_type(ApplicationStatus, "edit_status"))
    changes: Mapped[dict[str, list]] = mapped_column(JSON)

    application: Mapped[Application] = relationship(back_populates="edits")
    by: Mapped[User | None] = relationship()
