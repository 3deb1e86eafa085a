"""Why PyVRP: OR-Tools routing against this project's solver on Solomon's instances.

    python benchmarks/scheduling_routing.py ../shared/data/solomon [--time-limit 60]

Both solve the same ``support-schedule/1`` documents (Solomon's C101, R101 and RC101 converted
as issue 4 says, staff count fixed): this project's solver (PyVRP's iterated local search)
through ``schedule_document``, and OR-Tools routing set up as ``shared/notes/ortools.md``
recommends (one vehicle per shift, every visit droppable at a penalty larger than any route,
parallel cheapest insertion, guided local search, the same time limit). Every
OR-Tools answer is read back as assignments and passed through the package's final check,
so both columns are feasible schedules counted the same way.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from importlib.metadata import version
from pathlib import Path

from ortools.constraint_solver import pywrapcp, routing_enums_pb2

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from allocator.scheduling.api import schedule_document  # noqa: E402
from allocator.scheduling.check import objective, violations  # noqa: E402
from allocator.scheduling.problem import Assignment, Problem  # noqa: E402
from allocator.scheduling.reader import read_document  # noqa: E402
from allocator.scheduling.solomon import solomon_problem  # noqa: E402

PUBLISHED_BEST = {"C101": (10, 8289.4), "R101": (20, 16428.8), "RC101": (16, 16434.1)}  # distance × 10


def ortools_routing(problem: Problem, time_limit: float) -> list[Assignment]:
    """One vehicle per staff shift, visits droppable; returns the schedule it found."""
    vehicles = [(s, shift) for s, member in enumerate(problem.staff) for shift in member.shifts]
    base = problem.staff[0].base  # Solomon: every staff member starts at the depot
    nodes = [base] + [visit.location for visit in problem.visits]
    manager = pywrapcp.RoutingIndexManager(len(nodes), len(vehicles), 0)
    routing = pywrapcp.RoutingModel(manager)
    travel = [[problem.travel[a][b] for b in nodes] for a in nodes]
    service = [0] + [visit.duration for visit in problem.visits]
    cost = routing.RegisterTransitMatrix(travel)
    routing.SetArcCostEvaluatorOfAllVehicles(cost)
    busy = routing.RegisterTransitMatrix([[service[i] + travel[i][j] for j in range(len(nodes))]
                                          for i in range(len(nodes))])
    horizon = max(shift.end for _, shift in vehicles)
    routing.AddDimension(busy, horizon, horizon, False, "time")
    time_dimension = routing.GetDimensionOrDie("time")
    penalty = sum(map(max, travel)) + 1  # dropping a visit costs more than any route's travel
    for v, visit in enumerate(problem.visits):
        index = manager.NodeToIndex(v + 1)
        window = visit.windows[0]  # Solomon: one window per customer
        time_dimension.CumulVar(index).SetRange(window.start, window.end - visit.duration)
        routing.AddDisjunction([index], penalty)
    for k, (_, shift) in enumerate(vehicles):
        time_dimension.CumulVar(routing.Start(k)).SetRange(shift.start, shift.end)
        time_dimension.CumulVar(routing.End(k)).SetRange(shift.start, shift.end)
    parameters = pywrapcp.DefaultRoutingSearchParameters()
    parameters.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
    parameters.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    parameters.time_limit.FromMilliseconds(int(time_limit * 1000))
    solution = routing.SolveWithParameters(parameters)
    assignments = []
    for k, (s, _) in enumerate(vehicles):
        index = routing.Start(k)
        while solution is not None and not routing.IsEnd(index):
            node = manager.IndexToNode(index)
            if node:
                assignments.append(Assignment(node - 1, s, solution.Min(time_dimension.CumulVar(index))))
            index = solution.Value(routing.NextVar(index))
    return assignments


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("solomon_dir", type=Path)
    parser.add_argument("--time-limit", type=float, default=60.0)
    args = parser.parse_args()
    print(f"PyVRP {version('pyvrp')}, OR-Tools {version('ortools')}; time limit {args.time_limit:g} s each")
    print("| instance | published best | this solver (PyVRP) | seconds | load "
          "| OR-Tools routing, GLS | seconds | load |")
    print("|---|---:|---|---:|---:|---|---:|---:|")
    for name, (staff, best) in PUBLISHED_BEST.items():
        document = solomon_problem(args.solomon_dir / f"{name}.txt", staff)
        problem = read_document(document)
        load, started = os.getloadavg()[0], time.monotonic()
        ours = schedule_document(document, time_limit=args.time_limit)["objective"]
        ours_seconds = time.monotonic() - started
        load_theirs, started = os.getloadavg()[0], time.monotonic()
        found = ortools_routing(problem, args.time_limit)
        theirs_seconds = time.monotonic() - started
        broken = violations(problem, found)
        if broken:
            raise SystemExit(f"OR-Tools' {name} schedule breaks a rule: {broken[:3]}")
        theirs = objective(problem, found)
        print(f"| {name}, {staff} staff | {best:g} | {_cell(ours['travel_minutes'], ours['scheduled'], best)} "
              f"| {ours_seconds:.1f} | {load:.1f} | {_cell(theirs.travel_minutes, theirs.scheduled, best)} "
              f"| {theirs_seconds:.1f} | {load_theirs:.1f} |")


def _cell(travel: int, scheduled: int, best: float) -> str:
    return f"{travel} ({100 * (travel - best) / best:+.2f} %), {scheduled}/100 visits"


if __name__ == "__main__":
    main()
