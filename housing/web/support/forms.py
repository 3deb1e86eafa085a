from __future__ import annotations

from datetime import time

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, TextAreaField, TimeField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from housing import vocabulary
from housing.web.fields import MultiCheckboxField, vocabulary_options

DAYS = range(7)


def _minute(value: time | None) -> int | None:
    return None if value is None else value.hour * 60 + value.minute


# A time field cannot say 24:00: a shift or a preferred time until midnight is shown as 23:59.
MIDNIGHT_SHOWN = 23 * 60 + 59


def _time(minute: int) -> time:
    return time(23, 59) if minute >= 1440 else time(minute // 60, minute % 60)


class WeekTimesMixin:
    """A start and an end time for each weekday (both empty: nothing that day)."""

    def day_fields(self, weekday: int):
        return self[f"start_{weekday}"], self[f"end_{weekday}"]

    def validate_week_times(self) -> bool:
        ok = True
        for weekday in DAYS:
            start, end = self.day_fields(weekday)
            if (start.data is None) != (end.data is None):
                end.errors = [*end.errors, _l("Give both the start and the end, or neither.")]
                ok = False
        return ok

    def week_times(self) -> dict[int, tuple[int, int]]:
        times = {}
        for weekday in DAYS:
            start, end = self.day_fields(weekday)
            if start.data is not None and end.data is not None:
                end_minute = _minute(end.data)
                times[weekday] = (_minute(start.data), 1440 if end_minute == MIDNIGHT_SHOWN else end_minute)
        return times

    def fill_week_times(self, times: dict[int, tuple[int, int]]) -> None:
        for weekday, (start, end) in times.items():
            self[f"start_{weekday}"].data, self[f"end_{weekday}"].data = _time(start), _time(end)


def _with_day_fields(cls):
    for weekday in DAYS:
        day = vocabulary.WEEKDAYS[weekday]
        setattr(cls, f"start_{weekday}", TimeField(_l("%(day)s: starts", day=day), validators=[Optional()]))
        setattr(cls, f"end_{weekday}", TimeField(_l("%(day)s: ends", day=day), validators=[Optional()]))
    return cls


@_with_day_fields
class StaffForm(WeekTimesMixin, FlaskForm):
    skills = MultiCheckboxField(_l("Skills"), choices=vocabulary_options(vocabulary.SKILLS))
    max_weekly_minutes = IntegerField(_l("Visit minutes a week at most"), validators=[
        Optional(), NumberRange(0, 3600, _l("Give a number from 0 to 3600."))])

    def validate(self, extra_validators=None) -> bool:
        return super().validate(extra_validators) and self.validate_week_times()

    def data_for_service(self) -> dict:
        return {"skills": list(self.skills.data or []), "max_weekly_minutes": self.max_weekly_minutes.data,
                "pattern": {d: self.week_times().get(d) for d in DAYS}}


class AbsenceForm(FlaskForm):
    first_day = DateField(_l("First day"), validators=[InputRequired(_l("Give the first day of the absence."))])
    last_day = DateField(_l("Last day"), validators=[InputRequired(_l("Give the last day of the absence."))])
    reason = SelectField(_l("Kind of absence"), choices=vocabulary_options(vocabulary.ABSENCE_REASONS))


@_with_day_fields
class PlanForm(WeekTimesMixin, FlaskForm):
    # The service says why another unit's worker cannot be chosen, in words the manager understands.
    key_worker_id = SelectField(_l("Key worker"), coerce=lambda v: int(v) if v else None, validate_choice=False)
    visits_per_week = IntegerField(_l("Visits a week"), default=2, validators=[
        InputRequired(_l("Give the number of visits a week.")),
        NumberRange(0, 7, _l("Give from 0 to 7 visits a week."))])
    minutes_per_visit = IntegerField(_l("Minutes a visit"), default=60, validators=[
        InputRequired(_l("Give how long a visit lasts."))])
    skill_needed = SelectField(_l("Skill the visits need"),
                               choices=vocabulary_options(vocabulary.SKILLS, empty=_l("No special skill")))
    goals = TextAreaField(_l("Goals of the support"), validators=[Optional(), Length(max=2000)])

    def validate(self, extra_validators=None) -> bool:
        return super().validate(extra_validators) and self.validate_week_times()

    def data_for_service(self) -> dict:
        return {
            "key_worker_id": self.key_worker_id.data, "visits_per_week": self.visits_per_week.data,
            "minutes_per_visit": self.minutes_per_visit.data, "skill_needed": self.skill_needed.data or None,
            "goals": (self.goals.data or "").strip() or None,
            "preferred_times": [{"weekday": d, "start": start, "end": end}
                                for d, (start, end) in sorted(self.week_times().items())],
        }
