"""One unit's week as the scheduling solver sees it: ``support-schedule/1`` built from the register.

Ids in the document say what they stand for and nothing more: staff ``S<user id>``,
residents ``R<young person id>``, visits ``P<plan id>.<n>`` (the plan's n-th visit of the
week, the same id in every version of the week), locations ``U<unit id>`` (a staff
member's base) and ``H<young person id>`` (a resident's home). No names, no addresses. A
turvakielto resident's home is in it as a point like anyone's, because the solver needs it;
the document is stored with the week and never shown on a page.

Times are whole minutes from the Monday 00:00 on the Finnish wall clock (every day 1,440
minutes, as the format says). A week is planned whole, or from a moment inside it (``cut``):
then what lies before (and every visit already recorded) is fixed, and only what lies
ahead is passed to the solver, with the published visits ahead as ``previous``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import selectinload

from housing.extensions import db
from housing.localtime import LOCAL_TIME
from housing.models import (
    Place,
    Role,
    ScheduledVisit,
    ScheduleStatus,
    ShiftPattern,
    StaffAbsence,
    SupportPlan,
    Tenancy,
    Unit,
    User,
    WeeklySchedule,
    user_units,
)

FORMAT = "support-schedule/1"
MINUTES_PER_DAY = 1440
DAYS_IN_WEEK = 7
WEEK_MINUTES = MINUTES_PER_DAY * DAYS_IN_WEEK
# Driving in and around towns: 40 km/h on roads 1.3 times the straight line.
TRAVEL = {"mode": "geo", "speed_kmh": 40, "road_factor": 1.3}


# --- time -------------------------------------------------------------------------------------


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def moment(week_start: date, minute: int) -> datetime:
    """The moment ``minute`` minutes into the week, on the local wall clock."""
    day = week_start + timedelta(days=minute // MINUTES_PER_DAY)
    of_day = minute % MINUTES_PER_DAY
    return datetime.combine(day, time(of_day // 60, of_day % 60), tzinfo=LOCAL_TIME)


def minute_of_week(week_start: date, when: datetime) -> int:
    """Minutes from the week's Monday 00:00 to ``when`` on the local wall clock (may be < 0)."""
    local = when.astimezone(LOCAL_TIME)
    days = (local.date() - week_start).days
    return days * MINUTES_PER_DAY + local.hour * 60 + local.minute + (1 if local.second or local.microsecond else 0)


# --- ids --------------------------------------------------------------------------------------


def staff_ref(user_id: int) -> str:
    return f"S{user_id}"


def resident_ref(person_id: int) -> str:
    return f"R{person_id}"


def visit_ref(plan_id: int, n: int) -> str:
    return f"P{plan_id}.{n}"


def id_of(ref: str) -> int:
    """The database id in a staff, resident or location id (``S12`` → 12)."""
    return int(ref[1:])


def plan_of(ref: str) -> int:
    """The support plan of a visit id (``P12.2`` → 12)."""
    return int(ref[1:].split(".")[0])


# --- what is already fixed --------------------------------------------------------------------


@dataclass(frozen=True)
class FixedVisit:
    """A visit of the published week that a re-plan keeps as it is: in the past, or recorded."""

    ref: str
    staff_id: int | None
    start: int  # minute of the week
    end: int
    person_id: int


@dataclass
class WeekBasis:
    """What a week's problem was built from, besides the document itself."""

    fixed: list[FixedVisit] = field(default_factory=list)
    plans: dict[int, SupportPlan] = field(default_factory=dict)


def published_schedule(unit_id: int, week_start: date) -> WeeklySchedule | None:
    return db.session.scalar(
        select(WeeklySchedule).where(WeeklySchedule.unit_id == unit_id, WeeklySchedule.week_start == week_start,
                                     WeeklySchedule.status == ScheduleStatus.PUBLISHED)
        .order_by(WeeklySchedule.id.desc()).limit(1)
        .options(selectinload(WeeklySchedule.visits).selectinload(ScheduledVisit.record))
    )


