"""Support for those living in units: plans, published weeks of visits, and what happened.

Everything goes through the support services, as a unit manager and the workers would:
each resident's plan is saved with ``support_plans.save_plan``; the demo manager's units get
last week and this week planned by the real job (``scheduling.plan_week`` and the solver,
with a short time limit: the units are small) and published, each on the Friday before;
and every visit of the days before today is recorded by its worker with
``visit_records.record_visit`` (today's are the workers' to record).
One resident of the demo social worker has missed their last two visits: the alert shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from housing import jobs
from housing.demo.context import Demo, monday_of
from housing.demo.staff import DEMO_MANAGER_GROUP
from housing.demo.stories import Story
from housing.demo.texts import SUPPORT_GOALS, VISIT_NOTES
from housing.demo.units import UNIT_SPECS
from housing.extensions import db
from housing.models import ScheduledVisit, SupportPlan, User, VisitOutcome, WeeklySchedule
from housing.services import schedule_edits, scheduling, support_plans, visit_records
from housing.services.errors import RuleViolation
from housing.vocabulary import CANCELLED_BY, VISIT_THEMES

VISITS_A_WEEK_BY_LEVEL = {1: (1, 1), 2: (1, 2), 3: (2, 3), 4: (3, 3)}
MINUTES_PER_VISIT = (30, 45, 60, 60, 75, 90)
PREFERRED_WINDOWS = ((9 * 60, 12 * 60), (12 * 60, 16 * 60), (16 * 60, 20 * 60), (10 * 60, 18 * 60))
SKILL_NEEDED_SHARE = 0.3
DEMO_WORKER = "unit.staff@demo.fi"
SOLVER_SECONDS = 2  # the demo's units are small: the solver proves or settles them well within this
OUTCOME_WEIGHTS = {VisitOutcome.DONE: 85, VisitOutcome.MISSED: 8, VisitOutcome.CANCELLED: 7}
VISIT_TYPE_WEIGHTS = {"home_visit": 70, "accompanying": 12, "group": 8, "phone": 10}


@dataclass
class SupportCounts:
    plans: int = 0
    schedules: int = 0
    visits: int = 0
    records: int = 0


def build_support(demo: Demo, stories: list[Story]) -> SupportCounts:
    current = [s for s in stories if s.tenancy is not None and s.tenancy.is_current(demo.today)]
    residents_of: dict[str, int] = {}  # key worker's email → residents so far
    plans = [_plan(demo, story, residents_of) for story in current]
    counts = SupportCounts(plans=len(plans))
    this_week = monday_of(demo.today)
    for spec in UNIT_SPECS:
        if spec.manager_group != DEMO_MANAGER_GROUP:
            continue
        for monday in (this_week - timedelta(days=7), this_week):
            schedule = _published_week(demo, spec.key, monday)
            counts.schedules += 1
            counts.visits += len(schedule.visits)
    counts.records = _record_past_visits(demo, stories)
    return counts


def _plan(demo: Demo, story: Story, residents_of: dict[str, int]) -> SupportPlan:
    unit = story.unit
    staff = demo.unit_staff[demo.key_of(unit)]
    skill = _skill_needed(demo, story, staff)
    able = [u for u in staff if skill is None or skill in u.skills]
    # Key workers are shared out evenly, as a manager would: the one with the fewest residents.
    fewest = min(residents_of.get(u.email, 0) for u in able)
    key_worker = demo.rng.choice([u for u in able if residents_of.get(u.email, 0) == fewest])
    residents_of[key_worker.email] = fewest + 1
    minutes = demo.rng.choice(MINUTES_PER_VISIT)
    start, end = demo.rng.choice(_windows_someone_works(demo, [key_worker], minutes))
    weekdays = sorted(demo.rng.sample(range(5), demo.rng.choice((4, 5))))
    goals = demo.rng.sample(list(unit.services), min(2, len(unit.services)))
    data = {
        "key_worker_id": key_worker.id, "minutes_per_visit": minutes,
        "visits_per_week": demo.rng.randint(*VISITS_A_WEEK_BY_LEVEL[unit.support_level]), "skill_needed": skill,
        "preferred_times": [{"weekday": day, "start": start, "end": end} for day in weekdays],
        "goals": " ".join(SUPPORT_GOALS[goal] for goal in goals),
    }
    # The plan was made when the young person moved in.
    return support_plans.save_plan(None, unit, story.tenancy, data, story.tenancy.move_in)


def _windows_someone_works(demo: Demo, able: list[User], minutes: int) -> list[tuple[int, int]]:
    shifts = [demo.shifts[user.email] for user in able]
    return [(start, end) for start, end in PREFERRED_WINDOWS
            if any(min(end, shift_end) - max(start, shift_start) >= minutes for shift_start, shift_end in shifts)]


def _skill_needed(demo: Demo, story: Story, staff: list[User]) -> str | None:
    """Service in Swedish for a Swedish speaker where staff can give it; otherwise sometimes a
    skill that some of the unit's staff have."""
    skills = sorted({skill for user in staff for skill in user.skills})
    if story.person.language == "sv" and "swedish" in skills:
        return "swedish"
    skills = [s for s in skills if s != "swedish"]
    return demo.rng.choice(skills) if skills and demo.rng.random() < SKILL_NEEDED_SHARE else None


