"""The equity report on a hand-made county whose answers are known."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from housing.extensions import db
from housing.models import ApplicationStatus, Offer, OfferStatus, Role
from housing.services.reports.equity import NOT_SHOWN, TOTAL, Decline, equity_report
from housing.services.reports.period import Period
from tests.factories import make_application, make_person, make_place, make_tenancy, make_unit, make_user

TODAY = date(2026, 12, 1)
PERIOD = Period(date(2026, 1, 1), date(2026, 11, 30))


def _at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


class County:
    """Six applications of Pirkanmaa (and one of Helsinki) with known waits."""

    def __init__(self) -> None:
        worker = make_user(Role.SOCIAL_WORKER, "PI")
        self.place = make_place(make_unit("PI"))
        self.a1 = self._listed(worker, date(2026, 3, 1), band=1)
        self._offer(self.a1, date(2026, 3, 11), OfferStatus.ACCEPTED)  # 10 days
        self._moved_in(self.a1, date(2026, 3, 21))  # 20 days: within 90
        self.a2 = self._listed(worker, date(2026, 3, 1), band=3)
        self._offer(self.a2, date(2026, 3, 31), OfferStatus.DECLINED, "location")  # 30 days
        self._offer(self.a2, date(2026, 5, 30), OfferStatus.ACCEPTED)
        self._moved_in(self.a2, date(2026, 6, 29))  # 120 days
        self.a3 = self._listed(worker, date(2026, 4, 1), band=3, wish="536")
        self._offer(self.a3, date(2026, 4, 21), OfferStatus.EXPIRED)  # 20 days
        self.a4 = self._listed(worker, date(2026, 11, 1), band=1, wish="536")  # too recent to measure 90 days
        self._offer(self.a4, date(2026, 11, 5), OfferStatus.ACCEPTED)  # 4 days
        self._moved_in(self.a4, date(2026, 11, 10))  # 9 days
        self._listed(worker, date(2025, 12, 15), band=1)  # before the period
        self.a6 = self._listed(worker, date(2026, 2, 1), band=2, protected=True)
        self._listed(make_user(Role.SOCIAL_WORKER, "HKI"), date(2026, 3, 1), band=1, county="HKI")
        db.session.commit()

    def _listed(self, worker, day, band, wish="837", protected=False, county="PI"):
        person = make_person(worker, county, non_disclosure=protected)
        application = make_application(person, ApplicationStatus.WAITLISTED, urgency_band=band, waitlisted_at=_at(day))
        application.wishes[0].municipality_code = wish
        db.session.flush()
        return application

    def _offer(self, application, sent, status, code=None):
        db.session.add(Offer(application_id=application.id, place_id=self.place.id, status=status, sent_at=_at(sent),
                             declined_by="young_person" if code else None, decline_code=code))
        db.session.flush()

    def _moved_in(self, application, day):
        make_tenancy(application.young_person, make_place(self.place.unit), day, actual_move_in=day,
                     application_id=application.id)


@pytest.fixture
def county(app) -> County:
    return County()


def _by_key(report):
    return {row.key: row for row in report.rows}


def test_waits_offers_and_share_housed_by_wished_municipality(county):
    report = equity_report("PI", PERIOD, "municipality", TODAY)
    rows = _by_key(report)
    assert set(rows) == {"837", "536", NOT_SHOWN}
    tampere = rows["837"]
    assert (tampere.applications, tampere.offers, tampere.declined, tampere.expired) == (2, 3, 1, 0)
    assert tampere.to_offer.count == 2 and tampere.to_offer.values == pytest.approx((20.0, 28.0))
    assert tampere.to_move_in.count == 2 and tampere.to_move_in.values == pytest.approx((70.0, 110.0))
    assert (tampere.housed_in_time, tampere.measured, tampere.housed_share) == (1, 2, 0.5)
    nokia = rows["536"]
    assert (nokia.applications, nokia.offers, nokia.declined, nokia.expired) == (2, 2, 0, 1)
    assert nokia.to_offer.values == pytest.approx((12.0, 18.4))
    assert nokia.to_move_in.count == 1 and nokia.to_move_in.values == pytest.approx((9.0, 9.0))
    assert (nokia.housed_in_time, nokia.measured) == (0, 1)  # the one housed in 9 days was listed a month ago
    hidden = rows[NOT_SHOWN]  # non-disclosure: never grouped by a place
    assert (hidden.applications, hidden.offers, hidden.to_offer.count, hidden.measured) == (1, 0, 0, 1)
    assert report.declines == [Decline("837", "young_person", "location", 1)]


def test_county_total_and_bands(county):
    report = equity_report("PI", PERIOD, "band", TODAY)
    total = report.total
    assert total.key == TOTAL and (total.applications, total.offers, total.declined, total.expired) == (5, 5, 1, 1)
    assert total.to_offer.values == pytest.approx((15.0, 27.0))  # 4, 10, 20, 30
    assert total.to_move_in.values == pytest.approx((20.0, 100.0))  # 9, 20, 120
    assert (total.housed_in_time, total.measured, total.housed_share) == (1, 4, 0.25)
    rows = _by_key(report)
    assert {key: row.applications for key, row in rows.items()} == {"1": 2, "2": 1, "3": 2}
    assert rows["1"].to_offer.values == pytest.approx((7.0, 9.4))  # 4 and 10 days
    assert report.declines == [Decline("3", "young_person", "location", 1)]


def test_county_of_residence_hides_the_protected(county):
    rows = _by_key(equity_report("PI", PERIOD, "county", TODAY))
    assert {key: row.applications for key, row in rows.items()} == {"PI": 4, NOT_SHOWN: 1}


def test_an_empty_period_has_an_empty_total(county):
    report = equity_report("PI", Period(date(2024, 1, 1), date(2024, 12, 31)), "municipality", TODAY)
    assert report.rows == [] and report.total.applications == 0 and report.total.to_offer.median is None
