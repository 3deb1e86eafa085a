"""The county's allocation rounds, run for real: everyone who came to live in a unit through
an application, and every offer in the demo, went through a round.

Pirkanmaa ran rounds about three months, six weeks and four days ago; Helsinki about eight
weeks and four days ago. Each round takes the applications and places of its stories (the
places those young people were made to fit) and, for a few on the waiting list who said no
to an offer or let one expire, one more free place that suits them. The real job builds the
problem, solves it and stores the proposals; the coordinator approves them; the social
worker records the answers (accepted, declined, or none: ``expire-offers`` ran the day after
the answer day); the unit records the move-in. Each round is closed. Who the solver houses
where is its own decision: a story follows the place it got.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from housing import jobs
from housing.demo.context import Demo
from housing.demo.stories import Kind, Story
from housing.demo.texts import DECLINE_REASONS
from housing.extensions import db
from housing.models import AllocationRound, Application, ApplicationStatus, Offer, Place
from housing.services import allocation_policy, moves, offers, proposals, round_problem, rounds, young_people
from housing.services.round_analysis import Analysis
from housing.services.waitlist import applicant_id

SOLVER_SECONDS = 5  # the demo's rounds are small: solved and proven in a fraction of a second
ROUND_DAYS = {"PI": (90, 42, 4), "HKI": (56, 4)}  # days ago; the last one's offers still wait for answers
DECLINE_CODES = ("location", "location", "kind_of_home")  # matching texts.DECLINE_REASONS
DECLINED_DETOURS = {"PI": 3, "HKI": 1}  # in the last round
EXPIRED_DETOURS = {"PI": 1, "HKI": 0}  # in the round before it


def plan_round_days(demo: Demo, stories: list[Story]) -> None:
    """Which round brings each story that gets an offer: those living in a unit now come from
    the earlier rounds, those offered or about to move in from the last one."""
    for county_id, days_ago in ROUND_DAYS.items():
        earlier, last = [demo.days_ago(days) for days in days_ago[:-1]], demo.days_ago(days_ago[-1])
        housed = [s for s in stories if s.county_id == county_id and s.kind == Kind.HOUSED]
        for n, story in enumerate(housed):
            story.round_day = earlier[n % len(earlier)]
        for story in stories:
            if story.county_id == county_id and story.kind in (Kind.OFFERED, Kind.HOUSED_FUTURE):
                story.round_day = last


@dataclass
class RoundPlan:
    county_id: str
    day: date
    stories: list[Story]
    declined: int
    expired: int


def build_rounds(demo: Demo, stories: list[Story]) -> int:
    plans = []
    for county_id, days_ago in ROUND_DAYS.items():
        for n, days in enumerate(days_ago):
            day = demo.days_ago(days)
            last, before_last = n == len(days_ago) - 1, n == len(days_ago) - 2
            plans.append(RoundPlan(county_id, day, [s for s in stories if s.county_id == county_id
                                                    and s.round_day == day],
                                   DECLINED_DETOURS[county_id] if last else 0,
                                   EXPIRED_DETOURS[county_id] if before_last else 0))
    for plan in sorted(plans, key=lambda p: p.day):
        _run(demo, plan, stories)
    return len(plans)


def _run(demo: Demo, plan: RoundPlan, stories: list[Story]) -> None:
    coordinator = demo.coordinators[plan.county_id]
    detours = _detours(demo, plan, stories)
    places = [s.place for s in plan.stories] + [place for _, place in detours]
    applications = [s.applications[-1] for s in plan.stories] + [story.applications[-1] for story, _ in detours]
    weights = allocation_policy.weights_of(allocation_policy.policy_for(plan.county_id))
    choice = rounds.RoundChoice(as_of=plan.day, free_by=plan.day, weights=weights, time_limit=SOLVER_SECONDS,
                                place_ids=[p.id for p in places], application_ids=[a.id for a in applications])
    started, job = rounds.create_round(coordinator, plan.county_id, choice, plan.day)
    db.session.commit()
    jobs.run(job.id)  # commits, as every job does
    solved = db.session.get(AllocationRound, started.id)
    solved.created_at = solved.finished_at = demo.moment(plan.day, 9 * 60)
    decided = demo.moment(plan.day, 13 * 60)
    proposals.approve_all(coordinator, solved, plan.day, at=decided)
    by_application = {story.applications[-1].id: story for story in plan.stories}
    for offer in db.session.scalars(select(Offer).where(Offer.proposal_id.in_([p.id for p in solved.proposals]))):
        story = by_application.get(offer.application_id)
        if story is not None:
            _answer(demo, story, offer)
    _detour_answers(demo, plan, [story for story, _ in detours], solved)
    rounds.close_round(coordinator, solved, at=demo.moment(plan.day + timedelta(days=1), 9 * 60))
    db.session.flush()


def _detours(demo: Demo, plan: RoundPlan, stories: list[Story]) -> list[tuple[Story, Place]]:
    """A few on the waiting list then (urgent, not acute), each with a free place that suits them."""
    count = plan.declined + plan.expired
    if not count:
        return []
    taken = {s.place.id for s in stories if s.place is not None}
    free = [p for p in db.session.scalars(round_problem.places_free_by(plan.county_id, plan.day)) if p.id not in taken]
    candidates = [s for s in stories if s.county_id == plan.county_id and s.kind == Kind.WAITLISTED and s.band
                  and s.band > 1 and s.applications and _waiting_on(s.applications[-1], plan.day)]
    demo.rng.shuffle(candidates)
    chosen: list[tuple[Story, Place]] = []
    for story in candidates:
        place = _suitable(plan, story.applications[-1], [p for p in free if p not in {q for _, q in chosen}])
        if place is not None:
            chosen.append((story, place))
        if len(chosen) == count:
            break
    return chosen


def _waiting_on(application: Application, day: date) -> bool:
    return application.status == ApplicationStatus.WAITLISTED and \
        application.waitlisted_at < round_problem.end_of_day(day - timedelta(days=1))


def _suitable(plan: RoundPlan, application: Application, places: list[Place]) -> Place | None:
    """The free place of best fit for them, by the allocator's own rules."""
    if not places:
        return None
    problem = round_problem.build_problem(round_problem.RoundInput(
        plan.county_id, plan.day, plan.day, allocation_policy.defaults_weights(), [p.id for p in places],
        [application.id]))
    matches = Analysis(problem).eligible_matches(applicant_id(application.id))
    if not matches:
        return None
    best = max(matches, key=lambda m: (m.fit, m.place))
    return db.session.get(Place, round_problem.number_of(best.place))


