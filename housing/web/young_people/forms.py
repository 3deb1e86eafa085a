from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, EmailField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from housing import vocabulary
from housing.web.fields import vocabulary_options


def _text(value):
    return (value or "").strip() or None


class YoungPersonForm(FlaskForm):
    identity_code = StringField(_l("Identity code"), validators=[
        DataRequired(_l("Enter the identity code.")),
        Length(max=11, message=_l("An identity code has 11 characters."))])
    first_name = StringField(_l("First name"), validators=[DataRequired(_l("Enter the first name.")), Length(max=80)])
    last_name = StringField(_l("Last name"), validators=[DataRequired(_l("Enter the last name.")), Length(max=80)])
    gender = SelectField(_l("Gender"),
                         choices=vocabulary_options(vocabulary.GENDERS, empty=_l("Not recorded")))
    language = SelectField(_l("Language of service"), choices=vocabulary_options(vocabulary.LANGUAGES_OF_SERVICE))
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])
    email = EmailField(_l("Email"), validators=[
        Optional(), Length(max=254), Email(_l("Enter an email address such as name@example.fi."))])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=200)])
    municipality_code = SelectField(_l("Municipality of residence"))
    non_disclosure = BooleanField(_l("Non-disclosure for safety (turvakielto)"))
    responsible_worker_id = SelectField(_l("Responsible social worker"), coerce=lambda v: int(v) if v else None)
    placement_type = SelectField(_l("Care before aftercare"), choices=vocabulary_options(vocabulary.PLACEMENT_TYPES))
    placement_start = DateField(_l("Placement started"), validators=[Optional()])
    placement_end = DateField(_l("Placement ended"), validators=[Optional()])
    placed_alone = BooleanField(_l("The young person was placed alone (not with a parent)"), default=True)
    children_in_household = IntegerField(_l("Children in the household"), default=0,
                                         validators=[InputRequired(), NumberRange(0, 10)])
    client_plan_date = DateField(_l("Client plan last updated"), validators=[Optional()])
    housing_lack_recorded_on = DateField(_l("Lack of housing recorded on"), validators=[Optional()])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=4000)])

    def data_for_service(self) -> dict:
        data = {name: field.data for name, field in self._fields.items() if name not in ("csrf_token",)}
        for name in ("phone", "email", "address", "notes"):
            data[name] = _text(data[name])
        data["identity_code"] = (data["identity_code"] or "").strip()
        data["first_name"], data["last_name"] = data["first_name"].strip(), data["last_name"].strip()
        data["gender"] = data["gender"] or None
        data["municipality_code"] = data["municipality_code"] or None
        return data
