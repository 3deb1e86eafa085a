"""Allocation benchmark: speed without side constraints, quality and time limits with them.

Run by hand from the repository root; every row records the 1-minute load average when it
started (the machine is shared: that is the "busy machine" the time limits must hold on):

    .venv/bin/python benchmarks/allocation.py                 # everything, about 25 minutes
    .venv/bin/python benchmarks/allocation.py --part flow     # the plain rounds, about 1 minute
    .venv/bin/python benchmarks/allocation.py --part side     # 1,000 × 400 with side constraints, 10 seeds
    .venv/bin/python benchmarks/allocation.py --part national # 5,000 × 2,000 with side constraints, 30 s and 60 s
    .venv/bin/python benchmarks/allocation.py --part rerun    # two rounds, each solved twice: same result?
    .venv/bin/python benchmarks/allocation.py --part busy [--busy 5]  # side (30 s) and national (60 s) again beside
                                                              # 5 CPU-bound processes, compared with their results

Rounds are generated once into ``benchmarks/out/`` (``python -m allocator generate``), which
git ignores. The tables are printed and written to ``benchmarks/out/allocation-tables.md``;
the README and ``benchmarks/ALLOCATION.md`` quote that file from one run.

* **flow** (no side constraints, seed 1): median wall clock of ``python -m allocator solve
  FILE -o OUT`` as a subprocess (process start to result written) against a bare OR-Tools
  ``SimpleMinCostFlow`` on the same arcs (the floor); housed per band, optimal and greedy.
* **side** and **national**: ``python -m allocator solve FILE --time-limit S`` once per row,
  next to greedy (FORMATS' greedy, in-process) and to the plain CP-SAT model of
  ``benchmarks/plain_cpsat.py`` given the same S seconds of solving. "by priority" compares
  the housed sets as FORMATS does (the first applicant in priority order housed by one and
  not the other decides): ``=`` same set, ``better`` / ``worse`` for ours.
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

import numpy as np  # noqa: E402

from allocator.matching.eligibility import compute_eligibility  # noqa: E402
from allocator.matching.flow import allocation_arcs  # noqa: E402
from allocator.matching.greedy import greedy_allocation  # noqa: E402
from allocator.matching.reader import read_problem_file  # noqa: E402
from allocator.matching.report import inversions  # noqa: E402
from allocator.matching.side_constraints import find_side_constraints  # noqa: E402


@dataclass(frozen=True)
class Case:
    applicants: int
    places: int
    side_constraints: bool
    seed: int = 1

    @property
    def name(self) -> str:
        side = "-side" if self.side_constraints else ""
        return f"{self.applicants}x{self.places}{side}-seed{self.seed}"

    @property
    def label(self) -> str:
        return f"{self.applicants:,} × {self.places:,}"


FLOW_CASES = (Case(200, 80, False), Case(1500, 600, False), Case(5000, 2000, False))
SIDE_CASES = tuple(Case(1000, 400, True, seed) for seed in range(1, 11))
NATIONAL_CASES = tuple(Case(5000, 2000, True, seed) for seed in (1, 2, 3))


def load() -> float:
    return os.getloadavg()[0]


def generate(case: Case) -> Path:
    path = OUT / f"allocation-{case.name}.json"
    if not path.exists():
        args = ["generate", "--applicants", str(case.applicants), "--places", str(case.places),
                "--seed", str(case.seed)] + (["--side-constraints"] if case.side_constraints else [])
        subprocess.run([sys.executable, "-m", "allocator", *args, "-o", str(path)], cwd=ROOT, check=True)
    return path


def solve(problem: Path, time_limit: float | None, suffix: str = "") -> tuple[float, dict]:
    result_path = problem.with_suffix(f".result{suffix}.json")
    command = [sys.executable, "-m", "allocator", "solve", str(problem), "-o", str(result_path)]
    if time_limit is not None:
        command += ["--time-limit", str(time_limit)]
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True)
    return time.perf_counter() - started, json.loads(result_path.read_text(encoding="utf-8"))


def plain(problem: Path, time_limit: float) -> dict:
    out = problem.with_suffix(f".plain{time_limit:g}.json")
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "plain_cpsat.py"), str(problem),
                    "--time-limit", str(time_limit), "-o", str(out)], cwd=ROOT, check=True)
    return json.loads(out.read_text(encoding="utf-8"))


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


class Round:
    """A generated round read once: greedy, and housed sets compared by priority."""

    def __init__(self, case: Case):
        self.case = case
        self.path = generate(case)
        self.eligibility = compute_eligibility(read_problem_file(self.path))
        self.side = find_side_constraints(self.eligibility)
        self.order = {a.id: i for i, a in enumerate(self.eligibility.problem.applicants)}

    def housed(self, assignments: list[dict]) -> np.ndarray:
        mask = np.zeros(len(self.order), dtype=bool)
        mask[[self.order[entry["applicant"]] for entry in assignments]] = True
        return mask

    def pair_of(self, assignments: list[dict]) -> np.ndarray:
        """A result's allocation as ``pair_of`` (per applicant: its eligible pair, or -1)."""
        places = {p.id: i for i, p in enumerate(self.eligibility.problem.places)}
        starts, pair_of = self.eligibility.starts(), np.full(len(self.order), -1, dtype=np.int64)
        for entry in assignments:
            i, place = self.order[entry["applicant"]], places[entry["place"]]
            pairs = np.arange(starts[i], starts[i + 1])
            pair_of[i] = int(pairs[self.eligibility.pairs.place[pairs] == place][0])
        return pair_of

    def greedy(self) -> tuple[np.ndarray, dict]:
        housed = greedy_allocation(self.eligibility, self.side) >= 0
        band = self.eligibility.columns.band
        return housed, {str(b): int((band[housed] == b).sum()) for b in (1, 2, 3)}


