"""Who lives where: current, planned and ended tenancies, and requests to move."""

from __future__ import annotations

from datetime import date, timedelta

from housing import rules
from housing.demo.context import Demo
from housing.demo.stories import Kind, Story
from housing.demo.texts import (
    ENDED_TENANCY_REASONS,
    MOVE_DECISIONS,
    MOVE_REQUEST_REASONS,
    PLANNED_MOVE_OUT_REASONS,
)
from housing.extensions import db
from housing.models import MoveKind, MoveRequest, MoveStatus, Place, Tenancy, User

PLANNED_MOVE_OUT_SHARE = 0.15
SOON = timedelta(days=120)  # aftercare ending within this: the move-out is planned for that day
YOUNGEST_RESIDENT = 17


class PlaceCalendar:
    """The tenancies of each place, checked as they are booked: a place is never let twice at once.

    PostgreSQL refuses overlapping tenancies (exclusion constraint); SQLite would not, so the
    demo checks it itself and fails loudly rather than build a county the database rejects.
    """

    def __init__(self) -> None:
        self._periods: dict[Place, list[tuple[date, date | None]]] = {}

    def book(self, place: Place, start: date, end: date | None) -> None:
        for other_start, other_end in self._periods.get(place, []):
            if start < (other_end or date.max) and other_start < (end or date.max):
                raise AssertionError(f"overlapping tenancies on {place.label}: {start}–{end}")
        self._periods.setdefault(place, []).append((start, end))

    def first_start(self, place: Place) -> date | None:
        return min((start for start, _ in self._periods.get(place, [])), default=None)


def build_tenancies(demo: Demo, stories: list[Story]) -> None:
    calendar = PlaceCalendar()
    for story in stories:
        if story.kind in (Kind.RESIDENT, Kind.HOUSED):
            days_ago = demo.rng.randint(30, 700) if story.kind == Kind.RESIDENT else demo.rng.randint(5, 240)
            _current_tenancy(demo, story, _move_in(demo, story, demo.days_ago(days_ago)))
        elif story.kind == Kind.HOUSED_FUTURE:
            story.tenancy = Tenancy(young_person=story.person, place=story.place,
                                    move_in=demo.today + timedelta(days=demo.rng.randint(7, 21)))
        if story.tenancy is not None:
            calendar.book(story.place, story.tenancy.move_in, story.tenancy.ends)
    for story in stories:  # after the others: they fit in before whatever follows on the place
        if story.kind == Kind.FORMER_RESIDENT:
            _ended_tenancy(demo, story, calendar)
    db.session.add_all(s.tenancy for s in stories if s.tenancy is not None)


def _move_in(demo: Demo, story: Story, wanted: date) -> date:
    """No one moves in before the unit's minimum age (nor before 17)."""
    youngest = max(story.unit.min_age or YOUNGEST_RESIDENT, YOUNGEST_RESIDENT)
    return min(max(wanted, rules.birthday(story.person.birth_date, youngest)), demo.today)


def _current_tenancy(demo: Demo, story: Story, move_in: date) -> None:
    tenancy = Tenancy(young_person=story.person, place=story.place, move_in=move_in)
    aftercare_ends = rules.aftercare_ends_on(story.person.birth_date)
    if demo.today < aftercare_ends <= demo.today + SOON:
        tenancy.planned_move_out, tenancy.end_reason = aftercare_ends, "Jälkihuolto päättyy."
    elif demo.rng.random() < PLANNED_MOVE_OUT_SHARE:
        tenancy.planned_move_out = demo.today + timedelta(days=demo.rng.randint(14, 120))
        tenancy.end_reason = demo.rng.choice(PLANNED_MOVE_OUT_REASONS)
    if tenancy.planned_move_out is not None:
        story.place.available_from = tenancy.planned_move_out
    story.tenancy = tenancy


def _ended_tenancy(demo: Demo, story: Story, calendar: PlaceCalendar) -> None:
    """A former resident moved out lately, before anyone after them moved in."""
    move_out = demo.days_ago(demo.rng.randint(5, 90))
    following = calendar.first_start(story.place)
    if following is not None:
        move_out = min(move_out, following - timedelta(days=demo.rng.randint(3, 20)))
    move_in = max(move_out - timedelta(days=demo.rng.randint(150, 500)),
                  rules.birthday(story.person.birth_date, YOUNGEST_RESIDENT))
    story.tenancy = Tenancy(young_person=story.person, place=story.place, move_in=move_in,
                            actual_move_out=move_out, end_reason=demo.rng.choice(ENDED_TENANCY_REASONS))
    calendar.book(story.place, move_in, move_out)


# --------------------------------------------------------------------------- move requests


def build_move_requests(demo: Demo, stories: list[Story]) -> int:
    """Two pending, one approved and one rejected, in several units and both counties."""
    residents = [s for s in stories if s.kind in (Kind.RESIDENT, Kind.HOUSED) and s.tenancy.planned_move_out is None]
    by_unit = {demo.key_of(s.unit): s for s in residents}  # one resident of each unit
    requests = [
        _request(demo, by_unit["valo"], MoveKind.TRANSFER, "step_down", demo.managers["valo"], target="kotiranta"),
        _request(demo, by_unit["tammela"], MoveKind.MOVE_OUT, "student_flat", by_unit["tammela"].worker),
        _request(demo, by_unit["hervanta"], MoveKind.MOVE_OUT, "own_flat", by_unit["hervanta"].worker,
                 decision=MoveStatus.APPROVED),
        _request(demo, by_unit["kallio"], MoveKind.TRANSFER, "closer_to_school", by_unit["kallio"].worker,
                 target="tolo", decision=MoveStatus.REJECTED),
    ]
    db.session.add_all(requests)
    return len(requests)


def _request(demo: Demo, story: Story, kind: MoveKind, reason: str, requested_by: User, target: str | None = None,
             decision: MoveStatus = MoveStatus.PENDING) -> MoveRequest:
    asked_on = demo.days_ago(demo.rng.randint(3, 20))
    request = MoveRequest(
        tenancy=story.tenancy, kind=kind, requested_by=requested_by, reason=MOVE_REQUEST_REASONS[reason],
        target_unit=demo.units[target] if target else None, status=decision,
        wanted_date=demo.today + timedelta(days=demo.rng.randint(21, 60)), created_at=demo.moment(asked_on),
    )
    if decision != MoveStatus.PENDING:
        request.decided_by = demo.coordinators[story.county_id]
        request.decided_at = demo.moment(asked_on + timedelta(days=2))
        request.decision_reason = MOVE_DECISIONS[str(decision)]
    if decision == MoveStatus.APPROVED and kind == MoveKind.MOVE_OUT:
        story.tenancy.planned_move_out = request.wanted_date  # an approved move-out is a planned one
        story.tenancy.end_reason = request.reason
        story.place.available_from = request.wanted_date
    return request
