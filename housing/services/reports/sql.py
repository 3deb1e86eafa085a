"""SQL that PostgreSQL and SQLite say differently, for the reports.

Days are counted as whole calendar days of UTC (the waiting list counts its days the same
way): ``day_number`` turns a date, or a stored moment, into the number of days since
2000-01-01, so differences are plain integer subtraction on both databases.

``percentiles`` is the one percentile helper: ``percentile_cont`` on PostgreSQL and, on
SQLite (which has none), the same linear interpolation between the two nearest ranks,
computed with window functions; both give identical answers (tests run on each).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Date, Float, Integer, Select, case, cast, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from housing.extensions import db

EPOCH = date(2000, 1, 1)  # a Saturday
SQLITE_EPOCH_JULIAN_DAY = 2451544.5  # julianday('2000-01-01')


class day_number(FunctionElement):  # noqa: N801 (an SQL function: lower case like func.*)
    """Whole days from 2000-01-01 to a date, or to the UTC calendar day of a stored moment."""

    type = Integer()
    inherit_cache = True


@compiles(day_number, "postgresql")
def _day_number_postgresql(element: day_number, compiler: Any, **kw: Any) -> str:
    (argument,) = list(element.clauses)
    sql = compiler.process(argument, **kw)
    if isinstance(argument.type, Date):
        return f"(({sql}) - DATE '2000-01-01')"
    return f"(CAST(({sql}) AT TIME ZONE 'UTC' AS DATE) - DATE '2000-01-01')"


@compiles(day_number, "sqlite")
def _day_number_sqlite(element: day_number, compiler: Any, **kw: Any) -> str:
    (argument,) = list(element.clauses)
    return f"CAST(julianday(date({compiler.process(argument, **kw)})) - {SQLITE_EPOCH_JULIAN_DAY} AS INTEGER)"


class minutes_between(FunctionElement):  # noqa: N801
    """Whole minutes from the first stored moment to the second."""

    type = Integer()
    inherit_cache = True


@compiles(minutes_between, "postgresql")
def _minutes_postgresql(element: minutes_between, compiler: Any, **kw: Any) -> str:
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(ROUND(EXTRACT(EPOCH FROM (({end}) - ({start}))) / 60) AS INTEGER)"


@compiles(minutes_between, "sqlite")
def _minutes_sqlite(element: minutes_between, compiler: Any, **kw: Any) -> str:
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(ROUND((julianday({end}) - julianday({start})) * 1440) AS INTEGER)"


class greatest(FunctionElement):  # noqa: N801
    """The larger of two non-null values (PostgreSQL GREATEST, SQLite's two-argument max)."""

    inherit_cache = True


@compiles(greatest, "postgresql")
def _greatest_postgresql(element: greatest, compiler: Any, **kw: Any) -> str:
    return f"GREATEST({compiler.process(element.clauses, **kw)})"


@compiles(greatest, "sqlite")
def _greatest_sqlite(element: greatest, compiler: Any, **kw: Any) -> str:
    return f"max({compiler.process(element.clauses, **kw)})"


class least(FunctionElement):  # noqa: N801
    """The smaller of two non-null values."""

    inherit_cache = True


@compiles(least, "postgresql")
def _least_postgresql(element: least, compiler: Any, **kw: Any) -> str:
    return f"LEAST({compiler.process(element.clauses, **kw)})"


@compiles(least, "sqlite")
def _least_sqlite(element: least, compiler: Any, **kw: Any) -> str:
    return f"min({compiler.process(element.clauses, **kw)})"


class monday_of(FunctionElement):  # noqa: N801
    """The day number of the Monday of a stored moment's UTC week, from the moment's seconds
    alone (cheaper than its calendar day: it is computed for every visit of a year)."""

    type = Integer()
    inherit_cache = True


FIRST_MONDAY = 2  # 2000-01-03, day number 2: weeks are counted from it
FIRST_MONDAY_EPOCH = 946857600  # its first second, in Unix time


@compiles(monday_of, "postgresql")
def _monday_postgresql(element: monday_of, compiler: Any, **kw: Any) -> str:
    (argument,) = list(element.clauses)
    # date_part gives double precision; EXTRACT's numeric made this a third of the report's time
    seconds = f"date_part('epoch', {compiler.process(argument, **kw)})"
    return f"CAST({FIRST_MONDAY} + 7 * FLOOR(({seconds} - {FIRST_MONDAY_EPOCH}) / 604800) AS INTEGER)"


@compiles(monday_of, "sqlite")
def _monday_sqlite(element: monday_of, compiler: Any, **kw: Any) -> str:
    (argument,) = list(element.clauses)  # moments after 2000-01-03: truncation is the floor
    days = f"(julianday({compiler.process(argument, **kw)}) - {SQLITE_EPOCH_JULIAN_DAY + FIRST_MONDAY})"
    return f"({FIRST_MONDAY} + 7 * CAST({days} / 7 AS INTEGER))"


def week_of(day: Any) -> Any:
    """The day number of the Monday of a day number's week (2000-01-01 was a Saturday)."""
    return day - (day + 5) % 7


def to_day_number(day: date) -> int:
    return (day - EPOCH).days


def from_day_number(number: int) -> date:
    return EPOCH + timedelta(days=int(number))


def start_of_day(day: date) -> datetime:
    """The first moment of a UTC calendar day: the bound of a period on stored moments."""
    return datetime.combine(day, time.min, tzinfo=UTC)


# --------------------------------------------------------------------------- percentiles


@dataclass(frozen=True)
class Spread:
    """How a set of values spreads: how many, and the requested percentiles (None if empty)."""

    count: int
    values: tuple[float | None, ...]

    @property
    def median(self) -> float | None:
        return self.values[0] if self.values else None

    @property
    def p90(self) -> float | None:
        return self.values[1] if len(self.values) > 1 else None


MEDIAN_AND_P90 = (0.5, 0.9)


def percentiles(values: Select, fractions: Sequence[float] = MEDIAN_AND_P90) -> dict[Any, Spread]:
    """``values`` selects two columns, ``key`` and ``value``: the percentiles of each key's
    non-null values, interpolated linearly between the nearest ranks (``percentile_cont``)."""
    source = values.subquery()
    if db.session.get_bind().dialect.name == "postgresql":
        query = _percentile_cont(source, fractions)
    else:
        query = _percentile_by_rank(source, fractions)
    return {row[0]: Spread(int(row[1]), tuple(None if v is None else float(v) for v in row[2:]))
            for row in db.session.execute(query)}


def _percentile_cont(source: Any, fractions: Sequence[float]) -> Select:
    value = cast(source.c.value, Float)
    return (select(source.c.key, func.count(source.c.value),
                   *(func.percentile_cont(fraction).within_group(value) for fraction in fractions))
            .where(source.c.value.is_not(None)).group_by(source.c.key))


def _percentile_by_rank(source: Any, fractions: Sequence[float]) -> Select:
    """PostgreSQL's own method: position = fraction × (n − 1); the value at the rank below it,
    plus the position's fraction of the step to the next rank's value."""
    ranked = select(
        source.c.key, cast(source.c.value, Float).label("value"),
        (func.row_number().over(partition_by=source.c.key, order_by=source.c.value) - 1).label("rank"),
        func.count().over(partition_by=source.c.key).label("n"),
    ).where(source.c.value.is_not(None)).subquery()
    columns = []
    for i, fraction in enumerate(fractions):
        position = fraction * (ranked.c.n - 1)
        below = cast(position, Integer)  # positions are never negative: truncation is the floor
        columns += [func.max(case((ranked.c.rank == below, ranked.c.value))).label(f"low{i}"),
                    func.max(case((ranked.c.rank == below + 1, ranked.c.value))).label(f"high{i}"),
                    func.max(position - below).label(f"step{i}")]
    steps = select(ranked.c.key, func.max(ranked.c.n).label("n"), *columns).group_by(ranked.c.key).subquery()
    interpolated = []
    for i in range(len(fractions)):
        low, high, step = steps.c[f"low{i}"], steps.c[f"high{i}"], steps.c[f"step{i}"]
        interpolated.append(low + step * (func.coalesce(high, low) - low))
    return select(steps.c.key, steps.c.n, *interpolated)
