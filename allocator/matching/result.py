"""The ``housing-allocation-result/1`` document (FORMATS §1), exactly its documented fields."""

from __future__ import annotations

from typing import Any

import numpy as np

from allocator.matching.eligibility import PART_NAMES, Eligibility
from allocator.matching.explain import Explanation

RESULT_FORMAT = "housing-allocation-result/1"


def assignments(eligibility: Eligibility, pair_of: np.ndarray) -> list[dict[str, Any]]:
    """Housed applicants in priority order, each with place, fit and the fit's parts."""
    problem = eligibility.problem
    housed = np.flatnonzero(pair_of >= 0)
    chosen = pair_of[housed]
    places = eligibility.pairs.place[chosen].tolist()
    fits = eligibility.fit[chosen].tolist()
    parts = eligibility.parts[:, chosen].T.tolist()
    return [
        {"applicant": problem.applicants[i].id, "place": problem.places[p].id, "fit": fit,
         "parts": dict(zip(PART_NAMES, values, strict=True))}
        for i, p, fit, values in zip(housed.tolist(), places, fits, parts, strict=True)
    ]


def objective(eligibility: Eligibility, pair_of: np.ndarray) -> dict[str, Any]:
    housed = pair_of >= 0
    bands = np.bincount(eligibility.columns.band[housed], minlength=4)
    return {"housed_by_band": {str(band): int(bands[band]) for band in (1, 2, 3)},
            "fit": eligibility.total_fit(pair_of)}


def result_document(eligibility: Eligibility, pair_of: np.ndarray, explanations: list[Explanation], *,
                    status: str, gap: float, solver: str, seconds: float) -> dict[str, Any]:
    return {
        "format": RESULT_FORMAT,
        "status": status,
        "assignments": assignments(eligibility, pair_of),
        "unassigned": [{"applicant": e.applicant, "reason": e.reason, "detail": e.detail} for e in explanations],
        "objective": objective(eligibility, pair_of),
        "stats": {"seconds": round(seconds, 3), "eligible_pairs": len(eligibility.pairs), "solver": solver,
                  "gap": float(gap)},
    }
