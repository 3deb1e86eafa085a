"""Allocation quality: each round of the period next to the greedy method on the same input.

When a round is solved, ``round_analysis.Analysis.comparison`` runs the greedy method (the
one every other system uses: the next place to the highest-priority eligible applicant) on
the round's own problem and stores both sides' housed per band, first wishes and mean
distance with the round. This report reads those stored numbers (a few per round, never the
problem) and counts the coordinator's decisions on the proposals in the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select

from housing.extensions import db
from housing.models import AllocationRound, Proposal, RoundStatus
from housing.services.reports.period import Period

BANDS = ("1", "2", "3")


@dataclass(frozen=True)
class Outcome:
    """One method's result on a round: housed per band, first wishes, mean distance."""

    housed_by_band: dict[str, int]
    housed: int
    first_wishes: int
    mean_km: float | None

    @property
    def first_wish_rate(self) -> float | None:
        return self.first_wishes / self.housed if self.housed else None

    @classmethod
    def of(cls, stored: dict[str, Any]) -> Outcome:
        bands = stored.get("housed_by_band", {})
        return cls({band: int(bands.get(band, 0)) for band in BANDS}, int(stored.get("housed", 0)),
                   int(stored.get("first_wishes", 0)), stored.get("mean_km"))


@dataclass(frozen=True)
class RoundQuality:
    round_id: int
    as_of: date
    status: str
    applicants: int
    places: int
    optimal: Outcome
    greedy: Outcome
    decisions: dict[str, int] = field(default_factory=dict)


def allocation_report(county_id: str, period: Period) -> list[RoundQuality]:
    rounds = db.session.execute(
        select(AllocationRound.id, AllocationRound.as_of, AllocationRound.status, AllocationRound.comparison)
        .where(AllocationRound.county_id == county_id, AllocationRound.as_of >= period.first,
               AllocationRound.as_of <= period.last, AllocationRound.comparison.is_not(None),
               AllocationRound.status.in_((RoundStatus.DONE, RoundStatus.CLOSED)))
        .order_by(AllocationRound.as_of, AllocationRound.id)
    ).all()
    decisions: dict[int, dict[str, int]] = {}
    for round_id, decision, count in db.session.execute(
        select(Proposal.round_id, Proposal.decision, func.count())
        .where(Proposal.round_id.in_([r.id for r in rounds]), Proposal.place_id.is_not(None))
        .group_by(Proposal.round_id, Proposal.decision)
    ):
        decisions.setdefault(round_id, {})[str(decision)] = int(count)
    return [RoundQuality(r.id, r.as_of, str(r.status), int(r.comparison.get("applicants", 0)),
                         int(r.comparison.get("places", 0)), Outcome.of(r.comparison["optimal"]),
                         Outcome.of(r.comparison["greedy"]), decisions.get(r.id, {}))
            for r in rounds]
