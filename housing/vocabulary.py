"""Code lists used across the app, each code with its translatable label.

Codes are stored in the database and sent to the solvers; labels are shown to people.
Adding a code here makes it available in every form that uses the list.
"""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

# Needs of an applicant and on-site services of a unit share one list: they are matched.
SERVICES = {
    "mental_health": _l("Mental health support"),
    "substance_use": _l("Substance use support"),
    "parenting": _l("Support for young parents"),
    "employment": _l("Employment support"),
    "education": _l("Support with studies"),
    "daily_living": _l("Daily living skills"),
    "finances": _l("Money and debt advice"),
    "neuropsychiatric": _l("Neuropsychiatric support"),
}

SUPPORT_LEVELS = {
    1: _l("1 – light (a few visits a week)"),
    2: _l("2 – regular (daily contact)"),
    3: _l("3 – intensive (staff on site daytime)"),
    4: _l("4 – round the clock"),
}

URGENCY_BANDS = {
    1: _l("1 – acute"),
    2: _l("2 – high"),
    3: _l("3 – standard"),
}

# Why an application is acute (band 1) or high (band 2); which band each belongs to is
# policy data in housing.rules.URGENCY_GROUND_BANDS.
URGENCY_GROUNDS = {
    "no_home": _l("No home now"),
    "unsafe_home": _l("Current home is unsafe"),
    "care_ends_no_home": _l("Care ends within 14 days and there is no home"),
    "care_ends_soon": _l("Care ends within 90 days"),
    "housing_ends_soon": _l("Current housing ends within 90 days"),
}

UNIT_TYPES = {
    "supported_housing_unit": _l("Supported housing unit"),
    "training_flats": _l("Training flats"),
    "scattered_flats": _l("Scattered supported flats"),
    "family_unit": _l("Unit for young families"),
    "round_the_clock": _l("Round-the-clock unit"),
}

LANGUAGES_OF_SERVICE = {
    "fi": _l("Finnish"),
    "sv": _l("Swedish"),
    "en": _l("English"),
    "se": _l("Sámi"),
    "ru": _l("Russian"),
    "ar": _l("Arabic"),
    "so": _l("Somali"),
}

GENDERS = {
    "f": _l("Female"),
    "m": _l("Male"),
    "x": _l("Other or not stated"),
}

UNIT_GENDER_RESTRICTIONS = {
    "f": _l("Women only"),
    "m": _l("Men only"),
}

PLACEMENT_TYPES = {
    "substitute_care": _l("Substitute care (taken into care)"),
    "open_care_placement": _l("Open-care placement (37 §)"),
    "other": _l("Other (no placement)"),
}

ROLES = {
    "admin": _l("Administrator"),
    "coordinator": _l("Housing coordinator"),
    "social_worker": _l("Social worker"),
    "unit_manager": _l("Unit manager"),
    "unit_staff": _l("Unit staff"),
}

SKILLS = {
    "nurse": _l("Nursing"),
    "substance_use": _l("Substance use work"),
    "mental_health": _l("Mental health work"),
    "family_work": _l("Family work"),
    "swedish": _l("Service in Swedish"),
}

REFERRAL_SERVICES = {
    "mental_health": _l("Mental health services"),
    "substance_use": _l("Substance use services"),
    "health": _l("Health care"),
    "education": _l("Education and guidance"),
    "employment": _l("Employment services"),
    "income": _l("Income support (Kela)"),
    "housing_advice": _l("Housing advice"),
    "debt_advice": _l("Debt advice"),
    "youth_work": _l("Youth work"),
    "other": _l("Other service"),
}

VISIT_TYPES = {
    "home_visit": _l("Home visit"),
    "phone": _l("Phone or video call"),
    "accompanying": _l("Accompanying to a service"),
    "group": _l("Group activity"),
}

VISIT_THEMES = {
    "housing": _l("Housing and home"),
    "finances": _l("Money"),
    "studies_work": _l("Education and work"),
    "health": _l("Health and wellbeing"),
    "substance_use": _l("Substance use"),
    "relationships": _l("Relationships"),
    "parenting": _l("Parenting"),
    "daily_living": _l("Daily living"),
}

VISIT_OUTCOMES = {
    "done": _l("Done"),
    "missed": _l("Missed: the young person was not reached"),
    "cancelled": _l("Cancelled"),
}

# The same outcomes in a word, for calendars (planned against delivered).
VISIT_OUTCOMES_SHORT = {
    "done": _l("done"),
    "missed": _l("missed"),
    "cancelled": _l("cancelled"),
}

CANCELLED_BY = {
    "young_person": _l("The young person"),
    "staff": _l("The unit's staff"),
    "other": _l("Someone else (e.g. another service)"),
}

ABSENCE_REASONS = {
    "annual_leave": _l("Annual leave"),
    "sick_leave": _l("Sick leave"),
    "training": _l("Training"),
    "other": _l("Other absence"),
}

WEEKDAYS = {
    0: _l("Monday"),
    1: _l("Tuesday"),
    2: _l("Wednesday"),
    3: _l("Thursday"),
    4: _l("Friday"),
    5: _l("Saturday"),
    6: _l("Sunday"),
}

SCHEDULE_STATUSES = {
    "draft": _l("Draft"),
    "published": _l("Published"),
    "superseded": _l("Replaced by a newer version"),
}


APPLICATION_STATUSES = {
    "draft": _l("Draft"),
    "submitted": _l("Submitted"),
    "returned": _l("Returned for changes"),
    "waitlisted": _l("On the waiting list"),
    "offered": _l("Offered a place"),
    "housed": _l("Housed"),
    "withdrawn": _l("Withdrawn"),
    "closed": _l("Closed"),
}

# The steps of an application's life (housing.services.applications.TRANSITIONS).
APPLICATION_STEPS = {
    "submit": _l("Send the application"),
    "return_with_question": _l("Return with a question"),
    "answer_and_resubmit": _l("Answer and send again"),
    "waitlist": _l("Put on the waiting list"),
    "withdraw": _l("Withdraw the application"),
    "close": _l("Close the application"),
    "mark_offered": _l("Record an offer"),
    "back_to_waitlist": _l("Return to the waiting list"),
    "mark_housed": _l("Record the move to a home"),
}


def weekday_in_sentence(weekday: int) -> str:
    """A weekday's name inside a sentence: lower case, as Finnish and Swedish write it."""
    name = str(WEEKDAYS[weekday % 7])
    return name if str(get_locale() or "fi").startswith("en") else name.lower()


def label(vocabulary: dict, code) -> str:
    """The label of a code, or the code itself when it is no longer in the list."""
    value = vocabulary.get(code)
    return str(value) if value is not None else str(code)

