"""Weekly support schedules: plan a unit's week with the solver, publish it, re-plan it.

A week is planned as a draft by a background job (``housing.jobs``, kind ``support_schedule``):
the request creates the draft and the job; the job builds the problem from the register
(``schedule_problem``), calls the solver through its one entry point
(``allocator.scheduling.api.schedule_document``), and stores the problem, the result and
the visits. The manager adjusts the draft by hand (``schedule_edits``) and publishes it;
the published week is what staff see. Planning a week that has already begun (after an
absence, say) is a re-plan: what lies before that moment, and every visit already
recorded, stays as published; the rest is planned again, keeping what it can.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from allocator.reading import InputError
from allocator.scheduling.api import schedule_document
from housing import audit, jobs
from housing.extensions import db
from housing.models import (
    BackgroundJob,
    ScheduledVisit,
    ScheduleStatus,
    StaffAbsence,
    Unit,
    User,
    WeeklySchedule,
    utcnow,
)
from housing.services.errors import RuleViolation
from housing.services.schedule_problem import (
    LOCAL_TIME,
    WeekBasis,
    build_problem,
    id_of,
    minute_of_week,
    moment,
    plan_of,
    published_schedule,
)
from housing.services.schedule_rules import Busy, Placement, WeekRules

JOB_KIND = "support_schedule"
# Seconds the solver may use: a whole week, and a re-plan (which must come back quickly).
DEFAULT_TIME_LIMIT = 30
REPLAN_TIME_LIMIT = 10


def time_limit(replan: bool = False) -> int:
    if replan:
        return int(current_app.config.get("SCHEDULE_REPLAN_SECONDS", REPLAN_TIME_LIMIT))
    return int(current_app.config.get("SCHEDULE_SECONDS", DEFAULT_TIME_LIMIT))


# --- asking for a week -------------------------------------------------------------------------


def plan_week(actor: User | None, unit: Unit, week_start: date, *, now: datetime | None = None,
              seconds: int | None = None, runner: str | None = None) -> tuple[WeeklySchedule, BackgroundJob]:
    """A draft of the unit's week and the queued job that will plan it (flushed; commit, then
    ``jobs.start``). A week already under way at ``now`` is re-planned from then on."""
    if week_start.weekday() != 0:
        raise RuleViolation(_l("A week starts on a Monday."), field="week")
    now = now or utcnow()
    if moment(week_start, 7 * 1440) <= now:
        raise RuleViolation(_l("That week is over. Choose this week or a later one."), field="week")
    published = published_schedule(unit.id, week_start)
    under_way = moment(week_start, 0) < now
    schedule = WeeklySchedule(
        unit_id=unit.id, week_start=week_start, status=ScheduleStatus.DRAFT,
        created_by_id=actor.id if actor else None, replaces_id=published.id if published else None,
        replan_from=now if under_way else None,
    )
    db.session.add(schedule)
    db.session.flush()
    replan = under_way and published is not None
    job = jobs.create(JOB_KIND, schedule.id, time_limit_seconds=seconds or time_limit(replan), user=actor,
                      runner=runner)
    audit.record(audit.Action.CREATE, object_type="weekly_schedule", object_id=schedule.id,
                 detail={"unit": unit.id, "week": week_start.isoformat(), "replan": replan}, user=actor)
    return schedule, job


def replan(actor: User, published: WeeklySchedule, now: datetime | None = None) -> tuple[WeeklySchedule, BackgroundJob]:
    """Plan a published week again from ``now`` on (after an absence, say), as a draft."""
    if published.status != ScheduleStatus.PUBLISHED:
        raise RuleViolation(_l("Only the published week can be re-planned."))
    return plan_week(actor, published.unit, published.week_start, now=now)


def rerun(actor: User, schedule: WeeklySchedule) -> BackgroundJob:
    """Run the job of a draft whose planning failed once more (flushed; commit, then start)."""
    if schedule.status != ScheduleStatus.DRAFT or schedule.result is not None:
        raise RuleViolation(_l("This week has already been planned."))
    replan = schedule.replan_from is not None and schedule.replaces_id is not None
    return jobs.create(JOB_KIND, schedule.id, time_limit_seconds=time_limit(replan), user=actor)


def latest_job(schedule: WeeklySchedule) -> BackgroundJob | None:
    return jobs.latest(JOB_KIND, schedule.id)


# --- the job -------------------------------------------------------------------------------------


def run_schedule_job(schedule_id: int, *, job: BackgroundJob, progress: Callable[[str], None]) -> None:
    """The job's work: build the problem, solve it, store problem, result and visits."""
    schedule = db.session.get(WeeklySchedule, schedule_id)
    if schedule is None or schedule.status != ScheduleStatus.DRAFT or schedule.result is not None:
        raise jobs.JobFailed("the week is no longer a draft waiting to be planned")
    document, basis = build_problem(schedule.unit, schedule.week_start, schedule.replan_from)
    progress("solving")
    try:
        result = schedule_document(document, job.time_limit_seconds)
    except InputError as error:  # a problem the register should never produce: keep the solver's words
        raise jobs.JobFailed(str(error)) from None
    progress("storing")
    store_result(schedule, document, result, basis)


