"""The steps after the waiting list, for an application's history: decisions in rounds, offers
and their answers, the move-in, and the moves of the tenancy it led to. They are read from the
rows that hold them (proposals, offers, tenancies, move requests), so the history can never
disagree with what happened. Each is a ``HistoryEntry`` with an ``event`` code and its facts.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from housing.extensions import db
from housing.models import (
    Application,
    MoveKind,
    MoveRequest,
    MoveStatus,
    Offer,
    OfferStatus,
    Place,
    Proposal,
    ProposalDecision,
    Tenancy,
)


def events(application: Application) -> list[Any]:
    from housing.services.application_views import HistoryEntry

    entries: list[HistoryEntry] = []
    for proposal in db.session.scalars(select(Proposal).where(
            Proposal.application_id == application.id, Proposal.decision == ProposalDecision.REJECTED)
            .options(selectinload(Proposal.decided_by))):
        entries.append(HistoryEntry(proposal.decided_at, proposal.decided_by, event="proposal_rejected",
                                    facts={"round": proposal.round_id}, reason=proposal.decision_reason))
    for offer in db.session.scalars(select(Offer).where(Offer.application_id == application.id).order_by(Offer.id)
                                    .options(selectinload(Offer.place).selectinload(Place.unit),
                                             selectinload(Offer.proposal), selectinload(Offer.created_by),
                                             selectinload(Offer.responded_recorded_by))):
        entries += _offer_entries(HistoryEntry, offer)
    tenancies = list(db.session.scalars(select(Tenancy).where(Tenancy.application_id == application.id)
                                        .options(selectinload(Tenancy.place).selectinload(Place.unit),
                                                 selectinload(Tenancy.moved_in_recorded_by))))
    for tenancy in tenancies:
        if tenancy.moved_in and tenancy.moved_in_recorded_at is not None:
            entries.append(HistoryEntry(tenancy.moved_in_recorded_at, tenancy.moved_in_recorded_by, event="moved_in",
                                        facts={**_where(tenancy.place), "day": tenancy.actual_move_in}))
    for request in db.session.scalars(select(MoveRequest).where(MoveRequest.tenancy_id.in_([t.id for t in tenancies]))
                                      .options(selectinload(MoveRequest.requested_by),
                                               selectinload(MoveRequest.decided_by),
                                               selectinload(MoveRequest.target_place).selectinload(Place.unit))):
        entries += _move_entries(HistoryEntry, request)
    return entries


def _where(place: Place) -> dict[str, Any]:
    return {"place": place.label, "unit": place.unit.name}


def _offer_entries(entry, offer: Offer) -> list[Any]:
    proposal = offer.proposal
    overridden = proposal is not None and proposal.decision == ProposalDecision.OVERRIDDEN
    entries = [entry(offer.sent_at, offer.created_by, event="offer_sent", reason=proposal.decision_reason
                     if overridden else None,
                     facts={**_where(offer.place), "offer": offer.id, "respond_by": offer.respond_by,
                            "round": proposal.round_id if proposal else None, "overridden": overridden,
                            "passed_over": len(proposal.passed_over or []) if proposal else 0})]
    if offer.status == OfferStatus.ACCEPTED:
        entries.append(entry(offer.responded_at, offer.responded_recorded_by, event="offer_accepted",
                             facts={"offer": offer.id}))
    elif offer.status == OfferStatus.DECLINED:
        entries.append(entry(offer.responded_at, offer.responded_recorded_by, event="offer_declined",
                             facts={"offer": offer.id, "by": offer.declined_by, "code": offer.decline_code},
                             reason=offer.decline_reason))
    elif offer.status == OfferStatus.EXPIRED:
        entries.append(entry(offer.expired_at, None, event="offer_expired", facts={"offer": offer.id}))
    elif offer.status == OfferStatus.WITHDRAWN:
        entries.append(entry(offer.updated_at, None, event="offer_withdrawn", facts={"offer": offer.id}))
    return entries


def _move_entries(entry, request: MoveRequest) -> list[Any]:
    if request.kind == MoveKind.MOVE_OUT:
        return [entry(request.created_at, request.requested_by, event="move_out",
                      facts={"day": request.wanted_date, "code": request.reason_code}, reason=request.reason or None)]
    entries = [entry(request.created_at, request.requested_by, event="transfer_requested",
                     facts={"code": request.reason_code}, reason=request.reason or None)]
    if request.status == MoveStatus.APPROVED:
        entries.append(entry(request.decided_at, request.decided_by, event="transfer_approved",
                             facts={**(_where(request.target_place) if request.target_place else {}),
                                    "day": request.wanted_date}, reason=request.decision_reason))
    elif request.status == MoveStatus.REJECTED:
        entries.append(entry(request.decided_at, request.decided_by, event="transfer_rejected", facts={},
                             reason=request.decision_reason))
    return entries
