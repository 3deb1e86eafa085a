"""Support for those living in units: plans, a published week of visits, and what happened.

The demo manager's units get last week's and this week's schedule, built greedily here
(the real scheduler comes later): every visit lies inside its staff member's shift and the
resident's preferred time, a worker is never in two places at once (with travel time
between visits), no resident gets two visits a day, and absences are respected.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from housing.demo.context import LOCAL_TIME, Demo, monday_of
from housing.demo.staff import DEMO_MANAGER_GROUP
from housing.demo.stories import Story
from housing.demo.texts import SUPPORT_GOALS, VISIT_NOTES
from housing.demo.units import UNIT_SPECS
from housing.extensions import db
from housing.models import (
    ScheduledVisit,
    ScheduleStatus,
    SupportPlan,
    User,
    VisitOutcome,
    VisitRecord,
    WeeklySchedule,
)
from housing.vocabulary import VISIT_THEMES

VISITS_A_WEEK_BY_LEVEL = {1: (1, 1), 2: (1, 2), 3: (2, 3), 4: (3, 3)}
MINUTES_PER_VISIT = (30, 45, 60, 60, 75, 90)
PREFERRED_WINDOWS = ((9 * 60, 12 * 60), (12 * 60, 16 * 60), (16 * 60, 20 * 60), (10 * 60, 18 * 60))
SKILL_NEEDED_SHARE = 0.3
TRAVEL_MINUTES = 15
SLOT_MINUTES = 15
OUTCOME_WEIGHTS = {VisitOutcome.DONE: 85, VisitOutcome.MISSED: 8, VisitOutcome.CANCELLED: 7}
VISIT_TYPE_WEIGHTS = {"home_visit": 70, "outing": 15, "office": 10, "phone": 5}


@dataclass
class SupportCounts:
    plans: int = 0
    schedules: int = 0
    visits: int = 0
    records: int = 0


def build_support(demo: Demo, stories: list[Story]) -> SupportCounts:
    current = [s for s in stories if s.tenancy is not None and s.tenancy.is_current(demo.today)]
    plans = {id(story): _plan(demo, story) for story in current}
    db.session.add_all(plans.values())
    db.session.flush()  # scheduled visits refer to their plan by id
    counts = SupportCounts(plans=len(plans))
    this_week = monday_of(demo.today)
    for spec in UNIT_SPECS:
        if spec.manager_group != DEMO_MANAGER_GROUP:
            continue
        unit_plans = [plans[id(s)] for s in current if s.unit is demo.units[spec.key]]
        for monday in (this_week - timedelta(days=7), this_week):
            schedule = _schedule(demo, spec.key, monday, unit_plans)
            records = [_record(demo, visit) for visit in schedule.visits if visit.ends_at < demo.now]
            db.session.add(schedule)
            db.session.add_all(records)
            counts.schedules += 1
            counts.visits += len(schedule.visits)
            counts.records += len(records)
    return counts


def _plan(demo: Demo, story: Story) -> SupportPlan:
    unit = story.unit
    staff = demo.unit_staff[demo.key_of(unit)]
    skill = _skill_needed(demo, story, staff)
    key_worker = demo.rng.choice([u for u in staff if skill is None or skill in u.skills])
    start, end = demo.rng.choice(PREFERRED_WINDOWS)
    weekdays = sorted(demo.rng.sample(range(5), demo.rng.choice((4, 5))))
    goals = demo.rng.sample(list(unit.services), min(2, len(unit.services)))
    return SupportPlan(
        tenancy=story.tenancy, key_worker=key_worker,
        visits_per_week=demo.rng.randint(*VISITS_A_WEEK_BY_LEVEL[unit.support_level]),
        minutes_per_visit=demo.rng.choice(MINUTES_PER_VISIT), skill_needed=skill,
        preferred_times=[{"weekday": day, "start": start, "end": end} for day in weekdays],
        goals=" ".join(SUPPORT_GOALS[goal] for goal in goals), valid_from=story.tenancy.move_in,
    )


def _skill_needed(demo: Demo, story: Story, staff: list[User]) -> str | None:
    """Service in Swedish for a Swedish speaker where staff can give it; otherwise sometimes a
    skill that some of the unit's staff have."""
    skills = sorted({skill for user in staff for skill in user.skills})
    if story.person.language == "sv" and "swedish" in skills:
        return "swedish"
    skills = [s for s in skills if s != "swedish"]
    return demo.rng.choice(skills) if skills and demo.rng.random() < SKILL_NEEDED_SHARE else None


