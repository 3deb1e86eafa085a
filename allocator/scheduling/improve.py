"""A last local search for the key-worker and kept terms.

The routing search weighs them heavily but, once it has scheduled every visit it can, it
may leave a visit with another staff member, or off its previous time, where a short chain
of moves would mend it (a move that mends it needs another one first that costs travel,
which a local search does not take). Moves on a :class:`allocator.scheduling.plan.Draft`,
each kept only if the whole objective improves:

* a staff member takes back their exact own schedule (:mod:`keyworker`), and whatever that
  pushes out is inserted elsewhere;
* a visit is inserted into one of its key worker's shifts, or at its previous time with its
  previous staff member, directly or after visits of that shift that stand in the way (one,
  or all that clash with its time, or all that are not the staff member's own) have been
  moved out and put back wherever they fit best.
"""

from __future__ import annotations

from allocator.scheduling.keyworker import OwnSchedule
from allocator.scheduling.plan import Draft, fill
from allocator.scheduling.problem import day_of


def adopt_own_schedules(draft: Draft, schedules: dict[int, OwnSchedule]) -> Draft:
    """Each staff member who makes fewer own visits than their exact own schedule tries it."""
    problem, reach = draft.problem, draft.reach
    for staff, own in sorted(schedules.items()):
        mine = [k for k in reach.vehicles_of_staff[staff] if k in draft.routes]
        made_own = sum(problem.key_worker_index[v] == staff for k in mine for v, _ in draft.routes[k])
        if made_own >= own.scheduled:
            continue
        trial = draft.copy()
        displaced = [v for k in mine for v, _ in draft.routes[k]]
        for k in mine:
            trial.set_route(k, [])
        for path in own.routes.values():
            for v, t in path:
                trial.remove(v)
                # A visit of another key worker to the same resident that day must give way.
                other = trial.taken.get((problem.visits[v].resident, day_of(t)))
                if other is not None:
                    trial.remove(other)
                    displaced.append(other)
        for k, path in own.routes.items():
            trial.set_route(k, list(path))
        trial = fill(trial, sorted(set(displaced)))
        if trial.value() > draft.value():
            draft = trial
    return draft


def bring_to_key_workers(draft: Draft) -> Draft:
    """Each visit made by someone else tries to move to its key worker."""
    problem, reach = draft.problem, draft.reach
    for v, key_worker in enumerate(problem.key_worker_index):
        k = draft.vehicle_of.get(v)
        if key_worker is not None and k is not None and reach.vehicles[k].staff != key_worker:
            draft = _moved(draft, v, key_worker, None)
    return draft


def keep_previous(draft: Draft) -> Draft:
    """Each keepable ``previous`` entry not kept tries to move back to its staff member and time."""
    problem, reach = draft.problem, draft.reach
    for v, staff in sorted(reach.keepable.items()):
        k = draft.vehicle_of.get(v)
        start = problem.previous_of[v].start
        if k is not None and not problem.keeps(v, reach.vehicles[k].staff, dict(draft.routes[k])[v]):
            draft = _moved(draft, v, staff, start)
    return draft


def _moved(draft: Draft, visit: int, staff: int, at: int | None) -> Draft:
    """The draft with ``visit`` moved to ``staff`` (at minute ``at``), directly, or after the
    visits of a target shift that stand in the way made room (:func:`_room_makers`); the
    draft itself if none of these improves it."""
    for k, making_room in [(None, ())] + _room_makers(draft, visit, staff, at):
        trial = draft.copy()
        for other in [visit, *making_room]:
            trial.remove(other)
        if trial.insert(visit, only_staff=staff, only_vehicle=k, at=at):
            for other in making_room:
                trial.insert(other)
            if trial.value() > draft.value():
                return trial
    return draft


def _room_makers(draft: Draft, visit: int, staff: int, at: int | None) -> list[tuple[int, tuple[int, ...]]]:
    """(shift, visits to move out of it) to try, for each of the staff member's shifts where
    the visit fits alone (at ``at``): each visit on its own, then all that clash with the
    visit's time together, then all that are not the staff member's own residents' together."""
    problem, tries = draft.problem, {}
    v = problem.visits[visit]
    for fit in draft.reach.fits[visit]:
        k = fit.vehicle
        if draft.reach.vehicles[k].staff != staff or (at is not None and not fit.early <= at <= fit.late):
            continue
        early, late = (fit.early, fit.late) if at is None else (at, at)
        route = [(u, t) for u, t in draft.routes.get(k, []) if u != visit]
        clash = tuple(u for u, t in route if _in_the_way(draft, v.location, early, late + v.duration, u, t))
        strangers = tuple(u for u, _ in route if problem.key_worker_index[u] != staff)
        tries.update(dict.fromkeys([(k, (u,)) for u, _ in route]))
        tries.update(dict.fromkeys((k, group) for group in (clash, strangers) if len(group) > 1))
    return list(tries)


def _in_the_way(draft: Draft, here: int, start: int, end: int, other: int, at: int) -> bool:
    """Whether ``other`` (at minute ``at``) leaves no room for a visit at ``here`` anywhere in
    [start, end], counting the travel between the two."""
    travel, visit = draft.problem.travel, draft.problem.visits[other]
    return at - travel[here][visit.location] < end and start < at + visit.duration + travel[visit.location][here]
