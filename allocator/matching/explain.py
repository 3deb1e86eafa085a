"""Why an applicant was not housed: a reason code, structured facts, and a sentence.

Reasons, the first that applies (FORMATS §1):

* ``no_eligible_place``: no eligible pair at all. Facts: how many places lie within reach of
  the wishes and which rules rule them out, or (none within reach) the nearest place.
* ``constraint``: some eligible place is free, or held by someone ranked after them, but a
  unit's support hours or a not-with pair stand in the way. Facts: those places and limits.
* ``outranked``: every eligible place went to someone ranked ahead. Facts: how many (and
  their ids when there are at most three).

The facts use ids and numbers only, so that the web application can word them in its own
language; ``detail`` is the English sentence written into the result file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from allocator.geo import distance_matrix_km
from allocator.matching.eligibility import (
    RULE_ACCESSIBLE,
    RULE_AGE,
    RULE_GENDER,
    RULE_HOUSEHOLD,
    RULE_LANGUAGE,
    RULE_NOT_WITH_RESIDENT,
    RULE_SUPPORT_HOURS,
    RULE_SUPPORT_LEVEL,
    Eligibility,
)
from allocator.matching.occupancy import FREE, HoursBlock, Occupancy, PartnerBlock
from allocator.matching.problem import Applicant
from allocator.matching.side_constraints import SideConstraints

NO_ELIGIBLE_PLACE, CONSTRAINT, OUTRANKED = "no_eligible_place", "constraint", "outranked"
RULE_NAMES = {
    RULE_HOUSEHOLD: "household", RULE_ACCESSIBLE: "accessible", RULE_SUPPORT_LEVEL: "support_level",
    RULE_GENDER: "gender", RULE_AGE: "age", RULE_SUPPORT_HOURS: "support_hours",
    RULE_NOT_WITH_RESIDENT: "not_with_resident", RULE_LANGUAGE: "language",
}


@dataclass(frozen=True)
class Explanation:
    applicant: str
    reason: str
    detail: str
    facts: dict[str, Any] = field(default_factory=dict)


def explain_unassigned(eligibility: Eligibility, side: SideConstraints, pair_of: np.ndarray) -> list[Explanation]:
    """One explanation per applicant not housed, in priority order."""
    problem = eligibility.problem
    starts = eligibility.starts()
    occupancy = Occupancy(eligibility, side, pair_of)
    unhoused = np.flatnonzero(pair_of == FREE)
    has_pair = starts[unhoused + 1] > starts[unhoused]
    movable = _has_movable_place(eligibility, occupancy.holder)
    without = unhoused[~has_pair].tolist()
    rule_counts = _near_miss_counts(eligibility, without)
    nearest = _nearest_places(eligibility, [i for i in without if rule_counts[i][0] == 0])
    explanations = []
    for i in unhoused.tolist():
        applicant = problem.applicants[i]
        first, stop = int(starts[i]), int(starts[i + 1])
        if first == stop:
            facts = _no_eligible_facts(eligibility, applicant, rule_counts[i], nearest.get(i))
            explanations.append(Explanation(applicant.id, NO_ELIGIBLE_PLACE, no_eligible_sentence(facts), facts))
        elif movable[i]:
            facts = {"eligible_places": stop - first,
                     "blocked": _blocked_places(occupancy, i, np.arange(first, stop))}
            explanations.append(Explanation(applicant.id, CONSTRAINT, constraint_sentence(facts), facts))
        else:
            places = sorted(problem.places[p].id for p in eligibility.pairs.place[first:stop][:4].tolist())
            facts = {"eligible_places": stop - first, "places": places if stop - first <= 3 else []}
            explanations.append(Explanation(applicant.id, OUTRANKED, outranked_sentence(facts), facts))
    return explanations


def _has_movable_place(eligibility: Eligibility, holder: np.ndarray) -> np.ndarray:
    """Per applicant: is some eligible place free, or held by someone ranked after them?"""
    pairs = eligibility.pairs
    holders = holder[pairs.place]
    movable = (holders == FREE) | (holders > pairs.applicant)
    return np.bincount(pairs.applicant[movable], minlength=len(eligibility.problem.applicants)) > 0


def _near_miss_counts(eligibility: Eligibility, applicants: list[int]) -> dict[int, tuple[int, dict[str, int]]]:
    """For the given applicants: (places within reach, {rule name: how many of them fail it})."""
    n = len(eligibility.problem.applicants)
    near, failed = eligibility.near_misses.applicant, eligibility.failed
    within = np.bincount(near, minlength=n)
    per_rule = {name: np.bincount(near[(failed >> np.uint16(rule)) & 1 > 0], minlength=n)
                for rule, name in RULE_NAMES.items()}
    return {i: (int(within[i]), {name: int(c[i]) for name, c in per_rule.items() if c[i]}) for i in applicants}


def _nearest_places(eligibility: Eligibility, applicants: list[int]) -> dict[int, tuple[int, int, float]]:
    """For applicants with no place within reach: (place, wish rank, km) of the nearest place."""
    columns, result = eligibility.columns, {}
    if len(columns.place_lat) == 0:
        return result
    wish_start = np.searchsorted(columns.wish_owner, applicants)
    for i, first in zip(applicants, wish_start.tolist(), strict=True):
        count = len(eligibility.problem.applicants[i].locations)
        km = distance_matrix_km(columns.wish_lat[first:first + count], columns.wish_lon[first:first + count],
                                columns.place_lat, columns.place_lon)
        wish, place = np.unravel_index(int(np.argmin(km)), km.shape)
        result[i] = (int(place), int(wish), float(km[wish, place]))
    return result


def _no_eligible_facts(eligibility, applicant: Applicant, counts, nearest) -> dict[str, Any]:
    facts: dict[str, Any] = {
        "max_distance_km": applicant.max_distance_km,
        "wishes": len(applicant.locations),
        "places_within_reach": counts[0],
        "failed_rules": counts[1],
        "applicant": {"household": applicant.household, "support_level": applicant.support_level,
                      "support_hours": applicant.support_hours, "age": applicant.age,
                      "language": applicant.language, "gender": applicant.gender},
    }
    if nearest is not None:
        place, wish, km = nearest
        facts["nearest"] = {"place": eligibility.problem.places[place].id,
                            "unit": eligibility.problem.places[place].unit, "wish": wish + 1, "km": round(km, 1)}
    return facts


def _blocked_places(occupancy: Occupancy, applicant: int, pairs: np.ndarray) -> list[dict[str, Any]]:
    """Eligible places free or held by someone ranked after the applicant, with what blocks each."""
    problem, eligibility = occupancy.eligibility.problem, occupancy.eligibility
    blocked = []
    for pair in pairs.tolist():
        place = int(eligibility.pairs.place[pair])
        holder = int(occupancy.holder[place])
        if holder != FREE and holder < applicant:
            continue
        blocks = occupancy.blocks(applicant, pair, evicting=holder)
        if not blocks:
            raise RuntimeError(f"internal error: {problem.applicants[applicant].id} could take "
                               f"{problem.places[place].id}; the allocation is not stable")
        blocked.append({
            "place": problem.places[place].id,
            "unit": problem.units[int(eligibility.unit[pair])].id,
            "held_by": None if holder == FREE else problem.applicants[holder].id,
            "hours": next(({"free": b.free_hours, "need": b.need} for b in blocks
                           if isinstance(b, HoursBlock)), None),
            "not_with": [problem.applicants[b.other].id for b in blocks if isinstance(b, PartnerBlock)],
        })
    return blocked


ORDINALS = ("first", "second", "third", "fourth", "fifth")


def _rule_phrase(rule: str, count: int, person: dict[str, Any]) -> str:
    """What the places breaking ``rule`` are like: "is not accessible" / "are not accessible"."""
    one = count == 1
    gender = ("another gender only" if person.get("gender") is not None
              else "one gender only, and theirs is not recorded")
    phrases = {
        "household": ("is" if one else "are") + f" too small for a household of {person['household']}",
        "accessible": ("is" if one else "are") + " not accessible",
        "support_level": ("offers" if one else "offer") + f" support below level {person['support_level']}",
        "gender": ("is" if one else "are") + f" for {gender}",
        "age": ("does" if one else "do") + f" not take residents aged {person['age']}",
        "support_hours": f"cannot give the {person['support_hours']} weekly support hours they need",
        "not_with_resident": ("houses" if one else "house") + " someone they must not live with",
        "language": ("does" if one else "do") + f" not work in their language ({person['language']})",
    }
    return phrases[rule]


def _km(value: float) -> str:
    return f"{value:g}"


def no_eligible_sentence(facts: dict[str, Any]) -> str:
    reach = _km(facts["max_distance_km"])
    wishes = "their wished location" if facts["wishes"] == 1 else f"their {facts['wishes']} wished locations"
    within = facts["places_within_reach"]
    if within == 0:
        nearest = facts.get("nearest")
        if nearest is None:
            return "There are no places in this round."
        wish = "their wish" if facts["wishes"] == 1 else f"their {ORDINALS[nearest['wish'] - 1]} wish"
        return (f"No place lies within {reach} km of {wishes}; the nearest, {nearest['place']} "
                f"(unit {nearest['unit']}), is {nearest['km']:g} km from {wish}.")
    person, failed = facts["applicant"], facts["failed_rules"]
    if within == 1:
        reasons = " and ".join(_rule_phrase(rule, 1, person) for rule in failed)
        return f"The only place within {reach} km of {wishes} does not suit them: it {reasons}."
    reasons = "; ".join(f"{count} {_rule_phrase(rule, count, person)}" for rule, count in failed.items())
    return f"{within} places lie within {reach} km of {wishes}, but none suits them: {reasons}."


def constraint_sentence(facts: dict[str, Any]) -> str:
    hours: dict[str, tuple[int, int]] = {}
    partners: dict[str, list[str]] = {}
    for entry in facts["blocked"]:
        unit = entry["unit"]
        if entry["hours"] is not None:
            free = max(entry["hours"]["free"], hours.get(unit, (-1, 0))[0])
            hours[unit] = (free, entry["hours"]["need"])
        for other in entry["not_with"]:
            if other not in partners.setdefault(unit, []):
                partners[unit].append(other)
    reasons = []
    for unit in dict.fromkeys(entry["unit"] for entry in facts["blocked"]):
        if unit in hours:
            free, need = hours[unit]
            reasons.append(f"unit {unit} has at most {max(free, 0)} of the {need} weekly support hours they need")
        if partners.get(unit):
            reasons.append(f"unit {unit} houses {' and '.join(partners[unit])}, whom they must not live with")
    count = len(facts["blocked"])
    places = "1 place they are eligible for is" if count == 1 else f"{count} places they are eligible for are"
    limits = "a unit limit stands" if len(reasons) == 1 else "unit limits stand"
    return f"{places} free or held by applicants ranked after them, but {limits} in the way: {'; '.join(reasons)}."


def outranked_sentence(facts: dict[str, Any]) -> str:
    count, places = facts["eligible_places"], facts["places"]
    shown = f" ({', '.join(places)})" if places else ""
    if count == 1:
        return f"The only place they are eligible for{shown} went to an applicant ranked ahead of them."
    if count == 2:
        return f"Both places they are eligible for{shown} went to applicants ranked ahead of them."
    return f"All {count} places they are eligible for{shown} went to {count} applicants ranked ahead of them."