@dataclass
class Bookings:
    """Who is busy when in one week, and how many visit minutes each worker has used."""

    busy: dict[tuple[str, date], list[tuple[int, int]]] = field(default_factory=dict)
    minutes: dict[str, int] = field(default_factory=dict)

    def free(self, user: User, day: date, start: int, end: int) -> bool:
        if self.minutes.get(user.email, 0) + end - start > (user.max_weekly_minutes or 0):
            return False
        return all(end + TRAVEL_MINUTES <= other_start or other_end + TRAVEL_MINUTES <= start
                   for other_start, other_end in self.busy.get((user.email, day), []))

    def book(self, user: User, day: date, start: int, end: int) -> None:
        self.busy.setdefault((user.email, day), []).append((start, end))
        self.minutes[user.email] = self.minutes.get(user.email, 0) + end - start


def _schedule(demo: Demo, unit_key: str, monday: date, plans: list[SupportPlan]) -> WeeklySchedule:
    manager = demo.managers[unit_key]
    published = demo.moment(monday - timedelta(days=3), 14 * 60)  # the Friday before
    schedule = WeeklySchedule(unit=demo.units[unit_key], week_start=monday, status=ScheduleStatus.PUBLISHED,
                              created_by_id=manager.id, published_at=published, created_at=published)
    bookings = Bookings()
    staff = demo.unit_staff[unit_key]
    for plan in sorted(plans, key=lambda p: (p.skill_needed is None, -p.visits_per_week)):
        windows = list(plan.preferred_times)
        demo.rng.shuffle(windows)
        placed = 0
        for window in windows:
            day = monday + timedelta(days=window["weekday"])
            if placed == plan.visits_per_week or not plan.tenancy.is_current(day):
                continue
            visit = _visit(demo, plan, staff, day, window, bookings)
            if visit is not None:
                schedule.visits.append(visit)
                placed += 1
    return schedule


def _visit(demo: Demo, plan: SupportPlan, staff: list[User], day: date, window: dict[str, int],
           bookings: Bookings) -> ScheduledVisit | None:
    """The key worker if they can; else a colleague with the skill needed, at a random free time."""
    colleagues = [u for u in staff if u is not plan.key_worker and (not plan.skill_needed
                                                                     or plan.skill_needed in u.skills)]
    for user in [plan.key_worker, *colleagues]:
        if day in demo.absences.get(user.email, set()):
            continue
        shift_start, shift_end = demo.shifts[user.email]
        first, last = max(shift_start, window["start"]), min(shift_end, window["end"]) - plan.minutes_per_visit
        starts = [m for m in range(first, last + 1, SLOT_MINUTES)
                  if bookings.free(user, day, m, m + plan.minutes_per_visit)]
        if starts:
            start = demo.rng.choice(starts)
            bookings.book(user, day, start, start + plan.minutes_per_visit)
            return ScheduledVisit(
                support_plan_id=plan.id, young_person=plan.tenancy.young_person, staff=user,
                starts_at=_local(day, start), ends_at=_local(day, start + plan.minutes_per_visit),
            )
    return None


def _local(day: date, minute_of_day: int) -> datetime:
    return datetime.combine(day, time(minute_of_day // 60, minute_of_day % 60), tzinfo=LOCAL_TIME)


def _record(demo: Demo, visit: ScheduledVisit) -> VisitRecord:
    outcome = demo.rng.choices(list(OUTCOME_WEIGHTS), weights=list(OUTCOME_WEIGHTS.values()))[0]
    record = VisitRecord(
        scheduled_visit=visit, young_person=visit.young_person, staff=visit.staff, outcome=outcome,
        notes=demo.rng.choice(VISIT_NOTES[str(outcome)]),
        created_at=min(visit.ends_at + timedelta(minutes=demo.rng.randint(10, 120)), demo.now),
    )
    if outcome == VisitOutcome.DONE:
        planned = int((visit.ends_at - visit.starts_at).total_seconds() // 60)
        record.started_at = visit.starts_at + timedelta(minutes=demo.rng.randint(-5, 10))
        record.actual_minutes = max(15, planned + demo.rng.choice((-15, 0, 0, 0, 15)))
        record.visit_type = demo.rng.choices(list(VISIT_TYPE_WEIGHTS), weights=list(VISIT_TYPE_WEIGHTS.values()))[0]
        record.themes = sorted(demo.rng.sample(list(VISIT_THEMES), demo.rng.randint(1, 3)))
    return record
