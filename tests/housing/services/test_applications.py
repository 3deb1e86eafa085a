"""The application service: every step allowed and refused, the checks of a submission,
and versioned changes."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from housing import localtime, rules
from housing.extensions import db
from housing.models import (
    Application,
    ApplicationEdit,
    ApplicationStatus,
    ApplicationStatusChange,
    AuditEvent,
    Municipality,
    Offer,
    OfferStatus,
    Role,
)
from housing.services import applications as service
from housing.services import waitlist
from housing.services.applications import WishInput
from housing.services.errors import RuleViolation, RuleViolations
from tests.factories import application_data, apply_for, make_person, make_place, make_unit, make_user

S = ApplicationStatus
TODAY = localtime.today()


@pytest.fixture(autouse=True)
def in_english(app):
    """The service's messages are translatable; these tests read them in English."""
    with app.test_request_context(), force_locale("en"):
        yield


@pytest.fixture
def people(app):
    class People:
        worker = make_user(Role.SOCIAL_WORKER, "PI")
        coordinator = make_user(Role.COORDINATOR, "PI")
        other_worker = make_user(Role.SOCIAL_WORKER, "PI")
        other_coordinator = make_user(Role.COORDINATOR, "HKI")
        staff = make_user(Role.UNIT_STAFF, "PI")

    people = People()
    people.person = make_person(people.worker, "PI")
    return people


def _changes(application: Application) -> list[tuple]:
    rows = db.session.scalars(select(ApplicationStatusChange).where(
        ApplicationStatusChange.application_id == application.id).order_by(ApplicationStatusChange.at))
    return [(c.from_status, c.to_status, c.by_id, c.reason) for c in rows]


def _audit_count() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent))


def test_the_whole_path_is_recorded_step_by_step(people):
    worker, coordinator = people.worker, people.coordinator
    application = service.create_draft(worker, people.person, application_data(consent=False), TODAY)
    service.update_application(worker, application, application_data(), TODAY)  # a draft: no version
    service.submit(worker, application, TODAY)
    service.return_with_question(coordinator, application, "Onko nuorella lemmikkiä?")
    service.answer_and_resubmit(worker, application, "Ei ole.", TODAY)
    service.waitlist(coordinator, application, TODAY)
    service.mark_offered(coordinator, application)
    service.back_to_waitlist(worker, application, "Kieltäytyi: liian kaukana koulusta.")
    service.mark_offered(coordinator, application)
    service.mark_housed(worker, application)
    assert _changes(application) == [
        (None, S.DRAFT, worker.id, None),
        (S.DRAFT, S.SUBMITTED, worker.id, None),
        (S.SUBMITTED, S.RETURNED, coordinator.id, "Onko nuorella lemmikkiä?"),
        (S.RETURNED, S.SUBMITTED, worker.id, "Ei ole."),
        (S.SUBMITTED, S.WAITLISTED, coordinator.id, None),
        (S.WAITLISTED, S.OFFERED, coordinator.id, None),
        (S.OFFERED, S.WAITLISTED, worker.id, "Kieltäytyi: liian kaukana koulusta."),
        (S.WAITLISTED, S.OFFERED, coordinator.id, None),
        (S.OFFERED, S.HOUSED, worker.id, None),
    ]
    assert application.status == S.HOUSED and application.submitted_at and application.waitlisted_at
    assert application.consent_on == TODAY and application.edits == []
    steps = [e.detail["step"] for e in db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == "application", AuditEvent.action == "update").order_by(AuditEvent.id))
        if "step" in (e.detail or {})]
    assert steps == ["submit", "return_with_question", "answer_and_resubmit", "waitlist", "mark_offered",
                     "back_to_waitlist", "mark_offered", "mark_housed"]


STEP_CALLS = {
    "submit": lambda actor, a: service.submit(actor, a, TODAY),
    "return_with_question": lambda actor, a: service.return_with_question(actor, a, "Kysymys?"),
    "answer_and_resubmit": lambda actor, a: service.answer_and_resubmit(actor, a, "Vastaus.", TODAY),
    "waitlist": lambda actor, a: service.waitlist(actor, a, TODAY, "Tarkistettu."),
    "withdraw": lambda actor, a: service.withdraw(actor, a, "Ei tarvetta."),
    "close": lambda actor, a: service.close(actor, a, "Muutti pois."),
    "mark_offered": lambda actor, a: service.mark_offered(actor, a),
    "back_to_waitlist": lambda actor, a: service.back_to_waitlist(actor, a, "Kieltäytyi."),
    "mark_housed": lambda actor, a: service.mark_housed(actor, a),
}


