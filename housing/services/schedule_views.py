"""A week's schedule as people read it: a calendar per worker and per resident, with travel,
the key-worker share, every visit left out and why, and what changed from the published week.

Everything is read in a handful of queries whatever the size of the week, and every young
person the calendar names is written to the audit log as seen in a list.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from housing import audit
from housing.extensions import db
from housing.models import ScheduledVisit, SupportPlan, User, WeeklySchedule, YoungPerson
from housing.services.schedule_problem import DAYS_IN_WEEK, MINUTES_PER_DAY, id_of, minute_of_week, plan_of
from housing.services.schedule_rules import Placement
from housing.services.scheduling import rules_of

# The solver explains a visit left out in English; these are its reasons, in the reader's language.
SOLVER_REASONS = (
    ("No staff member is working", _l("No one works this week.")),
    ("No staff member working this week has the skill", _l("No one working this week has the skill the visit needs.")),
    ("None of the visit's time windows", _l("None of the resident's preferred times fits a shift of someone who has "
                                            "the skill (counting the travel there and back).")),
    ("The week's minutes are full", _l("Everyone who could make it has used up their visit minutes for the week.")),
    ("The resident already has a visit", _l("The resident already has a visit on every day this one could be made.")),
    ("Could not fit", _l("It did not fit with the other visits: the shifts where it could go are full then.")),
)
REMOVED_BY_HAND = _l("Removed by hand.")


@dataclass
class Cell:
    """One visit in the calendar."""

    ref: str
    start: int  # minute of the week
    end: int
    person: YoungPerson
    staff: User | None
    with_key_worker: bool
    fixed: bool  # kept from the published week: already made, or recorded
    row: ScheduledVisit

    @property
    def day(self) -> int:
        return self.start // MINUTES_PER_DAY


@dataclass
class StaffLine:
    user: User
    days: list[list[Cell]]
    travel: list[int]  # minutes a day, base to base
    working: list[bool] = field(default_factory=lambda: [False] * DAYS_IN_WEEK)  # a shift that day
    minutes: int = 0
    limit: int | None = None
    own_visits: int = 0  # visits of residents they are the key worker of
    own_made: int = 0  # … of which they make


@dataclass
class ResidentLine:
    person: YoungPerson
    key_worker: User | None
    days: list[list[Cell]]
    needed: int = 0
    with_key_worker: int = 0

    @property
    def scheduled(self) -> int:
        return sum(len(cells) for cells in self.days)


@dataclass(frozen=True)
class Missing:
    ref: str
    person: YoungPerson
    duration: int
    skill: str | None
    reason: str


@dataclass(frozen=True)
class Change:
    kind: str  # moved, reassigned, reassigned_and_moved, dropped, added
    person: YoungPerson
    before: Cell | None
    after: Cell | None


@dataclass
class WeekView:
    schedule: WeeklySchedule
    days: list[date]
    shown_days: list[int]
    staff: list[StaffLine] = field(default_factory=list)
    residents: list[ResidentLine] = field(default_factory=list)
    unscheduled: list[Missing] = field(default_factory=list)
    changes: list[Change] | None = None
    scheduled: int = 0
    total: int = 0
    with_key_worker: int = 0
    travel_minutes: int = 0

    @property
    def key_worker_share(self) -> int | None:
        return round(100 * self.with_key_worker / self.scheduled) if self.scheduled else None


def reason_text(reason: str):
    for start, text in SOLVER_REASONS:
        if reason.startswith(start):
            return text
    return reason


def week_view(schedule: WeeklySchedule) -> WeekView:
    """The planned week (``schedule.result`` present) as calendars, in a few queries."""
    problem = schedule.problem
    view = WeekView(schedule, [schedule.week_start + timedelta(days=d) for d in range(DAYS_IN_WEEK)], [])
    rows = _rows(schedule)
    plans = _plans(problem, rows)
    people, users = _people(schedule, rows), _users(schedule, rows, plans)
    visits = {visit["id"]: visit for visit in problem["visits"]}
    key_workers = _key_workers(problem, plans)
    cells = {row.visit_ref: _cell(schedule, row, visits, people, users, key_workers) for row in rows}
    view.staff = _staff_lines(schedule, cells, users, key_workers)
    view.residents = _resident_lines(problem, cells, people, users, plans)
    view.unscheduled = _missing(schedule, visits, cells, people)
    view.scheduled = len(cells)
    view.total = len(cells) + len(view.unscheduled)
    view.with_key_worker = sum(cell.with_key_worker for cell in cells.values())
    view.travel_minutes = sum(sum(line.travel) for line in view.staff)
    view.shown_days = _shown_days(problem, cells)
    if schedule.replaces_id is not None:
        view.changes = _changes(schedule, cells, visits, people, users)
    audit.record_list_view(people)
    return view


def _rows(schedule: WeeklySchedule) -> list[ScheduledVisit]:
    return list(db.session.scalars(
        select(ScheduledVisit).where(ScheduledVisit.schedule_id == schedule.id).order_by(ScheduledVisit.starts_at)
        .options(selectinload(ScheduledVisit.record))
    ))


def _people(schedule: WeeklySchedule, rows: list[ScheduledVisit]) -> dict[int, YoungPerson]:
    ids = {id_of(v["resident"]) for v in schedule.problem["visits"]} | {row.young_person_id for row in rows}
    return {p.id: p for p in db.session.scalars(select(YoungPerson).where(YoungPerson.id.in_(ids)))}


def _users(schedule: WeeklySchedule, rows: list[ScheduledVisit], plans: dict[int, SupportPlan]) -> dict[int, User]:
    problem = schedule.problem
    ids = {id_of(m["id"]) for m in problem["staff"]} | {row.staff_id for row in rows if row.staff_id}
    ids |= {plan.key_worker_id for plan in plans.values() if plan.key_worker_id}
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}


def _plans(problem: dict, rows: list[ScheduledVisit]) -> dict[int, SupportPlan]:
    ids = {plan_of(v["id"]) for v in problem["visits"]} | {row.support_plan_id for row in rows if row.support_plan_id}
    query = select(SupportPlan).where(SupportPlan.id.in_(ids)).options(selectinload(SupportPlan.tenancy))
    return {p.id: p for p in db.session.scalars(query)}


def _key_workers(problem: dict, plans: dict[int, SupportPlan]) -> dict[str, str | None]:
    """Each visit's key worker: as the problem had it, or for a visit kept from the published
    week (not in the problem), as its plan has it."""
    key_workers: dict[str, str | None] = defaultdict(lambda: None)
    for plan in plans.values():
        for n in range(1, 8):
            key_workers[f"P{plan.id}.{n}"] = f"S{plan.key_worker_id}" if plan.key_worker_id else None
    key_workers.update({visit["id"]: visit["key_worker"] for visit in problem["visits"]})
    return key_workers


def _cell(schedule: WeeklySchedule, row: ScheduledVisit, visits: dict, people: dict, users: dict,
          key_workers: dict[str, str | None]) -> Cell:
    key_worker = key_workers[row.visit_ref]
    return Cell(
        ref=row.visit_ref, start=minute_of_week(schedule.week_start, row.starts_at),
        end=minute_of_week(schedule.week_start, row.ends_at), person=people[row.young_person_id],
        staff=users.get(row.staff_id), with_key_worker=key_worker is not None and key_worker == f"S{row.staff_id}",
        fixed=row.visit_ref not in visits, row=row,
    )


def _empty_days() -> list[list[Cell]]:
    return [[] for _ in range(DAYS_IN_WEEK)]


def _staff_lines(schedule: WeeklySchedule, cells: dict[str, Cell], users: dict[int, User],
                 key_workers: dict[str, str | None]) -> list[StaffLine]:
    problem = schedule.problem
    # A re-plan passes no shift that ended before it: of those days nothing is said.
    judged_from = minute_of_week(schedule.week_start, schedule.replan_from) // MINUTES_PER_DAY + 1 \
        if schedule.replan_from else 0
    lines: dict[int, StaffLine] = {}

    def line_of(user: User) -> StaffLine:
        if user.id not in lines:
            lines[user.id] = StaffLine(user, _empty_days(), [0] * DAYS_IN_WEEK, limit=user.max_weekly_minutes,
                                       working=[d < judged_from for d in range(DAYS_IN_WEEK)])
        return lines[user.id]

    for member in problem["staff"]:
        user = users[id_of(member["id"])]
        line_of(user)
        for shift in member["shifts"]:
            lines[user.id].working[(shift["start"] // MINUTES_PER_DAY) % DAYS_IN_WEEK] = True
    for cell in sorted(cells.values(), key=lambda c: c.start):
        if cell.staff is None:
            continue
        line = line_of(cell.staff)
        line.days[cell.day % DAYS_IN_WEEK].append(cell)
        line.minutes += cell.end - cell.start
    rules = rules_of(schedule)
    for leg in rules.legs({ref: _placement(cell) for ref, cell in cells.items() if not cell.fixed}):
        shift = rules.staff[leg.staff]["shifts"][leg.shift]
        lines[id_of(leg.staff)].travel[(shift["start"] // MINUTES_PER_DAY) % DAYS_IN_WEEK] += leg.travel_minutes
    refs = {visit["id"] for visit in problem["visits"]} | set(cells)
    for ref in refs:
        key_worker = key_workers[ref]
        if key_worker and id_of(key_worker) in lines:
            lines[id_of(key_worker)].own_visits += 1
    for cell in cells.values():
        if cell.with_key_worker and cell.staff.id in lines:
            lines[cell.staff.id].own_made += 1
    return sorted(lines.values(), key=lambda line: line.user.name)


def _placement(cell: Cell) -> Placement:
    return Placement(f"S{cell.staff.id}", cell.start)


def _resident_lines(problem: dict, cells: dict[str, Cell], people: dict, users: dict,
                    plans: dict[int, SupportPlan]) -> list[ResidentLine]:
    lines: dict[int, ResidentLine] = {}
    needed: dict[int, int] = defaultdict(int)
    for visit in problem["visits"]:
        needed[id_of(visit["resident"])] += 1
    for plan in plans.values():
        person_id = plan.tenancy.young_person_id
        lines[person_id] = ResidentLine(people[person_id], users.get(plan.key_worker_id), _empty_days())
    for cell in sorted(cells.values(), key=lambda c: c.start):
        line = lines.setdefault(cell.person.id, ResidentLine(cell.person, None, _empty_days()))
        line.days[cell.day % DAYS_IN_WEEK].append(cell)
        line.with_key_worker += cell.with_key_worker
        if cell.fixed:
            needed[cell.person.id] += 1
    for person_id, line in lines.items():
        line.needed = needed[person_id]
    return sorted(lines.values(), key=lambda line: (line.person.last_name, line.person.first_name))


def _missing(schedule: WeeklySchedule, visits: dict, cells: dict[str, Cell], people: dict) -> list[Missing]:
    reasons = {u["visit"]: u["reason"] for u in schedule.result["unscheduled"]}
    missing = []
    for ref, visit in visits.items():
        if ref in cells:
            continue
        reason = reason_text(reasons[ref]) if ref in reasons else REMOVED_BY_HAND
        missing.append(Missing(ref, people[id_of(visit["resident"])], visit["duration"], visit["skill"], reason))
    return sorted(missing, key=lambda m: (m.person.last_name, m.person.first_name, m.ref))


def _shown_days(problem: dict, cells: dict[str, Cell]) -> list[int]:
    """Monday to Friday, and the weekend days someone works or has a visit."""
    busy = {cell.day for cell in cells.values()}
    busy |= {shift["start"] // MINUTES_PER_DAY for member in problem["staff"] for shift in member["shifts"]}
    return [d for d in range(DAYS_IN_WEEK) if d < 5 or d in busy]


def _changes(schedule: WeeklySchedule, cells: dict[str, Cell], visits: dict, people: dict,
             users: dict) -> list[Change]:
    """What is different from the week this one replaces, visit by visit."""
    earlier = schedule.replaces
    before_rows = _rows(earlier)
    missing_people = {row.young_person_id for row in before_rows} - set(people)
    missing_users = {row.staff_id for row in before_rows if row.staff_id} - set(users)
    people.update({p.id: p for p in db.session.scalars(select(YoungPerson).where(YoungPerson.id.in_(missing_people)))})
    users.update({u.id: u for u in db.session.scalars(select(User).where(User.id.in_(missing_users)))})
    before = {row.visit_ref: _cell(earlier, row, visits, people, users, defaultdict(lambda: None))
              for row in before_rows}
    changes = []
    for ref in sorted(set(before) | set(cells), key=lambda r: (before.get(r) or cells[r]).start):
        old, new = before.get(ref), cells.get(ref)
        kind = _change_kind(old, new)
        if kind is not None:
            changes.append(Change(kind, (old or new).person, old, new))
    return changes


def _change_kind(old: Cell | None, new: Cell | None) -> str | None:
    if old is None:
        return "added"
    if new is None:
        return "dropped"
    if old.staff != new.staff:
        return "reassigned" if old.start == new.start else "reassigned_and_moved"
    if old.start != new.start:
        return "moved"
    return None
