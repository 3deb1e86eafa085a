"""Housing applications in every state, with a status history that tells one consistent story.

Each application's history is drawn backwards from its latest event (which is always in
the past), so dates never run into the future and every step happens in order. The
applications are made through ``housing.services.applications`` step by step, on the days the
history says (a draft, its submission, a question and an answer, the waiting list …), so the
demo only holds states the product reaches. Those who get an offer wait on the list until the
round that offers it (``housing.demo.rounds``); offers, answers and move-ins come from there.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

from housing import audit, rules
from housing.demo.context import DISTRICTS, HOME_MUNICIPALITIES, Demo, km_between
from housing.demo.stories import Kind, Story
from housing.demo.texts import (
    AGE_LIMIT_CLOSE_REASON,
    CLOSE_REASONS,
    FAMILY_OWN_WORDS,
    OWN_WORDS,
    REPLACED_REASON,
    RETURN_ANSWERS,
    RETURN_REASONS,
    URGENCY_REASONS,
    WAITLIST_REASON,
    WITHDRAW_REASONS,
)
from housing.extensions import db
from housing.models import (
    Application,
    ApplicationStatus,
    Unit,
    UnitType,
    YoungPerson,
)
from housing.services import applications as service
from housing.services.applications import WishInput
from housing.vocabulary import SERVICES

Status = ApplicationStatus
# Where each story's application stands before the rounds: those offered a place wait on the list.
STATUS_OF_KIND = {
    Kind.HOUSED: Status.WAITLISTED, Kind.HOUSED_FUTURE: Status.WAITLISTED, Kind.OFFERED: Status.WAITLISTED,
    Kind.WAITLISTED: Status.WAITLISTED, Kind.SUBMITTED: Status.SUBMITTED, Kind.RETURNED: Status.RETURNED,
    Kind.DRAFT: Status.DRAFT,
}
OFFERED_KINDS = (Kind.HOUSED, Kind.HOUSED_FUTURE, Kind.OFFERED)
OPEN_KINDS = (Kind.OFFERED, Kind.WAITLISTED, Kind.SUBMITTED, Kind.RETURNED, Kind.DRAFT)
BAND_WEIGHTS = {  # urgency bands of those not on the waiting list now: (acute, high, standard)
    Kind.HOUSED: (25, 35, 40), Kind.HOUSED_FUTURE: (25, 35, 40), Kind.OFFERED: (25, 35, 40),
    Kind.SUBMITTED: (15, 30, 55), Kind.RETURNED: (15, 30, 55), Kind.DRAFT: (15, 30, 55),
    Kind.FORMER_APPLICANT: (10, 30, 60),
}
EARLIER_BAND_WEIGHTS = (10, 30, 60)  # an earlier application of someone waiting now
# How long ago the latest event was, by status (days); the waiting list by band.
LATEST_EVENT_DAYS = {Status.OFFERED: (1, 5), Status.SUBMITTED: (1, 10), Status.RETURNED: (1, 14),
                     Status.DRAFT: (1, 20), Status.WITHDRAWN: (10, 240), Status.CLOSED: (10, 240)}
WAITLISTED_SINCE_DAYS = {1: (1, 40), 2: (5, 150), 3: (10, 240)}
ON_THE_LIST_BEFORE_ROUND = {1: (2, 20), 2: (10, 60), 3: (20, 120)}  # days, by band
HOUSING_LACK_SHARE = 0.75  # of acute applications: the rest are acute for safety
UNFINISHED_SHARE = 0.5  # of drafts: some facts still missing
RETURNED_BEFORE_SHARE = 0.15  # applications that went back to the worker once before
EARLIER_APPLICATIONS = {"PI": (Status.WITHDRAWN,) * 3 + (Status.CLOSED,) * 3,
                        "HKI": (Status.WITHDRAWN, Status.CLOSED)}
SUPPORT_HOURS = {1: (1, 3), 2: (3, 5), 3: (5, 8), 4: (8, 12)}
MAX_DISTANCES_KM = (20, 25, 30, 40, 50)
AFTER_THE_END = timedelta(days=4)  # an application of someone past the age limit ends this soon after it


@dataclass(frozen=True)
class Step:
    status: Status
    by_coordinator: bool
    gap: tuple[int, int]  # days after the previous step
    reason: str | None = None


@dataclass
class Outline:
    """What one application will be, before its rows are built."""

    story: Story
    status: Status
    band: int
    steps: list[Step]
    days: list[date]


def build_applications(demo: Demo, stories: list[Story]) -> int:
    statuses = _final_statuses(stories)
    outlines = [_outline(demo, story, statuses[id(story)]) for story in stories if id(story) in statuses]
    earlier = _earlier_outlines(demo, stories, outlines)
    not_with = _not_with_pairs(demo, stories)
    db.session.flush()  # the services look people up
    with audit.building_demo():
        for outline in earlier + outlines:  # an earlier application has ended before the next one is made
            outline.story.applications.append(_application(demo, outline, not_with.get(id(outline.story), [])))
    return len(outlines) + len(earlier)


def _final_statuses(stories: list[Story]) -> dict[int, Status]:
    """Each story's application status; of the former applicants, half withdrew and half were closed."""
    statuses = {id(story): STATUS_OF_KIND[story.kind] for story in stories if story.kind in STATUS_OF_KIND}
    for county_id in ("PI", "HKI"):
        formers = [s for s in stories if s.kind == Kind.FORMER_APPLICANT and s.county_id == county_id]
        statuses.update({id(s): (Status.CLOSED, Status.WITHDRAWN)[n % 2] for n, s in enumerate(formers)})
    return statuses


