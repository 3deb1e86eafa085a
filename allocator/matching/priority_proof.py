"""Stage 1 with side constraints: proving who is housed, applicant by applicant.

Leaving someone out never breaks a unit limit, so the housable sets are closed under
removal, and the best set by priority is the one built greedily with an exact oracle: in
priority order, take each applicant who can be housed together with everyone taken before.
Asking the exact oracle for every applicant would be far too slow; these make it cheap.

* **A bound.** The flow relaxation (support hours replaced by a cap on the number of
  residents per unit, :meth:`SideConstraints.resident_limit`) keeps the decisions made so far
  and houses the best set *it* can; it is at least as good as any real allocation. Where the
  incumbent houses the same applicants, nothing needs asking. At the first applicant it
  houses and the incumbent does not, a question is asked. A "yes" leaves the bound as it
  is (it already houses them); a "no" changes it by at most one applicant
  (:mod:`allocator.matching.relaxed_bound`, no new flow).
* **Refusals that carry over.** Once an applicant is refused, a later one is refused too if,
  in each unit they could live in, someone refused before is eligible for all their places
  there, needs no more hours, and must not meet anyone there whom they need not avoid too: in
  any allocation housing the later one, that refused one could take their place. The decided
  set only grows, so a refusal stays valid. (The first form of this rule, one refused applicant
  covering every unit, answered 52–277 questions a round on 1,000 × 400; unit by unit 85–352.)
* **Quick answers before the exact model.** The question's linear relaxation with cuts for
  whole people (:mod:`allocator.matching.question_model`) refuses many of the rest in 10–15
  ms each on 1,000 × 400 rounds, a chain of one or two moves
  (:mod:`allocator.matching.ejection`) finds most "yes"es, and a search near the incumbent
  (:meth:`allocator.matching.housing_question.HousingQuestions.ask_near`) some of the rest.
* **A small exact model**, asked only when those do not answer:
  :class:`allocator.matching.housing_question.HousingQuestions` (who lives in which unit,
  places left to Hall's theorem; HiGHS, or CP-SAT when little budget is left).

``benchmarks/stage1_proof.py`` prints who answered the questions of whole proofs.

A question that cannot be answered within its limit (or a budget that ends) leaves stage 1
unproven from that applicant on: the result then keeps the incumbent (never worse than greedy)
and says up to which applicant, in priority order, the housed set is proven best.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from allocator.matching.ejection import Ejections
from allocator.matching.eligibility import Eligibility
from allocator.matching.housing_question import NO, UNKNOWN, YES, HousingQuestions
from allocator.matching.relaxed_bound import RelaxedBound
from allocator.matching.side_constraints import SideConstraints
from allocator.matching.work_budget import WorkBudget


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
        self.relaxed = RelaxedBound(eligibility, side.resident_limit(eligibility), budget)
        self.refusals = Refusals(eligibility, side)
        self.ejections = Ejections(eligibility, side, budget)
        self.chains = 0  # questions answered "yes" by a chain of moves

    @cached_property
    def questions(self) -> HousingQuestions:
        """Built when the first question is asked (a round whose budget ends before needs none)."""
        return HousingQuestions(self.eligibility, self.side, self.budget)

    @property
    def tally(self) -> Counter[str]:
        """The questions by who answered them ("refusal no", "cp-sat yes", "highs no", ...)."""
        asked = Counter(self.questions.tally) if "questions" in vars(self) else Counter()
        return asked + Counter({"refusal no": self.refusals.answered, "chain yes": self.chains})

    @property
    def asked_highs(self) -> bool:
        """Did HiGHS answer a question (its version then matters for a re-run)?"""
        return any(key.startswith("highs") for key in self.tally)

    def run(self, incumbent: np.ndarray, share: float) -> tuple[np.ndarray, PriorityProof]:
        everyone = np.arange(self.applicants)
        decided_housed = np.zeros(self.applicants, dtype=bool)  # decisions cover applicants before `frontier`
        frontier, questions, proven_up_to = 0, 0, None
        bound = self.relaxed.recompute(np.ones(self.applicants, dtype=bool))
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
                    bound = self.relaxed.recompute(decided_housed | (everyone > first))
            else:
                if answer == UNKNOWN and proven_up_to is None:
                    proven_up_to = first
                decided_housed[first] = False
                bound = self.relaxed.refuse(first)
            frontier = first + 1

    # -- one question -------------------------------------------------------------------------

    def ask(self, decided_housed: np.ndarray, applicant: int, incumbent: np.ndarray, units: float):
        """("yes", allocation) / ("no", None) / ("unknown", None) for ``applicant`` joining those
        decided, spending at most about ``units``."""
        if self.refusals.cover(applicant):
            return NO, None
        members = decided_housed.copy()
        members[applicant] = True
        if self.questions.relaxation_refuses(members, incumbent):
            answer, solved = NO, None
        elif (joined := self.ejections.join(members, applicant, incumbent)) is not None:
            self.chains += 1
            answer, solved = YES, joined
        elif (near := self.questions.ask_near(members, incumbent)) is not None:
            answer, solved = YES, near
        else:
            answer, solved = self.questions.ask(members, incumbent, units)
        if answer == NO:
            self.refusals.add(applicant)
        return answer, solved


class Refusals:
    """Applicants refused so far, and who they answer for (see the module docstring)."""

    def __init__(self, eligibility: Eligibility, side: SideConstraints):
        starts, place_unit = eligibility.starts(), eligibility.columns.place_unit
        self.places = [frozenset(eligibility.pairs.place[starts[i]:starts[i + 1]].tolist())
                       for i in range(len(eligibility.problem.applicants))]
        self.places_in: list[dict[int, frozenset[int]]] = []  # per applicant: unit → their places there
        for places in self.places:
            by_unit: dict[int, set[int]] = {}
            for place in places:
                by_unit.setdefault(int(place_unit[place]), set()).add(place)
            self.places_in.append({unit: frozenset(chosen) for unit, chosen in by_unit.items()})
        self.need = side.need
        self.partners = side.partners()
        self.refused_at: dict[int, list[int]] = {}  # place → refused applicants eligible for it
        self.answered = 0  # questions answered by a refusal that carries over

    def add(self, applicant: int) -> None:
        for place in self.places[applicant]:
            self.refused_at.setdefault(place, []).append(applicant)

    def cover(self, applicant: int) -> bool:
        """Is ``applicant`` refused already, in each unit they could live in, by someone refused
        before who could take their place there?"""
        if all(self._answered_in(applicant, unit, places) for unit, places in self.places_in[applicant].items()):
            self.answered += 1
            return True
        return False

    def _answered_in(self, applicant: int, unit: int, places: frozenset[int]) -> bool:
        """Is someone refused eligible for all of ``applicant``'s ``places`` in ``unit``, with no
        more need and nobody there to avoid whom ``applicant`` need not avoid too?"""
        theirs = self.partners.get(applicant, {}).get(unit, set())
        return any(self.need[refused] <= self.need[applicant] and places <= self.places[refused]
                   and self.partners.get(refused, {}).get(unit, set()) <= theirs
                   for refused in self.refused_at.get(next(iter(places)), ()))
