"""Moves for the coordinator (the county's units) and the units' own people: who moves in and
out, transfers, alerts; one tenancy's page with its actions; recording an existing resident."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from housing import localtime
from housing.auth.permissions import requires
from housing.extensions import db
from housing.models import MoveRequest, Offer, OfferStatus, Place, Unit, YoungPerson
from housing.services import move_views, moves, offers, scope, tenancies
from housing.services.errors import NotVisible, RuleViolation
from housing.web.fields import options
from housing.web.forms import form_page, refuse_change, rendered_and_committed, save_form
from housing.web.moves.forms import MoveInForm, MoveOutForm, ResidentForm, TransferDecisionForm, TransferRequestForm

bp = Blueprint("moves", __name__, url_prefix="/moves")


@bp.get("/")
@requires("moves.view")
def index():
    view = move_views.overview(current_user, localtime.today(), request.args.get("unit", type=int))
    return rendered_and_committed("moves/index.html", v=view, today=localtime.today(),
                                  move_in_form=MoveInForm(formdata=None, day=localtime.today()))


def _tenancy_page(tenancy_id: int, move_in_form: MoveInForm | None = None, status: int = 200):
    tenancy = move_views.get_visible_tenancy(current_user, tenancy_id)
    view = move_views.view_tenancy(current_user, tenancy)
    form = move_in_form or MoveInForm(formdata=None, day=min(localtime.today(), tenancy.move_in))
    return rendered_and_committed("moves/tenancy.html", v=view, move_in_form=form, today=localtime.today()), status


@bp.get("/tenancies/<int:tenancy_id>")
@requires("tenancy.view")
def tenancy(tenancy_id: int):
    return _tenancy_page(tenancy_id)


@bp.post("/tenancies/<int:tenancy_id>/move-in")
@requires("tenancy.move_in")
def move_in(tenancy_id: int):
    found = scope.get_tenancy(current_user, tenancy_id, for_change=True)
    form = MoveInForm()
    if form.validate_on_submit():
        try:
            moves.record_move_in(current_user, found, form.day.data, localtime.today())
        except RuleViolation as violation:
            refuse_change(violation, form)
        else:
            db.session.commit()
            flash(_("The move-in is recorded. Welcome home!"), "success")
            back_to_list = request.form.get("back") == "moves"
            return redirect(url_for("moves.index") if back_to_list else url_for("moves.tenancy", tenancy_id=tenancy_id))
    if request.form.get("back") == "moves":
        for error in [*form.day.errors, *form.form_errors]:
            flash(error, "error")
        return redirect(url_for("moves.index"))
    return _tenancy_page(tenancy_id, form, status=400)


@bp.route("/tenancies/<int:tenancy_id>/move-out", methods=["GET", "POST"])
@requires("tenancy.move_out")
def move_out(tenancy_id: int):
    found = move_views.get_visible_tenancy(current_user, tenancy_id, for_change=request.method == "POST")
    form = MoveOutForm()
    done = save_form(form, lambda: moves.record_move_out(current_user, found, form.day.data, form.code.data or "",
                                                         form.text.data, localtime.today()),
                     _("The move-out is recorded: the place is free from that day."),
                     lambda _request: url_for("moves.tenancy", tenancy_id=tenancy_id))
    return done or form_page("moves/move_out.html", form, tenancy=found)


@bp.route("/tenancies/<int:tenancy_id>/transfer", methods=["GET", "POST"])
@requires("move.request_transfer")
def request_transfer(tenancy_id: int):
    found = move_views.get_visible_tenancy(current_user, tenancy_id, for_change=request.method == "POST")
    form = TransferRequestForm()
    county_id = db.session.get(Unit, found.place.unit_id).county_id
    form.target_unit_id.choices = options(((u.id, u.name) for u in db.session.scalars(
        select(Unit).where(Unit.county_id == county_id, Unit.active.is_(True)).order_by(Unit.name))),
        empty=_("No wish"))
    done = save_form(form, lambda: moves.request_transfer(current_user, found, form.code.data or "", form.text.data,
                                                          form.wanted.data, form.target_unit_id.data,
                                                          localtime.today()),
                     _("The transfer has been asked for. The housing coordinator decides it."),
                     lambda _request: url_for("moves.tenancy", tenancy_id=tenancy_id))
    return done or form_page("moves/transfer_request.html", form, tenancy=found)


def _transfer(request_id: int, for_change: bool = False) -> MoveRequest:
    query = select(MoveRequest).where(MoveRequest.id == request_id)
    found = db.session.scalar(query.with_for_update() if for_change else query)
    if found is None:
        raise NotVisible("move_request", request_id)
    move_views.get_visible_tenancy(current_user, found.tenancy_id)
    return found


@bp.route("/transfers/<int:request_id>", methods=["GET", "POST"])
@requires("move.decide")
def decide_transfer(request_id: int):
    transfer = _transfer(request_id, for_change=request.method == "POST")
    form = TransferDecisionForm()
    places = _places_for(transfer)
    form.place_id.choices = options(((p.id, f"{p.unit.name}: {p.label} ({_free_note(p)})") for p in places),
                                    empty=_("Choose…"))
    if request.method == "GET":
        form.day.data = transfer.wanted_date
        form.place_id.data = _free_in_wished_unit(transfer, places)
    if form.validate_on_submit():
        try:
            if request.form.get("decision") == "reject":
                moves.reject_transfer(current_user, transfer, form.note.data or "")
            else:
                moves.approve_transfer(current_user, transfer, form.place_id.data, form.day.data, localtime.today(),
                                       form.note.data)
        except RuleViolation as violation:
            refuse_change(violation, form)
        else:
            db.session.commit()
            flash(_("The transfer is rejected.") if request.form.get("decision") == "reject"
                  else _("The transfer is approved: the new place is planned from that day."), "success")
            return redirect(url_for("moves.tenancy", tenancy_id=transfer.tenancy_id))
    transfer = _transfer(request_id)
    view = move_views.view_tenancy(current_user, transfer.tenancy)
    page = form_page("moves/transfer_decision.html", form, transfer=transfer, v=view)
    db.session.commit()
    return page


def _places_for(transfer: MoveRequest) -> list[Place]:
    """The county's places in use other than the current one (each shown with when it is free)."""
    return list(db.session.scalars(
        select(Place).join(Unit, Unit.id == Place.unit_id)
        .where(Unit.county_id == current_user.county_id, Unit.active.is_(True), Place.out_of_use.is_(False),
               Place.id != transfer.tenancy.place_id)
        .options(selectinload(Place.unit)).order_by(Unit.name, Place.label)))