def _outline(demo: Demo, story: Story, status: Status, latest: date | None = None,
             reason: str | None = None) -> Outline:
    band = story.band if status == Status.WAITLISTED and story.band else _band(demo, story)
    steps = _steps(demo, story, status, band, reason)
    return Outline(story, status, band, steps, _days(demo, steps, latest or _latest_day(demo, story, status, band)))


def _band(demo: Demo, story: Story) -> int:
    return demo.rng.choices((1, 2, 3), weights=BAND_WEIGHTS.get(story.kind, EARLIER_BAND_WEIGHTS))[0]


def _steps(demo: Demo, story: Story, status: Status, band: int, reason: str | None) -> list[Step]:
    steps = [Step(Status.DRAFT, False, (0, 0))]
    if status == Status.DRAFT:
        return steps
    steps.append(Step(Status.SUBMITTED, False, (1, 10)))
    if status == Status.RETURNED or demo.rng.random() < RETURNED_BEFORE_SHARE:
        question = demo.rng.randrange(len(RETURN_REASONS))
        steps.append(Step(Status.RETURNED, True, (2, 7), RETURN_REASONS[question]))
        if status == Status.RETURNED:
            return steps
        steps.append(Step(Status.SUBMITTED, False, (3, 12), RETURN_ANSWERS[question]))
    if status == Status.SUBMITTED:
        return steps
    if status == Status.WITHDRAWN and demo.rng.random() < 0.4:  # withdrawn before it reached the list
        return [*steps, Step(Status.WITHDRAWN, False, (5, 30), reason or demo.rng.choice(WITHDRAW_REASONS))]
    steps.append(Step(Status.WAITLISTED, True, (1, 6), WAITLIST_REASON))
    if status == Status.WITHDRAWN:
        steps.append(Step(Status.WITHDRAWN, False, (10, 90), reason or demo.rng.choice(WITHDRAW_REASONS)))
    elif status == Status.CLOSED:
        steps.append(Step(Status.CLOSED, True, (10, 120), reason or _close_reason(demo, story)))
    return steps


def _close_reason(demo: Demo, story: Story) -> str:
    if rules.age_on(story.person.birth_date, demo.today) >= 23:
        return AGE_LIMIT_CLOSE_REASON
    return demo.rng.choice(CLOSE_REASONS)


def _latest_day(demo: Demo, story: Story, status: Status, band: int) -> date:
    """The day of the application's latest event: always before today."""
    if story.kind in OFFERED_KINDS:  # on the list some time before the round that offers them a place
        return story.round_day - timedelta(days=demo.rng.randint(*ON_THE_LIST_BEFORE_ROUND[band]))
    low, high = WAITLISTED_SINCE_DAYS[band] if status == Status.WAITLISTED else LATEST_EVENT_DAYS[status]
    latest = demo.days_ago(demo.rng.randint(low, high))
    aftercare_ends = rules.aftercare_ends_on(story.person.birth_date)
    if status in (Status.WITHDRAWN, Status.CLOSED) and latest > aftercare_ends + AFTER_THE_END:
        # It ended at the age limit: every step before the last one came while aftercare lasted.
        latest = min(aftercare_ends + timedelta(days=demo.rng.randint(0, AFTER_THE_END.days)), demo.days_ago(1))
    return latest


