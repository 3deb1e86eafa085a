from __future__ import annotations

from flask import Blueprint, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms.validators import Optional

from housing import audit, localtime
from housing.auth.permissions import can, requires
from housing.extensions import db
from housing.models import Municipality, Role
from housing.services import referrals, scope, young_people
from housing.web.fields import options
from housing.web.forms import form_page, rendered_and_committed, save_form
from housing.web.young_people.forms import YoungPersonForm

bp = Blueprint("young_people", __name__, url_prefix="/young-people")


@bp.route("/", methods=["GET", "POST"])
@requires("young_person.list")
def index():
    """A search is a POST (its pages too): a young person's name never lands in a URL, a
    proxy's log or the browser's history. Without a search the pages are plain links."""
    values = request.form if request.method == "POST" else {}
    search = values.get("q", "").strip()[:100]
    page_number = (values if search else request.args).get("page", 1, type=int)
    page = young_people.list_people(current_user, search, page_number)
    return rendered_and_committed("young_people/index.html", page=page, search=search)


def _detail_page(person_id: int, reveal_identity_code: bool = False):
    person = scope.get_young_person(current_user, person_id)
    today = localtime.today()
    summary = young_people.view_person(person, today)
    identity_code = young_people.reveal_identity_code(person) if reveal_identity_code else None
    return rendered_and_committed(
        "young_people/detail.html", s=summary, person=person, identity_code=identity_code,
        show_address=scope.sees_protected_address(current_user, person),
        show_case=can(current_user, "young_person.view_case"),
        service_path=referrals.service_path(person, today) if can(current_user, "referral.view") else None,
        manages_service_path=referrals.manages(current_user, person),
    )


@bp.get("/<int:person_id>")
@requires("young_person.view")
def detail(person_id: int):
    return _detail_page(person_id)


@bp.post("/<int:person_id>/identity-code")
@requires("young_person.show_identity_code")
def show_identity_code(person_id: int):
    """Showing the whole identity code is an audited action of its own."""
    return _detail_page(person_id, reveal_identity_code=True)


def _person_form(obj=None) -> YoungPersonForm:
    form = YoungPersonForm(obj=obj)
    language = str(get_locale())
    municipalities = db.session.scalars(select(Municipality).order_by(Municipality.name_fi))
    form.municipality_code.choices = options(((m.code, m.name(language)) for m in municipalities),
                                            empty=_("Not recorded"))
    if current_user.role == Role.COORDINATOR:
        workers = young_people.social_workers_of(current_user.county_id)
        form.responsible_worker_id.choices = options(((w.id, w.name) for w in workers), empty=_("Not chosen"))
    else:
        del form.responsible_worker_id  # a social worker registers their own clients
    if obj is not None:
        # The full identity code is never put in the form: a new value replaces it.
        form.identity_code.validators = [Optional(), *form.identity_code.validators[1:]]
        form.identity_code.flags.required = False
    if obj is not None and request.method == "GET":
        form.identity_code.data = ""
        form.gender.data = obj.gender or ""
        form.municipality_code.data = obj.municipality_code or ""
        form.placement_type.data = obj.placement_type.value
    return form


@bp.route("/new", methods=["GET", "POST"])
@requires("young_person.create")
def create():
    form = _person_form()
    done = save_form(form, lambda: young_people.create_person(current_user, form.data_for_service(), localtime.today()),
                     _("The young person has been registered."),
                     lambda person: url_for("young_people.detail", person_id=person.id))
    return done or form_page("young_people/form.html", form, person=None)


@bp.route("/<int:person_id>/edit", methods=["GET", "POST"])
@requires("young_person.edit")
def edit(person_id: int):
    person = scope.get_young_person(current_user, person_id)
    form = _person_form(person)
    done = save_form(form, lambda: young_people.update_person(current_user, person, form.data_for_service(),
                                                              localtime.today()),
                     _("The changes have been saved."),
                     lambda _result: url_for("young_people.detail", person_id=person.id))
    if done is None and request.method == "GET":
        # Opening the form shows the person's data: a read like any other.
        audit.record(audit.Action.VIEW, object_type="young_person", object_id=person.id,
                     young_person_id=person.id, detail={"form": "edit"})
        db.session.commit()
    return done or form_page("young_people/form.html", form, person=person)
