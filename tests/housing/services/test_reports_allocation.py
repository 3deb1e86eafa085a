"""Allocation quality: each round next to the greedy method, as stored when it was solved."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from housing import localtime
from housing.extensions import db
from housing.models import AllocationRound, ApplicationStatus, Proposal, ProposalDecision, Role, RoundStatus
from housing.services.reports.allocation import allocation_report
from housing.services.reports.period import Period
from tests.factories import apply_for, make_person, make_place, make_unit, make_user, run_round


def _round(as_of: date, comparison, status=RoundStatus.CLOSED, county="PI") -> AllocationRound:
    round_ = AllocationRound(county_id=county, as_of=as_of, status=status, comparison=comparison)
    db.session.add(round_)
    db.session.flush()
    return round_


def _side(by_band, first_wishes, km):
    return {"housed_by_band": dict(zip(("1", "2", "3"), by_band, strict=True)), "housed": sum(by_band),
            "first_wishes": first_wishes, "mean_km": km}


def test_rounds_of_the_period_with_both_methods_and_decisions(app):
    person = make_person(make_user(Role.SOCIAL_WORKER, "PI"))
    application = apply_for(person, ApplicationStatus.WAITLISTED)
    place = make_place(make_unit("PI"))
    comparison = {"optimal": _side((2, 3, 1), 5, 4.5), "greedy": _side((2, 1, 2), 3, 7.0),
                  "applicants": 9, "places": 6}
    kept = _round(date(2026, 5, 4), comparison)
    for decision in (ProposalDecision.APPROVED, ProposalDecision.APPROVED, ProposalDecision.REJECTED):
        db.session.add(Proposal(round_id=kept.id, application_id=application.id, priority_rank=0, place_id=place.id,
                                decision=decision))
    db.session.add(Proposal(round_id=kept.id, application_id=application.id, priority_rank=1, place_id=None))
    _round(date(2025, 5, 4), comparison)  # before the period
    _round(date(2026, 6, 1), comparison, county="HKI")
    _round(date(2026, 6, 1), None, status=RoundStatus.FAILED)
    db.session.commit()
    (quality,) = allocation_report("PI", Period(date(2026, 1, 1), date(2026, 12, 1)))
    assert (quality.round_id, quality.applicants, quality.places) == (kept.id, 9, 6)
    assert quality.optimal.housed_by_band == {"1": 2, "2": 3, "3": 1} and quality.optimal.housed == 6
    assert quality.optimal.first_wish_rate == pytest.approx(5 / 6)
    assert quality.greedy.housed == 5 and quality.greedy.first_wish_rate == pytest.approx(3 / 5)
    assert quality.decisions == {"approved": 2, "rejected": 1}


def test_a_real_round_reports_what_its_analysis_stored(app):
    worker, coordinator = make_user(Role.SOCIAL_WORKER, "PI"), make_user(Role.COORDINATOR, "PI")
    for _ in range(2):
        apply_for(make_person(worker), ApplicationStatus.WAITLISTED, coordinator)
    make_place(make_unit("PI"), available_from=localtime.today() - timedelta(days=1))
    finished = run_round(coordinator)
    today = localtime.today()
    (quality,) = allocation_report("PI", Period(today - timedelta(days=30), today))
    assert quality.round_id == finished.id and (quality.applicants, quality.places) == (2, 1)
    assert quality.optimal.housed == quality.greedy.housed == 1
    assert quality.decisions == {"pending": 1}