def _days(demo: Demo, steps: list[Step], latest: date) -> list[date]:
    days = [latest]
    for step in reversed(steps[1:]):
        days.append(days[-1] - timedelta(days=demo.rng.randint(*step.gap)))
    return days[::-1]


def _earlier_outlines(demo: Demo, stories: list[Story], outlines: list[Outline]) -> list[Outline]:
    """A few on the waiting list had an earlier application, withdrawn or closed before this one."""
    earlier = []
    for county_id, statuses in EARLIER_APPLICATIONS.items():
        current = [d for d in outlines if d.status == Status.WAITLISTED and d.story.county_id == county_id]
        for outline, status in zip(demo.rng.sample(current, len(statuses)), statuses, strict=True):
            before = outline.days[0] - timedelta(days=demo.rng.randint(5, 30))
            reason = REPLACED_REASON if status == Status.WITHDRAWN else None
            earlier.append(_outline(demo, outline.story, status, latest=before, reason=reason))
    return earlier


# --------------------------------------------------------------------------- through the service


def _application(demo: Demo, outline: Outline, not_with: list[YoungPerson]) -> Application:
    story, person = outline.story, outline.story.person
    unit = story.unit if story.kind in OFFERED_KINDS else None
    level = demo.rng.randint(max(1, unit.support_level - 1), unit.support_level) if unit else _support_level(demo)
    need_since = outline.days[0] - timedelta(days=demo.rng.randint(0, 5 if outline.band == 1 else 30))
    lacks_housing = outline.band == 1 and demo.rng.random() < HOUSING_LACK_SHARE
    if lacks_housing and _is_current(outline):  # 35 §: recorded on the person; it keeps the case acute
        person.housing_lack_recorded_on = need_since
    ground = _urgency_ground(outline.band, lacks_housing)
    wishes = _wishes(demo, story, unit)
    data = {
        "support_level": level, "needs": _needs(demo, person, unit),
        "support_hours": demo.rng.randint(*SUPPORT_HOURS[level]), "urgency_band": outline.band,
        "urgency_ground": ground, "urgency_reason": demo.rng.choice(URGENCY_REASONS[ground]) if ground else None,
        "need_since": need_since, "household_size": 1 + person.children_in_household,
        "needs_accessible": _needs_accessible(demo, story, unit),
        "acceptable_unit_types": _unit_types(demo, person, unit), "own_words": _own_words(demo, person),
        "consent": outline.status != Status.DRAFT or demo.rng.random() < 0.5, "wishes": wishes,
        "max_distance_km": _max_distance(demo, wishes, unit),
        "not_with_add": [other.identity_code for other in not_with],
    }
    if outline.status == Status.DRAFT and demo.rng.random() < UNFINISHED_SHARE:
        data.update(need_since=None, support_level=None)  # a draft may be half-filled
    application = service.create_draft(story.worker, person, data, outline.days[0],
                                       at=demo.moment(outline.days[0]))
    # Drawn from the demo's seeded source, so every run builds the same queue.
    application.tiebreak = demo.rng.random()
    _take_steps(demo, outline, application)
    application.updated_at = application.status_changes[-1].at
    return application


def _take_steps(demo: Demo, outline: Outline, application: Application) -> None:
    """Every step after the draft, by the person the history names, on its day."""
    coordinator, worker = demo.coordinators[outline.story.county_id], outline.story.worker
    for step, day in zip(outline.steps[1:], outline.days[1:], strict=True):
        at = demo.moment(day)
        previous = application.status
        if step.status == Status.SUBMITTED and previous == Status.RETURNED:
            service.answer_and_resubmit(worker, application, step.reason, day, at=at)
        elif step.status == Status.SUBMITTED:
            service.submit(worker, application, day, at=at)
        elif step.status == Status.RETURNED:
            service.return_with_question(coordinator, application, step.reason, at=at)
        elif step.status == Status.WAITLISTED:
            service.waitlist(coordinator, application, day, step.reason, at=at)
        elif step.status == Status.WITHDRAWN:
            service.withdraw(worker, application, step.reason, at=at)
        elif step.status == Status.CLOSED:
            service.close(coordinator, application, step.reason, at=at)


def _support_level(demo: Demo) -> int:
    return demo.rng.choices((1, 2, 3, 4), weights=(25, 40, 25, 10))[0]


def _needs(demo: Demo, person: YoungPerson, unit: Unit | None) -> list[str]:
    """One to three needs; for a place already offered, mostly what that unit gives."""
    pool = list(unit.services) if unit else [s for s in SERVICES if s != "parenting"]
    needs = set(demo.rng.sample(pool, demo.rng.randint(1, min(2, len(pool)))))
    if demo.rng.random() < 0.3:
        needs.add(demo.rng.choice([s for s in SERVICES if s != "parenting"]))
    if person.children_in_household:
        needs.add("parenting")
    return sorted(needs)


