"""The reports' one percentile helper: percentile_cont on PostgreSQL, window functions on
SQLite; the same known answers on both (the suite runs on each)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime

import numpy as np
import pytest
from sqlalchemy import Integer, String, literal, select, union_all

from housing.extensions import db
from housing.services.reports.period import Period, default_period
from housing.services.reports.sql import (
    day_number,
    from_day_number,
    monday_of,
    percentiles,
    to_day_number,
    week_of,
)


def _values(pairs: list[tuple[str, int | None]]):
    return union_all(*(select(literal(key, String).label("key"), literal(value, Integer).label("value"))
                       for key, value in pairs))


def test_known_medians_and_90th_percentiles(app):
    pairs = [("a", v) for v in (4, 1, 3, 2)] + [("b", 10)] + [("c", v) for v in (5, 1, 9, 3, 7)] \
        + [("d", v) for v in (2, 8, 2, 2)] + [("e", None), ("a", None)]
    found = percentiles(_values(pairs))
    assert found["a"].count == 4 and found["a"].median == pytest.approx(2.5) and found["a"].p90 == pytest.approx(3.7)
    assert (found["b"].count, found["b"].median, found["b"].p90) == (1, 10.0, 10.0)
    assert found["c"].median == pytest.approx(5.0) and found["c"].p90 == pytest.approx(8.2)  # 7 + 0.6 × (9 − 7)
    assert found["d"].median == pytest.approx(2.0) and found["d"].p90 == pytest.approx(6.2)  # 2 + 0.7 × (8 − 2)
    assert "e" not in found  # only nulls: no values to spread


def test_same_as_linear_interpolation_on_random_data(app):
    rng = random.Random(12)
    pairs = [(f"k{rng.randrange(5)}", rng.randint(0, 400)) for _ in range(300)]
    found = percentiles(_values(pairs), (0.1, 0.5, 0.9, 0.99))
    for key in {k for k, _ in pairs}:
        values = [v for k, v in pairs if k == key]
        expected = np.percentile(values, [10, 50, 90, 99], method="linear")
        assert found[key].count == len(values)
        assert found[key].values == pytest.approx(tuple(expected), abs=1e-9)


def test_day_numbers_of_dates_and_moments_count_utc_calendar_days(app):
    moment = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
    day, of_moment, monday = db.session.execute(select(
        day_number(literal(date(2026, 3, 4))), day_number(literal(moment, db.DateTime(timezone=True))),
        week_of(day_number(literal(date(2026, 3, 4)))))).one()
    assert day == to_day_number(date(2026, 3, 4)) and day - of_moment == 3
    assert from_day_number(monday) == date(2026, 3, 2)  # the Wednesday's Monday
    for moment in (datetime(2026, 3, 2, 0, 0, tzinfo=UTC), datetime(2026, 3, 8, 23, 59, tzinfo=UTC)):
        of_moment = db.session.scalar(select(monday_of(literal(moment, db.DateTime(timezone=True)))))
        assert from_day_number(of_moment) == date(2026, 3, 2)  # its first and its last minute


def test_default_period_is_the_last_twelve_months_and_months_end_inside_it():
    assert default_period(date(2026, 12, 3)) == Period(date(2025, 12, 4), date(2026, 12, 3))
    assert default_period(date(2028, 2, 29)) == Period(date(2027, 3, 1), date(2028, 2, 29))
    assert Period(date(2026, 1, 15), date(2026, 3, 10)).month_ends() == [
        date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 10)]
    assert Period(date(2026, 1, 15), date(2026, 1, 31)).month_ends() == [date(2026, 1, 31)]
