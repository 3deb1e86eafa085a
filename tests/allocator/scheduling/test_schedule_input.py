"""Bad input: every problem named by its path (golden messages), exit status 2 from the CLI."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from allocator.cli import main
from allocator.reading import InputError
from allocator.scheduling.reader import read_document

GOOD = {
    "format": "support-schedule/1",
    "week_start": "2026-12-07",
    "travel": {"mode": "geo", "speed_kmh": 40, "road_factor": 1.3},
    "locations": [{"id": "L1", "lat": 61.4978, "lon": 23.761}, {"id": "L2", "lat": 61.50, "lon": 23.80}],
    "staff": [{"id": "S1", "skills": ["nurse"], "base": "L1", "max_minutes": 1800,
               "shifts": [{"start": 480, "end": 960}, {"start": 1920, "end": 2400}]}],
    "visits": [{"id": "V1", "resident": "R1", "location": "L2", "duration": 60, "skill": None,
                "windows": [{"start": 540, "end": 720}, {"start": 1980, "end": 2160}], "key_worker": "S1"}],
    "previous": [{"visit": "V1", "staff": "S1", "start": 540}],
}


def _problems(change) -> list[str]:
    document = copy.deepcopy(GOOD)
    change(document)
    with pytest.raises(InputError) as caught:
        read_document(document)
    return caught.value.problems


def test_good_document_reads() -> None:
    problem = read_document(GOOD)
    assert problem.travel == ((0, 5), (5, 0))
    assert [v.id for v in problem.visits] == ["V1"]


def test_overlapping_shifts_unknown_ids_and_types_are_all_reported() -> None:
    def change(d: dict) -> None:
        d["staff"][0]["shifts"].append({"start": 900, "end": 1000})
        d["staff"][0]["base"] = "L9"
        d["visits"][0]["location"] = "nowhere"
        d["visits"][0]["duration"] = "60"
        d["visits"][0]["windows"][1]["end"] = 1900
        d["previous"][0]["visit"] = "V7"
        d["locations"][1]["lat"] = 100

    assert _problems(change) == [
        "locations[1].lat: must be at most 90",
        "staff[0].shifts[2]: overlaps staff[0].shifts[0] (480-960): a staff member's shifts must not overlap",
        'staff[0].base: unknown location id "L9"',
        "visits[0].windows[1].end: must be after start (1980)",
        'visits[0].location: unknown location id "nowhere"',
        "visits[0].duration: expected a whole number",
        'previous[0].visit: unknown visit id "V7"',
    ]


def test_matrix_dimensions_and_duplicates() -> None:
    def change(d: dict) -> None:
        d["travel"] = {"mode": "matrix", "minutes": [[0, 5, 7], [5, -1]]}
        d["visits"].append(copy.deepcopy(d["visits"][0]))
        d["staff"][0]["max_minutes"] = -5

    assert _problems(change) == [
        "travel.minutes[0]: expected 2 entries (one per location), found 3",
        "travel.minutes[1][1]: must be at least 0",
        "staff[0].max_minutes: must be at least 0",
        'visits[1].id: duplicate visit id "V1" (first at visits[0])',
    ]


def test_missing_fields_and_unknown_format() -> None:
    def change(d: dict) -> None:
        del d["visits"]
        del d["travel"]["speed_kmh"]

    assert _problems(change) == [
        "travel.speed_kmh: missing",
        "visits: missing",
        'previous[0].visit: unknown visit id "V1"',
    ]
    assert _problems(lambda d: d.update(format="support-schedule/2")) == [
        'format: unknown format "support-schedule/2" (expected "support-schedule/1")',
    ]


def test_week_start_must_be_a_monday(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _problems(lambda d: d.update(week_start="2026-12-08")) == [
        "week_start: must be a Monday (2026-12-08 is a Tuesday)"]
    assert _problems(lambda d: d.update(week_start="2026-13-01")) == [
        "week_start: expected a date (YYYY-MM-DD)"]
    tuesday = tmp_path / "tuesday.json"
    tuesday.write_text(json.dumps({**GOOD, "week_start": "2026-12-13"}), encoding="utf-8")
    assert main(["schedule", str(tuesday)]) == 2
    assert capsys.readouterr().err == "week_start: must be a Monday (2026-12-13 is a Sunday)\n"


def test_cli_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good, bad, out = tmp_path / "good.json", tmp_path / "bad.json", tmp_path / "out.json"
    good.write_text(json.dumps(GOOD), encoding="utf-8")
    bad.write_text(json.dumps({**GOOD, "visits": [{"id": "V1"}]}), encoding="utf-8")
    assert main(["schedule", str(good), "-o", str(out), "--time-limit", "2"]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["objective"]["scheduled"] == 1
    assert main(["schedule", str(bad)]) == 2
    assert "visits[0].resident: missing" in capsys.readouterr().err
    assert main(["schedule", str(tmp_path / "absent.json")]) == 2


def test_generate_schedule_cli_writes_a_readable_problem(tmp_path: Path) -> None:
    out = tmp_path / "week.json"
    assert main(["generate-schedule", "--staff", "6", "--residents", "20", "--seed", "3", "-o", str(out)]) == 0
    problem = read_document(json.loads(out.read_text(encoding="utf-8")))
    assert 20 <= len(problem.visits) <= 60 and len(problem.staff) <= 6
