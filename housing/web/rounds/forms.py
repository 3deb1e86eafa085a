"""Forms of the round pages. They read and type the input; what a valid round or decision is
lives in ``housing.services.rounds`` and ``housing.services.proposals``."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, RadioField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from housing.services.allocation_policy import MAX_REVIEW_BODY, MAX_WEIGHT
from housing.web.fields import MultiCheckboxField, options

WEIGHT_HELP = {
    "w_wish": _l("Points for each step a place is up the young person's list of wishes (first wish: five steps)."),
    "w_services": _l("Points for each on-site service that meets a need."),
    "w_over": _l("Points taken off for each level of support above the need."),
    "w_km": _l("Points taken off for each whole kilometre from the wished location."),
    "w_spare": _l("Points taken off for each bed not needed, and for an accessible home not needed."),
}


def _weight(label):
    return IntegerField(label, validators=[InputRequired(_l("Enter a whole number.")), NumberRange(0, MAX_WEIGHT)])


class WeightsMixin:
    w_wish = _weight(_l("Location wish"))
    w_services = _weight(_l("Matching services"))
    w_over = _weight(_l("Support above need"))
    w_km = _weight(_l("Each kilometre"))
    w_spare = _weight(_l("Room kept for others"))

    def weights(self) -> dict[str, int]:
        return {name: self[name].data for name in WEIGHT_HELP}


class RoundForm(WeightsMixin, FlaskForm):
    as_of = DateField(_l("As-of day"), validators=[DataRequired(_l("Choose the day of the round."))])
    free_by = DateField(_l("Places free by"), validators=[DataRequired(_l("Choose a day."))])
    place_ids = MultiCheckboxField(_l("Places that take part"), coerce=int, choices=[])
    applications = RadioField(_l("Which applications take part"), default="all", choices=options([
        ("all", _l("Everyone on the waiting list on the as-of day")), ("chosen", _l("Only those chosen below"))]))
    application_ids = MultiCheckboxField(_l("Applications chosen"), coerce=int, choices=[])
    time_limit = IntegerField(_l("Time limit for the solver (seconds)"), default=30,
                              validators=[InputRequired(_l("Enter a number of seconds.")), NumberRange(1, 600)])


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=2000)])


class OverrideForm(FlaskForm):
    place_id = RadioField(_l("Place to offer"), coerce=int, choices=[],
                          validators=[InputRequired(_l("Choose a place."))])
    # Required, as the service says too: marked so on the label, not only in the help text.
    reason = TextAreaField(_l("Why this place"), validators=[DataRequired(_l("Say why another place is offered.")),
                                                             Length(max=2000)])
    confirm = BooleanField(_l("I decide to offer this place ahead of the applicants ranked higher, for the reason "
                              "given"))


class PolicyForm(WeightsMixin, FlaskForm):
    respond_days = IntegerField(_l("Days to answer an offer"), validators=[
        InputRequired(_l("Enter a number of days.")), NumberRange(1, 60)])
    review_body = TextAreaField(_l("Where a request for review is sent"), validators=[
        Optional(), Length(max=MAX_REVIEW_BODY)])
