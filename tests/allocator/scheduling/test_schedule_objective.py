"""The search's costs follow the format's order exactly: a schedule better in an earlier term
(scheduled, then with key worker, then kept, then travel) always costs less."""

from __future__ import annotations

import itertools

from pyvrp import CostEvaluator, Route, Solution

from allocator.scheduling import check
from allocator.scheduling.api import schedule_document
from allocator.scheduling.generate import planted_problem
from allocator.scheduling.options import Reach, start_options
from allocator.scheduling.plan import assignments_of
from allocator.scheduling.problem import Objective
from allocator.scheduling.reader import read_document
from allocator.scheduling.routing import build_model, model_cost, travel_bound, weights_for
from allocator.scheduling.solver import RoutingSearch, SearchBudget


def _objectives(visits: int, with_key_worker: int, keepable: int, bound: int):
    """Every objective a schedule of such a week could have."""
    for scheduled in range(visits + 1):
        for key_worker in range(min(scheduled, with_key_worker) + 1):
            for kept in range(min(scheduled, keepable) + 1):
                for travel in range(bound + 1):
                    yield Objective(scheduled, key_worker, kept, travel)


def test_every_pair_of_possible_objectives_is_ordered_as_the_format_says() -> None:
    for visits, with_key_worker, keepable, bound in [(3, 2, 2, 6), (4, 4, 0, 3), (3, 0, 3, 4), (2, 1, 1, 0)]:
        w = weights_for(bound, keepable, with_key_worker)
        possible = list(_objectives(visits, with_key_worker, keepable, bound))
        for a, b in itertools.combinations(possible, 2):
            assert (model_cost(w, a) < model_cost(w, b)) == (a.as_tuple() > b.as_tuple()), (a, b)


def test_at_real_sizes_one_unit_of_an_earlier_term_outweighs_everything_later() -> None:
    problem = read_document(planted_problem(30, 150, seed=3))
    reach = Reach(problem)
    with_key_worker = sum(k is not None for k in problem.key_worker_index)
    bound = travel_bound(problem, reach.vehicles)
    w = weights_for(bound, len(reach.keepable), with_key_worker)
    n = len(problem.visits)
    pairs = [  # (better, worse): better by one in an earlier term, worse by everything after it
        (Objective(n, 0, 0, bound), Objective(n - 1, n - 1, len(reach.keepable), 0)),
        (Objective(n, with_key_worker, 0, bound), Objective(n, with_key_worker - 1, len(reach.keepable), 0)),
        (Objective(n, 0, len(reach.keepable), bound), Objective(n, 0, len(reach.keepable) - 1, 0)),
        (Objective(n, 0, 0, 0), Objective(n, 0, 0, 1)),
    ]
    for better, worse in pairs:
        assert model_cost(w, better) < model_cost(w, worse)
    assert w.prize * n < 2**62  # far from PyVRP's 64-bit costs


def test_the_routing_model_costs_what_model_cost_says() -> None:
    # Solutions made of different options: PyVRP's own cost differs between any two of them
    # exactly as model_cost does, so model_cost is what the search minimises.
    week = _one_shift_week([{"id": "OWN", "location": "FAR", "key_worker": "S1", "duration": 20},
                            {"id": "KEEP", "location": "NEAR", "key_worker": None, "duration": 20},
                            {"id": "BOTH", "location": "NEAR", "key_worker": "S1", "duration": 20}],
                           previous=[{"visit": "KEEP", "staff": "S1", "start": 530},
                                     {"visit": "BOTH", "staff": "S1", "start": 560}])
    problem = read_document(week)
    reach = Reach(problem)
    options = start_options(reach)
    model = build_model(reach, options, [v.shift.end - v.shift.start for v in reach.vehicles])
    evaluator = CostEvaluator([0] * model.data.num_load_dimensions, 0, 0)
    seen = []
    for clients in itertools.product(*([None, *(i for i, o in enumerate(options) if o.visit == v)] for v in range(3))):
        chosen = sorted((i for i in clients if i is not None), key=lambda i: (options[i].early, i))
        solution = Solution(model.data, [Route(model.data, chosen, 0)] if chosen else [])
        if not solution.is_feasible():
            continue
        made = [options[i] for i in chosen]
        objective = Objective(len(made), sum(o.staff is not None and o.staff == problem.key_worker_index[o.visit]
                                             for o in made), sum(o.keeps for o in made), solution.distance())
        seen.append((evaluator.penalised_cost(solution), objective))
    assert len(seen) > 10
    for (cost_a, a), (cost_b, b) in itertools.combinations(seen, 2):
        assert cost_a - cost_b == model_cost(model.weights, a) - model_cost(model.weights, b)


