"""Reading offers: the offer's page and the decision document, both audited by their routes
or here. The decision never carries the young person's own address (a protected person's
whereabouts stay out of every paper), only the offered home's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from housing import audit, localtime, rules
from housing.extensions import db
from housing.models import (
    AllocationPolicy,
    Application,
    Offer,
    OfferStatus,
    Place,
    Proposal,
    ProposalDecision,
    Tenancy,
    Unit,
    User,
    YoungPerson,
)
from housing.services import allocation_policy, offers
from housing.services.application_views import wish_names

__all__ = ["DecisionDocument", "OfferView", "decision_document", "view_offer", "wish_names"]


@dataclass
class OfferView:
    offer: Offer
    application: Application
    person: YoungPerson
    place: Place
    unit: Unit
    proposal: Proposal | None
    tenancy: Tenancy | None
    declines: int
    may_answer: bool
    overdue: bool


def view_offer(offer: Offer, today: date) -> OfferView:
    application = offer.application
    audit.record(audit.Action.VIEW, object_type="offer", object_id=offer.id,
                 young_person_id=application.young_person_id)
    tenancy = db.session.scalar(select(Tenancy).where(Tenancy.offer_id == offer.id).limit(1))
    return OfferView(
        offer=offer, application=application, person=application.young_person, place=offer.place,
        unit=offer.place.unit, proposal=offer.proposal, tenancy=tenancy,
        declines=offers.declines_of([application.id]).get(application.id, 0),
        may_answer=offer.status == OfferStatus.PENDING, overdue=offer.status == OfferStatus.PENDING
        and offer.respond_by is not None and offer.respond_by < today,
    )


@dataclass
class DecisionDocument:
    offer: Offer
    number: str
    person: YoungPerson
    place: Place
    unit: Unit
    county_names: dict[str, str]
    decided_by: User | None
    worker: User | None
    round_as_of: date | None
    wish_rank: int | None
    km: float | None
    matched_services: list[str]
    override_reason: str | None
    policy: AllocationPolicy
    review_days: int
    received_after_days: int
    acts: dict[str, str]
    urgent_35: bool


def decision_document(offer: Offer) -> DecisionDocument:
    application = offer.application
    person = application.young_person
    unit = offer.place.unit
    proposal = offer.proposal
    overridden = proposal is not None and proposal.decision == ProposalDecision.OVERRIDDEN
    county = person.placing_county
    match_rank, km = _match(proposal, overridden)
    return DecisionDocument(
        offer=offer, number=f"KP-{offer.sent_at.year if offer.sent_at else localtime.today().year}-{offer.id:06d}",
        person=person, place=offer.place, unit=unit,
        county_names={"fi": county.name_fi, "sv": county.name_sv, "en": county.name_fi},
        decided_by=offer.created_by, worker=person.responsible_worker,
        round_as_of=proposal.round.as_of if proposal else None, wish_rank=match_rank, km=km,
        matched_services=sorted(set(application.needs or []) & set(unit.services or [])),
        override_reason=proposal.decision_reason if overridden else None,
        policy=allocation_policy.policy_for(county.id),
        review_days=rules.REVIEW_PERIOD.days, received_after_days=rules.LETTER_DEEMED_RECEIVED.days,
        acts=rules.REVIEW_ACTS, urgent_35=person.housing_lack_recorded_on is not None,
    )


def _match(proposal: Proposal | None, overridden: bool) -> tuple[int | None, float | None]:
    """The wish the place meets and its distance: the round's, or for another place chosen by
    the coordinator, computed by the allocator's rules on the round's problem."""
    if proposal is None:
        return None, None
    if not overridden:
        return proposal.wish_rank, proposal.km
    from housing.services.round_analysis import Analysis
    from housing.services.round_problem import place_code
    from housing.services.waitlist import applicant_id

    analysis = Analysis(proposal.round.problem)
    pair = analysis.pair(applicant_id(proposal.application_id), place_code(proposal.override_place_id))
    if pair is None:
        return None, None
    match = analysis.match(pair)
    return match.rank, round(match.km, 1)
