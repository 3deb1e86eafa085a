from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from housing import localtime
from housing.auth.permissions import requires
from housing.extensions import db
from housing.models import Municipality, Place
from housing.services import scope, units
from housing.services.errors import NotVisible
from housing.web.fields import options
from housing.web.forms import form_page, rendered_and_committed, save_form
from housing.web.units.forms import PlaceForm, UnitForm

bp = Blueprint("units", __name__, url_prefix="/units")


@bp.get("/")
@requires("unit.list")
def index():
    search = request.args.get("q", "").strip()[:100]
    level = request.args.get("level", type=int)
    rows = units.list_units(current_user, localtime.today(), search=search, support_level=level)
    return render_template("units/index.html", rows=rows, search=search, level=level)


@bp.get("/<int:unit_id>")
@requires("unit.view")
def detail(unit_id: int):
    unit = scope.get_unit(current_user, unit_id)
    show_residents = scope.sees_resident_list(current_user, unit)
    today = localtime.today()
    rows = units.places_with_tenancies(current_user, unit, today, show_residents)
    return rendered_and_committed("units/detail.html", unit=unit, rows=rows, show_residents=show_residents, today=today)


def _unit_form(obj=None) -> UnitForm:
    form = UnitForm(obj=obj)
    municipalities = db.session.scalars(
        select(Municipality).where(Municipality.county_id == current_user.county_id).order_by(Municipality.name_fi)
    )
    form.municipality_code.choices = options(((m.code, m.name(str(get_locale()))) for m in municipalities),
                                            empty=_("Choose…"))
    if obj is not None and request.method == "GET":
        form.gender_restriction.data = obj.gender_restriction or ""
    return form


@bp.route("/new", methods=["GET", "POST"])
@requires("unit.create")
def create():
    form = _unit_form()
    done = save_form(form, lambda: units.create_unit(current_user, form.data_for_service()),
                     _("The unit has been added. Add its places next."),
                     lambda unit: url_for("units.detail", unit_id=unit.id))
    return done or form_page("units/form.html", form, unit=None)


@bp.route("/<int:unit_id>/edit", methods=["GET", "POST"])
@requires("unit.edit")
def edit(unit_id: int):
    unit = scope.get_unit(current_user, unit_id)
    form = _unit_form(unit)
    done = save_form(form, lambda: units.update_unit(unit, form.data_for_service()),
                     _("The changes have been saved."), lambda _result: url_for("units.detail", unit_id=unit.id))
    return done or form_page("units/form.html", form, unit=unit)


@bp.route("/<int:unit_id>/places/new", methods=["GET", "POST"])
@requires("place.edit")
def create_place(unit_id: int):
    unit = scope.get_unit(current_user, unit_id)
    form = PlaceForm()
    done = save_form(form, lambda: units.add_place(unit, form.data_for_service()),
                     _("The place has been added."), lambda _result: url_for("units.detail", unit_id=unit.id))
    return done or form_page("units/place_form.html", form, unit=unit, place=None)


@bp.route("/<int:unit_id>/places/<int:place_id>/edit", methods=["GET", "POST"])
@requires("place.edit")
def edit_place(unit_id: int, place_id: int):
    unit = scope.get_unit(current_user, unit_id)
    place = db.session.get(Place, place_id)
    if place is None or place.unit_id != unit.id:
        raise NotVisible("place", place_id)
    form = PlaceForm(obj=place)
    done = save_form(form, lambda: units.update_place(place, form.data_for_service()),
                     _("The changes have been saved."), lambda _result: url_for("units.detail", unit_id=unit.id))
    return done or form_page("units/place_form.html", form, unit=unit, place=place)
