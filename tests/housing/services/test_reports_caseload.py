"""Caseload over time against the dated limit, on hand-made clients."""

from __future__ import annotations

from datetime import UTC, date, datetime

from housing import rules
from housing.extensions import db
from housing.models import Role, User
from housing.services.reports.caseload import caseload_report
from housing.services.reports.period import Period
from tests.factories import make_person, make_user


def test_clients_at_each_month_end_against_the_limit(app):
    first = make_user(Role.SOCIAL_WORKER, "PI", name="Aalto Anna")
    make_user(Role.SOCIAL_WORKER, "PI", name="Berg Bo")
    make_user(Role.SOCIAL_WORKER, "HKI", name="Elsewhere")
    registered = datetime(2026, 3, 20, tzinfo=UTC)
    make_person(first, placement_end=date(2026, 1, 15), created_at=registered)  # a client since the care ended
    make_person(first, placement_end=None, created_at=datetime(2026, 3, 10, 9, tzinfo=UTC))  # since registered
    make_person(first, placement_end=date(2026, 6, 1), created_at=datetime(2026, 2, 1, tzinfo=UTC))  # registered first
    db.session.commit()
    report = caseload_report((User.role == Role.SOCIAL_WORKER) & (User.county_id == "PI"),
                             Period(date(2026, 1, 1), date(2026, 3, 15)), warning_at=2)
    assert report.days == [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 15)]
    assert report.limits == [30, 30, 30]
    assert [(w.name, [p.clients for p in w.points]) for w in report.workers] == [
        ("Aalto Anna", [1, 2, 3]), ("Berg Bo", [0, 0, 0])]
    assert [p.state for p in report.workers[0].points] == [
        rules.CaseloadState.OK, rules.CaseloadState.WARNING, rules.CaseloadState.WARNING]


def test_the_limit_is_the_one_in_force_on_each_day(app):
    worker = make_user(Role.SOCIAL_WORKER, "PI")
    for _ in range(31):
        make_person(worker, placement_end=date(2023, 10, 1))
    db.session.commit()
    report = caseload_report(User.id == worker.id, Period(date(2023, 11, 1), date(2024, 1, 15)), warning_at=25)
    assert report.limits == [35, 35, 30]  # 35 in 2022–2023, 30 since
    assert [p.state for p in report.workers[0].points] == [
        rules.CaseloadState.WARNING, rules.CaseloadState.WARNING, rules.CaseloadState.OVER_LIMIT]
