"""What a whole proof of stage 1 costs on 1,000 × 400 rounds with side constraints (issue 8).

    .venv/bin/python benchmarks/stage1_proof.py [--seeds 1 2 3]

Runs the allocation's stage 1 (:mod:`allocator.matching.priority_proof`) from the same start
as the solver (greedy, and the flow optimum repaired, made stable) with a budget that does not
end, and prints per round: whether the housed set was proven best by priority, how many
applicants were proven, the questions asked and who answered them (a refusal that carries
over, the linear relaxation with its cuts, a chain of moves, a search near the incumbent,
CP-SAT, HiGHS), the work units spent and the wall clock. A 30 s limit gives stage 1 about
3.2 units (55 % of the budget: :data:`allocator.matching.constrained.PRIORITY_SHARE`), which
is what to compare the units with. The rounds are the allocation benchmark's
(``allocator generate --side-constraints``).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from allocator.matching.constrained import Search, flow_pair_of  # noqa: E402
from allocator.matching.eligibility import compute_eligibility  # noqa: E402
from allocator.matching.generate import generate_problem  # noqa: E402
from allocator.matching.greedy import greedy_allocation  # noqa: E402
from allocator.matching.priority_proof import PriorityProver  # noqa: E402
from allocator.matching.reader import read_problem  # noqa: E402
from allocator.matching.side_constraints import find_side_constraints  # noqa: E402
from allocator.matching.work_budget import WorkBudget  # noqa: E402

COLUMNS = ("seed", "proven", "proven for", "questions", "by a refusal", "LP no", "chain yes", "near yes",
           "CP-SAT yes/no/open", "HiGHS yes/no/open", "units", "wall, s")


def prove(seed: int) -> dict:
    eligibility = compute_eligibility(read_problem(generate_problem(1000, 400, seed=seed, side_constraints=True)))
    side = find_side_constraints(eligibility)
    budget = WorkBudget(float("inf"))
    search = Search(eligibility, side, budget)
    started = time.perf_counter()
    incumbent = search.settled(greedy_allocation(eligibility, side))
    incumbent = search.better(search.settled(flow_pair_of(eligibility, budget=budget), keep=True), incumbent)
    prover = PriorityProver(eligibility, side, budget, search.settled)
    _, proof = prover.run(incumbent, 1.0)
    tally = prover.tally

    def answers(solver: str) -> str:
        return "/".join(str(tally.get(f"{solver} {answer}", 0)) for answer in ("yes", "no", "unknown"))

    return {"seed": seed, "proven": "yes" if proof.proven else "no", "proven for": f"{proof.proven_up_to:,}",
            "questions": proof.questions, "by a refusal": tally["refusal no"],
            "LP no": tally["lp no"], "chain yes": tally["chain yes"], "near yes": tally["near yes"],
            "CP-SAT yes/no/open": answers("cp-sat"),
            "HiGHS yes/no/open": answers("highs"),
            "units": f"{budget.spent:.1f}", "wall, s": f"{time.perf_counter() - started:.1f}"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    args = parser.parse_args()
    print("| " + " | ".join(COLUMNS) + " |")
    print("|" + "---|" * len(COLUMNS))
    for seed in args.seeds:
        row = prove(seed)
        print("| " + " | ".join(str(row[column]) for column in COLUMNS) + " |", flush=True)


if __name__ == "__main__":
    main()