def store_result(schedule: WeeklySchedule, document: dict, result: dict, basis: WeekBasis) -> None:
    """Keep the solver's input and output as they were, and the week's visits as rows."""
    schedule.problem, schedule.result = document, result
    durations = {visit["id"]: visit["duration"] for visit in document["visits"]}
    residents = {visit["id"]: id_of(visit["resident"]) for visit in document["visits"]}
    for fixed in basis.fixed:
        schedule.visits.append(_row(schedule, fixed.ref, fixed.person_id, fixed.staff_id, fixed.start, fixed.end))
    for assignment in result["assignments"]:
        ref = assignment["visit"]
        schedule.visits.append(_row(schedule, ref, residents[ref], id_of(assignment["staff"]), assignment["start"],
                                    assignment["start"] + durations[ref]))
    db.session.flush()


def _row(schedule: WeeklySchedule, ref: str, person_id: int, staff_id: int | None, start: int,
         end: int) -> ScheduledVisit:
    return ScheduledVisit(
        visit_ref=ref, support_plan_id=plan_of(ref) if ref.startswith("P") else None, young_person_id=person_id,
        staff_id=staff_id, starts_at=moment(schedule.week_start, start), ends_at=moment(schedule.week_start, end),
    )


# --- the week as it stands -------------------------------------------------------------------------


def placements(schedule: WeeklySchedule) -> dict[str, Placement]:
    """The planned visits (those in the problem) as they stand now, after any hand edits."""
    planned = {visit["id"] for visit in (schedule.problem or {}).get("visits", [])}
    return {visit.visit_ref: Placement(f"S{visit.staff_id}", minute_of_week(schedule.week_start, visit.starts_at))
            for visit in schedule.visits if visit.visit_ref in planned and visit.staff_id is not None}


def fixed_rows(schedule: WeeklySchedule) -> list[ScheduledVisit]:
    """Visits kept from the published week as they were (not part of the problem)."""
    planned = {visit["id"] for visit in (schedule.problem or {}).get("visits", [])}
    return [visit for visit in schedule.visits if visit.visit_ref not in planned]


def rules_of(schedule: WeeklySchedule) -> WeekRules:
    busy = [Busy(f"S{visit.staff_id}" if visit.staff_id else None,
                 minute_of_week(schedule.week_start, visit.starts_at),
                 minute_of_week(schedule.week_start, visit.ends_at), f"R{visit.young_person_id}")
            for visit in fixed_rows(schedule)]
    return WeekRules(schedule.problem, busy)


def current_result(schedule: WeeklySchedule) -> dict:
    """The week as it stands, in the solver's result format (for the independent checker)."""
    rules = rules_of(schedule)
    placed = placements(schedule)
    return {
        "format": "support-schedule-result/1",
        "status": "FEASIBLE",
        "assignments": [{"visit": ref, "staff": p.staff, "start": p.start}
                        for ref, p in sorted(placed.items(), key=lambda item: (item[1].start, item[0]))],
        "unscheduled": [{"visit": visit["id"], "reason": "not scheduled"}
                        for visit in schedule.problem["visits"] if visit["id"] not in placed],
        "objective": rules.objective(placed),
        "stats": {"seconds": 0.0, "solver": "hand edits"},
    }


# --- publishing ---------------------------------------------------------------------------------------


