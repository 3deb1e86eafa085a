"""HiGHS as the allocation uses it (the generated fit LP, the admission to rooms).

Built from ``highspy._core._Highs``, the solver without highspy's Python wrapper, which
prints a banner on standard output when it is created (and ``python -m allocator solve``
writes its JSON there). One thread and a fixed seed: the same model always gives the same
answer, so a stored round can be re-run identically (with the same HiGHS version, which
``stats.solver`` names).
"""

from __future__ import annotations

SEED = 20261201


def quiet_highs(**options):
    """A silent, single-threaded, seeded HiGHS that maximises; ``options``: further HiGHS options."""
    from highspy._core import ObjSense, _Highs

    highs = _Highs()
    for option, value in {"output_flag": False, "threads": 1, "random_seed": SEED, **options}.items():
        highs.setOptionValue(option, value)
    highs.changeObjectiveSense(ObjSense.kMaximize)
    return highs