def fixed_visits(published: WeeklySchedule | None, cut: int | None) -> list[FixedVisit]:
    """Visits of the published week that stay as they are: started before ``cut``, or recorded."""
    if published is None or cut is None:
        return []
    fixed = []
    for visit in published.visits:
        start = minute_of_week(published.week_start, visit.starts_at)
        if start < cut or visit.record is not None:
            end = minute_of_week(published.week_start, visit.ends_at)
            fixed.append(FixedVisit(visit.visit_ref or f"V{visit.id}", visit.staff_id, start, end,
                                    visit.young_person_id))
    return fixed


def assignments_of(schedule: WeeklySchedule) -> list[dict]:
    """A week's visits as the format's assignments (visit, staff, start), by start."""
    return [{"visit": visit.visit_ref, "staff": staff_ref(visit.staff_id),
             "start": minute_of_week(schedule.week_start, visit.starts_at)}
            for visit in schedule.visits if visit.visit_ref and visit.staff_id is not None]


# --- the document -----------------------------------------------------------------------------


def build_problem(unit: Unit, week_start: date, cut: datetime | None = None) -> tuple[dict, WeekBasis]:
    """The week's ``support-schedule/1`` document, and what it rests on.

    With ``cut`` (a moment inside the week) only what lies ahead is planned; the published
    week's visits before it, and those already recorded, are fixed (returned, not planned).
    """
    cut_minute = _cut_minute(week_start, cut)
    published = published_schedule(unit.id, week_start)
    basis = WeekBasis(fixed=fixed_visits(published, cut_minute))
    staff = _staff(unit)
    plans = _plans(unit, week_start)
    basis.plans = {plan.id: plan for plan in plans}
    fixed_refs = {f.ref for f in basis.fixed}
    visits = _visits(unit, week_start, plans, cut_minute or 0, basis.fixed, fixed_refs)
    members = _staff_entries(unit, week_start, staff, cut_minute or 0, basis.fixed)
    document = {
        "format": FORMAT,
        "week_start": week_start.isoformat(),
        "travel": dict(TRAVEL),
        "locations": _locations(unit, members, plans),
        "staff": members,
        "visits": visits,
        "previous": _previous(unit, week_start, published, visits, cut_minute),
    }
    return document, basis


def _cut_minute(week_start: date, cut: datetime | None) -> int | None:
    if cut is None:
        return None
    minute = minute_of_week(week_start, cut)
    return minute if minute > 0 else None


def _staff(unit: Unit) -> list[User]:
    """The unit's support workers (unit staff accounts in use), by id."""
    return list(db.session.scalars(
        select(User).join(user_units, user_units.c.user_id == User.id)
        .where(user_units.c.unit_id == unit.id, User.role == Role.UNIT_STAFF, User.active.is_(True))
        .order_by(User.id)
    ))


def _plans(unit: Unit, week_start: date) -> list[SupportPlan]:
    """Support plans in force during the week for tenancies of the unit's places."""
    week_end = week_start + timedelta(days=DAYS_IN_WEEK)
    ends = func.coalesce(Tenancy.actual_move_out, Tenancy.planned_move_out)
    return list(db.session.scalars(
        select(SupportPlan).join(Tenancy, Tenancy.id == SupportPlan.tenancy_id)
        .join(Place, Place.id == Tenancy.place_id)
        .where(Place.unit_id == unit.id, Tenancy.move_in < week_end, or_(ends.is_(None), ends > week_start),
               SupportPlan.valid_from < week_end,
               or_(SupportPlan.valid_until.is_(None), SupportPlan.valid_until >= week_start),
               SupportPlan.visits_per_week > 0)
        .order_by(SupportPlan.id)
        .options(selectinload(SupportPlan.tenancy).selectinload(Tenancy.young_person))
    ))