def publish(actor: User | None, schedule: WeeklySchedule, now: datetime | None = None) -> WeeklySchedule:
    """Make the draft the week staff work by; the week it replaces is kept, superseded, and its
    visit records move over to the same visits of the new version."""
    now = now or utcnow()
    if schedule.status != ScheduleStatus.DRAFT or schedule.result is None:
        raise RuleViolation(_l("Only a planned draft can be published."))
    if moment(schedule.week_start, 7 * 1440) <= now:
        raise RuleViolation(_l("That week is over: it can no longer be published."))
    current = published_schedule(schedule.unit_id, schedule.week_start)
    if current is not None and current.id != schedule.replaces_id:
        raise RuleViolation(_l("The published week has changed since this draft was made. Re-plan it again."))
    broken = rules_of(schedule).broken(placements(schedule))
    if broken:
        from housing.services.schedule_edits import explain  # it builds on this module

        raise RuleViolation(explain(schedule, broken[0]))
    if current is not None:
        _move_records(current, schedule)
        current.status = ScheduleStatus.SUPERSEDED
        db.session.flush()  # one published week at a time
    schedule.status, schedule.published_at = ScheduleStatus.PUBLISHED, now
    schedule.published_by_id = actor.id if actor else None
    db.session.flush()
    audit.record(audit.Action.UPDATE, object_type="weekly_schedule", object_id=schedule.id,
                 detail={"published": True, "replaces": current.id if current else None}, user=actor)
    return schedule


def _move_records(old: WeeklySchedule, new: WeeklySchedule) -> None:
    by_ref = {visit.visit_ref: visit for visit in new.visits}
    for visit in old.visits:
        record = visit.record
        if record is not None and visit.visit_ref in by_ref:
            record.scheduled_visit = by_ref[visit.visit_ref]
    db.session.flush()


def discard(actor: User, schedule: WeeklySchedule) -> None:
    if schedule.status != ScheduleStatus.DRAFT:
        raise RuleViolation(_l("Only a draft can be discarded."))
    audit.record(audit.Action.DELETE, object_type="weekly_schedule", object_id=schedule.id, user=actor)
    db.session.delete(schedule)
    db.session.flush()


# --- finding weeks -------------------------------------------------------------------------------------


def schedules_of_units(unit_ids: set[int], since: date, published_only: bool) -> list[WeeklySchedule]:
    query = (select(WeeklySchedule).where(WeeklySchedule.unit_id.in_(unit_ids), WeeklySchedule.week_start >= since)
             .order_by(WeeklySchedule.week_start.desc(), WeeklySchedule.id.desc())
             .options(selectinload(WeeklySchedule.unit), selectinload(WeeklySchedule.created_by)))
    if published_only:
        query = query.where(WeeklySchedule.status == ScheduleStatus.PUBLISHED)
    else:
        query = query.where(WeeklySchedule.status != ScheduleStatus.SUPERSEDED)
    return list(db.session.scalars(query))


def weeks_touched_by_absence(absence: StaffAbsence, now: datetime | None = None) -> list[WeeklySchedule]:
    """Published weeks in which the absent worker still has visits ahead during the absence:
    the weeks the manager is offered to re-plan."""
    start = max(now or utcnow(), moment(absence.first_day, 0))
    end = moment(absence.last_day + timedelta(days=1), 0)
    with_visits_then = select(ScheduledVisit.schedule_id).where(
        ScheduledVisit.staff_id == absence.user_id, ScheduledVisit.starts_at >= start, ScheduledVisit.starts_at < end)
    return list(db.session.scalars(
        select(WeeklySchedule).where(WeeklySchedule.status == ScheduleStatus.PUBLISHED,
                                     WeeklySchedule.id.in_(with_visits_then))
        .order_by(WeeklySchedule.week_start)
    ))


def absences_ahead(schedule: WeeklySchedule, now: datetime | None = None) -> list[tuple[StaffAbsence, int]]:
    """Absences that take a worker away from visits of this published week still ahead, with
    how many visits each takes away: the reason to re-plan."""
    now = now or utcnow()
    ahead = [visit for visit in schedule.visits if visit.starts_at >= now and visit.staff_id and visit.record is None]
    if not ahead:
        return []
    absences = db.session.scalars(
        select(StaffAbsence).where(StaffAbsence.user_id.in_({v.staff_id for v in ahead}),
                                   StaffAbsence.first_day <= schedule.week_start + timedelta(days=6),
                                   StaffAbsence.last_day >= schedule.week_start)
        .order_by(StaffAbsence.first_day).options(selectinload(StaffAbsence.user))
    )
    found = []
    for absence in absences:
        lost = sum(1 for v in ahead if v.staff_id == absence.user_id
                   and absence.first_day <= v.starts_at.astimezone(LOCAL_TIME).date() <= absence.last_day)
        if lost:
            found.append((absence, lost))
    return found
