"""An offer: its page with the answer forms, and the printable decision in the young
person's language (Finnish, Swedish or English) with its reasons and appeal instructions."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from housing import audit, localtime
from housing.auth.permissions import requires
from housing.extensions import db
from housing.services import offer_views, offers
from housing.services.errors import RuleViolation
from housing.web.forms import refuse_change, rendered_and_committed
from housing.web.offers.forms import AcceptForm, DeclineForm

bp = Blueprint("offers", __name__, url_prefix="/offers")
DECISION_LANGUAGES = ("fi", "sv", "en")


def _page(offer_id: int, accept: AcceptForm | None = None, decline: DeclineForm | None = None, status: int = 200):
    offer = offers.get_offer(current_user, offer_id)
    view = offer_views.view_offer(offer, localtime.today())
    accept = accept or AcceptForm(formdata=None, move_in=max(offer.move_in_on, localtime.today()))
    decline = decline or DeclineForm(formdata=None)
    return rendered_and_committed("offers/detail.html", v=view, accept=accept, decline=decline), status


@bp.get("/<int:offer_id>")
@requires("offer.view")
def detail(offer_id: int):
    return _page(offer_id)


@bp.post("/<int:offer_id>/accept")
@requires("offer.respond")
def accept(offer_id: int):
    offer = offers.get_offer(current_user, offer_id, for_change=True)
    form = AcceptForm()
    if form.validate_on_submit():
        try:
            tenancy = offers.accept(current_user, offer, form.move_in.data)
        except RuleViolation as violation:
            refuse_change(violation, form)
        else:
            db.session.commit()
            flash(_("The offer is accepted. The unit sees the move-in on %(day)s and records it when it happens.",
                    day=tenancy.move_in.strftime("%d.%m.%Y")), "success")
            return redirect(url_for("offers.detail", offer_id=offer_id))
    return _page(offer_id, accept=form, status=400)


@bp.post("/<int:offer_id>/decline")
@requires("offer.respond")
def decline(offer_id: int):
    offer = offers.get_offer(current_user, offer_id, for_change=True)
    form = DeclineForm()
    if form.validate_on_submit():
        try:
            offers.decline(current_user, offer, form.declined_by.data or "", form.decline_code.data or "",
                           form.decline_reason.data)
        except RuleViolation as violation:
            refuse_change(violation, form)
        else:
            db.session.commit()
            flash(_("The offer is declined. The application is back on the waiting list at its place in the "
                    "queue, and the place is free again."), "success")
            return redirect(url_for("offers.detail", offer_id=offer_id))
    return _page(offer_id, decline=form, status=400)


@bp.get("/<int:offer_id>/decision")
@requires("offer.view")
def decision(offer_id: int):
    """The administrative decision to print and hand over (audited as a view of it)."""
    offer = offers.get_offer(current_user, offer_id)
    person = offer.application.young_person
    language = request.args.get("lang") or person.language
    if language not in DECISION_LANGUAGES:
        language = "fi"
    document = offer_views.decision_document(offer)
    audit.record(audit.Action.VIEW, object_type="offer", object_id=offer.id, young_person_id=person.id,
                 detail={"decision": True, "language": language})
    with force_locale(language):
        return rendered_and_committed("offers/decision.html", d=document, language=language, today=localtime.today(),
                                      wishes=offer_views.wish_names(offer.application, language))
