"""Why a visit was left out is shown in the reader's language: every reason the solver gives
is one the calendar knows (so a reworded reason in the solver fails here, not on a page)."""

from __future__ import annotations

import pytest

from allocator.scheduling.api import schedule_document
from housing.services.schedule_views import SOLVER_REASONS, reason_text

DAY = 1440


def week(visits: list[dict], staff: list[dict] | None = None) -> dict:
    return {
        "format": "support-schedule/1", "week_start": "2030-01-07",
        "travel": {"mode": "matrix", "minutes": [[0, 5], [5, 0]]},
        "locations": [{"id": "U", "lat": 61.5, "lon": 23.8}, {"id": "H", "lat": 61.5, "lon": 23.8}],
        "staff": staff if staff is not None else [
            {"id": "S1", "skills": [], "base": "U", "shifts": [{"start": 480, "end": 960}], "max_minutes": None}],
        "visits": visits,
    }


def visit(ident: str, resident: str = "R1", duration: int = 60, skill: str | None = None,
          windows: list[tuple[int, int]] = ((480, 960),)) -> dict:
    return {"id": ident, "resident": resident, "location": "H", "duration": duration, "skill": skill,
            "windows": [{"start": s, "end": e} for s, e in windows], "key_worker": None}


CASES = {
    "nobody works": week([visit("V1")], staff=[]),
    "no skill": week([visit("V1", skill="nurse")]),
    "no window meets a shift": week([visit("V1", windows=[(DAY + 480, DAY + 960)])]),
    "minutes full": week([visit("V1")], staff=[
        {"id": "S1", "skills": [], "base": "U", "shifts": [{"start": 480, "end": 960}], "max_minutes": 30}]),
    "resident's day taken": week([visit("V1"), visit("V2")]),
    "no room": week([visit("V1", duration=400), visit("V2", resident="R2", duration=400)]),
}


@pytest.mark.parametrize("case", CASES)
def test_every_reason_of_the_solver_is_translated(case):
    result = schedule_document(CASES[case], time_limit=2)
    assert result["unscheduled"], case
    for left_out in result["unscheduled"]:
        assert reason_text(left_out["reason"]) is not left_out["reason"], left_out["reason"]


def test_an_unknown_reason_is_shown_as_the_solver_gave_it():
    assert reason_text("Something new.") == "Something new."
    assert len(SOLVER_REASONS) == 6