def _answer(demo: Demo, story: Story, offer: Offer) -> None:
    """Accepted within days; those living in a unit now moved in about a week later."""
    story.place = offer.place
    answered = offer.sent_at.date() + timedelta(days=demo.rng.randint(1, 3))
    if story.kind == Kind.OFFERED:
        return  # the answer is still to come
    if story.kind == Kind.HOUSED_FUTURE:
        move_in = demo.today + timedelta(days=demo.rng.randint(7, 21))
    else:
        move_in = answered + timedelta(days=demo.rng.randint(3, 12))
    story.tenancy = offers.accept(story.worker, offer, move_in, at=demo.moment(answered))
    if story.kind == Kind.HOUSED:
        staff = demo.unit_staff[demo.key_of(offer.place.unit)][0]
        moves.record_move_in(staff, story.tenancy, move_in, move_in, at=demo.moment(move_in, 15 * 60))
        _new_address(demo, story)


def _new_address(demo: Demo, story: Story) -> None:
    """The worker records the home's address once they live there (the round may have chosen
    another place of the unit than the one their story began with)."""
    address = f"{story.unit.address}, {story.place.label}"
    if story.person.address != address:
        data = {name: getattr(story.person, name) for name in young_people.PERSON_FIELDS}
        young_people.update_person(story.worker, story.person, {**data, "address": address,
                                                                "municipality_code": story.unit.municipality_code},
                                   demo.today)


def _detour_answers(demo: Demo, plan: RoundPlan, detoured: list[Story], solved: AllocationRound) -> None:
    """The first ones said no (by the young person, a reason from the list); the rest never answered."""
    ids = {story.applications[-1].id: story for story in detoured}
    sent = [o for o in db.session.scalars(select(Offer).where(
        Offer.proposal_id.in_([p.id for p in solved.proposals]), Offer.application_id.in_(list(ids))))]
    for n, offer in enumerate(sorted(sent, key=lambda o: o.id)):
        if n < plan.declined:
            day = min(offer.sent_at.date() + timedelta(days=demo.rng.randint(1, 3)), demo.today)
            offers.decline(ids[offer.application_id].worker, offer, "young_person", DECLINE_CODES[n % 3],
                           DECLINE_REASONS[n % len(DECLINE_REASONS)], at=demo.moment(day))
    if plan.expired:
        after = plan.day + timedelta(days=allocation_policy.policy_for(plan.county_id).respond_days + 1)
        offers.expire_overdue(after, at=demo.moment(after, 6 * 60))
