"""Login throttling, per account and per IP address, kept in the database so that every
gunicorn process and machine sees the same counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from housing.extensions import db
from housing.models.audit import LoginAttempt
from housing.models.base import utcnow

WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT = 5
# Offices share one public address, so the per-address limit is higher.
MAX_FAILURES_PER_IP = 50


@dataclass(frozen=True)
class ThrottleState:
    locked: bool
    retry_after: timedelta = timedelta(0)


def _failures_since(column, value: str, since: datetime) -> tuple[int, datetime | None]:
    last_success = db.session.scalar(
        select(func.max(LoginAttempt.at)).where(column == value, LoginAttempt.success.is_(True),
                                                LoginAttempt.at >= since)
    )
    start = max(since, last_success) if last_success else since
    count, oldest = db.session.execute(
        select(func.count(), func.min(LoginAttempt.at)).where(
            column == value, LoginAttempt.success.is_(False), LoginAttempt.at > start
        )
    ).one()
    return count, oldest

def throttle_state(email: str, ip: str, now: datetime | None = None) -> ThrottleState:
    now = now or utcnow()
    since = now - WINDOW
    for column, value, limit in ((LoginAttempt.email, email, MAX_FAILURES_PER_ACCOUNT),
                                 (LoginAttempt.ip, ip, MAX_FAILURES_PER_IP)):
        count, oldest = _failures_since(column, value, since)
        if count >= limit and oldest is not None:
            return ThrottleState(True, max(timedelta(minutes=1), oldest + WINDOW - now))
    return ThrottleState(False)


def record_attempt(email: str, ip: str, success: bool) -> None:
    db.session.add(LoginAttempt(at=utcnow(), email=email, ip=ip, success=success))
