"""Rules set by law, in one place, as dated data (DESIGN.md §3).

A change in the law is a new row in a table here, never an edit of code elsewhere. This
module is pure: no Flask, no database; errors are codes that the web layer translates.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import date, timedelta

# --------------------------------------------------------------------------- dates


def birthday(birth: date, years: int) -> date:
    """The day a person born on ``birth`` turns ``years`` old.

    Someone born on 29 February turns a year older on 28 February in common years (a
    time limit that falls on a day the month lacks ends on the month's last day).
    """
    try:
        return birth.replace(year=birth.year + years)
    except ValueError:
        return date(birth.year + years, 2, 28)


def age_on(birth: date, day: date) -> int:
    """Age in whole years on ``day``."""
    years = day.year - birth.year
    return years if day >= birthday(birth, years) else years - 1


# --------------------------------------------------------------------------- identity code

CHECK_CHARACTERS = "0123456789ABCDEFHJKLMNPRSTUVWXY"
CENTURY_SIGNS = {"+": 1800, **dict.fromkeys("-YXWVU", 1900), **dict.fromkeys("ABCDEF", 2000)}
_IDENTITY_CODE = re.compile(r"^(\d{2})(\d{2})(\d{2})([-+A-FU-Y])(\d{3})([0-9A-Y])$")


class IdentityCodeProblem(enum.StrEnum):
    FORMAT = "format"  # not DDMMYYCZZZQ
    DATE = "date"  # no such day
    INDIVIDUAL_NUMBER = "individual_number"  # 000 and 001 are never issued
    CHECK_CHARACTER = "check_character"
    FUTURE = "future"  # born after today


class IdentityCodeError(ValueError):
    def __init__(self, problem: IdentityCodeProblem):
        super().__init__(problem.value)
        self.problem = problem


@dataclass(frozen=True)
class IdentityCode:
    code: str
    birth_date: date
    temporary: bool  # individual numbers 900–999
    sex: str  # "m" odd individual number, "f" even (as the code assigns it)

    @property
    def masked(self) -> str:
        return mask_identity_code(self.code)


def normalise_identity_code(raw: str) -> str:
    return raw.strip().upper()


def parse_identity_code(raw: str, today: date | None = None) -> IdentityCode:
    """Validate a henkilötunnus and return what it encodes; raise ``IdentityCodeError``."""
    code = normalise_identity_code(raw)
    match = _IDENTITY_CODE.match(code)
    if not match:
        raise IdentityCodeError(IdentityCodeProblem.FORMAT)
    day, month, year, sign, individual, check = match.groups()
    try:
        born = date(CENTURY_SIGNS[sign] + int(year), int(month), int(day))
    except ValueError:
        raise IdentityCodeError(IdentityCodeProblem.DATE) from None
    if int(individual) < 2:
        raise IdentityCodeError(IdentityCodeProblem.INDIVIDUAL_NUMBER)
    if CHECK_CHARACTERS[int(day + month + year + individual) % 31] != check:
        raise IdentityCodeError(IdentityCodeProblem.CHECK_CHARACTER)
    if today is not None and born > today:
        raise IdentityCodeError(IdentityCodeProblem.FUTURE)
    return IdentityCode(code, born, int(individual) >= 900, "m" if int(individual) % 2 else "f")


def identity_code_check_character(ddmmyy: str, individual: str) -> str:
    return CHECK_CHARACTERS[int(ddmmyy + individual) % 31]


def mask_identity_code(code: str) -> str:
    """Show the birth date part only: ``010203A***X`` style masking hides the person."""
    return code[:7] + "****" if len(code) == 11 else "*" * len(code)


# --------------------------------------------------------------------------- aftercare age limit


@dataclass(frozen=True)
class TransitionalRule:
    ages_on_start: tuple[int, ...]  # ages on the day the rule came into force
    ends_on: date  # those ages keep aftercare until this day


@dataclass(frozen=True)
class AgeLimitRule:
    in_force_from: date
    in_force_until: date | None  # exclusive; None = still in force
    age_limit: int
    source: str
    transitional: TransitionalRule | None = None


# Child Welfare Act (417/2007) 75 §: the upper age limit of aftercare, as it has changed.
AGE_LIMIT_RULES: tuple[AgeLimitRule, ...] = (
    AgeLimitRule(date(2008, 1, 1), date(2020, 1, 1), 21, "Lastensuojelulaki 417/2007 75 §"),
    AgeLimitRule(date(2020, 1, 1), date(2024, 1, 1), 25, "Lastensuojelulaki 75 § (muutos 2020)"),
    AgeLimitRule(
        date(2024, 1, 1), None, 23, "Lastensuojelulaki 75 § (muutos 2024)",
        transitional=TransitionalRule(ages_on_start=(23, 24), ends_on=date(2024, 6, 30)),
    ),
)
AFTERCARE_EARLIEST_AGE = 18


def aftercare_ends_on(birth: date, rules: tuple[AgeLimitRule, ...] = AGE_LIMIT_RULES) -> date:
    """The day a young person's aftercare ends at the latest, under the law as it stood.

    Walks the rules in time order from the 18th birthday: the first rule whose age limit
    is reached while it is in force decides. A rule that lowered the limit below the
    person's age ends aftercare on its first day, unless its transitional rule applies.
    """
    start = birthday(birth, AFTERCARE_EARLIEST_AGE)
    for rule in rules:
        if rule.in_force_until is not None and rule.in_force_until <= start:
            continue
        limit_day = birthday(birth, rule.age_limit)
        period_start = max(rule.in_force_from, start)
        if limit_day < period_start:
            transitional = rule.transitional
            if transitional and age_on(birth, rule.in_force_from) in transitional.ages_on_start:
                return transitional.ends_on
            return period_start
        if rule.in_force_until is None or limit_day < rule.in_force_until:
            return limit_day
    raise ValueError("no age-limit rule covers this birth date")


def age_limit_in_force(day: date, rules: tuple[AgeLimitRule, ...] = AGE_LIMIT_RULES) -> AgeLimitRule:
    for rule in rules:
        if rule.in_force_from <= day and (rule.in_force_until is None or day < rule.in_force_until):
            return rule
    raise ValueError(f"no age-limit rule in force on {day}")


# --------------------------------------------------------------------------- entitlement


class Entitlement(enum.StrEnum):
    MANDATORY = "mandatory"
    DISCRETIONARY = "discretionary"  # the county may still give aftercare
    NOT_POSSIBLE = "not_possible"  # past the age limit: aftercare has ended


OPEN_CARE_MINIMUM_MONTHS = 6


def aftercare_entitlement(
    placement_type: str, placement_start: date | None, placement_end: date | None, placed_alone: bool
) -> Entitlement:
    """Child Welfare Act 75 §: substitute care, or an open-care placement (37 §) of the child
    alone lasting at least six months without a break, makes aftercare mandatory."""
    if placement_type == "substitute_care":
        return Entitlement.MANDATORY
    if placement_type == "open_care_placement" and placed_alone and placement_start and placement_end:
        six_months_later = _add_months(placement_start, OPEN_CARE_MINIMUM_MONTHS)
        if placement_end >= six_months_later:
            return Entitlement.MANDATORY
    return Entitlement.DISCRETIONARY


def aftercare_available(birth: date, day: date, rules: tuple[AgeLimitRule, ...] = AGE_LIMIT_RULES) -> bool:
    """Aftercare ends *on* its end day (the 23rd birthday): the day before is the last day."""
    return day < aftercare_ends_on(birth, rules)


def entitlement_on(
    day: date, birth: date, placement_type: str, placement_start: date | None, placement_end: date | None,
    placed_alone: bool,
) -> Entitlement:
    """Entitlement on ``day``: ``NOT_POSSIBLE`` past the dated age limit, else as 75 § says.

    The age limit depends on the birth date and the law in force, never on when the
    placement ended: a placement that ended in 2023 gives no longer aftercare than one
    that ended in 2024.
    """
    if not aftercare_available(birth, day):
        return Entitlement.NOT_POSSIBLE
    return aftercare_entitlement(placement_type, placement_start, placement_end, placed_alone)


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate_day in (day.day, 30, 29, 28):
        try:
            return date(year, month, candidate_day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


# --------------------------------------------------------------------------- caseload


@dataclass(frozen=True)
class CaseloadRule:
    in_force_from: date
    in_force_until: date | None
    limit: int
    source: str


# Child Welfare Act 13 b §: clients per responsible social worker.
CASELOAD_RULES: tuple[CaseloadRule, ...] = (
    CaseloadRule(date(2022, 1, 1), date(2024, 1, 1), 35, "Lastensuojelulaki 13 b § (2022–2023)"),
    CaseloadRule(date(2024, 1, 1), None, 30, "Lastensuojelulaki 13 b §"),
)
CASELOAD_WARNING_DEFAULT = 25


class CaseloadState(enum.StrEnum):
    OK = "ok"
    WARNING = "warning"
    OVER_LIMIT = "over_limit"


def caseload_limit(day: date) -> int | None:
    for rule in CASELOAD_RULES:
        if rule.in_force_from <= day and (rule.in_force_until is None or day < rule.in_force_until):
            return rule.limit
    return None


def caseload_state(clients: int, day: date, warning_at: int = CASELOAD_WARNING_DEFAULT) -> CaseloadState:
    limit = caseload_limit(day)
    if limit is not None and clients > limit:
        return CaseloadState.OVER_LIMIT
    if clients >= min(warning_at, limit or warning_at):
        return CaseloadState.WARNING
    return CaseloadState.OK


# --------------------------------------------------------------------------- client plan and urgency

CLIENT_PLAN_MAX_AGE = timedelta(days=365)  # 30 §: the plan is reviewed at least yearly


class ClientPlanState(enum.StrEnum):
    MISSING = "missing"
    OUTDATED = "outdated"
    CURRENT = "current"


def client_plan_state(plan_date: date | None, today: date) -> ClientPlanState:
    if plan_date is None:
        return ClientPlanState.MISSING
    if today - plan_date > CLIENT_PLAN_MAX_AGE:
        return ClientPlanState.OUTDATED
    return ClientPlanState.CURRENT


URGENCY_BANDS = (1, 2, 3)  # 1 acute, 2 high, 3 standard
HOUSING_LACK_BAND = 1  # 35 §: a recorded lack of housing must be met without delay


def minimum_urgency_band(housing_lack_recorded: bool) -> int:
    """The least urgent band an application may have; a recorded lack of housing is acute."""
    return HOUSING_LACK_BAND if housing_lack_recorded else URGENCY_BANDS[-1]


# What makes a case acute or high (the county's published urgency policy, by band).
ACUTE_CARE_ENDS_WITHIN = timedelta(days=14)  # band 1: care ends this soon and there is no home
HIGH_ENDS_WITHIN = timedelta(days=90)  # band 2: care or housing ends this soon
URGENCY_GROUND_BANDS = {
    "no_home": 1, "unsafe_home": 1, "care_ends_no_home": 1,  # acute
    "care_ends_soon": 2, "housing_ends_soon": 2,  # high
}
CARE_ENDS_GROUNDS = {"care_ends_no_home": ACUTE_CARE_ENDS_WITHIN, "care_ends_soon": HIGH_ENDS_WITHIN}
MAX_HOUSEHOLD = 6  # the largest household a supported-housing place is let to


# --------------------------------------------------------------------------- service path

# The aftercare policy's recommendation 3 (no young person falls between services): a referral
# still on its way (planned, referred or started) with nothing recorded for this long is
# flagged on the responsible worker's front page, to find out where it stands.
REFERRAL_NO_PROGRESS_LIMIT = timedelta(days=30)


def referral_stalled_if_progress_on_or_before(today: date) -> date:
    """The latest day of last progress that counts as no progress for the limit (for queries)."""
    return today - REFERRAL_NO_PROGRESS_LIMIT


def referral_stalled(last_progress_on: date, today: date) -> bool:
    """No progress for 30 days: on the 30th day after the last progress, and after it."""
    return last_progress_on <= referral_stalled_if_progress_on_or_before(today)


# --------------------------------------------------------------------------- audit retention

DATA_ACCESS_REPORT_PERIOD = timedelta(days=2 * 365 + 1)  # Act 703/2023 §11: the last 2 years


# --------------------------------------------------------------------------- offers of housing

# A housing offer is an administrative decision (DESIGN.md §3): the young person has a set time
# to answer, and may ask for it to be reviewed (oikaisuvaatimus) before going to court.
OFFER_RESPOND_DAYS_DEFAULT = 7  # the county's policy may set 1–60 days
REVIEW_PERIOD = timedelta(days=30)  # Laki hyvinvointialueesta 611/2021: within 30 days of notification
LETTER_DEEMED_RECEIVED = timedelta(days=7)  # Hallintolaki 434/2003: an ordinary letter, on the 7th day
# The acts the appeal instructions rest on, by number (their names are translated where printed).
REVIEW_ACTS = {"administrative_procedure": "434/2003", "wellbeing_services_counties": "611/2021",
               "child_welfare": "417/2007"}
