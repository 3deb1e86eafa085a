"""Brute force over all feasible allocations of a tiny problem (FORMATS §1, independently).

Only for a handful of applicants and places: every applicant either stays out or takes a
free eligible place, limits kept; the best allocation by (housed set by priority, total fit).
"""

from __future__ import annotations

from tests.allocator.matching.checker import breaks_limits, eligible_pairs, priority


def optimum(problem: dict) -> tuple[tuple[str, ...], int]:
    """(ids of the housed applicants in priority order, the largest total fit for that set)."""
    pairs = eligible_pairs(problem)
    fit = {key: sum(parts.values()) for key, parts in pairs.items()}
    order = sorted(problem["applicants"], key=priority)
    options = {a["id"]: [p for (x, p) in pairs if x == a["id"]] for a in order}
    best: tuple[tuple[bool, ...], int] | None = None
    best_set: tuple[str, ...] = ()

    def visit(i: int, placed: dict[str, str]) -> None:
        nonlocal best, best_set
        if i == len(order):
            key = (tuple(a["id"] in placed for a in order), sum(fit[(a, p)] for a, p in placed.items()))
            if best is None or key > best:
                best, best_set = key, tuple(a["id"] for a in order if a["id"] in placed)
            return
        applicant = order[i]["id"]
        visit(i + 1, placed)
        taken = set(placed.values())
        for place in options[applicant]:
            if place not in taken:
                placed[applicant] = place
                if not breaks_limits(problem, placed):
                    visit(i + 1, placed)
                del placed[applicant]

    visit(0, {})
    return best_set, best[1] if best else 0


def greedy(problem: dict) -> dict[str, str]:
    """FORMATS' greedy: in priority order, the free eligible place of highest fit that keeps the
    limits; ties by place id."""
    pairs = eligible_pairs(problem)
    placed: dict[str, str] = {}
    for a in sorted(problem["applicants"], key=priority):
        candidates = sorted((-sum(parts.values()), p) for (x, p), parts in pairs.items() if x == a["id"])
        for _, place in candidates:
            if place not in placed.values():
                placed[a["id"]] = place
                if not breaks_limits(problem, placed):
                    break
                del placed[a["id"]]
    return placed
