"""The service path's pages: add a referral, read one with its steps, correct it, record a step.
The list itself is a section of the young person's page."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from housing import audit, localtime
from housing.auth.permissions import can, requires
from housing.extensions import db
from housing.models import ServiceReferral
from housing.services import referrals, scope
from housing.services.errors import RuleViolation
from housing.web.forms import form_page, refuse_change, rendered_and_committed, save_form
from housing.web.referrals.forms import NewReferralForm, ReferralDetailsForm, StepForm

bp = Blueprint("referrals", __name__)


def _person_page(person_id: int) -> str:
    return url_for("young_people.detail", person_id=person_id, _anchor="service-path")


@bp.route("/young-people/<int:person_id>/service-path/new", methods=["GET", "POST"])
@requires("referral.manage")
def create(person_id: int):
    person = scope.get_young_person(current_user, person_id)
    form = NewReferralForm()
    done = save_form(form, lambda: referrals.add(current_user, person, form.data_for_service(), localtime.today()),
                     _("The referral has been added to the service path."), lambda _r: _person_page(person.id))
    if done is None and request.method == "GET":
        # The form names the young person: a read like any other.
        audit.record(audit.Action.VIEW, object_type="young_person", object_id=person.id,
                     young_person_id=person.id, detail={"form": "new_referral"})
        db.session.commit()
    return done or form_page("referrals/form.html", form, person=person, referral=None)


def _step_form(referral: ServiceReferral) -> StepForm:
    form = StepForm()
    # Every step is a choice the form accepts; the page offers those the status allows, and
    # the service refuses a stale one (another tab) with a clear message.
    form.step.choices = [(step, step) for step in referrals.TRANSITIONS]
    if request.method == "GET":
        form.happened_on.data = localtime.today()
    return form


def _detail_page(referral: ServiceReferral, form: StepForm | None, status: int = 200):
    row = referrals.view_referral(referral, localtime.today())
    person = referral.young_person
    page = rendered_and_committed(
        "referrals/detail.html", row=row, referral=referral, person=person, form=form,
        steps=referrals.available_steps(referral) if form else [],
        show_locations=scope.sees_protected_address(current_user, person),
        show_notes=can(current_user, "young_person.view_case"),
    )
    return page, status


@bp.get("/service-path/<int:referral_id>")
@requires("referral.view")
def detail(referral_id: int):
    referral = scope.get_referral(current_user, referral_id)
    manages = referrals.manages(current_user, referral.young_person)
    return _detail_page(referral, _step_form(referral) if manages else None)


@bp.post("/service-path/<int:referral_id>/step")
@requires("referral.manage")
def record_step(referral_id: int):
    referral = scope.get_referral(current_user, referral_id, for_change=True)
    form = _step_form(referral)
    if form.validate_on_submit():
        try:
            referrals.take_step(current_user, referral, form.step.data, form.happened_on.data, localtime.today(),
                                refusal_reason=form.refusal_reason.data or None)
        except RuleViolation as violation:
            refuse_change(violation, form)
            referral = scope.get_referral(current_user, referral_id)
        else:
            db.session.commit()
            flash(_("The step has been recorded."), "success")
            return redirect(url_for("referrals.detail", referral_id=referral.id))
    return _detail_page(referral, form, status=400)


@bp.route("/service-path/<int:referral_id>/edit", methods=["GET", "POST"])
@requires("referral.manage")
def edit(referral_id: int):
    referral = scope.get_referral(current_user, referral_id, for_change=request.method == "POST")
    form = ReferralDetailsForm(obj=referral)
    done = save_form(form, lambda: referrals.update_details(current_user, referral, form.data_for_service()),
                     _("The changes have been saved."),
                     lambda _r: url_for("referrals.detail", referral_id=referral.id))
    if done is None and request.method == "GET":
        referrals.view_referral(referral, localtime.today(), form="edit")
        db.session.commit()
    return done or form_page("referrals/form.html", form, person=referral.young_person, referral=referral)
