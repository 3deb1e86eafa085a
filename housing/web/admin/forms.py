from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, IntegerField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from housing import vocabulary
from housing.web.fields import MultiCheckboxField, options, vocabulary_options


class UserForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[
        DataRequired(_l("Enter an email address.")), Length(max=254),
        Email(_l("Enter an email address such as name@example.fi."))])
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter the person's name.")), Length(max=120)])
    role = SelectField(_l("Role"), choices=vocabulary_options(vocabulary.ROLES))
    county_id = SelectField(_l("County"))
    unit_ids = MultiCheckboxField(_l("Units (unit managers and staff)"), coerce=int)
    language = SelectField(_l("Language"), choices=options([("fi", "suomi"), ("sv", "svenska"), ("en", "English")]))
    password = PasswordField(_l("Initial password"), validators=[Optional(), Length(max=200)])


class AuditSearchForm(FlaskForm):
    """Sent by POST (pages too): an identity code must never be part of a URL."""

    user_email = StringField(_l("User"), validators=[Optional(), Length(max=254)])
    action = SelectField(_l("Action"), validators=[Optional()])
    identity_code = StringField(_l("Young person's identity code"), validators=[Optional(), Length(max=11)])
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])
    page = IntegerField(validators=[Optional(), NumberRange(min=1, max=100000)])  # the pager's buttons set it


class PersonLookupForm(FlaskForm):
    identity_code = StringField(_l("Identity code"), validators=[
        DataRequired(_l("Enter the identity code.")), Length(max=11)])


def county_choices(counties, language: str) -> list:
    return options([(c.id, c.name(language)) for c in counties], empty=_l("No county (administrators)"))



class ResearchExportForm(FlaskForm):
    """The applications made in the period (its first and last day included), of one county or all."""

    first_day = DateField(_l("From"), validators=[DataRequired(_l("Enter the first day of the period."))])
    last_day = DateField(_l("To"), validators=[DataRequired(_l("Enter the last day of the period."))])
    county_id = SelectField(_l("Placing county"), validators=[Optional()])
