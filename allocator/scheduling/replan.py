"""Re-planning in mid-week: the problem that lies ahead after an absence.

Given the week's problem, its published result, the minute from which to re-plan and the
staff who are away from then on, build the problem the format asks for: past visits and
shifts left out, windows cut at that minute, the absent staff removed, and the published
assignments that lie ahead passed as ``previous`` (so they stay where they can). A shift
under way at that minute is kept whole: its visits ahead keep the times they were published
with, which a shift cut short (a round trip from base starting at the cut) could not.
"""

from __future__ import annotations

import copy
from typing import Any


def _ahead(intervals: list[dict[str, int]], cut: int, shortest: int = 1) -> list[dict[str, int]]:
    """The parts of ``intervals`` from ``cut`` on that are at least ``shortest`` minutes long."""
    kept = []
    for interval in intervals:
        start = max(interval["start"], cut)
        if interval["end"] - start >= shortest:
            kept.append({"start": start, "end": interval["end"]})
    return kept


def problem_ahead(problem: dict[str, Any], result: dict[str, Any], cut: int,
                  absent: set[str]) -> dict[str, Any]:
    done = {a["visit"] for a in result["assignments"] if a["start"] < cut}
    ahead = copy.deepcopy(problem)
    ahead["staff"] = [{**member, "shifts": [s for s in member["shifts"] if s["end"] > cut]}
                      for member in ahead["staff"] if member["id"] not in absent]
    ahead["staff"] = [member for member in ahead["staff"] if member["shifts"]]
    ahead["visits"] = [{**visit, "windows": _ahead(visit["windows"], cut, visit["duration"])}
                       for visit in ahead["visits"] if visit["id"] not in done]
    ahead["previous"] = [dict(a) for a in result["assignments"] if a["start"] >= cut and a["staff"] not in absent]
    return ahead
