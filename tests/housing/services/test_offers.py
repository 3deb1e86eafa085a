"""Offers and their answers: accepting plans the move-in, a decline or an expiry returns the
application to its old place in the queue and frees the place; the unit's move-in houses."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from housing import localtime
from housing.extensions import db
from housing.models import ApplicationStatus, OfferStatus, Role, Tenancy
from housing.services import applications, moves, offers, proposals, round_problem, waitlist
from housing.services.errors import RuleViolation
from tests.factories import apply_for, make_person, make_place, make_unit, make_user, run_round

TODAY = localtime.today()


@pytest.fixture(autouse=True)
def in_english(app):
    with app.test_request_context(), force_locale("en"):
        yield


@pytest.fixture
def offered(app):
    """A county queue of four; the first is offered the one free place by a round."""
    class County:
        coordinator = make_user(Role.COORDINATOR, "PI")
        worker = make_user(Role.SOCIAL_WORKER, "PI")
        unit = make_unit("PI")
        manager = make_user(Role.UNIT_MANAGER, "PI", units=[unit])
        staff = make_user(Role.UNIT_STAFF, "PI", units=[unit])
        place = make_place(unit, label="A 1")

    county = County()
    county.queue = [apply_for(make_person(county.worker, "PI"), coordinator=county.coordinator,
                              need_since=TODAY - timedelta(days=40 - n)) for n in range(4)]
    db.session.commit()
    solved = run_round(county.coordinator)
    first = next(p for p in solved.proposals if p.place_id)
    county.offer = proposals.approve(county.coordinator, first, TODAY)
    db.session.commit()
    return county


def test_a_declined_offer_returns_the_application_to_its_place_in_the_queue_and_frees_the_place(offered):
    first = offered.queue[0]
    assert offered.offer.application_id == first.id
    before = waitlist.positions("PI", [a.id for a in offered.queue[1:]])
    assert waitlist.positions("PI", [first.id]) == {}  # offered: out of the queue meanwhile
    offers.decline(offered.worker, offered.offer, "young_person", "location", "Liian kaukana koulusta.")
    db.session.commit()
    assert first.status == ApplicationStatus.WAITLISTED
    assert waitlist.positions("PI", [first.id]) == {first.id: 1}  # the same place: first in the queue
    assert waitlist.positions("PI", [a.id for a in offered.queue[1:]]) == {k: v + 1 for k, v in before.items()}
    assert offers.declines_of([first.id]) == {first.id: 1}
    assert offered.offer.declined_by == "young_person" and offered.offer.decline_code == "location"
    assert offered.place.id in set(db.session.scalars(round_problem.places_free_by("PI", TODAY).with_only_columns(
        round_problem.Place.id)))
    assert first.status_changes[-1].reason.startswith("The young person: The location does not suit")


def test_a_unit_declines_with_its_own_reasons_and_that_is_not_the_young_persons_decline(offered):
    with pytest.raises(RuleViolation) as refusal:
        offers.decline(offered.worker, offered.offer, "unit", "location", None)
    assert refusal.value.field == "decline_code"
    with pytest.raises(RuleViolation) as refusal:
        offers.decline(offered.worker, offered.offer, "unit", "other", "  ")
    assert refusal.value.field == "decline_reason"
    offers.decline(offered.worker, offered.offer, "unit", "support_need", None)
    assert offers.declines_of([offered.queue[0].id]) == {}


def test_an_unanswered_offer_expires_the_day_after_its_answer_day(offered):
    offer = offered.offer
    assert offers.expire_overdue(offer.respond_by) == []  # the answer day itself still counts
    [expired] = offers.expire_overdue(offer.respond_by + timedelta(days=1))
    db.session.commit()
    assert expired.status == OfferStatus.EXPIRED and expired.expired_at is not None
    first = offered.queue[0]
    assert first.status == ApplicationStatus.WAITLISTED and waitlist.positions("PI", [first.id]) == {first.id: 1}
    assert first.status_changes[-1].by_id is None  # done by the command, on no one's behalf
    with pytest.raises(RuleViolation, match="already been answered"):
        offers.accept(offered.worker, offer, None)


def test_accepting_plans_the_move_in_and_the_units_record_houses_the_application(offered):
    offer = offered.offer
    with pytest.raises(RuleViolation) as refusal:
        offers.accept(offered.worker, offer, TODAY - timedelta(days=1))
    assert refusal.value.field == "move_in"
    tenancy = offers.accept(offered.worker, offer, TODAY)
    db.session.commit()
    first = offered.queue[0]
    assert tenancy.move_in == TODAY and not tenancy.moved_in and tenancy.application_id == first.id
    assert offer.status == OfferStatus.ACCEPTED and first.status == ApplicationStatus.OFFERED
    with pytest.raises(RuleViolation, match="receiving unit"):
        moves.record_move_in(make_user(Role.UNIT_STAFF, "PI", units=[make_unit("PI")]), tenancy, TODAY, TODAY)
    with pytest.raises(RuleViolation) as refusal:
        moves.record_move_in(offered.staff, tenancy, TODAY + timedelta(days=1), TODAY)
    assert refusal.value.field == "day"
    moves.record_move_in(offered.staff, tenancy, TODAY, TODAY)
    db.session.commit()
    assert tenancy.actual_move_in == TODAY and tenancy.moved_in_recorded_by_id == offered.staff.id
    assert first.status == ApplicationStatus.HOUSED and first.status_changes[-1].by_id == offered.staff.id


def test_only_the_worker_or_the_coordinator_records_the_answer(offered):
    other_worker = make_user(Role.SOCIAL_WORKER, "PI")
    with pytest.raises(RuleViolation):
        offers.accept(other_worker, offered.offer, None)
    with pytest.raises(RuleViolation):
        offers.decline(offered.manager, offered.offer, "unit", "safety", None)


def test_a_withdrawn_application_takes_its_accepted_offer_and_planned_tenancy_with_it(offered):
    tenancy = offers.accept(offered.worker, offered.offer, TODAY + timedelta(days=5))
    db.session.commit()
    applications.withdraw(offered.worker, offered.queue[0], "Muutti toiselle paikkakunnalle.")
    db.session.commit()
    assert offered.offer.status == OfferStatus.WITHDRAWN
    assert db.session.get(Tenancy, tenancy.id) is None


def test_the_application_history_shows_every_step(offered):
    offers.accept(offered.worker, offered.offer, TODAY)
    tenancy = db.session.scalar(select(Tenancy).where(Tenancy.offer_id == offered.offer.id))
    moves.record_move_in(offered.manager, tenancy, TODAY, TODAY)
    moves.record_move_out(offered.manager, tenancy, TODAY + timedelta(days=90), "own_rental_home", None, TODAY)
    db.session.commit()
    from housing.services.application_views import view_application

    view = view_application(offered.coordinator, offered.queue[0], TODAY)
    steps = [entry.event or entry.to_status.value for entry in view.history]
    assert steps == ["draft", "submitted", "waitlisted", "offer_sent", "offered", "offer_accepted", "moved_in",
                     "housed", "move_out"]
