from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from housing import jobs, localtime, vocabulary
from housing.auth.permissions import can, requires
from housing.extensions import db
from housing.models import ScheduleStatus, Unit, WeeklySchedule, utcnow
from housing.services import schedule_edits, scheduling, scope
from housing.services.errors import NotVisible, RuleViolation
from housing.services.schedule_problem import LOCAL_TIME, id_of, moment, monday_of
from housing.services.schedule_views import week_view
from housing.web.fields import options
from housing.web.forms import show_rule_violation
from housing.web.schedules.forms import MoveVisitForm, PlanWeekForm, SwapVisitForm, week_choices, week_label

bp = Blueprint("schedules", __name__, url_prefix="/schedules")
HISTORY_WEEKS = 4


@bp.context_processor
def time_helpers() -> dict:
    return {"clock": schedule_edits.clock, "weekday_of": _weekday_of}


def _weekday_of(minute: int) -> str:
    """The weekday of a minute of the week, as a label (capitalised)."""
    return str(vocabulary.WEEKDAYS[(minute // 1440) % 7])


def _schedule(schedule_id: int) -> WeeklySchedule:
    """A week of the user's units: drafts and older versions only for those who manage them."""
    schedule = db.session.get(WeeklySchedule, schedule_id)
    if schedule is None:
        raise NotVisible("weekly_schedule", schedule_id)
    scope.get_unit(current_user, schedule.unit_id)
    if schedule.status != ScheduleStatus.PUBLISHED and not can(current_user, "schedule.manage"):
        raise NotVisible("weekly_schedule", schedule_id)
    return schedule


def _draft(draft_id: int) -> WeeklySchedule:
    schedule = _schedule(draft_id)
    if schedule.status != ScheduleStatus.DRAFT or schedule.result is None:
        raise NotVisible("weekly_schedule", draft_id)
    return schedule


def _own_units() -> list[Unit]:
    return list(db.session.scalars(select(Unit).where(scope.unit_condition(current_user)).order_by(Unit.name)))


def _plan_form() -> PlanWeekForm:
    form = PlanWeekForm()
    form.unit_id.choices = options((unit.id, unit.name) for unit in _own_units())
    form.week.choices = week_choices(monday_of(localtime.today()))
    if request.method == "GET":
        form.week.data = (monday_of(localtime.today()) + timedelta(days=7)).isoformat()
    return form


@bp.get("/")
@requires("schedule.view")
def index(form: PlanWeekForm | None = None):
    manage = can(current_user, "schedule.manage")
    since = monday_of(localtime.today()) - timedelta(weeks=HISTORY_WEEKS)
    weeks = scheduling.schedules_of_units(current_user.unit_ids, since, published_only=not manage)
    form = form or (_plan_form() if manage else None)
    return render_template("schedules/index.html", weeks=weeks, form=form, week_label=week_label,
                           this_monday=monday_of(localtime.today())), 400 if form and form.errors else 200


@bp.post("/new")
@requires("schedule.manage")
def create():
    form = _plan_form()
    if not form.validate_on_submit():
        return index(form)
    unit = scope.get_unit(current_user, form.unit_id.data)
    try:
        schedule, job = scheduling.plan_week(current_user, unit, form.monday())
    except RuleViolation as violation:
        db.session.rollback()
        show_rule_violation(form, violation)
        return index(form)
    db.session.commit()
    jobs.start(job)
    return redirect(url_for("schedules.detail", schedule_id=schedule.id))


@bp.get("/<int:schedule_id>")
@requires("schedule.view")
def detail(schedule_id: int):
    schedule = _schedule(schedule_id)
    job = scheduling.latest_job(schedule)
    view = week_view(schedule) if schedule.result is not None else None
    absent = _absences_to_replan(schedule)
    week_over = moment(schedule.week_start, 7 * 1440) <= utcnow()
    page = render_template("schedules/detail.html", schedule=schedule, job=job, view=view, absent=absent,
                           week_over=week_over, tab=request.args.get("view", "staff"), week_label=week_label,
                           step_label=jobs.step_label, error_label=jobs.error_label,
                           can_manage=can(current_user, "schedule.manage"))
    # Committed after rendering: a commit expires every loaded row, and the calendar reads hundreds.
    db.session.commit()  # the calendar's audit events, and a dead job marked failed
    return page


def _absences_to_replan(schedule: WeeklySchedule) -> list:
    """Absences recorded after publishing that take away someone with visits ahead."""
    if schedule.status != ScheduleStatus.PUBLISHED or not can(current_user, "schedule.manage"):
        return []
    return scheduling.absences_ahead(schedule)


@bp.get("/<int:schedule_id>/progress")
@requires("schedule.view")
def progress(schedule_id: int):
    """The planning job's state, for the page to follow without reloading."""
    schedule = _schedule(schedule_id)
    job = scheduling.latest_job(schedule)
    db.session.commit()
    if job is None:
        return jsonify(status="none", finished=schedule.result is not None)
    return jsonify(status=str(job.status), step=jobs.step_label(job), finished=job.status.finished,
                   error=jobs.error_label(job) if job.error_code else None)


@bp.post("/<int:schedule_id>/rerun")
@requires("schedule.manage")
def rerun(schedule_id: int):
    schedule = _schedule(schedule_id)
    try:
        job = scheduling.rerun(current_user, schedule)
    except RuleViolation as violation:
        db.session.rollback()
        flash(str(violation.message), "error")
        return redirect(url_for("schedules.detail", schedule_id=schedule.id))
    db.session.commit()
    jobs.start(job)
    return redirect(url_for("schedules.detail", schedule_id=schedule.id))


def _after_action(schedule_id: int, operation, success: str, target=None):
    try:
        result = operation()
    except RuleViolation as violation:
        db.session.rollback()
        flash(str(violation.message), "error")
        return redirect(url_for("schedules.detail", schedule_id=schedule_id))
    db.session.commit()
    flash(success, "success")
    return redirect(target(result) if target else url_for("schedules.detail", schedule_id=schedule_id))


@bp.post("/<int:schedule_id>/publish")
@requires("schedule.manage")
def publish(schedule_id: int):
    schedule = _schedule(schedule_id)
    return _after_action(schedule.id, lambda: scheduling.publish(current_user, schedule),
                         _("The week has been published. Staff see it in their day."))


@bp.post("/<int:schedule_id>/replan")
@requires("schedule.manage")
def replan(schedule_id: int):
    schedule = _schedule(schedule_id)
    try:
        draft, job = scheduling.replan(current_user, schedule, utcnow())
    except RuleViolation as violation:
        db.session.rollback()
        flash(str(violation.message), "error")
        return redirect(url_for("schedules.detail", schedule_id=schedule.id))
    db.session.commit()
    jobs.start(job)
    return redirect(url_for("schedules.detail", schedule_id=draft.id))


@bp.post("/<int:schedule_id>/discard")
@requires("schedule.manage")
def discard(schedule_id: int):
    schedule = _schedule(schedule_id)
    return _after_action(schedule.id, lambda: scheduling.discard(current_user, schedule),
                         _("The draft has been discarded."), lambda _result: url_for("schedules.index"))


# --- hand edits -------------------------------------------------------------------------------------


def _visit_spec(schedule: WeeklySchedule, ref: str) -> dict:
    spec = next((v for v in schedule.problem["visits"] if v["id"] == ref), None)
    if spec is None:
        raise NotVisible("visit", ref)
    return spec


def _edit_forms(schedule: WeeklySchedule, ref: str):
    view = week_view(schedule)
    cell = next((c for line in view.staff for day in line.days for c in day if c.ref == ref), None)
    move = MoveVisitForm(prefix="move")
    move.set_choices([line.user for line in view.staff if f"S{line.user.id}" in
                      {m["id"] for m in schedule.problem["staff"]}], view.shown_days)
    if request.method == "GET" and cell is not None:
        move.staff_id.data, move.day.data = cell.staff.id, cell.day
        move.start.data = cell.row.starts_at.astimezone(LOCAL_TIME).time()
    swap = SwapVisitForm(prefix="swap")
    others = sorted((c for line in view.staff for day in line.days for c in day if c.ref != ref and not c.fixed),
                    key=lambda c: c.start)
    swap.other.choices = options(((c.ref, _swap_label(schedule, c)) for c in others), empty=_("Choose…"))
    return view, cell, move, swap


def _swap_label(schedule: WeeklySchedule, cell) -> str:
    start = schedule_edits.clock(schedule.week_start, cell.start)
    return f"{_weekday_of(cell.start)} {start} · {cell.person.full_name} ({cell.staff.name})"


def _edit_page(schedule: WeeklySchedule, ref: str, view, cell, move, swap):
    spec = _visit_spec(schedule, ref)
    person = next(line.person for line in view.residents if line.person.id == id_of(spec["resident"]))
    page = render_template("schedules/visit.html", form=move, swap=swap, schedule=schedule, cell=cell, spec=spec,
                           person=person, week_label=week_label)
    db.session.commit()  # the calendar's audit events, after rendering (a commit expires what was read)
    return page, 400 if move.errors or swap.errors else 200


@bp.route("/<int:draft_id>/visits/<ref>", methods=["GET", "POST"])
@requires("schedule.manage")
def visit(draft_id: int, ref: str):
    schedule = _draft(draft_id)
    _visit_spec(schedule, ref)
    view, cell, move, swap_form = _edit_forms(schedule, ref)
    if move.validate_on_submit():
        try:
            schedule_edits.move_visit(current_user, schedule, ref, move.staff_id.data, move.day.data,
                                      move.minute_of_day())
        except RuleViolation as violation:
            db.session.rollback()
            show_rule_violation(move, violation)
            return _edit_page(schedule, ref, *_edit_forms(schedule, ref)[:2], move, swap_form)
        db.session.commit()
        flash(_("The visit has been moved."), "success")
        return redirect(url_for("schedules.detail", schedule_id=schedule.id))
    return _edit_page(schedule, ref, view, cell, move, swap_form)


@bp.post("/<int:draft_id>/visits/<ref>/swap")
@requires("schedule.manage")
def swap(draft_id: int, ref: str):
    schedule = _draft(draft_id)
    _visit_spec(schedule, ref)
    view, cell, move, swap_form = _edit_forms(schedule, ref)
    if swap_form.validate_on_submit():
        try:
            schedule_edits.swap_visits(current_user, schedule, ref, swap_form.other.data)
        except RuleViolation as violation:
            db.session.rollback()
            show_rule_violation(swap_form, violation)
            view, cell, move, _unused = _edit_forms(schedule, ref)
            return _edit_page(schedule, ref, view, cell, move, swap_form)
        db.session.commit()
        flash(_("The visits have been swapped."), "success")
        return redirect(url_for("schedules.detail", schedule_id=schedule.id))
    return _edit_page(schedule, ref, view, cell, move, swap_form)


@bp.post("/<int:draft_id>/visits/<ref>/remove")
@requires("schedule.manage")
def remove(draft_id: int, ref: str):
    schedule = _draft(draft_id)
    return _after_action(schedule.id, lambda: schedule_edits.remove_visit(current_user, schedule, ref),
                         _("The visit has been taken out of the week. It is listed as unscheduled."))
