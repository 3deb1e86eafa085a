"""Random small weeks, with travel matrices that need not obey the triangle inequality: the
solver's answer always passes the independent checker."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from allocator.scheduling.api import schedule_document
from tests.allocator.scheduling.schedule_checker import problems_with

PLACES = 5


@st.composite
def weeks(draw: st.DrawFn) -> dict:
    minutes = [[0 if i == j else draw(st.integers(0, 40)) for j in range(PLACES)] for i in range(PLACES)]
    staff = [{"id": f"S{s}", "skills": draw(st.lists(st.sampled_from(["a", "b"]), unique=True)), "base": "L0",
              "max_minutes": draw(st.one_of(st.none(), st.integers(30, 300))),
              "shifts": [{"start": day * 1440 + 480, "end": day * 1440 + 480 + draw(st.integers(60, 300))}
                         for day in sorted(draw(st.sets(st.integers(0, 2), min_size=1)))]}
             for s in range(draw(st.integers(1, 3)))]
    visits = []
    for v in range(draw(st.integers(1, 8))):
        start = draw(st.integers(0, 2)) * 1440 + draw(st.integers(420, 700))
        visits.append({"id": f"V{v}", "resident": f"R{draw(st.integers(0, 3))}",
                       "location": f"L{draw(st.integers(1, 4))}", "duration": draw(st.integers(10, 60)),
                       "skill": draw(st.sampled_from([None, None, "a", "b"])),
                       "windows": [{"start": start, "end": start + draw(st.integers(60, 240))}],
                       "key_worker": draw(st.sampled_from([None, "S0", "S1", "S9"]))})
    return {"format": "support-schedule/1", "week_start": "2026-12-07",
            "travel": {"mode": "matrix", "minutes": minutes},
            "locations": [{"id": f"L{i}"} for i in range(PLACES)], "staff": staff, "visits": visits}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(weeks())
def test_random_weeks_pass_the_checker(problem: dict) -> None:
    assert problems_with(problem, schedule_document(problem, time_limit=1)) == []
