"""Rounding the fit LP through *rooms*: the LP says who goes to which unit, a flow says where.

Once every place has a *room* — the most support hours its resident may need — and the rooms
of each unit add up to no more than its hours, no allocation that keeps within the rooms can
break a unit's hours, and the best such allocation of the housed set is one min-cost flow
(exact, and fast). What is left is choosing the rooms, in two steps:

1. **Admission** (:func:`_admit`): each housed person is admitted to one unit, chosen among
   the units the LP places some of them in and the unit they live in in the incumbent, so that
   every unit's places and hours, not-with pairs and Hall's condition on places that not everyone
   is eligible for (:func:`_place_limits`) hold, with most fit (a person's fit in a unit: the
   average the LP gives them there). A small MIP in HiGHS, started from the incumbent's units
   (one answer), so that it always has an answer: on the set of 1,000 × 400 seed 10 at 30 s,
   HiGHS found none of its own within 200 nodes.
2. **Rooms** (:func:`_rooms`): each admitted person's need becomes the room of a place of the
   unit that they are eligible for (the one the LP gives them most of, if free); the hours no one
   was admitted to are shared equally by the unit's other places.

Every person then has a room that fits them, so the flow houses the whole set, and it may move
anyone to any other place whose room fits, in any unit (this is where it beats CP-SAT on the
LP's pairs). A not-with pair the flow puts in one unit loses the arcs of one of them into that
unit (never the unit they were admitted to, which keeps the admission's answer a valid one),
and the flow runs again.

Measured on 5,000 × 2,000 rounds (seeds 1–3, the LP of each round's final housed set, the
final allocation as incumbent): 0.44–0.73 % below the LP in 0.3–0.9 s. CP-SAT on the pairs the
LP uses and their tied pairs was at best 1.46 % below (its proven optimum on seed 2); HiGHS's
MIP on the pairs within 5 of the LP's prices reached 0.94 % after 18 s.
"""

from __future__ import annotations

import numpy as np

from allocator.matching.eligibility import Eligibility
from allocator.matching.fit_lp import grouped
from allocator.matching.flow import build_arcs, solve_arcs
from allocator.matching.highs import quiet_highs, record_stop
from allocator.matching.nearby import expand_ranges
from allocator.matching.side_constraints import SideConstraints
from allocator.matching.unit_choices import Choices, hall_limits
from allocator.matching.work_budget import (
    FLOW_UNITS_PER_ARC,
    HIGHS_UNITS_PER_ROW,
    SCAN_UNITS_PER_PAIR,
    SOLVE_UNITS,
    WorkBudget,
    highs_units,
)

ADMIT_GAP = 1e-3  # the admission's MIP stops within this relative gap ...
ADMIT_NODES = 20  # ... or after this many branch-and-bound nodes (every round tried was solved at the root but
# 1,000 × 400 seed 10's, whose 200 nodes took 2.9 s and found nothing better than the incumbent; 20 take 2.2 s.
# Without RINS and RENS they took 1 s, but a national round's admission came out 25 lower, and its round
# then housed five fewer people of band 2)
ROUNDS = 8  # flows at most (each after the first parts the not-with pairs that met)
USED = 1e-6  # an LP value above this is a pair the LP uses


