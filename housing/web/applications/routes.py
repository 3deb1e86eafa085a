"""Housing applications: the social worker's list and form, the application page with its
steps and history, and the young person's printable sheet."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from housing import audit, localtime, rules
from housing.auth.permissions import requires
from housing.extensions import db
from housing.models import OPEN_STATUSES, Application, ApplicationStatus, Municipality, Role, YoungPerson
from housing.services import application_views, applications, scope
from housing.services.errors import RuleViolation
from housing.web.applications.forms import FIELD_LABELS, ApplicationForm, StepForm
from housing.web.fields import options
from housing.web.forms import form_page, rendered_and_committed, save_form, show_rule_violation
from housing.web.templating import format_day

bp = Blueprint("applications", __name__, url_prefix="/applications")


@bp.app_template_filter("iso_day")
def iso_day(value: str | None) -> str:
    """A date kept as ISO text in an application's history, shown like any other date."""
    return format_day(date.fromisoformat(value)) if value else "–"

SHEET_LANGUAGES = ("fi", "sv", "en")
STEP_LABELS = {
    "return_with_question": _l("Question to the social worker"),
    "waitlist": _l("Note (needed when aftercare is discretionary)"),
    "withdraw": _l("Why is the application withdrawn?"),
    "close": _l("Why is the application closed?"),
}


@bp.get("/")
@requires("application.list")
def index():
    page = request.args.get("page", 1, type=int)
    if current_user.role == Role.COORDINATOR:
        status = request.args.get("status", ApplicationStatus.SUBMITTED.value)
        chosen = ApplicationStatus(status) if status in ApplicationStatus.__members__.values() else None
        listing = application_views.county_applications(current_user, chosen, page)
        return rendered_and_committed("applications/coordinator_index.html", listing=listing, status=chosen)
    listing = application_views.worker_applications(current_user, localtime.today(), page)
    return rendered_and_committed("applications/worker_index.html", listing=listing)


# --------------------------------------------------------------------------- the form


def _municipality_name(municipality: Municipality) -> str:
    return municipality.name(str(get_locale()))


def _municipalities() -> list[Municipality]:
    language = str(get_locale())
    return sorted(db.session.scalars(select(Municipality)), key=lambda m: m.name(language))


def _prepare(form: ApplicationForm, application: Application | None) -> ApplicationForm:
    form.not_with_keep.choices = options((p.id, p.full_name) for p in application.not_with) if application else []
    if application is not None and request.method == "GET":
        form.fill_from(application, _municipality_name)
    return form


def _form_page(form: ApplicationForm, person: YoungPerson, application: Application | None):
    today = localtime.today()
    returned = application is not None and application.status == ApplicationStatus.RETURNED
    return form_page("applications/form.html", form, person=person, application=application,
                     entitlement=applications.entitlement_of(person, today), age=rules.age_on(person.birth_date, today),
                     aftercare_ends=rules.aftercare_ends_on(person.birth_date), municipalities=_municipalities(),
                     question=application.status_changes[-1].reason if returned else None)


def _audit_form_view(person: YoungPerson, application: Application | None) -> None:
    """Opening the form shows the person's entitlement facts (and the application): a read."""
    audit.record(audit.Action.VIEW, object_type="application" if application else "young_person",
                 object_id=application.id if application else person.id, young_person_id=person.id,
                 detail={"form": "edit" if application else "new"})
    db.session.commit()


def _saved_and_maybe_sent(application: Application, form: ApplicationForm) -> Application:
    """After saving: send it on when the worker pressed the send button."""
    if _sending() and application.status == ApplicationStatus.DRAFT:
        applications.submit(current_user, application, localtime.today())
    elif _sending() and application.status == ApplicationStatus.RETURNED:
        applications.answer_and_resubmit(current_user, application, form.reason.data or "", localtime.today())
    return application


def _success_message() -> str:
    if _sending():
        return _("The application has been sent to the housing coordinator.")
    return _("The application has been saved.")


@bp.route("/new", methods=["GET", "POST"])
@requires("application.create")
def create():
    person_id = request.args.get("person", type=int)
    if person_id is None:
        return _choose_person()
    person = scope.get_young_person(current_user, person_id)
    form = _prepare(ApplicationForm(), None)
    done = save_form(form, lambda: _saved_and_maybe_sent(applications.create_draft(
        current_user, person, form.data_for_service(), localtime.today(), submitting=_sending()), form),
        _success_message(), lambda application: url_for("applications.detail", application_id=application.id))
    if done is None and request.method == "GET":
        _audit_form_view(person, None)
    return done or _form_page(form, person, None)


