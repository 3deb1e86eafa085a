"""Allocation rounds, the proposals they make, and the offers sent to young people.

A round stores its whole solver input and output (``housing-allocation/1`` and its result)
so every decision can be re-run and explained later, e.g. on appeal. The weights it used are
kept with it; ``AllocationPolicy`` holds each county's defaults (published policy, editable
by the county's coordinators and by administrators).
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, CheckConstraint, Date, Float, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from housing.models.base import Base, Timestamped, UtcDateTime, enum_type

if TYPE_CHECKING:
    from housing.models.applications import Application
    from housing.models.geography import County
    from housing.models.units import Place
    from housing.models.users import User


class AllocationPolicy(Timestamped, Base):
    """A county's published allocation policy: the default fit weights of its rounds
    (FORMATS.md §1), how long a young person has to answer an offer, and where a request
    for review of an offer decision is sent."""

    __tablename__ = "allocation_policies"
    __table_args__ = (
        CheckConstraint("w_wish >= 0 AND w_services >= 0 AND w_over >= 0 AND w_km >= 0 AND w_spare >= 0",
                        name="weights_non_negative"),
        CheckConstraint("respond_days BETWEEN 1 AND 60", name="respond_days_range"),
    )

    county_id: Mapped[str] = mapped_column(ForeignKey("counties.id"), primary_key=True)
    w_wish: Mapped[int] = mapped_column(Integer, default=100)
    w_services: Mapped[int] = mapped_column(Integer, default=20)
    w_over: Mapped[int] = mapped_column(Integer, default=30)
    w_km: Mapped[int] = mapped_column(Integer, default=1)
    w_spare: Mapped[int] = mapped_column(Integer, default=10)
    respond_days: Mapped[int] = mapped_column(Integer, default=7)
    # The body and address a request for review (oikaisuvaatimus) goes to, as the county names it.
    review_body: Mapped[str | None] = mapped_column(Text)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    county: Mapped[County] = relationship()
    updated_by: Mapped[User | None] = relationship()


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
    # Places free by this day take part (the as-of day unless the coordinator looks ahead).
    free_by: Mapped[date | None] = mapped_column(Date)
    # What the coordinator chose: {"place_ids": [...] | null, "application_ids": [...] | null};
    # null means every free place, every application on the waiting list on the as-of day.
    selection: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    time_limit_seconds: Mapped[int] = mapped_column(Integer, default=30)
    run_from: Mapped[str] = mapped_column(String(10), default="web")  # web or cli
    gap: Mapped[float | None] = mapped_column(Float)
    # The greedy method on the same input next to the optimum (housed per band, first wishes, distance).
    comparison: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The latest re-run of the stored problem: when, by whom, and whether it came out identical.
    rerun: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    county: Mapped[County] = relationship()
    run_by: Mapped[User | None] = relationship(foreign_keys=[run_by_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])
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
    detail: Mapped[str | None] = mapped_column(Text)  # the allocator's sentence (English)
    facts: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # behind the reason: counts, ids, hours
    wish_rank: Mapped[int | None] = mapped_column(Integer)  # 0 = the first wish
    km: Mapped[float | None] = mapped_column(Float)  # from the place to that wish
    decision: Mapped[ProposalDecision] = mapped_column(
        enum_type(ProposalDecision, "proposal_decision"), default=ProposalDecision.PENDING
    )
    decision_reason: Mapped[str | None] = mapped_column(Text)
    override_place_id: Mapped[int | None] = mapped_column(ForeignKey("places.id", ondelete="SET NULL"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # An override that houses someone ahead of applicants ranked higher who could have had
    # the place: their application ids (priority inversion, shown in red and kept).
    passed_over: Mapped[list[int] | None] = mapped_column(JSON)

    round: Mapped[AllocationRound] = relationship(back_populates="proposals")
    application: Mapped[Application] = relationship()
    place: Mapped[Place | None] = relationship(foreign_keys=[place_id])
    override_place: Mapped[Place | None] = relationship(foreign_keys=[override_place_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    @property
    def offered_place_id(self) -> int | None:
        """The place the decision offers: the coordinator's choice, else the proposal's."""
        if self.decision == ProposalDecision.OVERRIDDEN:
            return self.override_place_id
        return self.place_id if self.decision == ProposalDecision.APPROVED else None


class OfferStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


class Offer(Timestamped, Base):
    """A housing offer: an administrative decision, printable with its appeal instructions."""

    __tablename__ = "offers"
    __table_args__ = (
        # One open offer per place and per application, whoever approves at the same moment.
        Index("uq_offers_pending_place", "place_id", unique=True,
              sqlite_where=text("status = 'pending'"), postgresql_where=text("status = 'pending'")),
        Index("uq_offers_pending_application", "application_id", unique=True,
              sqlite_where=text("status = 'pending'"), postgresql_where=text("status = 'pending'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id"), index=True)
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id", ondelete="SET NULL"))
    status: Mapped[OfferStatus] = mapped_column(enum_type(OfferStatus, "offer_status"), default=OfferStatus.PENDING)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    respond_by: Mapped[date | None] = mapped_column(Date)
    move_in_on: Mapped[date | None] = mapped_column(Date)  # the first day the place is free for them
    declined_by: Mapped[str | None] = mapped_column(String(20))  # young_person or unit
    decline_code: Mapped[str | None] = mapped_column(String(40))  # housing.vocabulary.DECLINE_REASONS
    decline_reason: Mapped[str | None] = mapped_column(Text)  # in the social worker's words
    expired_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    responded_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    responded_recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    application: Mapped[Application] = relationship()
    place: Mapped[Place] = relationship()
    proposal: Mapped[Proposal | None] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    responded_recorded_by: Mapped[User | None] = relationship(foreign_keys=[responded_recorded_by_id])
