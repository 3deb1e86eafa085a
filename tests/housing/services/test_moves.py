"""Moves: a move-out frees the place from its day, a transfer ends one tenancy and starts the
next, alerts for aftercare ending and places left empty; and no place ever has two
tenancies at once, also when people try at the same moment (PostgreSQL)."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from housing import localtime
from housing.extensions import db
from housing.models import MoveStatus, Offer, Place, Role, Tenancy
from housing.services import move_views, moves, offers, tenancies
from housing.services.errors import RuleViolation
from tests.factories import apply_for, make_person, make_place, make_tenancy, make_unit, make_user

TODAY = localtime.today()


@pytest.fixture(autouse=True)
def in_english(app):
    with app.test_request_context(), force_locale("en"):
        yield


@pytest.fixture
def unit_world(app):
    class World:
        coordinator = make_user(Role.COORDINATOR, "PI")
        worker = make_user(Role.SOCIAL_WORKER, "PI")
        unit = make_unit("PI", name="Kotiranta")
        other_unit = make_unit("PI", name="Tammela")
        manager = make_user(Role.UNIT_MANAGER, "PI", units=[unit])
        place = make_place(unit, label="Huone 1")
        free = make_place(other_unit, label="A 2")

    world = World()
    world.person = make_person(world.worker, "PI")
    world.tenancy = make_tenancy(world.person, world.place, TODAY - timedelta(days=100))
    db.session.commit()
    return world


def test_a_move_out_frees_the_place_from_its_day(unit_world):
    w = unit_world
    with pytest.raises(RuleViolation) as refusal:
        moves.record_move_out(w.manager, w.tenancy, TODAY + timedelta(days=30), "other", "", TODAY)
    assert refusal.value.field == "text"
    request = moves.record_move_out(w.worker, w.tenancy, TODAY + timedelta(days=30), "own_rental_home",
                                    "Vuokrasopimus Hervantaan.", TODAY)
    assert w.tenancy.planned_move_out == TODAY + timedelta(days=30) and w.tenancy.actual_move_out is None
    assert (request.kind.value, request.status, request.decided_by_id) == ("move_out", MoveStatus.APPROVED,
                                                                          w.worker.id)
    assert tenancies.overlapping_tenancy(w.place.id, TODAY + timedelta(days=30), None) is None
    assert tenancies.overlapping_tenancy(w.place.id, TODAY + timedelta(days=29), None) is not None
    outsider = make_user(Role.SOCIAL_WORKER, "PI")
    with pytest.raises(RuleViolation):
        moves.record_move_out(outsider, w.tenancy, TODAY, "other", "x", TODAY)


def test_a_move_out_today_is_the_actual_one(unit_world):
    moves.record_move_out(unit_world.coordinator, unit_world.tenancy, TODAY, "aftercare_ended", None, TODAY)
    assert unit_world.tenancy.actual_move_out == TODAY and unit_world.tenancy.end_code == "aftercare_ended"


def test_an_approved_transfer_ends_one_tenancy_and_starts_the_next(unit_world):
    w = unit_world
    request = moves.request_transfer(w.manager, w.tenancy, "less_support", None, TODAY + timedelta(days=14),
                                     w.other_unit.id, TODAY)
    with pytest.raises(RuleViolation, match="already been asked"):
        moves.request_transfer(w.worker, w.tenancy, "other", "Toinen pyyntö.", None, None, TODAY)
    with pytest.raises(RuleViolation):
        moves.approve_transfer(make_user(Role.COORDINATOR, "HKI"), request, w.free.id, TODAY + timedelta(days=14),
                               TODAY)
    new = moves.approve_transfer(w.coordinator, request, w.free.id, TODAY + timedelta(days=14), TODAY)
    db.session.commit()
    assert w.tenancy.planned_move_out == new.move_in == TODAY + timedelta(days=14)
    assert w.tenancy.end_code == "transfer" and not new.moved_in
    assert (request.status, request.new_tenancy_id, request.target_place_id) == (MoveStatus.APPROVED, new.id,
                                                                                w.free.id)


def test_a_transfer_into_a_taken_place_is_refused_clearly(unit_world):
    w = unit_world
    make_tenancy(make_person(w.worker, "PI"), w.free, TODAY - timedelta(days=10))
    request = moves.request_transfer(w.worker, w.tenancy, "safety", None, None, None, TODAY)
    with pytest.raises(RuleViolation, match="already taken") as refusal:
        moves.approve_transfer(w.coordinator, request, w.free.id, TODAY + timedelta(days=3), TODAY)
    assert refusal.value.field == "move_in"
    with pytest.raises(RuleViolation) as refusal:
        moves.reject_transfer(w.coordinator, request, " ")
    assert refusal.value.field == "note"
    moves.reject_transfer(w.coordinator, request, "Ei vapaita paikkoja nyt.")
    assert request.status == MoveStatus.REJECTED


def test_alerts_for_aftercare_ending_and_places_left_empty(unit_world):
    w = unit_world
    ending = make_person(w.worker, "PI", birth=date(TODAY.year - 23, 1, 1) + timedelta(days=400))
    home = make_place(w.unit, label="Huone 2")
    make_tenancy(ending, home, TODAY - timedelta(days=50))
    lonely = make_place(w.unit, label="Huone 3")
    lonely.created_at -= timedelta(days=40)
    recent = make_place(w.unit, label="Huone 4")
    make_tenancy(make_person(w.worker, "PI"), recent, TODAY - timedelta(days=200),
                 actual_move_out=TODAY - timedelta(days=5))
    db.session.commit()
    view = move_views.overview(w.coordinator, TODAY, w.unit.id)
    ends_soon = [row.person.id for row in view.aftercare_ending]
    from housing import rules

    assert (ending.id in ends_soon) == (rules.aftercare_ends_on(ending.birth_date) <= TODAY + timedelta(days=90))
    assert w.person.id not in ends_soon
    assert [e.place.id for e in view.empty_places] == [lonely.id]  # the recent one is empty 5 days only


def test_the_units_staff_see_a_protected_incoming_resident_without_their_name(unit_world):
    w = unit_world
    protected = make_person(w.worker, "PI", non_disclosure=True)
    make_tenancy(protected, make_place(w.unit, label="Huone 5"), TODAY + timedelta(days=3))
    db.session.commit()
    staff_view = move_views.overview(w.manager, TODAY)
    [row] = staff_view.move_ins
    assert row.person is None and row.hidden == "non_disclosure" and row.tenancy.place.label == "Huone 5"
    [row] = move_views.overview(w.coordinator, TODAY, w.unit.id).move_ins
    assert row.person.id == protected.id


# --------------------------------------------------------------------------- one place, many hands at once


def _race(app, attempts):
    """Run each attempt in its own thread, session and transaction, all let go at once."""
    start = threading.Barrier(len(attempts))
    outcomes: list = [None] * len(attempts)

    def run(index, attempt):
        with app.app_context(), app.test_request_context(), force_locale("en"):
            try:
                start.wait()
                attempt()
                db.session.commit()
                outcomes[index] = "won"
            except RuleViolation as refusal:
                db.session.rollback()
                outcomes[index] = str(refusal.message)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def _postgresql_only():
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks and the exclusion constraint are PostgreSQL's")


@pytest.fixture
def contested(unit_world):
    """A free place wanted at once: an offer waiting for an answer and two transfers asked for."""
    _postgresql_only()
    w = unit_world
    applicant = apply_for(make_person(w.worker, "PI"), coordinator=w.coordinator)
    offer = offers.send_offer(w.coordinator, applicant, w.free, today=TODAY, respond_days=7)
    transfers = []
    for label in ("Huone 7", "Huone 8"):
        tenancy = make_tenancy(make_person(w.worker, "PI"), make_place(w.unit, label=label),
                               TODAY - timedelta(days=60))
        transfers.append(moves.request_transfer(w.manager, tenancy, "safety", None, None, None, TODAY))
    db.session.commit()
    return w, offer.id, [t.id for t in transfers]


def _attempts(w, offer_id, transfer_ids, day):
    from housing.models import MoveRequest, User

    def accept():
        offers.accept(db.session.get(User, w.worker.id), db.session.get(Offer, offer_id), day)

    def transfer(request_id):
        return lambda: moves.approve_transfer(db.session.get(User, w.coordinator.id),
                                              db.session.get(MoveRequest, request_id), w.free.id, day, TODAY)

    return [accept, *[transfer(request_id) for request_id in transfer_ids]]


def _tenancies_of(place_id: int) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Tenancy).where(Tenancy.place_id == place_id))


def test_concurrent_accept_and_transfers_into_one_place_exactly_one_wins(app, contested):
    w, offer_id, transfer_ids = contested
    outcomes = _race(app, _attempts(w, offer_id, transfer_ids, TODAY + timedelta(days=2)))
    assert outcomes.count("won") == 1, outcomes
    assert all("already taken" in outcome for outcome in outcomes if outcome != "won"), outcomes
    assert _tenancies_of(w.free.id) == 1


def test_the_database_refuses_an_overlap_that_slips_past_every_check(app, contested, monkeypatch):
    """With the lock and the check taken away, PostgreSQL's exclusion constraint still decides."""
    w, offer_id, transfer_ids = contested
    monkeypatch.setattr(tenancies, "lock_place", lambda place_id: db.session.get(Place, place_id))
    monkeypatch.setattr(tenancies, "_check_free", lambda *args, **kwargs: None)
    outcomes = _race(app, _attempts(w, offer_id, transfer_ids, TODAY + timedelta(days=2)))
    assert outcomes.count("won") == 1, outcomes
    assert all("already taken" in outcome for outcome in outcomes if outcome != "won"), outcomes
    assert _tenancies_of(w.free.id) == 1
