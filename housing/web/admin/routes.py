from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from housing import audit, localtime, vocabulary
from housing.auth.permissions import requires
from housing.extensions import db
from housing.models import County, Role, RoleChangeRequest, Unit, User, YoungPerson
from housing.services import accounts, audit_reports, scope
from housing.services import research_export as research
from housing.services.errors import NotVisible, RuleViolation
from housing.web.admin.forms import AuditSearchForm, PersonLookupForm, ResearchExportForm, UserForm, county_choices
from housing.web.downloads import csv_response, zip_of_csv_response
from housing.web.fields import options
from housing.web.forms import form_page, refuse_change
from housing.web.templating import action_label

bp = Blueprint("admin", __name__)


# ----------------------------------------------------------------------------- users


@bp.get("/admin/users")
@requires("user.manage")
def users():
    role = request.args.get("role", "")
    query = select(User).options(selectinload(User.county), selectinload(User.units)).order_by(
        User.active.desc(), User.name)
    if role in vocabulary.ROLES:
        query = query.where(User.role == Role(role))
    return render_template("admin/users.html", users=list(db.session.scalars(query)), role=role,
                           pending=accounts.pending_role_changes(), units=_unit_names())


def _unit_names() -> dict[int, str]:
    return dict(db.session.execute(select(Unit.id, Unit.name)).all())


def _user_form(user: User | None = None) -> UserForm:
    form = UserForm(obj=user)
    language = current_user.language
    counties = db.session.scalars(select(County).order_by(County.name_fi))
    form.county_id.choices = county_choices(counties, language)
    units = db.session.scalars(select(Unit).where(Unit.active.is_(True)).order_by(Unit.county_id, Unit.name))
    form.unit_ids.choices = options((u.id, f"{u.name} ({u.county_id})") for u in units)
    if user is not None and request.method == "GET":
        form.unit_ids.data = sorted(user.unit_ids)
        form.county_id.data = user.county_id or ""
        form.role.data = user.role.value
    return form


def _temporary_password_page(user: User, password: str, created: bool):
    return render_template("admin/password_shown.html", user=user, password=password, created=created)


@bp.route("/admin/users/new", methods=["GET", "POST"])
@requires("user.manage")
def create_user():
    form = _user_form()
    if form.validate_on_submit():
        temporary = None if form.password.data else accounts.generate_temporary_password()
        try:
            user, pending = accounts.create_account(
                current_user, email=form.email.data, name=form.name.data, role=Role(form.role.data),
                password=form.password.data or temporary, county_id=form.county_id.data or None,
                unit_ids=form.unit_ids.data or [], language=form.language.data, must_change_password=True,
            )
        except RuleViolation as violation:
            refuse_change(violation, form)
        else:
            db.session.commit()
            if pending is not None:
                flash(_("The account reads client records: it can be used once another administrator has "
                        "approved it."), "info")
            return _temporary_password_page(user, temporary, created=True) if temporary else redirect(
                url_for("admin.users"))
    return form_page("admin/user_form.html", form, user=None)


@bp.route("/admin/users/<int:user_id>/edit", methods=["GET", "POST"])
@requires("user.manage")
def edit_user(user_id: int):
    user = db.get_or_404(User, user_id)
    own = user.id == current_user.id
    form = _user_form(user)
    del form.password
    form.email.render_kw = {"readonly": True}
    if own and request.method == "POST":
        _keep_own_access(form, user)
    if form.validate_on_submit():
        try:
            update = accounts.update_user(current_user, user, name=form.name.data, role=Role(form.role.data),
                                          county_id=form.county_id.data or None, unit_ids=form.unit_ids.data or [],
                                          language=form.language.data)
        except RuleViolation as violation:
            refuse_change(violation, form)
        else:
            db.session.commit()
            if update.pending is not None:
                flash(_("The new role waits for another administrator's approval. Other changes were saved."),
                      "info")
            return redirect(url_for("admin.users"))
    return form_page("admin/user_form.html", form, user=user, own=own,
                     pending=accounts.pending_role_changes(user_id=user.id))


def _keep_own_access(form: UserForm, user: User) -> None:
    """One's own role, county and units are shown as text, not as fields: what is not sent
    stays as it is; whatever is sent anyway is judged (and refused) by the service."""
    if "role" not in request.form:
        form.role.data = user.role.value
    if "county_id" not in request.form:
        form.county_id.data = user.county_id or ""
    if "unit_ids" not in request.form:
        form.unit_ids.data = sorted(user.unit_ids)


@bp.post("/admin/role-changes/<int:change_id>/<any(approve, reject):decision>")
@requires("user.manage")
def decide_role_change(change_id: int, decision: str):
    change = db.get_or_404(RoleChangeRequest, change_id)
    try:
        accounts.decide_role_change(current_user, change, approve=decision == "approve")
    except RuleViolation as violation:
        refuse_change(violation)
        flash(str(violation.message), "error")
    else:
        db.session.commit()
        flash(_("The role change was approved: it is in force now.") if decision == "approve"
              else _("The role change was rejected."), "success")
    return redirect(url_for("admin.users"))


