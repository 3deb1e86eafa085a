"""Allocation rounds, the proposals they make, and the offers sent to young people.

A round stores its whole solver input and output (``housing-allocation/1`` and its result)
so every decision can be re-run and explained later, e.g. on appeal.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Date, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from housing.models.base import Base, Timestamped, UtcDateTime, enum_type

if TYPE_CHECKING:
    from housing.models.applications import Application
    from housing.models.units import Place
    from housing.models.users import User


class RoundStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CLOSED = "closed"  # decisions made, offers sent


class AllocationRound(Timestamped, Base):
    __tablename__ = "allocation_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    county_id: Mapped[str] = mapped_column(ForeignKey("counties.id"), index=True)
    as_of: Mapped[date] = mapped_column(Date)
    status: Mapped[RoundStatus] = mapped_column(enum_type(RoundStatus, "round_status"))
    policy: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    problem: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    solver_status: Mapped[str | None] = mapped_column(String(20))
    seconds: Mapped[float | None] = mapped_column(Float)
    error: Mapped[str | None] = mapped_column(Text)
    run_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    run_by: Mapped[User | None] = relationship()
    proposals: Mapped[list[Proposal]] = relationship(
        back_populates="round", cascade="all, delete-orphan", order_by="Proposal.priority_rank"
    )


class ProposalDecision(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    OVERRIDDEN = "overridden"  # the coordinator chose another place, with a reason
    REJECTED = "rejected"


class Proposal(Base):
    """The solver's outcome for one application in a round, and the coordinator's decision."""

    __tablename__ = "proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("allocation_rounds.id", ondelete="CASCADE"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    priority_rank: Mapped[int] = mapped_column(Integer)
    place_id: Mapped[int | None] = mapped_column(ForeignKey("places.id", ondelete="SET NULL"))
    fit: Mapped[int | None] = mapped_column(Integer)
    parts: Mapped[dict[str, int] | None] = mapped_column(JSON)
    reason: Mapped[str | None] = mapped_column(String(40))  # why not housed
    detail: Mapped[str | None] = mapped_column(Text)
    decision: Mapped[ProposalDecision] = mapped_column(
        enum_type(ProposalDecision, "proposal_decision"), default=ProposalDecision.PENDING
    )
    decision_reason: Mapped[str | None] = mapped_column(Text)
    override_place_id: Mapped[int | None] = mapped_column(ForeignKey("places.id", ondelete="SET NULL"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    round: Mapped[AllocationRound] = relationship(back_populates="proposals")
    application: Mapped[Application] = relationship()
    place: Mapped[Place | None] = relationship(foreign_keys=[place_id])
    override_place: Mapped[Place | None] = relationship(foreign_keys=[override_place_id])


class OfferStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


class Offer(Timestamped, Base):
    """A housing offer: an administrative decision, printable with its appeal instructions."""

    __tablename__ = "offers"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id"), index=True)
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id", ondelete="SET NULL"))
    status: Mapped[OfferStatus] = mapped_column(enum_type(OfferStatus, "offer_status"), default=OfferStatus.PENDING)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    respond_by: Mapped[date | None] = mapped_column(Date)
    decline_reason: Mapped[str | None] = mapped_column(Text)
    responded_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    responded_recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    application: Mapped[Application] = relationship()
    place: Mapped[Place] = relationship()
