"""Reading rounds: the coordinator's list, one round with its proposals, and an override's
choices. Every young person shown is audited as seen in a list; pages load what they show in
a fixed number of queries (proposals in pages of fifty).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from housing import audit, vocabulary
from housing.extensions import db
from housing.models import (
    AllocationRound,
    Application,
    BackgroundJob,
    JobStatus,
    LocationWish,
    Place,
    Proposal,
    ProposalDecision,
    RoundStatus,
    Unit,
    User,
)
from housing.services import allocation_policy, offers, proposals, round_problem, rounds
from housing.services.application_views import wish_names
from housing.services.round_analysis import Analysis
from housing.services.waitlist import applicant_id

PAGE_SIZE = 50
TABS = ("proposed", "not_housed")


@dataclass
class RoundSummary:
    round: AllocationRound
    applicants: int
    housed: int
    decided: int


def county_rounds(user: User) -> list[RoundSummary]:
    """The county's rounds, newest first, with their counts (two queries)."""
    found = list(db.session.scalars(select(AllocationRound).where(AllocationRound.county_id == user.county_id)
                                    .order_by(AllocationRound.id.desc()).options(selectinload(AllocationRound.run_by))))
    counts = {round_id: (total, housed, decided) for round_id, total, housed, decided in db.session.execute(
        select(Proposal.round_id, func.count(), func.count(Proposal.place_id),
               func.count().filter(Proposal.decision != ProposalDecision.PENDING))
        .where(Proposal.round_id.in_([r.id for r in found])).group_by(Proposal.round_id))}
    for round_ in found:
        rounds.refresh(round_)
    return [RoundSummary(r, *counts.get(r.id, (0, 0, 0))) for r in found]


@dataclass
class ProposalRow:
    proposal: Proposal
    application: Application
    wishes: list[str]
    declines: int
    place: Place | None
    unit: Unit | None
    explanation: str | None = None
    near_misses: list[tuple[str, int]] = field(default_factory=list)
    passed_over: list[str] = field(default_factory=list)
    unit_type_unwanted: bool = False

    @property
    def person(self):
        return self.application.young_person


@dataclass
class RoundView:
    round: AllocationRound
    job: BackgroundJob | None
    rerun_job: BackgroundJob | None
    tab: str
    rows: list[ProposalRow]
    counts: dict[str, int]
    page: int
    pages: int
    weights: list[tuple[str, int]]

    @property
    def running(self) -> bool:
        return self.round.status == RoundStatus.QUEUED

    @property
    def step_text(self) -> str | None:
        from housing import jobs

        return jobs.step_label(self.job) if self.job is not None else None

    @property
    def rerunning(self) -> bool:
        return self.rerun_job is not None and not self.rerun_job.status.finished

    @property
    def rerun_failed(self) -> str | None:
        from housing import jobs

        job = self.rerun_job
        if job is None or job.status != JobStatus.FAILED:
            return None
        return job.error or jobs.error_label(job)

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


WEIGHT_LABELS = {
    "w_wish": _l("Location wish"), "w_services": _l("Matching services"), "w_over": _l("Support above need"),
    "w_km": _l("Each kilometre"), "w_spare": _l("Room kept for others"),
}


def view_round(user: User, round_: AllocationRound, tab: str, page: int, language: str) -> RoundView:
    job = rounds.refresh(round_)
    tab = tab if tab in TABS else TABS[0]
    counts = _counts(round_)
    total = counts[tab]
    pages = max(1, math.ceil(total / PAGE_SIZE))
    page = min(max(1, page), pages)
    housed = Proposal.place_id.is_not(None) if tab == "proposed" else Proposal.place_id.is_(None)
    query = (select(Proposal).where(Proposal.round_id == round_.id, housed)
             .order_by(Proposal.priority_rank).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
             .options(selectinload(Proposal.application).selectinload(Application.young_person),
                      selectinload(Proposal.application).selectinload(Application.wishes)
                      .selectinload(LocationWish.municipality),
                      selectinload(Proposal.place).selectinload(Place.unit).selectinload(Unit.municipality),
                      selectinload(Proposal.override_place).selectinload(Place.unit),
                      selectinload(Proposal.decided_by)))
    found = list(db.session.scalars(query))
    rows = _rows(round_, found, language)
    audit.record_list_view((row.person.id for row in rows), object_type="allocation_round")
    return RoundView(round_, job, _latest_rerun(round_), tab, rows, counts, page, pages,
                     [(str(WEIGHT_LABELS[name]), round_.policy.get(name, 0)) for name in allocation_policy.WEIGHTS])


def _latest_rerun(round_: AllocationRound):
    from housing import jobs

    return jobs.latest(rounds.RERUN_JOB, round_.id)


def _counts(round_: AllocationRound) -> dict[str, int]:
    row = db.session.execute(
        select(func.count(), func.count(Proposal.place_id),
               func.count().filter(Proposal.place_id.is_not(None), Proposal.decision == ProposalDecision.PENDING),
               func.count().filter(Proposal.decision != ProposalDecision.PENDING))
        .where(Proposal.round_id == round_.id)).one()
    total, proposed, undecided, decided = row
    return {"all": total, "proposed": proposed, "not_housed": total - proposed, "undecided": undecided,
            "decided": decided}


