"""Allocation rounds: the problem built from the register, the job that solves and stores it,
re-runs, failures, the coordinator's decisions and the checks of an override."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from housing import jobs, localtime
from housing.extensions import db
from housing.models import (
    AllocationRound,
    ApplicationStatus,
    JobStatus,
    Offer,
    OfferStatus,
    Proposal,
    ProposalDecision,
    Role,
    RoundStatus,
)
from housing.services import allocation_policy, offers, proposals, rounds
from housing.services.errors import NotVisible, RuleViolation
from housing.services.round_problem import RoundInput, build_problem
from housing.services.waitlist import applicant_id
from tests.factories import (
    apply_for,
    make_person,
    make_place,
    make_support_plan,
    make_tenancy,
    make_unit,
    make_user,
    run_round,
)

TODAY = localtime.today()
TAMPERE = {"lat": 61.62378, "lon": 23.8885}  # the reference centroid a municipality wish points at


@pytest.fixture(autouse=True)
def in_english(app):
    """The services' messages are translatable; these tests read them in English."""
    with app.test_request_context(), force_locale("en"):
        yield


@pytest.fixture
def county(app):
    """Pirkanmaa's coordinator and a social worker."""
    coordinator = make_user(Role.COORDINATOR, "PI")
    worker = make_user(Role.SOCIAL_WORKER, "PI")
    db.session.commit()
    return coordinator, worker


def _waiting(worker, coordinator, **data):
    person_fields = {key: data.pop(key) for key in ("birth", "gender", "language") if key in data}
    return apply_for(make_person(worker, "PI", **person_fields), coordinator=coordinator, **data)


# --------------------------------------------------------------------------- the problem


def test_the_problem_is_built_from_the_register_exactly(county):
    coordinator, worker = county
    unit = make_unit("PI", support_level=3, services=["mental_health", "education"], staff_support_hours=20,
                     min_age=18, max_age=22, languages=["sv", "fi"], lat=61.5, lon=23.76)
    single, accessible = make_place(unit, label="H1"), make_place(unit, label="H2", accessible=True, max_household=2)
    make_place(unit, label="H3", out_of_use=True, out_of_use_reason="Remontti")  # out of use: not in the round
    leaving_late = make_place(unit, label="H4")
    make_tenancy(make_person(worker, "PI"), leaving_late, TODAY - timedelta(days=90),
                 planned_move_out=TODAY + timedelta(days=10))  # not free by the as-of day
    planned = make_place(unit, label="H5")
    make_tenancy(make_person(worker, "PI"), planned, TODAY + timedelta(days=20))  # someone moves in later
    resident = make_person(worker, "PI")
    home = make_place(unit, label="H6")
    make_support_plan(make_tenancy(resident, home, TODAY - timedelta(days=200)), visits_per_week=3,
                      minutes_per_visit=50)  # 150 min → 3 h a week
    other_county = make_unit("HKI", municipality_code="091")
    make_place(other_county)

    first = _waiting(worker, coordinator, urgency_band=1, urgency_ground="no_home", urgency_reason="Ei kotia.",
                     need_since=TODAY - timedelta(days=5), support_hours=6, needs=["mental_health"],
                     birth=date(2005, 6, 1), gender="f", language="sv")
    second = _waiting(worker, coordinator, need_since=TODAY - timedelta(days=40), household_size=2,
                      needs_accessible=True, max_distance_km=25, birth=date(2007, 1, 15), gender=None,
                      not_with_add=[first.young_person.identity_code, resident.identity_code])
    first.tiebreak, second.tiebreak = 0.25, 0.75
    resident.non_disclosure = False
    _waiting(worker, coordinator, need_since=TODAY - timedelta(days=1)).status = ApplicationStatus.SUBMITTED
    db.session.flush()

    policy = {"w_wish": 90, "w_services": 10, "w_over": 20, "w_km": 2, "w_spare": 5}
    document = build_problem(RoundInput("PI", TODAY, TODAY, policy))

    unit_id, resident_id = f"U{unit.id:09d}", f"Y{resident.id:09d}"
    assert document == {
        "format": "housing-allocation/1",
        "as_of": TODAY.isoformat(),
        "policy": policy,
        "units": [{"id": unit_id, "support_level": 3, "services": ["education", "mental_health"],
                   "support_hours": 17, "min_age": 18, "max_age": 22, "gender": None, "languages": ["fi", "sv"],
                   "residents": sorted([resident_id, *_people_in(leaving_late, planned)])}],
        "places": [
            {"id": f"P{single.id:09d}", "unit": unit_id, "lat": 61.5, "lon": 23.76, "max_household": 1,
             "accessible": False},
            {"id": f"P{accessible.id:09d}", "unit": unit_id, "lat": 61.5, "lon": 23.76, "max_household": 2,
             "accessible": True},
        ],
        "applicants": [
            {"id": applicant_id(first.id), "band": 1, "need_since": (TODAY - timedelta(days=5)).isoformat(),
             "tiebreak": 0.25, "age": _age(date(2005, 6, 1)), "gender": "f", "language": "sv", "household": 1,
             "needs_accessible": False, "support_level": 2, "support_hours": 6, "needs": ["mental_health"],
             "locations": [TAMPERE], "max_distance_km": 30, "not_with": []},
            {"id": applicant_id(second.id), "band": 3, "need_since": (TODAY - timedelta(days=40)).isoformat(),
             "tiebreak": 0.75, "age": _age(date(2007, 1, 15)), "gender": None, "language": "fi", "household": 2,
             "needs_accessible": True, "support_level": 2, "support_hours": 4, "needs": ["mental_health"],
             "locations": [TAMPERE], "max_distance_km": 25,
             "not_with": sorted([applicant_id(first.id), resident_id])},
        ],
    }


