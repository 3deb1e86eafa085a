from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from housing import audit, localtime
from housing.auth.permissions import can, requires
from housing.extensions import db
from housing.models import Place, Tenancy, YoungPerson, utcnow
from housing.services import scope, visit_records
from housing.services.errors import NotVisible, RuleViolation
from housing.services.schedule_problem import LOCAL_TIME
from housing.services.scope import not_ended
from housing.web import clock
from housing.web.fields import options
from housing.web.forms import form_page, rendered_and_committed, save_form
from housing.web.visits.forms import UnplannedVisitForm, VisitRecordForm

bp = Blueprint("visits", __name__)


@bp.context_processor
def template_helpers() -> dict:
    return clock.helpers()


def _today() -> date:
    return localtime.today()


@bp.get("/my-day")
@requires("visit.own_day")
def my_day():
    try:
        day = date.fromisoformat(request.args.get("day", ""))
    except ValueError:
        day = _today()
    visits = visit_records.day_of(current_user, day)
    people = [v.visit.young_person for v in visits]
    addresses = {p.id: scope.sees_protected_address(current_user, p) for p in people}
    audit.record_list_view(p.id for p in people)
    return rendered_and_committed("visits/my_day.html", day=day, today=_today(), visits=visits,
                                  addresses=addresses, timedelta=timedelta)


def _own_visit(visit_id: int):
    visit = visit_records.published_visit(visit_id)
    if visit is None:
        raise NotVisible("scheduled_visit", visit_id)
    scope.get_unit(current_user, visit.schedule.unit_id)
    return visit


@bp.route("/visits/<int:visit_id>/record", methods=["GET", "POST"])
@requires("visit.record")
def record(visit_id: int):
    visit = _own_visit(visit_id)
    if visit.record is not None:
        return redirect(url_for("visits.edit_record", record_id=visit.record.id))
    form = VisitRecordForm()
    if request.method == "GET":
        local = visit.starts_at.astimezone(LOCAL_TIME)
        form.day.data, form.start_time.data = local.date(), local.time()
        form.actual_minutes.data = int((visit.ends_at - visit.starts_at).total_seconds() // 60)
        form.visit_type.data = "home_visit"
    done = save_form(form, lambda: visit_records.record_visit(current_user, form.data_for_service(), visit=visit),
                     _("The visit has been recorded."),
                     lambda _result: url_for("visits.my_day", day=visit.starts_at.astimezone(LOCAL_TIME).date()))
    if done is None and request.method == "GET":
        audit.record(audit.Action.VIEW, object_type="scheduled_visit", object_id=visit.id,
                     young_person_id=visit.young_person_id)
        db.session.commit()
    return done or form_page("visits/record_form.html", form, visit=visit, person=visit.young_person, record=None)


def _residents_of_own_units() -> list[tuple[YoungPerson, int]]:
    """Current residents of the user's units, with their unit."""
    today = _today()
    rows = db.session.execute(
        select(YoungPerson, Place.unit_id).join(Tenancy, Tenancy.young_person_id == YoungPerson.id)
        .join(Place, Place.id == Tenancy.place_id)
        .where(Place.unit_id.in_(current_user.unit_ids), Tenancy.move_in <= today, not_ended(today))
        .order_by(YoungPerson.last_name, YoungPerson.first_name)
    )
    return list(rows)


@bp.route("/visits/new", methods=["GET", "POST"])
@requires("visit.record")
def record_unplanned():
    residents = _residents_of_own_units()
    units = {person.id: unit_id for person, unit_id in residents}
    form = UnplannedVisitForm()
    form.person_id.choices = options(((p.id, p.full_name) for p, _unit in residents), empty=_("Choose…"))
    if request.method == "GET":
        now = utcnow().astimezone(LOCAL_TIME)
        form.day.data, form.start_time.data = now.date(), now.time().replace(second=0, microsecond=0)
        form.outcome.data, form.visit_type.data = "done", "home_visit"
    chosen = form.person_id.data if form.person_id.data in units else None

    def operation():
        if chosen is None:
            raise RuleViolation(_l("Choose the resident."), field="person_id")
        person = scope.get_young_person(current_user, chosen)
        return visit_records.record_visit(current_user, form.data_for_service(), person=person,
                                          unit_id=units[person.id])

    done = save_form(form, operation, _("The visit has been recorded."), lambda _result: url_for("visits.my_day"))
    if done is None:
        audit.record_list_view(units)
        db.session.commit()
    return done or form_page("visits/record_form.html", form, visit=None, person=None, record=None)


def _readable_record(record_id: int):
    record = visit_records.get_record(current_user, record_id)
    if record is None:
        raise NotVisible("visit_record", record_id)
    return record


@bp.get("/visit-records/<int:record_id>")
@requires("visit.read_notes")
def show_record(record_id: int):
    record = _readable_record(record_id)
    visit_records.audit_read(record)
    db.session.commit()
    return render_template("visits/record.html", record=record, person=record.young_person,
                           can_edit=_may_edit(record))


def _may_edit(record) -> bool:
    return can(current_user, "visit.record") and record.unit_id in current_user.unit_ids


@bp.route("/visit-records/<int:record_id>/edit", methods=["GET", "POST"])
@requires("visit.record")
def edit_record(record_id: int):
    record = _readable_record(record_id)
    if not _may_edit(record):
        raise NotVisible("visit_record", record_id)
    form = VisitRecordForm()
    if request.method == "GET":
        form.fill_from(record)
        visit_records.audit_read(record)
        db.session.commit()
    done = save_form(form, lambda: visit_records.update_record(current_user, record, form.data_for_service()),
                     _("The record has been saved."),
                     lambda _result: url_for("visits.show_record", record_id=record.id))
    return done or form_page("visits/record_form.html", form, visit=record.scheduled_visit,
                             person=record.young_person, record=record)


@bp.get("/young-people/<int:person_id>/visits")
@requires("visit.read_notes")
def person_visits(person_id: int):
    person = scope.get_young_person(current_user, person_id)
    page = visit_records.records_of(current_user, person, request.args.get("page", 1, type=int))
    missed = person.id in visit_records.missed_in_a_row([person.id])
    audit.record(audit.Action.VIEW, object_type="young_person", object_id=person.id, young_person_id=person.id,
                 detail={"page": "support_visits"})
    return rendered_and_committed("visits/person.html", person=person, page=page, missed=missed)
