"""The application form (one for drafts, submissions and later corrections) and the small
forms of the steps on the application page. Forms read and type the input; the rules of
what a complete, valid application is live in ``housing.services.applications``."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, FloatField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from allocator.matching.problem import MAX_WISHES
from housing import rules, vocabulary
from housing.services.applications import SCALAR_FIELDS, WishInput
from housing.web.fields import MultiCheckboxField, options, vocabulary_options


def _optional_int(value: Any) -> int | None:
    return int(value) if value not in (None, "") else None


class DecimalCommaFloatField(FloatField):
    """Accepts 61,4978 as well as 61.4978 (Finnish and Swedish write a decimal comma)."""

    def process_formdata(self, valuelist: list[str]) -> None:
        super().process_formdata([value.replace(",", ".").strip() for value in valuelist])


class ApplicationForm(FlaskForm):
    support_level = SelectField(_l("Support level needed"), coerce=_optional_int,
                                choices=vocabulary_options(vocabulary.SUPPORT_LEVELS, empty=_l("Not chosen")))
    needs = MultiCheckboxField(_l("Support needs"), choices=vocabulary_options(vocabulary.SERVICES))
    support_hours = IntegerField(_l("Support hours a week"), default=0, validators=[Optional()])
    urgency_band = SelectField(_l("Urgency"), coerce=_optional_int, default=3,
                               choices=vocabulary_options(vocabulary.URGENCY_BANDS))
    urgency_ground = SelectField(_l("Why it is urgent"), default="")
    urgency_reason = TextAreaField(_l("The situation in a few words"), validators=[Optional(), Length(max=1000)])
    need_since = DateField(_l("The need arose on"), validators=[Optional()])
    max_distance_km = IntegerField(_l("Greatest acceptable distance from a wish (km)"), default=30,
                                   validators=[Optional()])
    household_size = IntegerField(_l("People in the household"), default=1, validators=[Optional()])
    needs_accessible = BooleanField(_l("Needs an accessible home"))
    acceptable_unit_types = MultiCheckboxField(_l("Acceptable unit types"),
                                               choices=vocabulary_options(vocabulary.UNIT_TYPES))
    not_with_keep = MultiCheckboxField(_l("Keep on the list"), coerce=int, choices=[])
    not_with_add = TextAreaField(_l("Add people by identity code"), validators=[Optional(), Length(max=300)])
    own_words = TextAreaField(_l("The young person's own words"), validators=[Optional(), Length(max=2000)])
    consent = BooleanField(_l("The young person has agreed to this application and to their data being used "
                              "for it"))
    reason = TextAreaField(_l("Your answer to the coordinator's question"), validators=[Optional(), Length(max=2000)])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        grounds = vocabulary.URGENCY_GROUNDS.items()
        self.urgency_ground.choices = options(
            ((code, f"{rules.URGENCY_GROUND_BANDS[code]} – {label}") for code, label in grounds),
            empty=_l("Not chosen (band 3 needs none)"))

    def wish_rows(self) -> list[dict[str, Any]]:
        return [{name: self[f"wishes_{rank}_{name}"] for name in ("municipality", "label", "lat", "lon")}
                for rank in range(MAX_WISHES)]

    def data_for_service(self) -> dict[str, Any]:
        data = {name: self[name].data for name in SCALAR_FIELDS}
        data["urgency_ground"] = data["urgency_ground"] or None
        data["wishes"] = [
            WishInput(municipality=(row["municipality"].data or "").strip() or None,
                      label=(row["label"].data or "").strip() or None, lat=row["lat"].data, lon=row["lon"].data)
            for row in self.wish_rows()
        ]
        data["not_with_keep"] = list(self.not_with_keep.data or [])
        data["not_with_add"] = [code for code in re.split(r"[\s,;]+", self.not_with_add.data or "") if code]
        return data

    def fill_from(self, application, municipality_name) -> None:
        """Show a saved application (wishes by the municipality's name in the user's language)."""
        for rank, wish in enumerate(sorted(application.wishes, key=lambda w: w.rank)):
            self[f"wishes_{rank}_municipality"].data = municipality_name(wish.municipality) if wish.municipality else ""
            self[f"wishes_{rank}_label"].data = wish.label or ""
            if wish.municipality is None or wish.label:  # a named point: its own coordinates
                self[f"wishes_{rank}_lat"].data, self[f"wishes_{rank}_lon"].data = wish.lat, wish.lon
        self.urgency_ground.data = application.urgency_ground or ""
        self.not_with_keep.data = [person.id for person in application.not_with]


for _rank in range(MAX_WISHES):
    _number = _rank + 1
    setattr(ApplicationForm, f"wishes_{_rank}_municipality", StringField(
        _l("Wish %(number)d: municipality", number=_number), validators=[Optional(), Length(max=80)],
        render_kw={"list": "municipality-names", "autocomplete": "off"}))
    setattr(ApplicationForm, f"wishes_{_rank}_label", StringField(
        _l("Wish %(number)d: name of the place", number=_number), validators=[Optional(), Length(max=120)]))
    setattr(ApplicationForm, f"wishes_{_rank}_lat", DecimalCommaFloatField(
        _l("Wish %(number)d: latitude", number=_number), validators=[Optional()], render_kw={"inputmode": "decimal"}))
    setattr(ApplicationForm, f"wishes_{_rank}_lon", DecimalCommaFloatField(
        _l("Wish %(number)d: longitude", number=_number), validators=[Optional()], render_kw={"inputmode": "decimal"}))


class StepForm(FlaskForm):
    """A step on the application page, with the reason or question it records."""

    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=2000)])


# What each recorded field is called in the history (the form's own labels).
FIELD_LABELS = {
    "support_level": _l("Support level needed"), "needs": _l("Support needs"),
    "support_hours": _l("Support hours a week"), "urgency_band": _l("Urgency"),
    "urgency_ground": _l("Why it is urgent"), "urgency_reason": _l("The situation in a few words"),
    "need_since": _l("The need arose on"), "max_distance_km": _l("Greatest acceptable distance from a wish (km)"),
    "household_size": _l("People in the household"), "needs_accessible": _l("Needs an accessible home"),
    "acceptable_unit_types": _l("Acceptable unit types"), "own_words": _l("The young person's own words"),
    "consent": _l("Consent"), "wishes": _l("Location wishes"), "not_with": _l("People not to be housed with"),
}