def _rows(round_: AllocationRound, found: list[Proposal], language: str) -> list[ProposalRow]:
    declines = offers.declines_of([p.application_id for p in found])
    labels = place_labels(round_, language)
    passed = _passed_over_names([pid for p in found for pid in p.passed_over or []])
    rows = []
    for proposal in found:
        place = proposal.override_place or proposal.place
        unit = place.unit if place else None
        row = ProposalRow(proposal, proposal.application, wish_names(proposal.application, language),
                          declines.get(proposal.application_id, 0), place, unit,
                          passed_over=[passed.get(pid, "–") for pid in proposal.passed_over or []])
        wanted = proposal.application.acceptable_unit_types or []
        row.unit_type_unwanted = bool(unit and wanted and unit.unit_type.value not in wanted)
        if proposal.reason:
            row.explanation = explain(proposal.reason, proposal.facts or {}, labels)
            row.near_misses = [(vocabulary.label(vocabulary.ELIGIBILITY_RULES, name), count)
                               for name, count in (proposal.facts or {}).get("failed_rules", {}).items()]
        rows.append(row)
    return rows


def _passed_over_names(application_ids: list[int]) -> dict[int, str]:
    if not application_ids:
        return {}
    found = list(db.session.scalars(select(Application).where(Application.id.in_(application_ids))
                                    .options(selectinload(Application.young_person))))
    audit.record_list_view((a.young_person_id for a in found), object_type="allocation_round")
    return {a.id: a.young_person.full_name for a in found}


def place_labels(round_: AllocationRound, language: str) -> dict[str, str]:
    """Problem ids of the round's places and units → "Huone 3, Kotiranta" and the unit's name."""
    if not round_.problem:
        return {}
    place_ids = [round_problem.number_of(p["id"]) for p in round_.problem["places"]]
    labels: dict[str, str] = {}
    for place in db.session.scalars(select(Place).where(Place.id.in_(place_ids)).options(selectinload(Place.unit))):
        labels[round_problem.place_code(place.id)] = f"{place.label}, {place.unit.name}"
        labels[round_problem.unit_code(place.unit_id)] = place.unit.name
    return labels


# --------------------------------------------------------------------------- explanations in words


def explain(reason: str, facts: dict[str, Any], labels: dict[str, str]) -> str:
    """The allocator's reason in the reader's language, from its facts (counts, ids, hours)."""
    if reason == "no_eligible_place":
        return _no_eligible(facts, labels)
    if reason == "constraint":
        return _constraint(facts, labels)
    count = facts.get("eligible_places", 0)
    return str(_l("All %(count)d places that suit them went to applicants ahead of them in the queue.",
                  count=count) if count != 1 else
               _l("The one place that suits them went to an applicant ahead of them in the queue."))


def _no_eligible(facts: dict[str, Any], labels: dict[str, str]) -> str:
    km = f"{facts.get('max_distance_km', 0):g}"
    within = facts.get("places_within_reach", 0)
    if within == 0:
        nearest = facts.get("nearest")
        if nearest is None:
            return str(_l("There were no places in this round."))
        return str(_l("No place of the round lies within %(km)s km of their wishes. The nearest, %(place)s, is "
                      "%(distance)s km from wish %(wish)d.", km=km, wish=nearest["wish"],
                      place=labels.get(nearest["place"], nearest["place"]), distance=f"{nearest['km']:g}"))
    rules = "; ".join(f"{count} {vocabulary.label(vocabulary.ELIGIBILITY_RULES, name)}"
                      for name, count in facts.get("failed_rules", {}).items())
    return str(_l("%(count)d places lie within %(km)s km of their wishes, but none suits them: %(rules)s.",
                  count=within, km=km, rules=rules))


def _constraint(facts: dict[str, Any], labels: dict[str, str]) -> str:
    reasons = []
    for entry in facts.get("blocked", []):
        unit = labels.get(entry["unit"], entry["unit"])
        if entry.get("hours"):
            reasons.append(str(_l("%(unit)s has %(free)d of the %(need)d weekly support hours they need",
                                  unit=unit, free=max(entry["hours"]["free"], 0), need=entry["hours"]["need"])))
        if entry.get("not_with"):
            reasons.append(str(_l("%(unit)s would house someone they must not live with", unit=unit)))
    return str(_l("%(count)d places that suit them are free or held by applicants after them, but a unit's limits "
                  "stand in the way: %(reasons)s.", count=len(facts.get("blocked", [])),
                  reasons="; ".join(dict.fromkeys(reasons))))


# --------------------------------------------------------------------------- override choices


@dataclass
class PlaceChoice:
    place: Place
    match: Any  # round_analysis.Match
    holder: Proposal | None  # who holds it in the round now
    problem: str | None  # why it cannot be chosen now (taken, unit limits)


def override_choices(round_: AllocationRound, proposal: Proposal) -> tuple[list[PlaceChoice], Analysis]:
    """The round's places that suit the applicant, best fit first, each with whether it can be chosen."""
    analysis = Analysis(round_.problem)
    matches = analysis.eligible_matches(applicant_id(proposal.application_id))
    places = {p.id: p for p in db.session.scalars(
        select(Place).where(Place.id.in_([round_problem.number_of(m.place) for m in matches]))
        .options(selectinload(Place.unit).selectinload(Unit.municipality)))}
    held = proposals.holders(round_)
    choices = []
    for match in sorted(matches, key=lambda m: (-m.fit, m.place)):
        place = places[round_problem.number_of(match.place)]
        holder = held.get(place.id)
        problem = None
        try:
            proposals.check_override(proposal, place.id, analysis)
        except proposals.RuleViolation as refusal:
            problem = str(refusal.message)
        choices.append(PlaceChoice(place, match, holder if holder and holder.id != proposal.id else None, problem))
    return choices, analysis
