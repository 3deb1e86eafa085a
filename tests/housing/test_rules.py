"""The law's rules: identity code, aftercare age limit, entitlement, caseload, client plan."""

from datetime import date, timedelta

import pytest

from housing import rules
from housing.rules import IdentityCodeProblem as Problem


@pytest.mark.parametrize("code, born", [
    ("131052-308T", date(1952, 10, 13)),   # the Digital and Population Data Services example
    ("010594Y9021", date(1994, 5, 1)),
    ("020594X903P", date(1994, 5, 2)),
    ("030594W903B", date(1994, 5, 3)),
    ("040594V902Y", date(1994, 5, 4)),
    ("050594U903M", date(1994, 5, 5)),
    ("010516B903X", date(2016, 5, 1)),
    ("020516C903K", date(2016, 5, 2)),
    ("030516D9015", date(2016, 5, 3)),
    ("010501E9032", date(2001, 5, 1)),
    ("020516F903K", date(2016, 5, 2)),
    ("010100A910T", date(2000, 1, 1)),
    ("290200A915U", date(2000, 2, 29)),
    ("010101+9080", date(1801, 1, 1)),
])
def test_valid_codes_of_every_century_sign(code, born):
    parsed = rules.parse_identity_code(code)
    assert parsed.birth_date == born
    assert parsed.code == code


def test_code_is_normalised_and_masked():
    parsed = rules.parse_identity_code("  131052-308t ")
    assert parsed.code == "131052-308T"
    assert parsed.masked == "131052-****"
    assert parsed.sex == "f" and not parsed.temporary
    assert rules.parse_identity_code("010100A910T").temporary


@pytest.mark.parametrize("code, problem", [
    ("131052-308U", Problem.CHECK_CHARACTER),
    ("300200A9XXY", Problem.FORMAT),
    ("131052-308", Problem.FORMAT),
    ("131052G308T", Problem.FORMAT),            # G is no century sign
    ("131052-308TT", Problem.FORMAT),
    ("300201A903E", Problem.DATE),              # 30 February
    ("290201A903X", Problem.DATE),              # 29 February 2001 (not a leap year)
    ("311301A903X", Problem.DATE),              # month 13
    ("000101A903X", Problem.DATE),              # day 0
    ("010101A0018", Problem.INDIVIDUAL_NUMBER), # 001 is never issued
])
def test_invalid_codes_are_refused_with_the_reason(code, problem):
    with pytest.raises(rules.IdentityCodeError) as error:
        rules.parse_identity_code(code)
    assert error.value.problem == problem


def test_birth_date_in_the_future_is_refused():
    with pytest.raises(rules.IdentityCodeError) as error:
        rules.parse_identity_code("010150A903F", today=date(2026, 11, 28))
    assert error.value.problem == Problem.FUTURE


@pytest.mark.parametrize("born, ends, why", [
    (date(2003, 3, 1), date(2026, 3, 1), "23rd birthday under the 2024 rule"),
    (date(2001, 3, 1), date(2024, 3, 1), "22 on 2024-01-01: the new limit of 23 applies"),
    (date(2000, 5, 1), date(2024, 6, 30), "23 on 2024-01-01: transitional rule"),
    (date(1999, 1, 15), date(2024, 6, 30), "24 on 2024-01-01: transitional rule"),
    (date(1999, 1, 1), date(2024, 1, 1), "turned 25 on the day the 2024 rule began"),
    (date(1998, 6, 1), date(2019, 6, 1), "21st birthday under the old rule, before 2020"),
    (date(1998, 12, 31), date(2019, 12, 31), "21 on the last day of the old rule"),
    (date(1999, 1, 2), date(2024, 6, 30), "24 on 2024-01-01 under the limit of 25: transitional rule"),
    (date(2004, 2, 29), date(2027, 2, 28), "born on 29 February"),
])
def test_aftercare_end_follows_the_dated_age_limits(born, ends, why):
    assert rules.aftercare_ends_on(born) == ends, why


def test_age_limit_in_force_is_data():
    assert rules.age_limit_in_force(date(2019, 12, 31)).age_limit == 21
    assert rules.age_limit_in_force(date(2020, 1, 1)).age_limit == 25
    assert rules.age_limit_in_force(date(2026, 11, 28)).age_limit == 23
    new_law = (*rules.AGE_LIMIT_RULES[:-1],
               rules.AgeLimitRule(date(2024, 1, 1), date(2030, 1, 1), 23, "x"),
               rules.AgeLimitRule(date(2030, 1, 1), None, 25, "hypothetical"))
    # The limit rose to 25 before this person turned 23: the new limit applies.
    assert rules.aftercare_ends_on(date(2008, 6, 1), new_law) == date(2033, 6, 1)
    assert rules.aftercare_ends_on(date(2005, 6, 1), new_law) == date(2028, 6, 1)


