"""Command line: ``python -m allocator solve|schedule|compare|generate|generate-schedule``.

Exit status 0 for a result (also one that houses or schedules nobody), 2 for bad input
(every problem printed on standard error with its path), never a traceback for input.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from allocator.reading import InputError

EXIT_BAD_INPUT = 2


def _write_json(document: dict[str, Any], output: str | None) -> None:
    # Compact: the C encoder (used only without indent) writes a national round's result
    # several times faster; `python -m json.tool` pretty-prints it when a person reads it.
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    if output and output != "-":
        Path(output).write_text(text + "\n", encoding="utf-8")
    else:
        sys.stdout.write(text + "\n")


def _process_started() -> float:
    """``time.perf_counter()`` at this process's start: the time limit bounds the whole run,
    starting Python and importing NumPy included (seconds on a busy machine). Linux reads it
    from /proc; elsewhere the run is counted from here."""
    try:
        ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        age = uptime - ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        age = 0.0
    return time.perf_counter() - min(max(age, 0.0), 60.0)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m allocator", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    for name, what in (("solve", "allocate places (housing-allocation/1)"),
                       ("schedule", "plan a week of support visits (support-schedule/1)")):
        cmd = commands.add_parser(name, help=what)
        cmd.add_argument("problem", help="problem JSON file, or - for standard input")
        cmd.add_argument("-o", "--output", help="write the result here instead of standard output")
        cmd.add_argument("--time-limit", type=float, default=None, help="seconds the solver may use")

    compare = commands.add_parser("compare", help="an allocation round next to the greedy baseline")
    compare.add_argument("problem", help="problem JSON file (housing-allocation/1), or - for standard input")
    compare.add_argument("--time-limit", type=float, default=None, help="seconds the solver may use")

    gen = commands.add_parser("generate", help="write a realistic random allocation problem")
    gen.add_argument("--applicants", type=int, required=True)
    gen.add_argument("--places", type=int, required=True)
    gen.add_argument("--seed", type=int, default=1)
    gen.add_argument("--side-constraints", action="store_true",
                     help="give units support-hour limits and applicants not-with pairs")
    gen.add_argument("-o", "--output")

    gen_s = commands.add_parser("generate-schedule", help="write a realistic random weekly schedule problem")
    gen_s.add_argument("--staff", type=int, required=True)
    gen_s.add_argument("--residents", type=int, required=True)
    gen_s.add_argument("--seed", type=int, default=1)
    gen_s.add_argument("-o", "--output")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "solve":
            from allocator.matching.api import solve_file

            _write_json(solve_file(args.problem, time_limit=args.time_limit, started=_process_started()),
                        args.output)
        elif args.command == "schedule":
            from allocator.scheduling.api import schedule_file

            _write_json(schedule_file(args.problem, time_limit=args.time_limit), args.output)
        elif args.command == "compare":
            from allocator.matching.reader import read_problem_file
            from allocator.matching.report import compare

            print(compare(read_problem_file(args.problem), time_limit=args.time_limit).render())
        elif args.command == "generate":
            from allocator.matching.generate import generate_problem

            _write_json(generate_problem(args.applicants, args.places, seed=args.seed,
                                         side_constraints=args.side_constraints), args.output)
        elif args.command == "generate-schedule":
            from allocator.scheduling.generate import generate_problem as generate_week

            _write_json(generate_week(args.staff, args.residents, seed=args.seed), args.output)
    except InputError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return EXIT_BAD_INPUT
    return 0