def _refused_without_change(people, application: Application, call) -> RuleViolation:
    before = (application.status, len(_changes(application)), _audit_count())
    with pytest.raises(RuleViolation) as refusal:
        call()
    db.session.rollback()
    refreshed = db.session.get(Application, application.id)
    assert (refreshed.status, len(_changes(refreshed)), _audit_count()) == before
    return refusal.value


OPEN = {S.DRAFT, S.SUBMITTED, S.RETURNED, S.WAITLISTED, S.OFFERED}
# DESIGN.md §5, written out here so that a change of the service's table shows up.
ALLOWED = {  # step: (from which states, to which state, whose step)
    "submit": ({S.DRAFT}, S.SUBMITTED, "worker"),
    "return_with_question": ({S.SUBMITTED}, S.RETURNED, "coordinator"),
    "answer_and_resubmit": ({S.RETURNED}, S.SUBMITTED, "worker"),
    "waitlist": ({S.SUBMITTED}, S.WAITLISTED, "coordinator"),
    "withdraw": (OPEN, S.WITHDRAWN, "worker"),
    "close": (OPEN, S.CLOSED, "coordinator"),
    "mark_offered": ({S.WAITLISTED}, S.OFFERED, "coordinator"),
    "back_to_waitlist": ({S.OFFERED}, S.WAITLISTED, "worker"),
    "mark_housed": ({S.OFFERED}, S.HOUSED, "worker"),
}


@pytest.mark.parametrize("step", list(ALLOWED))
def test_each_step_is_taken_from_its_states_and_refused_from_all_others(people, step):
    sources, target, whose = ALLOWED[step]
    actor = people.worker if whose == "worker" else people.coordinator
    for status in S:
        application = apply_for(make_person(people.worker, "PI"), status, coordinator=people.coordinator)
        db.session.commit()
        if status in sources:
            STEP_CALLS[step](actor, application)
            assert application.status == target and _changes(application)[-1][1:3] == (target, actor.id)
        else:
            refusal = _refused_without_change(people, application, lambda a=application: STEP_CALLS[step](actor, a))
            assert "not possible while the application is" in str(refusal.message), (step, status)


@pytest.mark.parametrize("step", list(ALLOWED))
def test_each_step_is_refused_to_anyone_who_may_not_take_it(people, step):
    sources, _target, whose = ALLOWED[step]
    status = sorted(sources)[0]
    wrong = [people.other_worker, people.other_coordinator, people.staff]
    if step not in ("back_to_waitlist", "mark_housed"):  # recorded by either the worker or the coordinator
        wrong.append(people.coordinator if whose == "worker" else people.worker)
    for actor in wrong:
        application = apply_for(make_person(people.worker, "PI"), status, coordinator=people.coordinator)
        db.session.commit()
        take = STEP_CALLS[step]
        refusal = _refused_without_change(people, application, lambda a=application, who=actor, t=take: t(who, a))
        assert "Only" in str(refusal.message), (step, actor.role)


@pytest.mark.parametrize("step", ["return_with_question", "answer_and_resubmit", "withdraw", "close",
                                  "back_to_waitlist"])
def test_steps_that_need_a_reason_refuse_an_empty_one(people, step):
    sources, _target, whose = ALLOWED[step]
    application = apply_for(people.person, sorted(sources)[0], coordinator=people.coordinator)
    db.session.commit()
    actor = people.worker if whose == "worker" else people.coordinator
    calls = {
        "return_with_question": lambda: service.return_with_question(actor, application, "  "),
        "answer_and_resubmit": lambda: service.answer_and_resubmit(actor, application, "", TODAY),
        "withdraw": lambda: service.withdraw(actor, application, ""),
        "close": lambda: service.close(actor, application, " "),
        "back_to_waitlist": lambda: service.back_to_waitlist(actor, application, ""),
    }
    refusal = _refused_without_change(people, application, calls[step])
    assert refusal.field == "reason"


