"""The coordinator's decisions on a round's proposals: approve, reject, or another place.

Nothing reaches the young person, their worker or a unit until a proposal is approved: the
approval sends the offer. An override offers another place of the round instead, with a
reason; the allocator's own eligibility rules on the stored problem decide whether the place
suits the applicant, and the round's other decisions whether it is still free and within the
unit's support hours and not-with pairs. An override that houses someone ahead of applicants
ranked higher who could have had that place is a priority inversion: the coordinator must
confirm it, and it is kept with the decision and shown in red.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from housing import audit, vocabulary
from housing.extensions import db
from housing.models import (
    AllocationRound,
    Offer,
    Place,
    Proposal,
    ProposalDecision,
    RoundStatus,
    User,
    utcnow,
)
from housing.services import allocation_policy, offers, round_problem
from housing.services.errors import RuleViolation
from housing.services.round_analysis import Analysis
from housing.services.waitlist import applicant_id

Decision = ProposalDecision


class NeedsConfirmation(RuleViolation):
    """The override passes over applicants ranked higher: asked again, with a confirmation."""

    def __init__(self, message, passed_over: list[Proposal]):
        super().__init__(message, field="confirm")
        self.passed_over = passed_over


@dataclass
class ApprovalOutcome:
    sent: list[Offer] = field(default_factory=list)
    refused: list[tuple[Proposal, RuleViolation]] = field(default_factory=list)


def _check_decidable(actor: User, proposal: Proposal) -> None:
    round_ = proposal.round
    if round_.county_id != actor.county_id:
        raise RuleViolation(_l("Only a housing coordinator of the county can decide its round."))
    if round_.status != RoundStatus.DONE:
        raise RuleViolation(_l("The round is %(status)s: its proposals can no longer be decided.",
                               status=vocabulary.label(vocabulary.ROUND_STATUSES, round_.status.value)))
    if proposal.decision != Decision.PENDING:
        raise RuleViolation(_l("This proposal has already been decided (%(decision)s).",
                               decision=vocabulary.label(vocabulary.PROPOSAL_DECISIONS, proposal.decision.value)))


def _offer(actor: User, proposal: Proposal, place: Place, today: date, at: datetime | None) -> Offer:
    days = allocation_policy.policy_for(proposal.round.county_id).respond_days
    return offers.send_offer(actor, proposal.application, place, today=today, respond_days=days,
                             proposal=proposal, at=at)


def approve(actor: User, proposal: Proposal, today: date, at: datetime | None = None) -> Offer:
    """The proposed match goes ahead: the offer is sent."""
    _check_decidable(actor, proposal)
    if proposal.place_id is None:
        raise RuleViolation(_l("No place was proposed: choose one with “Another place”, or leave it."))
    offer = _offer(actor, proposal, proposal.place, today, at)
    _decide(actor, proposal, Decision.APPROVED, None, at)
    return offer


def approve_all(actor: User, round_: AllocationRound, today: date, at: datetime | None = None) -> ApprovalOutcome:
    """Every proposed match still waiting, in queue order; one that cannot go ahead (the
    application or the place changed since the round) is named and left waiting."""
    outcome = ApprovalOutcome()
    waiting = db.session.scalars(
        select(Proposal).where(Proposal.round_id == round_.id, Proposal.place_id.is_not(None),
                               Proposal.decision == Decision.PENDING)
        .order_by(Proposal.priority_rank).options(selectinload(Proposal.application), selectinload(Proposal.place)))
    for proposal in waiting:
        try:
            with db.session.begin_nested():
                outcome.sent.append(approve(actor, proposal, today, at))
        except RuleViolation as refusal:
            outcome.refused.append((proposal, refusal))
    return outcome


def reject(actor: User, proposal: Proposal, reason: str, at: datetime | None = None) -> None:
    """No offer: the application stays in the queue, and the place can go to someone else."""
    _check_decidable(actor, proposal)
    if not (reason or "").strip():
        raise RuleViolation(_l("Say why the proposal is rejected."), field="reason")
    _decide(actor, proposal, Decision.REJECTED, reason.strip(), at)


def override(actor: User, proposal: Proposal, place_id: int | None, reason: str, today: date,
             confirmed: bool = False, analysis: Analysis | None = None, at: datetime | None = None) -> Offer:
    """Offer another place of the round instead, with a reason (also to someone left out). A
    place proposed to someone else who could take this one's place in turn is a swap: both
    get the other's place, each decision with the reason."""
    _check_decidable(actor, proposal)
    if not (reason or "").strip():
        raise RuleViolation(_l("Say why another place is offered."), field="reason")
    analysis = analysis or Analysis(proposal.round.problem)
    change = check_override(proposal, place_id, analysis)
    passed_over = change.passed_over + change.swap_passed_over
    if passed_over and not confirmed:
        raise NeedsConfirmation(_l(
            "This place goes to them ahead of %(count)d applicants ranked higher who could have had it. "
            "Confirm that you decide so, and say why in the reason.", count=len(passed_over)), passed_over)
    old_place = proposal.place
    offer = _offer(actor, proposal, change.place, today, at)
    _override(actor, proposal, change.place, change.passed_over, reason, at)
    if change.swap_with is not None:
        _offer(actor, change.swap_with, old_place, today, at)
        swapped = str(_l("Swapped with number %(number)d: %(reason)s", number=proposal.priority_rank,
                         reason=reason.strip()))
        _override(actor, change.swap_with, old_place, change.swap_passed_over, swapped, at)
    return offer


def _override(actor: User, proposal: Proposal, place: Place, passed_over: list[Proposal], reason: str,
              at: datetime | None) -> None:
    proposal.override_place_id = place.id
    proposal.passed_over = [p.application_id for p in passed_over] or None
    _decide(actor, proposal, Decision.OVERRIDDEN, reason.strip(), at)


