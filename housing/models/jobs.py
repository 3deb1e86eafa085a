"""Background jobs: long work (an allocation round, a week's schedule) started from a page.

The row is the job's whole state, so a page can show its progress after a reload and any
web process can answer for it. ``housing.jobs`` creates, runs and watches them.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from housing.models.base import Base, Timestamped, UtcDateTime, enum_type
from housing.models.users import User


class JobStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"

    @property
    def finished(self) -> bool:
        return self in (JobStatus.DONE, JobStatus.FAILED)


class BackgroundJob(Timestamped, Base):
    __tablename__ = "background_jobs"
    __table_args__ = (Index("ix_background_jobs_kind_subject_id", "kind", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))  # a key of housing.jobs.HANDLERS
    subject_id: Mapped[int] = mapped_column(Integer)  # e.g. the round's or the schedule's id
    status: Mapped[JobStatus] = mapped_column(enum_type(JobStatus, "job_status"), default=JobStatus.QUEUED)
    # The step it is on, a key of housing.jobs.STEP_LABELS ("building", "solving", "storing").
    step: Mapped[str | None] = mapped_column(String(40))
    runner: Mapped[str] = mapped_column(String(10))  # thread, rq or cli
    time_limit_seconds: Mapped[int] = mapped_column(Integer)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Why it failed: a key of housing.jobs.ERROR_LABELS, and a technical detail (the
    # solver's message, the exception's class) that never carries client data.
    error_code: Mapped[str | None] = mapped_column(String(40))
    error: Mapped[str | None] = mapped_column(Text)

    requested_by: Mapped[User | None] = relationship()
