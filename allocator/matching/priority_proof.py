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
* **Refusals that carry over.** Once an applicant is refused, anyone later who is eligible
  only for places the refused one is eligible for, needs at least as many hours, and must not
  meet everyone the refused one must not meet there, is refused too: they could replace them
  in any allocation. The decided set only grows, so a refusal stays valid.
* **Quick answers before the exact model.** The question's linear relaxation with cuts for
  whole people (:mod:`allocator.matching.question_model`) refuses many of the rest in a few
  milliseconds, and a chain of one or two moves (:mod:`allocator.matching.ejection`) finds
  most "yes"es.
* **A small exact model**, asked only when those do not answer:
  :class:`allocator.matching.housing_question.HousingQuestions` (who lives in which unit,
  places left to Hall's theorem; CP-SAT, then HiGHS). Once it has said "no" :data:`STREAK`
  times in a row, the units are usually full, and it is asked instead whether *any* of the
  next :data:`WINDOW` applicants left out can join: a "no" refuses them all at once (each of
  them alone could not join either, nor later, as the decided set only grows).

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

STREAK = 2  # exact "no"s in a row after which the exact model is asked about a window of applicants
WINDOW = 16  # applicants left out asked about at once (measured on 1,000 × 400 rounds: 8 refused fewer
# at a time, 32 left more questions unanswered within their limit)


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
        self.no_streak = 0  # questions the exact model answered "no" in a row

    @cached_property
    def questions(self) -> HousingQuestions:
        """Built when the first question is asked (a round whose budget ends before needs none)."""
        return HousingQuestions(self.eligibility, self.side, self.budget)

    @property
    def tally(self) -> Counter[str]:
        """The questions by who answered them ("refusal no", "cp-sat yes", "highs no", ...)."""
        asked = Counter(self.questions.tally) if "questions" in vars(self) else Counter()
        return asked + Counter({"refusal no": self.refusals.answered, "window no": self.refusals.answered_ahead,
                                "chain yes": self.chains})

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
        if self.questions.relaxation_refuses(members):
            answer, solved = NO, None
        elif (joined := self.ejections.join(members, applicant, incumbent)) is not None:
            self.chains += 1
            return YES, joined
        else:
            answer, solved = self._ask_exact_model(members, applicant, incumbent, units)
        if answer == NO:
            self.refusals.add(applicant)
        return answer, solved

    def _ask_exact_model(self, members: np.ndarray, applicant: int, incumbent: np.ndarray, units: float):
        if self.no_streak >= STREAK:
            window = self._window(applicant, incumbent)
            decided = members.copy()
            decided[applicant] = False  # the window's first: asked whether *any* of it can join those decided
            answer, solved = self.questions.ask_any(decided, window, incumbent, units)
            if answer == NO:
                self.refusals.refuse_ahead(window[1:])
                return NO, None
            if answer == YES and solved[applicant] >= 0:
                self.no_streak = 0
                return YES, solved
        answer, solved = self.questions.ask(members, incumbent, units)
        self.no_streak = self.no_streak + 1 if answer == NO else 0
        return answer, solved

    def _window(self, applicant: int, incumbent: np.ndarray) -> np.ndarray:
        """``applicant`` and the next applicants left out by ``incumbent`` not refused already."""
        window = [applicant]
        for later in np.flatnonzero(incumbent[applicant + 1:] < 0).tolist():
            if len(window) == WINDOW:
                break
            if not self.refusals.cover(applicant + 1 + later, count=False):
                window.append(applicant + 1 + later)
        return np.array(window, dtype=np.int64)


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
        self.ahead: set[int] = set()  # refused together with an earlier applicant (PriorityProver._ask_exact_model)
        self.answered = 0  # questions answered by a refusal that carries over
        self.answered_ahead = 0  # questions answered by a refusal together with an earlier applicant

    def add(self, applicant: int) -> None:
        self.refused.append(applicant)

    def refuse_ahead(self, applicants: np.ndarray) -> None:
        self.ahead.update(applicants.tolist())

    def cover(self, applicant: int, count: bool = True) -> bool:
        """Is ``applicant`` refused already? (With ``count``, the answer is counted, and one
        refused ahead answers for others from now on.)"""
        if applicant in self.ahead:
            if count:
                self.answered_ahead += 1
                self.add(applicant)
            return True
        if any(self._answers_for(refused, applicant) for refused in self.refused):
            self.answered += count
            return True
        return False

    def _answers_for(self, refused: int, applicant: int) -> bool:
        if self.need[applicant] < self.need[refused] or not self.places[applicant] <= self.places[refused]:
            return False
        theirs = self.partners.get(applicant, {})
        return all(others <= theirs.get(unit, set()) for unit, others in self.partners.get(refused, {}).items()
                   if unit in self.units_of[applicant])
