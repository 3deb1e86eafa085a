"""The deterministic budget of one allocation run: what decides when the search stops.

A coordinator's time limit (``--time-limit S``, or the round's limit in the app) must bound
the whole run, and the same file with the same limit must give the same result. So the
limit is turned into a budget of *work units* once, before anything is solved, and every
piece of work is charged in those units: CP-SAT's own deterministic time, and for our code
(flows, LPs, greedy and repairs, building models) a count of what it touches (arcs, pairs,
variables) times a measured cost. Decisions depend only on the units spent, never on the
clock, so two runs of the same file and limit stop at exactly the same point.

Our own work is charged so that a unit of it takes as long as a unit of CP-SAT's
deterministic time (measured side by side in one run on this project's 2-core machine, each
kind of work timed against what it was charged: flows, repairs, questions, LPs and CP-SAT
all came out between 1.1 and 2.6 s a unit at load average 3–5). How many units a second of
limit buys (:data:`UNITS_PER_SECOND`) was measured while other engineers' work kept both cores
busy: at load average 6–10 a unit cost 1.5–5 s of wall clock in 1,000 × 400 rounds (bursts
of browser tests on the other core), so 0.2 units a second keeps a 30 s round within its limit
up to about 4.5 s a unit (60 s and a round of 5,000 × 2,000 give 12 units, of which about 1.6
go to reading, eligibility, explanations and writing). The clock is only a safety
net: if an overloaded machine is slower still, the stage running when the limit is near
stops early, and the result says so (it is then still valid, but a re-run may differ).
"""

from __future__ import annotations

import time
from collections.abc import Callable

UNITS_PER_SECOND = 0.2
"""Work units per second of time limit (see the module docstring for how it was measured)."""
SLOW_SECONDS_PER_UNIT = 5.0
"""Wall clock a unit took at most in the loaded runs measured (load 9–10), for :meth:`WorkBudget.solver_seconds`."""
CLOCK_MARGIN = 0.1
"""Share of the limit kept back from the safety net, for the last bound, explanations and writing
the result (5 % let a 30 s round at load 10 end at 30.4 s: what follows the net took longer)."""

FLOW_UNITS_PER_ARC = 0.7e-6  # a min-cost flow, arcs built with NumPy (0.6–0.8 s for 640k arcs)
MODEL_UNITS_PER_VARIABLE = 2.5e-5  # building a CP-SAT model in Python, per pair variable
SOLVE_UNITS = 0.01  # starting one CP-SAT solve (copying the model, presolve), whatever its size
QUESTION_UNITS = 0.004  # asking one stage-1 question of CP-SAT (copying the round's model, starting a solve) ...
QUESTION_UNITS_PER_PERSON = 1e-5  # ... and per person who must be housed (their row and hint)
HIGHS_UNITS_PER_ITERATION = 7e-8  # a simplex iteration of HiGHS's MIP, per row and column of the model (0.1 ms
# each for a 1,200-row admission on 1,000 × 400, 0.3 ms for 5,700 rows on 5,000 × 2,000: see highs_units)
EJECTION_UNITS_PER_TRY = 5e-6  # one place tried in stage 1's chains of moves (a check of the unit's limits)
LP_UNITS_PER_SOLVE = 2.2e-3  # re-solving stage 1's relaxed question in HiGHS from its last basis ...
LP_UNITS_PER_ITERATION = 8e-9  # ... and per dual simplex iteration, per row and column of the model
COVER_UNITS_PER_CHOICE = 1e-7  # looking for cover cuts on every unit's hours, per (person, unit) choice there
# (0.11 µs measured on 1,000 × 400 seed 7: 96 searches of 6,494 choices, a knapsack over hours per unit, in 66 ms)
QUESTION_HIGHS_UNITS = 0.03  # HiGHS's MIP on one stage-1 question: presolve and the root ...
QUESTION_HIGHS_UNITS_PER_ITERATION = 4e-8  # ... and per simplex iteration, per person and choice asked about
# (40 questions of 1,000 × 400 rounds, stopping at the first allocation: 0.06–0.65 s, 6.6 s in all, charged 5.2
# units; its sub-MIPs' iterations are not counted, so the rare question that a deep sub-MIP answers, 2.4–2.8 s
# for 3,800 iterations, is charged about half its time, and one that needs the tree is charged more than its time)
HIGHS_UNITS_PER_ROW = 5e-6  # building and presolving a HiGHS MIP, per row and column
LP_UNITS_PER_NONZERO = 6e-6  # building and solving the fit LP with GLOP (pywraplp), per nonzero ...
LP_LINEAR_NONZEROS = 100_000  # ... up to this many; larger LPs cost more per nonzero (fit_lp.lp_units)
RESIDUAL_UNITS_PER_PAIR = 3e-9  # one round of the relaxed bound's distances to the sink, per eligible pair
# (relaxed_bound: 1.2 ms for the 10 rounds of a refusal on 29,000 pairs)
SCAN_UNITS_PER_PAIR = 4e-8  # one vectorised pass over the eligible pairs (greedy, repairs, checks)
REPAIR_UNITS_PER_PAIR = 2e-7  # greedy filling or the stability repair, per eligible pair of the round ...
REPAIR_UNITS_PER_APPLICANT = 2e-6  # ... and per applicant (measured 0.07 s on 5,000 × 2,000, 0.003 s on 1,000 × 400)
SORT_UNITS_PER_PAIR = 2e-7  # sorting every pair once by preference (Eligibility.preference: 0.13 s for 665,000)
FIXED_UNITS_PER_PAIR = 1.5e-6  # reading, eligibility, explanations and writing, per eligible pair
FIXED_UNITS_PER_APPLICANT = 1e-4  # the same, per applicant