def by_priority(ours: np.ndarray, theirs: np.ndarray) -> str:
    differ = np.flatnonzero(ours != theirs)
    if len(differ) == 0:
        return "="
    return "better" if ours[differ[0]] else "worse"


def flow_row(case: Case, repeat: int) -> dict:
    game = Round(case)
    floor = bare_flow(allocation_arcs(game.eligibility), repeat)
    before = load()
    times = []
    for _ in range(repeat):
        seconds, result = solve(game.path, None)
        times.append(seconds)
    _, greedy_bands = game.greedy()
    return {"round": case.label, "pairs": len(game.eligibility.pairs), "seconds": statistics.median(times),
            "floor": floor, "status": result["status"], "optimal": bands(result["objective"]["housed_by_band"]),
            "greedy": bands(greedy_bands), "load": before}


def side_row(case: Case, time_limit: float) -> dict:
    game = Round(case)
    before = load()
    seconds, result = solve(game.path, time_limit, f"-{time_limit:g}")
    ours = game.housed(result["assignments"])
    greedy_housed, greedy_bands = game.greedy()
    inverted = inversions(game.eligibility, game.side, game.pair_of(result["assignments"]))
    plain_load = load()
    baseline = plain(game.path, time_limit)
    return {
        "round": case.label, "seed": case.seed, "limit": time_limit, "pairs": len(game.eligibility.pairs),
        "seconds": seconds, "load": before, "status": result["status"], "gap": result["stats"]["gap"],
        "stage1": _stage1(result["stats"]["solver"]),
        "clock": "clock" if "safety net" in result["stats"]["solver"] else "budget",
        "units": _units(result["stats"]["solver"]),
        "ours": bands(result["objective"]["housed_by_band"]), "fit": result["objective"]["fit"],
        "greedy": bands(greedy_bands), "vs_greedy": by_priority(ours, greedy_housed),
        "plain": bands(baseline["housed_by_band"]), "plain_status": baseline["status"], "plain_fit": baseline["fit"],
        "vs_plain": by_priority(ours, game.housed(baseline["assignments"])), "plain_load": plain_load,
        "plain_build": baseline["build_seconds"], "solver": result["stats"]["solver"], "inversions": inverted,
    }


def _units(solver: str) -> str:
    """"used of budget" work units, as ``stats.solver`` states them."""
    budget = solver.split(" s = budget ")[1].split(" work units")[0]
    return f"{solver.split(' work units (')[1].split(' used')[0]} of {budget}"


def _stage1(solver: str) -> str:
    """"proven", or "first N" (applicants in priority order the result proves its set best for)."""
    if "stage 1 (who is housed) proven" in solver:
        return "proven"
    return "first " + solver.split("proven best for the first ")[1].split(" of")[0]


def rerun_row(case: Case, time_limit: float) -> dict:
    """Solve the same file with the same limit twice; compare everything but ``stats.seconds``."""
    path = generate(case)
    runs = []
    for suffix in ("-a", "-b"):
        before = load()
        seconds, result = solve(path, time_limit, f"-{time_limit:g}{suffix}")
        seconds_field = result["stats"].pop("seconds")
        runs.append((before, seconds, seconds_field, result))
    return {"round": case.label, "seed": case.seed, "limit": time_limit,
            "walls": [f"{r[1]:.1f} (load {r[0]:.1f})" for r in runs], "identical": runs[0][3] == runs[1][3],
            "status": runs[0][3]["status"], "solver": runs[0][3]["stats"]["solver"]}


def busy_row(case: Case, time_limit: float) -> dict:
    """Solve as :func:`side_row` does (while other processes keep the cores busy) and compare the
    result with the one the ``side`` part wrote for the same round and limit."""
    path = generate(case)
    before = load()
    seconds, result = solve(path, time_limit, f"-{time_limit:g}-busy")
    quiet = path.with_suffix(f".result-{time_limit:g}.json")
    same = "—"
    if quiet.exists():
        earlier = json.loads(quiet.read_text(encoding="utf-8"))
        same = "yes" if earlier["assignments"] == result["assignments"] else "no"
    solver = result["stats"]["solver"]
    return {"round": case.label, "seed": case.seed, "limit": time_limit, "seconds": seconds, "load": before,
            "units": _units(solver), "clock": "clock" if "safety net" in solver else "budget",
            "stage1": _stage1(solver), "gap": result["stats"]["gap"], "same": same}


