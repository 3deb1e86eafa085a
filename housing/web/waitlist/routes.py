"""The coordinator's waiting list: the county queue in priority order, and its export."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SelectField, StringField, ValidationError
from wtforms.validators import Length, Optional

from housing import localtime, rules, vocabulary
from housing.auth.permissions import requires
from housing.extensions import db
from housing.models import Municipality
from housing.services import waitlist
from housing.web.downloads import csv_response
from housing.web.fields import options, vocabulary_options
from housing.web.forms import rendered_and_committed

bp = Blueprint("waitlist", __name__, url_prefix="/waitlist")

WARNING_LABELS = {
    "aftercare_ending": _l("Aftercare ends within 6 months"),
    "waiting_long": _l("Waiting over 3 months"),
    "acute_waiting": _l("Acute, waiting over 7 days"),
    "plan_missing": _l("Client plan missing"),
    "plan_outdated": _l("Client plan over a year old"),
}


def _int_or_none(value):
    return int(value) if value not in (None, "") else None


class FilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form changes nothing

    band = SelectField(_l("Urgency"), coerce=_int_or_none,
                       choices=vocabulary_options(vocabulary.URGENCY_BANDS, empty=_l("All")))
    support_level = SelectField(_l("Support level"), coerce=_int_or_none,
                                choices=vocabulary_options(vocabulary.SUPPORT_LEVELS, empty=_l("All")))
    municipality = StringField(_l("Wished municipality"), validators=[Optional(), Length(max=80)],
                               render_kw={"list": "municipality-names", "autocomplete": "off"})
    waited_over = SelectField(_l("Waiting time"), coerce=_int_or_none, choices=options(
        [(30, _l("over a month")), (91, _l("over 3 months")), (183, _l("over 6 months"))], empty=_l("Any")))
    household = SelectField(_l("Household size"), coerce=_int_or_none,
                            choices=options(((n, str(n)) for n in range(1, rules.MAX_HOUSEHOLD + 1)), empty=_l("Any")))

    def validate_municipality(self, field) -> None:
        self.wished = waitlist.municipality_named(field.data) if field.data else None
        if field.data and self.wished is None:
            raise ValidationError(_("No municipality of that name: choose one from the list."))

    def filters(self) -> waitlist.Filters:
        wished = getattr(self, "wished", None)
        return waitlist.Filters(band=self.band.data, support_level=self.support_level.data,
                                municipality_code=wished.code if wished else None,
                                waited_over_days=self.waited_over.data, household_size=self.household.data)


def _read_request() -> tuple[FilterForm, waitlist.Filters, str, bool]:
    form = FilterForm(request.args)
    filters = form.filters() if form.validate() else waitlist.Filters()
    sort = request.args.get("sort", "position")
    sort = sort if sort in waitlist.SORTS else "position"
    descending = request.args.get("dir", "desc" if waitlist.DEFAULT_DESCENDING[sort] else "asc") == "desc"
    return form, filters, sort, descending


@bp.get("/")
@requires("waitlist.view")
def index():
    form, filters, sort, descending = _read_request()
    page = waitlist.waitlist_page(current_user, filters, sort, descending, request.args.get("page", 1, type=int))
    language = str(get_locale())
    names = sorted(m.name(language) for m in db.session.scalars(select(Municipality)))
    arguments = {key: value for key, value in request.args.items() if key not in ("page", "sort", "dir") and value}
    return rendered_and_committed("waitlist/index.html", page=page, form=form, sort=sort, descending=descending,
                                  arguments=arguments, warning_labels=WARNING_LABELS, municipality_names=names)


@bp.get("/export.csv")
@requires("waitlist.export")
def export():
    """The filtered queue as a spreadsheet: no identity codes, no location of anyone with a
    non-disclosure for safety (whoever opens the file later may not see it); audited per person."""
    _form, filters, sort, descending = _read_request()
    rows = waitlist.export_rows(current_user, filters, sort, descending)
    language, today = str(get_locale()), localtime.today()
    words = _ExportWords()
    response = csv_response(f"waitlist-{current_user.county_id}-{today.isoformat()}.csv", _export_header(),
                            (_export_row(row, language, today, words) for row in rows))
    db.session.commit()  # the export's audit events, after the rows are read (a commit expires them)
    return response


def _export_header() -> list[str]:
    return [_("Position"), _("Application"), _("Last name"), _("First name"), _("Age"), _("Language"),
            _("Urgency"), _("Why it is urgent"), _("The need arose on"), _("On the list since"), _("Days waiting"),
            _("Support level"), _("Support hours a week"), _("Support needs"), _("Household"),
            _("Accessible home"), _("Acceptable unit types"), _("Location wishes"), _("Greatest distance (km)"),
            _("Aftercare ends"), _("Client plan"), _("Warnings")]


class _ExportWords:
    """Every label the export uses, translated once (thousands of rows repeat the same few)."""

    def __init__(self) -> None:
        self.grounds = {code: str(text) for code, text in vocabulary.URGENCY_GROUNDS.items()}
        self.needs = {code: str(text) for code, text in vocabulary.SERVICES.items()}
        self.unit_types = {code: str(text) for code, text in vocabulary.UNIT_TYPES.items()}
        self.warnings = {code: str(text) for code, text in WARNING_LABELS.items()}
        self.yes, self.no, self.any = _("yes"), _("no"), _("any")


def _export_row(row: waitlist.WaitlistRow, language: str, today: date, words: _ExportWords) -> list:
    application, person = row.application, row.person
    shows_location = not person.non_disclosure  # never exported, whoever exports
    wishes = "; ".join(_wish_text(wish, language) for wish in application.wishes) if shows_location else ""
    return [
        row.position, application.id, person.last_name, person.first_name, rules.age_on(person.birth_date, today),
        person.language, application.urgency_band, words.grounds.get(application.urgency_ground or "", ""),
        application.need_since.isoformat(), application.waitlisted_at.date().isoformat(), row.waiting_days,
        application.support_level, application.support_hours,
        ", ".join(words.needs.get(need, need) for need in application.needs),
        application.household_size, words.yes if application.needs_accessible else words.no,
        ", ".join(words.unit_types.get(t, t) for t in application.acceptable_unit_types) or words.any,
        wishes, application.max_distance_km, row.aftercare_ends.isoformat(),
        person.client_plan_date.isoformat() if person.client_plan_date else "",
        ", ".join(words.warnings[code] for code in row.warnings),
    ]


def _wish_text(wish, language: str) -> str:
    place = wish.municipality.name(language) if wish.municipality else None
    return ", ".join(part for part in (wish.label, place) if part) or f"{wish.lat:.4f} {wish.lon:.4f}"

