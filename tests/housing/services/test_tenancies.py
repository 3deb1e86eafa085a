"""No place ever has two tenancies at once: checked in the service on every database."""

from __future__ import annotations

from datetime import date

import pytest

from housing.services import tenancies
from housing.services.errors import RuleViolation
from tests.factories import make_person, make_place, make_unit


@pytest.fixture
def place(app):
    return make_place(make_unit())


def test_back_to_back_tenancies_are_fine(place):
    first = tenancies.start_tenancy(make_person(), place, date(2026, 1, 1), date(2026, 6, 1))
    second = tenancies.start_tenancy(make_person(), place, date(2026, 6, 1))
    assert first.ends == second.move_in


@pytest.mark.parametrize("move_in, planned_out", [
    (date(2026, 5, 31), None),              # starts before the first ends
    (date(2025, 12, 1), date(2026, 1, 2)),  # ends after the first starts
    (date(2025, 1, 1), None),               # open-ended from before
    (date(2026, 2, 1), date(2026, 3, 1)),   # inside
])
def test_overlapping_tenancy_is_refused_with_a_clear_message(place, move_in, planned_out):
    tenancies.start_tenancy(make_person(), place, date(2026, 1, 1), date(2026, 6, 1))
    with pytest.raises(RuleViolation) as refusal:
        tenancies.start_tenancy(make_person(), place, move_in, planned_out)
    assert refusal.value.field == "move_in"


def test_open_ended_tenancy_blocks_every_later_start_until_it_ends(place):
    current = tenancies.start_tenancy(make_person(), place, date(2026, 1, 1))
    with pytest.raises(RuleViolation):
        tenancies.start_tenancy(make_person(), place, date(2030, 1, 1))
    tenancies.end_tenancy(current, date(2026, 9, 1), "Muutti omaan asuntoon")
    assert tenancies.start_tenancy(make_person(), place, date(2026, 9, 1)) is not None


def test_extending_into_the_next_tenancy_is_refused(place):
    first = tenancies.start_tenancy(make_person(), place, date(2026, 1, 1), date(2026, 6, 1))
    tenancies.start_tenancy(make_person(), place, date(2026, 7, 1))
    tenancies.extend_tenancy(first, date(2026, 7, 1))
    with pytest.raises(RuleViolation):
        tenancies.extend_tenancy(first, date(2026, 7, 2))


def test_move_out_must_follow_move_in(place):
    with pytest.raises(RuleViolation):
        tenancies.start_tenancy(make_person(), place, date(2026, 1, 1), date(2026, 1, 1))
