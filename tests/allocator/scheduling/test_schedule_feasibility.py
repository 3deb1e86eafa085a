"""Solver output on generated weeks passes the independent checker, and is repeatable."""

from __future__ import annotations

import copy

import pytest

from allocator.scheduling.api import schedule_document
from allocator.scheduling.generate import generate_problem
from tests.allocator.scheduling.schedule_checker import problems_with


@pytest.mark.parametrize(("staff", "residents", "seed"), [(3, 8, 1), (5, 20, 2), (8, 30, 3), (6, 25, 4)])
def test_generated_week_is_feasible_and_consistent(staff: int, residents: int, seed: int) -> None:
    problem = generate_problem(staff, residents, seed=seed)
    result = schedule_document(problem, time_limit=3)
    assert problems_with(problem, result) == []
    assert result["objective"]["scheduled"] > 0


def test_tight_week_minutes_and_one_visit_a_day_still_hold() -> None:
    # Few staff with small weekly minutes and many visits: the rules that span shifts bind.
    problem = generate_problem(4, 30, seed=7)
    for member in problem["staff"]:
        member["max_minutes"] = 240
    result = schedule_document(problem, time_limit=3)
    assert problems_with(problem, result) == []
    assert result["unscheduled"], "the week cannot hold every visit"


def test_same_file_gives_same_result() -> None:
    problem = generate_problem(3, 6, seed=5)
    first = schedule_document(copy.deepcopy(problem))
    second = schedule_document(copy.deepcopy(problem))
    for result in (first, second):
        result["stats"].pop("seconds")
    assert first == second


def test_solomon_shaped_problem_with_matrix_travel() -> None:
    minutes = [[0, 10, 20, 15], [10, 0, 12, 9], [20, 12, 0, 7], [15, 9, 7, 0]]
    problem = {
        "format": "support-schedule/1", "week_start": "2026-12-07",
        "travel": {"mode": "matrix", "minutes": minutes},
        "locations": [{"id": f"L{i}"} for i in range(4)],
        "staff": [{"id": "S1", "skills": [], "base": "L0", "shifts": [{"start": 0, "end": 300}], "max_minutes": None}],
        "visits": [{"id": f"V{i}", "resident": f"R{i}", "location": f"L{i}", "duration": 30, "skill": None,
                    "windows": [{"start": 0, "end": 300}], "key_worker": None} for i in (1, 2, 3)],
    }
    result = schedule_document(problem, time_limit=2)
    assert problems_with(problem, result) == []
    assert result["objective"] == {"scheduled": 3, "with_key_worker": 0, "kept": 0, "travel_minutes": 10 + 12 + 7 + 15}


def test_one_resident_with_two_key_workers_gets_one_visit_a_day() -> None:
    # Each key worker alone would make their visit on Monday morning; together they may not.
    shift = [{"start": 480, "end": 540}]
    problem = {
        "format": "support-schedule/1", "week_start": "2026-12-07",
        "travel": {"mode": "matrix", "minutes": [[0, 0], [0, 0]]},
        "locations": [{"id": "B"}, {"id": "H"}],
        "staff": [{"id": f"S{i}", "skills": [], "base": "B", "shifts": shift, "max_minutes": None} for i in (0, 1)],
        "visits": [{"id": f"V{i}", "resident": "R1", "location": "H", "duration": 10, "skill": None,
                    "windows": [{"start": 430, "end": 490}], "key_worker": f"S{i}"} for i in (0, 1)],
    }
    result = schedule_document(problem, time_limit=2)
    assert problems_with(problem, result) == []
    assert result["objective"]["scheduled"] == 1
