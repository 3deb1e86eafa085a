"""Occupancy and empty-place days on hand-made tenancies."""

from __future__ import annotations

from datetime import date

import pytest

from housing.extensions import db
from housing.services.reports.occupancy import MoveOuts, occupancy_report
from housing.services.reports.period import Period
from tests.factories import make_person, make_place, make_tenancy, make_unit

MARCH = Period(date(2026, 3, 1), date(2026, 3, 31))


def test_empty_place_days_occupied_places_and_move_outs(app):
    unit, empty_unit = make_unit("PI"), make_unit("PI")
    first, second, unused = make_place(unit), make_place(unit), make_place(unit, out_of_use=True)
    make_tenancy(make_person(), first, date(2026, 2, 1), actual_move_out=date(2026, 3, 11),
                 end_code="own_rental_home")  # 1–10 March: 10 days
    make_tenancy(make_person(), first, date(2026, 3, 20))  # 20–31 March: 12 days, still there
    make_tenancy(make_person(), second, date(2026, 3, 5), planned_move_out=date(2026, 3, 25))  # 20 days
    make_tenancy(make_person(), second, date(2026, 4, 5))  # after the period
    make_tenancy(make_person(), unused, date(2026, 1, 1))  # a place out of use is left out
    db.session.commit()
    report = occupancy_report([unit.id, empty_unit.id], MARCH)
    occupancy, nothing = report.units
    assert (occupancy.places, occupancy.place_days, occupancy.occupied_days) == (2, 62, 42)
    assert occupancy.empty_days == 20 and occupancy.occupied_at_end == 1
    assert occupancy.occupancy == pytest.approx(42 / 62)
    assert (nothing.places, nothing.place_days, nothing.empty_days, nothing.occupancy) == (0, 0, 0, None)
    assert report.move_outs == [MoveOuts(unit.id, "own_rental_home", 1)]  # a planned move-out is not one yet
    assert (report.total.place_days, report.total.empty_days) == (62, 20)


def test_a_tenancy_over_the_whole_period_fills_it(app):
    unit = make_unit("PI")
    make_tenancy(make_person(), make_place(unit), date(2025, 1, 1))
    db.session.commit()
    (occupancy,) = occupancy_report([unit.id], MARCH).units
    assert (occupancy.occupied_days, occupancy.empty_days, occupancy.occupied_at_end) == (31, 0, 1)