def _plan_days(plan: SupportPlan, week_start: date) -> list[int]:
    """Days of the week (0 = Monday) on which the plan is in force and the tenancy runs."""
    days = []
    for d in range(DAYS_IN_WEEK):
        day = week_start + timedelta(days=d)
        in_force = plan.valid_from <= day and (plan.valid_until is None or day <= plan.valid_until)
        if in_force and plan.tenancy.is_current(day):
            days.append(d)
    return days


def plan_windows(plan: SupportPlan, days: list[int]) -> list[dict[str, int]]:
    """The plan's preferred times on the given days (no preference: any time of those days)."""
    windows = []
    for d in days:
        preferred = [p for p in plan.preferred_times or [] if p["weekday"] == d]
        if not plan.preferred_times:
            windows.append((d * MINUTES_PER_DAY, (d + 1) * MINUTES_PER_DAY))
        windows += [(d * MINUTES_PER_DAY + p["start"], d * MINUTES_PER_DAY + p["end"]) for p in preferred]
    return [{"start": start, "end": end} for start, end in _merged(windows)]


def _merged(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(intervals):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _visits(unit: Unit, week_start: date, plans: list[SupportPlan], cut: int, fixed: list[FixedVisit],
            fixed_refs: set[str]) -> list[dict]:
    busy_days: dict[int, set[int]] = defaultdict(set)  # person → days with a fixed visit
    for visit in fixed:
        busy_days[visit.person_id].add(visit.start // MINUTES_PER_DAY)
    visits = []
    for plan in plans:
        person_id = plan.tenancy.young_person_id
        days = _plan_days(plan, week_start)
        if not days:
            continue
        open_days = [d for d in days if d not in busy_days[person_id]]
        windows = _ahead(plan_windows(plan, open_days), cut, plan.minutes_per_visit)
        for n in range(1, min(plan.visits_per_week, len(days)) + 1):
            ref = visit_ref(plan.id, n)
            if ref in fixed_refs:
                continue
            visits.append({
                "id": ref, "resident": resident_ref(person_id), "location": f"H{person_id}",
                "duration": plan.minutes_per_visit, "skill": plan.skill_needed,
                "windows": [dict(w) for w in windows],
                "key_worker": staff_ref(plan.key_worker_id) if plan.key_worker_id else None,
            })
    return visits


def _ahead(windows: list[dict[str, int]], cut: int, duration: int) -> list[dict[str, int]]:
    """The parts of the windows from ``cut`` on that still hold a visit of ``duration``."""
    kept = []
    for window in windows:
        start = max(window["start"], cut)
        if window["end"] - start >= duration:
            kept.append({"start": start, "end": window["end"]})
    return kept


def _staff_entries(unit: Unit, week_start: date, staff: list[User], cut: int,
                   fixed: list[FixedVisit]) -> list[dict]:
    """Each worker's shifts this week (pattern minus absences, minus time booked in their
    other units' published weeks, from ``cut`` on) and the visit minutes they have left."""
    ids = [user.id for user in staff]
    patterns = defaultdict(list)
    for pattern in db.session.scalars(select(ShiftPattern).where(ShiftPattern.user_id.in_(ids))):
        patterns[pattern.user_id].append(pattern)
    absent = _absent_days(ids, week_start)
    elsewhere = _booked_elsewhere(unit, week_start, ids)
    used_here = defaultdict(int)
    for visit in fixed:
        used_here[visit.staff_id] += visit.end - visit.start
    entries = []
    for user in staff:
        shifts = [(p.weekday * MINUTES_PER_DAY + p.start_minute, p.weekday * MINUTES_PER_DAY + p.end_minute)
                  for p in patterns[user.id] if p.weekday not in absent[user.id]]
        shifts = _without(sorted(shifts), elsewhere[user.id])
        shifts = [(start, end) for start, end in shifts if end > cut]
        if not shifts:
            continue
        used = used_here[user.id] + sum(end - start for start, end in elsewhere[user.id])
        limit = None if user.max_weekly_minutes is None else max(0, user.max_weekly_minutes - used)
        entries.append({
            "id": staff_ref(user.id), "skills": sorted(user.skills or []),
            "base": f"U{user.base_unit_id or unit.id}",
            "shifts": [{"start": start, "end": end} for start, end in shifts], "max_minutes": limit,
        })
    return entries


def _absent_days(user_ids: list[int], week_start: date) -> dict[int, set[int]]:
    week_end = week_start + timedelta(days=DAYS_IN_WEEK - 1)
    absent: dict[int, set[int]] = defaultdict(set)
    absences = db.session.scalars(select(StaffAbsence).where(
        StaffAbsence.user_id.in_(user_ids), StaffAbsence.first_day <= week_end, StaffAbsence.last_day >= week_start))
    for absence in absences:
        for d in range(DAYS_IN_WEEK):
            if absence.first_day <= week_start + timedelta(days=d) <= absence.last_day:
                absent[absence.user_id].add(d)
    return absent


def _booked_elsewhere(unit: Unit, week_start: date, user_ids: list[int]) -> dict[int, list[tuple[int, int]]]:
    """Visits the workers make in their other units' published weeks (a worker is in one place at a time)."""
    rows = db.session.execute(
        select(ScheduledVisit.staff_id, ScheduledVisit.starts_at, ScheduledVisit.ends_at)
        .join(WeeklySchedule, WeeklySchedule.id == ScheduledVisit.schedule_id)
        .where(and_(WeeklySchedule.unit_id != unit.id, WeeklySchedule.week_start == week_start,
                    WeeklySchedule.status == ScheduleStatus.PUBLISHED, ScheduledVisit.staff_id.in_(user_ids)))
    )
    booked: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for staff_id, starts_at, ends_at in rows:
        booked[staff_id].append((minute_of_week(week_start, starts_at), minute_of_week(week_start, ends_at)))
    return booked


def _without(shifts: list[tuple[int, int]], booked: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The shifts with the booked periods cut out."""
    for busy_start, busy_end in booked:
        pieces = []
        for start, end in shifts:
            if busy_end <= start or end <= busy_start:
                pieces.append((start, end))
                continue
            if start < busy_start:
                pieces.append((start, busy_start))
            if busy_end < end:
                pieces.append((busy_end, end))
        shifts = pieces
    return shifts


def _locations(unit: Unit, members: list[dict], plans: list[SupportPlan]) -> list[dict]:
    base_ids = sorted({id_of(member["base"]) for member in members} | {unit.id})
    bases = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_(base_ids)))}
    locations = [{"id": f"U{uid}", "lat": bases[uid].lat, "lon": bases[uid].lon} for uid in base_ids]
    homes = {}
    for plan in plans:
        person = plan.tenancy.young_person
        # Where the resident lives: their own recorded point, or the unit's.
        lat, lon = (person.lat, person.lon) if person.lat is not None and person.lon is not None \
            else (unit.lat, unit.lon)
        homes[person.id] = {"id": f"H{person.id}", "lat": lat, "lon": lon}
    return locations + [homes[pid] for pid in sorted(homes)]


def _previous(unit: Unit, week_start: date, published: WeeklySchedule | None, visits: list[dict],
              cut: int | None) -> list[dict]:
    """The published schedule to keep: this week's (from ``cut`` on), or else last week's at the
    same times of the week, so a resident keeps their worker and their rhythm."""
    source = published or published_schedule(unit.id, week_start - timedelta(days=DAYS_IN_WEEK))
    if source is None:
        return []
    planned = {visit["id"] for visit in visits}
    entries = [a for a in assignments_of(source) if a["visit"] in planned and a["start"] >= (cut or 0)]
    return sorted(entries, key=lambda a: a["visit"])
