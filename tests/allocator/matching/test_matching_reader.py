"""The reader: the quick path for large files agrees with the careful path; odd but valid input."""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from allocator.matching import reader
from allocator.matching.generate import generate_problem
from allocator.matching.reader import read_problem, read_problem_file
from allocator.reading import InputError
from tests.allocator.matching.tiny import problems

JUNK = [None, -1, 0, 1, 1.5, 10**12, float("nan"), float("inf"), "x", "", "2026-01-01", True, False, [], ["a"],
        {}, {"lat": 1}, 5, 0.99]
APPLICANT_FIELDS = ["id", "band", "need_since", "tiebreak", "age", "gender", "language", "household",
                    "needs_accessible", "support_level", "support_hours", "needs", "locations",
                    "max_distance_km", "not_with"]
PLACE_FIELDS = ["id", "unit", "lat", "lon", "max_household", "accessible"]


def _careful(document: dict, monkeypatch: pytest.MonkeyPatch):
    with monkeypatch.context() as patch:
        patch.setattr(reader, "_quick_applicant", lambda raw: None)
        patch.setattr(reader, "_quick_place", lambda raw, unit_paths: None)
        return _outcome(document)


def _outcome(document: dict):
    try:
        return read_problem(copy.deepcopy(document))
    except InputError as error:
        return error.problems


@settings(max_examples=200, derandomize=True, deadline=None)
@given(problems(side_constraints=True), st.data())
def test_quick_and_careful_paths_agree(problem: dict, data: st.DataObject) -> None:
    monkeypatch = pytest.MonkeyPatch()
    kind = data.draw(st.sampled_from(["applicant", "place", "wish", "none"]))
    if kind == "applicant":
        target = data.draw(st.sampled_from(problem["applicants"]))
        target[data.draw(st.sampled_from(APPLICANT_FIELDS))] = data.draw(st.sampled_from(JUNK))
    elif kind == "place":
        target = data.draw(st.sampled_from(problem["places"]))
        target[data.draw(st.sampled_from(PLACE_FIELDS))] = data.draw(st.sampled_from(JUNK))
    elif kind == "wish":
        wish = data.draw(st.sampled_from(problem["applicants"]))["locations"][0]
        wish[data.draw(st.sampled_from(["lat", "lon"]))] = data.draw(st.sampled_from(JUNK))
    assert _outcome(problem) == _careful(problem, monkeypatch)


def test_generated_round_reads_the_same_both_ways(monkeypatch: pytest.MonkeyPatch) -> None:
    document = generate_problem(300, 120, seed=3, side_constraints=True)
    assert _outcome(document) == _careful(document, monkeypatch)


def test_applicants_in_priority_order_units_and_places_by_id() -> None:
    document = generate_problem(40, 15, seed=2)
    problem = read_problem(document)
    assert [a.priority for a in problem.applicants] == sorted(a.priority for a in problem.applicants)
    assert [p.id for p in problem.places] == sorted(p.id for p in problem.places)
    assert [u.id for u in problem.units] == sorted(u.id for u in problem.units)


def test_sets_ignore_duplicates_and_not_with_is_symmetric() -> None:
    document = generate_problem(3, 2, seed=1)
    first, second = document["applicants"][0], document["applicants"][1]
    first["needs"] = ["mental_health", "mental_health"]
    first["not_with"] = [second["id"], "SOMEONE_GONE", first["id"]]
    problem = read_problem(document)
    mine = next(a for a in problem.applicants if a.id == first["id"])
    assert mine.needs == frozenset({"mental_health"})
    pairs = problem.not_with_pairs()
    ids = {frozenset((problem.applicants[i].id, problem.applicants[j].id)) for i, j in pairs}
    assert ids == {frozenset((first["id"], second["id"]))}


def test_absurd_policy_weights_are_refused() -> None:
    document = generate_problem(3, 2, seed=1)
    document["policy"]["w_km"] = 10**15
    with pytest.raises(InputError) as caught:
        read_problem(document)
    assert caught.value.problems[0].startswith("policy: weights too large")


def test_file_problems(tmp_path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "housing-allocation/1",', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_problem_file(broken)
    assert "not valid JSON at line 1" in caught.value.problems[0]
    with pytest.raises(InputError) as caught:
        read_problem_file(tmp_path / "absent.json")
    assert "cannot read the file" in caught.value.problems[0]
    latin = tmp_path / "latin.json"
    latin.write_bytes(json.dumps({"format": "housing-allocation/1"}).encode() + b"\xe4")
    with pytest.raises(InputError) as caught:
        read_problem_file(latin)
    assert "not UTF-8" in caught.value.problems[0]