def _free_in_wished_unit(transfer: MoveRequest, places: list[Place]) -> int | None:
    """The first place of the wished unit that is free on the wished day, with no offer waiting."""
    day = transfer.wanted_date or localtime.today()
    for place in places:
        if place.unit_id == transfer.target_unit_id and tenancies.overlapping_tenancy(place.id, day, None) is None \
                and not _offered(place):
            return place.id
    return None


def _offered(place: Place) -> bool:
    return db.session.scalar(select(Offer.id).where(Offer.place_id == place.id,
                                                    Offer.status == OfferStatus.PENDING)) is not None


def _free_note(place: Place) -> str:
    if _offered(place):
        return _("offered, waiting for an answer")
    open_ended = tenancies.overlapping_tenancy(place.id, localtime.today(), None)
    if open_ended is not None and open_ended.ends is None:
        return _("taken")
    return _("free from %(day)s", day=offers.first_free_day(place, localtime.today()).strftime("%d.%m.%Y"))


@bp.route("/residents/new", methods=["GET", "POST"])
@requires("tenancy.register")
def register_resident():
    form = ResidentForm()
    people = list(db.session.scalars(scope.visible_young_people(current_user)
                                     .order_by(YoungPerson.last_name, YoungPerson.first_name)))
    form.young_person_id.choices = options(((p.id, p.full_name) for p in people), empty=_("Choose…"))
    places = db.session.scalars(select(Place).join(Unit, Unit.id == Place.unit_id)
                                .where(Unit.county_id == current_user.county_id, Place.out_of_use.is_(False))
                                .options(selectinload(Place.unit)).order_by(Unit.name, Place.label))
    form.place_id.choices = options(((p.id, f"{p.unit.name}: {p.label}") for p in places), empty=_("Choose…"))

    def register():
        if not form.young_person_id.data:
            raise RuleViolation(_("Choose a young person."), field="young_person_id")
        person = scope.get_young_person(current_user, form.young_person_id.data)
        place = db.session.get(Place, form.place_id.data) if form.place_id.data else None
        if place is None:
            raise RuleViolation(_("Choose a place."), field="place_id")
        return tenancies.register_resident(current_user, person, place, form.move_in.data, localtime.today())

    done = save_form(form, register, _("The resident is recorded."),
                     lambda created: url_for("moves.tenancy", tenancy_id=created.id))
    return done or form_page("moves/resident_form.html", form)
