"""How far a result's fit is from bounds on the best fit of its housed set (issue 8).

    .venv/bin/python benchmarks/fit_bounds.py PROBLEM.json RESULT.json [--seconds 20] [--deterministic 8]

Prints the result's fit; the LP bound the solver reports its gap against
(:func:`allocator.matching.fit_lp.solve_fit_lp`); HiGHS's MIP over every eligible pair of the
housed set (one thread, its cuts and search for ``--seconds``) with its proven bound and best
allocation; and CP-SAT over the same pairs (:class:`allocator.matching.pair_model.PairModel`,
one worker, hinted with the result, ``--deterministic`` seconds) with its bound and best. A
bound below the LP's shows how much of a gap is the LP's weakness rather than the allocation's.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from allocator.matching.eligibility import compute_eligibility  # noqa: E402
from allocator.matching.fit_lp import grouped, solve_fit_lp  # noqa: E402
from allocator.matching.highs import quiet_highs  # noqa: E402
from allocator.matching.pair_model import PairModel  # noqa: E402
from allocator.matching.reader import read_problem_file  # noqa: E402
from allocator.matching.side_constraints import find_side_constraints  # noqa: E402
from allocator.matching.work_budget import WorkBudget  # noqa: E402


def result_pair_of(eligibility, result: dict) -> np.ndarray:
    applicant = {a.id: i for i, a in enumerate(eligibility.problem.applicants)}
    place = {p.id: k for k, p in enumerate(eligibility.problem.places)}
    pairs = zip(eligibility.pairs.applicant.tolist(), eligibility.pairs.place.tolist(), strict=True)
    pair = {key: k for k, key in enumerate(pairs)}
    pair_of = np.full(len(applicant), -1, dtype=np.int64)
    for row in result["assignments"]:
        i = applicant[row["applicant"]]
        pair_of[i] = pair[i, place[row["place"]]]
    return pair_of


def highs_bound(eligibility, side, housed: np.ndarray, seconds: float) -> tuple[float, float]:
    """(proven bound, best fit found) of HiGHS's MIP over the housed set's pairs."""
    from highspy._core import HighsVarType

    pairs = np.flatnonzero(housed[eligibility.pairs.applicant])
    owner, place, unit = eligibility.pairs.applicant[pairs], eligibility.pairs.place[pairs], eligibility.unit[pairs]
    rows: list[tuple[np.ndarray, np.ndarray, float, float]] = []
    rows += [(group, np.ones(len(group)), 1.0, 1.0) for _, group in grouped(owner)]
    rows += [(group, np.ones(len(group)), -np.inf, 1.0) for _, group in grouped(place) if len(group) > 1]
    for u, group in grouped(unit):
        if u in set(side.hours.tolist()):
            rows.append((group, side.need[owner[group]].astype(float), -np.inf, float(side.capacity[u])))
    for i, j, units in side.meetings:
        for u in units:
            both = np.flatnonzero((unit == u) & ((owner == i) | (owner == j)))
            if housed[i] and housed[j] and len(both) > 1:
                rows.append((both, np.ones(len(both)), -np.inf, 1.0))
    highs = quiet_highs(time_limit=seconds)
    count = len(pairs)
    highs.addVars(count, np.zeros(count), np.ones(count))
    every = np.arange(count, dtype=np.int32)
    highs.changeColsCost(count, every, eligibility.fit[pairs].astype(np.float64))
    highs.changeColsIntegrality(count, every, np.full(count, HighsVarType.kInteger))
    sizes = np.array([len(r[0]) for r in rows])
    highs.addRows(len(rows), np.array([r[2] for r in rows]), np.array([r[3] for r in rows]), int(sizes.sum()),
                  (np.cumsum(sizes) - sizes).astype(np.int32), np.concatenate([r[0] for r in rows]).astype(np.int32),
                  np.concatenate([r[1] for r in rows]))
    highs.run()
    info = highs.getInfo()
    return info.mip_dual_bound, info.objective_function_value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("problem")
    parser.add_argument("result")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--deterministic", type=float, default=8.0)
    args = parser.parse_args()
    eligibility = compute_eligibility(read_problem_file(args.problem))
    side = find_side_constraints(eligibility)
    pair_of = result_pair_of(eligibility, json.loads(Path(args.result).read_text(encoding="utf-8")))
    housed = pair_of >= 0
    fit = eligibility.total_fit(pair_of)
    lp = solve_fit_lp(eligibility, side, housed, WorkBudget(1e9)).bound
    print(f"fit of the result: {fit:,}; LP bound {lp:,} (gap {(lp - fit) / lp:.2%})")
    started = time.perf_counter()
    bound, best = highs_bound(eligibility, side, housed, args.seconds)
    print(f"HiGHS MIP, {time.perf_counter() - started:.0f} s: bound {bound:,.0f} ({(lp - bound) / lp:.2%} below "
          f"the LP), best {best:,.0f}; the result is {(bound - fit) / bound:.2%} below this bound")
    members = np.flatnonzero(housed).tolist()
    model = PairModel(eligibility, side, members, forced=set(members))
    model.maximize_fit()
    model.hint(pair_of)
    status, found = model.solve(WorkBudget(1e9), args.deterministic)
    if model.bound is not None:
        print(f"CP-SAT, {args.deterministic:g} deterministic s ({status}): bound {model.bound:,.0f} "
              f"({(lp - model.bound) / lp:.2%} below the LP), best {eligibility.total_fit(found):,}")


if __name__ == "__main__":
    main()