def _decide(actor: User, proposal: Proposal, decision: Decision, reason: str | None, at: datetime | None) -> None:
    proposal.decision, proposal.decision_reason = decision, reason
    proposal.decided_by_id, proposal.decided_at = actor.id, at or utcnow()
    db.session.flush()
    detail = {"decision": decision.value, "round": proposal.round_id}
    if proposal.override_place_id:
        detail.update(place=proposal.override_place_id, passed_over=proposal.passed_over or [])
    audit.record(audit.Action.UPDATE, object_type="proposal", object_id=proposal.id, user=actor,
                 young_person_id=proposal.application.young_person_id, detail=detail)


# --------------------------------------------------------------------------- the override's checks


def holders(round_: AllocationRound) -> dict[int, Proposal]:
    """Place id → the proposal holding it in the round's decisions so far (proposed or offered)."""
    held = {}
    for proposal in round_.proposals:
        place = proposal.place_id if proposal.decision == Decision.PENDING else proposal.offered_place_id
        if place is not None:
            held[place] = proposal
    return held


@dataclass
class Change:
    place: Place
    passed_over: list[Proposal]
    swap_with: Proposal | None = None  # the holder of the place, who gets this one's place instead
    swap_passed_over: list[Proposal] = field(default_factory=list)


def check_override(proposal: Proposal, place_id: int | None, analysis: Analysis) -> Change:
    """The place, if it may be offered instead; a swap, if its holder takes this one's place;
    and who ranked higher could have had either place but is left without one."""
    code = applicant_id(proposal.application_id)
    place = db.session.get(Place, place_id) if place_id else None
    if place is None or round_problem.place_code(place.id) not in analysis.place_index:
        raise RuleViolation(_l("Choose one of the round's places."), field="place_id")
    if place.id == proposal.place_id:
        raise RuleViolation(_l("This is the proposed place: approve the proposal instead."), field="place_id")
    if analysis.pair(code, round_problem.place_code(place.id)) is None:
        raise RuleViolation(_l("The place does not suit them under the allocation rules: %(why)s.",
                               why=why_not_eligible(analysis, code, place.id)), field="place_id")
    held = holders(proposal.round)
    holder = held.get(place.id)
    swap = None
    if holder is not None and holder.id != proposal.id:
        if not _swappable(proposal, holder, analysis):
            raise RuleViolation(_l("The place is proposed to number %(number)d of the round, who cannot take this "
                                   "one's place instead. Reject that proposal first if the place should go to this "
                                   "applicant.", number=holder.priority_rank), field="place_id")
        swap = holder
    after = {pid: p for pid, p in held.items() if p.id != proposal.id}
    if swap is not None:
        after[proposal.place_id] = swap
    after[place.id] = proposal
    _check_unit_limits(after, place, proposal, analysis)
    if swap is not None:
        _check_unit_limits(after, proposal.place, swap, analysis)
    return Change(place, _passed_over(proposal, place, after, analysis), swap,
                  _passed_over(swap, proposal.place, after, analysis) if swap is not None else [])


def _swappable(proposal: Proposal, holder: Proposal, analysis: Analysis) -> bool:
    """The holder's proposal is still open and this one's proposed place suits them."""
    return (holder.decision == Decision.PENDING and proposal.place_id is not None
            and analysis.pair(applicant_id(holder.application_id),
                              round_problem.place_code(proposal.place_id)) is not None)


def why_not_eligible(analysis: Analysis, applicant: str, place_id: int) -> str:
    """The rules the place breaks for the applicant (or that no wish is within reach)."""
    failed = analysis.failed_rules(applicant, round_problem.place_code(place_id))
    if failed is None:
        km = analysis.problem.applicants[analysis.priority(applicant)].max_distance_km
        return str(_l("no wish lies within %(km)s km of it", km=f"{km:g}"))
    return ", ".join(vocabulary.label(vocabulary.ELIGIBILITY_RULES, name) for name in failed)


def _check_unit_limits(after: dict[int, Proposal], place: Place, newcomer: Proposal, analysis: Analysis) -> None:
    """The unit's free support hours and not-with pairs, with everyone the round's decisions
    would house there (``after``: place id → proposal)."""
    problem = analysis.problem
    unit = problem.units[problem.unit_index[round_problem.unit_code(place.unit_id)]]
    places = {p.id: p.unit for p in problem.places}
    me = problem.applicants[analysis.priority(applicant_id(newcomer.application_id))]
    others = [problem.applicants[analysis.priority(applicant_id(other.application_id))]
              for pid, other in after.items() if other.id != newcomer.id
              and places.get(round_problem.place_code(pid)) == unit.id]
    if unit.support_hours is not None and me.support_hours + sum(o.support_hours for o in others) > unit.support_hours:
        raise RuleViolation(_l("The unit's free support hours would run out: %(free)d hours a week are left for "
                               "the round, and this needs %(need)d more.",
                               free=unit.support_hours - sum(o.support_hours for o in others), need=me.support_hours),
                            field="place_id")
    if any(o.id in me.not_with or me.id in o.not_with for o in others):
        raise RuleViolation(_l("Someone they must not live with would live in the same unit."), field="place_id")


def _passed_over(proposal: Proposal, place: Place, after: dict[int, Proposal], analysis: Analysis) -> list[Proposal]:
    """Applicants ranked higher, eligible for the place, whom the round's decisions leave without a place."""
    housed = {p.id for p in after.values()}
    eligible = set(analysis.eligible_applicants(round_problem.place_code(place.id)))
    return [other for other in proposal.round.proposals
            if other.priority_rank < proposal.priority_rank and other.id not in housed
            and applicant_id(other.application_id) in eligible]
