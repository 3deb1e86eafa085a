from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from housing import audit, localtime
from housing.auth.permissions import requires
from housing.extensions import db
from housing.models import StaffAbsence, Unit
from housing.services import scheduling, scope, staffing, support_plans
from housing.services.errors import NotVisible
from housing.web import clock
from housing.web.fields import options
from housing.web.forms import form_page, rendered_and_committed, save_form
from housing.web.support.forms import AbsenceForm, PlanForm, StaffForm

bp = Blueprint("support", __name__, url_prefix="/support")


@bp.context_processor
def template_helpers() -> dict:
    return {**clock.helpers(), "preferred": lambda plan: {p["weekday"]: (p["start"], p["end"])
                                                          for p in plan.preferred_times or []}}


@bp.get("/")
@requires("staff.manage")
def index():
    units = list(db.session.scalars(select(Unit).where(scope.unit_condition(current_user)).order_by(Unit.name)))
    return render_template("support/index.html", units=units)


@bp.get("/units/<int:unit_id>")
@requires("staff.manage")
def unit(unit_id: int):
    unit = scope.get_unit(current_user, unit_id)
    today = localtime.today()
    staff = staffing.staff_with_plans(unit, today)
    residents = support_plans.residents_with_plans(unit, today)
    to_replan = _weeks_to_replan(staff)
    audit.record_list_view(row.tenancy.young_person_id for row in residents)
    return rendered_and_committed("support/unit.html", unit=unit, staff=staff, residents=residents,
                                  to_replan=to_replan, today=today)


def _weeks_to_replan(staff: list[staffing.StaffMember]) -> list:
    """Published weeks an absence takes a worker away from (one line per absence and week)."""
    found = []
    for member in staff:
        for absence in member.absences:
            found += [(absence, week) for week in scheduling.weeks_touched_by_absence(absence)]
    return found


@bp.route("/units/<int:unit_id>/staff/<int:staff_id>", methods=["GET", "POST"])
@requires("staff.manage")
def edit_staff(unit_id: int, staff_id: int):
    unit = scope.get_unit(current_user, unit_id)
    member = staffing.get_staff_member(unit, staff_id)
    form = StaffForm(obj=member)
    if request.method == "GET":
        form.fill_week_times(staffing.patterns_of([member.id]).get(member.id, {}))
    done = save_form(form, lambda: staffing.update_staff_member(current_user, member, form.data_for_service()),
                     _("The working time of %(name)s has been saved.", name=member.name),
                     lambda _result: url_for("support.unit", unit_id=unit.id))
    return done or form_page("support/staff_form.html", form, unit=unit, member=member)


@bp.route("/units/<int:unit_id>/staff/<int:staff_id>/absences/new", methods=["GET", "POST"])
@requires("staff.manage")
def add_absence(unit_id: int, staff_id: int):
    unit = scope.get_unit(current_user, unit_id)
    member = staffing.get_staff_member(unit, staff_id)
    form = AbsenceForm()
    done = save_form(form, lambda: staffing.add_absence(current_user, member, form.first_day.data, form.last_day.data,
                                                        form.reason.data),
                     _("The absence has been recorded."), lambda _result: url_for("support.unit", unit_id=unit.id))
    return done or form_page("support/absence_form.html", form, unit=unit, member=member)


@bp.post("/units/<int:unit_id>/absences/<int:absence_id>/delete")
@requires("staff.manage")
def delete_absence(unit_id: int, absence_id: int):
    unit = scope.get_unit(current_user, unit_id)
    absence = db.session.get(StaffAbsence, absence_id)
    if absence is None or absence.user_id not in {u.id for u in staffing.staff_of(unit)}:
        raise NotVisible("staff_absence", absence_id)
    staffing.remove_absence(current_user, absence)
    db.session.commit()
    flash(_("The absence has been removed."), "success")
    return redirect(url_for("support.unit", unit_id=unit.id))


@bp.route("/units/<int:unit_id>/plans/<int:tenancy_id>", methods=["GET", "POST"])
@requires("support_plan.manage")
def edit_plan(unit_id: int, tenancy_id: int):
    unit = scope.get_unit(current_user, unit_id)
    today = localtime.today()
    tenancy = support_plans.get_tenancy(unit, tenancy_id, today)
    person = scope.get_young_person(current_user, tenancy.young_person_id)
    plan = support_plans.plans_of_tenancies([tenancy.id]).get(tenancy.id)
    form = PlanForm(obj=plan)
    form.key_worker_id.choices = options(((u.id, u.name) for u in staffing.staff_of(unit)),
                                         empty=_("No key worker yet"))
    if request.method == "GET" and plan is not None:
        form.fill_week_times({p["weekday"]: (p["start"], p["end"]) for p in plan.preferred_times or []})
        form.skill_needed.data = plan.skill_needed or ""
    done = save_form(form, lambda: support_plans.save_plan(current_user, unit, tenancy, form.data_for_service(), today),
                     _("The support plan of %(name)s has been saved.", name=person.full_name),
                     lambda _result: url_for("support.unit", unit_id=unit.id))
    if done is None and request.method == "GET":
        audit.record(audit.Action.VIEW, object_type="support_plan", object_id=plan.id if plan else None,
                     young_person_id=person.id)
        db.session.commit()
    return done or form_page("support/plan_form.html", form, unit=unit, person=person, tenancy=tenancy, plan=plan,
                             show_place=scope.sees_protected_address(current_user, person))
