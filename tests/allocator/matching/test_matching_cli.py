"""``python -m allocator solve|compare|generate`` as a user runs them: exit codes, output, messages."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from allocator.matching.generate import generate_problem

ROOT = Path(__file__).resolve().parents[3]


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "allocator", *args], cwd=ROOT, input=stdin,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def problem_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "round.json"
    path.write_text(json.dumps(generate_problem(30, 12, seed=5)), encoding="utf-8")
    return path


def test_solve_prints_the_result(problem_file: Path) -> None:
    done = run("solve", str(problem_file))
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["format"] == "housing-allocation-result/1"
    assert len(result["assignments"]) + len(result["unassigned"]) == 30


def test_solve_writes_the_output_file(problem_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "result.json"
    done = run("solve", str(problem_file), "-o", str(out), "--time-limit", "5")
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert json.loads(out.read_text(encoding="utf-8"))["status"] == "OPTIMAL"


def test_solve_reads_standard_input(problem_file: Path) -> None:
    done = run("solve", "-", stdin=problem_file.read_text(encoding="utf-8"))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["status"] == "OPTIMAL"


def test_bad_input_exits_2_with_every_problem_and_no_traceback(tmp_path: Path) -> None:
    document = generate_problem(3, 2, seed=1)
    document["applicants"][0]["band"] = 7
    document["applicants"][2]["locations"][0]["lat"] = "north"
    document["places"][1]["unit"] = "U-nowhere"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    done = run("solve", str(path))
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        'places[1].unit: unknown unit "U-nowhere"',
        "applicants[0].band: must be one of 1, 2, 3",
        "applicants[2].locations[0].lat: expected a number",
    ]


@pytest.mark.parametrize(("content", "message"), [
    ('{"format": "housing-allocation/9"}', 'format: unknown format "housing-allocation/9"'),
    ("[1, 2", "not valid JSON"),
    ("", "not valid JSON"),
])
def test_unreadable_files_exit_2(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "x.json"
    path.write_text(content, encoding="utf-8")
    done = run("solve", str(path))
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_missing_file_and_bad_time_limit_exit_2(problem_file: Path, tmp_path: Path) -> None:
    done = run("solve", str(tmp_path / "nothing.json"))
    assert done.returncode == 2 and "cannot read the file" in done.stderr
    done = run("solve", str(problem_file), "--time-limit", "0")
    assert done.returncode == 2 and "--time-limit: must be a positive number of seconds" in done.stderr


def test_generate_is_repeatable_and_solvable(tmp_path: Path) -> None:
    first = run("generate", "--applicants", "20", "--places", "8", "--seed", "4", "--side-constraints")
    second = run("generate", "--applicants", "20", "--places", "8", "--seed", "4", "--side-constraints")
    assert first.returncode == 0 and first.stdout == second.stdout
    path = tmp_path / "generated.json"
    path.write_text(first.stdout, encoding="utf-8")
    assert run("solve", str(path), "--time-limit", "5").returncode == 0


def test_compare_prints_both_columns(problem_file: Path) -> None:
    done = run("compare", str(problem_file))
    assert done.returncode == 0, done.stderr
    assert "greedy" in done.stdout and "optimal" in done.stdout
    assert "priority inversions" in done.stdout
