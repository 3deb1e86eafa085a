"""Times of day and weekdays as the reader's language writes them (9.05 and "ma" in Finnish)."""

from __future__ import annotations

from datetime import datetime, time

from babel.dates import get_day_names
from flask_babel import format_time, get_locale

from housing.services.schedule_edits import time_pattern


def minutes_clock(minute_of_day: int) -> str:
    """A minute of the day (0–1440) as a time of day; the day's end (1440) shows as 23.59."""
    minute_of_day = min(minute_of_day, 1439)
    return format_time(time(minute_of_day // 60, minute_of_day % 60), time_pattern(), rebase=False)


def local_clock(moment: datetime) -> str:
    """The time of day of a moment, on the local clock."""
    return format_time(moment, time_pattern())


def weekday_short(weekday: int) -> str:
    """The abbreviated name of a weekday (0 = Monday)."""
    return get_day_names("abbreviated", locale=get_locale())[weekday]


def week_times(times: dict[int, tuple[int, int]]) -> str:
    """Weekday times, consecutive days with the same times joined: "ma–pe 8.00–16.00, la 10.00–14.00"."""
    runs: list[tuple[int, int, tuple[int, int]]] = []
    for weekday, period in sorted(times.items()):
        if runs and runs[-1][1] == weekday - 1 and runs[-1][2] == period:
            runs[-1] = (runs[-1][0], weekday, period)
        else:
            runs.append((weekday, weekday, period))
    parts = []
    for first, last, (start, end) in runs:
        days = weekday_short(first) if first == last else f"{weekday_short(first)}–{weekday_short(last)}"
        parts.append(f"{days} {minutes_clock(start)}–{minutes_clock(end)}")
    return ", ".join(parts)


def helpers() -> dict:
    return {"minutes_clock": minutes_clock, "weekday_short": weekday_short, "local_clock": local_clock,
            "week_times": week_times}