def _choose_person():
    """Step one: whose application (own clients without an open one)."""
    with_open = select(Application.young_person_id).where(Application.status.in_(OPEN_STATUSES))
    clients = list(db.session.scalars(
        scope.visible_young_people(current_user).where(YoungPerson.id.not_in(with_open))
        .order_by(YoungPerson.last_name, YoungPerson.first_name)))
    audit.record_list_view(p.id for p in clients)
    return rendered_and_committed("applications/choose_person.html", clients=clients)


@bp.route("/<int:application_id>/edit", methods=["GET", "POST"])
@requires("application.edit")
def edit(application_id: int):
    application = scope.get_application(current_user, application_id, for_change=request.method == "POST")
    if not applications.may_edit(current_user, application):
        flash(_("The application cannot be changed in its present state."), "error")
        return redirect(url_for("applications.detail", application_id=application.id))
    form = _prepare(ApplicationForm(obj=application), application)
    done = save_form(form, lambda: _saved_and_maybe_sent(_updated(application, form), form),
                     _success_message(), lambda _result: url_for("applications.detail", application_id=application_id))
    if done is None and request.method == "GET":
        _audit_form_view(application.young_person, application)
    return done or _form_page(form, application.young_person, application)


def _updated(application: Application, form: ApplicationForm) -> Application:
    applications.update_application(current_user, application, form.data_for_service(), localtime.today(),
                                    submitting=_sending())
    return application


def _sending() -> bool:
    return request.form.get("action") == "submit"


# --------------------------------------------------------------------------- the application page


def _detail_page(application: Application, forms: dict[str, StepForm] | None = None, status: int = 200):
    view = application_views.view_application(current_user, application, localtime.today())
    forms = forms or {}
    for step in view.steps:
        forms.setdefault(step, StepForm(prefix=step, formdata=None))
        forms[step].reason.label.text = STEP_LABELS.get(step, forms[step].reason.label.text)
    return rendered_and_committed("applications/detail.html", v=view, forms=forms, field_labels=FIELD_LABELS), status


@bp.get("/<int:application_id>")
@requires("application.view")
def detail(application_id: int):
    return _detail_page(scope.get_application(current_user, application_id))


def _take_step(application_id: int, step: str, operation: Callable[[Application, str], None], success: str):
    application = scope.get_application(current_user, application_id, for_change=True)
    form = StepForm(prefix=step)
    if form.validate_on_submit():
        try:
            operation(application, (form.reason.data or "").strip())
        except RuleViolation as violation:
            db.session.rollback()
            show_rule_violation(form, violation)
        else:
            db.session.commit()
            flash(success, "success")
            return redirect(url_for("applications.detail", application_id=application_id))
    return _detail_page(scope.get_application(current_user, application_id), {step: form}, status=400)


@bp.post("/<int:application_id>/return")
@requires("application.review")
def return_with_question(application_id: int):
    return _take_step(application_id, "return_with_question",
                      lambda a, text: applications.return_with_question(current_user, a, text),
                      _("The application has been returned to the social worker with your question."))


@bp.post("/<int:application_id>/waitlist")
@requires("application.review")
def put_on_waitlist(application_id: int):
    return _take_step(application_id, "waitlist",
                      lambda a, text: applications.waitlist(current_user, a, localtime.today(), text),
                      _("The application is on the waiting list."))


@bp.post("/<int:application_id>/close")
@requires("application.review")
def close(application_id: int):
    return _take_step(application_id, "close", lambda a, text: applications.close(current_user, a, text),
                      _("The application has been closed."))


@bp.post("/<int:application_id>/withdraw")
@requires("application.submit")
def withdraw(application_id: int):
    return _take_step(application_id, "withdraw", lambda a, text: applications.withdraw(current_user, a, text),
                      _("The application has been withdrawn."))


# --------------------------------------------------------------------------- the young person's sheet


@bp.get("/<int:application_id>/sheet")
@requires("application.sheet")
def sheet(application_id: int):
    application = scope.get_application(current_user, application_id)
    language = request.args.get("lang") or application.young_person.language
    if language not in SHEET_LANGUAGES:
        language = "fi"
    data = application_views.sheet(application, localtime.today())
    with force_locale(language):
        return rendered_and_committed("applications/sheet.html", s=data, language=language, today=localtime.today(),
                                      wishes=application_views.wish_names(application, language))
