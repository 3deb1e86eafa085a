"""Re-planning: a published schedule fed back as ``previous`` is kept; an absence changes little."""

from __future__ import annotations

from allocator.scheduling.api import schedule_document
from allocator.scheduling.generate import generate_problem
from allocator.scheduling.replan import problem_ahead
from tests.allocator.scheduling.schedule_checker import problems_with


def _with_previous(problem: dict, result: dict) -> dict:
    return {**problem, "previous": [dict(a) for a in result["assignments"]]}


def test_previous_is_kept_when_nothing_changed() -> None:
    problem = generate_problem(4, 10, seed=11)
    first = schedule_document(problem)  # no time limit: the deterministic budget runs to its end
    again = schedule_document(_with_previous(problem, first))
    assert problems_with(_with_previous(problem, first), again) == []
    assert again["assignments"] == first["assignments"]
    expected = {**first["objective"], "kept": first["objective"]["scheduled"]}
    assert again["objective"] == expected


def test_absence_mid_week_moves_only_the_absent_members_visits() -> None:
    problem = generate_problem(6, 18, seed=12, absences=False)
    first = schedule_document(problem)
    away = first["assignments"][0]["staff"]
    wednesday_noon = 2 * 1440 + 720
    later = problem_ahead(problem, first, wednesday_noon, {away})
    assert all(a["start"] >= wednesday_noon and a["staff"] != away for a in later["previous"])
    again = schedule_document(later)
    assert problems_with(later, again) == []
    assert again["objective"]["kept"] == len(later["previous"])
    assert again["objective"]["scheduled"] >= len(later["previous"])