def highs_units(iterations: int, size: int) -> float:
    """What HiGHS's MIP cost, from its simplex iterations and the model's rows and columns, in
    proportion to both (measured, an iteration cost 3 times as much on a model 4.75 times as
    large, so large models are charged somewhat more than they take)."""
    return iterations * size * HIGHS_UNITS_PER_ITERATION


def reserved_units(pairs: int, applicants: int) -> float:
    """Units the work outside the search takes (reading to writing), from the round's size."""
    return 0.1 + pairs * FIXED_UNITS_PER_PAIR + applicants * FIXED_UNITS_PER_APPLICANT


class WorkBudget:
    """Units to spend, units spent, and which stage the budget (or the clock) cut.

    ``deadline`` is the safety net on ``clock`` (``time.monotonic`` by default; tests pass
    their own clock to show that it does not decide anything while the budget lasts).
    """

    def __init__(self, units: float, deadline: float | None = None,
                 clock: Callable[[], float] = time.monotonic):
        self.units = max(0.0, units)
        self.spent = 0.0
        self.deadline = deadline
        self.clock = clock
        self.stage = "start"
        self.cut: dict[str, str] = {}  # stage → "budget" or "clock"

    def charge(self, units: float) -> None:
        self.spent += units

    def left(self, share: float = 1.0) -> float:
        """Units left before ``share`` of the whole budget is spent."""
        return max(0.0, self.units * share - self.spent)

    def wall_left(self) -> float:
        return float("inf") if self.deadline is None else max(0.0, self.deadline - self.clock())

    def cut_by_clock(self) -> None:
        """The safety net decided something in the running stage: the result must say a re-run may differ."""
        self.cut[self.stage] = "clock"

    def out_of_time(self) -> bool:
        """Has the safety net's deadline passed? A decision taken on it is the clock's, so it is
        recorded as a cut of the running stage (the result then says a re-run may differ)."""
        if self.wall_left() <= 0:
            self.cut_by_clock()
            return True
        return False

    def solver_seconds(self, units: float = 0.0) -> float:
        """CP-SAT's own wall-clock limit: what the safety net leaves (none under a test's clock,
        which CP-SAT cannot see).

        CP-SAT sizes parts of its work (presolve, probing) by the time it has left, so a wall
        limit close to what a solve of ``units`` may take can change that solve without stopping
        it, and the result without saying so (the likely cause of a loaded run that used 5.57
        units where the same round used 5.60). If less is left than ``units`` take on a slow
        machine (:data:`SLOW_SECONDS_PER_UNIT`), the stage is counted as cut by the clock."""
        if self.clock is not time.monotonic:
            return 1e6
        left = self.wall_left()
        if left < units * SLOW_SECONDS_PER_UNIT:
            self.cut_by_clock()
        return max(0.001, min(left, 1e6))

    def exhausted(self, share: float = 1.0) -> bool:
        """Is ``share`` of the budget spent (or the clock out)? Records the cut for the stage."""
        if self.left(share) <= 0:
            self.cut.setdefault(self.stage, "budget")
            return True
        return self.out_of_time()

    @property
    def clock_decided(self) -> bool:
        return "clock" in self.cut.values()