@bp.post("/admin/users/<int:user_id>/active")
@requires("user.manage")
def set_user_active(user_id: int):
    user = db.get_or_404(User, user_id)
    activate = request.form.get("active") == "1"
    if user.id == current_user.id and not activate:
        return render_template("errors/error.html", code=400, title=_("Not possible"),
                               text=_("You cannot deactivate your own account.")), 400
    try:
        accounts.set_active(user, activate)
    except RuleViolation as violation:
        refuse_change(violation)
        flash(str(violation.message), "error")
    else:
        db.session.commit()
    return redirect(url_for("admin.users"))


@bp.post("/admin/users/<int:user_id>/reset-password")
@requires("user.manage")
def reset_password(user_id: int):
    user = db.get_or_404(User, user_id)
    temporary = accounts.reset_password(user)
    db.session.commit()
    return _temporary_password_page(user, temporary, created=False)


# ----------------------------------------------------------------------------- audit log


@bp.route("/admin/audit", methods=["GET", "POST"])
@requires("audit.search")
def audit_log():
    """A POST form, pages included, so that an identity code searched for never lands in a
    URL: not in proxies' or servers' logs, nor in the browser's history."""
    form = AuditSearchForm()
    form.action.choices = options(((a.value, action_label(a.value)) for a in audit.Action), empty=_("All actions"))
    if not form.validate_on_submit():
        return render_template("admin/audit.html", form=form, page=None), 400 if form.errors else 200
    person_id = None
    if form.identity_code.data:
        person = audit_reports.find_person_by_identity_code(form.identity_code.data)
        person_id = person.id if person else -1
    filters = audit_reports.AuditFilter(form.user_email.data or "", form.action.data or "", person_id,
                                        form.date_from.data, form.date_to.data)
    page = audit_reports.search(filters, form.page.data or 1)
    db.session.commit()
    return render_template("admin/audit.html", form=form, page=page)


# ----------------------------------------------------------------------------- data access reports


@bp.route("/admin/data-access", methods=["GET", "POST"])
@requires("audit.person_report")
def person_report_lookup():
    form = PersonLookupForm()
    if form.validate_on_submit():
        person = audit_reports.find_person_by_identity_code(form.identity_code.data)
        if person is not None and _may_report_on(person):
            return redirect(url_for("admin.person_report", person_id=person.id))
        form.identity_code.errors = [_("No young person with this identity code is registered.")]
    return form_page("admin/person_lookup.html", form)


def _may_report_on(person) -> bool:
    if current_user.role == Role.ADMIN:
        return True
    try:  # a social worker: only their own clients
        scope.get_young_person(current_user, person.id)
    except NotVisible:
        return False
    return True


def _report_for(person_id: int):
    person = db.session.get(YoungPerson, person_id)
    if person is None or not _may_report_on(person):
        raise NotVisible("young_person", person_id)
    report = audit_reports.person_report(person, localtime.today())
    db.session.commit()
    return report


@bp.get("/data-access/<int:person_id>")
@requires("audit.person_report")
def person_report(person_id: int):
    return render_template("admin/person_report.html", report=_report_for(person_id))


@bp.get("/data-access/<int:person_id>.csv")
@requires("audit.person_report")
def person_report_csv(person_id: int):
    report = _report_for(person_id)
    headers = [_("Time"), _("User"), _("Role"), _("Action"), _("IP address")]
    return csv_response(f"data-access-{person_id}-{report.until.isoformat()}.csv", headers,
                        audit_reports.report_rows(report, action_label))


# ----------------------------------------------------------------------------- research export


@bp.route("/admin/research-export", methods=["GET", "POST"])
@requires("research.export")
def research_export():
    """Pseudonymised outcome data for research (``services.research_export``): a zip of CSV files."""
    form = ResearchExportForm()
    counties = db.session.scalars(select(County).order_by(County.name_fi))
    form.county_id.choices = options(((c.id, c.name(current_user.language)) for c in counties),
                                     empty=_("All counties"))
    if request.method == "GET":  # the last twelve months, to start from
        form.last_day.data = localtime.today()
        form.first_day.data = form.last_day.data - timedelta(days=365)
    if form.validate_on_submit():
        try:
            export = research.build(current_user, form.first_day.data, form.last_day.data,
                                           form.county_id.data or None, localtime.today())
        except RuleViolation as violation:
            refuse_change(violation, form)
        else:
            db.session.commit()
            name = f"kotipolku-research-{export.first_day.isoformat()}-{export.last_day.isoformat()}.zip"
            return zip_of_csv_response(name, ((f.name, f.header, f.rows) for f in export.files))
    return form_page("admin/research_export.html", form)
