from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, FloatField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from housing import vocabulary
from housing.web.fields import MultiCheckboxField, vocabulary_options


class UnitForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Give the unit a name.")), Length(max=120)])
    operator = StringField(_l("Operator"), validators=[Optional(), Length(max=120)])
    unit_type = SelectField(_l("Type"), choices=vocabulary_options(vocabulary.UNIT_TYPES))
    municipality_code = SelectField(_l("Municipality"), validators=[DataRequired(_l("Choose a municipality."))])
    address = StringField(_l("Street address"), validators=[Optional(), Length(max=200)])
    postal_code = StringField(_l("Postal code"), validators=[
        Optional(), Regexp(r"^\d{5}$", message=_l("A postal code has five digits."))])
    lat = FloatField(_l("Latitude"), validators=[
        Optional(), NumberRange(59.0, 70.5, _l("Give a latitude in Finland (59–70.5)."))])
    lon = FloatField(_l("Longitude"), validators=[
        Optional(), NumberRange(19.0, 31.6, _l("Give a longitude in Finland (19–31.6)."))])
    support_level = SelectField(_l("Support level"), coerce=int, choices=vocabulary_options(vocabulary.SUPPORT_LEVELS))
    services = MultiCheckboxField(_l("On-site services"), choices=vocabulary_options(vocabulary.SERVICES))
    staff_support_hours = IntegerField(_l("Staff support hours per week"), validators=[
        InputRequired(_l("Give the weekly staff support hours.")), NumberRange(0, 2000)])
    min_age = IntegerField(_l("Minimum age"), validators=[Optional(), NumberRange(16, 30)])
    max_age = IntegerField(_l("Maximum age"), validators=[Optional(), NumberRange(16, 30)])
    gender_restriction = SelectField(_l("Gender restriction"), choices=vocabulary_options(
        vocabulary.UNIT_GENDER_RESTRICTIONS, empty=_l("None")))
    languages = MultiCheckboxField(_l("Languages served"), choices=vocabulary_options(vocabulary.LANGUAGES_OF_SERVICE),
                                   validators=[DataRequired(_l("Choose at least one language."))])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=4000)])
    active = BooleanField(_l("In use"), default=True)

    def data_for_service(self) -> dict:
        data = {name: self[name].data for name in (
            "name", "operator", "unit_type", "municipality_code", "address", "postal_code", "lat", "lon",
            "support_level", "services", "staff_support_hours", "min_age", "max_age", "languages",
            "phone", "description", "active")}
        data["gender_restriction"] = self.gender_restriction.data or None
        for text_field in ("operator", "address", "postal_code", "phone", "description"):
            data[text_field] = (data[text_field] or "").strip() or None
        data["name"] = data["name"].strip()
        return data


class PlaceForm(FlaskForm):
    label = StringField(_l("Name or number"), validators=[DataRequired(_l("Give the place a name or number.")),
                                                           Length(max=40)])
    bedrooms = IntegerField(_l("Bedrooms"), default=1, validators=[InputRequired(), NumberRange(0, 10)])
    max_household = IntegerField(_l("Largest household"), default=1, validators=[InputRequired(), NumberRange(1, 12)])
    accessible = BooleanField(_l("Accessible"))
    available_from = DateField(_l("Available from"), validators=[Optional()])
    out_of_use = BooleanField(_l("Out of use"))
    out_of_use_reason = StringField(_l("Why out of use"), validators=[Optional(), Length(max=200)])

    def data_for_service(self) -> dict:
        data = {name: self[name].data for name in (
            "label", "bedrooms", "max_household", "accessible", "available_from", "out_of_use", "out_of_use_reason")}
        data["label"] = data["label"].strip()
        data["out_of_use_reason"] = (data["out_of_use_reason"] or "").strip() or None
        return data