class _Keys:
    """The (person, unit) choices of the admission: every unit the LP places some of a housed
    person in, and the unit of their place in the incumbent; per choice the fit it is worth (the
    average the LP gives them there, else their incumbent pair's) and the place their room would
    preferably be. (Adding the units of pairs as good at the LP's prices made the admission
    worse on 5,000 × 2,000 rounds when it was a CP-SAT model, which then solved a larger model
    less well in its time; not tried with HiGHS.)"""

    def __init__(self, eligibility: Eligibility, incumbent: np.ndarray, pairs: np.ndarray, values: np.ndarray):
        housed = incumbent >= 0
        owner = eligibility.pairs.applicant
        used = (values > USED) & housed[owner[pairs]]
        lp_pairs, lp_values = pairs[used], values[used]
        home = incumbent[housed]
        every = np.r_[lp_pairs, home]
        weight = np.r_[lp_values, np.zeros(len(home))]
        fit = eligibility.fit[every].astype(np.float64)
        units = len(eligibility.problem.units)
        self.keys, inverse = np.unique(owner[every] * units + eligibility.unit[every], return_inverse=True)
        self.person, self.unit = np.divmod(self.keys, units)
        self.mass = mass = np.bincount(inverse, weights=weight, minlength=len(self.keys))
        home_fit = np.zeros(len(self.keys))
        home_fit[inverse[len(lp_pairs):]] = fit[len(lp_pairs):]
        average = np.bincount(inverse, weights=weight * fit, minlength=len(self.keys)) / np.maximum(mass, USED)
        self.fit = np.rint(np.where(mass > 0, average, home_fit)).astype(np.int64)
        # Preferred place: the LP's pair of most value in the unit, else the incumbent's.
        order = np.lexsort((-fit, -weight, inverse))
        first = np.r_[True, inverse[order][1:] != inverse[order][:-1]]
        self.place = np.empty(len(self.keys), dtype=np.int64)
        self.place[inverse[order][first]] = eligibility.pairs.place[every[order][first]]
        self.home = np.zeros(len(self.keys), dtype=bool)
        self.home[inverse[len(lp_pairs):]] = True


def round_by_rooms(eligibility: Eligibility, side: SideConstraints, incumbent: np.ndarray, pairs: np.ndarray,
                   values: np.ndarray, budget: WorkBudget) -> np.ndarray | None:
    """An allocation of the housed set of ``incumbent`` that keeps every rule, rounded from the
    LP values ``values`` of ``pairs`` as the module docstring says (None if the admission finds
    no answer in its time, or not-with pairs still meet after :data:`ROUNDS` flows)."""
    housed = incumbent >= 0
    if not housed.any():
        return None
    budget.charge(len(eligibility.pairs) * 4 * SCAN_UNITS_PER_PAIR)
    keys = _Keys(eligibility, incumbent, pairs, values)
    chosen = _admit(eligibility, side, keys, budget)
    if chosen is None:
        return None
    room_place = _room_places(eligibility, keys, chosen)
    if room_place is None:
        return None
    rooms = _rooms(eligibility, side, keys, chosen, room_place)
    admitted_unit = np.full(len(housed), -1, dtype=np.int64)
    admitted_unit[keys.person[chosen]] = keys.unit[chosen]
    barred = np.zeros(len(eligibility.pairs), dtype=bool)
    starts = eligibility.starts()
    for _ in range(ROUNDS):
        placed = _place(eligibility, side, housed, rooms, barred, budget)
        meeting = _meeting_pairs(eligibility, side, placed)
        if not meeting:
            return placed if np.array_equal(placed >= 0, housed) else None
        for i, j in meeting:
            unit = int(eligibility.unit[placed[i]])
            leaver = i if admitted_unit[i] != unit else j  # both cannot be admitted there
            mine = slice(starts[leaver], starts[leaver + 1])
            barred[mine] |= eligibility.unit[mine] == unit
    return None