def _urgency_ground(band: int, lacks_housing: bool) -> str | None:
    """Acute applications mostly lack a home (the rest are unsafe); high ones have housing ending."""
    if band == 3:
        return None
    if band == 2:
        return "housing_ends_soon"
    return "no_home" if lacks_housing else "unsafe_home"


def _is_current(outline: Outline) -> bool:
    """The application the young person is waiting on now (not one already housed or ended)."""
    return outline.story.kind in OPEN_KINDS and outline.status == STATUS_OF_KIND[outline.story.kind]


def _needs_accessible(demo: Demo, story: Story, unit: Unit | None) -> bool:
    if unit is not None:
        return story.place.accessible and demo.rng.random() < 0.5
    return story.kind == Kind.WAITLISTED and demo.rng.random() < 0.05


def _unit_types(demo: Demo, person: YoungPerson, unit: Unit | None) -> list[str]:
    """Most accept any unit type; some name one to three, always including the one they got."""
    if person.children_in_household:
        return [UnitType.FAMILY_UNIT.value] if demo.rng.random() < 0.5 else []
    if demo.rng.random() < 0.6:
        return []
    chosen = set(demo.rng.sample([t.value for t in UnitType if t != UnitType.FAMILY_UNIT], demo.rng.randint(1, 3)))
    if unit is not None:
        chosen.add(unit.unit_type.value)
    return sorted(chosen)


def _own_words(demo: Demo, person: YoungPerson) -> str | None:
    if demo.rng.random() < 0.15:
        return None
    words = FAMILY_OWN_WORDS if person.children_in_household else OWN_WORDS
    return demo.rng.choice(words["sv" if person.language == "sv" else "fi"])


def _wishes(demo: Demo, story: Story, unit: Unit | None) -> list[WishInput]:
    """One to three ranked wishes: municipalities or named districts in one."""
    anchor = unit.municipality_code if unit else story.person.municipality_code
    others = [code for code, _ in HOME_MUNICIPALITIES[story.county_id] if code != anchor]
    districts = list(DISTRICTS.get(anchor, ()))
    demo.rng.shuffle(others)
    demo.rng.shuffle(districts)
    wishes = [_district_wish(anchor, districts.pop()) if districts and demo.rng.random() < 0.4
              else WishInput(municipality=anchor)]
    for _ in range(demo.rng.choice((0, 1, 1, 2))):
        if others:
            wishes.append(WishInput(municipality=others.pop()))
        elif districts:
            wishes.append(_district_wish(anchor, districts.pop()))
    return wishes


def _district_wish(code: str, district: tuple[str, float, float]) -> WishInput:
    name, lat, lon = district
    return WishInput(municipality=code, label=name, lat=lat, lon=lon)


def _max_distance(demo: Demo, wishes: list[WishInput], unit: Unit | None) -> int:
    """For a place offered or let, its unit lies within reach of the first wish."""
    distance = demo.rng.choice(MAX_DISTANCES_KM)
    if unit is not None:
        first = wishes[0]
        lat, lon = (first.lat, first.lon) if first.lat is not None else _centre(demo, first.municipality)
        distance = max(distance, math.ceil(km_between(lat, lon, unit.lat, unit.lon)) + 5)
    return distance


def _centre(demo: Demo, code: str) -> tuple[float, float]:
    """Where a municipality wish points: its reference centroid (as the service stores it)."""
    municipality = demo.municipalities[code]
    return municipality.lat, municipality.lon


def _not_with_pairs(demo: Demo, stories: list[Story]) -> dict[int, list[YoungPerson]]:
    """For safety, a few on the waiting list must not live in the same unit as a named person."""
    waiting = {county: [s for s in stories if s.kind == Kind.WAITLISTED and s.county_id == county]
               for county in ("PI", "HKI")}
    pi_residents = [s for s in stories if s.kind == Kind.RESIDENT and s.county_id == "PI"]
    first, second, third, fourth = demo.rng.sample(waiting["PI"], 4)
    helsinki_one, helsinki_two = demo.rng.sample(waiting["HKI"], 2)
    return {
        id(first): [second.person], id(third): [demo.rng.choice(pi_residents).person], id(fourth): [first.person],
        id(helsinki_one): [helsinki_two.person],
    }
