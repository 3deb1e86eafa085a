"""Who lived in the units before the service, who moved out lately, planned move-outs, and
requests to move; all through ``housing.services.tenancies`` and ``moves``.

Residents from before the county took the service into use are recorded by its coordinator
(``tenancies.register_resident``); a former resident is recorded the same way and their
move-out by the unit's manager. Those who came through an application get their tenancy from
a round (``housing.demo.rounds``). Move-outs planned ahead (aftercare ending, an own flat)
and the requests to move are made as the unit's manager and the social workers would.
"""

from __future__ import annotations

from datetime import date, timedelta

from housing import rules
from housing.demo.context import Demo
from housing.demo.stories import Kind, Story
from housing.demo.texts import ENDED_TENANCY_REASONS, MOVE_DECISIONS, MOVE_REQUEST_REASONS, PLANNED_MOVE_OUT_REASONS
from housing.models import MoveRequest
from housing.services import moves, tenancies

PLANNED_MOVE_OUT_SHARE = 0.15
SOON = timedelta(days=120)  # aftercare ending within this: the move-out is planned for that day
YOUNGEST_RESIDENT = 17
ENDED_CODES = ("own_rental_home", "aftercare_ended", "moved_away")  # matching texts.ENDED_TENANCY_REASONS
PLANNED_CODES = ("own_rental_home", "other")  # matching texts.PLANNED_MOVE_OUT_REASONS


def build_tenancies(demo: Demo, stories: list[Story]) -> None:
    """Residents from before the service, then former residents in the places left free."""
    for story in stories:
        if story.kind == Kind.RESIDENT:
            move_in = _move_in(demo, story, demo.days_ago(demo.rng.randint(30, 700)))
            story.tenancy = _register(demo, story, move_in)
    for story in stories:
        if story.kind == Kind.FORMER_RESIDENT:
            _former(demo, story)


def _register(demo: Demo, story: Story, move_in: date):
    coordinator = demo.coordinators[story.county_id]
    return tenancies.register_resident(coordinator, story.person, story.place, move_in, demo.today,
                                       at=demo.moment(move_in))


def _move_in(demo: Demo, story: Story, wanted: date) -> date:
    """No one moves in before the unit's minimum age (nor before 17)."""
    youngest = max(story.unit.min_age or YOUNGEST_RESIDENT, YOUNGEST_RESIDENT)
    return min(max(wanted, rules.birthday(story.person.birth_date, youngest)), demo.today)


def _former(demo: Demo, story: Story) -> None:
    """A former resident moved out lately, and lived there a year or so before."""
    move_out = demo.days_ago(demo.rng.randint(5, 90))
    move_in = max(move_out - timedelta(days=demo.rng.randint(150, 500)),
                  rules.birthday(story.person.birth_date, YOUNGEST_RESIDENT))
    story.tenancy = _register(demo, story, move_in)
    reason = demo.rng.randrange(len(ENDED_TENANCY_REASONS))
    moves.record_move_out(demo.managers[demo.key_of(story.unit)], story.tenancy, move_out, ENDED_CODES[reason],
                          ENDED_TENANCY_REASONS[reason], move_out, at=demo.moment(move_out))


def plan_move_outs(demo: Demo, stories: list[Story]) -> None:
    """Those whose aftercare ends soon move out that day; a few others have found a home."""
    for story in stories:
        tenancy = story.tenancy
        if story.kind not in (Kind.RESIDENT, Kind.HOUSED) or tenancy is None or not tenancy.moved_in:
            continue
        manager = demo.managers[demo.key_of(story.unit)]
        aftercare_ends = rules.aftercare_ends_on(story.person.birth_date)
        if demo.today < aftercare_ends <= demo.today + SOON:
            moves.record_move_out(manager, tenancy, aftercare_ends, "aftercare_ended", "Jälkihuolto päättyy.",
                                  demo.today, at=demo.moment(demo.days_ago(demo.rng.randint(1, 10))))
        elif demo.rng.random() < PLANNED_MOVE_OUT_SHARE:
            reason = demo.rng.randrange(len(PLANNED_MOVE_OUT_REASONS))
            moves.record_move_out(manager, tenancy, demo.today + timedelta(days=demo.rng.randint(14, 120)),
                                  PLANNED_CODES[reason], PLANNED_MOVE_OUT_REASONS[reason], demo.today,
                                  at=demo.moment(demo.days_ago(demo.rng.randint(1, 10))))


# --------------------------------------------------------------------------- move requests


def build_move_requests(demo: Demo, stories: list[Story]) -> int:
    """A transfer waiting for the coordinator, one rejected, and two move-outs recorded lately."""
    residents = [s for s in stories if s.kind in (Kind.RESIDENT, Kind.HOUSED) and s.tenancy is not None
                 and s.tenancy.moved_in and s.tenancy.planned_move_out is None and not s.person.non_disclosure]
    by_unit = {demo.key_of(s.unit): s for s in residents}  # one resident of each unit
    made = [
        _transfer(demo, by_unit["valo"], "less_support", "step_down", demo.managers["valo"], "kotiranta"),
        _move_out(demo, by_unit["tammela"], "other", "student_flat"),
        _move_out(demo, by_unit["hervanta"], "own_rental_home", "own_flat"),
        _transfer(demo, by_unit["kallio"], "closer_to_school_or_work", "closer_to_school", by_unit["kallio"].worker,
                  "tolo", rejected=True),
    ]
    return len(made)


def _transfer(demo: Demo, story: Story, code: str, text: str, asked_by, target: str,
              rejected: bool = False) -> MoveRequest:
    asked_on = demo.days_ago(demo.rng.randint(3, 20))
    request = moves.request_transfer(asked_by, story.tenancy, code, MOVE_REQUEST_REASONS[text],
                                     demo.today + timedelta(days=demo.rng.randint(21, 60)), demo.units[target].id,
                                     asked_on, at=demo.moment(asked_on))
    if rejected:
        moves.reject_transfer(demo.coordinators[story.county_id], request, MOVE_DECISIONS["rejected"],
                              at=demo.moment(asked_on + timedelta(days=2)))
    return request


def _move_out(demo: Demo, story: Story, code: str, text: str) -> MoveRequest:
    recorded = demo.days_ago(demo.rng.randint(3, 20))
    return moves.record_move_out(story.worker, story.tenancy, demo.today + timedelta(days=demo.rng.randint(21, 60)),
                                 code, MOVE_REQUEST_REASONS[text], recorded, at=demo.moment(recorded))
