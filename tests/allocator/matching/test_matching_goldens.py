"""Golden files: hand-made problems with their complete expected results, compared by value.

``golden/rules``: one per eligibility rule (the only place breaks exactly that rule) and a few
edges; ``golden/reasons``: each reason for not being housed and a few allocation cases;
``golden/bad_input``: invalid problems and the exact messages. ``stats.seconds`` is not
compared. After a deliberate change, ``UPDATE_GOLDENS=1 pytest ...`` rewrites the expected
parts; review the diff before committing it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from allocator.matching.api import solve_document
from allocator.reading import InputError
from tests.allocator.matching.checker import check_result

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("UPDATE_GOLDENS") == "1"


def _cases(folder: str) -> list[Path]:
    return sorted((GOLDEN / folder).glob("*.json"))


def _without_seconds(result: dict) -> dict:
    return {**result, "stats": {k: v for k, v in result["stats"].items() if k != "seconds"}}


def _update(path: Path, case: dict, key: str, value) -> None:
    case[key] = value
    path.write_text(json.dumps(case, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


@pytest.mark.parametrize("path", _cases("rules") + _cases("reasons"), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_golden_result(path: Path) -> None:
    case = json.loads(path.read_text(encoding="utf-8"))
    result = _without_seconds(solve_document(case["problem"]))
    assert check_result(case["problem"], result) == []
    if UPDATE:
        _update(path, case, "result", result)
    assert result == case["result"]


@pytest.mark.parametrize("path", _cases("bad_input"), ids=lambda p: p.stem)
def test_golden_bad_input(path: Path) -> None:
    case = json.loads(path.read_text(encoding="utf-8"))
    with pytest.raises(InputError) as caught:
        solve_document(case["problem"])
    if UPDATE:
        _update(path, case, "errors", caught.value.problems)
    assert caught.value.problems == case["errors"]


def test_explain_document_gives_the_result_reasons_and_their_facts() -> None:
    from allocator.matching.api import explain_document

    case = json.loads((GOLDEN / "reasons" / "no_eligible_place_near_misses.json").read_text(encoding="utf-8"))
    explained = explain_document(case["problem"], case["result"])
    assert {k: (e.reason, e.detail) for k, e in explained.items()} == {
        u["applicant"]: (u["reason"], u["detail"]) for u in case["result"]["unassigned"]}
    facts = explained["A1"].facts
    assert facts["places_within_reach"] == 3
    assert facts["failed_rules"] == {"household": 2, "support_level": 1, "language": 1}
    for name in ("constraint_support_hours", "outranked"):
        case = json.loads((GOLDEN / "reasons" / f"{name}.json").read_text(encoding="utf-8"))
        explained = explain_document(case["problem"], case["result"])
        assert [e.reason for e in explained.values()] == [u["reason"] for u in case["result"]["unassigned"]]
