"""HiGHS as the allocation uses it (stage 1's questions, the fit LP's cut rounds, the generated
fit LP, the admission to rooms).

Built from ``highspy._core._Highs``, the solver without highspy's Python wrapper, which
prints a banner on standard output when it is created (and ``python -m allocator solve``
writes its JSON there). One thread and a fixed seed: the same model always gives the same
answer, so a stored round can be re-run identically (with the same HiGHS version, which
``stats.solver`` names).
"""

from __future__ import annotations

import numpy as np

SEED = 20261201


def quiet_highs(**options):
    """A silent, single-threaded, seeded HiGHS that maximises; ``options``: further HiGHS options."""
    from highspy._core import ObjSense, _Highs

    highs = _Highs()
    for option, value in {"output_flag": False, "threads": 1, "random_seed": SEED, **options}.items():
        highs.setOptionValue(option, value)
    highs.changeObjectiveSense(ObjSense.kMaximize)
    return highs


def add_rows(highs, rows: list[tuple[np.ndarray, np.ndarray, float]], lower: np.ndarray) -> None:
    """Add ``rows`` (columns, coefficients, upper bound) with their ``lower`` bounds to ``highs`` at once."""
    if not rows:
        return
    sizes = np.array([len(columns) for columns, _, _ in rows], dtype=np.int64)
    highs.addRows(len(rows), lower, np.array([float(upper) for _, _, upper in rows]), int(sizes.sum()),
                  (np.cumsum(sizes) - sizes).astype(np.int32),
                  np.concatenate([columns for columns, _, _ in rows]).astype(np.int32),
                  np.concatenate([values for _, values, _ in rows]).astype(np.float64))


def record_stop(highs, budget) -> None:
    """After a run given the safety net's time limit: a run HiGHS ended at that limit is the
    clock's decision (its own timer may stop it a moment before the deadline, which
    :meth:`WorkBudget.exhausted` alone would miss); also records a cut by the budget or the clock."""
    from highspy._core import HighsModelStatus

    if highs.getModelStatus() == HighsModelStatus.kTimeLimit:
        budget.cut_by_clock()
    budget.exhausted()