def _fields(refusal: RuleViolation) -> dict[str, str]:
    return {v.field: str(v.message) for v in getattr(refusal, "violations", [refusal])}


def test_submitting_checks_everything_and_names_each_field(people):
    application = service.create_draft(people.worker, people.person, application_data(
        support_level=None, need_since=None, consent=False, urgency_band=1, wishes=[]), TODAY)
    with pytest.raises(RuleViolations) as refusal:
        service.submit(people.worker, application, TODAY)
    assert set(_fields(refusal.value)) == {"support_level", "need_since", "urgency_ground", "urgency_reason",
                                           "wishes.0.municipality", "consent"}
    assert application.status == S.DRAFT


def test_bad_values_are_refused_even_in_a_draft(people):
    stranger = make_person(make_user(Role.SOCIAL_WORKER, "HKI"), "HKI")
    data = application_data(
        need_since=TODAY + timedelta(days=1), household_size=7, urgency_band=2, urgency_ground="no_home",
        wishes=[WishInput(label="Tukholma", lat=59.33, lon=18.07), WishInput(municipality="Atlantis"),
                WishInput(municipality="837", lat=61.45)],
        not_with_add=[stranger.identity_code, "123456-789X", people.person.identity_code],
    )
    with pytest.raises(RuleViolations) as refusal:
        service.create_draft(people.worker, people.person, data, TODAY)
    fields = _fields(refusal.value)
    assert "future" in fields["need_since"]
    assert "1 to 6 people" in fields["household_size"]
    assert "band 1" in fields["urgency_ground"]
    assert "not in Finland" in fields["wishes.0.lat"]
    assert "No municipality" in fields["wishes.1.municipality"]
    assert "both latitude and longitude" in fields["wishes.2.lat"]
    messages = [str(v.message) for v in refusal.value.violations if v.field == "not_with_add"]
    assert any("registered in this county" in m for m in messages)
    assert any("not a valid identity code" in m for m in messages)
    assert any("own list" in m for m in messages)
    assert db.session.scalar(select(func.count()).select_from(Application)) == 0


def test_a_named_point_and_municipalities_by_name_in_either_language(people):
    data = application_data(wishes=[WishInput(municipality="tammerfors"), WishInput(label="Hervanta", lat=61.45,
                                                                                    lon=23.851),
                                    WishInput(municipality="Nokia", label="Koulun lähellä", lat=61.48, lon=23.5)])
    application = service.create_draft(people.worker, people.person, data, TODAY)
    wishes = [(w.rank, w.municipality_code, w.label, w.lat) for w in application.wishes]
    tampere = db.session.get(Municipality, "837")
    assert wishes == [(0, "837", None, tampere.lat), (1, None, "Hervanta", 61.45), (2, "536", "Koulun lähellä", 61.48)]


def test_urgency_follows_the_recorded_lack_of_housing_and_the_placement_end(people):
    person = people.person
    person.housing_lack_recorded_on = TODAY - timedelta(days=3)
    application = service.create_draft(people.worker, person, application_data(urgency_band=2,
        urgency_ground="care_ends_soon", urgency_reason="Sijoitus päättyy."), TODAY)
    with pytest.raises(RuleViolations) as refusal:
        service.submit(people.worker, application, TODAY)
    fields = _fields(refusal.value)
    assert "35 §" in fields["urgency_band"] and "90 days" in fields["urgency_ground"]
    person.housing_lack_recorded_on = None
    person.placement_end = TODAY + timedelta(days=60)
    service.submit(people.worker, application, TODAY)
    assert application.status == S.SUBMITTED


def test_a_household_counts_the_children_who_live_in_it(people):
    people.person.children_in_household = 2
    application = service.create_draft(people.worker, people.person, application_data(household_size=2), TODAY)
    with pytest.raises(RuleViolations) as refusal:
        service.submit(people.worker, application, TODAY)
    assert "at least 3 people" in _fields(refusal.value)["household_size"]


@pytest.mark.parametrize("days_before_birthday, possible", [(1, True), (0, False)])
def test_no_application_past_the_age_limit(people, days_before_birthday, possible):
    birthday_23 = date(2027, 5, 10)
    person = people.person
    person.birth_date = rules.birthday(birthday_23, -23)
    day = birthday_23 - timedelta(days=days_before_birthday)
    application = service.create_draft(people.worker, person, application_data(need_since=day - timedelta(days=9)),
                                       day)
    if possible:
        service.submit(people.worker, application, day)
        assert application.status == S.SUBMITTED
    else:
        with pytest.raises(RuleViolations) as refusal:
            service.submit(people.worker, application, day)
        assert "age limit" in _fields(refusal.value)["young_person_id"]


