"""The period a report covers: whole days, first and last included."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from housing.services.reports.sql import start_of_day, to_day_number

DEFAULT_MONTHS = 12
LONGEST = timedelta(days=5 * 366)  # five years: longer asks the database for more than anyone reads
EARLIEST = date(2000, 1, 1)


@dataclass(frozen=True)
class Period:
    first: date
    last: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def first_number(self) -> int:
        return to_day_number(self.first)

    @property
    def end_number(self) -> int:
        """The day number after the last day (periods are half-open in SQL)."""
        return to_day_number(self.last) + 1

    @property
    def starts(self):
        return start_of_day(self.first)

    @property
    def ends(self):
        """The first moment after the period."""
        return start_of_day(self.last + timedelta(days=1))

    def month_ends(self) -> list[date]:
        """The last day of each month in the period, and the period's own last day."""
        days, year, month = [], self.first.year, self.first.month
        while True:
            end = date(year, month, calendar.monthrange(year, month)[1])
            if end >= self.last:
                days.append(self.last)
                return days
            days.append(end)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def default_period(today: date) -> Period:
    """The last twelve months: from the day after this day a year ago to today."""
    a_year_ago = today.replace(year=today.year - 1) if not (today.month == 2 and today.day == 29) \
        else date(today.year - 1, 2, 28)
    return Period(a_year_ago + timedelta(days=1), today)
