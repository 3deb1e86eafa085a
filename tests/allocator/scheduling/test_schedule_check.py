"""The package's final check refuses a schedule that breaks any rule, and the entry point never
returns one."""

from __future__ import annotations

import pytest

from allocator.scheduling import api
from allocator.scheduling.check import BrokenRule, objective, refuse_broken, violations
from allocator.scheduling.problem import Assignment, Objective
from allocator.scheduling.reader import read_document
from allocator.scheduling.solver import SolverOutcome

WEEK = {
    "format": "support-schedule/1", "week_start": "2026-12-07",
    "travel": {"mode": "matrix", "minutes": [[0, 10, 10], [10, 0, 5], [10, 5, 0]]},
    "locations": [{"id": "B"}, {"id": "H1"}, {"id": "H2"}],
    "staff": [{"id": "S1", "skills": ["nurse"], "base": "B", "max_minutes": 120,
               "shifts": [{"start": 480, "end": 720}, {"start": 1920, "end": 2160}]},
              {"id": "S2", "skills": [], "base": "B", "max_minutes": None, "shifts": [{"start": 480, "end": 720}]}],
    "visits": [
        {"id": "V1", "resident": "R1", "location": "H1", "duration": 60, "skill": "nurse", "key_worker": "S1",
         "windows": [{"start": 480, "end": 720}, {"start": 1920, "end": 2160}]},
        {"id": "V2", "resident": "R1", "location": "H1", "duration": 60, "skill": None, "key_worker": "S1",
         "windows": [{"start": 480, "end": 720}, {"start": 1920, "end": 2160}]},
        {"id": "V3", "resident": "R2", "location": "H2", "duration": 60, "skill": None, "key_worker": "S2",
         "windows": [{"start": 480, "end": 720}]},
    ],
    "previous": [{"visit": "V3", "staff": "S2", "start": 600}],
}
PROBLEM = read_document(WEEK)
S1, S2 = 0, 1
V1, V2, V3 = 0, 1, 2


def test_a_feasible_schedule_passes_and_its_objective_is_counted() -> None:
    good = [Assignment(V1, S1, 490), Assignment(V2, S1, 1930), Assignment(V3, S2, 600)]
    assert violations(PROBLEM, good) == []
    assert objective(PROBLEM, good) == Objective(3, 3, 1, 20 + 20 + 20)
    refuse_broken(PROBLEM, good, Objective(3, 3, 1, 60))


@pytest.mark.parametrize(("assignments", "message"), [
    ([Assignment(V1, S2, 500)], "visit V1: S2 lacks the skill nurse"),
    ([Assignment(V3, S2, 670)], "visit V3: start 670 is not inside one of its windows"),
    ([Assignment(V2, S1, 1000)], "visit V2: start 1000 is not inside one of its windows"),
    ([Assignment(V2, S2, 1930)], "visit V2: not inside a shift of S2"),
    ([Assignment(V3, S2, 485)], "visit V3: S2 cannot be there by 485 (free at 480, 10 minutes away)"),
    ([Assignment(V3, S2, 655)], "S2: back at base at 725, after the shift ends at 720"),
    ([Assignment(V1, S1, 500), Assignment(V3, S1, 540)],
     "visit V3: S1 cannot be there by 540 (free at 560, 5 minutes away)"),
    ([Assignment(V1, S1, 490), Assignment(V2, S2, 600)], "resident R1: 2 visits on day 0 (V1, V2)"),
    ([Assignment(V1, S1, 490), Assignment(V3, S1, 560), Assignment(V2, S1, 1930)],
     "S1: 180 visit minutes, more than max_minutes 120"),
    ([Assignment(V3, S2, 600), Assignment(V3, S2, 600)], "visit V3 is scheduled twice"),
])
def test_every_rule_is_checked(assignments: list[Assignment], message: str) -> None:
    assert message in violations(PROBLEM, assignments)
    with pytest.raises(BrokenRule):
        refuse_broken(PROBLEM, assignments, objective(PROBLEM, assignments))


def test_a_wrong_objective_is_refused() -> None:
    good = [Assignment(V3, S2, 600)]
    with pytest.raises(BrokenRule, match="is not what the assignments give"):
        refuse_broken(PROBLEM, good, Objective(1, 1, 0, 20))


def test_the_entry_point_refuses_what_the_solver_gets_wrong(monkeypatch: pytest.MonkeyPatch) -> None:
    # Were the solver ever to give a visit to staff without its skill, nothing would be written.
    wrong = [Assignment(V1, S2, 500)]
    monkeypatch.setattr(api, "solve", lambda reach, budget: SolverOutcome(
        wrong, objective(PROBLEM, wrong), 0, 0, False, False))
    with pytest.raises(BrokenRule, match="S2 lacks the skill nurse"):
        api.schedule_document(WEEK)