def test_discretionary_aftercare_needs_the_coordinators_reason(people):
    person = people.person
    person.placement_type, person.placement_start, person.placement_end = "other", None, None
    application = apply_for(person, S.SUBMITTED, coordinator=people.coordinator)
    with pytest.raises(RuleViolation) as refusal:
        service.waitlist(people.coordinator, application, TODAY)
    assert refusal.value.field == "reason"
    service.waitlist(people.coordinator, application, TODAY, "Kunta järjestää harkinnanvaraisesti.")
    assert application.status == S.WAITLISTED


def test_one_open_application_per_young_person_and_only_for_own_clients(people):
    apply_for(people.person, S.SUBMITTED, coordinator=people.coordinator)
    with pytest.raises(RuleViolation, match="already has an open application"):
        service.create_draft(people.worker, people.person, application_data(), TODAY)
    with pytest.raises(RuleViolation, match="responsible social worker"):
        service.create_draft(people.other_worker, make_person(people.worker, "PI"), application_data(), TODAY)


def test_changes_after_submission_are_numbered_versions_with_before_and_after(people):
    application = apply_for(people.person, S.WAITLISTED, coordinator=people.coordinator)
    service.update_application(people.worker, application, application_data(
        household_size=2, wishes=[WishInput(municipality="837"), WishInput(municipality="536")]), TODAY)
    service.update_application(people.coordinator, application, application_data(
        household_size=2, wishes=[WishInput(municipality="837"), WishInput(municipality="536")], support_hours=6),
        TODAY)
    edits = list(db.session.scalars(select(ApplicationEdit).order_by(ApplicationEdit.version)))
    assert [(e.version, e.by_id, sorted(e.changes)) for e in edits] == [
        (1, people.worker.id, ["household_size", "wishes"]), (2, people.coordinator.id, ["support_hours"])]
    assert edits[0].changes["household_size"] == [1, 2]
    assert [w["municipality"] for w in edits[0].changes["wishes"][1]] == ["837", "536"]


def test_a_change_may_not_leave_a_waitlisted_application_incomplete(people):
    application = apply_for(people.person, S.WAITLISTED, coordinator=people.coordinator)
    db.session.commit()
    with pytest.raises(RuleViolations):
        service.update_application(people.worker, application, application_data(wishes=[]), TODAY)


def test_an_offered_application_cannot_be_changed(people):
    application = apply_for(people.person, S.OFFERED, coordinator=people.coordinator)
    with pytest.raises(RuleViolation, match="cannot be changed"):
        service.update_application(people.worker, application, application_data(support_hours=9), TODAY)


def test_back_to_the_waiting_list_keeps_the_place_in_the_queue(people):
    first = apply_for(people.person, S.WAITLISTED, coordinator=people.coordinator)
    later = apply_for(make_person(people.worker, "PI"), S.WAITLISTED, coordinator=people.coordinator,
                      need_since=TODAY - timedelta(days=5))
    before = waitlist.positions("PI", [first.id, later.id])
    waitlisted_at = first.waitlisted_at
    service.mark_offered(people.coordinator, first)
    assert waitlist.positions("PI", [later.id]) == {later.id: 1}
    service.back_to_waitlist(people.coordinator, first, "Tarjous raukesi.")
    assert waitlist.positions("PI", [first.id, later.id]) == before == {first.id: 1, later.id: 2}
    assert first.waitlisted_at == waitlisted_at


def test_withdrawing_an_offered_application_withdraws_its_pending_offer(people):
    application = apply_for(people.person, S.OFFERED, coordinator=people.coordinator)
    offer = Offer(application_id=application.id, place_id=make_place(make_unit("PI")).id, status=OfferStatus.PENDING)
    db.session.add(offer)
    db.session.flush()
    service.withdraw(people.worker, application, "Nuori muutti perheensä luo.")
    assert offer.status == OfferStatus.WITHDRAWN and application.status == S.WITHDRAWN