def _people_in(*places):
    from housing.models import Tenancy

    return [f"Y{pid:09d}" for pid in db.session.scalars(
        select(Tenancy.young_person_id).where(Tenancy.place_id.in_([p.id for p in places])))]


def _age(birth: date) -> int:
    from housing import rules

    return rules.age_on(birth, TODAY)


def test_a_residents_own_application_keeps_an_applicant_away_too(county):
    coordinator, worker = county
    unit = make_unit("PI")
    make_place(unit)
    applicant = _waiting(worker, coordinator)
    resident = make_person(worker, "PI")
    housed = _waiting(worker, coordinator, not_with_add=[applicant.young_person.identity_code])
    housed.status = ApplicationStatus.HOUSED
    make_tenancy(resident, make_place(unit), TODAY - timedelta(days=30), application_id=housed.id)
    housed.young_person_id = resident.id
    db.session.flush()
    document = build_problem(RoundInput("PI", TODAY, TODAY, allocation_policy.defaults_weights()))
    [entry] = document["applicants"]
    assert entry["not_with"] == [f"Y{resident.id:09d}"]
    assert document["units"][0]["support_hours"] == 40 - 4  # the resident's application asked for 4 hours


# --------------------------------------------------------------------------- the job


@pytest.fixture
def small_round(county):
    """Two places and three applications: two are housed, the third is outranked."""
    coordinator, worker = county
    unit = make_unit("PI")
    places = [make_place(unit, label="A"), make_place(unit, label="B")]
    waiting = [_waiting(worker, coordinator, urgency_band=3, need_since=TODAY - timedelta(days=30 - n))
               for n in range(3)]
    db.session.commit()
    return coordinator, worker, places, waiting


def test_a_round_stores_problem_result_and_proposals_together(small_round):
    coordinator, _worker, places, waiting = small_round
    solved = run_round(coordinator)
    assert solved.status == RoundStatus.DONE and solved.solver_status == "OPTIMAL" and solved.gap == 0.0
    assert solved.problem["format"] == "housing-allocation/1" and len(solved.result["assignments"]) == 2
    by_rank = {p.priority_rank: p for p in solved.proposals}
    assert [by_rank[n].application_id for n in (1, 2, 3)] == [a.id for a in waiting]
    assert {by_rank[1].place_id, by_rank[2].place_id} == {p.id for p in places}
    assert by_rank[1].parts.keys() == {"wish", "services", "over_support", "distance", "spare"}
    assert by_rank[1].wish_rank == 0 and by_rank[1].km > 0
    assert (by_rank[3].place_id, by_rank[3].reason) == (None, "outranked")
    assert by_rank[3].facts["eligible_places"] == 2 and "ranked ahead" in by_rank[3].detail
    assert solved.comparison["optimal"]["housed"] == solved.comparison["greedy"]["housed"] == 2
    # Nothing reached anyone: no offer, every application still waiting.
    assert all(a.status == ApplicationStatus.WAITLISTED for a in waiting)


def test_the_stored_problem_solves_again_to_the_identical_result(small_round):
    coordinator, *_ = small_round
    solved = run_round(coordinator)
    job = rounds.rerun(coordinator, solved)
    db.session.commit()
    jobs.run(job.id)
    again = db.session.get(AllocationRound, solved.id)
    assert again.rerun["identical"] and again.rerun["housed_same"] and again.rerun["objective_same"]
    assert again.rerun["by"] == coordinator.id


