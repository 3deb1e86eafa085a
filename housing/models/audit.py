"""The audit log (append-only), the login throttling counters and the sessions ended by logging out.

Append-only is enforced twice: the session refuses to update or delete an ``AuditEvent``
(``housing.audit``), and on PostgreSQL a trigger created by the Alembic revision raises on
UPDATE or DELETE. ``young_person_id`` is deliberately not a foreign key: the record of who
processed a person's data must outlive changes to the person's row.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from housing.models.base import Base, UtcDateTime, utcnow

BigId = BigInteger().with_variant(Integer, "sqlite")  # SQLite autoincrements INTEGER only


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_young_person_id_at", "young_person_id", "at"),
        Index("ix_audit_events_user_id_at", "user_id", "at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(Integer)
    user_email: Mapped[str | None] = mapped_column(String(254))  # as it was at the time
    role: Mapped[str | None] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(40), index=True)
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(40))
    young_person_id: Mapped[int | None] = mapped_column(Integer)
    ip: Mapped[str | None] = mapped_column(String(45))
    success: Mapped[bool] = mapped_column(Boolean, default=True)
    path: Mapped[str | None] = mapped_column(String(300))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class LoginThrottle(Base):
    """Failed logins in the current window, one row per account (``account:<email>``) or
    per address (``ip:<address>``). Counted by one atomic upsert per attempt; a success
    takes back only its own count, so it never clears anyone else's failures."""

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    failures: Mapped[int] = mapped_column(Integer)


class EndedSession(Base):
    """A session ended by logging out. Sessions live in a signed cookie, so the server
    cannot delete one: it remembers the ids of those ended until no cookie of them could
    be valid any more (the absolute session lifetime), and refuses them meanwhile."""

    __tablename__ = "ended_sessions"

    session_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    ended_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
