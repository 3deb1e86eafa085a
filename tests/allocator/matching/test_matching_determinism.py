"""Same problem, same result: re-running, and listing units, places and applicants in another order."""

from __future__ import annotations

import copy
import random

import pytest

from allocator.matching.api import solve_document
from allocator.matching.generate import generate_problem


def _solved(document: dict) -> dict:
    result = solve_document(document, time_limit=10)
    result["stats"].pop("seconds")
    return result


@pytest.mark.parametrize("side", [False, True])
def test_same_result_whatever_the_order_of_the_lists(side: bool) -> None:
    document = generate_problem(150, 60, seed=21, side_constraints=side)
    shuffled = copy.deepcopy(document)
    for key in ("units", "places", "applicants"):
        random.Random(key).shuffle(shuffled[key])
    first = _solved(document)
    assert first == _solved(document)
    assert first == _solved(shuffled)