def test_a_round_that_fails_stores_nothing_and_can_be_run_again(small_round, monkeypatch):
    coordinator, *_ = small_round

    def storing_fails(round_, problem, result, *args):
        db.session.add(Proposal(round_id=round_.id, application_id=1, priority_rank=1))  # half-way …
        db.session.flush()
        raise jobs.JobFailed("Tietokanta ei vastannut.")

    monkeypatch.setattr(rounds, "_store", storing_fails)
    failed = run_round(coordinator)
    assert failed.status == RoundStatus.FAILED and failed.error == "Tietokanta ei vastannut."
    assert failed.problem is None and failed.result is None
    assert db.session.scalar(select(func.count()).select_from(Proposal)) == 0
    assert rounds.open_round("PI") is None  # a failed round does not block the county
    monkeypatch.undo()
    job = rounds.run_again(coordinator, failed)
    db.session.commit()
    jobs.run(job.id)
    again = db.session.get(AllocationRound, failed.id)
    assert again.status == RoundStatus.DONE and len(again.proposals) == 3


def test_only_one_round_of_a_county_is_open_at_a_time(small_round):
    coordinator, *_ = small_round
    first = run_round(coordinator)
    with pytest.raises(RuleViolation, match=f"Round {first.id} is still open"):
        run_round(coordinator)
    proposals.approve_all(coordinator, first, TODAY)
    rounds.close_round(coordinator, first)
    db.session.commit()
    assert run_round(coordinator).status == RoundStatus.DONE


def test_the_coordinators_choice_is_checked(small_round):
    coordinator, _worker, places, waiting = small_round
    weights = allocation_policy.defaults_weights()
    with pytest.raises(RuleViolation) as refusal:
        rounds.create_round(coordinator, "PI", rounds.RoundChoice(TODAY, TODAY - timedelta(days=1), weights), TODAY)
    assert refusal.value.field == "free_by"
    with pytest.raises(RuleViolation) as refusal:
        rounds.create_round(coordinator, "PI", rounds.RoundChoice(TODAY, TODAY, {**weights, "w_km": -1}), TODAY)
    assert refusal.value.field == "w_km"
    with pytest.raises(RuleViolation) as refusal:
        rounds.create_round(coordinator, "PI", rounds.RoundChoice(TODAY, TODAY, weights, application_ids=[]), TODAY)
    assert refusal.value.field == "application_ids"
    other = make_user(Role.COORDINATOR, "HKI")
    with pytest.raises(RuleViolation):
        rounds.create_round(other, "PI", rounds.RoundChoice(TODAY, TODAY, weights), TODAY)


def test_the_chosen_places_and_applications_are_all_that_take_part(small_round):
    coordinator, _worker, places, waiting = small_round
    solved = run_round(coordinator, place_ids=[places[1].id], application_ids=[waiting[2].id])
    assert [p["id"] for p in solved.problem["places"]] == [f"P{places[1].id:09d}"]
    assert [a["id"] for a in solved.problem["applicants"]] == [applicant_id(waiting[2].id)]


# --------------------------------------------------------------------------- decisions


def test_approving_sends_the_offer_and_only_then(small_round):
    coordinator, worker, places, waiting = small_round
    solved = run_round(coordinator)
    first = next(p for p in solved.proposals if p.priority_rank == 1)
    offer = proposals.approve(coordinator, first, TODAY)
    db.session.commit()
    assert offer.status == OfferStatus.PENDING and offer.proposal_id == first.id
    assert offer.respond_by == TODAY + timedelta(days=7) and offer.move_in_on == TODAY
    assert first.decision == ProposalDecision.APPROVED and first.decided_by_id == coordinator.id
    assert waiting[0].status == ApplicationStatus.OFFERED
    with pytest.raises(RuleViolation, match="already been decided"):
        proposals.approve(coordinator, first, TODAY)


def test_approve_all_sends_what_it_can_and_names_what_changed(small_round):
    coordinator, worker, places, waiting = small_round
    solved = run_round(coordinator)
    from housing.services import applications

    applications.withdraw(worker, waiting[1], "Löysi oman asunnon.")  # after the round ran
    outcome = proposals.approve_all(coordinator, solved, TODAY)
    db.session.commit()
    assert [o.application_id for o in outcome.sent] == [waiting[0].id]
    [(refused, reason)] = outcome.refused
    assert refused.application_id == waiting[1].id and "not possible" in str(reason.message)
    assert refused.decision == ProposalDecision.PENDING


