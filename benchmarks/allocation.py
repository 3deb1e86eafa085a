"""Allocation benchmark: end-to-end solve time against a bare min-cost flow, optimal vs greedy.

Run by hand from the repository root (the machine should be otherwise idle; the load
average is printed with the table):

    .venv/bin/python benchmarks/allocation.py [--repeat 3] [--only 5000x2000]

For each generated round (``python -m allocator generate``, seed 1): eligible pairs; the
median wall-clock seconds of ``python -m allocator solve FILE -o OUT`` as a subprocess,
process start to result written; the median seconds of a bare OR-Tools
``SimpleMinCostFlow`` (arcs added from NumPy arrays, then ``solve_max_flow_with_min_cost``)
on the same arcs the solver builds (for the side-constrained round: its flow relaxation),
the floor; their ratio; housed per band, optimal (the result file) and greedy.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
sys.path.insert(0, str(ROOT))

from allocator.matching.eligibility import compute_eligibility  # noqa: E402
from allocator.matching.flow import allocation_arcs  # noqa: E402
from allocator.matching.greedy import greedy_allocation  # noqa: E402
from allocator.matching.reader import read_problem_file  # noqa: E402
from allocator.matching.side import find_side_constraints  # noqa: E402


@dataclass(frozen=True)
class Case:
    applicants: int
    places: int
    side_constraints: bool

    @property
    def name(self) -> str:
        return f"{self.applicants}x{self.places}" + ("-side" if self.side_constraints else "")


CASES = (Case(200, 80, False), Case(1500, 600, False), Case(5000, 2000, False), Case(1000, 400, True))


def generate(case: Case) -> Path:
    path = OUT / f"allocation-{case.name}.json"
    if not path.exists():
        args = ["generate", "--applicants", str(case.applicants), "--places", str(case.places), "--seed", "1"]
        args += ["--side-constraints"] if case.side_constraints else []
        subprocess.run([sys.executable, "-m", "allocator", *args, "-o", str(path)], cwd=ROOT, check=True)
    return path


def end_to_end(problem: Path, repeat: int) -> tuple[float, dict]:
    result_path = problem.with_suffix(".result.json")
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "allocator", "solve", str(problem), "-o", str(result_path)],
                       cwd=ROOT, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times), json.loads(result_path.read_text(encoding="utf-8"))


def bare_flow(arcs, repeat: int) -> float:
    from ortools.graph.python import min_cost_flow

    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        network = min_cost_flow.SimpleMinCostFlow()
        network.add_arcs_with_capacity_and_unit_cost(arcs.tails, arcs.heads, arcs.capacities, arcs.costs)
        network.set_node_supply(0, arcs.supply)
        network.set_node_supply(arcs.nodes - 1, -arcs.supply)
        if network.solve_max_flow_with_min_cost() != network.OPTIMAL:
            raise RuntimeError("bare flow not optimal")
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def bands(values: dict) -> str:
    return "/".join(str(values[b]) for b in ("1", "2", "3"))


def measure(case: Case, repeat: int) -> dict:
    path = generate(case)
    eligibility = compute_eligibility(read_problem_file(path))
    floor = bare_flow(allocation_arcs(eligibility), repeat)
    seconds, result = end_to_end(path, repeat)
    greedy = greedy_allocation(eligibility, find_side_constraints(eligibility))
    housed = greedy >= 0
    greedy_bands = {str(b): int((eligibility.columns.band[housed] == b).sum()) for b in (1, 2, 3)}
    return {
        "case": case.name, "pairs": len(eligibility.pairs), "seconds": seconds, "floor": floor,
        "ratio": seconds / floor, "status": result["status"], "gap": result["stats"]["gap"],
        "optimal": bands(result["objective"]["housed_by_band"]), "greedy": bands(greedy_bands),
    }


def table(rows: list[dict]) -> str:
    lines = [
        "| round (applicants × places) | eligible pairs | end to end, s | bare flow, s | ratio | status (gap) "
        "| housed by band 1/2/3, optimal | greedy |",
        "|---|---:|---:|---:|---:|---|---|---|",
    ]
    for r in rows:
        status = r["status"] if r["status"] == "OPTIMAL" else f"{r['status']} ({100 * r['gap']:.2f} %)"
        lines.append(f"| {r['case']} | {r['pairs']:,} | {r['seconds']:.2f} | {r['floor']:.3f} | {r['ratio']:.1f} "
                     f"| {status} | {r['optimal']} | {r['greedy']} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the median is shown")
    parser.add_argument("--only", help="one case, e.g. 5000x2000 or 1000x400-side")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    before = os.getloadavg()
    rows = [measure(case, args.repeat) for case in CASES if args.only in (None, case.name)]
    after = os.getloadavg()
    print(table(rows))
    print(f"\nload average (1, 5, 15 min) before: {before[0]:.2f} {before[1]:.2f} {before[2]:.2f}; "
          f"after: {after[0]:.2f} {after[1]:.2f} {after[2]:.2f}; {os.cpu_count()} cores; median of {args.repeat}")


if __name__ == "__main__":
    main()
