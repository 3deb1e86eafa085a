"""The day and the hour as the county lives them: Finland's, whatever the server's zone.

Servers keep UTC, and between 22:00 and midnight UTC (21:00 in summer) it is already the
next day in Finland. Every "today" of the rules — aftercare's last day, an offer's answer
day, a worker's day of visits, a waiting time — is Finland's day, so code asks this module,
never ``date.today()``.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

LOCAL_TIME = ZoneInfo("Europe/Helsinki")


def now() -> datetime:
    """This moment on Finland's wall clock (timezone-aware)."""
    return datetime.now(LOCAL_TIME)


def today() -> date:
    """Finland's date now."""
    return now().date()
