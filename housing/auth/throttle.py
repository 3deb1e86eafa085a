"""Login throttling, per account and per IP address, kept in the database so that every
gunicorn process and machine sees the same counts.

Every attempt is counted *before* the password is checked, by one atomic upsert per key
(``INSERT … ON CONFLICT DO UPDATE … RETURNING``): concurrent guesses each get their own
number, so no more than the limit are ever checked in a window. A successful login takes
back only its own count; it never clears failures that others made from the same address
or against the same account. A window starts with its first attempt and lasts
``WINDOW``; the counts run on their own connection and are committed at once, so a
request that fails later cannot roll them back, and the row is not kept locked while the
password hash is computed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, delete, literal, update
from sqlalchemy.dialects import postgresql, sqlite

from housing.extensions import db
from housing.models.audit import LoginThrottle
from housing.models.base import utcnow

WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT = 5
# Offices share one public address, so the per-address limit is higher.
MAX_FAILURES_PER_IP = 50
FORGET_AFTER = timedelta(days=1)  # counters idle this long are deleted


@dataclass(frozen=True)
class Attempt:
    """One login attempt's place in the counters: keep it to take the count back on success."""

    counts: dict[str, tuple[int, datetime]]  # key → (attempts in the window, window start)
    locked: bool
    retry_after: timedelta = timedelta(0)


def account_key(email: str) -> str:
    return f"account:{email}"


def address_key(ip: str) -> str:
    return f"ip:{ip}"


def _upsert(key: str, now: datetime):
    dialect = db.engine.dialect.name
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[dialect]
    table = LoginThrottle.__table__
    expired = table.c.window_start <= now - WINDOW
    statement = insert(table).values(key=key, window_start=now, failures=1)
    # Both assignments read the row as it was before the update, on both databases.
    return statement.on_conflict_do_update(
        index_elements=[table.c.key],
        set_={"failures": case((expired, 1), else_=table.c.failures + 1),
              "window_start": case((expired, literal(now, table.c.window_start.type)),
                                   else_=table.c.window_start)},
    ).returning(table.c.failures, table.c.window_start)


def count_attempt(email: str, ip: str, now: datetime | None = None) -> Attempt:
    """Count this attempt against the account and the address; locked when either is over."""
    now = now or utcnow()
    limits = {account_key(email): MAX_FAILURES_PER_ACCOUNT, address_key(ip): MAX_FAILURES_PER_IP}
    counts: dict[str, tuple[int, datetime]] = {}
    with db.engine.begin() as connection:
        for key in limits:
            failures, window_start = connection.execute(_upsert(key, now)).one()
            counts[key] = (failures, window_start)
    over = [counts[key][1] + WINDOW - now for key, limit in limits.items() if counts[key][0] > limit]
    if over:
        return Attempt(counts, True, max(timedelta(minutes=1), max(over)))
    return Attempt(counts, False)


def take_back(attempt: Attempt) -> None:
    """A successful login: remove this attempt's own count (and forget long-idle counters)."""
    now = utcnow()
    table = LoginThrottle.__table__
    with db.engine.begin() as connection:
        for key, (_failures, window_start) in attempt.counts.items():
            connection.execute(
                update(table)
                .where(table.c.key == key, table.c.window_start == window_start, table.c.failures > 0)
                .values(failures=table.c.failures - 1)
            )
        connection.execute(delete(table).where(table.c.window_start < now - FORGET_AFTER))

