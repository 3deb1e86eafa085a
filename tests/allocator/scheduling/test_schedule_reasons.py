"""Why a visit is left out, in the words a unit manager reads."""

from __future__ import annotations

from allocator.scheduling.api import schedule_document

MONDAY_DAY = [{"start": 480, "end": 960}]


def _problem(visits: list[dict], max_minutes: int | None = None) -> dict:
    return {
        "format": "support-schedule/1", "week_start": "2026-12-07",
        "travel": {"mode": "matrix", "minutes": [[0, 10], [10, 0]]},
        "locations": [{"id": "B"}, {"id": "H"}],
        "staff": [{"id": "S1", "skills": [], "base": "B", "shifts": MONDAY_DAY, "max_minutes": max_minutes}],
        "visits": [{"resident": "R1", "location": "H", "duration": 60, "skill": None, "key_worker": "S1",
                    "windows": MONDAY_DAY, **visit} for visit in visits],
    }


def _reasons(problem: dict) -> dict[str, str]:
    return {u["visit"]: u["reason"] for u in schedule_document(problem, time_limit=2)["unscheduled"]}


def test_no_one_has_the_skill() -> None:
    assert _reasons(_problem([{"id": "V1", "skill": "nurse"}])) == {
        "V1": "No staff member working this week has the skill “nurse”."}


def test_no_staff_at_all() -> None:
    assert _reasons({**_problem([{"id": "V1"}]), "staff": []}) == {"V1": "No staff member is working this week."}


def test_no_window_meets_a_shift() -> None:
    assert _reasons(_problem([{"id": "V1", "windows": [{"start": 1920, "end": 2400}]}])) == {
        "V1": "None of the visit's time windows fits inside a shift of a staff member who has the skill "
              "(counting the travel from their base and back)."}


def test_week_minutes_full() -> None:
    reasons = _reasons(_problem([{"id": "V1"}, {"id": "V2", "resident": "R2"}], max_minutes=90))
    assert list(reasons.values()) == [
        "The week's minutes are full: no one who could make it (S1) has 60 minutes left this week."]


def test_resident_already_visited_that_day() -> None:
    reasons = _reasons(_problem([{"id": "V1"}, {"id": "V2"}]))
    assert list(reasons.values()) == ["The resident already has a visit on each day this one could be made (Monday)."]


def test_could_not_fit_with_the_others() -> None:
    tight = [{"start": 600, "end": 660}]
    reasons = _reasons(_problem([{"id": "V1", "windows": tight}, {"id": "V2", "resident": "R2", "windows": tight}]))
    assert list(reasons.values()) == [
        "Could not fit with the other visits: the shifts where it could go are already full at those times."]
