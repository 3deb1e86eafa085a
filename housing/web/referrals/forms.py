"""Forms of the service path: a referral added or corrected, and a step recorded.
The rules (who, which step when, which days) live in ``housing.services.referrals``."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from housing import vocabulary
from housing.web.fields import vocabulary_options


class ReferralDetailsForm(FlaskForm):
    service = SelectField(_l("Service"), validators=[DataRequired(_l("Choose the service."))],
                          choices=vocabulary_options(vocabulary.REFERRAL_SERVICES, empty=_l("Choose…")))
    provider = StringField(_l("Provider or place"), validators=[Optional(), Length(max=200)])
    contact = StringField(_l("Contact person and how to reach them"), validators=[Optional(), Length(max=200)])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=2000)])

    def data_for_service(self) -> dict:
        return {name: getattr(self, name).data for name in ("service", "provider", "contact", "notes")}


class NewReferralForm(ReferralDetailsForm):
    referred_on = DateField(_l("Referred on"), validators=[Optional()])

    def data_for_service(self) -> dict:
        return {**super().data_for_service(), "referred_on": self.referred_on.data}


class StepForm(FlaskForm):
    """What happened: the choices are the steps the referral's status allows (set by the route)."""

    step = RadioField(_l("What happened"), choices=[], validators=[DataRequired(_l("Choose what happened."))])
    happened_on = DateField(_l("On"), validators=[DataRequired(_l("Enter the day it happened."))])
    refusal_reason = SelectField(_l("Why it will not start (when refused)"), default="",
                                 choices=vocabulary_options(vocabulary.REFERRAL_REFUSAL_REASONS, empty=_l("Choose…")))