def _published_week(demo: Demo, unit_key: str, monday: date) -> WeeklySchedule:
    """The week planned by the job and published by the unit's manager on the Friday before."""
    manager = demo.managers[unit_key]
    friday_before = demo.moment(monday - timedelta(days=3), 14 * 60)
    schedule, job = scheduling.plan_week(manager, demo.units[unit_key], monday, now=friday_before,
                                         seconds=SOLVER_SECONDS, runner="cli")
    jobs.run(job.id)  # commits, as every job does
    schedule = db.session.get(WeeklySchedule, schedule.id)
    if monday == monday_of(demo.today):
        _give_today_to_the_demo_worker(demo, manager, schedule)
    return scheduling.publish(manager, schedule, now=friday_before)


def _give_today_to_the_demo_worker(demo: Demo, manager: User, schedule: WeeklySchedule) -> None:
    """The manager moves two of today's visits to the demo worker by hand (if the rules allow),
    so that unit.staff@demo.fi has a day of visits to record."""
    worker = next((u for u in demo.unit_staff.get(demo.key_of(schedule.unit), []) if u.email == DEMO_WORKER), None)
    day = demo.today.weekday()
    if worker is None or day >= 5:
        return
    shift_start, shift_end = (day * 1440 + minute for minute in demo.shifts[worker.email])
    moved = 0
    for visit in schedule.problem["visits"]:
        for window in visit["windows"]:
            first, last = max(window["start"], shift_start), min(window["end"], shift_end) - visit["duration"]
            if moved < 2 and first <= last and _moved(manager, schedule, visit["id"], worker, first, last):
                moved += 1
                break


def _moved(manager: User, schedule: WeeklySchedule, ref: str, worker: User, first: int, last: int) -> bool:
    for start in range(first - first % 15 + (15 if first % 15 else 0), last + 1, 15):
        try:
            schedule_edits.move_visit(manager, schedule, ref, worker.id, start // 1440, start % 1440)
        except RuleViolation:
            continue
        return True
    return False


def _record_past_visits(demo: Demo, stories: list[Story]) -> int:
    """Each visit of the days before today is recorded by its worker a little after it ended;
    today's wait for the workers to record them."""
    today_starts = demo.moment(demo.today, 0)
    past = [visit for schedule in db.session.scalars(select(WeeklySchedule))
            for visit in schedule.visits if visit.ends_at < today_starts and visit.record is None]
    past.sort(key=lambda visit: visit.starts_at)
    missing_twice = _missed_twice(demo, stories, past)
    for visit in past:
        outcome = VisitOutcome.MISSED if visit.id in missing_twice else _outcome(demo)
        worker = db.session.get(User, visit.staff_id)
        recorded_at = min(visit.ends_at + timedelta(minutes=demo.rng.randint(10, 120)), demo.now)
        visit_records.record_visit(worker, _record_data(demo, visit, outcome), visit=visit, now=recorded_at)
    return len(past)


def _missed_twice(demo: Demo, stories: list[Story], past: list[ScheduledVisit]) -> set[int]:
    """The last two visits of one of the demo social worker's clients: missed (the alert's story)."""
    worker = demo.social_workers["PI"][0]
    clients = {story.person.id for story in stories if story.worker is worker}
    by_person: dict[int, list[ScheduledVisit]] = {}
    for visit in past:
        if visit.young_person_id in clients:
            by_person.setdefault(visit.young_person_id, []).append(visit)
    candidates = sorted(person_id for person_id, visits in by_person.items() if len(visits) >= 2)
    if not candidates:
        return set()
    return {visit.id for visit in by_person[candidates[0]][-2:]}


def _outcome(demo: Demo) -> VisitOutcome:
    return demo.rng.choices(list(OUTCOME_WEIGHTS), weights=list(OUTCOME_WEIGHTS.values()))[0]


def _record_data(demo: Demo, visit: ScheduledVisit, outcome: VisitOutcome) -> dict:
    data = {"outcome": str(outcome), "started_at": None, "actual_minutes": None, "visit_type": None, "themes": [],
            "cancelled_by": None, "notes": demo.rng.choice(VISIT_NOTES[str(outcome)])}
    if outcome == VisitOutcome.DONE:
        planned = int((visit.ends_at - visit.starts_at).total_seconds() // 60)
        data["started_at"] = visit.starts_at + timedelta(minutes=demo.rng.randint(-5, 10))
        data["actual_minutes"] = max(15, planned + demo.rng.choice((-15, 0, 0, 0, 15)))
        data["visit_type"] = demo.rng.choices(list(VISIT_TYPE_WEIGHTS), weights=list(VISIT_TYPE_WEIGHTS.values()))[0]
        data["themes"] = sorted(demo.rng.sample(list(VISIT_THEMES), demo.rng.randint(1, 3)))
    elif outcome == VisitOutcome.CANCELLED:
        data["cancelled_by"] = demo.rng.choice(list(CANCELLED_BY))
    return data
