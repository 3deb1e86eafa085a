"""Stage 1 with side constraints: proving who is housed, applicant by applicant.

Leaving someone out never breaks a unit limit, so the housable sets are closed under
removal, and the best set by priority is the one built greedily with an exact oracle: in
priority order, take each applicant who can be housed together with everyone taken before.
Asking the oracle for every applicant would be far too slow; three things make it cheap.

* **A bound.** The flow relaxation (support hours replaced by a cap on the number of
  residents per unit, :meth:`SideConstraints.resident_limit`) keeps the decisions made so far
  and houses the best set *it* can; it is at least as good as any real allocation. Where the
  incumbent houses the same applicants, nothing needs asking. At the first applicant it
  houses and the incumbent does not, the oracle is asked. A "yes" leaves the bound as it
  is (it already houses them); only a "no" needs a new flow.
* **Refusals that carry over.** Once an applicant is refused, anyone later who is eligible
  only for places the refused one is eligible for, needs at least as many hours, and must not
  meet everyone the refused one must not meet there, is refused too: they could replace them
  in any allocation. The decided set only grows, so the refusal stays valid. (On 1,000 × 400
  rounds this answered 28–60 % of the questions: ``benchmarks/stage1_proof.py``.)
* **A small exact model.** The oracle is :class:`allocator.matching.housing_question.HousingQuestions`:
  who lives in which unit, places left to Hall's theorem, asked of CP-SAT and then HiGHS.

A question that cannot be answered within its limit (or a budget that ends) leaves stage 1
unproven from that applicant on: the result then keeps the incumbent (never worse than greedy)
and says up to which applicant, in priority order, the housed set is proven best.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from allocator.matching.eligibility import Eligibility
from allocator.matching.flow import solve_allocation
from allocator.matching.housing_question import NO, UNKNOWN, YES, HousingQuestions
from allocator.matching.side_constraints import SideConstraints
from allocator.matching.work_budget import FLOW_UNITS_PER_ARC, WorkBudget


@dataclass(frozen=True)
class PriorityProof:
    proven: bool
    proven_up_to: int  # applicants (priority order) before this index are decided with proof
    questions: int
    cut: str | None  # None, "budget", "clock" or "unanswered"


class PriorityProver:
    """Runs the proof of the module docstring from an incumbent (made stable by ``settle``)."""

    def __init__(self, eligibility: Eligibility, side: SideConstraints, budget: WorkBudget, settle):
        self.eligibility, self.side, self.budget, self.settle = eligibility, side, budget, settle
        self.applicants = len(eligibility.problem.applicants)
        self.unit_limit = side.resident_limit(eligibility)
        self.refusals = Refusals(eligibility, side)

    @cached_property
    def questions(self) -> HousingQuestions:
        """Built when the first question is asked (a round whose budget ends before needs none)."""
        return HousingQuestions(self.eligibility, self.side, self.budget)

    @property
    def tally(self) -> Counter[str]:
        """The questions by who answered them ("refusal no", "cp-sat yes", "highs no", ...)."""
        asked = Counter(self.questions.tally) if "questions" in vars(self) else Counter()
        return asked + Counter({"refusal no": self.refusals.answered})

    @property
    def asked_highs(self) -> bool:
        """Did HiGHS answer a question (its version then matters for a re-run)?"""
        return any(key.startswith("highs") for key in self.tally)

    def bound(self, among: np.ndarray) -> np.ndarray:
        """Applicants the flow relaxation houses (best set by priority), only ``among`` allowed."""
        self.budget.charge(int(among[self.eligibility.pairs.applicant].sum()) * FLOW_UNITS_PER_ARC)
        chosen = solve_allocation(self.eligibility, among, self.unit_limit)
        housed = np.zeros(self.applicants, dtype=bool)
        housed[self.eligibility.pairs.applicant[chosen]] = True
        return housed

    def run(self, incumbent: np.ndarray, share: float) -> tuple[np.ndarray, PriorityProof]:
        everyone = np.arange(self.applicants)
        decided_housed = np.zeros(self.applicants, dtype=bool)  # decisions cover applicants before `frontier`
        frontier, questions, proven_up_to = 0, 0, None
        bound = self.bound(np.ones(self.applicants, dtype=bool))
        while True:
            differ = np.flatnonzero(bound & (incumbent < 0) & (everyone >= frontier))
            if len(differ) == 0:
                done = proven_up_to is None
                return incumbent, PriorityProof(done, self.applicants if done else proven_up_to, questions, None
                                                if done else "unanswered")
            first = int(differ[0])
            decided_housed[frontier:first] = incumbent[frontier:first] >= 0
            if self.budget.exhausted(share):
                return incumbent, PriorityProof(False, first if proven_up_to is None else proven_up_to, questions,
                                                self.budget.cut.get(self.budget.stage, "budget"))
            questions += 1
            answer, solved = self.ask(decided_housed, first, incumbent, self.budget.left(share))
            if answer == YES:
                incumbent = self.settle(solved, after=first + 1)
                now = incumbent[: first + 1] >= 0
                # The repair may house someone left out after an unanswered question: decide as it has it.
                changed = np.any(now[:first] != decided_housed[:first])
                decided_housed[: first + 1] = now
                if changed:
                    bound = self.bound(decided_housed | (everyone > first))
            else:
                if answer == UNKNOWN and proven_up_to is None:
                    proven_up_to = first
                decided_housed[first] = False
                bound = self.bound(decided_housed | (everyone > first))
            frontier = first + 1

    # -- one question -------------------------------------------------------------------------

    def ask(self, decided_housed: np.ndarray, applicant: int, incumbent: np.ndarray, units: float):
        """("yes", allocation) / ("no", None) / ("unknown", None) for ``applicant`` joining those
        decided, spending at most about ``units``."""
        if self.refusals.cover(applicant):
            self.refusals.answered += 1
            return NO, None
        members = decided_housed.copy()
        members[applicant] = True
        answer, solved = self.questions.ask(members, incumbent, units)
        if answer == NO:
            self.refusals.add(applicant)
        return answer, solved


class Refusals:
    """Applicants refused so far, and who they answer for (see the module docstring)."""

    def __init__(self, eligibility: Eligibility, side: SideConstraints):
        starts = eligibility.starts()
        places = eligibility.pairs.place
        self.places = [frozenset(places[starts[i]:starts[i + 1]].tolist())
                       for i in range(len(eligibility.problem.applicants))]
        self.units_of = [frozenset(eligibility.unit[starts[i]:starts[i + 1]].tolist())
                         for i in range(len(eligibility.problem.applicants))]
        self.need = side.need
        self.partners = side.partners()
        self.refused: list[int] = []
        self.answered = 0  # questions answered by a refusal

    def add(self, applicant: int) -> None:
        self.refused.append(applicant)

    def cover(self, applicant: int) -> bool:
        return any(self._answers_for(refused, applicant) for refused in self.refused)

    def _answers_for(self, refused: int, applicant: int) -> bool:
        if self.need[applicant] < self.need[refused] or not self.places[applicant] <= self.places[refused]:
            return False
        theirs = self.partners.get(applicant, {})
        return all(others <= theirs.get(unit, set()) for unit, others in self.partners.get(refused, {}).items()
                   if unit in self.units_of[applicant])