def test_a_rejection_needs_a_reason_and_keeps_the_application_waiting(small_round):
    coordinator, _worker, _places, waiting = small_round
    solved = run_round(coordinator)
    first = next(p for p in solved.proposals if p.priority_rank == 1)
    with pytest.raises(RuleViolation) as refusal:
        proposals.reject(coordinator, first, "  ")
    assert refusal.value.field == "reason"
    proposals.reject(coordinator, first, "Yksikkö ei sovi nuoren turvallisuussuunnitelmaan.")
    assert first.decision == ProposalDecision.REJECTED and waiting[0].status == ApplicationStatus.WAITLISTED


def test_an_override_must_suit_the_applicant_under_the_allocation_rules(county):
    coordinator, worker = county
    unit = make_unit("PI", support_level=2)
    ordinary = make_place(unit, label="Yksiö")
    family = make_place(unit, label="Perheasunto", max_household=3, bedrooms=2)
    far = make_place(make_unit("PI", municipality_code="790", lat=61.34, lon=22.91), label="Sastamala")
    low = make_place(make_unit("PI", support_level=1), label="Kevyt")
    single = _waiting(worker, coordinator, need_since=TODAY - timedelta(days=9))
    parent = _waiting(worker, coordinator, need_since=TODAY - timedelta(days=8), household_size=2)
    db.session.commit()
    solved = run_round(coordinator)
    mine = next(p for p in solved.proposals if p.application_id == single.id)
    assert mine.place_id == ordinary.id  # the family flat is kept for the family
    for place, why in ((far, "no wish lies within 30 km"), (low, "support level too low")):
        with pytest.raises(RuleViolation, match=why) as refusal:
            proposals.override(coordinator, mine, place.id, "Lähempänä työpaikkaa.", TODAY)
        assert refusal.value.field == "place_id"
    with pytest.raises(RuleViolation, match="proposed to number 2"):
        proposals.override(coordinator, mine, family.id, "Tilavampi.", TODAY)
    theirs = next(p for p in solved.proposals if p.application_id == parent.id)
    with pytest.raises(RuleViolation, match="too small for the household"):
        proposals.override(coordinator, theirs, ordinary.id, "Lähempänä.", TODAY)
    with pytest.raises(RuleViolation) as refusal:
        proposals.override(coordinator, mine, None, "", TODAY)
    assert refusal.value.field == "reason"


def test_an_override_ahead_of_someone_ranked_higher_is_confirmed_flagged_and_kept(small_round):
    coordinator, worker, places, waiting = small_round
    solved = run_round(coordinator)
    first, second, third = sorted(solved.proposals, key=lambda p: p.priority_rank)
    proposals.reject(coordinator, first, "Nuori on sairaalassa; tarjous myöhemmin.")
    with pytest.raises(proposals.NeedsConfirmation) as question:
        proposals.override(coordinator, third, first.place_id, "Koulu alkaa maanantaina.", TODAY)
    assert [p.id for p in question.value.passed_over] == [first.id]
    offer = proposals.override(coordinator, third, first.place_id, "Koulu alkaa maanantaina.", TODAY,
                               confirmed=True)
    db.session.commit()
    assert third.decision == ProposalDecision.OVERRIDDEN and third.override_place_id == first.place_id
    assert third.passed_over == [waiting[0].id] and offer.place_id == first.place_id
    assert waiting[2].status == ApplicationStatus.OFFERED and waiting[0].status == ApplicationStatus.WAITLISTED


def test_an_override_into_a_free_place_passes_over_no_one_when_those_ahead_are_housed(county):
    coordinator, worker = county
    unit = make_unit("PI")
    places = [make_place(unit, label=label) for label in ("A", "B", "C")]
    waiting = [_waiting(worker, coordinator, need_since=TODAY - timedelta(days=30 - n)) for n in range(2)]
    db.session.commit()
    solved = run_round(coordinator)
    second = max(solved.proposals, key=lambda p: p.priority_rank)
    free = next(p for p in places if p.id not in {q.place_id for q in solved.proposals})
    proposals.override(coordinator, second, free.id, "Esteetön kulku lähempänä bussipysäkkiä.", TODAY)
    assert second.passed_over is None and waiting[1].status == ApplicationStatus.OFFERED