def busy_table(rows: list[dict], busy: int) -> str:
    lines = [f"The rounds with side constraints again, beside {busy} CPU-bound processes:\n",
             "| round | seed | limit, s | wall, s | load | units used | stopped by | stage 1 | fit gap "
             "| allocation as in the side part |",
             "|---|---:|---:|---:|---:|---:|---|---|---:|---|"]
    for r in rows:
        lines.append(f"| {r['round']} | {r['seed']} | {r['limit']:g} | {r['seconds']:.1f} | {r['load']:.1f} "
                     f"| {r['units']} | {r['clock']} | {r['stage1']} | {100 * r['gap']:.2f} % | {r['same']} |")
    return "\n".join(lines)


def busy_rows(count: int) -> list[dict]:
    """:func:`busy_row` for the side rounds (30 s) and the national ones (60 s) while ``count``
    processes spin on the CPU."""
    spinners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(count)]
    try:
        time.sleep(5)  # let the load average rise
        return [busy_row(case, 30.0) for case in SIDE_CASES] + [busy_row(case, 60.0) for case in NATIONAL_CASES]
    finally:
        for spinner in spinners:
            spinner.kill()
            spinner.wait()


def flow_table(rows: list[dict]) -> str:
    lines = ["| round (applicants × places) | eligible pairs | end to end, s | bare flow, s | ratio | status "
             "| housed by band 1/2/3, optimal | greedy | load |",
             "|---|---:|---:|---:|---:|---|---|---|---:|"]
    for r in rows:
        ratio = r["seconds"] / r["floor"] if r["floor"] > 0.1 else None
        lines.append(f"| {r['round']} | {r['pairs']:,} | {r['seconds']:.2f} | {r['floor']:.3f} | "
                     f"{'—' if ratio is None else f'{ratio:.1f}'} | {r['status']} | {r['optimal']} | {r['greedy']} "
                     f"| {r['load']:.1f} |")
    return "\n".join(lines)


def side_table(rows: list[dict]) -> str:
    lines = ["| round | seed | limit, s | wall, s | load | units used | stopped by | status | stage 1 | fit gap "
             "| housed 1/2/3 | inversions | greedy | by priority vs greedy | plain CP-SAT (status) "
             "| by priority vs plain |",
             "|---|---:|---:|---:|---:|---:|---|---|---|---:|---|---:|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['round']} | {r['seed']} | {r['limit']:g} | {r['seconds']:.1f} | {r['load']:.1f} "
                     f"| {r['units']} | {r['clock']} | {r['status']} | {r['stage1']} | {100 * r['gap']:.2f} % "
                     f"| {r['ours']} "
                     f"| {r['inversions']} | {r['greedy']} "
                     f"| {r['vs_greedy']} | {r['plain']} ({r['plain_status']}) | {r['vs_plain']} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("all", "flow", "side", "national", "rerun", "busy"), default="all")
    parser.add_argument("--busy", type=int, default=5, help="CPU-bound processes beside the busy part's rounds")
    parser.add_argument("--repeat", type=int, default=3, help="runs per flow measurement; the median is shown")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    sections, raw = [], {}
    if args.part in ("all", "flow"):
        raw["flow"] = [flow_row(case, args.repeat) for case in FLOW_CASES]
        sections.append(f"Without side constraints (median of {args.repeat}):\n\n{flow_table(raw['flow'])}")
    if args.part in ("all", "side"):
        raw["side"] = [side_row(case, 30.0) for case in SIDE_CASES]
        sections.append("1,000 × 400 with unit support hours and not-with pairs, 30 s:\n\n" + side_table(raw["side"]))
    if args.part in ("all", "national"):
        raw["national"] = [side_row(case, limit) for limit in (30.0, 60.0) for case in NATIONAL_CASES]
        sections.append("5,000 × 2,000 with unit support hours and not-with pairs:\n\n" + side_table(raw["national"]))
    if args.part in ("all", "rerun"):
        raw["rerun"] = [rerun_row(SIDE_CASES[0], 30.0), rerun_row(NATIONAL_CASES[2], 60.0)]
        sections.append("\n".join(
            f"Re-run: {r['round']} seed {r['seed']}, {r['limit']:g} s, twice: walls {' and '.join(r['walls'])} s; "
            f"results {'identical' if r['identical'] else 'DIFFERENT'} (all but stats.seconds)." for r in raw["rerun"]))
    if args.part in ("all", "busy"):
        raw["busy"] = busy_rows(args.busy)
        sections.append(busy_table(raw["busy"], args.busy))
    import ortools

    footer = (f"OR-Tools {ortools.__version__}, Python {sys.version.split()[0]}, {os.cpu_count()} cores; "
              f"load = 1-minute load average when the row started.")
    text = "\n\n".join(sections + [footer])
    print(text)
    (OUT / f"allocation-tables-{args.part}.md").write_text(text + "\n", encoding="utf-8")
    (OUT / f"allocation-rows-{args.part}.json").write_text(json.dumps(raw, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
