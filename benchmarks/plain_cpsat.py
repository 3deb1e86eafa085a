"""Baseline: the plain CP-SAT model a practitioner would write for a side-constrained round.

    .venv/bin/python benchmarks/plain_cpsat.py PROBLEM.json --time-limit 30 [-o OUT.json]

One boolean per eligible pair (eligibility and fits exactly as FORMATS §1, computed by the
allocator's own eligibility code, so both see the same pairs); each applicant at most one
place, each place at most one applicant, each unit's support hours, each not-with pair at
most one in a unit. One objective: maximise ``Σ (M · w_a + fit)`` over the chosen pairs, with
``w_a`` strictly decreasing in priority (n for the first applicant, 1 for the last) and
``M`` larger than any difference of total fit: the weights the flow uses, which are exact
without side constraints but, with them, do not guarantee the best set by priority (two
lower-ranked applicants can outweigh one ranked ahead). CP-SAT's default parameters (all
cores, its portfolio of workers), no hint, ``--time-limit`` seconds of solving (building the
model is not counted). Prints (or writes) the status, housed per band, total fit, the
chosen pairs and the seconds.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from allocator.matching.eligibility import compute_eligibility  # noqa: E402
from allocator.matching.flow import applicant_weights, fit_spread  # noqa: E402
from allocator.matching.reader import read_problem_file  # noqa: E402
from allocator.matching.side_constraints import find_side_constraints  # noqa: E402


def solve_plain(path: Path, time_limit: float) -> dict:
    from ortools.sat.python import cp_model

    started = time.perf_counter()
    eligibility = compute_eligibility(read_problem_file(path))
    side = find_side_constraints(eligibility)
    problem, pairs = eligibility.problem, eligibility.pairs
    n = len(problem.applicants)
    model = cp_model.CpModel()
    x = [model.new_bool_var("") for _ in range(len(pairs))]
    for keys in (pairs.applicant, pairs.place):
        order = np.argsort(keys, kind="stable")
        _, first = np.unique(keys[order], return_index=True)
        for members in np.split(order, first[1:]):
            if len(members) > 1:
                model.add_at_most_one([x[k] for k in members.tolist()])
    for unit in np.flatnonzero(side.capacity < 2**62).tolist():
        members = np.flatnonzero(eligibility.unit == unit)
        if len(members):
            need = side.need[pairs.applicant[members]].tolist()
            model.add(cp_model.LinearExpr.weighted_sum([x[k] for k in members.tolist()], need)
                      <= int(side.capacity[unit]))
    for i, j, units in side.meetings:
        for unit in units:
            both = np.flatnonzero(((pairs.applicant == i) | (pairs.applicant == j)) & (eligibility.unit == unit))
            model.add_at_most_one([x[k] for k in both.tolist()])
    weights = applicant_weights(pairs.applicant, n)
    spread = fit_spread(pairs.applicant, eligibility.fit, n)
    coefficients = (spread * weights[pairs.applicant] + eligibility.fit).tolist()
    model.maximize(cp_model.LinearExpr.weighted_sum(x, coefficients))
    built = time.perf_counter()
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    status = solver.status_name(solver.solve(model))
    solved = time.perf_counter()
    chosen = [k for k in range(len(x)) if solver.value(x[k])] if status in ("OPTIMAL", "FEASIBLE") else []
    housed = np.zeros(n, dtype=bool)
    housed[pairs.applicant[chosen]] = True
    bands = np.bincount(eligibility.columns.band[housed], minlength=4)
    return {
        "status": status,
        "housed_by_band": {str(b): int(bands[b]) for b in (1, 2, 3)},
        "fit": int(eligibility.fit[chosen].sum()),
        "assignments": [{"applicant": problem.applicants[int(pairs.applicant[k])].id,
                         "place": problem.places[int(pairs.place[k])].id} for k in chosen],
        "build_seconds": round(built - started, 2),
        "solve_seconds": round(solved - built, 2),
        "workers": solver.parameters.num_workers,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("problem", type=Path)
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("-o", "--output", type=Path)
    args = parser.parse_args()
    text = json.dumps(solve_plain(args.problem, args.time_limit))
    if args.output:
        args.output.write_text(text + "\n", encoding="utf-8")
    else:
        print(text)


if __name__ == "__main__":
    main()
