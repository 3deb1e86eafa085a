"""The reports' filters: a period (validated here, server-side) and each report's options."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.validators import Optional

from housing import localtime
from housing.services.reports.period import EARLIEST, LONGEST, Period, default_period
from housing.web.fields import options


class PeriodForm(FlaskForm):
    """From and to, both included; empty means the last twelve months (up to today)."""

    class Meta:
        csrf = False  # a GET filter changes nothing

    first = DateField(_l("From"), validators=[Optional()])
    last = DateField(_l("To"), validators=[Optional()])

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        today = localtime.today()
        default = default_period(today)
        last = self.last.data or today
        first = self.first.data or (default.first if last == today else last.replace(day=1))
        if last > today:
            self.last.errors.append(_("The period cannot end after today."))
        if first < EARLIEST:
            self.first.errors.append(_("Choose a day in 2000 or later."))
        if first > last:
            self.first.errors.append(_("The start of the period must be on or before its end."))
        elif last - first >= LONGEST:
            self.first.errors.append(_("Choose a period of at most five years."))
        if self.first.errors or self.last.errors:
            return False
        self.period = Period(first, last)
        self.first.data, self.last.data = first, last  # the form shows the period it shows
        return True


class EquityForm(PeriodForm):
    by = SelectField(_l("Group by"), default="municipality", choices=options([
        ("municipality", _l("Wished municipality")), ("county", _l("County of residence")),
        ("band", _l("Urgency"))]))


class SupportForm(PeriodForm):
    by = SelectField(_l("Rows by"), default="unit", choices=options([
        ("unit", _l("Unit")), ("staff", _l("Staff member")), ("resident", _l("Resident"))]))
    # Not checked against the choices here: a unit outside the user's scope answers 404 (the route).
    unit = SelectField(_l("Unit"), default="", validators=[Optional()], validate_choice=False)

    def with_units(self, units) -> SupportForm:
        """The units the user's report covers; another unit is refused by the route (404)."""
        self.unit.choices = options([(str(u.id), u.name) for u in units], empty=_l("All units"))
        return self