def _admit(eligibility: Eligibility, side: SideConstraints, keys: _Keys, budget: WorkBudget) -> np.ndarray | None:
    """Indices of the chosen keys (one per housed person), or None without an answer.

    A small MIP solved with HiGHS (one thread, a fixed seed: the same model always gives the
    same answer). Measured on 5,000 × 2,000 rounds: about 2,500–3,000 choices, solved at the
    root to within 0.1 % in 0.01–1.6 s; CP-SAT on one worker barely left its hint in 0.5
    deterministic seconds, and from an LP-greedy hint found no answer at all."""
    from highspy._core import HighsVarType, SolutionStatus

    rows = _admission_rows(eligibility, side, keys)
    highs = quiet_highs(mip_rel_gap=ADMIT_GAP, mip_max_nodes=ADMIT_NODES, time_limit=budget.solver_seconds())
    count = len(keys.keys)
    highs.addVars(count, np.zeros(count), np.ones(count))
    every = np.arange(count, dtype=np.int32)
    highs.changeColsCost(count, every, keys.fit.astype(np.float64))
    highs.changeColsIntegrality(count, every, np.full(count, HighsVarType.kInteger))
    rows.pass_to(highs)
    home = np.flatnonzero(keys.home).astype(np.int32)  # the incumbent's units: an answer to start from
    highs.setSolution(len(home), home, np.ones(len(home)))
    budget.charge(SOLVE_UNITS + (count + rows.count) * HIGHS_UNITS_PER_ROW)
    highs.run()
    budget.charge(highs_units(highs.getInfo().simplex_iteration_count, count + rows.count))
    record_stop(highs, budget)  # a stop by the safety net is the clock's
    if highs.getInfo().primal_solution_status != int(SolutionStatus.kSolutionStatusFeasible):
        return None
    return np.flatnonzero(np.asarray(highs.getSolution().col_value) > 0.5)


def _admission_rows(eligibility: Eligibility, side: SideConstraints, keys: _Keys) -> _MipRows:
    """One choice per person; per unit its places and hours; the place limits; not-with pairs."""
    rows = _MipRows()
    for _, group in grouped(keys.person):
        rows.add(group, np.ones(len(group)), 1.0, 1.0)
    places = np.bincount(eligibility.columns.place_unit, minlength=len(side.capacity))
    binding = set(side.hours.tolist())
    for _, group in grouped(keys.unit):
        unit = int(keys.unit[group[0]])
        if len(group) > places[unit]:
            rows.add(group, np.ones(len(group)), -np.inf, float(places[unit]))
        if unit in binding:
            rows.add(group, side.need[keys.person[group]].astype(np.float64), -np.inf, float(side.capacity[unit]))
    for members, places_left in _place_limits(eligibility, keys):
        rows.add(np.array(members), np.ones(len(members)), -np.inf, float(places_left))
    at = {(int(p), int(u)): k for k, (p, u) in enumerate(zip(keys.person, keys.unit, strict=True))}
    for i, j, units in side.meetings:
        for unit in units:
            if (i, unit) in at and (j, unit) in at:
                rows.add(np.array([at[i, unit], at[j, unit]]), np.ones(2), -np.inf, 1.0)
    return rows


class _MipRows:
    """A MIP's rows, gathered and then passed to HiGHS at once (row-wise)."""

    def __init__(self):
        self.lower: list[float] = []
        self.upper: list[float] = []
        self.columns: list[np.ndarray] = []
        self.values: list[np.ndarray] = []

    @property
    def count(self) -> int:
        return len(self.lower)

    def add(self, columns: np.ndarray, values: np.ndarray, lower: float, upper: float) -> None:
        self.columns.append(np.asarray(columns, dtype=np.int32))
        self.values.append(np.asarray(values, dtype=np.float64))
        self.lower.append(lower)
        self.upper.append(upper)

    def pass_to(self, highs) -> None:
        sizes = np.array([len(c) for c in self.columns], dtype=np.int64)
        starts = (np.cumsum(sizes) - sizes).astype(np.int32)
        index = np.concatenate(self.columns) if self.columns else np.zeros(0, np.int32)
        value = np.concatenate(self.values) if self.values else np.zeros(0)
        highs.addRows(self.count, np.array(self.lower), np.array(self.upper), len(index), starts, index, value)


