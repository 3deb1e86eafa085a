from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, RadioField, SelectField, TextAreaField, TimeField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from housing import vocabulary
from housing.services.schedule_problem import LOCAL_TIME
from housing.web.fields import MultiCheckboxField, vocabulary_options


class VisitRecordForm(FlaskForm):
    outcome = RadioField(_l("What happened"), choices=vocabulary_options(vocabulary.VISIT_OUTCOMES),
                         validators=[InputRequired(_l("Choose what happened."))])
    day = DateField(_l("Day"), validators=[InputRequired(_l("Give the day of the visit."))])
    start_time = TimeField(_l("Began at"), validators=[Optional()])
    actual_minutes = IntegerField(_l("Minutes"), validators=[
        Optional(), NumberRange(1, 600, _l("Give from 1 to 600 minutes."))])
    # Which of these a record needs depends on what happened: the service checks them and says why.
    visit_type = SelectField(_l("Kind of visit"), validate_choice=False,
                             choices=vocabulary_options(vocabulary.VISIT_TYPES, empty=_l("Choose…")))
    themes = MultiCheckboxField(_l("Themes"), choices=vocabulary_options(vocabulary.VISIT_THEMES))
    cancelled_by = SelectField(_l("Cancelled by"), choices=vocabulary_options(vocabulary.CANCELLED_BY,
                                                                               empty=_l("Choose…")),
                               validate_choice=False)
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=4000)])

    def data_for_service(self) -> dict:
        started = None
        if self.day.data is not None and self.start_time.data is not None:
            started = datetime.combine(self.day.data, self.start_time.data, tzinfo=LOCAL_TIME)
        return {
            "outcome": self.outcome.data, "started_at": started, "actual_minutes": self.actual_minutes.data,
            "visit_type": self.visit_type.data or None, "themes": list(self.themes.data or []),
            "cancelled_by": self.cancelled_by.data or None, "notes": self.notes.data,
        }

    def fill_from(self, record) -> None:
        self.outcome.data = record.outcome.value
        moment = (record.started_at or record.visit_at).astimezone(LOCAL_TIME)
        self.day.data, self.start_time.data = moment.date(), moment.time().replace(second=0, microsecond=0)
        self.actual_minutes.data, self.visit_type.data = record.actual_minutes, record.visit_type or ""
        self.themes.data, self.cancelled_by.data = list(record.themes or []), record.cancelled_by or ""
        self.notes.data = record.notes


class UnplannedVisitForm(VisitRecordForm):
    person_id = SelectField(_l("Resident"), coerce=lambda v: int(v) if v else None,
                            validators=[InputRequired(_l("Choose the resident."))])
