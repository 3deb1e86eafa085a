"""Support once a young person lives in a unit: plans, staff availability, visits.

Weekly schedules store their solver input and output (``support-schedule/1``), like
allocation rounds, so a published week can be re-run and explained.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from housing.models.base import Base, Timestamped, UtcDateTime, enum_type, utcnow

if TYPE_CHECKING:
    from housing.models.people import YoungPerson
    from housing.models.tenancies import Tenancy
    from housing.models.units import Unit
    from housing.models.users import User


class SupportPlan(Timestamped, Base):
    """What support a resident gets: visits a week, their length, the key worker (omaohjaaja)."""

    __tablename__ = "support_plans"
    __table_args__ = (
        CheckConstraint("visits_per_week BETWEEN 0 AND 7", name="visits_per_week_range"),
        CheckConstraint("minutes_per_visit BETWEEN 15 AND 480", name="minutes_per_visit_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tenancy_id: Mapped[int] = mapped_column(ForeignKey("tenancies.id", ondelete="CASCADE"), index=True)
    key_worker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    visits_per_week: Mapped[int] = mapped_column(Integer, default=2)
    minutes_per_visit: Mapped[int] = mapped_column(Integer, default=60)
    skill_needed: Mapped[str | None] = mapped_column(String(40))  # housing.vocabulary.SKILLS
    # [{"weekday": 0-6, "start": minute of day, "end": minute of day}, …]
    preferred_times: Mapped[list[dict[str, int]]] = mapped_column(JSON, default=list)
    goals: Mapped[str | None] = mapped_column(Text)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)

    tenancy: Mapped[Tenancy] = relationship()
    key_worker: Mapped[User | None] = relationship()


class ShiftPattern(Base):
    """A staff member's usual weekly working time: one row per weekday and shift."""

    __tablename__ = "shift_patterns"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
        CheckConstraint("start_minute >= 0 AND end_minute <= 1440 AND start_minute < end_minute",
                        name="minutes_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[int] = mapped_column(Integer)  # 0 = Monday
    start_minute: Mapped[int] = mapped_column(Integer)
    end_minute: Mapped[int] = mapped_column(Integer)

    user: Mapped[User] = relationship()


class StaffAbsence(Base):
    __tablename__ = "staff_absences"
    __table_args__ = (CheckConstraint("first_day <= last_day", name="day_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(String(200))

    user: Mapped[User] = relationship()


class ScheduleStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    SUPERSEDED = "superseded"


class WeeklySchedule(Timestamped, Base):
    """One unit's visits of one week: a draft the solver made (and the manager adjusted), or
    the published week staff work by. ``problem`` and ``result`` are the solver's input and
    output exactly as they were; the visits are the week as it stands after hand edits.

    A re-plan is a draft made ``replan_from`` a moment inside the week: what lay before it
    (and every visit already recorded) is copied from the published week it ``replaces``.
    """

    __tablename__ = "weekly_schedules"
    __table_args__ = (Index("ix_weekly_schedules_unit_id_week_start", "unit_id", "week_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    week_start: Mapped[date] = mapped_column(Date)  # a Monday
    status: Mapped[ScheduleStatus] = mapped_column(enum_type(ScheduleStatus, "schedule_status"))
    problem: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("weekly_schedules.id", ondelete="SET NULL"))
    replan_from: Mapped[datetime | None] = mapped_column(UtcDateTime)

    unit: Mapped[Unit] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    published_by: Mapped[User | None] = relationship(foreign_keys=[published_by_id])
    replaces: Mapped[WeeklySchedule | None] = relationship(remote_side=[id])
    visits: Mapped[list[ScheduledVisit]] = relationship(
        back_populates="schedule", order_by="ScheduledVisit.starts_at", cascade="all, delete-orphan"
    )


class ScheduledVisit(Base):
    __tablename__ = "scheduled_visits"
    __table_args__ = (
        CheckConstraint("starts_at < ends_at", name="time_order"),
        UniqueConstraint("schedule_id", "visit_ref"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    schedule_id: Mapped[int | None] = mapped_column(
        ForeignKey("weekly_schedules.id", ondelete="CASCADE"), index=True
    )
    # The visit's id in the schedule's problem ("P12.2": plan 12's second visit of the week):
    # the same visit keeps it in every version of the week, so versions can be compared.
    visit_ref: Mapped[str | None] = mapped_column(String(40))
    support_plan_id: Mapped[int | None] = mapped_column(ForeignKey("support_plans.id", ondelete="SET NULL"))
    young_person_id: Mapped[int] = mapped_column(ForeignKey("young_people.id", ondelete="CASCADE"), index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime)

    schedule: Mapped[WeeklySchedule | None] = relationship(back_populates="visits")
    young_person: Mapped[YoungPerson] = relationship()
    staff: Mapped[User | None] = relationship()
    record: Mapped[VisitRecord | None] = relationship(back_populates="scheduled_visit")


class VisitOutcome(enum.StrEnum):
    DONE = "done"
    MISSED = "missed"  # the young person was not reached
    CANCELLED = "cancelled"


class VisitRecord(Timestamped, Base):
    """What happened on a support visit, recorded by the unit worker.

    The notes are sensitive: only the unit's staff, the responsible social worker and the
    county's coordinator read them (``housing.services.scope.sees_visit_notes``), and every
    read is audited. A change made more than a day after recording keeps the earlier
    content as a :class:`VisitRecordVersion`.
    """

    __tablename__ = "visit_records"
    __table_args__ = (
        CheckConstraint("actual_minutes IS NULL OR actual_minutes >= 0", name="minutes_non_negative"),
        Index("ix_visit_records_young_person_id_visit_at", "young_person_id", "visit_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scheduled_visit_id: Mapped[int | None] = mapped_column(
        ForeignKey("scheduled_visits.id", ondelete="SET NULL"), unique=True
    )
    young_person_id: Mapped[int] = mapped_column(ForeignKey("young_people.id", ondelete="CASCADE"), index=True)
    # The unit whose staff gave (or were to give) the support: its staff may read the notes.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"), index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # When the visit was to happen (the planned start, or the actual one of an unplanned
    # visit): the order in which "two missed in a row" is read.
    visit_at: Mapped[datetime] = mapped_column(UtcDateTime)
    outcome: Mapped[VisitOutcome] = mapped_column(enum_type(VisitOutcome, "visit_outcome"))
    cancelled_by: Mapped[str | None] = mapped_column(String(20))  # housing.vocabulary.CANCELLED_BY
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    actual_minutes: Mapped[int | None] = mapped_column(Integer)
    visit_type: Mapped[str | None] = mapped_column(String(40))  # housing.vocabulary.VISIT_TYPES
    themes: Mapped[list[str]] = mapped_column(JSON, default=list)  # housing.vocabulary.VISIT_THEMES
    notes: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    scheduled_visit: Mapped[ScheduledVisit | None] = relationship(back_populates="record")
    young_person: Mapped[YoungPerson] = relationship()
    unit: Mapped[Unit | None] = relationship()
    staff: Mapped[User | None] = relationship(foreign_keys=[staff_id])
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])
    versions: Mapped[list[VisitRecordVersion]] = relationship(
        back_populates="record", order_by="VisitRecordVersion.version.desc()", cascade="all, delete-orphan"
    )


class VisitRecordVersion(Base):
    """The content a visit record had before a late edit (more than a day after recording)."""

    __tablename__ = "visit_record_versions"
    __table_args__ = (UniqueConstraint("record_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("visit_records.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)  # 1 = as first recorded
    outcome: Mapped[VisitOutcome] = mapped_column(enum_type(VisitOutcome, "visit_outcome"))
    cancelled_by: Mapped[str | None] = mapped_column(String(20))
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    actual_minutes: Mapped[int | None] = mapped_column(Integer)
    visit_type: Mapped[str | None] = mapped_column(String(40))
    themes: Mapped[list[str]] = mapped_column(JSON, default=list)
    notes: Mapped[str | None] = mapped_column(Text)
    written_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    written_at: Mapped[datetime] = mapped_column(UtcDateTime)  # when this content was written
    replaced_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    record: Mapped[VisitRecord] = relationship(back_populates="versions")
    written_by: Mapped[User | None] = relationship(foreign_keys=[written_by_id])
    replaced_by: Mapped[User | None] = relationship(foreign_keys=[replaced_by_id])
