"""The answer to an offer: accept with a move-in day, or decline with who and why."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from housing import vocabulary
from housing.web.fields import vocabulary_options


class AcceptForm(FlaskForm):
    move_in = DateField(_l("Moves in on"), validators=[Optional()])


class DeclineForm(FlaskForm):
    declined_by = RadioField(_l("Who declined"), choices=vocabulary_options(vocabulary.DECLINED_BY),
                             validators=[Optional()])
    decline_code = SelectField(_l("Reason"), default="")
    decline_reason = TextAreaField(_l("In your own words"), validators=[Optional(), Length(max=2000)])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Grouped by who declined, so the list stays short and each reason fits its side.
        self.decline_code.choices = [SelectChoice("", _l("Choose…"))] + [
            SelectChoice(code, vocabulary.DECLINE_REASONS[code], optgroup=str(vocabulary.DECLINED_BY[who]))
            for who, codes in vocabulary.DECLINE_REASONS_BY.items() for code in codes]