def test_a_banned_option_stays_in_the_model_but_can_never_be_made() -> None:
    week = _one_shift_week([{"id": "V", "location": "NEAR", "key_worker": "S1"}])
    reach = Reach(read_document(week))
    options = start_options(reach)
    caps = [v.shift.end - v.shift.start for v in reach.vehicles]
    for banned, feasible in [(set(), True), ({(0, 0)}, False)]:
        model = build_model(reach, options, caps, banned)
        assert model.data.num_clients == len(options)
        assert all(Solution(model.data, [Route(model.data, [i], 0)]).is_feasible() == feasible
                   for i in range(len(options)))


def _one_shift_week(visits: list[dict], previous: list[dict] | None = None) -> dict:
    """One staff member, one short Monday shift with room for one visit; homes at 5 and 20 minutes."""
    return {
        "format": "support-schedule/1", "week_start": "2026-12-07",
        "travel": {"mode": "matrix", "minutes": [[0, 20, 5], [20, 0, 20], [5, 20, 0]]},
        "locations": [{"id": "BASE"}, {"id": "FAR"}, {"id": "NEAR"}],
        "staff": [{"id": "S1", "skills": [], "base": "BASE", "shifts": [{"start": 480, "end": 600}],
                   "max_minutes": None}],
        "visits": [{"resident": f"R{i}", "duration": 60, "skill": None, "windows": [{"start": 480, "end": 600}],
                    **visit} for i, visit in enumerate(visits)],
        "previous": previous or [],
    }


def _both_ways(document: dict) -> list[dict]:
    """The solver's objective, and that of one routing search alone from an empty schedule."""
    reach = Reach(read_document(document))
    plan, _ = RoutingSearch(reach).run({}, set(), None, SearchBudget(1_000, 1_000, 1, 500, None), seed=1, limit=1_000)
    alone = check.objective(reach.problem, assignments_of(reach, plan))
    return [schedule_document(document)["objective"], alone.__dict__]


def test_a_visit_with_its_key_worker_wins_over_one_whose_key_worker_is_away() -> None:
    # Travel favours the nearer visit, whose key worker is away this week; the key worker's own must win.
    week = _one_shift_week([{"id": "OWN", "location": "FAR", "key_worker": "S1"},
                            {"id": "AWAY", "location": "NEAR", "key_worker": "S9"}])
    for objective in _both_ways(week):
        assert objective == {"scheduled": 1, "with_key_worker": 1, "kept": 0, "travel_minutes": 40}


def test_a_kept_entry_wins_over_a_visit_that_never_had_one() -> None:
    week = _one_shift_week([{"id": "KEEP", "location": "FAR", "key_worker": None},
                            {"id": "NEW", "location": "NEAR", "key_worker": None}],
                           previous=[{"visit": "KEEP", "staff": "S1", "start": 500}])
    for objective in _both_ways(week):
        assert objective == {"scheduled": 1, "with_key_worker": 0, "kept": 1, "travel_minutes": 40}


def test_the_key_worker_wins_over_keeping_an_entry_of_someone_else() -> None:
    week = _one_shift_week([{"id": "OWN", "location": "FAR", "key_worker": "S1"},
                            {"id": "KEEP", "location": "NEAR", "key_worker": None}],
                           previous=[{"visit": "KEEP", "staff": "S1", "start": 485}])
    for objective in _both_ways(week):
        assert objective == {"scheduled": 1, "with_key_worker": 1, "kept": 0, "travel_minutes": 40}


def test_more_visits_win_over_the_key_worker() -> None:
    # Two 25-minute visits near base fit together; the key worker's far one fits only alone.
    week = _one_shift_week([{"id": "OWN", "location": "FAR", "key_worker": "S1", "duration": 70},
                            {"id": "A", "location": "NEAR", "key_worker": None, "duration": 25},
                            {"id": "B", "location": "NEAR", "key_worker": None, "duration": 25}])
    for objective in _both_ways(week):
        assert objective == {"scheduled": 2, "with_key_worker": 0, "kept": 0, "travel_minutes": 10}
