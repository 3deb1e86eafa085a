"""The generator: repeatable, valid, realistic enough; its rounds solve to checked results."""

from __future__ import annotations

from allocator.data import load_municipalities
from allocator.matching.api import solve_document
from allocator.matching.generate import generate_problem
from allocator.matching.reader import read_problem
from tests.allocator.matching.checker import check_result


def test_same_seed_same_problem_other_seed_other_problem() -> None:
    assert generate_problem(50, 20, seed=7) == generate_problem(50, 20, seed=7)
    assert generate_problem(50, 20, seed=7) != generate_problem(50, 20, seed=8)


def test_sizes_validity_and_places_in_finland() -> None:
    document = generate_problem(120, 50, seed=2)
    problem = read_problem(document)
    assert len(problem.applicants) == 120 and len(problem.places) == 50
    assert all(59.5 < p.lat < 70.2 and 19.0 < p.lon < 31.7 for p in problem.places)
    assert all(1 <= len(a.locations) <= 5 for a in problem.applicants)
    assert {a.band for a in problem.applicants} == {1, 2, 3}
    assert all(u.support_hours is None for u in problem.units)
    assert not any(a.not_with for a in problem.applicants)


def test_side_constraints_add_hour_limits_and_not_with_pairs() -> None:
    problem = read_problem(generate_problem(300, 100, seed=1, side_constraints=True))
    assert any(u.support_hours is not None for u in problem.units)
    assert problem.not_with_pairs()
    assert problem.resident_conflicts()


def test_the_municipality_table_is_complete() -> None:
    municipalities = load_municipalities()
    assert len(municipalities) == 309
    assert max(municipalities, key=lambda m: m.population).name == "Helsinki"


def test_generated_rounds_pass_the_checker() -> None:
    for side in (False, True):
        document = generate_problem(80, 30, seed=11, side_constraints=side)
        result = solve_document(document, time_limit=10)
        assert check_result(document, result) == []
        assert result["assignments"]


def test_rounds_without_places_or_applicants() -> None:
    result = solve_document(generate_problem(3, 0, seed=1))
    assert [u["detail"] for u in result["unassigned"]] == ["There are no places in this round."] * 3
    assert solve_document(generate_problem(0, 5, seed=1))["assignments"] == []