def test_the_unit_limits_hold_for_an_override(county):
    coordinator, worker = county
    unit = make_unit("PI", staff_support_hours=10)
    places = [make_place(unit, label=label) for label in ("A", "B")]
    ahead = _waiting(worker, coordinator, need_since=TODAY - timedelta(days=20), support_hours=8)
    behind = _waiting(worker, coordinator, need_since=TODAY - timedelta(days=10), support_hours=4)
    db.session.commit()
    solved = run_round(coordinator)
    mine = next(p for p in solved.proposals if p.application_id == behind.id)
    assert mine.place_id is None and mine.reason == "constraint"
    free = next(p for p in places if p.id != next(q.place_id for q in solved.proposals if q.place_id))
    with pytest.raises(RuleViolation, match="support hours would run out"):
        proposals.override(coordinator, mine, free.id, "Tarvitsee paikan heti.", TODAY)
    assert ahead.status == ApplicationStatus.WAITLISTED


def test_the_county_policy_is_data_and_a_round_keeps_its_own_copy(small_round):
    coordinator, *_ = small_round
    allocation_policy.save_policy(coordinator, "PI", {"w_wish": 50, "w_services": 0, "w_over": 10, "w_km": 3,
                                                      "w_spare": 0, "respond_days": 10, "review_body": "Jaosto"})
    db.session.commit()
    solved = run_round(coordinator)
    assert solved.policy == {"w_wish": 50, "w_services": 0, "w_over": 10, "w_km": 3, "w_spare": 0}
    allocation_policy.save_policy(coordinator, "PI", {**allocation_policy.defaults_weights(), "respond_days": 7})
    db.session.commit()
    assert db.session.get(AllocationRound, solved.id).policy["w_wish"] == 50
    offer = proposals.approve(coordinator, next(p for p in solved.proposals if p.place_id), TODAY)
    assert offer.respond_by == TODAY + timedelta(days=7)
    with pytest.raises(NotVisible):
        allocation_policy.save_policy(make_user(Role.COORDINATOR, "HKI"), "PI", {})


def test_offers_of_one_place_or_one_application_never_wait_side_by_side(small_round):
    coordinator, worker, places, waiting = small_round
    first = offers.send_offer(coordinator, waiting[0], places[0], today=TODAY, respond_days=7)
    with pytest.raises(RuleViolation, match="Another offer of this place"):
        offers.send_offer(coordinator, waiting[1], places[0], today=TODAY, respond_days=7)
    assert first.status == OfferStatus.PENDING


def test_a_round_started_from_the_page_runs_as_a_job_with_a_time_limit(small_round):
    coordinator, *_ = small_round
    started, job = rounds.create_round(coordinator, "PI", rounds.RoundChoice(
        TODAY, TODAY, allocation_policy.defaults_weights(), time_limit=12), TODAY)
    assert (job.kind, job.subject_id, job.time_limit_seconds) == ("allocation_round", started.id,
                                                                  12 + rounds.JOB_ALLOWANCE)
    assert started.status == RoundStatus.QUEUED and started.run_from == "web"
    db.session.commit()
    jobs.start(job)  # tests run jobs inline
    assert db.session.get(type(job), job.id).status == JobStatus.DONE


def test_a_past_as_of_day_takes_the_waiting_list_of_that_day(small_round):
    coordinator, _worker, _places, waiting = small_round
    waiting[2].waitlisted_at = datetime.now().astimezone() + timedelta(days=1)
    db.session.commit()
    solved = run_round(coordinator)
    assert applicant_id(waiting[2].id) not in {a["id"] for a in solved.problem["applicants"]}


def test_two_proposed_applicants_can_swap_places_with_one_reason(county):
    coordinator, worker = county
    near, far = make_unit("PI", name="Lähellä"), make_unit("PI", name="Kauempana", lat=61.45, lon=23.85)
    here, there = make_place(near, label="H1"), make_place(far, label="K1")
    first = _waiting(worker, coordinator, need_since=TODAY - timedelta(days=20))
    second = _waiting(worker, coordinator, need_since=TODAY - timedelta(days=10))
    db.session.commit()
    solved = run_round(coordinator)
    mine = next(p for p in solved.proposals if p.application_id == first.id)
    theirs = next(p for p in solved.proposals if p.application_id == second.id)
    other = there if mine.place_id == here.id else here
    assert theirs.place_id == other.id
    proposals.override(coordinator, mine, other.id, "Vaihto: koulumatka ja tukiverkosto.", TODAY)
    db.session.commit()
    assert (mine.decision, mine.override_place_id) == (ProposalDecision.OVERRIDDEN, other.id)
    assert (theirs.decision, theirs.override_place_id) == (ProposalDecision.OVERRIDDEN, mine.place_id)
    assert mine.passed_over is None and theirs.passed_over is None
    assert {o.place_id for o in db.session.scalars(select(Offer))} == {here.id, there.id}
