"""Forms of the moves pages: move-in, move-out, a transfer asked for and decided, and an
existing resident recorded. The rules live in ``housing.services.moves`` and ``tenancies``."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from housing import vocabulary
from housing.web.fields import vocabulary_options


def _optional_int(value) -> int | None:
    return int(value) if value not in (None, "") else None


class MoveInForm(FlaskForm):
    day = DateField(_l("Moved in on"), validators=[DataRequired(_l("Choose the day."))])


class MoveOutForm(FlaskForm):
    day = DateField(_l("Moves out on"), validators=[DataRequired(_l("Choose the day."))])
    code = SelectField(_l("Reason"), choices=vocabulary_options(vocabulary.MOVE_OUT_REASONS, empty=_l("Choose…")))
    text = TextAreaField(_l("More about it"), validators=[Optional(), Length(max=2000)])


class TransferRequestForm(FlaskForm):
    code = SelectField(_l("Reason"), choices=vocabulary_options(vocabulary.TRANSFER_REASONS, empty=_l("Choose…")))
    text = TextAreaField(_l("More about it"), validators=[Optional(), Length(max=2000)])
    target_unit_id = SelectField(_l("Wished unit"), coerce=_optional_int, choices=[])
    wanted = DateField(_l("Wished day"), validators=[Optional()])


class TransferDecisionForm(FlaskForm):
    place_id = SelectField(_l("New place"), coerce=_optional_int, choices=[])
    day = DateField(_l("Moves on"), validators=[Optional()])
    note = TextAreaField(_l("Note to the requester"), validators=[Optional(), Length(max=500)])


class ResidentForm(FlaskForm):
    young_person_id = SelectField(_l("Young person"), coerce=_optional_int, choices=[])
    place_id = SelectField(_l("Place"), coerce=_optional_int, choices=[])
    move_in = DateField(_l("Moved in on"), validators=[DataRequired(_l("Choose the day."))])
