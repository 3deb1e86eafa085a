from __future__ import annotations

from datetime import date, timedelta

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, TimeField
from wtforms.validators import DataRequired, InputRequired

from housing import vocabulary
from housing.web.fields import options

WEEKS_AHEAD = 8


def week_label(monday: date) -> str:
    sunday = monday + timedelta(days=6)
    return str(_l("Week %(number)d: %(first)s–%(last)s", number=monday.isocalendar().week,
                  first=format_date(monday, "d.M."), last=format_date(sunday, "d.M.yyyy")))


def week_choices(this_monday: date):
    mondays = [this_monday + timedelta(weeks=n) for n in range(WEEKS_AHEAD)]
    return options((monday.isoformat(), week_label(monday)) for monday in mondays)


class PlanWeekForm(FlaskForm):
    unit_id = SelectField(_l("Unit"), coerce=int, validators=[InputRequired(_l("Choose a unit."))])
    week = SelectField(_l("Week"), validators=[DataRequired(_l("Choose a week."))])

    def monday(self) -> date:
        return date.fromisoformat(self.week.data)


class MoveVisitForm(FlaskForm):
    staff_id = SelectField(_l("Worker"), coerce=int, validators=[InputRequired(_l("Choose a worker."))])
    day = SelectField(_l("Day"), coerce=int, validators=[InputRequired(_l("Choose a day."))])
    start = TimeField(_l("Starts at"), validators=[InputRequired(_l("Give the time the visit starts, e.g. 10:15."))])

    def set_choices(self, staff: list, days: list[int]) -> None:
        self.staff_id.choices = options((user.id, user.name) for user in staff)
        self.day.choices = options((d, vocabulary.WEEKDAYS[d]) for d in days)

    def minute_of_day(self) -> int:
        return self.start.data.hour * 60 + self.start.data.minute


class SwapVisitForm(FlaskForm):
    other = SelectField(_l("Swap with"), validators=[DataRequired(_l("Choose the visit to swap with."))])