def _place_limits(eligibility: Eligibility, keys: _Keys) -> list[tuple[list[int], int]]:
    """Hall's condition where a unit's places differ in who is eligible (household size, an
    accessible flat, distance): for each set of places that is exactly some candidate's
    eligible places in the unit, the candidates eligible for none but those may be admitted
    only as many as those places (:func:`allocator.matching.unit_choices.hall_limits` without
    the unions of those sets: with them the admission took longer on 1,000 × 400 rounds and
    the fits came out lower; :func:`_room_places` finds out whether the places can take everyone)."""
    choices = Choices(eligibility, np.unique(keys.person))  # the same key encoding, person * units + unit
    at = np.searchsorted(choices.keys, keys.keys)
    return hall_limits(keys.unit, [choices.places[k] for k in at.tolist()], unions=False)


def _room_places(eligibility: Eligibility, keys: _Keys, chosen: np.ndarray) -> np.ndarray | None:
    """Per chosen key, a distinct place of its unit that its person is eligible for, the
    preferred one where possible (a flow: places differ in who is eligible for them); None if
    the places of some unit cannot take everyone admitted to it."""
    starts = eligibility.starts()
    person, unit = keys.person[chosen], keys.unit[chosen]
    owner, pairs = expand_ranges(starts[person], starts[person + 1])
    inside = eligibility.unit[pairs] == unit[owner]
    owner, pairs = owner[inside], pairs[inside]
    place = eligibility.pairs.place[pairs]
    cost = np.where(place == keys.place[chosen][owner], -1, 0).astype(np.int64)
    flows = solve_arcs(build_arcs(len(chosen), len(eligibility.columns.place_unit), owner, place, cost,
                                  np.zeros(len(chosen), np.int64)))
    if int(flows.sum()) < len(chosen):
        return None
    room_place = np.full(len(keys.keys), -1, dtype=np.int64)
    room_place[chosen[owner[flows > 0]]] = place[flows > 0]
    return room_place


def _rooms(eligibility: Eligibility, side: SideConstraints, keys: _Keys, chosen: np.ndarray,
           room_place: np.ndarray) -> np.ndarray:
    """Each place's room: admitted needs where their rooms are, the unit's other hours shared out."""
    place_unit = eligibility.columns.place_unit
    rooms = np.full(len(place_unit), -1.0)
    rooms[room_place[chosen]] = side.need[keys.person[chosen]]
    binding = np.zeros(len(side.capacity), dtype=bool)
    binding[side.hours] = True
    admitted = np.bincount(place_unit[room_place[chosen]], weights=side.need[keys.person[chosen]],
                           minlength=len(side.capacity))
    rest = rooms < 0
    others = np.bincount(place_unit[rest], minlength=len(side.capacity))
    share = np.floor((side.capacity - admitted) / np.maximum(others, 1))
    rooms[rest] = share[place_unit[rest]]
    rooms[~binding[place_unit]] = np.inf
    return rooms


def _place(eligibility: Eligibility, side: SideConstraints, housed: np.ndarray, rooms: np.ndarray,
           barred: np.ndarray, budget: WorkBudget) -> np.ndarray:
    """The allocation of most people, then most fit, within the rooms (one min-cost flow)."""
    owner, place = eligibility.pairs.applicant, eligibility.pairs.place
    usable = np.flatnonzero(housed[owner] & (side.need[owner] <= rooms[place]) & ~barred)
    budget.charge(len(usable) * FLOW_UNITS_PER_ARC)
    flows = solve_arcs(build_arcs(len(housed), len(rooms), owner[usable], place[usable],
                                  -eligibility.fit[usable], np.zeros(len(housed), np.int64)))
    chosen = usable[flows > 0]
    placed = np.full(len(housed), -1, dtype=np.int64)
    placed[owner[chosen]] = chosen
    return placed


def _meeting_pairs(eligibility: Eligibility, side: SideConstraints, placed: np.ndarray) -> list[tuple[int, int]]:
    """The not-with pairs that ``placed`` puts in one unit."""
    unit_of = np.full(len(placed), -1, dtype=np.int64)
    housed = placed >= 0
    unit_of[housed] = eligibility.unit[placed[housed]]
    return [(i, j) for i, j, _ in side.meetings if unit_of[i] >= 0 and unit_of[i] == unit_of[j]]
