"""How stage 2 spends its budget depends on what stage 1 proved."""

from __future__ import annotations

import dataclasses

import pytest

from allocator.matching import constrained
from allocator.matching.api import allocate
from allocator.matching.generate import generate_problem
from allocator.matching.priority_proof import PriorityProver
from allocator.matching.reader import read_problem


@pytest.mark.parametrize("proven", [True, False])
def test_the_regions_give_way_to_the_whole_set_once_stage_1_is_proven(monkeypatch, proven: bool) -> None:
    """A proven set can only gain fit, which CP-SAT on the whole set raises more than regions do;
    an unproven one may still gain people from the regions' repairs."""
    prove, best_fit, shares = PriorityProver.run, constrained.Search.best_fit, []

    def run(self, incumbent, share):
        housed, proof = prove(self, incumbent, share)
        return housed, dataclasses.replace(proof, proven=proven)

    def recording_best_fit(self, incumbent, region_share):
        shares.append(region_share)
        return best_fit(self, incumbent, region_share)

    monkeypatch.setattr(PriorityProver, "run", run)
    monkeypatch.setattr(constrained.Search, "best_fit", recording_best_fit)
    allocate(read_problem(generate_problem(150, 60, seed=3, side_constraints=True)), time_limit=2)
    assert shares == [constrained.PROVEN_REGION_SHARE if proven else constrained.REGION_SHARE]
    assert constrained.PROVEN_REGION_SHARE < constrained.REGION_SHARE