def test_entitlement_is_mandatory_after_substitute_care_or_long_open_care_placement_alone():
    assert rules.aftercare_entitlement("substitute_care", None, None, True) == rules.Entitlement.MANDATORY
    six_months = ("open_care_placement", date(2025, 1, 31), date(2025, 7, 31), True)
    assert rules.aftercare_entitlement(*six_months) == rules.Entitlement.MANDATORY
    short = ("open_care_placement", date(2025, 1, 31), date(2025, 7, 30), True)
    assert rules.aftercare_entitlement(*short) == rules.Entitlement.DISCRETIONARY
    with_family = ("open_care_placement", date(2024, 1, 1), date(2025, 1, 1), False)
    assert rules.aftercare_entitlement(*with_family) == rules.Entitlement.DISCRETIONARY
    assert rules.aftercare_entitlement("other", None, None, True) == rules.Entitlement.DISCRETIONARY


def test_caseload_limit_is_dated_and_warns_before_it():
    assert rules.caseload_limit(date(2023, 6, 1)) == 35
    assert rules.caseload_limit(date(2026, 11, 28)) == 30
    today = date(2026, 11, 28)
    assert rules.caseload_state(24, today) == rules.CaseloadState.OK
    assert rules.caseload_state(25, today) == rules.CaseloadState.WARNING
    assert rules.caseload_state(30, today) == rules.CaseloadState.WARNING
    assert rules.caseload_state(31, today) == rules.CaseloadState.OVER_LIMIT
    assert rules.caseload_state(31, date(2023, 6, 1)) == rules.CaseloadState.WARNING


def test_client_plan_is_flagged_when_missing_or_over_a_year_old():
    today = date(2026, 11, 28)
    assert rules.client_plan_state(None, today) == rules.ClientPlanState.MISSING
    assert rules.client_plan_state(date(2025, 11, 27), today) == rules.ClientPlanState.OUTDATED
    assert rules.client_plan_state(date(2025, 11, 28), today) == rules.ClientPlanState.CURRENT


def test_recorded_lack_of_housing_makes_the_case_acute():
    assert rules.minimum_urgency_band(True) == 1
    assert rules.minimum_urgency_band(False) == 3


def test_aftercare_ends_on_the_23rd_birthday_itself():
    born = date(2004, 5, 10)
    birthday_23 = date(2027, 5, 10)
    facts = ("substitute_care", date(2015, 1, 1), date(2022, 5, 10), True)
    assert rules.entitlement_on(birthday_23 - timedelta(days=1), born, *facts) == rules.Entitlement.MANDATORY
    assert rules.entitlement_on(birthday_23, born, *facts) == rules.Entitlement.NOT_POSSIBLE
    assert rules.aftercare_available(born, birthday_23 - timedelta(days=1))
    assert not rules.aftercare_available(born, birthday_23)


def test_the_age_limit_does_not_depend_on_when_the_placement_ended():
    """Someone whose care ended in 2023 (limit 25 then) has the 2024 limit of 23 like anyone."""
    born = date(2003, 9, 1)
    ended_2023 = ("substitute_care", date(2012, 1, 1), date(2023, 3, 1), True)
    ended_2024 = ("substitute_care", date(2012, 1, 1), date(2024, 3, 1), True)
    for day in (date(2026, 8, 31), date(2026, 9, 1)):
        assert rules.entitlement_on(day, born, *ended_2023) == rules.entitlement_on(day, born, *ended_2024)
    assert rules.entitlement_on(date(2026, 8, 31), born, *ended_2023) == rules.Entitlement.MANDATORY
    assert rules.entitlement_on(date(2026, 9, 1), born, *ended_2024) == rules.Entitlement.NOT_POSSIBLE
    # Under the rule of 2020–2023 the same person would have kept aftercare until 25.
    assert rules.entitlement_on(date(2023, 12, 31), date(1999, 1, 2), *ended_2023) == rules.Entitlement.MANDATORY


def test_exactly_six_months_of_open_care_alone_is_enough():
    day = date(2026, 1, 1)
    born = date(2006, 1, 1)
    exactly = ("open_care_placement", date(2024, 1, 31), date(2024, 7, 31), True)
    a_day_short = ("open_care_placement", date(2024, 1, 31), date(2024, 7, 30), True)
    month_end = ("open_care_placement", date(2024, 8, 31), date(2025, 2, 28), True)  # no 31 February
    assert rules.entitlement_on(day, born, *exactly) == rules.Entitlement.MANDATORY
    assert rules.entitlement_on(day, born, *a_day_short) == rules.Entitlement.DISCRETIONARY
    assert rules.entitlement_on(day, born, *month_end) == rules.Entitlement.MANDATORY
