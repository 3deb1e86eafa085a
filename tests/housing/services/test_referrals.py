"""The service path: each step of a referral is a transition the status allows, on a day that
can be, by the responsible social worker; each is recorded with who and when; a referral
still on its way with no progress for 30 days is stalled."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from housing import localtime, rules
from housing.extensions import db
from housing.models import AuditEvent, ReferralStatus, Role
from housing.services import referrals
from housing.services.errors import RuleViolation
from tests.factories import make_person, make_referral, make_user

TODAY = localtime.today()


@pytest.fixture(autouse=True)
def in_english(app):
    with app.test_request_context(), force_locale("en"):
        yield


@pytest.fixture
def worker(app):
    return make_user(Role.SOCIAL_WORKER, "PI")


@pytest.fixture
def person(worker):
    return make_person(worker, "PI")


def _refusal(call) -> RuleViolation:
    with pytest.raises(RuleViolation) as refusal:
        call()
    db.session.rollback()
    return refusal.value


def test_a_referral_goes_from_planned_to_referred_started_and_ended_with_each_step_recorded(worker, person):
    referral = referrals.add(worker, person, {"service": "employment", "provider": " Ohjaamo ", "contact": ""},
                             TODAY - timedelta(days=30))
    assert (referral.status, referral.provider, referral.contact) == (ReferralStatus.PLANNED, "Ohjaamo", None)
    assert referral.last_progress_on == TODAY - timedelta(days=30)  # planned that day
    referrals.take_step(worker, referral, "refer", TODAY - timedelta(days=20), TODAY)
    referrals.take_step(worker, referral, "start", TODAY - timedelta(days=10), TODAY)
    referrals.take_step(worker, referral, "end", TODAY, TODAY)
    assert referral.status == ReferralStatus.COMPLETED
    assert (referral.referred_on, referral.started_on, referral.ended_on) == (
        TODAY - timedelta(days=20), TODAY - timedelta(days=10), TODAY)
    assert [(s.step, s.status.value, s.recorded_by_id) for s in referral.steps] == [
        ("add", "planned", worker.id), ("refer", "referred", worker.id), ("start", "in_progress", worker.id),
        ("end", "completed", worker.id)]
    assert all(step.recorded_at is not None for step in referral.steps)
    assert referral.last_progress_on == TODAY
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.object_type == "service_referral")
                                .order_by(AuditEvent.id)).all()
    assert [(e.action, (e.detail or {}).get("step")) for e in events] == [
        ("create", None), ("update", "refer"), ("update", "start"), ("update", "end")]
    assert {e.young_person_id for e in events} == {person.id}


def test_steps_are_kept_in_the_order_they_happened(worker, person):
    referral = make_referral(person, referred_on=TODAY - timedelta(days=40), start=TODAY - timedelta(days=5))
    assert [s.step for s in referral.steps] == ["refer", "start"]  # added already referred
    assert referral.steps[0].happened_on == TODAY - timedelta(days=40)


@pytest.mark.parametrize(("status_steps", "step", "message"), [
    ({}, "end", "This is not possible while the referral is “Referred”."),
    ({"start": TODAY}, "refer", "This is not possible while the referral is “Started”."),
    ({"start": TODAY, "end": TODAY}, "follow_up", "This is not possible while the referral is “Ended”."),
    ({"refuse": TODAY}, "start", "This is not possible while the referral is “Refused”."),
    ({}, "celebrate", "Choose what happened."),
])
def test_a_step_the_status_does_not_allow_is_refused_and_changes_nothing(worker, person, status_steps, step,
                                                                       message):
    referral = make_referral(person, referred_on=TODAY - timedelta(days=3), **status_steps)
    db.session.commit()
    before = (referral.status, len(referral.steps), referral.last_progress_on)
    refusal = _refusal(lambda: referrals.take_step(worker, referral, step, TODAY, TODAY))
    assert str(refusal.message) == message
    assert (referral.status, len(referral.steps), referral.last_progress_on) == before


def test_days_cannot_be_in_the_future_nor_before_the_step_they_follow(worker, person):
    referral = make_referral(person, referred_on=TODAY - timedelta(days=10))
    db.session.commit()
    future = _refusal(lambda: referrals.take_step(worker, referral, "start", TODAY + timedelta(days=1), TODAY))
    assert (future.field, str(future.message)) == ("happened_on", "The day cannot be in the future.")
    early = _refusal(lambda: referrals.take_step(worker, referral, "start", TODAY - timedelta(days=11), TODAY))
    referred = TODAY - timedelta(days=10)
    assert str(early.message) == (f"The day cannot be before the referral's last recorded step "
                                  f"({referred.day}.{referred.month}.{referred.year}).")
    missing = _refusal(lambda: referrals.take_step(worker, referral, "start", None, TODAY))
    assert str(missing.message) == "Enter the day it happened."
    referrals.take_step(worker, referral, "start", TODAY - timedelta(days=10), TODAY)  # the same day is fine
    ends_early = _refusal(lambda: referrals.take_step(worker, referral, "end", TODAY - timedelta(days=11), TODAY))
    assert ends_early.field == "happened_on"
    future_referral = _refusal(lambda: referrals.add(worker, person, {"service": "health",
                                                                      "referred_on": TODAY + timedelta(days=1)},
                                                     TODAY))
    assert future_referral.field == "referred_on"


def test_refusing_needs_a_reason_and_is_possible_only_before_the_service_starts(worker, person):
    referral = make_referral(person, referred_on=TODAY - timedelta(days=3))
    db.session.commit()
    no_reason = _refusal(lambda: referrals.take_step(worker, referral, "refuse", TODAY, TODAY))
    assert no_reason.field == "refusal_reason"
    referrals.take_step(worker, referral, "refuse", TODAY, TODAY, refusal_reason="service_declined")
    assert (referral.status, referral.ended_on, referral.refusal_reason) == (
        ReferralStatus.DECLINED, TODAY, "service_declined")
    assert referrals.available_steps(referral) == []


def test_an_unknown_service_is_refused(worker, person):
    refusal = _refusal(lambda: referrals.add(worker, person, {"service": "astrology"}, TODAY))
    assert (refusal.field, str(refusal.message)) == ("service", "Choose the service.")


def test_only_the_responsible_social_worker_changes_the_service_path(worker, person):
    referral = make_referral(person, referred_on=TODAY)
    db.session.commit()
    others = [make_user(Role.SOCIAL_WORKER, "PI"), make_user(Role.COORDINATOR, "PI"), make_user(Role.UNIT_STAFF, "PI")]
    for other in others:
        message = "Only the young person's responsible social worker can change the service path."
        assert str(_refusal(lambda o=other: referrals.add(o, person, {"service": "health"}, TODAY)).message) == message
        assert str(_refusal(lambda o=other: referrals.take_step(o, referral, "start", TODAY, TODAY)).message) == message
        assert str(_refusal(lambda o=other: referrals.update_details(o, referral, {"service": "health"})).message) \
            == message


def test_correcting_the_details_is_not_progress(worker, person):
    referral = make_referral(person, referred_on=TODAY - timedelta(days=40))
    changed = referrals.update_details(worker, referral, {"service": "substance_use", "provider": "A-klinikka",
                                                          "contact": referral.contact, "notes": ""})
    assert changed == ["service", "provider"]
    assert referral.last_progress_on == TODAY - timedelta(days=40)


@pytest.mark.parametrize(("days", "stalled"), [(29, False), (30, True), (31, True)])
def test_no_progress_for_30_days_stalls_a_referral(days, stalled):
    assert rules.REFERRAL_NO_PROGRESS_LIMIT == timedelta(days=30)
    assert rules.referral_stalled(date(2026, 12, 1) - timedelta(days=days), date(2026, 12, 1)) is stalled


@pytest.mark.parametrize(("days", "listed"), [(29, False), (30, True), (31, True)])
def test_the_workers_list_of_stalled_referrals_agrees_with_the_rule_at_its_boundary(worker, person, days, listed):
    make_referral(person, referred_on=TODAY - timedelta(days=days))
    rows = referrals.stalled_referrals_of_worker(worker, TODAY)
    assert bool(rows) is listed
    if listed:
        assert (rows[0].days_without_progress, rows[0].stalled) == (days, True)


def test_only_open_referrals_of_ones_own_clients_are_stalled(worker, person):
    long_ago = TODAY - timedelta(days=200)
    make_referral(person, "health", referred_on=long_ago, start=long_ago + timedelta(days=1))  # started: open
    make_referral(person, "education", referred_on=long_ago, refuse=long_ago)
    make_referral(person, "employment", referred_on=long_ago, start=long_ago, end=long_ago + timedelta(days=9))
    make_referral(person, "debt_advice", referred_on=long_ago, follow_up=TODAY - timedelta(days=3))
    make_referral(make_person(make_user(Role.SOCIAL_WORKER, "PI")), "health", referred_on=long_ago)
    rows = referrals.stalled_referrals_of_worker(worker, TODAY)
    assert [row.referral.service for row in rows] == ["health"]
    path = referrals.service_path(person, TODAY)
    assert [row.referral.is_open for row in path] == [True, True, False, False]
    assert {row.referral.service: row.stalled for row in path} == {
        "health": True, "debt_advice": False, "education": False, "employment": False}


def test_a_follow_up_cannot_be_dated_before_the_last_progress(worker, person):
    referral = make_referral(person, referred_on=TODAY - timedelta(days=5))
    db.session.commit()
    refusal = _refusal(lambda: referrals.take_step(worker, referral, "follow_up", TODAY - timedelta(days=6), TODAY))
    assert refusal.field == "happened_on"
