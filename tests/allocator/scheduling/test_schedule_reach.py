"""The vectorised parts agree with the format's definitions computed one value at a time:
travel minutes (NumPy great-circle distance) and where a visit fits alone (NumPy per shift)."""

from __future__ import annotations

import math
import random

from allocator.geo import distance_km
from allocator.scheduling.generate import generate_problem
from allocator.scheduling.options import Reach
from allocator.scheduling.reader import read_document
from allocator.scheduling.travel import geo_matrix


def test_travel_matrix_is_the_formula_cell_by_cell() -> None:
    rng = random.Random(4)
    points = [(round(rng.uniform(59.8, 70.0), 5), round(rng.uniform(19.5, 31.5), 5)) for _ in range(150)]
    points += points[:3]  # two locations at one address: 0 minutes apart
    for road_factor, speed in [(1.3, 40), (1.0, 60), (1.7, 33.3)]:
        minutes = geo_matrix(points, road_factor, speed)
        for i in range(len(points)):
            for j in range(len(points)):
                first, second = min(i, j), max(i, j)  # the reference evaluates row < column
                expected = 0 if i == j else math.ceil(
                    distance_km(*points[first], *points[second]) * road_factor / speed * 60)
                assert minutes[i][j] == expected


def test_fits_are_exactly_the_starts_at_which_a_visit_alone_fits_a_shift() -> None:
    problem = read_document(generate_problem(5, 12, seed=8))
    reach = Reach(problem)
    for v, visit in enumerate(problem.visits):
        expected = set()
        for k, vehicle in enumerate(reach.vehicles):
            member = problem.staff[vehicle.staff]
            if not member.has_skill(visit.skill):
                continue
            for window in visit.windows:
                for start in range(window.start, window.end - visit.duration + 1):
                    if (vehicle.shift.start + problem.travel[member.base][visit.location] <= start
                            and start + visit.duration + problem.travel[visit.location][member.base]
                            <= vehicle.shift.end):
                        expected.add((k, start))
        found = {(fit.vehicle, start) for fit in reach.fits[v] for start in range(fit.early, fit.late + 1)}
        assert found == expected
        assert all(fit.early // 1440 == fit.late // 1440 for fit in reach.fits[v])
